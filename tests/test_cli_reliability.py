"""The command line under hostile input: checks before output, identifier names, cost, plugins."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd, extra_path=(), timeout=120):
    """``python -m autograd_lite ARGS`` in ``cwd`` with this tree (and ``extra_path``) importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [*map(str, extra_path), str(ROOT), env.get("PYTHONPATH")])
    )
    return subprocess.run(
        [sys.executable, "-m", "autograd_lite", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_error(r, *fragments):
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert r.stderr.endswith("\n") and len(r.stderr.splitlines()) == 1, r.stderr
    assert r.stderr.startswith("autograd-lite")
    for fragment in fragments:
        assert fragment in r.stderr, r.stderr


# ------------------------------------------------------- every check before any output


@pytest.mark.parametrize(
    "args, message",
    [
        (["x*y", "--at", "x=1", "y=2", "-o", "no-such-dir/g.svg"], "no-such-dir/g.svg"),
        (["x*y", "--at", "x=1", "y=2", "-o", "a-file/g.svg"], "Not a directory"),
        (["x*y", "--at", "x=1", "y=2", "-o", "a-directory.dot"], "Is a directory"),
        (["+".join(["x"] * 30), "--at", "x=1", "--max-nodes", "10", "-o", "g.dot"], "--max-nodes 30"),
    ],
    ids=["missing folder", "file as folder", "directory as output", "node limit"],
)
def test_graph_prints_nothing_when_a_check_fails(tmp_path, args, message):
    (tmp_path / "a-directory.dot").mkdir()
    (tmp_path / "a-file").write_text("")
    r = run("graph", *args, cwd=tmp_path)
    assert_one_line_error(r, message)
    assert r.stdout == ""  # the value used to be printed first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-directory.dot", "a-file"]


def test_graph_without_graphviz_prints_nothing(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    env = dict(
        os.environ,
        PATH=str(empty),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    r = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "graph", "x*x", "--at", "x=2", "-o", "g.svg"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_one_line_error(r, "apt-get install graphviz")
    assert r.stdout == ""


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder_is_refused_before_any_output(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        r = run("graph", "x", "--at", "x=1", "-o", "locked/g.dot", cwd=tmp_path)
    finally:
        locked.chmod(0o700)
    assert_one_line_error(r, "locked/g.dot")
    assert r.stdout == ""


def test_the_output_goes_through_a_symlink(tmp_path):
    (tmp_path / "pictures").mkdir()
    (tmp_path / "latest.dot").symlink_to(tmp_path / "pictures" / "g.dot")
    r = run("graph", "x*x", "--at", "x=3", "-o", "latest.dot", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["f = 9", "df/dx = 6", "wrote latest.dot"]
    assert (tmp_path / "latest.dot").is_symlink()
    assert (tmp_path / "pictures" / "g.dot").read_text().startswith("digraph")


# ------------------------------------------------------------ --at names as identifiers


@pytest.mark.parametrize("command", ["graph", "check"])
def test_at_names_are_normalized_like_identifiers(tmp_path, command):
    extra = ["-o", "g.dot"] if command == "graph" else []
    # a full-width x and the ligature "ﬁ" (U+FB01) name the variables x and fi
    r = run(command, "x * fi", "--at", "\uff58=2", "\ufb01=3", *extra, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    if command == "graph":
        assert r.stdout.splitlines()[:3] == ["f = 6", "df/dx = 3", "df/dfi = 2"]
    # the expression's own names are normalized by Python's parser in the same way
    r = run(command, "\uff58 * 2", "--at", "x=5", *extra, cwd=tmp_path)
    assert r.returncode == 0, r.stderr


def test_a_name_given_twice_after_normalization_is_refused(tmp_path):
    r = run("graph", "x", "--at", "x=1", "\uff58=2", "-o", "g.dot", cwd=tmp_path)
    assert_one_line_error(r, "--at gives 'x' twice")
    assert r.stdout == ""


# ----------------------------------------------------------------- the cost of check


def _many(n):
    expr = "+".join(f"x{i}*x{(i + 1) % n}" for i in range(n))
    return expr, [f"x{i}={(i % 7 + 1) / 8}" for i in range(n)]


@pytest.mark.parametrize(
    "order, shape", [("1", "(variables x nodes)"), ("2", "(variables x (nodes + variables))")]
)
def test_check_refuses_a_costly_check_at_once_and_says_how_to_proceed(tmp_path, order, shape):
    expr, at = _many(800)
    r = run("check", expr, "--order", order, "--at", *at, cwd=tmp_path, timeout=120)
    assert_one_line_error(
        r,
        f"--order {order} on 800 variables and 2399 nodes is ",
        shape,
        "more than --max-work 1,000,000",
        "check fewer variables",
        "or pass --max-work ",
    )
    assert ("or --order 1" in r.stderr) == (order == "2")
    assert r.stdout == ""


def test_max_work_lets_a_check_run(tmp_path):
    expr, at = _many(12)
    r = run("check", expr, "--order", "2", "--at", *at, "--max-work", "300", cwd=tmp_path)
    assert_one_line_error(r, "is 564 units of work", "pass --max-work 564")
    r = run("check", expr, "--order", "2", "--at", *at, "--max-work", "564", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "d2f/dx11dx11" in r.stdout
    r = run("check", expr, "--at", *at, "--max-work", "0", cwd=tmp_path)
    assert_one_line_error(r, "--max-work must be a positive integer")


# ------------------------------------------------------------------------- plugins


def test_a_local_nn_py_does_not_break_the_built_in_commands(tmp_path):
    (tmp_path / "nn.py").write_text("raise RuntimeError('my own homework')\n")
    r = run("graph", "x*y", "--at", "x=1", "y=2", "-o", "g.dot", cwd=tmp_path)
    assert r.returncode == 0, r.stderr  # used to be a 22-line traceback
    assert r.stdout.splitlines()[0] == "f = 2"
    r = run("check", "x*y", "--at", "x=1", "y=2", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = run("--help", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "graph" in r.stdout and "check" in r.stdout and "demo" in r.stdout
    assert "unavailable" in r.stdout
    r = run("demo", cwd=tmp_path)
    assert_one_line_error(
        r,
        "autograd-lite demo: error: the command could not be loaded from nn.demo:register",
        "my own homework",
        f"the file {str(tmp_path / 'nn.py')!r} hides the installed package 'nn'",
    )


def test_a_local_nn_py_that_imports_is_named_too(tmp_path):
    (tmp_path / "nn.py").write_text("weights = [1, 2, 3]\n")
    r = run("demo", "--steps", "1", cwd=tmp_path)
    assert_one_line_error(r, "No module named 'nn.demo'", "hides the installed package 'nn'")
    assert r.stdout == ""


def _install_plugins(where: Path, plugins: dict) -> Path:
    """A fake installed distribution whose entry points are ``plugins`` (name -> module source)."""
    site = where / "site"
    info = site / "fakeplugins-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeplugins\nVersion: 1.0\n")
    lines = ["[autograd_lite.commands]"]
    for name, source in plugins.items():
        (site / f"plugin_{name}.py").write_text(textwrap.dedent(source))
        lines.append(f"{name} = plugin_{name}:register")
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    return site


PLUGINS = {
    "broken": "raise RuntimeError('plugin bug\\non two lines')\n",
    "halfway": """
        def register(sub):
            sub.add_parser("halfway", help="fails after adding its parser")
            raise KeyError("late")
    """,
    "exits": "import sys\nsys.exit('bye')\n",
    "hello": """
        def register(sub):
            p = sub.add_parser("hello", help="says hello")
            p.add_argument("--name", default="world")
            p.set_defaults(func=lambda args: print("hello", args.name) or 0)
    """,
}


def test_broken_plugins_are_isolated(tmp_path):
    site = _install_plugins(tmp_path, PLUGINS)
    r = run("graph", "x", "--at", "x=1", "-o", "g.dot", cwd=tmp_path, extra_path=[site])
    assert r.returncode == 0, r.stderr
    r = run("--help", cwd=tmp_path, extra_path=[site])
    assert r.returncode == 0, r.stderr
    for name in ("graph", "check", "demo", "broken", "halfway", "exits", "hello"):
        assert name in r.stdout
    r = run("hello", "--name", "you", cwd=tmp_path, extra_path=[site])
    assert (r.returncode, r.stdout) == (0, "hello you\n"), r.stderr
    r = run("broken", "--anything", "x", cwd=tmp_path, extra_path=[site])
    assert_one_line_error(
        r, "autograd-lite broken: error:", "plugin_broken:register", "RuntimeError: plugin bug on two lines"
    )
    r = run("halfway", cwd=tmp_path, extra_path=[site])
    assert_one_line_error(r, "autograd-lite halfway: error:", "KeyError: 'late'")
    r = run("exits", cwd=tmp_path, extra_path=[site])
    assert_one_line_error(r, "autograd-lite exits: error:", "SystemExit: bye")


def test_the_demo_plugin_still_loads(tmp_path):
    r = run("demo", "--help", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "--steps" in r.stdout
