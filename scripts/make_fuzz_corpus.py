#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/NAME/, and
the dictionary fuzz/dict/graph.dict from the example graphs.

    /usr/bin/python3 scripts/make_fuzz_corpus.py

Seeds come from the repository's examples and test vectors (copied under a
prefix naming their origin) and, for the affine and pipeline targets, from
encoders of the byte layouts their decoders read (fuzz/quant/affine.fuzz.cpp,
fuzz/passes/graph_builder.hpp). Files named regression-* are kept: they are
the inputs of past findings. Everything else in a corpus directory is
rewritten, so the output depends only on the repository. Standard library
only; deterministic.
"""

import json
import random
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def reset(name):
    directory = CORPUS / name
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if old.is_file() and not old.name.startswith("regression-"):
            old.unlink()
    return directory


def copy_files(directory, prefix, files):
    for source in sorted(files):
        (directory / f"{prefix}-{source.name}").write_bytes(source.read_bytes())


# ---------------------------------------------------------------- byte_reader

class Encoder:
    """The inverse of fuzz/byte_reader.hpp for the reads it mirrors."""

    def __init__(self):
        self.data = bytearray()

    def u8(self, value):
        self.data.append(value & 0xFF)

    def unsigned(self, value, count):
        self.data += (value % (1 << (8 * count))).to_bytes(count, "little")

    def u32(self, value):
        self.unsigned(value, 4)

    def in_range(self, low, high, value):
        """byte_reader::in_range: as few bytes as the span needs, value - low."""
        assert low <= value <= high, (low, value, high)
        if high <= low:
            return
        span = high - low
        count = 1 if span < 0x100 else 2 if span < 0x10000 else 4 if span < 0x100000000 else 8
        self.unsigned(value - low, count)

    def boolean(self, value):
        self.u8(1 if value else 0)

    def pick(self, table, value):
        self.in_range(0, len(table) - 1, table.index(value))


# ---------------------------------------------------------------- affine

QUANT_DTYPES = ["int8", "uint8", "int16", "uint16", "int32", "int4", "uint4", "int2", "uint2"]
QUANT_BOUNDS = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767),
                "uint16": (0, 65535), "int32": (-2**31, 2**31 - 1), "int4": (-8, 7),
                "uint4": (0, 15), "int2": (-2, 1), "uint2": (0, 3)}
DIM_TABLE = [1, 2, 3, 4, 5, 7, 8, 16, 17, 31, 32, 33, 64, 0, 1, 128]
VALID_SCALES = 11  # scale_table[0..10] are valid scales
INT32_MIN, INT32_MAX = -2**31, 2**31 - 1


def encode_dims(e, dims):
    e.in_range(0, 5, len(dims))
    for dim in dims:
        e.pick(DIM_TABLE, dim)


def encode_scale(e, kind, value):
    """kind 'table' (index into the valid scales), 'power' (2**value) or 'bits'."""
    if kind == "table":
        e.in_range(0, 7, 3)
        e.in_range(0, 10, value)
    elif kind == "power":
        e.in_range(0, 7, 2)
        e.in_range(-20, 20, value)
    else:
        e.in_range(0, 7, 0)
        e.u32(struct.unpack("<I", struct.pack("<f", value))[0])


def encode_range(e, dtype, sub_range=None):
    if sub_range is None:
        e.in_range(0, 3, 0)
        return QUANT_BOUNDS[dtype]
    low, high = QUANT_BOUNDS[dtype]
    e.in_range(0, 3, 2)
    e.in_range(low, high, sub_range[0])
    e.in_range(sub_range[0], high, sub_range[1])
    return sub_range


def divisors(dim):
    return [d for d in range(1, dim + 1) if dim % d == 0]


def affine_seed(rng, operation, onnx, dtype, dims, granularity, misuse=0):
    """One input of fuzz/quant/affine.fuzz.cpp with elements from its generator."""
    e = Encoder()
    e.u8(operation | (4 if onnx else 0) | (misuse << 3))
    e.u32(rng.getrandbits(32))
    e.pick(QUANT_DTYPES, dtype)
    encode_dims(e, dims)
    if operation == 3:
        for dim in dims:  # block sizes: whole, 1 or a divisor
            choice = rng.choice([0, 1, 2])
            e.in_range(0, 3, choice)
            if choice == 2 and divisors(dim):
                e.in_range(0, len(divisors(dim)) - 1, rng.randrange(len(divisors(dim))))
        e.in_range(0, 15, 1)  # no rank mismatch
        # symmetric_no_clipping_err divides by qmin: not for unsigned dtypes
        e.in_range(0, 2, rng.randrange(3) if dtype.startswith("int") else rng.choice([0, 2]))
        encode_range(e, dtype)
        e.in_range(0, 3, 1)  # default eps
        encode_scale(e, "table", rng.randrange(VALID_SCALES))
        return bytes(e.data)
    e.in_range(0, 4, granularity)
    scale_dims = []
    if granularity == 1:
        for dim in dims:
            choice = rng.choice([0, 1, 2])
            e.in_range(0, 3, choice)
            if choice == 2:
                options = divisors(dim)
                if options:
                    index = rng.randrange(len(options))
                    e.in_range(0, len(options) - 1, index)
                    scale_dims.append(options[index])
                else:
                    scale_dims.append(1)  # divisor_of reads nothing for an empty dimension
            else:
                scale_dims.append(1 if choice == 0 else dim)
    elif granularity == 2:
        axis = rng.randrange(len(dims))
        e.in_range(0, len(dims), axis)
        e.in_range(0, 3, 1)
        scale_dims = [dims[axis]]
    elif granularity == 3:
        for dim in dims:
            e.in_range(0, 7, 1)
            block = rng.randint(1, max(dim, 1))
            e.in_range(1, max(dim, 1), block)
            e.in_range(0, 15, 1)
            scale_dims.append(1 if dim == 0 else (dim + block - 1) // block)
    count = 1
    for dim in scale_dims:
        count *= dim
    low, high = encode_range(e, dtype, None if rng.random() < 0.7 else sorted(
        rng.sample(range(QUANT_BOUNDS[dtype][0], QUANT_BOUNDS[dtype][1] + 1), 2)))
    has_zero_point = rng.random() < 0.75
    e.boolean(has_zero_point)
    for _ in range(count if granularity != 0 else 1):
        if rng.random() < 0.3:
            encode_scale(e, "power", rng.randint(-8, 4))
        else:
            encode_scale(e, "table", rng.randrange(VALID_SCALES))
        if has_zero_point:
            e.in_range(0, 7, 1)
            e.in_range(max(low, INT32_MIN), min(high, INT32_MAX), rng.randint(low, high))
    if has_zero_point:
        e.in_range(0, 15, 1)
    return bytes(e.data)


def affine_corpus():
    directory = reset("affine")
    rng = random.Random(8)
    shapes = [[], [1], [7], [64], [4, 33], [2, 3, 5], [1, 8, 4, 4], [2, 1, 3, 1, 4], [0, 5],
              [16, 128], [32, 128]]
    count = 0
    for operation in range(4):
        for dtype in QUANT_DTYPES:
            for dims in shapes:
                if rng.random() < 0.6:
                    continue
                granularity = rng.choice([0, 1, 2, 3]) if dims else 0
                if granularity == 2 and not dims:
                    granularity = 0
                onnx = rng.random() < 0.3
                seed = affine_seed(rng, operation, onnx, dtype, dims, granularity)
                (directory / f"{['quantize', 'dequantize', 'packed', 'choose'][operation]}"
                 f"-{dtype}-{'x'.join(map(str, dims)) or 'scalar'}-g{granularity}"
                 f"{'-onnx' if onnx else ''}").write_bytes(seed)
                count += 1
    # misuse: a wrong storage type, output or input size, each must be rejected
    for misuse in (1, 2, 3):
        seed = affine_seed(rng, 0, False, "int8", [4, 33], 1, misuse)
        (directory / f"misuse-{misuse}").write_bytes(seed)
    # explicit element bytes: ties, infinities, NaN (decode_element's kinds)
    e = Encoder()
    tail = affine_seed(rng, 0, False, "int8", [16], 0)
    for k in range(16):
        e.u32((k << 8) | (k % 8))
    (directory / "quantize-int8-16-elements").write_bytes(tail + bytes(e.data))
    return count + 4


# ---------------------------------------------------------------- pipeline

def pipeline_corpus():
    directory = reset("pipeline")
    copy_files(directory, "graph", (ROOT / "examples" / "graphs").glob("*.json"))
    # the smallest real model: make_fx's spellings, batch norms to fold, t + addmm
    copy_files(directory, "model", [ROOT / "examples" / "models" / "resnet18.json"])
    # a self-attention block in make_fx's fast path, with its weights
    copy_files(directory, "model", [ROOT / "examples" / "models" / "small_attention.json"])
    rng = random.Random(3)
    # graph_builder.hpp decodes any bytes; the first must not be '{' or JSON whitespace
    for i in range(24):
        length = rng.choice([16, 48, 96, 200, 400])
        data = bytearray(rng.getrandbits(8) for _ in range(length))
        data[0] = rng.choice([1, 2, 5, 17, 40, 47])  # node count 1 + b % 48
        while data[0] in b"{ \n\r\t":
            data[0] += 1
        (directory / f"built-{i:02d}").write_bytes(bytes(data))


# ---------------------------------------------------------------- rule files

RULES = ["none", "independent", "pass_through", "pass_through_or_input_act",
         "shared_across_inputs", "binary", "weighted", "comparison", "fixed", "output_only",
         "copy", "getitem"]
RULE_OPS = ["aten.concat.default", "aten.cat.default", "aten.movedim.int", "aten.moveaxis.int",
            "aten.permute.default", "aten.permute_copy.default", "aten.relu.default",
            "aten.convolution.default", "aten.linear.default", "aten.add.Tensor",
            "aten.max.dim", "aten.hardtanh.default", "aten.sigmoid.default", "aten.t.default",
            "aten._softmax.default", "aten.native_layer_norm.default", "aten.mean.dim"]


def rule_file_corpus():
    directory = reset("rule_file")
    copy_files(directory, "example", (ROOT / "examples" / "rules").glob("*.json"))
    head = '{"format": "qlower-rules", "version": 1'
    seeds = {
        "a16w8": head + ', "policy": "arm_quantizer_a16w8"}',
        "empty-policy": head + ', "policy": "empty", "target": "none"}',
        "lift-restrictions": head + ', "target_dtypes": {"aten.permute.default": null, '
                                    '"aten.cat.default": null}}',
        "restrict": head + ', "target_dtypes": {"aten.native_layer_norm.default": ["int8"], '
                           '"aten.relu.default": ["int8", "int16", "float32"]}}',
        "alias-restriction": head + ', "target_dtypes": {"aten.concat.default": ["int8"]}}',
        "bad-version": '{"format": "qlower-rules", "version": 2}',
        "extension": head + ', "x-note": {"anything": [1, 2]}}',
    }
    for rule in RULES:  # every rule on ops of every kind: the passes must cope
        ops = ", ".join(f'"{op}": "{rule}"' for op in RULE_OPS)
        seeds[f"every-op-{rule}"] = head + ', "rules": {' + ops + "}}"
    for name, text in seeds.items():
        (directory / name).write_text(text + "\n")


# ---------------------------------------------------------------- npy

def npy_header(descr, fortran, shape, version=1):
    dims = "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    header = f"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {dims}, }}"
    width = 10 if version == 1 else 12
    header += " " * (64 - (width + len(header) + 1) % 64) + "\n"
    length = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode("latin-1" if version < 3 else "utf-8")


def npy_corpus():
    directory = reset("npy")
    copy_files(directory, "harness", (ROOT / "harness" / "io" / "npy").glob("*.npy"))
    copy_files(directory, "tool", (ROOT / "tools" / "quantize_vectors").glob("*.npy"))
    seeds = {
        "v2-int16": npy_header("<i2", "False", [3], 2) + struct.pack("<3h", -1, 0, 1),
        "v3-uint32": npy_header("<u4", "False", [2], 3) + struct.pack("<2I", 1, 2**32 - 1),
        "big-endian-f8": npy_header(">f8", "False", [2]) + struct.pack(">2d", 1.5, -0.0),
        "fortran-i8": npy_header("<i8", "True", [2, 2]) + struct.pack("<4q", 1, 2, 3, 4),
        "u1-empty": npy_header("|u1", "False", [0]),
        "f4-nan-inf": npy_header("<f4", "False", [3]) + struct.pack("<3f", float("nan"), float("inf"), -1e-45),
        "f8-beyond-float": npy_header("<f8", "False", [1]) + struct.pack("<d", 1e300),
        "truncated": npy_header("<f4", "False", [4]) + b"\x00" * 7,
        "huge-shape": npy_header("<f4", "False", [2**40, 2**40]),
    }
    for name, data in seeds.items():
        (directory / name).write_bytes(data)


# ---------------------------------------------------------------- json

def json_corpus():
    directory = reset("json")
    copy_files(directory, "graph", (ROOT / "examples" / "graphs").glob("*.json"))
    copy_files(directory, "invalid", (ROOT / "examples" / "invalid").glob("*.json"))


# ---------------------------------------------------------------- graph.dict

def graph_dictionary():
    ops, attributes = {"input", "const", "getitem"}, {"index"}
    for path in sorted([*(ROOT / "examples" / "graphs").glob("*.json"),
                        *(ROOT / "examples" / "models").glob("*.json")]):
        for node in json.loads(path.read_text())["nodes"]:
            ops.add(node["op"])
            attributes.update(node.get("attrs", {}))
    tokens = ['"format"', '"qlower-graph"', '"version"', '"name"', '"nodes"', '"outputs"', '"id"',
              '"op"', '"inputs"', '"attrs"', '"dtype"', '"shape"', '"data"', '"x-note"', "null",
              "true", "false", "[]", "{}", "1e400", "-0", "1.5e-320"]
    tokens += [f'"{dtype}"' for dtype in ["bool", "uint8", "int8", "int16", "int32", "int64",
                                          "float16", "bfloat16", "float32", "float64"]]
    tokens += [f'"{op}"' for op in sorted(ops)] + [f'"{name}"' for name in sorted(attributes)]
    lines = ["# libFuzzer dictionary for the graph format (graph-format.md), for the fuzz",
             "# targets json and pipeline: field names, dtype names, and the ops and attributes",
             "# of examples/graphs/*.json and examples/models/*.json. Written by",
             "# scripts/make_fuzz_corpus.py.", ""]
    lines += ['"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"' for token in tokens]
    (ROOT / "fuzz" / "dict" / "graph.dict").write_text("\n".join(lines) + "\n")


def main():
    graph_dictionary()
    json_corpus()
    affine_corpus()
    pipeline_corpus()
    rule_file_corpus()
    npy_corpus()
    total = sum(f.stat().st_size for f in CORPUS.rglob("*") if f.is_file())
    files = sum(1 for f in CORPUS.rglob("*") if f.is_file())
    print(f"fuzz/corpus: {files} files, {total} bytes")
    if total >= 1 << 20:
        sys.exit("the corpora exceed 1 MB: keep the seeds small")


if __name__ == "__main__":
    main()
