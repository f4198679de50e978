"""Run every workload for every contender in one process, interleaved, and report.

    python -m benchmarks [--quick] [--reps 5] [--only chain] [--json results.json]

Each repetition takes one sample of every (workload, contender) pair, rotating
the order of the contenders, so a slow spell of the machine hits all of them
alike; the first repetition is a warm-up and is not counted.  A sample of a
short workload runs it back to back enough times to last about
``SAMPLE_SECONDS`` (the count is fixed from the warm-up) and takes the mean,
so a 10 ms workload is not judged on one 10 ms window of a noisy machine.
Times are medians of the samples; the ratios compare contenders measured in
this same run.  Objects alive before the first
timed run (imports, models) are frozen out of the cyclic garbage collector's
passes, so no contender pays for another's imports.

Workloads:
  mlp_step   one training step of MLP(2, [16, 16, 1]) on 100 moons: forward over
             all points, hinge loss + L2, backward, SGD update
  chain_N    a chain of N operations (alternating *0.999 and +0.001): build + backward
  wide_N     the sum of N products w_i * x_i: build + backward
  memory     bytes per operation of a chain graph (tracemalloc), and the peak
             memory of one mlp_step
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from types import ModuleType

from . import floats, micrograd_peer, objects, ours, torch_peer
from .data import mlp_weights, moons

CONTENDERS: list[ModuleType] = [ours, micrograd_peer, torch_peer, floats, objects]
#: A sample of a short workload repeats it to last about this long.
SAMPLE_SECONDS = 0.25


#: Per workload: the contender's function and how to make the timed call from it.
Maker = tuple[str, Callable[[Callable], Callable[[], float]]]


def _workloads(quick: bool, only: str = "") -> dict[str, Maker]:
    points, labels = moons(20 if quick else 100, 0.1, seed=0)
    weights = mlp_weights(seed=0)
    chains = (100, 1000) if quick else (10**3, 10**4, 10**5, 10**6)
    wides = (1000,) if quick else (10**5,)
    # mlp_step(...) sets up a model and returns its step; chain(n) and wide(n) run whole
    work: dict[str, Maker] = {"mlp_step": ("mlp_step", lambda f: f(points, labels, weights))}
    for n in chains:
        work[f"chain_{n:.0e}".replace("+0", "")] = ("chain", lambda f, n=n: (lambda: f(n)))
    for n in wides:
        work[f"wide_{n:.0e}".replace("+0", "")] = ("wide", lambda f, n=n: (lambda: f(n)))
    return {w: maker for w, maker in work.items() if w.startswith(only)}


def _size_of(name: str) -> int:
    tail = name.rsplit("_", 1)[-1]
    return int(float(tail)) if tail[0].isdigit() else 0


def time_all(contenders: list[ModuleType], quick: bool, reps: int, only: str = "") -> dict:
    """Median wall time of every (workload, contender), interleaved over reps + 1 rounds."""
    work = _workloads(quick, only)
    # a contender without a workload's function (the bare-objects floor only
    # builds chains) sits that workload out
    fns = {(w, m.NAME): make(getattr(m, fn)) for w, (fn, make) in work.items() for m in contenders
           if hasattr(m, fn)}
    # Everything alive now (the interpreter, every contender's imports -- torch
    # alone brings over 100,000 objects -- and the models) lives to the end:
    # freeze it, so the cyclic collector's passes during a timed run cost the
    # same whichever peers happen to be installed.
    gc.collect()
    gc.freeze()
    times: dict[tuple[str, str], list[float]] = {key: [] for key in fns}
    errors: dict[tuple[str, str], str] = {}
    answers: dict[tuple[str, str], float] = {}
    loops: dict[tuple[str, str], int] = dict.fromkeys(fns, 1)
    for rep in range(reps + 1):
        order = contenders[rep % len(contenders):] + contenders[:rep % len(contenders)]
        for w in work:
            for m in order:
                key = (w, m.NAME)
                if key in errors or key not in fns:
                    continue
                fn, k = fns[key], loops[key]
                gc.collect()
                t0 = time.perf_counter()
                try:
                    for _ in range(k):
                        answers[key] = fn()
                except (RecursionError, MemoryError, RuntimeError) as exc:
                    errors[key] = f"{type(exc).__name__}"
                    continue
                dt = (time.perf_counter() - t0) / k
                if rep:
                    times[key].append(dt)
                elif not quick and dt < SAMPLE_SECONDS:
                    # warmed up: time one more run to fix how many make a sample
                    t0 = time.perf_counter()
                    fn()
                    loops[key] = max(1, round(SAMPLE_SECONDS / (time.perf_counter() - t0)))
    results: dict = {}
    for (w, name), ts in times.items():
        entry: dict = {"times": ts, "runs_per_sample": loops[(w, name)]}
        if (w, name) in errors:
            entry["error"] = errors[(w, name)]
        elif ts:
            entry["median"] = statistics.median(ts)
            n = _size_of(w)
            if n:
                entry["per_op_ns"] = entry["median"] / n * 1e9
            entry["answer"] = answers[(w, name)]
        results.setdefault(w, {})[name] = entry
    return results


def memory(contenders: list[ModuleType], quick: bool) -> dict:
    """Bytes per operation of a chain graph, and the peak bytes of one mlp_step."""
    n = 2_000 if quick else 100_000
    points, labels = moons(20 if quick else 100, 0.1, seed=0)
    weights = mlp_weights(seed=0)
    out: dict = {}
    for m in contenders:
        entry: dict = {}
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        graph = m.build_chain(n)
        after = tracemalloc.get_traced_memory()[0]
        if graph is not None:
            entry["bytes_per_op"] = (after - before) / n
        del graph
        if hasattr(m, "mlp_step"):
            step = m.mlp_step(points, labels, weights)
            gc.collect()
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            step()
            entry["mlp_step_peak_bytes"] = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        if m is torch_peer:
            entry["note"] = "tensor memory is outside the Python heap; tracemalloc sees only Python objects"
        out[m.NAME] = entry
    return out


def targets(results: dict, mem: dict) -> list[tuple[str, bool | None, str]]:
    """The performance goals, each as (goal, met or None if not measurable, the figures)."""
    def med(w: str, name: str) -> float | None:
        return results.get(w, {}).get(name, {}).get("median")
    rows = []
    o, mg, tc, fl = (med("mlp_step", m.NAME) for m in (ours, micrograd_peer, torch_peer, floats))
    for label, peer, goal in (("micrograd", mg, 10.0), ("torch (scalars)", tc, 10.0)):
        if o and peer:
            rows.append((f"mlp_step: >= {goal:g}x faster than {label}", peer / o >= goal, f"{peer / o:.1f}x"))
        else:
            rows.append((f"mlp_step: >= {goal:g}x faster than {label}", None, "not measured"))
    if o and fl:
        rows.append(("mlp_step: <= 5x the plain-float floor", o / fl <= 5.0, f"{o / fl:.2f}x"))
    def growth(name: str) -> tuple[float, float] | None:
        small = results.get("chain_1e4", {}).get(name, {}).get("per_op_ns")
        big = results.get("chain_1e6", {}).get(name, {}).get("per_op_ns")
        return (small, big) if small and big else None
    ours_growth, bare = growth(ours.NAME), growth(objects.NAME)
    if ours_growth:
        small, big = ours_growth
        floor = f"; bare objects: {bare[1] / bare[0]:.2f}x" if bare else ""
        rows.append(("chain: 10^6 completes, time per op within 1.5x of 10^4", big / small <= 1.5,
                     f"{big:.0f} vs {small:.0f} ns/op ({big / small:.2f}x{floor})"))
    ob = mem.get(ours.NAME, {}).get("bytes_per_op")
    mb = mem.get(micrograd_peer.NAME, {}).get("bytes_per_op")
    if ob and mb:
        rows.append(("memory: bytes per op <= 1/3 of micrograd's", ob <= mb / 3,
                     f"{ob:.0f} vs {mb:.0f} B ({mb / ob:.1f}x less)"))
    return rows


def _fmt_time(s: float) -> str:
    return f"{s * 1e3:9.2f} ms" if s < 10 else f"{s:9.2f} s "


def report(results: dict, mem: dict, names: list[str], skipped: dict[str, str]) -> str:
    """The table of median times and ratios to autograd-lite, and the memory figures."""
    lines = []
    head = f"{'workload':<12}" + "".join(f"{n:>22}" for n in names)
    lines += [head, "-" * len(head)]
    for w, by_name in results.items():
        cells = []
        for n in names:
            e = by_name.get(n, {})
            if "error" in e:
                cells.append(f"{'fails: ' + e['error']:>22}")
            elif "median" in e:
                base = by_name.get(ours.NAME, {}).get("median")
                ratio = f" ({e['median'] / base:5.1f}x)" if base and n != ours.NAME else ""
                cells.append(f"{_fmt_time(e['median']) + ratio:>22}")
            else:
                cells.append(f"{'-':>22}")
        lines.append(f"{w:<12}" + "".join(cells))
    lines.append("(x) = time relative to autograd-lite in this run: above 1 means slower than autograd-lite")
    lines.append("")
    lines.append(f"{'memory':<12}" + "".join(f"{n:>22}" for n in names))
    for key, unit in (("bytes_per_op", "B/op"), ("mlp_step_peak_bytes", "peak")):
        cells = []
        for n in names:
            v = mem.get(n, {}).get(key)
            shown = (f"{v:,.0f} B" if key == "bytes_per_op" else f"{v / 1e6:,.2f} MB") if v else "-"
            cells.append(f"{shown:>22}")
        lines.append(f"{unit:<12}" + "".join(cells))
    for n, why in skipped.items():
        lines.append(f"skipped {n}: {why}")
    return "\n".join(lines)


def machine() -> dict:
    """What the figures were measured on."""
    return {"python": sys.version.split()[0], "implementation": platform.python_implementation(),
            "platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the code runs (used in CI)")
    parser.add_argument("--reps", type=int, default=5,
                        help="counted repetitions after one warm-up (default 5)")
    parser.add_argument("--only", metavar="PREFIX", default="",
                        help="run only the workloads whose name starts with PREFIX (e.g. chain)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error("--reps must be at least 1")
    skipped = {m.NAME: why for m in CONTENDERS if (why := m.available())}
    contenders = [m for m in CONTENDERS if m.NAME not in skipped]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    if not _workloads(args.quick, args.only):
        parser.error(f"--only {args.only!r} matches no workload (they are mlp_step, chain_N, wide_N)")
    results = time_all(contenders, args.quick, 1 if args.quick else args.reps, args.only)
    mem = memory(contenders, args.quick)
    names = [m.NAME for m in contenders]
    print(f"{machine()}")
    print(report(results, mem, names, skipped))
    goals = targets(results, mem)
    if goals and not args.quick:
        print("\ngoals:")
        for goal, met, figures in goals:
            mark = "n/a " if met is None else ("met " if met else "MISS")
            print(f"  [{mark}] {goal}: {figures}")
    if args.json:
        payload = {"machine": machine(), "quick": args.quick, "reps": args.reps, "results": results,
                   "memory": mem, "skipped": skipped,
                   "goals": [{"goal": g, "met": m, "figures": f} for g, m, f in goals]}
        tmp = f"{args.json}.tmp{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, indent=2)
        os.replace(tmp, args.json)
    return 0
