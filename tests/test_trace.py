"""The step-by-step traces: the backward trace is backward(), one edge at a time."""

import math

import pytest

import autograd_lite as al
from autograd_lite import Value


def exp_sin_square(x0=0.5):
    x = Value(x0, label="x")
    a = x ** 2
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
        assert (step.local_grad, step.upstream, step.contribution, step.parent_grad) == pytest.approx(row, rel=1e-12)
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
    y = al.sum([h * h, al.dot([w, h], [x, x], bias=h), x ** 3 / (1 + w.exp())])
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
    y = x * x + x          # x is used by two nodes
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
    cases = {x + 1: "x + 1.0", 1 - x: "1.0 - x", 2 * x: "x * 2.0", 2 / x: "2.0 / x",
             2 ** x: "2.0**x", -x: "-x", abs(x): "abs(x)", x * x: "x * x"}
    from autograd_lite.trace import describe
    for node, text in cases.items():
        assert describe(node, names) == text
