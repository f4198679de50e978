"""The ``autograd-lite steps`` command, run as a user runs it: in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def steps(*args, cwd, path=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "autograd_lite", "steps", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_writes_a_page_a_gif_and_one_step(tmp_path):
    done = steps("tanh(w*x + b) * x", "--at", "w=-0.8", "x=2", "b=0.1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "f = -1.810296507"
    assert "df/dx = -1.194278876" in done.stdout and "wrote steps.html (7 steps over 7 nodes)" in done.stdout
    page = (tmp_path / "steps.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and 'type=\\"range\\"' in page  # made by its script
    assert steps("x*x + x", "--at", "x=1.5", "-o", "a.gif", cwd=tmp_path).returncode == 0
    PIL = pytest.importorskip("PIL.Image")
    assert PIL.open(tmp_path / "a.gif").n_frames == 5  # 4 steps (edges) and the start
    done = steps("x*x + x", "--at", "x=1.5", "-o", "k.svg", "--step", "1", cwd=tmp_path)
    assert done.returncode == 0 and 'class="edge hot"' in (tmp_path / "k.svg").read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["x*", "--at", "x=1"], "invalid expression"),
        (["__import__('os')", "--at", "x=1"], "unknown function '__import__'"),
        (["x*y", "--at", "x=1"], "no value for y"),
        (["x", "--at", "x=1", "-o", "s.txt"], "unknown file suffix '.txt'"),
        (
            ["x*x", "--at", "x=1", "--step", "5"],
            "--step 5 is out of range: this backward pass has steps 0 to 1",
        ),
        (["x*x", "--at", "x=1", "--timeout", "0"], "timeout must be a positive number"),
        (["+".join(["x"] * 300), "--at", "x=1"], "more than --max-nodes 200"),
        (["log(x)", "--at", "x=-1"], "log"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2_with_nothing_written(tmp_path, args, message):
    done = steps(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("autograd-lite steps: error: ") and message in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_without_graphviz_it_says_how_to_install_it(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    done = steps("x*x", "--at", "x=1", cwd=tmp_path, path=str(empty))
    assert done.returncode == 2 and "apt-get install graphviz" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["bin"]
