#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Exports a PyTorch model to qlower's graph format (shared spec graph-format.md).

The model is traced with torch.export.export where it exists (torch >= 2.1)
and with make_fx otherwise. Every node of the traced ATen graph becomes one
node of the file: user inputs become `input` nodes, parameters, buffers and
tensor constants become `const` nodes (with their values only when asked),
every other node keeps its ATen overload name. Shapes and dtypes are the traced
values'. What the format cannot carry (a dtype outside its list, a symbolic
dimension, an argument of a kind JSON has no form for) stops the export with a
one-line error naming the node and the value; no file is written then.

As a command:

    python3 tools/export_graph.py my_models:make_net --input-shape 1,3,32,32 -o net.json
    python3 tools/export_graph.py path/to/net.py:Net --input-shape 1,3,32,32 \\
        --input-shape 1,10 --input-dtype float32 --input-dtype int64 --with-data

As a library:

    from export_graph import export_graph
    document = export_graph(model, (torch.randn(1, 3, 32, 32),))

Uses the standard library and torch only.
"""

import argparse
import contextlib
import importlib
import importlib.util
import inspect
import json
import math
import operator
import os
import sys

FORMAT_NAME = "qlower-graph"
TRACE_METHODS = ("auto", "export", "make_fx", "make_fx_functional")
FORMAT_VERSION = 1

# graph-format.md's dtype names, plus float64: qlower's reader accepts it
# (include/qlower/core/dtype.hpp) so that the target rule sets can reject a
# float64 tensor by name, which is what a user exporting one wants to see.
DTYPE_NAMES = (
    "float32", "float16", "bfloat16", "float64",
    "int8", "uint8", "int16", "int32", "int64", "bool",
)


def _type_of(value):
    """ "an int", "a str": a value's type for an error message."""
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiouAEIOU' else 'a'} {name}"


def _describe_failure(failure):
    """ "TypeError: first line of the message": one line for any exception."""
    lines = str(failure).strip().splitlines()
    name = type(failure).__name__
    return f"{name}: {lines[0]}" if lines else name


class ExportError(Exception):
    """A model, argument or value the graph format cannot express; the message
    is one line that names the node and the value."""


def _torch():
    # Imported on first use, so that `--help` and the error for a missing torch
    # work without it.
    try:
        import torch
    except ImportError as failure:
        raise ExportError(f"cannot import torch ({failure}); install it "
                          "(QLOWER_WITH_TORCH=1 bash scripts/setup.sh)") from None
    return torch


def torch_export_available():
    """Whether this torch has torch.export.export (torch >= 2.1)."""
    torch = _torch()
    try:
        module = importlib.import_module("torch.export")
    except ImportError:
        return False
    return hasattr(module, "export") and hasattr(torch, "export")


# --- dtypes and shapes -----------------------------------------------------

def dtype_name(dtype, where):
    """The format's name of a torch.dtype: "torch.float32" -> "float32"."""
    name = str(dtype).replace("torch.", "", 1)
    if name not in DTYPE_NAMES:
        raise ExportError(f"{where}: dtype {name} is not one the graph format carries "
                          f"({', '.join(DTYPE_NAMES)})")
    return name


def torch_dtype(name):
    """The torch.dtype of a format dtype name, for --input-dtype."""
    if name not in DTYPE_NAMES:
        raise ExportError(f"--input-dtype: {name!r} is not one of {', '.join(DTYPE_NAMES)}")
    return getattr(_torch(), name)


def _shape(value, where):
    dims = []
    for axis, dim in enumerate(value.shape):
        # A SymInt is no int: a dynamic dimension has no place in the format.
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise ExportError(f"{where}: dimension {axis} is symbolic ({dim}); "
                              "export with static shapes")
        dims.append(dim)
    return dims


def _tensor_type(value, where):
    """{"dtype", "shape"} of a traced tensor, FakeTensor or TensorMetadata."""
    if not (hasattr(value, "shape") and hasattr(value, "dtype")):
        kind = "None" if value is None else _type_of(value)
        raise ExportError(f"{where}: the value is {kind}, not a tensor; "
                          "the graph format carries tensors only")
    return {"dtype": dtype_name(value.dtype, where), "shape": _shape(value, where)}


def _output_types(value, where):
    """The `dtype`/`shape` fields of a node, or its `outputs` list when the
    node yields several tensors (a tuple or a list, even of one)."""
    # TensorMetadata is a NamedTuple: a single tensor despite being a tuple.
    if isinstance(value, (tuple, list)) and not hasattr(value, "dtype"):
        items = list(value)
        # An op may return None for an output it did not compute (the attention
        # weights of _native_multi_head_attention with need_weights=False): at
        # the end, nothing can read it, so the node simply has fewer outputs.
        while len(items) > 1 and items[-1] is None:
            items.pop()
        return {"outputs": [_tensor_type(item, f"{where}: output {index}")
                            for index, item in enumerate(items)]}
    return _tensor_type(value, where)


def _const_data(tensor, where):
    """The flat row-major `data` array of a const node."""
    torch = _torch()
    if tensor.is_quantized or tensor.is_complex():
        raise ExportError(f"{where}: a {tensor.dtype} tensor has no data form in the format")
    values = tensor.detach().to("cpu").contiguous().reshape(-1).tolist()
    if tensor.is_floating_point():
        for index, value in enumerate(values):
            if not math.isfinite(value):
                raise ExportError(f"{where}: data[{index}] is {value}, which JSON cannot carry")
    elif tensor.dtype != torch.bool:
        values = [int(value) for value in values]
    return values


# --- attributes ----------------------------------------------------------

def _attribute(value, where):
    """The JSON form of a non-tensor argument (graph-format.md: numbers,
    booleans, strings, lists or null; a ScalarType, Layout, Device or
    MemoryFormat by its name)."""
    torch = _torch()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExportError(f"{where}: {value} has no JSON form")
        return value
    if isinstance(value, (list, tuple)):
        return [_attribute(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, (torch.dtype, torch.layout, torch.memory_format)):
        return str(value).replace("torch.", "", 1)
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, torch.fx.Node):
        # A value computed in the graph where the schema wants a constant: a
        # symbolic size, typically.
        raise ExportError(f"{where}: the value comes from node '{value.name}' "
                          "(a symbolic value); export with static shapes")
    symbolic = tuple(getattr(torch, name) for name in ("SymInt", "SymFloat", "SymBool")
                     if hasattr(torch, name))
    if symbolic and isinstance(value, symbolic):
        raise ExportError(f"{where}: the value {value} is symbolic; export with static shapes")
    raise ExportError(f"{where}: {_type_of(value)} argument has no form in the "
                      "graph format")


def _is_tensor_type(schema_type):
    """Whether a schema argument is `Tensor` or `Tensor?` (one input)."""
    torch = _torch()
    if isinstance(schema_type, torch._C.OptionalType):
        schema_type = schema_type.getElementType()
    return isinstance(schema_type, torch._C.TensorType)


def _is_tensor_list_type(schema_type):
    """Whether a schema argument is `Tensor[]` or `Tensor?[]` (flattened in place)."""
    torch = _torch()
    if isinstance(schema_type, torch._C.OptionalType):
        schema_type = schema_type.getElementType()
    return isinstance(schema_type, torch._C.ListType) and _is_tensor_type(
        schema_type.getElementType())


def op_name(target):
    """The format's name of an OpOverload: aten::convolution + "" -> aten.convolution.default."""
    schema = target._schema
    namespace, _, name = schema.name.partition("::")
    return f"{namespace}.{name}.{schema.overload_name or 'default'}"


# --- the graph -------------------------------------------------------------

class _Trace:
    """What either trace path hands the writer: the FX graph module, the role
    of each placeholder, and a way to get a const's tensor."""

    def __init__(self, graph_module, method):
        self.graph_module = graph_module
        self.method = method              # "torch.export" or "make_fx"
        self.input_ids = {}               # placeholder name -> input node id
        self.const_ids = {}               # placeholder name -> const id (its FQN)
        self.const_tensors = {}           # placeholder name -> tensor, for data
        self.output_nodes = None          # the user outputs, fx nodes in order
        self.recorded_values = {}         # fx node -> value, where meta has none


def _user_input_names(model, count):
    """The forward's parameter names, for the ids of the input nodes."""
    names = []
    try:
        parameters = inspect.signature(model.forward).parameters.values()
        names = [p.name for p in parameters
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        pass
    return [names[i] if i < len(names) else f"input_{i}" for i in range(count)]


def _trace_with_export(model, example_inputs):
    torch = _torch()
    program = torch.export.export(model, tuple(example_inputs))
    trace = _Trace(program.graph_module, "torch.export")
    signature = program.graph_signature
    constants = dict(getattr(program, "constants", {}) or {})
    state = dict(program.state_dict)

    def tensor_of(target):
        # Only --with-data needs the tensor; a lookup that fails leaves None,
        # which is an error then and only then.
        if target in state:
            return state[target]
        if target in constants:
            return constants[target]
        try:
            # A non-persistent buffer is in neither in some versions.
            return model.get_buffer(target)
        except AttributeError:
            return None

    user_names = []
    if hasattr(signature, "input_specs"):
        # torch >= 2.2: one InputSpec per placeholder, in order.
        from torch.export.graph_signature import InputKind
        const_kinds = {InputKind.PARAMETER, InputKind.BUFFER}
        if hasattr(InputKind, "CONSTANT_TENSOR"):
            const_kinds.add(InputKind.CONSTANT_TENSOR)
        for spec in signature.input_specs:
            name = getattr(spec.arg, "name", None)
            if spec.kind in const_kinds:
                trace.const_ids[name] = spec.target
                trace.const_tensors[name] = tensor_of(spec.target)
            elif spec.kind == InputKind.USER_INPUT:
                user_names.append(name)
            else:
                raise ExportError(f"placeholder '{name}': an input of kind {spec.kind.name} "
                                  "has no form in the graph format")
    else:
        # torch 2.1: dictionaries from placeholder name to parameter or buffer.
        for mapping in (signature.inputs_to_parameters, signature.inputs_to_buffers):
            for name, target in mapping.items():
                trace.const_ids[name] = target
                trace.const_tensors[name] = tensor_of(target)
        user_names = list(signature.user_inputs)

    for name, forward_name in zip(user_names, _user_input_names(model, len(user_names))):
        trace.input_ids[name] = forward_name

    nodes_by_name = {node.name: node for node in trace.graph_module.graph.nodes}
    user_outputs = signature.user_outputs
    trace.output_nodes = []
    for index, name in enumerate(user_outputs):
        if name not in nodes_by_name:
            raise ExportError(f"graph output {index}: {name!r} is not a tensor of the graph")
        trace.output_nodes.append(nodes_by_name[name])
    return trace


def _functional_call():
    _torch()  # the one clear error when torch is missing
    try:
        from torch.func import functional_call  # torch >= 2.0
    except ImportError:
        from torch.nn.utils.stateless import functional_call  # torch 1.12, 1.13
    return functional_call


def _functionalize():
    """functorch's functionalize (torch 1.13) or torch.func's (torch >= 2.0)."""
    try:
        from torch.func import functionalize  # torch >= 2.0
    except ImportError:
        try:
            from functorch import functionalize  # torch 1.13
        except ImportError:
            raise ExportError("this torch has neither torch.func.functionalize nor "
                              "functorch.functionalize; use --trace make_fx") from None
    return functionalize


def _trace_with_make_fx(model, example_inputs, functional=False):
    torch = _torch()
    from torch.fx.experimental.proxy_tensor import make_fx
    from torch.utils._pytree import tree_flatten

    # Parameters and buffers are passed in as arguments, so that they become
    # placeholders this exporter can name, rather than anonymous
    # _param_constant attributes.
    named = list(model.named_parameters()) + list(model.named_buffers())
    state_names = [name for name, _ in named]
    state_tensors = [tensor for _, tensor in named]
    call = _functional_call()

    def forward(*flat):
        state = dict(zip(state_names, flat[:len(state_names)]))
        return call(model, state, tuple(flat[len(state_names):]))

    flat_args = state_tensors + list(example_inputs)
    if functional:
        # The edge dialect's spellings: views become their _copy forms and
        # in-place ops their functional ones (relu_ -> relu, view -> view_copy).
        forward = _functionalize()(forward, remove="mutations_and_views")
    graph_module = make_fx(forward)(*flat_args)
    # make_fx keeps what autograd's bookkeeping left behind (a detach whose
    # result nothing reads, an empty tensor for batch norm's saved state).
    graph_module.graph.eliminate_dead_code()
    graph_module.recompile()

    trace = _Trace(graph_module, "make_fx_functional" if functional else "make_fx")
    placeholders = [node for node in graph_module.graph.nodes if node.op == "placeholder"]
    forward_names = _user_input_names(model, len(example_inputs))
    for position, node in enumerate(placeholders):
        if position < len(state_names):
            trace.const_ids[node.name] = state_names[position]
            trace.const_tensors[node.name] = state_tensors[position]
        else:
            trace.input_ids[node.name] = forward_names[position - len(state_names)]

    output_node = next(node for node in graph_module.graph.nodes if node.op == "output")
    leaves, _ = tree_flatten(output_node.args[0])
    trace.output_nodes = []
    for index, leaf in enumerate(leaves):
        if not isinstance(leaf, torch.fx.Node):
            raise ExportError(f"graph output {index}: the model returns "
                              f"{_type_of(leaf)}, not a tensor")
        trace.output_nodes.append(leaf)

    # Old make_fx records no shape for a node with several outputs; such
    # values come from running the traced graph once on the same inputs.
    if any(_meta_value(node) is None for node in graph_module.graph.nodes
           if node.op in ("call_function", "get_attr")):
        trace.recorded_values = _run_recording(graph_module, flat_args)
    return trace


def _run_recording(graph_module, flat_args):
    torch = _torch()
    values = {}

    class Recorder(torch.fx.Interpreter):
        def run_node(self, node):
            result = super().run_node(node)
            values[node] = result
            return result

    with torch.no_grad():
        Recorder(graph_module).run(*flat_args)
    return values


def _meta_value(node):
    """The traced value torch recorded on a node: a (Fake)Tensor, a
    TensorMetadata, or a tuple or list of them; None when it recorded none."""
    if node.meta.get("val") is not None:
        return node.meta["val"]
    return node.meta.get("tensor_meta")


def _fetch_attribute(graph_module, target):
    value = graph_module
    for part in target.split("."):
        value = getattr(value, part)
    return value


def _unique_id(wanted, taken):
    """`wanted`, or `wanted_1`, `wanted_2`...: ids must be unique, and a
    parameter's name may equal a node's."""
    candidate, suffix = wanted, 0
    while candidate in taken:
        suffix += 1
        candidate = f"{wanted}_{suffix}"
    taken.add(candidate)
    return candidate


def _bind_arguments(node, op):
    """Splits a call's arguments by the operator's schema into `inputs` (node
    ids of tensor arguments, in schema order, tensor lists flattened, absent
    optional tensors as None) and `attrs` (every other argument by its schema
    name, defaults included)."""
    torch = _torch()
    schema_arguments = node.target._schema.arguments
    positional = [arg for arg in schema_arguments if not arg.kwarg_only]
    if len(node.args) > len(positional):
        raise ExportError(f"node '{node.name}' ({op}): {len(node.args)} positional arguments "
                          f"for a schema that takes {len(positional)}")
    given = dict(zip((arg.name for arg in positional), node.args))
    for name, value in node.kwargs.items():
        if name not in (arg.name for arg in schema_arguments):
            raise ExportError(f"node '{node.name}' ({op}): argument {name!r} is not in its schema")
        given[name] = value

    inputs, attrs = [], {}
    scalar_in_tensor_slot = None  # the first Tensor argument given a Python scalar
    for arg in schema_arguments:
        where = f"node '{node.name}' ({op}): argument {arg.name!r}"
        if arg.name in given:
            value = given[arg.name]
        elif arg.has_default_value():
            value = arg.default_value
        else:
            raise ExportError(f"{where} is missing and has no default")

        tensor_list = _is_tensor_list_type(arg.type)
        if (tensor_list and isinstance(value, (list, tuple))) or (
                _is_tensor_type(arg.type) and (value is None or isinstance(value, torch.fx.Node))):
            if scalar_in_tensor_slot:
                # Its tensors would move up one place in `inputs`, and a reader
                # would take them for the argument before.
                raise ExportError(f"node '{node.name}' ({op}): argument "
                                  f"{scalar_in_tensor_slot!r} is a scalar where the schema "
                                  "takes a Tensor, before other tensor arguments; the format "
                                  "cannot keep the inputs' positions")
            for index, item in enumerate(value if tensor_list else [value]):
                if item is not None and not isinstance(item, torch.fx.Node):
                    raise ExportError(f"{where}[{index}] is {_type_of(item)}, not a tensor")
                inputs.append(item)
        else:
            # A non-tensor argument, or a Python scalar where the schema takes a
            # Tensor (`mul.Tensor(x, 2.0)`): graph-format.md keeps every
            # non-tensor value in attrs under its schema name.
            if _is_tensor_type(arg.type) or tensor_list:
                scalar_in_tensor_slot = scalar_in_tensor_slot or arg.name
            attrs[arg.name] = _attribute(value, where)
    return inputs, attrs


def _graph_document(trace, name, with_data):
    torch = _torch()
    graph = trace.graph_module.graph
    ids = {}        # fx node -> id in the file
    taken = set()
    nodes = []
    dropped = []    # ops run for their effect alone
    unused = []     # consts nothing reads

    def value_of(node):
        value = _meta_value(node)
        if value is None:
            value = trace.recorded_values.get(node)
        if value is None and node.op == "placeholder" and node.name in trace.const_tensors:
            value = trace.const_tensors[node.name]
        return value

    def input_ids(inputs):
        return [None if item is None else ids[item] for item in inputs]

    # Placeholders get their ids first, so that inputs and consts keep their
    # chosen names whatever names FX gave the other nodes. A parameter or
    # buffer nothing reads (BatchNorm's num_batches_tracked) is left out.
    placeholders = [node for node in graph.nodes if node.op == "placeholder"]
    for node in placeholders:
        wanted = trace.const_ids.get(node.name) or trace.input_ids.get(node.name)
        if wanted is None:
            raise ExportError(f"placeholder '{node.name}': neither a user input nor a "
                              "parameter, buffer or constant")
        if node.name in trace.const_ids and not node.users:
            unused.append(wanted)
            continue
        ids[node] = _unique_id(wanted, taken)

    # Inputs, then consts, then the rest in the trace's (topological) order.
    placeholders.sort(key=lambda node: node.name in trace.const_ids)
    for node in placeholders:
        if node not in ids:
            continue
        is_const = node.name in trace.const_ids
        where = f"{'const' if is_const else 'input'} '{ids[node]}'"
        entry = {"id": ids[node], "op": "const" if is_const else "input"}
        entry.update(_tensor_type(value_of(node), where))
        if is_const and with_data:
            tensor = trace.const_tensors.get(node.name)
            if tensor is None:
                raise ExportError(f"{where}: its tensor is not in the exported program")
            entry["data"] = _const_data(tensor, where)
        nodes.append(entry)

    for node in graph.nodes:
        if node.op == "placeholder":
            continue
        elif node.op == "get_attr":
            # A tensor constant the trace kept as an attribute of the module.
            ids[node] = _unique_id(node.name, taken)
            where = f"const '{ids[node]}'"
            tensor = _fetch_attribute(trace.graph_module, node.target)
            if not isinstance(tensor, torch.Tensor):
                raise ExportError(f"{where}: attribute {node.target!r} is "
                                  f"{_type_of(tensor)}, not a tensor")
            entry = {"id": ids[node], "op": "const"}
            entry.update(_tensor_type(tensor, where))
            if with_data:
                entry["data"] = _const_data(tensor, where)
            nodes.append(entry)
        elif node.op == "call_function":
            entry = _call_node(node, trace, ids, taken, value_of, input_ids, dropped)
            if entry is not None:
                nodes.append(entry)
        elif node.op == "output":
            continue
        else:
            raise ExportError(f"node '{node.name}': an FX {node.op} node has no form in the "
                              "graph format")

    outputs = []
    for index, node in enumerate(trace.output_nodes):
        if node not in ids:
            raise ExportError(f"graph output {index}: node '{node.name}' was not exported")
        outputs.append(ids[node])

    exporter = {"tool": "tools/export_graph.py", "trace": trace.method,
                "torch": str(torch.__version__)}
    if dropped:
        exporter["dropped"] = dropped
    if unused:
        exporter["unused_consts"] = unused
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "name": name,
            "x-exporter": exporter, "nodes": nodes, "outputs": outputs}


def _call_node(node, trace, ids, taken, value_of, input_ids, dropped):
    """The file's node for one call_function, or None for a node dropped."""
    torch = _torch()
    if node.target is operator.getitem:
        source, index = node.args
        if not isinstance(source, torch.fx.Node) or source not in ids:
            raise ExportError(f"node '{node.name}' (getitem): its source is not a node "
                              "of the graph")
        if not isinstance(index, int):
            raise ExportError(f"node '{node.name}' (getitem): index {index!r} is not an int")
        ids[node] = _unique_id(node.name, taken)
        entry = {"id": ids[node], "op": "getitem", "inputs": [ids[source]],
                 "attrs": {"index": index}}
        entry.update(_tensor_type(value_of(node), f"node '{node.name}' (getitem)"))
        return entry

    if not isinstance(node.target, torch._ops.OpOverload):
        raise ExportError(f"node '{node.name}': target {node.target!r} is not an operator "
                          "overload (aten.<name>.<overload>)")
    traced_op = op_name(node.target)
    value = value_of(node)
    if value is None and not node.users:
        # An op run for its effect alone (a runtime assertion): it has no
        # tensor to describe, and no node reads it.
        dropped.append({"node": node.name, "op": traced_op})
        return None

    inputs, attrs = _bind_arguments(node, traced_op)
    for item in inputs:
        if item is not None and item not in ids:
            raise ExportError(f"node '{node.name}' ({traced_op}): input '{item.name}' is not "
                              "a tensor of the graph")
    ids[node] = _unique_id(node.name, taken)
    entry = {"id": ids[node], "op": traced_op, "inputs": input_ids(inputs)}
    if attrs:
        entry["attrs"] = attrs
    entry.update(_output_types(value, f"node '{node.name}' ({traced_op})"))
    return entry


def export_graph(model, example_inputs, with_data=False, *, name=None, trace="auto"):
    """Traces `model` on `example_inputs` (a tuple of tensors) and returns the
    graph-format.md document as a dict.

    trace: "auto" (torch.export where available, else make_fx), "export",
    "make_fx" or "make_fx_functional" (make_fx of the functionalized model, as
    the edge dialect spells ops: view_copy, permute_copy, relu). with_data: give each const its values. The model is put in
    eval mode. Raises ExportError for what the format cannot express."""
    torch = _torch()
    if not isinstance(model, torch.nn.Module):
        raise ExportError(f"the model is {_type_of(model)}, not a torch.nn.Module")
    example_inputs = tuple(example_inputs)
    for index, value in enumerate(example_inputs):
        if not isinstance(value, torch.Tensor):
            raise ExportError(f"example input {index} is {_type_of(value)}, "
                              "not a tensor")
    if trace not in TRACE_METHODS:
        raise ExportError(f"trace {trace!r} is not one of {', '.join(TRACE_METHODS)}")
    if trace == "export" and not torch_export_available():
        raise ExportError(f"torch {torch.__version__} has no torch.export "
                          "(it needs torch >= 2.1); use --trace make_fx")
    use_export = trace == "export" or (trace == "auto" and torch_export_available())

    model.eval()
    try:
        # make_fx runs the model on real tensors: no_grad spares it autograd's
        # bookkeeping. torch.export handles grad mode itself, as documented.
        with contextlib.nullcontext() if use_export else torch.no_grad():
            if use_export:
                traced = _trace_with_export(model, example_inputs)
            else:
                traced = _trace_with_make_fx(model, example_inputs,
                                             functional=trace == "make_fx_functional")
    except ExportError:
        raise
    except Exception as failure:  # torch's tracing errors span many types
        method = "torch.export" if use_export else trace.replace("auto", "make_fx")
        raise ExportError(f"{method} could not trace the model: "
                          f"{_describe_failure(failure)}") from failure
    return _graph_document(traced, name or type(model).__name__, with_data)


def dumps(document):
    """The document as JSON text with one node per line, like the examples."""
    head = {key: value for key, value in document.items() if key not in ("nodes", "outputs")}
    lines = ["{"]
    for key, value in head.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value, allow_nan=False)},")
    lines.append('  "nodes": [')
    node_lines = ["    " + json.dumps(node, allow_nan=False) for node in document["nodes"]]
    lines.append(",\n".join(node_lines))
    lines.append("  ],")
    lines.append(f'  "outputs": {json.dumps(document["outputs"])}')
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- the command line ------------------------------------------------------

def load_model(spec):
    """The nn.Module named by `module:attr` or `path/file.py:attr`; an attr
    that is not already a module is called with no arguments (a factory
    function or a class)."""
    torch = _torch()
    module_part, separator, attribute = spec.rpartition(":")
    if not separator or not module_part or not attribute:
        raise ExportError(f"model {spec!r}: expected MODULE:FACTORY or FILE.py:FACTORY")
    if module_part.endswith(".py") or os.sep in module_part:
        path = os.path.abspath(module_part)
        if not os.path.isfile(path):
            raise ExportError(f"model {spec!r}: no file {module_part}")
        module_name = os.path.splitext(os.path.basename(path))[0]
        loader_spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(loader_spec)
        # Its own folder is importable, as when the file is run as a script.
        sys.path.insert(0, os.path.dirname(path))
        sys.modules[module_name] = module
        try:
            loader_spec.loader.exec_module(module)
        except Exception as failure:
            raise ExportError(f"model {spec!r}: {module_part} failed to load: "
                              f"{_describe_failure(failure)}") from failure
    else:
        # Modules in the working directory are importable, as with `python -m`.
        sys.path.insert(0, os.getcwd())
        try:
            module = importlib.import_module(module_part)
        except ImportError as failure:
            raise ExportError(f"model {spec!r}: cannot import {module_part}: "
                              f"{_describe_failure(failure)}") from None
    target = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise ExportError(f"model {spec!r}: {module_part} has no attribute {attribute!r}")
        target = getattr(target, part)
    model = target if isinstance(target, torch.nn.Module) else None
    if model is None:
        if not callable(target):
            raise ExportError(f"model {spec!r}: {attribute} is {_type_of(target)}, "
                              "neither a module nor callable")
        try:
            model = target()
        except Exception as failure:
            raise ExportError(f"model {spec!r}: {attribute}() raised "
                              f"{_describe_failure(failure)}") from failure
    if not isinstance(model, torch.nn.Module):
        raise ExportError(f"model {spec!r}: {attribute} gave {_type_of(model)}, "
                          "not a torch.nn.Module")
    return model


def parse_shape(text):
    """Parses an --input-shape: "1,3,32,32" -> [1, 3, 32, 32]; "" or
    "scalar" -> [] (a 0-d tensor)."""
    text = text.strip()
    if text in ("", "scalar"):
        return []
    dims = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit():
            raise ExportError(f"{text!r}: {part!r} is not a non-negative "
                              "integer dimension")
        dims.append(int(part))
    return dims


def example_inputs(shapes, dtype_names):
    """One example tensor per shape: random normal for floating-point dtypes,
    zeros for integers and bool (a valid index for any embedding)."""
    torch = _torch()
    if len(dtype_names) not in (0, 1, len(shapes)):
        raise ExportError(f"{len(dtype_names)} --input-dtype for {len(shapes)} --input-shape: "
                          "give one for all, or one per input")
    if not dtype_names:
        dtype_names = ["float32"]
    if len(dtype_names) == 1:
        dtype_names = dtype_names * len(shapes)
    generator = torch.Generator().manual_seed(0)
    tensors = []
    for shape, name in zip(shapes, dtype_names):
        dtype = torch_dtype(name)
        if dtype.is_floating_point:
            tensors.append(torch.randn(shape, generator=generator).to(dtype))
        else:
            tensors.append(torch.zeros(shape, dtype=dtype))
    return tuple(tensors)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="export_graph.py",
        description="Export a PyTorch model to qlower's JSON graph format "
                    "(graph-format.md). Traces with torch.export where available "
                    "(torch >= 2.1), with make_fx otherwise.",
        epilog="example: python3 tools/export_graph.py models.py:make_net "
               "--input-shape 1,3,32,32 -o net.json && qlower info net.json")
    parser.add_argument("model", metavar="MODEL",
                        help="MODULE:FACTORY or FILE.py:FACTORY; FACTORY is an nn.Module, "
                             "or is called with no arguments to make one")
    parser.add_argument("--input-shape", action="append", required=True, metavar="DIMS",
                        type=_cli(parse_shape),
                        help="the shape of one example input, as 1,3,32,32 (\"\" for a "
                             "0-d tensor); repeat for each input of forward, in order")
    parser.add_argument("--input-dtype", action="append", default=[], metavar="DTYPE",
                        choices=DTYPE_NAMES,
                        help="the dtype of the inputs: once for all, or once per input "
                             "(default float32)")
    parser.add_argument("--with-data", action="store_true",
                        help="write each const's values (weights, buffers) as `data`")
    parser.add_argument("--trace", choices=TRACE_METHODS, default="auto",
                        help="auto: torch.export where available, else make_fx; "
                             "make_fx_functional: make_fx of the functionalized model "
                             "(view_copy, permute_copy, no in-place ops)")
    parser.add_argument("--name", help="the graph's name (default: the model's class name)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="where to write the graph (default: standard output)")
    return parser


def _cli(function):
    # argparse reports a ValueError or ArgumentTypeError as a usage error.
    def convert(text):
        try:
            return function(text)
        except ExportError as failure:
            raise argparse.ArgumentTypeError(str(failure)) from None
    convert.__name__ = function.__name__
    return convert


def main(argv=None):
    arguments = build_parser().parse_args(argv)
    try:
        model = load_model(arguments.model)
        inputs = example_inputs(arguments.input_shape, arguments.input_dtype)
        document = export_graph(model, inputs, with_data=arguments.with_data,
                                name=arguments.name, trace=arguments.trace)
        text = dumps(document)
    except ExportError as failure:
        print(f"export_graph.py: error: {failure}", file=sys.stderr)
        return 1
    if arguments.output:
        try:
            with open(arguments.output, "w", encoding="utf-8") as file:
                file.write(text)
        except OSError as failure:
            print(f"export_graph.py: error: {arguments.output}: cannot write: "
                  f"{failure.strerror}", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
