#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Turns qlower_bench's Google Benchmark JSON into docs/performance.md (the
kernel tables, the ratios to the streaming limits, the peer and the naive
loop, and the targets of issue #4, each met or not) and docs/performance.png
(GB/s against size, the limits drawn in).

Usage:
  build/gcc/bench/qlower_bench --benchmark_filter='^(f32|qs|qu)' \\
      --benchmark_min_time=0.05 --benchmark_repetitions=3 \\
      --benchmark_enable_random_interleaving=true \\
      --benchmark_display_aggregates_only=true \\
      --benchmark_out=bench.json --benchmark_out_format=json
  scripts/perf_report.py bench.json [more.json ...] [--markdown docs/performance.md]
      [--plot docs/performance.png] [--command 'the command that made bench.json']

Medians: with --benchmark_repetitions the median aggregate of each row is
used; without aggregates, the median of the row's runs. Random interleaving
spreads a busy spell of the machine over many rows instead of all the
repetitions of one (DRAM rows vary by about 10% on a shared machine). GB/s
are 10^9 bytes per second of the bytes the algorithm reads and writes (the
benchmark's bytes_per_second, from CPU time).

The table needs only the standard library; the plot needs matplotlib
(Debian: python3-matplotlib, which installs for /usr/bin/python3: hence the
interpreter line). Without it the table is still written and the script says
the plot was skipped.
"""
from __future__ import annotations

import argparse
import collections
import json
import pathlib
import statistics
import sys
from dataclasses import dataclass

DEFAULT_COMMAND = (
    "qlower_bench --benchmark_filter='^(f32|qs|qu)' --benchmark_min_time=0.05 "
    "--benchmark_repetitions=3 --benchmark_enable_random_interleaving=true "
    "--benchmark_display_aggregates_only=true "
    "--benchmark_out=bench.json --benchmark_out_format=json"
)

L2_BYTES = 1 << 20  # "in L2": a 1 MiB float32 tensor
DRAM_BYTES = 256 << 20  # "from DRAM": 256 MiB
SMALL_BYTES = 4096  # 1,024 float32 elements

NOT_QLOWER = {"naive_scalar", "reference", "xnnpack"}
DTYPE_ORDER = ["qs8", "qu8", "qs16", "qs4", "qs4x2"]
GRANULARITY_ORDER = [
    "per_tensor",
    "per_tensor_no_stream",
    "per_channel_axis0",
    "per_channel_last",
    "group32",
    "group64",
    "group128",
    "block2d_32x32",
]
TIME_TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


@dataclass(frozen=True)
class Row:
    """One benchmark row: <family>/<variant...>/<isa>/<float32 bytes>."""

    family: str
    variant: str
    isa: str
    size: int
    gbps: float
    time_ns: float  # CPU time per iteration (per call)


def load_rows(paths: list[pathlib.Path]) -> tuple[dict[tuple, Row], dict]:
    """Reads the JSON files: one Row per run name (its median), and the first
    file's context."""
    medians: dict[str, dict] = {}
    runs: dict[str, list[dict]] = collections.defaultdict(list)
    context: dict = {}
    for path in paths:
        data = json.loads(path.read_text())
        context = context or data.get("context", {})
        for entry in data.get("benchmarks", []):
            if entry.get("error_occurred"):
                continue
            run_name = entry.get("run_name", entry["name"])
            if entry.get("run_type") == "aggregate":
                if entry.get("aggregate_name") == "median":
                    medians[run_name] = entry
            else:
                runs[run_name].append(entry)

    rows: dict[tuple, Row] = {}
    for run_name in set(medians) | set(runs):
        parts = run_name.split("/")
        if len(parts) < 3 or not parts[-1].isdigit():
            continue  # not a kernel row (passes, graph io)
        if "bytes_per_second" not in (medians.get(run_name) or runs[run_name][0]):
            continue
        if run_name in medians:
            entry = medians[run_name]
            gbps = entry["bytes_per_second"] / 1e9
            time_ns = entry["cpu_time"] * TIME_TO_NS[entry.get("time_unit", "ns")]
        else:
            samples = runs[run_name]
            gbps = statistics.median(e["bytes_per_second"] for e in samples) / 1e9
            time_ns = statistics.median(
                e["cpu_time"] * TIME_TO_NS[e.get("time_unit", "ns")] for e in samples
            )
        row = Row(parts[0], "/".join(parts[1:-2]), parts[-2], int(parts[-1]), gbps, time_ns)
        rows[(row.family, row.variant, row.isa, row.size)] = row
    return rows, context


class Results:
    """Look-ups over the rows."""

    def __init__(self, rows: dict[tuple, Row]):
        self.rows = rows
        self.sizes = sorted({key[3] for key in rows})
        # the dispatched kernels' ISA: the label of qlower's own rows
        isas = collections.Counter(
            row.isa
            for row in rows.values()
            if row.isa not in NOT_QLOWER and "stream_limit" not in row.family
        )
        self.isa = isas.most_common(1)[0][0] if isas else None

    def get(self, family: str, variant: str, isa: str | None, size: int) -> Row | None:
        return self.rows.get((family, variant, isa, size))

    def gbps(self, family: str, variant: str, isa: str | None, size: int) -> float | None:
        row = self.get(family, variant, isa, size)
        return row.gbps if row else None

    def limit(self, family: str, size: int) -> tuple[float, str] | None:
        """The best streaming limit of `family` at `size` over its store kinds."""
        best = None
        for (fam, variant, isa, sz), row in self.rows.items():
            if fam == family and sz == size and (best is None or row.gbps > best[0]):
                best = (row.gbps, f"{variant} ({isa})")
        return best

    def families(self, predicate) -> list[str]:
        return sorted({key[0] for key in self.rows if predicate(key[0])})

    def variants(self, family: str) -> list[tuple[str, str]]:
        """(variant, isa) pairs of a family: qlower's first, in granularity order."""
        pairs = {(key[1], key[2]) for key in self.rows if key[0] == family}

        def order(pair):
            variant, isa = pair
            base = variant.split("/")[0]
            rank = GRANULARITY_ORDER.index(base) if base in GRANULARITY_ORDER else 99
            return (isa in NOT_QLOWER, ["naive_scalar", "reference"].index(isa)
                    if isa in ("naive_scalar", "reference") else -1, rank, variant)

        return sorted(pairs, key=order)


def size_label(size: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift and size % (1 << shift) == 0:
            return f"{size >> shift} {unit}"
    return f"{size} B"


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    if abs(value) < 10 and digits == 1:
        return f"{value:.2f}"
    return f"{value:.{digits}f}"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


@dataclass
class Kernel:
    """One table: qlower's families, and what they are measured against."""

    title: str
    families: list[str]
    limit: dict[str, str]  # family -> its streaming-limit family
    peer: dict[str, str]  # family -> XNNPACK family (qs8 only)
    note: str


def kernels(results: Results) -> list[Kernel]:
    def dtype_key(family: str) -> int:
        tokens = family.split("_")
        token = tokens[1] if tokens[0] == "f32" else tokens[0]
        return DTYPE_ORDER.index(token) if token in DTYPE_ORDER else 99

    quantize = sorted(
        results.families(lambda f: f.startswith("f32_") and f.endswith("_quantize")
                         and "qs4x2" not in f), key=dtype_key)
    dequantize = sorted(
        results.families(lambda f: f.endswith("_f32_dequantize") and "qs4x2" not in f),
        key=dtype_key)
    packed = results.families(lambda f: "qs4x2" in f and "stream_limit" not in f)
    choose = results.families(lambda f: f.endswith("_choose_qparams"))
    return [
        Kernel(
            "Quantize: f32 -> int8 / uint8 / int16 / int4 (unpacked)",
            quantize,
            {f: "f32_qs8_stream_limit" for f in quantize},
            {"f32_qs8_quantize": "f32_qs8_convert"},
            "Limit: read 4 B, write 1 B per element (the better of ordinary and non-temporal "
            "stores); qs16 rows move 6 B per element and are set against the same limit, an "
            "approximation.",
        ),
        Kernel(
            "Dequantize: int8 / uint8 / int16 / int4 (unpacked) -> f32",
            dequantize,
            {f: "qs8_f32_stream_limit" for f in dequantize},
            {"qs8_f32_dequantize": "qs8_f32_convert"},
            "Limit: read 1 B, write 4 B per element (the better of ordinary and non-temporal "
            "stores). per_tensor_no_stream is the same kernel with non-temporal stores off.",
        ),
        Kernel(
            "int4 packed two per byte (qs4x2)",
            packed,
            {"f32_qs4x2_quantize": "f32_qs4x2_stream_limit",
             "qs4x2_f32_dequantize": "qs4x2_f32_stream_limit"},
            {},
            "Limit: read 4 B, write 0.5 B (quantize); read 0.5 B, write 4 B (dequantize).",
        ),
        Kernel(
            "choose_qparams_affine (int8)",
            choose,
            {f: "f32_stream_limit" for f in choose},
            {},
            "Limit: a read-only pass over the float32 input (4 B per element).",
        ),
    ]


def markdown_table(header: list[str], body: list[list[str]], align: str | None = None) -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return lines


def kernel_section(results: Results, kernel: Kernel) -> list[str]:
    if not kernel.families:
        return []
    sizes = results.sizes
    lines = [f"## {kernel.title}", "", "GB/s by float32 tensor size:", ""]
    body = []
    for family in kernel.families:
        for variant, isa in results.variants(family):
            cells = [f"`{family}/{variant}/{isa}`"]
            cells += [fmt(results.gbps(family, variant, isa, s)) for s in sizes]
            body.append(cells)
    extras = sorted({kernel.limit[f] for f in kernel.families if f in kernel.limit}
                    | {kernel.peer[f] for f in kernel.families if f in kernel.peer})
    for family in extras:
        for variant, isa in results.variants(family):
            cells = [f"`{family}/{variant}/{isa}`"]
            cells += [fmt(results.gbps(family, variant, isa, s)) for s in sizes]
            body.append(cells)
    lines += markdown_table(["row"] + [size_label(s) for s in sizes], body)
    lines += ["", kernel.note, ""]

    for size, where in ((L2_BYTES, "L2"), (DRAM_BYTES, "DRAM")):
        if size not in sizes:
            continue
        lines += [f"Ratios at {size_label(size)} ({where}):", ""]
        body = []
        for family in kernel.families:
            limit = results.limit(kernel.limit.get(family, ""), size)
            peer_family = kernel.peer.get(family)
            peer = results.gbps(peer_family, "per_tensor", "xnnpack", size) if peer_family else None
            for variant, isa in results.variants(family):
                value = results.gbps(family, variant, isa, size)
                if value is None:
                    continue
                base = results.gbps(family, "per_tensor" + variant[len(variant.split("/")[0]):],
                                     isa, size)
                naive = results.gbps(family, "per_tensor", "naive_scalar", size)
                body.append([
                    f"`{family}/{variant}/{isa}`",
                    fmt(value),
                    fmt(ratio(value, limit[0] if limit else None), 2),
                    fmt(ratio(value, peer), 2),
                    fmt(ratio(value, base), 2) if isa not in NOT_QLOWER else "—",
                    fmt(ratio(value, naive), 1),
                ])
        lines += markdown_table(
            ["row", "GB/s", "/ limit", "/ XNNPACK", "/ own per tensor", "/ naive scalar"], body)
        lines.append("")
    return lines


@dataclass
class Target:
    what: str
    measured: str
    required: str
    met: bool | None  # None: not measured


def targets(results: Results) -> list[Target]:
    isa = results.isa
    found: list[Target] = []

    def check(what, value, required_text, threshold, shown=lambda v: f"{v:.2f}x"):
        if value is None:
            found.append(Target(what, "not measured", required_text, None))
        else:
            found.append(Target(what, shown(value), required_text, value >= threshold))

    for size, where in ((L2_BYTES, "L2, 1 MiB"), (DRAM_BYTES, "DRAM, 256 MiB")):
        quantize = results.gbps("f32_qs8_quantize", "per_tensor", isa, size)
        peer = results.gbps("f32_qs8_convert", "per_tensor", "xnnpack", size)
        if where.startswith("L2"):
            check(f"Per-tensor quantize f32->int8 vs XNNPACK ({where})", ratio(quantize, peer),
                  ">= 1.2x XNNPACK", 1.2)
        else:
            limit = results.gbps("f32_qs8_stream_limit", "temporal",
                                 _limit_isa(results, "f32_qs8_stream_limit"), size)
            check(f"Per-tensor quantize f32->int8 vs streaming limit ({where})",
                  ratio(quantize, limit), ">= 95% of the limit (ordinary stores)", 0.95,
                  lambda v: f"{100 * v:.0f}%")
    for size, where, need in ((L2_BYTES, "L2, 1 MiB", 1.1), (DRAM_BYTES, "DRAM, 256 MiB", 2.0)):
        dequantize = results.gbps("qs8_f32_dequantize", "per_tensor", isa, size)
        peer = results.gbps("qs8_f32_convert", "per_tensor", "xnnpack", size)
        check(f"Per-tensor dequantize int8->f32 vs XNNPACK ({where})", ratio(dequantize, peer),
              f">= {need}x XNNPACK", need)

    for family, what in (("f32_qs8_quantize", "quantize"), ("qs8_f32_dequantize", "dequantize")):
        for granularity in GRANULARITY_ORDER[2:]:
            worst = None
            for size in results.sizes:
                value = results.gbps(family, granularity, isa, size)
                base = results.gbps(family, "per_tensor", isa, size)
                if value is not None and base:
                    r = value / base
                    if worst is None or r < worst[0]:
                        worst = (r, size)
            if worst is None:
                found.append(Target(f"int8 {what} {granularity} vs per tensor, every size",
                                    "not measured", ">= 0.85x", None))
            else:
                found.append(Target(
                    f"int8 {what} {granularity} vs per tensor, every size",
                    f"worst {worst[0]:.2f}x at {size_label(worst[1])}", ">= 0.85x (within 15%)",
                    worst[0] >= 0.85))

    for family, limit_family, what in (
            ("f32_qs4x2_quantize", "f32_qs4x2_stream_limit", "quantize"),
            ("qs4x2_f32_dequantize", "qs4x2_f32_stream_limit", "dequantize")):
        for size, where in ((L2_BYTES, "1 MiB"), (DRAM_BYTES, "256 MiB")):
            limit = results.limit(limit_family, size)
            worst = None
            for variant, variant_isa in results.variants(family):
                value = results.gbps(family, variant, variant_isa, size)
                if value is not None and limit and variant_isa == isa:
                    r = value / limit[0]
                    if worst is None or r < worst[0]:
                        worst = (r, variant)
            if worst is None:
                found.append(Target(f"int4 packed {what} vs its streaming limit ({where})",
                                    "not measured", ">= 70%", None))
            else:
                found.append(Target(f"int4 packed {what} vs its streaming limit ({where})",
                                    f"worst {100 * worst[0]:.0f}% ({worst[1]})", ">= 70%",
                                    worst[0] >= 0.70))

    for family, peer_family, what in (("f32_qs8_quantize", "f32_qs8_convert", "quantize"),
                                      ("qs8_f32_dequantize", "qs8_f32_convert", "dequantize")):
        row = results.get(family, "per_tensor", isa, SMALL_BYTES)
        peer = results.get(peer_family, "per_tensor", "xnnpack", SMALL_BYTES)
        peer_text = f" (XNNPACK {peer.time_ns:.0f} ns)" if peer else ""
        if row is None:
            found.append(Target(f"Small tensor, 1,024 elements, {what}", "not measured",
                                "< 60 ns per call", None))
        else:
            found.append(Target(f"Small tensor, 1,024 elements, {what}",
                                f"{row.time_ns:.0f} ns{peer_text}", "< 60 ns per call",
                                row.time_ns < 60))
    return found


def _limit_isa(results: Results, family: str) -> str | None:
    for key in results.rows:
        if key[0] == family:
            return key[2]
    return None


def context_lines(context: dict, command: str, results: Results) -> list[str]:
    caches = ", ".join(
        f"L{c['level']}{'d' if c['type'] == 'Data' else 'i' if c['type'] == 'Instruction' else ''}"
        f" {size_label(c['size'])}" for c in context.get("caches", []))
    load = context.get("load_avg", [])
    lines = [
        f"Machine: {context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz"
        f" ({caches}); run of {context.get('date', '?')}; load average at the start "
        f"{', '.join(f'{x:.2f}' for x in load) or '?'}; Google Benchmark built as "
        f"{context.get('library_build_type', '?')} (Debian's; the warning it prints does not "
        "affect ratios measured in one run).",
        "",
        f"qlower's kernels ran through run-time dispatch on **{results.isa or '?'}**; the "
        "streaming limits use the best instruction set of the machine.",
        "",
        "Command:",
        "",
        "```sh",
        command,
        f"scripts/perf_report.py bench.json",
        "```",
        "",
    ]
    return lines


def write_markdown(results: Results, context: dict, command: str, path: pathlib.Path,
                   plot_name: str | None) -> None:
    lines = [
        "# Performance of the affine quantization kernels",
        "",
        "Generated by `scripts/perf_report.py` from the Google Benchmark JSON of `qlower_bench`; "
        "regenerate rather than edit. GB/s are 10^9 bytes per second of the bytes each algorithm "
        "reads and writes (the tensors; scales and zero points are left out), medians of the "
        "repetitions, single thread. Sizes are those of the float32 tensor (the input of "
        "quantize, the output of dequantize). Row names are `<in>_<out>_<op>/<granularity>/<isa>`:"
        " qs8 int8, qu8 uint8, qs16 int16, qs4 int4 one per byte, qs4x2 int4 packed two per "
        "byte.",
        "",
    ]
    lines += context_lines(context, command, results)
    lines += ["## Targets (issue #4)", ""]
    body = []
    for target in targets(results):
        status = "not measured" if target.met is None else "met" if target.met else "**not met**"
        body.append([target.what, target.measured, target.required, status])
    lines += markdown_table(["target", "measured", "required", "status"], body, "llll")
    lines.append("")
    if plot_name:
        lines += [f"![GB/s against size, streaming limits dashed]({plot_name})", ""]
    for kernel in kernels(results):
        lines += kernel_section(results, kernel)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines).rstrip() + "\n")


def write_plot(results: Results, path: pathlib.Path) -> bool:
    """The plot; False (and a message) when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"perf_report: no matplotlib for {sys.executable} (Debian: apt-get install "
              "python3-matplotlib, then run /usr/bin/python3); the table is written, the plot "
              "skipped", file=sys.stderr)
        return False

    isa = results.isa
    panels = [
        ("quantize f32 -> int8", [
            ("f32_qs8_quantize", "per_tensor", isa, "per tensor"),
            ("f32_qs8_quantize", "per_channel_last", isa, "per channel, last axis"),
            ("f32_qs8_quantize", "group32", isa, "groups of 32"),
            ("f32_qs8_quantize", "block2d_32x32", isa, "32x32 blocks"),
            ("f32_qs8_convert", "per_tensor", "xnnpack", "XNNPACK"),
            ("f32_qs8_quantize", "per_tensor", "naive_scalar", "naive scalar"),
        ], ["f32_qs8_stream_limit"]),
        ("dequantize int8 -> f32", [
            ("qs8_f32_dequantize", "per_tensor", isa, "per tensor"),
            ("qs8_f32_dequantize", "per_tensor_no_stream", isa, "per tensor, no NT stores"),
            ("qs8_f32_dequantize", "per_channel_last", isa, "per channel, last axis"),
            ("qs8_f32_dequantize", "group32", isa, "groups of 32"),
            ("qs8_f32_convert", "per_tensor", "xnnpack", "XNNPACK"),
            ("qs8_f32_dequantize", "per_tensor", "naive_scalar", "naive scalar"),
        ], ["qs8_f32_stream_limit"]),
        ("int4 packed two per byte", [
            ("f32_qs4x2_quantize", "per_tensor", isa, "quantize, per tensor"),
            ("f32_qs4x2_quantize", "group32", isa, "quantize, groups of 32"),
            ("qs4x2_f32_dequantize", "per_tensor", isa, "dequantize, per tensor"),
            ("qs4x2_f32_dequantize", "group32", isa, "dequantize, groups of 32"),
        ], ["f32_qs4x2_stream_limit", "qs4x2_f32_stream_limit"]),
        ("choose_qparams (int8)", [
            ("f32_qs8_choose_qparams", "per_tensor/asymmetric", isa, "per tensor"),
            ("f32_qs8_choose_qparams", "per_channel_axis0/symmetric", isa, "per channel, axis 0"),
            ("f32_qs8_choose_qparams", "group32/asymmetric", isa, "groups of 32"),
        ], ["f32_stream_limit"]),
    ]
    figure, axes = plt.subplots(2, 2, figsize=(13, 9), sharex=True)
    for axis, (title, lines, limits) in zip(axes.flat, panels):
        for family, variant, line_isa, label in lines:
            points = [(s, results.gbps(family, variant, line_isa, s)) for s in results.sizes]
            points = [(s, v) for s, v in points if v is not None]
            if points:
                axis.plot(*zip(*points), marker="o", markersize=3, label=label)
        # limits in greys, one shade per traffic; dashed with ordinary stores, dotted without
        for family, shade in zip(limits, ("black", "dimgray")):
            for variant, limit_isa in results.variants(family):
                points = [(s, results.gbps(family, variant, limit_isa, s)) for s in results.sizes]
                points = [(s, v) for s, v in points if v is not None]
                if points:
                    axis.plot(*zip(*points), color=shade,
                              linestyle=":" if variant == "non_temporal" else "--",
                              label=f"limit {family.replace('_stream_limit', '')} {variant}")
        axis.set_xscale("log", base=2)
        axis.set_title(title)
        axis.set_ylabel("GB/s (read + written)")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
        axis.set_ylim(bottom=0)
    for axis in axes[1]:
        axis.set_xlabel("float32 tensor size")
        ticks = [s for s in results.sizes if s >= 4096]
        axis.set_xticks(ticks)
        axis.set_xticklabels([size_label(s) for s in ticks], rotation=45, fontsize=7)
    figure.suptitle(f"qlower affine kernels ({isa}), single thread")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", nargs="+", type=pathlib.Path,
                        help="Google Benchmark JSON output (--benchmark_out_format=json)")
    root = pathlib.Path(__file__).resolve().parent.parent
    parser.add_argument("--markdown", type=pathlib.Path, default=root / "docs" / "performance.md")
    parser.add_argument("--plot", type=pathlib.Path, default=root / "docs" / "performance.png")
    parser.add_argument("--command", default=DEFAULT_COMMAND,
                        help="the command that produced the JSON, quoted in the report")
    args = parser.parse_args(argv)

    rows, context = load_rows(args.json)
    if not rows:
        print("perf_report: no kernel rows (<family>/.../<isa>/<bytes>) in the input",
              file=sys.stderr)
        return 1
    results = Results(rows)
    plotted = write_plot(results, args.plot)
    plot_name = None
    if plotted:
        try:
            plot_name = str(args.plot.resolve().relative_to(args.markdown.resolve().parent))
        except ValueError:
            plot_name = str(args.plot.resolve())
    write_markdown(results, context, args.command, args.markdown, plot_name)
    print(f"perf_report: wrote {args.markdown}" + (f" and {args.plot}" if plotted else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
