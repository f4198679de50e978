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

from benchmarks import floats, micrograd_peer, objects, ours, torch_peer  # noqa: E402
from benchmarks.data import mlp_weights, moons  # noqa: E402

PEERS = [m for m in (micrograd_peer, torch_peer, floats) if m.available() is None]


@pytest.mark.parametrize("peer", PEERS, ids=lambda m: m.NAME)
def test_contenders_train_the_same_network(peer):
    points, labels = moons(12, 0.1, seed=3)
    weights = mlp_weights(seed=1)
    a, b = ours.mlp_step(points, labels, weights), peer.mlp_step(points, labels, weights)
    for _ in range(3):  # the same losses step after step: same forward, gradients and update
        assert a() == pytest.approx(b(), rel=1e-9)


@pytest.mark.parametrize("peer", PEERS, ids=lambda m: m.NAME)
def test_contenders_agree_on_chain_and_wide(peer):
    assert ours.chain(500) == pytest.approx(peer.chain(500) if peer is not micrograd_peer else floats.chain(500))
    assert ours.wide(300) == pytest.approx(floats.wide(300))
    assert ours.chain(500) == pytest.approx(0.999 ** 250)


def test_the_bare_objects_floor_computes_the_same_chain_derivative():
    assert objects.chain(500) == pytest.approx(ours.chain(500), rel=1e-12)
    assert objects.chain(0) == 1.0


def test_quick_run_prints_the_table_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "mlp_step" in proc.stdout and "autograd-lite" in proc.stdout and "plain floats" in proc.stdout
    data = json.loads(out.read_text())
    assert set(data["results"]) >= {"mlp_step", "chain_1e2", "chain_1e3", "wide_1e3"}
    for name in ("autograd-lite", "plain floats"):
        entry = data["results"]["mlp_step"][name]
        assert entry["median"] > 0 and math.isfinite(entry["answer"])
    assert data["memory"]["autograd-lite"]["bytes_per_op"] > 0
    if micrograd_peer.available() is None:
        assert data["results"]["chain_1e3"]["micrograd"]["error"] == "RecursionError"
