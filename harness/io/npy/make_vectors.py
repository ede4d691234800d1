# SPDX-License-Identifier: Apache-2.0
"""Writes the NumPy reference files of harness/io/npy.test.cpp with np.save.

Run from anywhere: python3 make_vectors.py. The values are fixed (no random
numbers), so rerunning with the same NumPy version gives the same bytes.
"""
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))


def save(name, array):
    np.save(os.path.join(here, name), array, allow_pickle=False)


# The header exactly as NumPy writes a C-order little-endian float32 matrix.
save("float32_2x3.npy", np.array([[0.0, 1.5, -2.0], [3.25, -0.0, 1e-45]], dtype="<f4"))
# Rank 0: shape ().
save("int8_scalar.npy", np.array(-7, dtype="|i1"))
# Zero elements: a header and no data.
save("uint16_0x5.npy", np.zeros((0, 5), dtype="<u2"))
# fortran_order True: the data is column-major; value = 100*i + 10*j + k.
c = np.fromfunction(lambda i, j, k: 100 * i + 10 * j + k, (2, 3, 4), dtype="<f8")
save("float64_fortran_2x3x4.npy", np.asfortranarray(c))
# Big-endian data, descr '>i4'.
save("int32_big_endian_4.npy", np.array([-2, -1, 0, 0x01020304], dtype=">i4"))
