"""Pictures of computation graphs: draw_graph and render."""

import errno
import math
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter

import graphviz
import pytest

import autograd_lite as al
from autograd_lite import Value, _graphviz, draw_graph, render, topological_order, viz
from autograd_lite.viz import GraphTooLargeError, GraphvizError, GraphvizNotFoundError

SVG = "{http://www.w3.org/2000/svg}"


def network():
    """A neuron with named parameters, a constant leaf, a reused node and a relu kink."""
    x1, x2 = Value(0.1, label="x1"), Value(0.3)  # a labelled input and a bare one
    w0, w1 = Value(0.4, label="layers.0.w.0"), Value(-0.2, label="layers.0.w.1")
    b = Value(0.05, label="layers.0.b")
    z = al.dot([w0, w1], [x1, x2], bias=b)
    h = z.tanh()
    dead = (h - 5.0).relu()  # relu of a negative: grad 0 behind it
    loss = h * h + dead * 3.0 + h.exp() / 2.0
    loss.backward()
    return loss, {"x1": x1, "x2": x2, "w0": w0, "w1": w1, "b": b, "z": z, "h": h, "dead": dead}


def svg_nodes_and_edges(path):
    """{title: [texts]} for every node group and a Counter of edge titles."""
    root = ET.parse(path).getroot()
    nodes, edges = {}, Counter()
    for g in root.iter(f"{SVG}g"):
        cls = g.get("class")
        if cls not in ("node", "edge"):
            continue
        title = g.find(f"{SVG}title").text
        if cls == "node":
            nodes[title] = [t.text.strip() for t in g.iter(f"{SVG}text") if t.text]
        else:
            edges[title] += 1
    return nodes, edges


_LINE = re.compile(r"^\s*(\S+)(?: -> (\S+))?(?: \[(.*)\])?$")
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def dot_items(digraph):
    """{node id or (tail, head, k): {attr: value}} from a Digraph's body lines."""
    items, seen = {}, Counter()
    for line in digraph.body:
        m = _LINE.match(line)
        assert m, line
        a, b, attrs = m.groups()
        parsed = {k: v.strip('"') for k, v in _ATTR.findall(attrs or "")}
        if b is None:
            items[a] = parsed
        else:
            seen[a, b] += 1
            items[a, b, seen[a, b]] = parsed
    return items


def changed(before, after):
    assert before.keys() == after.keys()
    return {k for k in before if before[k] != after[k]}


# ------------------------------------------------------------------- SVG


def test_svg_shows_every_node_with_label_data_grad_and_edges_connect_the_right_nodes(tmp_path):
    loss, v = network()
    path = render(loss, tmp_path / "net.svg")
    assert path == tmp_path / "net.svg"
    nodes, edges = svg_nodes_and_edges(path)
    order = topological_order(loss)
    index = {n: i for i, n in enumerate(order)}
    expected_edges = Counter()
    for i, n in enumerate(order):
        texts = nodes[f"v{i}"]
        if n.label is not None:
            assert n.label in texts
        assert f"data {n.data:.4g}" in texts
        assert f"grad {n.grad:.4g}" in texts
        if n.parents:
            assert nodes[f"op{i}"] == [n.op]
            for p in n.parents:
                expected_edges[f"v{index[p]}->op{i}"] += 1
            expected_edges[f"op{i}->v{i}"] += 1
    assert set(nodes) == {f"v{i}" for i in range(len(order))} | {
        f"op{i}" for i, n in enumerate(order) if n.parents
    }
    assert edges == expected_edges
    # the named parameters are readable and the fused dot is one op node with 5 inputs
    assert nodes[f"v{index[v['w1']]}"] == ["layers.0.w.1", "data -0.2", f"grad {v['w1'].grad:.4g}"]
    assert nodes[f"op{index[v['z']]}"] == ["dot"]
    assert sum(c for e, c in edges.items() if e.endswith(f"->op{index[v['z']]}")) == 5


def test_svg_of_the_worked_example_has_exact_numbers(tmp_path):
    x = Value(0.5, label="x")
    y = (x**2).sin().exp()
    y.backward()
    nodes, edges = svg_nodes_and_edges(render(y, tmp_path / "y.svg"))
    assert nodes["v0"] == ["x", "data 0.5", "grad 1.241"]
    assert nodes["op1"] == ["**2.0"] and nodes["op2"] == ["sin"] and nodes["op3"] == ["exp"]
    assert nodes["v3"] == ["v3", "data 1.281", "grad 1"]  # exp(sin(0.25))
    assert edges == Counter(
        {"v0->op1": 1, "op1->v1": 1, "v1->op2": 1, "op2->v2": 1, "v2->op3": 1, "op3->v3": 1}
    )


def test_digits_and_show_grad(tmp_path):
    x = Value(1 / 3, label="x")
    y = x * 3.0
    y.backward()
    nodes, _ = svg_nodes_and_edges(render(y, tmp_path / "a.svg", digits=2))
    assert nodes["v0"] == ["x", "data 0.33", "grad 3"]
    nodes, _ = svg_nodes_and_edges(render(y, tmp_path / "b.svg", show_grad=False))
    assert nodes["v0"] == ["x", "data 0.3333"]
    assert not any("grad" in t for texts in nodes.values() for t in texts)


def test_labels_with_record_and_quote_characters_are_drawn_literally(tmp_path):
    odd = 'w{0}|<a>\\"b"'
    x = Value(2.0, label=odd)
    y = x.tanh()
    y.backward()
    nodes, _ = svg_nodes_and_edges(render(y, tmp_path / "odd.svg"))
    assert nodes["v0"][0] == odd


def test_png_and_pdf_signatures(tmp_path):
    loss, _ = network()
    png = render(loss, tmp_path / "g.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pdf = render(loss, tmp_path / "g.PDF").read_bytes()
    assert pdf.startswith(b"%PDF")


def test_dot_and_gv_write_the_source(tmp_path):
    loss, _ = network()
    for name in ("g.dot", "g.gv"):
        text = render(loss, tmp_path / name, rankdir="TB").read_text()
        assert text == draw_graph(loss, rankdir="TB").source
        assert "rankdir=TB" in text


def test_dot_source_is_reproducible_for_the_same_graph():
    a, _ = network()
    b, _ = network()
    assert draw_graph(a).source == draw_graph(b).source


def test_render_accepts_a_digraph_and_rejects_options_with_it(tmp_path):
    loss, _ = network()
    g = draw_graph(loss, rankdir="TB")
    assert render(g, tmp_path / "g.dot").read_text() == g.source
    with pytest.raises(TypeError, match="apply only when rendering a Value"):
        render(g, tmp_path / "h.dot", rankdir="LR")
    with pytest.raises(TypeError, match="needs a Value or a graphviz graph, got int"):
        render(3, tmp_path / "i.dot")
    assert not (tmp_path / "h.dot").exists() and not (tmp_path / "i.dot").exists()


# --------------------------------------------------- kinds, highlight, colour


def test_leaves_parameters_and_intermediates_look_different():
    loss, v = network()
    index = {n: i for i, n in enumerate(topological_order(loss))}
    items = dot_items(draw_graph(loss))

    def look(name):
        a = items[f"v{index[v[name]]}"]
        return a["shape"], a["fillcolor"], a.get("penwidth")

    leaf, param, inner = look("x2"), look("w0"), look("z")
    assert len({leaf, param, inner}) == 3
    assert look("w1") == look("b") == look("x1") == param  # every labelled leaf
    assert look("h") == inner


def test_highlight_changes_exactly_the_given_nodes_and_edges():
    loss, v = network()
    index = {n: i for i, n in enumerate(topological_order(loss))}
    before = dot_items(draw_graph(loss))
    after = dot_items(draw_graph(loss, highlight=[v["z"], v["w0"]], highlight_edges=[(v["w1"], v["z"])]))
    iz, iw0, iw1 = index[v["z"]], index[v["w0"]], index[v["w1"]]
    assert changed(before, after) == {f"v{iz}", f"v{iw0}", (f"v{iw1}", f"op{iz}", 1)}
    for key in changed(before, after):
        assert after[key]["color"] == after[f"v{iz}"]["color"] != before[f"v{iz}"].get("color")
        assert float(after[key]["penwidth"]) > float(before[key].get("penwidth", 1))


def test_highlighting_a_reused_edge_marks_both_copies():
    x = Value(3.0, label="x")
    y = x * x
    after = dot_items(draw_graph(y, highlight_edges=[(x, y)]))
    before = dot_items(draw_graph(y))
    assert changed(before, after) == {("v0", "op1", 1), ("v0", "op1", 2)}


def test_highlight_outside_the_graph_is_an_error():
    loss, v = network()
    stranger = Value(1.0)
    with pytest.raises(ValueError, match="not in the graph"):
        draw_graph(loss, highlight=[stranger])
    with pytest.raises(ValueError, match="not an edge of the graph"):
        draw_graph(loss, highlight_edges=[(v["x1"], v["h"])])  # x1 feeds z, not h
    with pytest.raises(ValueError, match="pairs"):
        draw_graph(loss, highlight_edges=[v["x1"]])


def _rgb(color):
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def test_grad_colour_scale_changes_only_value_fills_and_is_monotone_in_abs_grad():
    loss, v = network()
    order = topological_order(loss)
    before = dot_items(draw_graph(loss))
    after = dot_items(draw_graph(loss, color_by_grad=True))
    diff = changed(before, after)
    assert diff and all(isinstance(k, str) and k.startswith("v") for k in diff)
    for k in diff:  # only the fill (and the font colour on dark fills) change
        changed_attrs = {a for a in after[k] if after[k][a] != before[k].get(a)}
        assert changed_attrs <= {"fillcolor", "fontcolor"}
    fills = {n: _rgb(after[f"v{i}"]["fillcolor"]) for i, n in enumerate(order)}
    behind_relu = v["dead"].parents[0]  # h - 5 < 0: relu passes no gradient
    assert behind_relu.grad == 0.0 and fills[behind_relu] == (255, 255, 255)
    biggest = max(order, key=lambda n: abs(n.grad))
    for a in order:
        for b in order:
            if abs(a.grad) < abs(b.grad):  # less green: redder: more |grad|
                assert fills[a][1] >= fills[b][1]
                if abs(a.grad) < 0.8 * abs(b.grad):  # clearly apart (8-bit colours)
                    assert fills[a][1] > fills[b][1]
            elif abs(a.grad) == abs(b.grad):
                assert fills[a] == fills[b]
    assert fills[biggest] == min(fills.values(), key=lambda c: c[1])


def test_grads_and_pending_draw_a_step_of_backward_without_touching_grad(tmp_path):
    x = Value(0.5, label="x")
    h = x.tanh()
    y = h * 2.0
    for n in (x, h, y):
        n.grad = 123.0  # must not be what is shown
    g = draw_graph(y, grads={y: 1.0, h: 2.0}, pending={x})
    nodes, _ = svg_nodes_and_edges(render(g, tmp_path / "step.svg"))
    assert nodes["v2"] == ["v2", "data 0.9242", "grad 1"]
    assert nodes["v1"] == ["v1", "data 0.4621", "grad 2"]
    assert nodes["v0"] == ["x", "data 0.5", "grad ?"]
    items = dot_items(g)
    assert "dashed" in items["v0"]["style"] and "dashed" not in items["v1"]["style"]
    assert x.grad == h.grad == y.grad == 123.0
    nodes, _ = svg_nodes_and_edges(render(draw_graph(y, grads={}), tmp_path / "zero.svg"))
    assert nodes["v0"][-1] == "grad 0"  # missing from grads: 0


# ------------------------------------------------------------ node limit


def chain(n):
    x = Value(1.0, label="x")
    y = x
    for _ in range(n - 1):
        y = y * 1.0
    return y


def test_node_limit_says_how_many_and_how_to_raise_it():
    y = chain(600)
    with pytest.raises(GraphTooLargeError) as info:
        draw_graph(y)
    msg = str(info.value)
    assert "600 nodes" in msg and "max_nodes=500" in msg and "max_nodes=600" in msg
    assert isinstance(info.value, ValueError)
    assert (info.value.nodes, info.value.limit) == (600, 500)
    assert len(topological_order(y)) == 600
    draw_graph(y, max_nodes=600)  # exactly at the limit is fine
    draw_graph(y, max_nodes=None)
    with pytest.raises(GraphTooLargeError, match="max_nodes=10"):
        render(chain(11), "never.svg", max_nodes=10)
    assert not os.path.exists("never.svg")


@pytest.mark.parametrize(
    "option, bad", [("rankdir", "XY"), ("digits", 0), ("digits", 2.5), ("max_nodes", 0), ("max_nodes", True)]
)
def test_bad_options_are_value_errors(option, bad):
    with pytest.raises(ValueError, match=option):
        draw_graph(Value(1.0), **{option: bad})


def test_draw_graph_needs_a_value():
    with pytest.raises(TypeError, match="draw_graph\\(\\) needs a Value, got float"):
        draw_graph(1.0)


# ---------------------------------------------------- files and Graphviz


def test_unknown_suffix_is_a_clear_error(tmp_path):
    for name in ("g.jpg", "g"):
        with pytest.raises(ValueError, match="unknown file suffix .*use one of .svg, .png, .pdf, .dot, .gv"):
            render(Value(1.0), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def hide_dot(monkeypatch, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_missing_graphviz_gives_the_install_commands_and_dot_still_works(tmp_path, monkeypatch):
    loss, _ = network()
    hide_dot(monkeypatch, tmp_path)
    for name in ("g.svg", "g.png", "g.pdf"):
        with pytest.raises(GraphvizNotFoundError) as info:
            render(loss, tmp_path / name)
        msg = str(info.value)
        assert "Graphviz" in msg and "not found" in msg
        assert "apt-get install graphviz" in msg and "brew install graphviz" in msg
        assert "conda install -c conda-forge graphviz" in msg
        assert "\n" not in msg and isinstance(info.value, OSError)
    assert render(loss, tmp_path / "g.dot").read_text() == draw_graph(loss).source
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty-bin", "g.dot"]


def test_graphvizs_own_not_found_error_is_converted(tmp_path, monkeypatch):
    hide_dot(monkeypatch, tmp_path)
    monkeypatch.setattr(_graphviz.shutil, "which", lambda name: "/somewhere/dot")  # a stale lookup
    with pytest.raises(GraphvizNotFoundError, match="brew install graphviz"):
        render(Value(1.0), tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()


def test_a_failing_dot_is_a_one_line_graphviz_error(tmp_path):
    bad = graphviz.Source("digraph { a -> }")
    with pytest.raises(GraphvizError) as info:
        render(bad, tmp_path / "g.svg")
    assert "\n" not in str(info.value) and "g.svg" in str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("failure", [OSError(errno.EIO, "disk on fire"), KeyboardInterrupt()])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch, failure):
    target = tmp_path / "g.svg"
    target.write_text("old picture")

    def broken_replace(src, dst):
        raise failure

    monkeypatch.setattr(viz.os, "replace", broken_replace)
    with pytest.raises(type(failure)) as info:
        render(Value(1.0), target)
    if isinstance(failure, OSError):
        assert "g.svg" in str(info.value) and "disk on fire" in str(info.value)
    assert target.read_text() == "old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["g.svg"]


def test_writing_replaces_an_old_file_and_is_readable_by_others(tmp_path):
    target = tmp_path / "g.dot"
    target.write_text("old")
    render(Value(1.0), target)
    assert target.read_text().startswith("digraph")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_unwritable_targets_are_os_errors_naming_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="no-such-dir"):
        render(Value(1.0), tmp_path / "no-such-dir" / "g.svg")
    (tmp_path / "d.svg").mkdir()
    with pytest.raises(OSError, match="d.svg"):
        render(Value(1.0), tmp_path / "d.svg")
    assert [p.name for p in tmp_path.iterdir()] == ["d.svg"]


def test_jupyter_shows_the_digraph_inline_as_svg():
    formatters = pytest.importorskip("IPython.core.formatters")
    x = Value(0.5, label="x")
    y = x.exp()
    y.backward()
    data, _ = formatters.DisplayFormatter().format(draw_graph(y))
    assert "image/svg+xml" in data
    svg = ET.fromstring(data["image/svg+xml"].encode())
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "x" in texts and "exp" in texts and f"data {math.exp(0.5):.4g}" in texts
