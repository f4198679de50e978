"""The demo end to end: the files it writes, its options, its errors."""

import importlib.util
import json
import os
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from autograd_lite import cli
from nn import MLP, demo

PNG = b"\x89PNG\r\n\x1a\n"

#: The demo draws its pictures with matplotlib (the ``plot`` extra).
needs_matplotlib = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None, reason="the demo needs matplotlib (the plot extra)"
)


class _EntryPoint:
    """Stands in for the installed ``demo`` entry point, so cli.main runs the real path."""

    name = "demo"

    @staticmethod
    def load():
        return demo.register


@pytest.fixture
def main(monkeypatch):
    monkeypatch.setattr(cli, "entry_points", lambda group: [_EntryPoint()])
    return cli.main


@needs_matplotlib
def test_demo_writes_its_files(tmp_path, main, capsys):
    out = tmp_path / "pictures"
    assert main(["demo", "--out", str(out), "--steps", "3", "--seed", "1", "--quiet"]) == 0
    printed = capsys.readouterr()
    assert "training accuracy:" in printed.out
    assert printed.err == ""  # --quiet: no progress bar
    assert sorted(os.listdir(out)) == ["decision_boundary.png", "loss.png", "model.json", "neuron.svg"]
    for name in ("decision_boundary.png", "loss.png"):
        data = (out / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 5000
    svg = (out / "neuron.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for text in ("dot", "relu", "layers.0.neurons.0.w.0", "layers.0.neurons.0.b", "x.0"):
        assert text in svg
    doc = json.loads((out / "model.json").read_text())
    assert doc["architecture"] == repr(MLP(2, [16, 16, 1]))
    MLP(2, [16, 16, 1]).load(out / "model.json")


@needs_matplotlib
def test_demo_shows_progress_unless_quiet(tmp_path, main, capsys):
    assert main(["demo", "--out", str(tmp_path), "--steps", "2"]) == 0
    printed = capsys.readouterr()
    assert "loss=" in printed.err and "2/2" in printed.err
    assert "training MLP(2, [16, 16, 1])" in printed.out


@needs_matplotlib
def test_run_demo_returns_accuracy_and_files(tmp_path):
    messages = []
    result = demo.run_demo(str(tmp_path), steps=2, seed=0, progress=False, say=messages.append)
    assert 0.0 <= result["accuracy"] <= 1.0 and len(result["history"]) == 2
    assert all(os.path.exists(f) for f in result["files"])
    assert any("training accuracy" in m for m in messages)


@pytest.mark.parametrize(
    "args,match",
    [
        (["--steps", "0"], "--steps: must be a positive integer, got '0'"),
        (["--steps", "ten"], "--steps: must be a positive integer, got 'ten'"),
        (["--seed", "x"], "--seed: must be an integer"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(main, capsys, args, match):
    with pytest.raises(SystemExit) as info:
        main(["demo", *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1


@needs_matplotlib
def test_unwritable_output_folder_gives_one_line_and_exit_2(tmp_path, main, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    assert main(["demo", "--out", str(blocker / "sub"), "--steps", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("autograd-lite demo: error: cannot write to the output folder")
    assert err.count("\n") == 1
    assert blocker.read_text() == "not a folder"


def test_missing_matplotlib_says_how_to_install_it(tmp_path, main, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import now fails
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)
    assert main(["demo", "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "pip install autograd-lite[plot]" in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()  # failed before training or writing


def _demo_installed():
    return any(
        ep.name == "demo" and ep.value == "nn.demo:register"
        for ep in entry_points(group="autograd_lite.commands")
    )


@pytest.mark.skipif(not _demo_installed(), reason="the package is not installed (pip install -e .)")
@needs_matplotlib
def test_python_m_autograd_lite_demo(tmp_path):
    """``python -m autograd_lite demo`` through the installed entry point, as a user runs it."""
    proc = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "demo", "--steps", "2", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "training accuracy:" in proc.stdout
    assert (tmp_path / "out" / "decision_boundary.png").read_bytes().startswith(PNG)
    assert (tmp_path / "out" / "loss.png").exists() and (tmp_path / "out" / "neuron.svg").exists()


@needs_matplotlib
def test_demo_writes_dot_source_without_graphviz(tmp_path, main, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `dot` on PATH
    out = tmp_path / "pictures"
    assert main(["demo", "--out", str(out), "--steps", "2", "--quiet"]) == 0
    assert "neuron.dot" in os.listdir(out) and "neuron.svg" not in os.listdir(out)
    assert (out / "neuron.dot").read_text().startswith("digraph")
    err = capsys.readouterr().err
    assert "apt" in err and "brew" in err and "conda" in err
