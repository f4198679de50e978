"""The benchmark code runs (quick sizes) and every contender computes the same numbers.

Speed is not judged here: the benchmarks report it, side by side, in one run.
"""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import (
    floats,
    hips_peer,
    micrograd_peer,
    objects,
    ours,
    ours_binary,
    ours_compiled,
    run,
    torch_peer,
)
from benchmarks.data import flat, mlp_weights, moons

STEPPERS = [
    m
    for m in (ours, ours_binary, ours_compiled, hips_peer, micrograd_peer, torch_peer)
    if m.available() is None
]


def _close(a: list, b: list, tol: float = 1e-9) -> bool:
    scale = max(abs(v) for v in b)
    return len(a) == len(b) and all(abs(x - y) <= tol * scale for x, y in zip(a, b))


@pytest.mark.parametrize("peer", STEPPERS, ids=lambda m: m.NAME)
def test_every_step_computes_the_tight_floors_loss_and_gradients(peer):
    points, labels = moons(12, 0.1, seed=3)
    weights = mlp_weights(seed=1)
    a, b = floats.mlp_step(points, labels, weights), peer.mlp_step(points, labels, weights)
    for _ in range(3):  # the same losses step after step: same forward, gradients and update
        la, lb = a.run(), b.run()
        assert _close([lb, *b.grads()], [la, *a.grads()])
        assert len(b.grads()) == len(flat(weights)) == 337


@pytest.mark.parametrize("peer", [floats, *STEPPERS], ids=lambda m: m.NAME)
def test_reset_puts_the_same_weights_back_so_every_run_does_the_same_work(peer):
    step = peer.mlp_step(*moons(10, 0.1, seed=4), mlp_weights(seed=2))
    first = [step.run(), *step.grads()]
    second = [step.run(), *step.grads()]
    step.reset()
    again = [step.run(), *step.grads()]
    assert first != second and _close(again, first, 1e-12)  # micrograd sums in set order: ulps


def test_the_floor_trains_the_network():
    step = floats.mlp_step(*moons(40, 0.1, seed=0), mlp_weights(seed=0))
    losses = [step.run() for _ in range(30)]
    assert losses[-1] < losses[0]


@pytest.mark.parametrize(
    "peer", [m for m in (micrograd_peer, torch_peer, floats) if m.available() is None], ids=lambda m: m.NAME
)
def test_contenders_agree_on_chain_and_wide(peer):
    assert ours.chain(500) == pytest.approx(
        peer.chain(500) if peer is not micrograd_peer else floats.chain(500)
    )
    assert ours.wide(300) == pytest.approx(floats.wide(300))
    assert ours.chain(500) == pytest.approx(0.999**250)


def test_the_bare_objects_floor_computes_the_same_chain_derivative():
    assert objects.chain(500) == pytest.approx(ours.chain(500), rel=1e-12)
    assert objects.chain(0) == 1.0


def test_the_check_catches_a_contender_that_computes_something_else():
    results = {
        "mlp_step": {
            floats.NAME: {"answer": 1.0, "grads": [0.5, -0.25]},
            ours.NAME: {"answer": 1.0, "grads": [0.5, -0.25 + 1e-12]},
            micrograd_peer.NAME: {"answer": 1.0, "grads": [0.5, -0.2]},
        }
    }
    ok, worst, bad = run.check(results)
    assert not ok and bad == [micrograd_peer.NAME] and worst == pytest.approx(0.05)


def test_ratios_are_medians_of_paired_samples():
    results = {"mlp_step": {"a": {"times": [2.0, 4.0, 30.0]}, "b": {"times": [1.0, 4.0, 10.0]}}}
    assert run.paired(results, "mlp_step", "a", "b") == 2.0  # ratios 2, 1, 3


def test_quick_run_prints_the_table_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "mlp_step" in proc.stdout and "autograd-lite" in proc.stdout and "plain floats" in proc.stdout
    assert "losses and gradients agree" in proc.stdout
    data = json.loads(out.read_text())
    assert data["agree"]["ok"] and data["agree"]["largest"] <= 1e-9
    assert set(data["results"]) >= {"mlp_step", "chain_1e2", "chain_1e3", "wide_1e3", "chain_growth"}
    for name in ("autograd-lite", "autograd-lite (binary graph)", "plain floats (tight)"):
        entry = data["results"]["mlp_step"][name]
        assert entry["median"] > 0 and math.isfinite(entry["answer"]) and len(entry["grads"]) == 337
    growth = data["results"]["chain_growth"]["by"]
    assert growth["autograd-lite"]["median"] > 0 and growth["bare objects"]["median"] > 0
    assert data["memory"]["autograd-lite"]["bytes_per_op"] > 0
    if micrograd_peer.available() is None:
        assert data["results"]["chain_1e3"]["micrograd"]["error"] == "RecursionError"
