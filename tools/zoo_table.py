#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Exports torchvision classification models and tabulates how qlower lowers them.

    /usr/bin/python3 tools/zoo_table.py --qlower build/gcc/tools/qlower \\
        [--before OLD_QLOWER] [--models mobilenet_v2,resnet18] [-o docs/zoo.md]

Each model is built with random weights (weights=None), put in eval mode and
traced by tools/export_graph.py with make_fx at batch 1 and its usual input
size. Then `qlower partition --json` runs on it for each target, and the table
gives delegated subgraphs and host op nodes, and the most frequent host reasons
as `op: reason` (the boundary quantize and dequantize are not counted among the
reasons). With --before, a second qlower binary (an older build) runs on the
same graphs, for a before/after comparison. Needs torch and torchvision.
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_graph  # noqa: E402

# (name, input size): torchvision's usual input, ExecuTorch's for mobilenet_v3_small.
MODELS = [
    ("mobilenet_v2", 224), ("resnet18", 224), ("mobilenet_v3_small", 232),
    ("mobilenet_v3_large", 224), ("resnet50", 224), ("vit_b_16", 224),
    ("densenet121", 224), ("efficientnet_b0", 224), ("googlenet", 224),
    ("inception_v3", 299), ("mnasnet0_5", 224), ("regnet_y_400mf", 224),
    ("shufflenet_v2_x0_5", 224), ("squeezenet1_0", 224), ("swin_t", 224),
    ("convnext_tiny", 224), ("alexnet", 224), ("vgg11", 224),
]
TARGETS = ("ethos-u55", "ethos-u85", "vulkan")
BOUNDARY = ("quantized_decomposed.quantize_per_tensor.default",
            "quantized_decomposed.dequantize_per_tensor.default")


def build_model(name):
    import torchvision.models as models
    factory = getattr(models, name)
    options = {"weights": None}
    if name in ("googlenet", "inception_v3"):
        options["aux_logits"] = False
        options["init_weights"] = False
    return factory(**options)


def partition(qlower, graph, target):
    """(delegates, host op nodes, Counter of 'op: reason') or an error string."""
    completed = subprocess.run([qlower, "partition", graph, "--target", target, "--json",
                                "--quiet"], capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        return completed.stderr.strip().splitlines()[-1] if completed.stderr else "failed"
    report = json.loads(completed.stdout)
    reasons = collections.Counter(
        f"{host['op'].replace('aten.', '')}: {host['reason']}" for host in report["host_nodes"]
        if host["op"] not in BOUNDARY)
    return report["num_delegates"], report["num_host_nodes"], reasons


def cell(result):
    if isinstance(result, str):
        return f"error: {result}"
    delegates, hosts, _ = result
    return f"{delegates} / {hosts}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qlower", required=True, help="the qlower binary to tabulate")
    parser.add_argument("--before", help="an older qlower binary to compare with")
    parser.add_argument("--models", help="comma-separated torchvision names (default: all)")
    parser.add_argument("-o", "--output", help="write the Markdown table here")
    arguments = parser.parse_args(argv)
    wanted = arguments.models.split(",") if arguments.models else None
    chosen = [(name, size) for name, size in MODELS if wanted is None or name in wanted]

    import torch
    lines = []
    header = ["model", "nodes", "export s"]
    for target in TARGETS:
        header += ([f"{target} before"] if arguments.before else []) + [f"{target}"]
    header.append("host reasons (after, ethos-u55 / ethos-u85 / vulkan)")
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + " --- |" * len(header))
    with tempfile.TemporaryDirectory() as directory:
        for name, size in chosen:
            start = time.monotonic()
            try:
                torch.manual_seed(0)
                document = export_graph.export_graph(build_model(name),
                                                     (torch.randn(1, 3, size, size),),
                                                     name=name, trace="make_fx")
            except export_graph.ExportError as failure:
                lines.append(f"| {name} | export failed: {failure} |")
                continue
            seconds = time.monotonic() - start
            path = os.path.join(directory, f"{name}.json")
            with open(path, "w", encoding="utf-8") as file:
                file.write(export_graph.dumps(document))
            row = [name, str(len(document["nodes"])), f"{seconds:.1f}"]
            reasons = []
            for target in TARGETS:
                if arguments.before:
                    row.append(cell(partition(arguments.before, path, target)))
                after = partition(arguments.qlower, path, target)
                row.append(cell(after))
                if not isinstance(after, str):
                    top = ", ".join(f"{reason} x{count}"
                                    for reason, count in after[2].most_common(3))
                    reasons.append(top or "none")
            row.append(" / ".join(reasons))
            lines.append("| " + " | ".join(row) + " |")
            print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    if arguments.output:
        with open(arguments.output, "w", encoding="utf-8") as file:
            file.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
