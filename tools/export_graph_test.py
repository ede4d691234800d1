#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Tests tools/export_graph.py on a small model.

    python3 tools/export_graph_test.py [QLOWER_BINARY]

Exits 77 (ctest's SKIP_RETURN_CODE) when this Python cannot import torch.
Given the path of a built `qlower` that exists, also requires `qlower info`
to accept every exported file ("valid: yes", exit 0).
"""

import json
import math
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

SKIP_RETURN_CODE = 77
HERE = os.path.dirname(os.path.abspath(__file__))
EXPORTER = os.path.join(HERE, "export_graph.py")

# Importing the exporter must not leave __pycache__ in the source tree.
sys.dont_write_bytecode = True

try:
    import torch
except ImportError as failure:
    print(f"SKIP: {sys.executable} cannot import torch ({failure}); "
          "QLOWER_WITH_TORCH=1 bash scripts/setup.sh installs Debian's python3-torch")
    sys.exit(SKIP_RETURN_CODE)

sys.path.insert(0, HERE)
import export_graph  # noqa: E402  (needs the path above)

QLOWER = None  # set from argv[1] in main()

# The model, as a file, so that the command line loads it as FILE.py:FACTORY
# and the library tests load the very same model.
MODEL_SOURCE = textwrap.dedent("""\
    import torch
    from torch import nn


    class Small(nn.Module):
        # conv2d -> relu -> max_pool2d_with_indices (a getitem) -> permute,
        # concatenated with a second branch; then split (two getitems) and a
        # linear on the mean.
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding=1)
            self.pool = nn.MaxPool2d(2, return_indices=True)
            self.side = nn.Conv2d(4, 4, 1)
            self.fc = nn.Linear(12, 5)

        def forward(self, x, y):
            pooled, _ = self.pool(torch.relu(self.conv(x)))
            main = pooled.permute(0, 2, 3, 1)
            side = self.side(y).permute(0, 2, 3, 1)
            joined = torch.cat([main, side], dim=-1)
            first, second = torch.split(joined, 6, dim=-1)
            return self.fc(joined.mean(dim=(1, 2))), first * second


    def make_small():
        torch.manual_seed(0)
        return Small()


    class Norm(nn.Module):
        # What old make_fx records as native_batch_norm and _reshape_alias.
        def __init__(self):
            super().__init__()
            self.norm = nn.BatchNorm2d(4)
            self.fc = nn.Linear(4, 3)

        def forward(self, x):
            return self.fc(self.norm(x).permute(0, 2, 3, 1))


    class Complex(nn.Module):
        def forward(self, x):
            return torch.view_as_complex(x)


    class Attention(nn.Module):
        # Eval + no_grad takes torch's fast path, whose second output is None.
        def __init__(self):
            super().__init__()
            self.attention = nn.MultiheadAttention(8, 2, batch_first=True)

        def forward(self, x):
            return self.attention(x, x, x, need_weights=False)[0]


    class NotFinite(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.tensor([1.0, float("nan")]))

        def forward(self, x):
            return x * self.scale


    class ReturnsInt(nn.Module):
        def forward(self, x):
            return x.shape[0]
""")

SMALL_INPUTS = {"x": [1, 3, 8, 8], "y": [1, 4, 4, 4]}
SMALL_CONSTS = {"conv.weight": [8, 3, 3, 3], "conv.bias": [8], "side.weight": [4, 4, 1, 1],
                "side.bias": [4], "fc.weight": [5, 12], "fc.bias": [5]}
FORMAT_DTYPES = {"float32", "float16", "bfloat16", "float64", "int8", "uint8", "int16",
                 "int32", "int64", "bool"}

# The spellings each trace path may give the same call.
CONV = {"aten.convolution.default", "aten.conv2d.default"}
PERMUTE = {"aten.permute.default", "aten.permute_copy.default"}
CAT = {"aten.cat.default", "aten.concat.default"}
SPLIT = {"aten.split.Tensor", "aten.split_with_sizes.default", "aten.split_copy.Tensor",
         "aten.split_with_sizes_copy.default"}
TRANSPOSE = {"aten.t.default", "aten.permute.default", "aten.permute_copy.default",
             "aten.t_copy.default"}


def small_inputs():
    generator = torch.Generator().manual_seed(1)
    return tuple(torch.randn(shape, generator=generator) for shape in SMALL_INPUTS.values())


class Graph:
    """A parsed document with lookups, that records which nodes a test has
    checked so that it can require every node to be checked."""

    def __init__(self, test, document):
        self.test = test
        self.document = document
        self.nodes = {node["id"]: node for node in document["nodes"]}
        self.checked = set()

    def node(self, ops, inputs, shape=None, dtype="float32"):
        """The one node of an op in `ops` reading exactly `inputs`, with the
        given shape and dtype (a single-output node) if given."""
        found = [node for node in self.document["nodes"]
                 if node["op"] in ops and node.get("inputs", []) == inputs]
        self.test.assertEqual(len(found), 1, f"one node of {sorted(ops)} reading {inputs}: "
                                             f"found {[n['id'] for n in found]}")
        node = found[0]
        if shape is not None:
            self.test.assertEqual(node.get("shape"), shape, f"shape of {node['id']}")
            self.test.assertEqual(node.get("dtype"), dtype, f"dtype of {node['id']}")
        self.checked.add(node["id"])
        return node

    def getitems(self, source):
        """The getitem nodes reading `source`, by index."""
        return sorted((node for node in self.document["nodes"]
                       if node["op"] == "getitem" and node["inputs"] == [source["id"]]),
                      key=lambda node: node["attrs"]["index"])


class ExportGraphTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory(prefix="export_graph_test.")
        cls.model_file = os.path.join(cls.directory.name, "models.py")
        with open(cls.model_file, "w", encoding="utf-8") as file:
            file.write(MODEL_SOURCE)
        print(f"torch {torch.__version__}; torch.export available: "
              f"{export_graph.torch_export_available()}", file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def model(self, factory):
        return export_graph.load_model(f"{self.model_file}:{factory}")

    def write(self, document, stem):
        path = os.path.join(self.directory.name, f"{stem}.json")
        with open(path, "w", encoding="utf-8") as file:
            file.write(export_graph.dumps(document))
        return path

    def require_qlower_accepts(self, path):
        if not QLOWER:
            return
        result = subprocess.run([QLOWER, "info", path], capture_output=True, text=True,
                                check=False)
        self.assertEqual(result.returncode, 0, f"qlower info {path}: {result.stdout}"
                                               f"{result.stderr}")
        self.assertIn("valid: yes", result.stdout)

    # --- the format's own rules, on any document ------------------------

    def check_well_formed(self, document):
        self.assertEqual(document["format"], "qlower-graph")
        self.assertEqual(document["version"], 1)
        seen = set()
        for node in document["nodes"]:
            where = node.get("id")
            self.assertNotIn(where, seen, "ids are unique")
            self.assertTrue(set(node) <= {"id", "op", "inputs", "attrs", "dtype", "shape",
                                          "outputs", "data"}
                            | {key for key in node if key.startswith("x-")}, where)
            for item in node.get("inputs", []):
                # The exporter writes nodes in topological order.
                self.assertTrue(item is None or item in seen, f"{where} reads {item}")
            types = node["outputs"] if "outputs" in node else [node]
            for tensor in types:
                self.assertIn(tensor["dtype"], FORMAT_DTYPES, where)
                self.assertTrue(all(isinstance(d, int) and d >= 0 for d in tensor["shape"]),
                                where)
            if node["op"] in ("input", "const"):
                self.assertNotIn("inputs", node, where)
            else:
                self.assertIn("inputs", node, where)
            seen.add(where)
        for output in document["outputs"]:
            self.assertIn(output, seen)
        # What the file says must survive JSON exactly (no NaN, no Infinity).
        self.assertEqual(json.loads(export_graph.dumps(document)), document)

    # --- the small model ------------------------------------------------

    def check_small(self, document):
        self.check_well_formed(document)
        self.assertEqual(document["name"], "Small")
        graph = Graph(self, document)

        for name, shape in SMALL_INPUTS.items():
            self.assertEqual(graph.nodes[name], {"id": name, "op": "input",
                                                 "dtype": "float32", "shape": shape})
            graph.checked.add(name)
        for name, shape in SMALL_CONSTS.items():
            # Without --with-data a const carries no data.
            self.assertEqual(graph.nodes[name], {"id": name, "op": "const",
                                                 "dtype": "float32", "shape": shape})
            graph.checked.add(name)

        conv = graph.node(CONV, ["x", "conv.weight", "conv.bias"], [1, 8, 8, 8])
        self.assertEqual(conv["attrs"]["stride"], [1, 1])
        self.assertEqual(conv["attrs"]["padding"], [1, 1])
        self.assertEqual(conv["attrs"]["groups"], 1)
        relu = graph.node({"aten.relu.default"}, [conv["id"]], [1, 8, 8, 8])
        pool = graph.node({"aten.max_pool2d_with_indices.default"}, [relu["id"]])
        self.assertEqual(pool["outputs"], [{"dtype": "float32", "shape": [1, 8, 4, 4]},
                                           {"dtype": "int64", "shape": [1, 8, 4, 4]}])
        self.assertEqual(pool["attrs"]["kernel_size"], [2, 2])
        pooled = graph.node({"getitem"}, [pool["id"]], [1, 8, 4, 4])
        self.assertEqual(pooled["attrs"], {"index": 0})
        main = graph.node(PERMUTE, [pooled["id"]], [1, 4, 4, 8])
        self.assertEqual(main["attrs"], {"dims": [0, 2, 3, 1]})

        side_conv = graph.node(CONV, ["y", "side.weight", "side.bias"], [1, 4, 4, 4])
        side = graph.node(PERMUTE, [side_conv["id"]], [1, 4, 4, 4])
        joined = graph.node(CAT, [main["id"], side["id"]], [1, 4, 4, 12])
        self.assertEqual(joined["attrs"]["dim"], -1)

        split = graph.node(SPLIT, [joined["id"]])
        self.assertEqual(split["outputs"], [{"dtype": "float32", "shape": [1, 4, 4, 6]}] * 2)
        first, second = graph.getitems(split)
        for index, item in enumerate((first, second)):
            self.assertEqual(item["attrs"], {"index": index})
            self.assertEqual((item["dtype"], item["shape"]), ("float32", [1, 4, 4, 6]))
            graph.checked.add(item["id"])
        product = graph.node({"aten.mul.Tensor"}, [first["id"], second["id"]], [1, 4, 4, 6])

        mean = graph.node({"aten.mean.dim"}, [joined["id"]], [1, 12])
        self.assertEqual(mean["attrs"]["dim"], [1, 2])
        # A linear stays aten.linear under torch.export, and is t + addmm
        # under make_fx.
        linear_nodes = [n for n in document["nodes"] if n["op"] == "aten.linear.default"]
        if linear_nodes:
            linear = graph.node({"aten.linear.default"}, [mean["id"], "fc.weight", "fc.bias"],
                                [1, 5])
        else:
            transposed = graph.node(TRANSPOSE, ["fc.weight"], [12, 5])
            linear = graph.node({"aten.addmm.default"},
                                ["fc.bias", mean["id"], transposed["id"]], [1, 5])
        self.assertEqual(document["outputs"], [linear["id"], product["id"]])

        unchecked = set(graph.nodes) - graph.checked
        self.assertFalse(unchecked, f"nodes the test does not expect: "
                                    f"{[graph.nodes[i]['op'] for i in unchecked]}")

        # The graph's outputs have the eager model's shapes.
        eager = self.model("make_small").eval()(*small_inputs())
        for output, value in zip(document["outputs"], eager):
            self.assertEqual(graph.nodes[output]["shape"], list(value.shape))

    def test_make_fx_small_model(self):
        document = export_graph.export_graph(self.model("make_small"), small_inputs(),
                                             trace="make_fx")
        self.assertEqual(document["x-exporter"]["trace"], "make_fx")
        self.check_small(document)
        self.require_qlower_accepts(self.write(document, "small_make_fx"))

    def test_torch_export_small_model(self):
        if not export_graph.torch_export_available():
            self.skipTest(f"torch {torch.__version__} has no torch.export")
        document = export_graph.export_graph(self.model("make_small"), small_inputs(),
                                             trace="export")
        self.assertEqual(document["x-exporter"]["trace"], "torch.export")
        self.check_small(document)
        self.require_qlower_accepts(self.write(document, "small_export"))

    def test_auto_picks_torch_export_where_available(self):
        document = export_graph.export_graph(self.model("make_small"), small_inputs())
        expected = "torch.export" if export_graph.torch_export_available() else "make_fx"
        self.assertEqual(document["x-exporter"]["trace"], expected)
        self.check_small(document)

    def test_with_data(self):
        model = self.model("make_small")
        document = export_graph.export_graph(model, small_inputs(), with_data=True)
        self.check_well_formed(document)
        nodes = {node["id"]: node for node in document["nodes"]}
        parameters = dict(model.named_parameters())
        for name, shape in SMALL_CONSTS.items():
            data = nodes[name]["data"]
            self.assertEqual(len(data), math.prod(shape), name)
            expected = parameters[name].detach().reshape(-1).tolist()
            self.assertEqual(data, expected, f"{name} in row-major order")
        for name in SMALL_INPUTS:
            self.assertNotIn("data", nodes[name])
        self.require_qlower_accepts(self.write(document, "small_with_data"))

    def test_make_fx_spellings_are_kept_as_traced(self):
        # qlower maps each spelling to its canonical op (ops/spellings), so the
        # exporter writes what the tracer recorded and renames nothing.
        document = export_graph.export_graph(self.model("Norm"), (torch.randn(2, 4, 3, 3),),
                                             trace="make_fx")
        self.check_well_formed(document)
        norm = [node for node in document["nodes"] if "norm" in node["op"]]
        self.assertEqual(len(norm), 1)
        self.assertEqual(norm[0]["op"], "aten.native_batch_norm.default")
        self.assertIs(norm[0]["attrs"]["training"], False)
        self.assertEqual(norm[0]["inputs"], ["x", "norm.weight", "norm.bias",
                                             "norm.running_mean", "norm.running_var"])
        self.assertFalse(any("x-traced-op" in node for node in document["nodes"]))
        # The buffer nothing reads is left out, and said so.
        self.assertNotIn("norm.num_batches_tracked", {node["id"] for node in document["nodes"]})
        self.assertEqual(document["x-exporter"]["unused_consts"], ["norm.num_batches_tracked"])
        self.require_qlower_accepts(self.write(document, "norm_make_fx"))

    def test_an_unread_none_output_at_the_end_is_left_out(self):
        document = export_graph.export_graph(self.model("Attention"), (torch.randn(1, 4, 8),),
                                             trace="make_fx")
        self.check_well_formed(document)
        attention = [node for node in document["nodes"]
                     if node["op"] == "aten._native_multi_head_attention.default"]
        self.assertEqual(len(attention), 1)
        self.assertEqual(attention[0]["outputs"], [{"dtype": "float32", "shape": [1, 4, 8]}])
        self.require_qlower_accepts(self.write(document, "attention_make_fx"))

    def test_make_fx_functional_spells_the_edge_dialect(self):
        document = export_graph.export_graph(self.model("Norm"), (torch.randn(2, 4, 3, 3),),
                                             trace="make_fx_functional")
        self.check_well_formed(document)
        self.assertEqual(document["x-exporter"]["trace"], "make_fx_functional")
        ops = {node["op"] for node in document["nodes"]}
        self.assertIn("aten.permute_copy.default", ops)
        self.assertNotIn("aten.permute.default", ops)
        self.require_qlower_accepts(self.write(document, "norm_make_fx_functional"))

    # --- what the format cannot express ----------------------------------

    def assert_export_error(self, factory, inputs, *fragments, **options):
        with self.assertRaises(export_graph.ExportError) as caught:
            export_graph.export_graph(self.model(factory), inputs, **options)
        message = str(caught.exception)
        self.assertNotIn("\n", message)
        for fragment in fragments:
            self.assertIn(fragment, message)

    def test_dtype_outside_the_format(self):
        self.assert_export_error("Complex", (torch.randn(2, 2),), "view_as_complex",
                                 "complex64")

    def test_data_json_cannot_carry(self):
        self.assert_export_error("NotFinite", (torch.randn(2),), "const 'scale'", "data[1]",
                                 "nan", with_data=True)
        # Without data, the same model exports.
        export_graph.export_graph(self.model("NotFinite"), (torch.randn(2),))

    def test_scalar_where_the_schema_takes_a_tensor(self):
        graph = torch.fx.Graph()
        x, mask = graph.placeholder("x"), graph.placeholder("mask")
        # Trailing: the scalar goes to attrs, the inputs keep their places.
        scaled = graph.call_function(torch.ops.aten.mul.Tensor, (x, 2.0))
        self.assertEqual(export_graph._bind_arguments(scaled, "aten.mul.Tensor"),
                         ([x], {"other": 2.0}))
        # Before another tensor: `x` would take the place of `self`.
        picked = graph.call_function(torch.ops.aten.where.self, (mask, 0.5, x))
        with self.assertRaises(export_graph.ExportError) as caught:
            export_graph._bind_arguments(picked, "aten.where.self")
        self.assertIn("argument 'self' is a scalar", str(caught.exception))

    def test_output_that_is_no_tensor(self):
        self.assert_export_error("ReturnsInt", (torch.randn(2),), "graph output 0", "int")

    # --- the command line ----------------------------------------------

    def run_exporter(self, *arguments):
        return subprocess.run([sys.executable, EXPORTER, *arguments], capture_output=True,
                              text=True, check=False)

    def test_command_line(self):
        output = os.path.join(self.directory.name, "cli.json")
        result = self.run_exporter(f"{self.model_file}:make_small", "--input-shape", "1,3,8,8",
                                   "--input-shape", "1,4,4,4", "-o", output)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(output, encoding="utf-8") as file:
            document = json.load(file)
        self.check_small(document)
        self.require_qlower_accepts(output)

        result = self.run_exporter(f"{self.model_file}:make_small", "--input-shape", "1,3,8,8",
                                   "--input-shape", "1,4,4,4", "--with-data", "--name", "net")
        self.assertEqual(result.returncode, 0, result.stderr)
        document = json.loads(result.stdout)
        self.assertEqual(document["name"], "net")
        self.assertTrue(all("data" in node for node in document["nodes"]
                            if node["op"] == "const"))

    def test_command_line_errors(self):
        cases = [
            # (arguments, exit status, a fragment of the one-line error)
            ([f"{self.model_file}:Missing", "--input-shape", "2"], 1, "no attribute 'Missing'"),
            (["no_such_module_here:f", "--input-shape", "2"], 1, "cannot import"),
            ([f"{self.model_file}:Complex", "--input-shape", "2,2"], 1, "complex64"),
            ([f"{self.model_file}:make_small", "--input-shape", "1,x"], 2, "'x'"),
            ([f"{self.model_file}:make_small", "--input-shape", "1,3,8,8"], 1,
             "could not trace"),
        ]
        if not export_graph.torch_export_available():
            cases.append(([f"{self.model_file}:make_small", "--input-shape", "1,3,8,8",
                           "--input-shape", "1,4,4,4", "--trace", "export"], 1,
                          "has no torch.export"))
        for arguments, status, fragment in cases:
            with self.subTest(arguments=arguments):
                result = self.run_exporter(*arguments)
                self.assertEqual(result.returncode, status, result.stderr)
                self.assertIn(fragment, result.stderr)
                self.assertEqual(result.stdout, "")
                if status == 1:
                    self.assertEqual(result.stderr.count("\n"), 1, result.stderr)

    def test_help(self):
        result = self.run_exporter("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("--input-shape", result.stdout)


def main():
    global QLOWER
    arguments = sys.argv[1:]
    if arguments:
        if os.path.isfile(arguments[0]) and os.access(arguments[0], os.X_OK):
            QLOWER = os.path.abspath(arguments[0])
        else:
            print(f"note: no qlower at {arguments[0]}; not checking with `qlower info`",
                  file=sys.stderr)
    program = unittest.main(argv=[sys.argv[0]], exit=False, verbosity=2)
    sys.exit(0 if program.result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
