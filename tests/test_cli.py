"""The ``autograd-lite graph`` command, run as a user runs it: in a subprocess."""

import os
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_lite import Value, gradients

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def run(*args, cwd, path=None, command="graph"):
    """``python -m autograd_lite COMMAND ARGS`` with the package taken from this tree."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "autograd_lite", command, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def svg_texts(path):
    root = ET.parse(path).getroot()
    return [t.text for t in root.iter(f"{SVG}text")]


def svg_structure(path):
    """(sorted node texts per node title, sorted edge titles): independent of layout."""
    root = ET.parse(path).getroot()
    nodes, edges = {}, []
    for g in root.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title")
        if g.get("class") == "node":
            nodes[title.text] = [t.text for t in g.iter(f"{SVG}text")]
        elif g.get("class") == "edge":
            edges.append(title.text)
    return nodes, sorted(edges)


def test_graph_prints_value_and_gradients_and_writes_the_svg(tmp_path):
    r = run("exp(sin(x**2)) * y", "--at", "x=0.5", "y=2", "-o", "out.svg", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    x, y = Value(0.5), Value(2.0)
    f = (x**2).sin().exp() * y
    dx, dy = gradients(f, [x, y])
    lines = r.stdout.splitlines()
    assert lines[0] == f"f = {f.data:.10g}"
    assert lines[1] == f"df/dx = {dx:.10g}"
    assert lines[2] == f"df/dy = {dy:.10g}"
    assert lines[3] == "wrote out.svg"
    texts = svg_texts(tmp_path / "out.svg")
    for text in (
        "x",
        "y",
        "data 0.5",
        "data 2",
        f"grad {dx:.4g}",
        f"grad {dy:.4g}",
        "**2.0",
        "sin",
        "exp",
        "*",
        f"data {f.data:.4g}",
        "grad 1",
    ):
        assert text in texts


def test_default_output_is_graph_svg_in_the_current_directory(tmp_path):
    r = run("tanh(w*x + b)", "--at", "w=0.3", "x=-1", "b=0.1", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "wrote graph.svg" in r.stdout
    assert ET.parse(tmp_path / "graph.svg").getroot().tag == f"{SVG}svg"


def test_rankdir_no_grad_and_dot_output(tmp_path):
    r = run("x*x + 1", "--at", "x=3", "-o", "g.dot", "--rankdir", "TB", "--no-grad", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "df/dx = 6" in r.stdout  # still printed
    source = (tmp_path / "g.dot").read_text()
    assert "rankdir=TB" in source and "data 3" in source
    assert "| grad" not in source and "grad=" not in source


def test_png_and_pdf_outputs(tmp_path):
    assert run("x*2", "--at", "x=1", "-o", "g.png", cwd=tmp_path).returncode == 0
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert run("x*2", "--at", "x=1", "-o", "g.pdf", cwd=tmp_path).returncode == 0
    assert (tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")


def test_a_constant_expression_needs_no_variables(tmp_path):
    r = run("2 * 3 + 1", "-o", "c.dot", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:2] == ["f = 7", "wrote c.dot"]


def test_a_leading_minus_works_with_a_space(tmp_path):
    r = run(" -x*y", "--at", "x=2", "y=3", "-o", "g.dot", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:3] == ["f = -6", "df/dx = -3", "df/dy = -2"]


BAD = [
    (["__import__('os')", "-o", "g.svg"], "unknown function '__import__'"),
    (["__import__('os').system('touch hacked')"], "attribute access"),
    (["x.real", "--at", "x=1"], "attribute access"),
    (["(lambda: 1)()"], "lambda"),
    (["x[0]", "--at", "x=1"], "subscripts"),
    (["x < 1", "--at", "x=1"], "comparisons"),
    (["foo(x)", "--at", "x=1"], "unknown function 'foo'"),
    (["exp(x, x)", "--at", "x=1"], "takes exactly one argument"),
    (["x * y", "--at", "x=1"], "no value for y"),
    (["x * y"], "no value for x, y"),
    (["x", "--at", "x"], "malformed --at 'x'"),
    (["x", "--at", "x=abc"], "'abc' is not a number"),
    (["x", "--at", "x=nan"], "finite"),
    (["x", "--at", "x=1", "x=2"], "twice"),
    (["x", "--at", "x=1", "z=2"], "--at gives z"),
    (["log(x)", "--at", "x=-1"], r"log() of -1.0 is undefined"),
    (["log(-1)"], r"log() of -1.0 is undefined"),
    (["10**10**10"], "overflows"),
    (["1 / (x - 1)", "--at", "x=1"], "division"),
    (["x +", "--at", "x=1"], "invalid expression"),
    (["x\n+ y", "--at", "x=1", "y=1"], "invalid expression"),
    (["", "--at", "x=1"], "empty expression"),
    (["x+" * 6000 + "x"], "too long"),
    (["(" * 300 + "x" + ")" * 300, "--at", "x=1"], "nested"),
    ([" " + "-" * 4000 + "x", "--at", "x=1"], "nested too deeply"),
    (["x", "--at", "x=1", "-o", "g.jpg"], "unknown file suffix '.jpg'"),
    (["x", "--at", "x=1", "-o", "no-such-dir/g.svg"], "No such file or directory"),
    (["x", "--at", "x=1", "-o", "a-directory.svg"], "a-directory.svg"),
    (["x", "--at", "x=1", "--rankdir", "XY"], "invalid choice"),
    (
        ["+".join(["x"] * 300), "--at", "x=1", "--max-nodes", "100"],
        "the graph has 300 nodes, more than --max-nodes 100; pass --max-nodes 300",
    ),
    (
        ["+".join(["x*y"] * 187), "--at", "x=1", "y=2"],
        "375 nodes and 746 edges, more than twice --max-nodes 500 together",
    ),
]


@pytest.mark.parametrize(
    "args, message", BAD, ids=[repr(a[0][:30]) + " " + " ".join(a[1:])[:40] for a, _ in BAD]
)
def test_bad_input_is_one_line_on_stderr_and_exit_status_2(tmp_path, args, message):
    (tmp_path / "a-directory.svg").mkdir()
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert r.stderr.endswith("\n") and len(r.stderr.splitlines()) == 1, r.stderr
    assert r.stderr.startswith("autograd-lite")
    assert message in r.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["a-directory.svg"]  # nothing written, no temporary left
    assert list((tmp_path / "a-directory.svg").iterdir()) == []


def test_without_graphviz_an_image_is_one_line_with_the_install_commands(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    r = run("x*x", "--at", "x=2", "-o", "g.svg", cwd=tmp_path, path=str(empty))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and len(r.stderr.splitlines()) == 1
    assert "apt-get install graphviz" in r.stderr and "brew install graphviz" in r.stderr
    assert "conda install" in r.stderr
    assert not (tmp_path / "g.svg").exists()
    r = run("x*x", "--at", "x=2", "-o", "g.dot", cwd=tmp_path, path=str(empty))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "g.dot").read_text().startswith("digraph")


def test_the_readme_picture_is_what_the_readme_command_makes(tmp_path):
    readme = (ROOT / "README.md").read_text()
    [line] = [ln for ln in readme.splitlines() if ln.startswith("autograd-lite graph ")]
    args = shlex.split(line)[2:]
    picture = ROOT / args[args.index("-o") + 1]
    assert f"]({args[args.index('-o') + 1]})" in readme  # the README shows that picture
    args[args.index("-o") + 1] = str(tmp_path / picture.name)
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert svg_structure(tmp_path / picture.name) == svg_structure(picture)


# --------------------------------------------------------------------- check
def test_check_passes_and_prints_the_report(capsys):
    from autograd_lite import cli

    assert cli.main(["check", "x**y + log(sigmoid(x))", "--at", "x=1.5", "y=0.5", "--order", "2"]) == 0
    out = capsys.readouterr().out
    assert "6 ok" in out and "d2f/dxdy" in out and "df/dy" in out


def test_check_exits_1_when_a_rule_is_wrong(capsys, mutate):
    from autograd_lite import cli

    mutate("tanh", "1.0 + out * out")
    assert cli.main(["check", "tanh(x) * y", "--at", "x=0.3", "y=2"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out.upper() and "df/dx" in out


def test_check_reports_a_kink(capsys):
    from autograd_lite import cli

    assert cli.main(["check", "relu(x)", "--at", "x=0"]) == 0
    assert "near a non-differentiable point" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["log(x)", "--at", "x=-1"],
        ["3"],
        ["x*y", "--at", "x=1"],
        ["x", "--at", "x=1", "--order", "3"],
        ["__import__('os')"],
    ],
)
def test_check_bad_input_is_one_line_and_exit_2(argv, tmp_path):
    r = run(*argv, cwd=tmp_path, command="check")
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_check_from_the_command_line(tmp_path):
    r = run("sin(x) * y", "--at", "x=0.5", "y=2", cwd=tmp_path, command="check")
    assert r.returncode == 0 and "2 ok" in r.stdout and r.stderr == ""
