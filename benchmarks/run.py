"""Run every workload for every contender in one process, interleaved, and report.

    python -m benchmarks [--quick] [--reps 5] [--only chain] [--json results.json]

Each repetition takes one sample of every (workload, contender) pair, rotating
the order of the contenders, so a slow spell of the machine hits all of them
alike; the first repetition is a warm-up and is not counted.  A sample of a
short workload runs it back to back enough times to last about
``SAMPLE_SECONDS`` (the count is fixed from the warm-up) and takes the mean.
A ratio between two contenders is the median over the repetitions of the
ratio of their samples in the same repetition (paired samples), so a slow
spell shared by both cancels out.  Objects alive before the first timed run
(imports, models) are frozen out of the cyclic garbage collector's passes, so
no contender pays for another's imports.

Workloads:
  mlp_step   one training step of MLP(2, [16, 16, 1]) on 100 moons: forward over
             all points, hinge loss + L2, backward, SGD update.  Every timed run
             starts from the same weights (put back outside the timer), so every
             contender does the same arithmetic, and the losses and gradients
             they computed are compared (they must agree to 1e-9)
  chain_N    a chain of N operations (alternating *0.999 and +0.001): build + backward.
             The 10^4 samples bracket the 10^6 one (10^4, 10^6, 10^4 back to back),
             and the growth of the time per operation is set against that of a bare
             Python object per operation measured the same way in the same run
  wide_N     the sum of N products w_i * x_i: build + backward
  memory     bytes per operation of a chain graph (tracemalloc), and the peak
             memory of one mlp_step
"""

from __future__ import annotations

import argparse
import functools
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

from . import floats, hips_peer, micrograd_peer, objects, ours, ours_binary, ours_compiled, torch_peer
from .data import mlp_weights, moons

CONTENDERS: list[ModuleType] = [
    floats,
    ours_compiled,
    ours,
    ours_binary,
    hips_peer,
    micrograd_peer,
    torch_peer,
    objects,
]
#: A sample of a short workload repeats it to last about this long.
SAMPLE_SECONDS = 0.25
#: The check: every contender's loss and gradients within this of the float floor's (relative).
AGREE = 1e-9


def _sizes(quick: bool) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, int]]:
    """Chain sizes, wide sizes and the (small, big) chain sizes whose growth is bracketed."""
    if quick:
        return (100, 1000), (1000,), (100, 1000)
    return (10**3, 10**4, 10**5, 10**6), (10**5,), (10**4, 10**6)


def _name(kind: str, n: int) -> str:
    return f"{kind}_{n:.0e}".replace("+0", "")


def _size_of(name: str) -> int:
    tail = name.rsplit("_", 1)[-1]
    return int(float(tail)) if tail[0].isdigit() else 0


def _sample(fn: Callable[[], object], k: int, reset: Callable[[], None] | None) -> tuple[float, object]:
    """Mean time of k runs of fn, each timed alone (``reset`` runs before each, untimed)."""
    total = 0.0
    answer = None
    for _ in range(k):
        if reset is not None:
            reset()
        t0 = time.perf_counter()
        answer = fn()
        total += time.perf_counter() - t0
    return total / k, answer


def time_all(contenders: list[ModuleType], quick: bool, reps: int, only: str = "") -> dict:
    """Samples of every (workload, contender), interleaved over reps + 1 rounds (the first a warm-up)."""
    chains, wides, (small, big) = _sizes(quick)
    points, labels = moons(20 if quick else 100, 0.1, seed=0)
    weights = mlp_weights(seed=0)
    # what to run: workload -> contender name -> (fn, reset)
    plan: dict[str, dict[str, tuple]] = {}
    if "mlp_step".startswith(only) or only.startswith("mlp"):
        for m in contenders:
            if hasattr(m, "mlp_step"):
                step = m.mlp_step(points, labels, weights)
                plan.setdefault("mlp_step", {})[m.NAME] = (step.run, step.reset, step)
    for kind, sizes in (("chain", chains), ("wide", wides)):
        for n in sizes:
            w = _name(kind, n)
            if w.startswith(only):
                for m in contenders:
                    if hasattr(m, kind):
                        plan.setdefault(w, {})[m.NAME] = (functools.partial(getattr(m, kind), n), None, None)
    bracket = (_name("chain", small), _name("chain", big))
    bracketed = bracket[0] in plan and bracket[1] in plan
    # Everything alive now lives to the end: freeze it, so the collector's
    # passes during a timed run cost the same whichever peers are installed.
    gc.collect()
    gc.freeze()
    times: dict = {w: {n: [] for n in by} for w, by in plan.items()}
    growth: dict[str, list[float]] = {}
    errors: dict = {}
    answers: dict = {}
    loops: dict = {(w, n): 1 for w, by in plan.items() for n in by}

    def take(w: str, name: str, rep: int) -> float | None:
        if (w, name) in errors:
            return None
        fn, reset, _ = plan[w][name]
        k = loops[(w, name)]
        gc.collect()
        try:
            dt, answer = _sample(fn, k, reset)
        except (RecursionError, MemoryError, RuntimeError) as exc:
            errors[(w, name)] = type(exc).__name__
            return None
        answers[(w, name)] = answer
        if not rep and not quick and dt < SAMPLE_SECONDS:
            one, _ = _sample(fn, 1, reset)
            loops[(w, name)] = max(1, round(SAMPLE_SECONDS / one))
        return dt

    for rep in range(reps + 1):
        shift = rep % len(contenders)
        order = [m.NAME for m in contenders[shift:] + contenders[:shift]]
        for w, by in plan.items():
            if bracketed and w == bracket[1]:
                continue  # taken with the small chain, below
            for name in order:
                if name not in by:
                    continue
                if bracketed and w == bracket[0] and name in plan[bracket[1]]:
                    before = take(w, name, rep)
                    mid = take(bracket[1], name, rep)
                    after = take(w, name, rep)
                    if rep and mid is None and None not in (before, after):
                        times[w][name].append((before + after) / 2)  # the big chain fails: no growth
                    if rep and None not in (before, mid, after):
                        times[w][name].append((before + after) / 2)
                        times[bracket[1]][name].append(mid)
                        growth.setdefault(name, []).append((mid / big) / ((before + after) / 2 / small))
                    continue
                dt = take(w, name, rep)
                if rep and dt is not None:
                    times[w][name].append(dt)
    results: dict = {}
    for w, by in times.items():
        for name, ts in by.items():
            entry: dict = {"times": ts, "runs_per_sample": loops[(w, name)]}
            if (w, name) in errors:
                entry["error"] = errors[(w, name)]
            elif ts:
                entry["median"] = statistics.median(ts)
                entry["spread"] = (max(ts) - min(ts)) / entry["median"] if len(ts) > 1 else 0.0
                n = _size_of(w)
                if n:
                    entry["per_op_ns"] = entry["median"] / n * 1e9
                step = plan[w][name][2]
                entry["answer"] = answers[(w, name)]
                if step is not None:
                    entry["grads"] = list(step.grads())
            results.setdefault(w, {})[name] = entry
    if growth:
        by_name = {n: {"samples": g, "median": statistics.median(g)} for n, g in growth.items()}
        results["chain_growth"] = {"sizes": [small, big], "by": by_name}
    return results


def paired(results: dict, w: str, a: str, b: str) -> float | None:
    """Median over the repetitions of time(a) / time(b), both measured in the same repetition."""
    ta = results.get(w, {}).get(a, {}).get("times") or []
    tb = results.get(w, {}).get(b, {}).get("times") or []
    if not ta or len(ta) != len(tb) or "error" in results[w][a] or "error" in results[w][b]:
        return None
    return statistics.median(x / y for x, y in zip(ta, tb))


def check(results: dict) -> tuple[bool, float, list[str]]:
    """Do all contenders' mlp_step losses and gradients agree with the float floor's?

    Returns (all agree, the largest difference relative to the floor's largest
    magnitude, the names of the contenders that disagree).
    """
    by = results.get("mlp_step", {})
    ref = by.get(floats.NAME, {})
    if "answer" not in ref:
        return True, 0.0, []
    want = [ref["answer"], *ref["grads"]]
    scale = max(abs(v) for v in want)
    worst, bad = 0.0, []
    for name, e in by.items():
        if "answer" not in e or name == floats.NAME:
            continue
        got = [e["answer"], *e["grads"]]
        diff = max(abs(g - v) for g, v in zip(got, want)) / scale if len(got) == len(want) else float("inf")
        worst = max(worst, diff)
        if not diff <= AGREE:
            bad.append(name)
    return not bad, worst, bad


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
        if hasattr(m, "build_chain"):
            before = tracemalloc.get_traced_memory()[0]
            graph = m.build_chain(n)
            after = tracemalloc.get_traced_memory()[0]
            if graph is not None:
                entry["bytes_per_op"] = (after - before) / n
            del graph
        if hasattr(m, "mlp_step"):
            step = m.mlp_step(points, labels, weights)
            step.run()  # a compiled step has traced; the peak is that of a step
            step.reset()
            gc.collect()
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            step.run()
            entry["mlp_step_peak_bytes"] = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        if m is torch_peer or m is hips_peer:
            entry["note"] = "array memory is outside the Python heap; tracemalloc sees only Python objects"
        out[m.NAME] = entry
    return out


def targets(results: dict, mem: dict) -> list[tuple[str, bool | None, str]]:
    """The performance goals, each as (goal, met or None if not measurable, the figures)."""
    rows: list[tuple[str, bool | None, str]] = []

    def ratio_goal(goal: str, a: str, b: str, ok: Callable[[float], bool], fmt: str) -> None:
        r = paired(results, "mlp_step", a, b)
        rows.append((goal, None, "not measured") if r is None else (goal, ok(r), fmt.format(r)))

    fl, cp, fu, bi = floats.NAME, ours_compiled.NAME, ours.NAME, ours_binary.NAME
    ratio_goal("mlp_step: compiled <= 1.0x the tight float floor", cp, fl, lambda r: r <= 1.0, "{:.2f}x")
    ratio_goal("mlp_step: eager (fused) <= 4x the tight float floor", fu, fl, lambda r: r <= 4.0, "{:.2f}x")
    ratio_goal(
        "mlp_step: engine for engine (binary graph) >= 6x faster than micrograd",
        micrograd_peer.NAME,
        bi,
        lambda r: r >= 6.0,
        "{:.1f}x",
    )
    for peer in (micrograd_peer.NAME, torch_peer.NAME):
        ratio_goal(
            f"mlp_step: eager (fused) >= 20x faster than {peer}", peer, fu, lambda r: r >= 20.0, "{:.1f}x"
        )
    growth = results.get("chain_growth")
    goal = "chain: growth of time per op from 10^4 to 10^6 <= the bare-objects floor's growth"
    if growth and ours.NAME in growth["by"] and objects.NAME in growth["by"]:
        g, b = growth["by"][ours.NAME]["median"], growth["by"][objects.NAME]["median"]
        rows.append((goal, g <= b, f"{g:.2f}x vs {b:.2f}x (bracketed 10^4, 10^6, 10^4; medians)"))
    else:
        rows.append((goal, None, "not measured"))
    ob = mem.get(ours.NAME, {}).get("bytes_per_op")
    mb = mem.get(micrograd_peer.NAME, {}).get("bytes_per_op")
    if ob and mb:
        rows.append(
            (
                "memory: bytes per op <= 1/3 of micrograd's",
                ob <= mb / 3,
                f"{ob:.0f} vs {mb:.0f} B ({mb / ob:.1f}x less)",
            )
        )
    return rows


def _fmt_time(s: float) -> str:
    return f"{s * 1e3:.2f} ms" if s < 10 else f"{s:.2f} s"


def report(results: dict, mem: dict, names: list[str], skipped: dict[str, str]) -> str:
    """The mlp_step table (ratios to the floor and to autograd-lite), the chain/wide table, memory."""
    lines: list[str] = []
    by = results.get("mlp_step", {})
    if by:
        lines.append("mlp_step: one SGD step of MLP(2, [16, 16, 1]), every run from the same weights")
        head = f"{'contender':<30}{'median':>11}{'spread':>9}{'x floor':>10}{'x autograd-lite':>17}"
        lines += [head, "-" * len(head)]
        for n in names:
            e = by.get(n)
            if e is None:
                continue
            if "error" in e:
                lines.append(f"{n:<30}{'fails: ' + e['error']:>11}")
                continue
            vf = paired(results, "mlp_step", n, floats.NAME)
            vo = paired(results, "mlp_step", n, ours.NAME)
            lines.append(
                f"{n:<30}{_fmt_time(e['median']):>11}{e['spread']:>8.0%} "
                f"{(f'{vf:.2f}x' if vf else '-'):>10}{(f'{vo:.2f}x' if vo else '-'):>17}"
            )
        ok, worst, bad = check(results)
        lines.append(
            f"check: losses and gradients {'agree' if ok else 'DIFFER'} across contenders "
            f"(largest difference {worst:.1e} of the largest magnitude; allowed {AGREE:g})"
            + (f": {', '.join(bad)}" if bad else "")
        )
        lines.append(
            "x floor, x autograd-lite: medians of paired samples (same repetition); spread: (max-min)/median"
        )
        lines.append("")
    other = [w for w in results if w not in ("mlp_step", "chain_growth")]
    if other:
        cols = [n for n in names if any(n in results[w] for w in other)]
        head = f"{'workload':<12}" + "".join(f"{n:>26}" for n in cols)
        lines += [head, "-" * len(head)]
        for w in other:
            cells = []
            for n in cols:
                e = results[w].get(n, {})
                if "error" in e:
                    cells.append(f"{'fails: ' + e['error']:>26}")
                elif "median" in e:
                    cell = f"{_fmt_time(e['median'])} ({e['per_op_ns']:,.0f} ns/op)"
                    cells.append(f"{cell:>26}")
                else:
                    cells.append(f"{'-':>26}")
            lines.append(f"{w:<12}" + "".join(cells))
        growth = results.get("chain_growth")
        if growth:
            s, b = growth["sizes"]
            parts = [f"{n} {g['median']:.2f}x" for n, g in growth["by"].items()]
            lines.append(
                f"chain growth, time per op at {b:,} over {s:,} (bracketed {s:,}, {b:,}, {s:,}; "
                "median): " + ", ".join(parts)
            )
        lines.append("")
    lines.append(f"{'memory':<30}{'B/op':>12}{'mlp_step peak':>16}")
    for n in names:
        e = mem.get(n, {})
        bpo, peak = e.get("bytes_per_op"), e.get("mlp_step_peak_bytes")
        if bpo or peak:
            per_op = f"{bpo:,.0f} B" if bpo else "-"
            peak_mb = f"{peak / 1e6:,.2f} MB" if peak else "-"
            lines.append(f"{n:<30}{per_op:>12}{peak_mb:>16}")
    for n, why in skipped.items():
        lines.append(f"skipped {n}: {why}")
    return "\n".join(lines)


def machine() -> dict:
    """What the figures were measured on."""
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the code runs (used in CI)")
    parser.add_argument(
        "--reps", type=int, default=5, help="counted repetitions after one warm-up (default 5)"
    )
    parser.add_argument(
        "--only",
        metavar="PREFIX",
        default="",
        help="run only the workloads whose name starts with PREFIX (e.g. chain)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error("--reps must be at least 1")
    if args.only and not any(w.startswith(args.only) for w in ("mlp_step", "chain_", "wide_")):
        parser.error(f"--only {args.only!r} matches no workload (they are mlp_step, chain_N, wide_N)")
    skipped = {m.NAME: why for m in CONTENDERS if (why := m.available())}
    contenders = [m for m in CONTENDERS if m.NAME not in skipped]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    results = time_all(contenders, args.quick, 1 if args.quick else args.reps, args.only)
    mem = memory(contenders, args.quick) if not args.only else {}
    names = [m.NAME for m in contenders]
    print(f"{machine()}")
    print(report(results, mem, names, skipped))
    goals = targets(results, mem)
    if not args.quick:
        print("\ngoals:")
        for goal, met, figures in goals:
            mark = "n/a " if met is None else ("met " if met else "MISS")
            print(f"  [{mark}] {goal}: {figures}")
    ok, worst, bad = check(results)
    if args.json:
        payload = {
            "machine": machine(),
            "quick": args.quick,
            "reps": args.reps,
            "results": results,
            "memory": mem,
            "skipped": skipped,
            "agree": {"ok": ok, "largest": worst, "differ": bad},
            "goals": [{"goal": g, "met": m, "figures": f} for g, m, f in goals],
        }
        tmp = f"{args.json}.tmp{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, indent=2)
        os.replace(tmp, args.json)
    if not ok:
        print(f"error: the contenders computed different numbers: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0
