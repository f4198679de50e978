"""The backward pass: accumulation, repeated calls, zero_grad, depth and memory."""

import gc
import weakref

import pytest
from hypothesis import given

import autograd_lite as al
from autograd_lite import Value
from autograd_lite.testing import expressions


def test_node_used_twice_sums_both_contributions():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0
    b = Value(3.0)
    (b + b).backward()
    assert b.grad == 2.0


def test_second_backward_adds_the_same_gradient_to_leaves_only():
    a = Value(3.0)
    y = a * a * a
    y.backward()
    assert a.grad == 27.0
    y.backward()
    assert a.grad == 54.0  # micrograd gives 72: it re-propagates stale intermediate grads
    assert y.grad == 1.0


def test_intermediate_gradients_are_recomputed_not_accumulated():
    a = Value(2.0)
    mid = a * 3
    y = mid * mid
    y.backward()
    first = mid.grad
    y.backward()
    assert mid.grad == first == 2 * 6.0


def test_intermediate_gradients_are_reset_after_zero_grad_and_after_create_graph():
    a = Value(2.0)
    mid = a * 3
    y = mid * mid
    y.backward()
    a.grad = 0.0  # every leaf zeroed, an intermediate still holds 12
    y.backward()
    assert (mid.grad, a.grad) == (12.0, 36.0)
    a.grad = 0.0
    y.backward(create_graph=True)  # the gradients are Values now
    a.grad = 0.0
    y.backward()
    assert (type(mid.grad), mid.grad, a.grad) == (float, 12.0, 36.0)


def test_seed_scales_every_gradient():
    a = Value(1.5)
    y = a.tanh() * a
    y.backward()
    g1 = a.grad
    a.grad = 0.0
    y.backward(2.0)
    assert a.grad == pytest.approx(2 * g1)


def test_zero_grad_on_a_graph_and_on_given_nodes():
    a, b = Value(1.0), Value(2.0)
    y = a * b
    y.backward()
    al.zero_grad([a])
    assert a.grad == 0.0 and b.grad == 1.0
    y.zero_grad()
    assert (a.grad, b.grad, y.grad) == (0.0, 0.0, 0.0)


def test_gradients_does_not_touch_grad_fields():
    x, y = Value(2.0), Value(5.0)
    z = x * y + x
    gx, gy, gother = al.gradients(z, [x, y, Value(1.0)])
    assert (gx, gy, gother) == (6.0, 2.0, 0.0)
    assert x.grad == 0.0 and y.grad == 0.0


def test_topological_order_puts_parents_first_once_each():
    a = Value(1.0)
    b = a * 2
    c = a + b
    order = al.topological_order(c)
    assert order[-1] is c and len(order) == 3
    assert order.index(a) < order.index(b) < order.index(c)


@given(expressions(n_vars=3, max_depth=4))
def test_topological_order_of_any_expression_is_every_reachable_node_once_parents_first(e):
    xs = [Value(p) for p in e.point]
    y = e(*xs)
    reachable, todo = {y}, [y]
    while todo:
        for p in todo.pop().parents:
            if p not in reachable:
                reachable.add(p)
                todo.append(p)
    order = al.topological_order(y)
    position = {node: i for i, node in enumerate(order)}
    assert len(position) == len(order) and set(order) == reachable and order[-1] is y
    assert all(position[p] < position[node] for node in order for p in node.parents)


def test_backward_on_a_leaf():
    a = Value(4.0)
    a.backward()
    assert a.grad == 1.0


def test_million_node_chain_runs_backward_and_is_freed():
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    ref = weakref.ref(y)
    del y
    assert ref() is None


def test_graph_has_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        x = Value(0.3)
        w = Value(-1.2)
        y = al.dot([w, x], [x, 2.0], bias=x).tanh() * 2 + x**3 / (1 + x.exp())
        y = al.sum([y, (x - w).relu(), abs(w).sqrt().log(), 2**x, x**w, 1 - x])
        y.backward()
        refs = [weakref.ref(n) for n in al.topological_order(y)]
        del x, w, y
        assert all(r() is None for r in refs)
    finally:
        gc.enable()


def test_no_grad_records_nothing_and_restores_recording():
    x = Value(2.0)
    with al.no_grad():
        y = x * 3 + 1
    assert y.parents == () and y.data == 7.0
    z = x * 3
    assert z.parents == (x,)


def test_detach_copies_data_without_history():
    x = Value(2.0, label="x")
    y = (x * 3).detach()
    assert y.parents == () and y.data == 6.0


def test_a_zero_gradient_passes_nothing_back_even_through_an_infinite_derivative():
    x = Value(0.0)
    y = x.sqrt() * 0.0 + x  # d sqrt/dx is inf at 0, but sqrt(x) does not affect y
    y.backward()
    assert x.grad == 1.0
    trace = al.trace_backward(y)
    assert trace.grads[x] == 1.0


def test_backward_leaves_the_garbage_collector_as_it_found_it():
    x = Value(1.5)
    y = (x * x).tanh()
    assert gc.isenabled()
    y.backward()
    assert gc.isenabled()
    gc.disable()
    try:
        y.backward()
        al.trace_backward(y)
        assert not gc.isenabled()
    finally:
        gc.enable()
