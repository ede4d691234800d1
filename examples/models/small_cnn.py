# SPDX-License-Identifier: Apache-2.0
"""The small model whose graph, with its weights, is examples/models/small_cnn.json:
conv + batch norm + relu, a grouped conv + batch norm, and linear + batch norm,
for the numeric batch norm fold. Regenerate with

    /usr/bin/python3 tools/export_graph.py examples/models/small_cnn.py:make \\
        --input-shape 1,3,8,8 --with-data --name small_cnn -o examples/models/small_cnn.json
"""

import torch
from torch import nn


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.norm = nn.BatchNorm2d(4)
        self.depthwise = nn.Conv2d(4, 4, 3, padding=1, groups=2, bias=False)
        self.norm2 = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 8 * 8, 6)
        self.norm3 = nn.BatchNorm1d(6)

    def forward(self, x):
        x = torch.relu(self.norm(self.conv(x)))
        x = self.norm2(self.depthwise(x))
        return self.norm3(self.fc(x.flatten(1)))


def make():
    torch.manual_seed(0)
    model = SmallCnn()
    # Running statistics and affine parameters other than the defaults, so
    # that the fold computes something.
    for norm in (model.norm, model.norm2, model.norm3):
        norm.running_mean.uniform_(-1, 1)
        norm.running_var.uniform_(0.5, 2)
        norm.weight.data.uniform_(0.5, 1.5)
        norm.bias.data.uniform_(-0.5, 0.5)
    return model
