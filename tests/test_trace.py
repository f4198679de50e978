"""The step-by-step traces: the backward trace is backward(), one edge at a time."""

import math

import pytest

import autograd_lite as al
from autograd_lite import Value


def exp_sin_square(x0=0.5):
    x = Value(x0, label="x")
    a = x**2
    b = a.sin()
    y = b.exp()
    return x, a, b, y


def test_backward_trace_numbers_for_exp_sin_square_at_half():
    x, a, b, y = exp_sin_square()
    trace = al.trace_backward(y)
    assert [(s.node, s.parent) for s in trace] == [(y, b), (b, a), (a, x)]
    e, c = math.exp(math.sin(0.25)), math.cos(0.25)
    expected = [  # local, upstream, contribution, parent grad after
        (e, 1.0, e, e),
        (c, e, c * e, c * e),
        (1.0, c * e, c * e, c * e),
    ]
    for step, row in zip(trace, expected):
        assert (step.local_grad, step.upstream, step.contribution, step.parent_grad) == pytest.approx(
            row, rel=1e-12
        )
    assert [s.index for s in trace] == [0, 1, 2]


def test_trace_leaves_grad_fields_alone_unless_applied():
    x, a, b, y = exp_sin_square()
    trace = al.trace_backward(y)
    assert x.grad == 0.0 and y.grad == 0.0
    trace.apply()
    x2, a2, _, y2 = exp_sin_square()
    y2.backward()
    assert x.grad == x2.grad and a.grad == a2.grad
    al.trace_backward(y, apply=True)
    assert x.grad == 2 * x2.grad  # leaves accumulate like backward()


def replay(trace):
    grads = {trace.root: trace.grads[trace.root]}
    for s in trace:
        grads[s.parent] = grads.get(s.parent, 0.0) + s.contribution
    return grads


def test_replay_with_reused_nodes_equals_backward():
    x, w = Value(0.7, label="x"), Value(-1.3, label="w")
    h = (x * w).tanh()
    y = al.sum([h * h, al.dot([w, h], [x, x], bias=h), x**3 / (1 + w.exp())])
    trace = al.trace_backward(y)
    y.backward()
    assert replay(trace) == trace.grads
    for node in trace.order:
        assert trace.grads[node] == node.grad
    # every edge of the graph is one step
    assert len(trace) == sum(len(n.parents) for n in trace.order)


def test_grads_after_and_final_nodes():
    x, a, b, y = exp_sin_square()
    trace = al.trace_backward(y)
    assert trace.grads_after(-1) == {y: 1.0}
    assert set(trace.grads_after(0)) == {y, b}
    assert trace.final_after(0) == {y, b}
    assert trace.grads_after(len(trace) - 1) == trace.grads
    with pytest.raises(IndexError, match="out of range"):
        trace.grads_after(3)


def test_final_waits_for_every_use():
    x = Value(2.0, label="x")
    y = x * x + x  # x is used by two nodes
    trace = al.trace_backward(y)
    first_x_step = next(i for i, s in enumerate(trace) if s.parent is x)
    assert x not in trace.final_after(first_x_step)
    assert x in trace.final_after(len(trace) - 1)


def test_tables_are_aligned_text_and_html():
    x, a, b, y = exp_sin_square()
    text = str(al.trace_backward(y))
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["step", "from", "to"]
    assert len(lines) == 2 + 3
    assert "0.968912" in text
    html = al.trace_backward(y)._repr_html_()
    assert html.startswith("<table>") and html.count("<tr>") == 4
    fwd = al.trace_forward(y)
    assert [s.expression for s in fwd] == ["input", "x**2.0", "sin(v1)", "exp(v2)"]
    assert [s.value for s in fwd] == [x.data, a.data, b.data, y.data]
    assert "<table>" in fwd._repr_html_()


def test_forward_descriptions_of_constant_operands():
    x = Value(3.0, label="x")
    names = {x: "x"}
    cases = {
        x + 1: "x + 1.0",
        1 - x: "1.0 - x",
        2 * x: "x * 2.0",
        2 / x: "2.0 / x",
        2**x: "2.0**x",
        -x: "-x",
        abs(x): "abs(x)",
        x * x: "x * x",
    }
    from autograd_lite.trace import describe

    for node, text in cases.items():
        assert describe(node, names) == text


# ------------------------------------------------------------------- frames

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite.testing import expressions

_NODE = re.compile(r'^\s*(v\d+) \[label="(?:\{ )?(.*?)(?: \})?"(.*)\]$')
_EDGE = re.compile(r"^\s*(v\d+|op\d+) -> (v\d+|op\d+)(?: \[(.*)\])?$")


def dot_nodes(graph):
    """DOT node id -> (label, attributes) for every Value of a drawn graph."""
    out = {}
    for line in graph.body:
        m = _NODE.match(line)
        if m:
            out[m.group(1)] = (m.group(2), m.group(3))
    return out


def dot_edges(graph):
    """Every edge as (tail, head, highlighted), in the order of the DOT source."""
    out = []
    for line in graph.body:
        m = _EDGE.match(line)
        if m:
            out.append((m.group(1), m.group(2), "penwidth=2.5" in (m.group(3) or "")))
    return out


def grad_field(label):
    return label.split("| grad ")[1]


def shared_graph():
    x, w = Value(0.7, label="x"), Value(-1.3, label="w")
    h = (x * w).tanh()
    return al.sum([h * h, x * x, al.dot([w, h], [x, x], bias=h)])


def test_each_frame_highlights_exactly_the_edge_of_its_step():
    y = shared_graph()
    trace = al.trace_backward(y)
    index = {node: i for i, node in enumerate(trace.order)}
    for k in range(len(trace)):
        parent, node, i = trace.edge(k)
        assert node.parents[i] is parent and (trace[k].parent, trace[k].node) == (parent, node)
        # the edges into op<n> are drawn in the order of node.parents
        into = [e for e in dot_edges(trace.frame(k)) if e[1] == f"op{index[node]}"]
        hot = [e for e in dot_edges(trace.frame(k)) if e[2]]
        assert hot == [(f"v{index[parent]}", f"op{index[node]}", True)]
        assert into[i] == hot[0]
    assert not any(e[2] for e in dot_edges(trace.frame(-1)))


def test_the_two_edges_of_x_times_x_are_two_steps_with_one_edge_each():
    x = Value(3.0, label="x")
    y = x * x
    trace = al.trace_backward(y)
    assert [trace.edge(k) for k in range(2)] == [(x, y, 0), (x, y, 1)]
    first, second = (dot_edges(trace.frame(k)) for k in range(2))
    assert [e[2] for e in first if e[1] == "op1"] == [True, False]
    assert [e[2] for e in second if e[1] == "op1"] == [False, True]
    # after the first step x holds half its gradient: partial, not final
    label, attrs = dot_nodes(trace.frame(0))["v0"]
    assert grad_field(label) == "3\u2026" and "dashed" in attrs
    label, attrs = dot_nodes(trace.frame(1))["v0"]
    assert grad_field(label) == "6" and "dashed" not in attrs
    with pytest.raises(IndexError, match="out of range"):
        trace.edge(2)
    with pytest.raises(IndexError, match="out of range"):
        trace.frame(-2)


def test_pending_nodes_are_exactly_the_unreached_ones():
    y = shared_graph()
    trace = al.trace_backward(y)
    for k in range(-1, len(trace)):
        reached = {trace.root} | {s.parent for s in trace[: k + 1]}
        nodes = dot_nodes(trace.frame(k))
        pending = {trace.order[int(v[1:])] for v, (label, _) in nodes.items() if grad_field(label) == "?"}
        assert pending == set(trace.order) - reached
        partial = {trace.order[int(v[1:])] for v, (label, _) in nodes.items() if label.endswith("\u2026")}
        assert partial == reached - trace.final_after(k)
    before = dot_nodes(trace.frame(-1))
    assert [grad_field(label) for label, _ in before.values()] == ["?"] * (len(trace.order) - 1) + ["1"]


def test_final_frame_shows_the_gradients_of_backward():
    y = shared_graph()
    trace = al.trace_backward(y)
    last = trace.frame(len(trace) - 1)
    assert all(node.grad == 0.0 for node in trace.order)  # frames touch no .grad
    y.backward()
    full = al.draw_graph(y, layout=trace.layout())
    assert dot_nodes(last) == dot_nodes(full)
    assert [e[:2] for e in dot_edges(last)] == [e[:2] for e in dot_edges(full)]


@settings(max_examples=60, deadline=None, database=None)
@given(expressions(n_vars=2, max_depth=4), st.data())
def test_replaying_every_step_gives_the_gradients_of_backward(e, data):
    xs = [Value(p, label=f"x{i}") for i, p in enumerate(e.point)]
    out = e(*xs)
    # reuse nodes: the expression's result is used again, and so are the inputs
    reuse = data.draw(st.sampled_from(["none", "square", "inputs"]))
    if reuse == "square":
        out = out * out
    elif reuse == "inputs":
        out = out * xs[0] + xs[1] * out
    trace = al.trace_backward(out)
    replayed = replay(trace)
    again = al.trace_backward(out).grads  # a second trace gives the same
    assert replayed == trace.grads == again
    for x in xs:
        x.grad = 0.0
    out.backward()
    for node in trace.order:
        assert replayed.get(node, 0.0) == node.grad


def test_an_edge_triple_must_name_the_parent_at_its_position():
    x, w = Value(3.0, label="x"), Value(2.0, label="w")
    y = x * w
    assert [e[2] for e in dot_edges(al.draw_graph(y, highlight_edges=[(w, y, 1)]))] == [False, True, False]
    for bad in [(x, y, 1), (w, y, 2), (w, y, True), (w, y, 1, 0)]:
        with pytest.raises(ValueError, match="highlight_edges"):
            al.draw_graph(y, highlight_edges=[bad])
