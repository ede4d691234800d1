# SPDX-License-Identifier: Apache-2.0
"""The small model whose graph, with its weights, is examples/models/small_attention.json:
a pre-norm self-attention block as torchvision's ViT writes it (layer norm, then
nn.MultiheadAttention with batch_first, then the residual add), which make_fx in
eval mode traces through torch's fast path, _native_multi_head_attention.
torch_outputs/small_attention.json holds one input and torch's output for it, so a
test can check the pipeline's expansion of the fast path against torch itself.
Regenerate with

    /usr/bin/python3 tools/export_graph.py examples/models/small_attention.py:make \\
        --input-shape 1,5,8 --with-data --trace make_fx --name small_attention \\
        -o examples/models/small_attention.json
    /usr/bin/python3 examples/models/small_attention.py > examples/models/torch_outputs/small_attention.json
"""

import json

import torch
from torch import nn


class SmallAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(8)
        self.attention = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x):
        y = self.norm(x)
        y, _ = self.attention(y, y, y, need_weights=False)
        return x + y


def make():
    torch.manual_seed(0)
    model = SmallAttention()
    model.norm.weight.data.uniform_(0.5, 1.5)
    model.norm.bias.data.uniform_(-0.5, 0.5)
    model.attention.in_proj_bias.data.uniform_(-0.5, 0.5)
    model.attention.out_proj.bias.data.uniform_(-0.5, 0.5)
    return model.eval()


if __name__ == "__main__":
    torch.manual_seed(1)
    x = torch.randn(1, 5, 8)
    with torch.no_grad():
        y = make()(x)
    print(json.dumps({"input": {"shape": list(x.shape), "values": x.flatten().tolist()},
                      "output": {"shape": list(y.shape), "values": y.flatten().tolist()}}))
