#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the .npy vectors of the `qlower quantize` tests, computed by NumPy
from torchao's formulas in float32, independently of qlower:

  quantize:   q = clamp(round_half_even(x * float32(1 / scale)) + zero_point, qmin, qmax)
  dequantize: x = float32(q - zero_point) * scale

Run with Debian's python3-numpy (/usr/bin/python3); the outputs are committed,
so the tests need no Python.
"""
import numpy as np

rng = np.random.default_rng(2026)


def quantize(x, scale, zero_point, qmin, qmax, dtype):
    inverse = (np.float32(1) / scale).astype(np.float32)
    scaled = (x * inverse).astype(np.float32)
    return np.clip(np.round(scaled) + zero_point, qmin, qmax).astype(dtype)


def dequantize(q, scale, zero_point):
    return ((q.astype(np.int32) - zero_point).astype(np.float32) * scale).astype(np.float32)


# A [4, 64] activation-like tensor with exact ties and values beyond the range.
x = (rng.standard_normal((4, 64)) * 3).astype(np.float32)
x[0, :4] = [0.5, 1.5, -2.5, 1e6]
np.save("x.npy", x)

# Per output channel, asymmetric int8: scale and zero point [4, 1].
low = np.minimum(x.min(axis=1, keepdims=True), 0)
high = np.maximum(np.percentile(x, 95, axis=1, keepdims=True), 0)
scale = ((high - low) / 255).astype(np.float32)
zero_point = np.clip(-128 - np.round(low / scale), -128, 127).astype(np.int64)
np.save("per_channel_scale.npy", scale)
np.save("per_channel_zero_point.npy", zero_point)  # int64, as torch saves zero points
np.save("per_channel_scale_1d.npy", scale.reshape(4))
np.save("per_channel_zero_point_1d.npy", zero_point.reshape(4).astype(np.int8))
q = quantize(x, scale, zero_point, -128, 127, np.int8)
np.save("per_channel_int8.npy", q)
np.save("per_channel_dequantized.npy", dequantize(q, scale, zero_point))

# Groups of 32 along the last axis, uint4 stored one per byte in uint8.
groups = x.reshape(4, 2, 32)
g_low = np.minimum(groups.min(axis=2), 0)
g_high = np.maximum(groups.max(axis=2), 0)
g_scale = ((g_high - g_low) / 15).astype(np.float32)  # [4, 2]
g_zero_point = np.clip(-np.round(g_low / g_scale), 0, 15).astype(np.uint8)
np.save("group32_scale.npy", g_scale)
np.save("group32_zero_point.npy", g_zero_point)
expanded_scale = np.repeat(g_scale, 32, axis=1)
expanded_zero_point = np.repeat(g_zero_point.astype(np.int32), 32, axis=1)
np.save("group32_uint4.npy", quantize(x, expanded_scale, expanded_zero_point, 0, 15, np.uint8))

# Per tensor, given as numbers on the command line: int16, scale 0.05, zero point -3.
np.save("per_tensor_int16.npy", quantize(x, np.float32(0.05), -3, -32768, 32767, np.int16))

# ONNX's QuantizeLinear divides: --arithmetic onnx, uint8, scale 0.07, zero point 128.
# The input holds every float32 within 3 ulp of a tie (k + 0.5) * 0.07 whose
# code differs between x / scale and x * (1 / scale), so the test tells the
# two arithmetics apart.
step = np.float32(0.07)
inverse = np.float32(1) / step
near_ties = []
for k in range(-100, 100):
    value = np.float32((k + 0.5) * step)
    for ulps in range(-3, 4):
        y = value
        for _ in range(abs(ulps)):
            y = np.nextafter(y, np.float32(np.inf if ulps > 0 else -np.inf))
        if np.round(np.float32(y * inverse)) != np.round(np.float32(y / step)):
            near_ties.append(y)
onnx_x = np.array(near_ties, dtype=np.float32)
assert onnx_x.size > 0
np.save("onnx_x.npy", onnx_x)
onnx_scaled = (onnx_x / step).astype(np.float32)
np.save("onnx_uint8.npy", np.clip(np.round(onnx_scaled) + 128, 0, 255).astype(np.uint8))
