#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes examples/graphs/seed_003_refinenet.json: a Light-Weight-RefineNet-like
int8 decoder as ExecuTorch's Vulkan backend sees it after FuseQuantizedOps.

Input 1x3x256x144, 24 features. An encoder of four stride-2 3x3 convolutions;
each encoder feature also feeds a 1x1 skip adapter (Light-Weight RefineNet's
1x1 convolutions on the skips). The decoder upsamples four times by 2 with a
1x1 expansion to 4x24 channels, a `view` to the same shape (the model writes
x.view(n, c * r * r, h, w) before the shuffle) and a quantized pixel_shuffle,
adds the adapted skip and refines with a 3x3 convolution. Every shape is
computed here from the layer parameters; nothing is tuned to a count.

Usage: scripts/make_seed_003.py > examples/graphs/seed_003_refinenet.json
"""
import json
import sys

FEATURES = 24
nodes = []


def add(node_id, op, dtype, shape, inputs=(), attrs=None):
    node = {"id": node_id, "op": op}
    if inputs:
        node["inputs"] = list(inputs)
    if attrs:
        node["attrs"] = attrs
    node["dtype"] = dtype
    node["shape"] = list(shape)
    nodes.append(node)
    return node_id, list(shape)


def conv_out(size, kernel, stride, padding):
    return (size + 2 * padding - kernel) // stride + 1


def q8ta_conv(name, x, out_channels, kernel, stride, op="et_vk.q8ta_conv2d.default"):
    x_id, (n, c, h, w) = x
    padding = kernel // 2
    weight = add(name + "_w", "const", "int8", [out_channels, c, kernel, kernel])[0]
    sums = add(name + "_wsum", "const", "int32", [out_channels])[0]
    scales = add(name + "_wscale", "const", "float32", [out_channels])[0]
    bias = add(name + "_b", "const", "float32", [out_channels])[0]
    shape = [n, out_channels, conv_out(h, kernel, stride, padding), conv_out(w, kernel, stride, padding)]
    attrs = {"kernel_size": [kernel, kernel], "stride": [stride, stride],
             "padding": [padding, padding], "dilation": [1, 1], "groups": 1,
             "input_scale": 0.05, "input_zero_point": 0, "output_scale": 0.05, "output_zero_point": 0}
    return add(name, op, "int8", shape, [x_id, weight, sums, scales, bias], attrs)


def pixel_shuffle(name, x, factor):
    x_id, (n, c, h, w) = x
    viewed = add(name + "_view", "aten.view_copy.default", "int8", [n, c, h, w], [x_id],
                 {"size": [n, c, h, w]})
    return add(name, "et_vk.q8ta_pixel_shuffle.default", "int8",
               [n, c // (factor * factor), h * factor, w * factor], [viewed[0]],
               {"upscale_factor": factor, "input_scale": 0.05, "input_zero_point": 0,
                "output_scale": 0.05, "output_zero_point": 0})


def q8ta_add(name, a, b):
    return add(name, "et_vk.q8ta_add.default", "int8", a[1], [a[0], b[0]],
               {"input_a_scale": 0.05, "input_a_zero_point": 0, "input_b_scale": 0.05,
                "input_b_zero_point": 0, "output_scale": 0.05, "output_zero_point": 0, "alpha": 1})


image = add("image", "input", "float32", [1, 3, 256, 144])
x = add("quantize", "quantized_decomposed.quantize_per_tensor.default", "int8", image[1], [image[0]],
        {"scale": 0.02, "zero_point": 0, "quant_min": -128, "quant_max": 127, "dtype": "int8"})

encoder = []
for level in range(1, 5):
    x = q8ta_conv(f"enc{level}", x, FEATURES, 3, 2)
    encoder.append(x)

skips = [q8ta_conv(f"skip{level}", encoder[level - 1], FEATURES, 1, 1, "et_vk.q8ta_conv2d_pw.default")
         for level in range(1, 4)]

y = encoder[3]
for level in range(4, 0, -1):
    expanded = q8ta_conv(f"dec{level}_expand", y, FEATURES * 4, 1, 1, "et_vk.q8ta_conv2d_pw.default")
    y = pixel_shuffle(f"dec{level}_shuffle", expanded, 2)
    if level > 1:
        y = q8ta_add(f"dec{level}_add", y, skips[level - 2])
    y = q8ta_conv(f"dec{level}_refine", y, FEATURES, 3, 1)

out = add("dequantize", "quantized_decomposed.dequantize_per_tensor.default", "float32", y[1], [y[0]],
          {"scale": 0.05, "zero_point": 0, "quant_min": -128, "quant_max": 127, "dtype": "int8"})

json.dump({"format": "qlower-graph", "version": 1, "name": "seed_003_refinenet",
           "nodes": nodes, "outputs": [out[0]]}, sys.stdout, indent=1)
sys.stdout.write("\n")
