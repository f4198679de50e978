"""Pictures of a backward pass: stable frames, names that match tables, fit, limits, fallbacks, exports."""

import math
import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest

import autograd_lite as al
from autograd_lite import Value, _graphviz, draw_graph, trace_backward, trace_forward
from autograd_lite._export import frame_pictures
from autograd_lite.viz import GraphTooLargeError, GraphvizTimeoutError, render

SVG = "{http://www.w3.org/2000/svg}"


def neuron():
    x, w, b = Value(2.0, label="x"), Value(-0.8, label="w"), Value(0.1, label="b")
    f = (w * x + b).tanh() * x
    return x, w, b, f


def geometry(svg_bytes):
    """node title -> every coordinate of its shapes and texts; and node title -> its texts."""
    root = ET.fromstring(svg_bytes)
    shapes, texts = {}, {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        title = g.find(f"{SVG}title").text
        coords = []
        for el in g.iter():
            tag = el.tag.replace(SVG, "")
            if tag in ("polygon", "polyline"):
                coords.append(("points", el.get("points")))
            elif tag == "path":
                coords.append(("d", el.get("d")))
            elif tag == "ellipse":
                coords.append(("ellipse", el.get("cx"), el.get("cy"), el.get("rx"), el.get("ry")))
            elif tag == "text":
                coords.append(("text", el.get("x"), el.get("y")))
        shapes[title] = coords
        texts[title] = [t.text for t in g.iter(f"{SVG}text") if t.text]
    return shapes, texts


def test_every_frame_keeps_every_node_where_the_first_put_it():
    x = Value(0.7, label="x")
    h = (x * x).tanh()
    y = al.sum([h * h, x * 3.0, al.dot([h, x], [x, x], bias=h)])
    trace = trace_backward(y)
    pictures = frame_pictures(trace, range(-1, len(trace)), "svg")
    assert len(pictures) == len(trace) + 1
    first, _ = geometry(pictures[0])
    seen_texts = set()
    for p in pictures:
        shapes, texts = geometry(p)
        assert shapes == first  # same boxes, same text positions: nothing moves
        seen_texts.add(repr(sorted(texts.items())))
    assert len(seen_texts) == len(pictures)  # ...while the numbers change at every step
    # the same holds for the Digraphs of trace.frame: every node pinned at the same place
    pinned = {
        re.sub(r"label=\S+", "", line)
        for k in range(-1, len(trace))
        for line in trace.frame(k).body
        if "pos=" in line and "->" not in line
    }
    positions = [re.search(r'^\s*(\w+) .*pos="([^"]+)"', line).groups() for line in pinned]
    assert len(dict(positions)) == len(set(positions))  # one position per node over all frames


def test_boxes_are_sized_for_the_widest_number_they_will_show():
    x = Value(0.123456789, label="x")
    y = (x * 3.0 + x * 7.0).exp()  # x's grad grows from 0 to a long number over the steps
    trace = trace_backward(y)
    layout = trace.layout(digits=8)
    last = trace.frame(len(trace) - 1, digits=8)
    assert layout.nodes["v0"] == trace.layout(digits=8).nodes["v0"]  # computed once, cached
    width = float(layout.nodes["v0"][1]) * 72
    text = f"grad {trace.grads[x]:.8g}\u2026"
    assert width >= 6 * len(text)  # Helvetica 11 pt: at least ~6 pt per character
    assert "grad" in "".join(last.body)


def test_every_node_a_table_names_is_named_in_the_picture():
    *_, f = neuron()
    trace = trace_backward(f)
    forward = trace_forward(f)
    names = (
        {s.name for s in forward}
        | {trace.names[s.node] for s in trace}
        | {trace.names[s.parent] for s in trace}
    )
    assert {"v2", "v4", "v5", "v6", "x", "w", "b"} <= names
    for picture in (frame_pictures(trace, [-1, 3], "svg")[1], draw_graph(f).pipe_svg().encode()):
        _, texts = geometry(picture)
        shown = {t[0] for t in texts.values()}
        assert names <= shown


def test_a_small_graph_is_drawn_left_to_right_and_a_wide_one_top_to_bottom():
    *_, f = neuron()
    assert draw_graph(f).graph_attr["rankdir"] == "LR"
    x = Value(0.5, label="x")
    y = x
    for _ in range(30):
        y = (y * 1.01).tanh()
    assert draw_graph(y).graph_attr["rankdir"] == "TB"
    assert draw_graph(y, rankdir="LR").graph_attr["rankdir"] == "LR"
    assert trace_backward(y).layout().rankdir == "TB"


def test_pictures_scale_to_their_container_and_keep_text_readable():
    *_, f = neuron()
    f.backward()
    bundle = draw_graph(f)._repr_mimebundle_()
    html = bundle["text/html"]
    # an image (it survives the HTML cleaning of an untrusted notebook) that scales with the output
    assert html.count("<img ") == 1 and "<svg" not in html and "data:image/svg+xml;base64," in html
    assert "width:100%" in html and "height:auto" in html
    natural = int(re.search(r"max-width:(\d+)px", html).group(1))
    smallest = int(re.search(r"min-width:(\d+)px", html).group(1))
    # at the smallest width the 11 pt text is still 9 px tall
    view_w = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', bundle["image/svg+xml"]).group(1))
    assert 11 * smallest / view_w >= 9 - 0.05 and natural >= smallest
    assert bundle["image/svg+xml"].startswith("<svg")
    # the inline SVG the stepper's script shows: scales too, and its links are not underlined
    inline = draw_graph(f).fitted_svg()
    assert 'width="100%"' in inline and "viewBox" in inline and "text-decoration:none" in inline


def test_highlight_stays_visible_on_red_fills():
    x, w, b, f = neuron()
    f.backward()
    plain = next(line for line in draw_graph(f, highlight=[w]).body if 'label="w |' in line)
    red = next(line for line in draw_graph(f, highlight=[w], color_by_grad=True).body if 'label="w |' in line)
    assert 'color="#d62728"' in plain
    assert 'color="#1f5fbf"' in red and "penwidth=3" in red


def test_the_limit_counts_edges_and_stops_walking_early(monkeypatch):
    x = Value(0.5, label="x")
    many = al.sum([x] * 1001)  # 2 nodes, 1001 edges
    with pytest.raises(GraphTooLargeError, match=r"2 nodes and 1001 edges.*edges count as well"):
        draw_graph(many)
    assert draw_graph(many, max_nodes=600) is not None
    # a huge graph is refused after a bounded walk, before any trace is built
    y = x
    for _ in range(20000):
        y = y * 1.0
    calls = []
    monkeypatch.setattr(al.trace, "topological_order", lambda root: calls.append(root) or [])
    with pytest.raises(GraphTooLargeError, match="more than 5000 nodes"):
        trace_backward(y, max_nodes=500)
    with pytest.raises(GraphTooLargeError, match="trace_forward"):
        trace_forward(y, max_nodes=500)
    assert calls == []


def test_one_leaf_used_fifty_times_is_laid_out_within_the_limit():
    x = Value(0.5, label="x")
    y = Value(1.0)
    for i in range(50):
        y = y * x + Value(float(i))  # 152 values; x feeds 50 products
    out = _graphviz.run(["dot", "-Tsvg"], draw_graph(y, show_grad=False).source, timeout=20)
    assert out.startswith(b"<?xml")


@pytest.fixture
def slow_dot(tmp_path, monkeypatch):
    """A fake `dot` that starts a child, records both pids and sleeps."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pids = tmp_path / "pids"
    script = bin_dir / "dot"
    script.write_text(
        textwrap.dedent(f"""\
        #!/bin/sh
        sleep 300 &
        echo $$ $! > {pids}
        wait
        """)
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return pids


def _all_dead(pids_file):
    """Whether the recorded processes are gone (a signal takes a moment to land: wait up to 10 s)."""
    import time

    for _ in range(1000):
        if _dead_now(pids_file):
            return True
        time.sleep(0.01)
    return False


def _dead_now(pids_file):
    for pid in map(int, pids_file.read_text().split()):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        # a zombie not yet reaped by init counts as dead
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split()[2] != "Z":
                    return False
        except FileNotFoundError:
            continue
    return True


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_a_slow_dot_is_stopped_with_its_children_at_the_timeout(slow_dot, tmp_path):
    target = tmp_path / "g.svg"
    with pytest.raises(GraphvizTimeoutError) as info:
        render(Value(1.0) * 2, target, timeout=0.5)
    msg = str(info.value)
    assert "0.5 s" in msg and "timeout=SECONDS" in msg and "--timeout" in msg
    assert isinstance(info.value, OSError) and info.value.timeout == 0.5
    assert _all_dead(slow_dot) and not target.exists()
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        render(Value(1.0), target, timeout=0)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_an_interrupt_stops_dot_with_its_children(slow_dot, monkeypatch):
    real = subprocess.Popen.communicate

    def interrupted(self, *args, **kwargs):
        if kwargs.get("timeout") == 7:  # only the call of run(), not the reaping in _kill
            while not slow_dot.exists() or not slow_dot.read_text().strip():
                pass
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "communicate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _graphviz.run(["dot", "-Tsvg"], "digraph { a }", timeout=7)
    monkeypatch.undo()
    assert _all_dead(slow_dot) and not _graphviz._running


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_dot_is_stopped_when_python_exits(slow_dot):
    code = textwrap.dedent("""\
        import threading, time
        from autograd_lite import _graphviz
        threading.Thread(target=_graphviz.run, args=(["dot", "-Tsvg"], "digraph {a}"),
                         kwargs={"timeout": None}, daemon=True).start()
        while not _graphviz._running:
            time.sleep(0.01)
        """)
    done = subprocess.run([sys.executable, "-c", code], env=os.environ.copy(), timeout=60)
    assert done.returncode == 0
    assert _all_dead(slow_dot)


def test_jupyter_without_dot_shows_how_to_install_it_and_the_source(tmp_path, monkeypatch):
    formatters = pytest.importorskip("IPython.core.formatters")
    *_, f = neuron()
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    data, _ = formatters.DisplayFormatter().format(draw_graph(f))
    assert "apt-get install graphviz" in data["text/plain"] and "digraph autograd_lite" in data["text/plain"]
    assert "apt-get install graphviz" in data["text/html"] and "digraph autograd_lite" in data["text/html"]
    assert "image/svg+xml" not in data


def test_save_writes_a_self_contained_page_a_gif_and_single_steps(tmp_path):
    PIL = pytest.importorskip("PIL.Image")
    *_, f = neuron()
    trace = trace_backward(f)
    page = trace.save(tmp_path / "steps.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == len(trace) + 1  # every frame in the data...
    assert page.count('<img class="agl-picture"') == 1  # ...and the first as an image without scripts
    assert re.sub(r"http://www\.w3\.org/[\w/.]+", "", page).count("http") == 0  # nothing fetched
    for k in range(len(trace)):
        assert trace.explain(k).replace("\u00d7", "\\u00d7") in page
    gif = PIL.open(trace.save(tmp_path / "steps.gif"))
    assert gif.n_frames == len(trace) + 1
    svg = trace.save(tmp_path / "s.svg", step=2).read_text()
    _, texts = geometry(svg.encode())
    assert svg.startswith("<svg") and 'class="edge hot"' in svg
    png = trace.save(tmp_path / "s.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="out of range"):
        trace.save(tmp_path / "t.svg", step=len(trace))
    with pytest.raises(ValueError, match="unknown file suffix '.txt'"):
        trace.save(tmp_path / "t.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.png", "s.svg", "steps.gif", "steps.html"]


def test_save_keeps_the_old_file_when_graphviz_fails(tmp_path, monkeypatch):
    *_, f = neuron()
    trace = trace_backward(f)
    target = tmp_path / "s.svg"
    target.write_text("old")
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(al.viz.GraphvizNotFoundError, match="apt-get install graphviz"):
        trace.save(target)
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["empty", "s.svg"]


def test_frames_of_a_reused_node_are_stable_in_an_exported_gif(tmp_path):
    PIL = pytest.importorskip("PIL.Image")
    x = Value(2.0, label="x")
    trace = trace_backward(x * x + x)
    gif = PIL.open(trace.save(tmp_path / "a.gif"))
    sizes = set()
    for i in range(gif.n_frames):
        gif.seek(i)
        sizes.add(gif.size)
    assert len(sizes) == 1


def mlp_loss():
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [3, 3, 1], activation="tanh", seed=1)
    x = [Value(0.5, label="x.0"), Value(-1.0, label="x.1")]
    loss = nn.hinge([model(x)], [1])
    loss.backward()
    return model, x, loss


def clusters(source):
    """cluster name -> the node names declared directly inside it (nesting kept by the names)."""
    out, stack = {}, []
    for line in source.splitlines():
        line = line.strip()
        m = re.match(r"subgraph (\S+) \{", line)
        if m:
            stack.append(m.group(1).strip('"'))
            out[stack[-1]] = []
        elif line == "}" and stack:
            stack.pop()
        elif stack and re.match(r"^(v|op)\d+ \[", line):
            out[stack[-1]].append(line.split(" ")[0])
    return out


def test_an_mlp_is_drawn_in_one_box_per_layer_and_per_neuron():
    model, x, loss = mlp_loss()
    g = draw_graph(loss, group="module")
    boxes = clusters(g.source)
    assert set(boxes) == {"cluster_layers.0", "cluster_layers.1", "cluster_layers.2"} | {
        f"cluster_layers.{i}.neurons.{j}" for i, n in ((0, 3), (1, 3), (2, 1)) for j in range(n)
    }
    order = al.topological_order(loss)
    index = {n: i for i, n in enumerate(order)}
    for name, p in model.named_parameters():
        neuron = name.rsplit(".", 2)[0] if name.split(".")[-1].isdigit() else name.rsplit(".", 1)[0]
        assert f"v{index[p]}" in boxes[f"cluster_{neuron}"]
    # the inputs are outside every box and drawn as inputs, not as parameters
    inside = {n for names in boxes.values() for n in names}
    for xi in x:
        assert f"v{index[xi]}" not in inside
        line = next(ln for ln in g.body if ln.strip().startswith(f"v{index[xi]} "))
        assert "#dbe9f6" in line and "penwidth=2" not in line
    assert g.pipe_svg().count('class="cluster"') == 10


def test_a_collapsed_neuron_is_one_box_with_z_and_a():
    model, x, loss = mlp_loss()
    g = draw_graph(loss, group="module", collapse=True)
    labels = [ln for ln in g.body if "(tanh)" in ln]
    assert len(labels) == 6  # 3 + 3 hidden neurons
    neuron = model.layers[0].neurons[1]
    z = al.dot(neuron.w, [xi.data for xi in x], bias=neuron.b).data
    assert any(f"z {z:.4g}" in ln and f"a {math.tanh(z):.4g}" in ln for ln in labels)
    assert not any("layers.0.neurons.1.w.0" in ln for ln in g.body)  # weights are inside the box
    assert draw_graph(loss, group="module", collapse=True).source == g.source
    with pytest.raises(ValueError, match="collapse=True needs group='module'"):
        draw_graph(loss, collapse=True)
    with pytest.raises(ValueError, match="group must be None or 'module'"):
        draw_graph(loss, group="layer")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_dot_dies_when_python_is_killed_outright(slow_dot):
    code = textwrap.dedent("""\
        from autograd_lite import _graphviz
        _graphviz.run(["dot", "-Tsvg"], "digraph {a}", timeout=None)
        """)
    proc = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    try:
        while not slow_dot.exists() or not slow_dot.read_text().strip():
            assert proc.poll() is None
        proc.kill()  # SIGKILL: no atexit, no finally
    finally:
        proc.wait(timeout=60)
    dot_pid, child_pid = slow_dot.read_text().split()  # `dot` itself; real dot starts no children
    only_dot = slow_dot.with_name("dot_pid")
    only_dot.write_text(dot_pid)
    try:
        assert _all_dead(only_dot)
    finally:
        try:
            os.kill(int(child_pid), 9)  # the fake dot's own child, orphaned
        except ProcessLookupError:
            pass


def test_a_frame_of_a_collapsed_network_marks_the_edge_into_the_neuron():
    model, x, loss = mlp_loss()
    trace = trace_backward(loss)
    index = {n: i for i, n in enumerate(trace.order)}
    out = model.layers[2].neurons[0]
    # the step where the output neuron's z (linear: z is its box) passes its gradient to a hidden unit
    k = next(i for i, s in enumerate(trace) if out.w[0] in s.node.parents and s.parent.parents)
    parent, node, _ = trace.edge(k)
    frame = trace.frame(k, group="module", collapse=True)
    hot = [line.split(" [")[0].strip() for line in frame.body if "class=hot" in line]
    assert hot == [f"v{index[parent]} -> v{index[node]}"]
