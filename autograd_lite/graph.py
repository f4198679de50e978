"""Walking the graph: topological order, the backward pass, zero_grad, no_grad.

Reverse mode is one loop over the local-derivative table (see
:mod:`autograd_lite.value`): in reverse topological order, for every node and
each of its parents,

    grad(parent) += d(node)/d(parent) * grad(node)

which is the chain rule summed over every path from the root to ``parent``.
:func:`reverse_sweep` is that loop; :func:`backward`, :func:`gradients` and
the step-by-step trace all run it.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterable, Iterator, Union

from .value import Number, Value, _as_tuple, _get_data, _local_grads, _set_grad_enabled

Grad = Union[float, Value]
#: One edge of the backward pass, as recorded by :func:`reverse_sweep`:
#: (node, parent, local derivative, upstream grad, contribution, parent's grad after).
Step = tuple


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a graph walk.

    The walks make no reference cycles, but their many small allocations would
    trigger collections that traverse the whole (large) graph again and again,
    making long graphs slower per node than short ones.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, parents before children, ``root`` last.

    Iterative depth-first search (no recursion), so graphs millions of nodes
    deep are fine.  Each node appears once however often it is reused.

    The stack holds nodes to expand and, under the ``None`` marker, nodes to
    emit: expanding a node pushes it back with the marker, then its unseen
    parents, so it is emitted after all of them.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order() needs a Value, got {type(root).__name__}")
    with _gc_paused():
        order: list[Value] = []
        seen: set[Value] = set()
        stack: list = [root]
        push, pop, add, emit = stack.append, stack.pop, seen.add, order.append
        while stack:
            node = pop()
            if node is None:
                emit(pop())
            elif node not in seen:
                add(node)
                push(node)
                push(None)
                prev = node._prev
                if type(prev) is tuple:
                    for p in reversed(prev):
                        if p not in seen:
                            push(p)
                elif prev not in seen:
                    push(prev)
    return order


def _sweep(order: list[Value], seed: Grad, create_graph: bool, steps: "list[Step] | None") -> None:
    """THE chain-rule loop, run in the ``.grad`` fields of ``order`` (root last).

    Intermediate nodes start from 0 and leaves keep what they hold (so they
    accumulate); then, in reverse topological order, every node passes its
    gradient to each parent: ``parent.grad += d(node)/d(parent) * node.grad``.
    When a node is reached, every node that uses it has been processed, so its
    gradient is complete.  A node whose gradient is exactly 0 passes back
    nothing: its contributions are 0 even where a local derivative is infinite
    (``sqrt`` at 0), so a dead branch never turns a gradient into NaN.
    """
    for node in order:
        if node._prev:
            node.grad = 0.0
    root = order[-1]
    root.grad = seed if root._prev else root.grad + seed
    for node in reversed(order):
        prev = node._prev
        if not prev:
            continue
        g = node.grad
        if create_graph:
            ds = _local_grads(node, True)
            for p, d in zip(_as_tuple(prev), ds):
                c = d * g
                old = p.grad
                p.grad = c if type(old) is float and old == 0.0 else old + c
                if steps is not None:
                    steps.append((node, p, d, g, c, p.grad))
        elif steps is None:
            if g == 0.0:
                continue  # nothing to pass back (and 0 * inf never makes a NaN)
            # _local_grads(node, False) written out: no tuple for a one-parent node
            rule = node._rule
            if type(prev) is tuple:
                if type(rule) is tuple:
                    ds = rule
                elif len(prev) == 2:  # a * b, a / b, a ** b: no argument unpacking
                    ds = rule(node.data, prev[0].data, prev[1].data)
                else:
                    ds = rule(node.data, *map(_get_data, prev))
                for p, d in zip(prev, ds):
                    p.grad += d * g
            else:  # one parent: the rule is its derivative, or gives it
                prev.grad += (rule if type(rule) is float else rule(node.data, prev.data)) * g
        else:
            ds = _local_grads(node, False)
            for p, d in zip(_as_tuple(prev), ds):
                c = d * g if g != 0.0 else 0.0
                p.grad += c
                steps.append((node, p, d, g, c, p.grad))


def reverse_sweep(order: list[Value], seed: Grad = 1.0, *, create_graph: bool = False,
                  steps: "list[Step] | None" = None) -> dict[Value, Grad]:
    """The chain rule, run backward over ``order`` (as from :func:`topological_order`).

    Returns d(root)/d(node) for every node in ``order``, where root is
    ``order[-1]``, scaled by ``seed``.  It runs the same loop as
    :func:`backward` and leaves every ``.grad`` field as it found it.

    With ``create_graph`` the local derivatives are computed with Value
    operations, so the returned gradients are Values that can be differentiated
    again.  With a ``steps`` list, every edge's step is appended to it:
    (node, parent, local derivative, upstream grad, contribution, parent's grad after).
    """
    # ``order`` may be part of a graph (only what depends on some inputs): the
    # parents it reaches outside it receive contributions too, so save them all
    touched = dict.fromkeys(order)
    for node in order:
        touched.update(dict.fromkeys(_as_tuple(node._prev)))
    saved = [(node, node.grad) for node in touched]
    try:
        for node in touched:
            node.grad = 0.0
        with _gc_paused():
            _sweep(order, seed, create_graph, steps)
        return {node: node.grad for node in touched}
    finally:
        for node, g in saved:
            node.grad = g


def forward_sweep(order: list[Value], tangents: dict[Value, Grad], *, create_graph: bool = False,
                  steps: "list[Step] | None" = None) -> dict[Value, Grad]:
    """The chain rule, run forward over ``order`` (forward mode, a JVP).

    ``tangents`` seeds the inputs: dx/dt for some nodes (a direction).  In
    topological order every other node then gets

        tangent(node) = sum_i d(node)/d(parent_i) * tangent(parent_i)

    from the same local-derivative rules as :func:`reverse_sweep`.  Returns the
    tangent of every node that depends on a seeded one (a missing node's tangent
    is 0); a seeded node keeps its seed even if it has parents.  With
    ``create_graph`` the local derivatives are Values, so the tangents can be
    differentiated again.  With a ``steps`` list, every edge that carries a
    tangent appends (node, parent, local derivative, tangent(parent),
    contribution, tangent(node) so far).

    >>> from autograd_lite import Value
    >>> x, y = Value(3.0), Value(2.0)
    >>> z = x * y + x                 # dz = (y + 1) dx + x dy
    >>> forward_sweep(topological_order(z), {x: 1.0})[z]
    3.0
    """
    tans: dict[Value, Grad] = dict(tangents)
    get = tans.get
    for node in order:
        prev = _as_tuple(node._prev)
        if not prev or node in tangents:
            continue
        ts = [get(p) for p in prev]
        if all(t is None for t in ts):
            continue
        ds = _local_grads(node, create_graph)
        total = None
        for p, d, t in zip(prev, ds, ts):
            if t is None:
                continue
            c = d * t
            total = c if total is None else total + c
            if steps is not None:
                steps.append((node, p, d, t, c, total))
        tans[node] = total
    return tans


def backward(root: Value, grad: Number = 1.0, *, create_graph: bool = False) -> None:
    """Backpropagate from ``root``: fill ``.grad`` of every node it depends on.

    ``node.grad`` becomes d(root)/d(node) times ``grad`` (the seed).  Nodes used
    several times sum the contributions of every use.  Leaves (nodes without
    parents, such as weights) *accumulate* across calls, like PyTorch: after two
    calls a leaf holds twice its gradient.  Intermediate nodes are recomputed
    on each call, never accumulated, so a second call adds exactly the same
    amount to the leaves as the first.

    With ``create_graph=True`` the gradients are Values with a graph of their
    own, so they can be differentiated again (second derivatives).
    """
    if not isinstance(grad, (int, float, Value)) or isinstance(grad, bool):
        raise TypeError(f"backward() seed must be a number, got {type(grad).__name__}")
    seed: Grad = grad if isinstance(grad, Value) else float(grad)
    order = topological_order(root)
    with _gc_paused():
        _sweep(order, seed, create_graph, None)


def store_gradients(grads: dict[Value, Grad]) -> None:
    """Write gradients from :func:`reverse_sweep` into ``.grad`` as :func:`backward` does.

    Leaves accumulate (``grad += g``); intermediate nodes are overwritten.
    """
    for node, g in grads.items():
        if node._prev:
            node.grad = g
        else:
            node.grad += g


def gradients(root: Value, wrt: Iterable[Value], grad: Number = 1.0, *,
              create_graph: bool = False) -> list[Grad]:
    """d(root)/d(w) for each ``w`` in ``wrt``, without touching any ``.grad``.

    A ``w`` that ``root`` does not depend on gets 0.0.  With ``create_graph``
    the results are Values that can be differentiated again.
    """
    wrt = list(wrt)
    grads = reverse_sweep(topological_order(root), float(grad), create_graph=create_graph)
    return [grads.get(w, 0.0) for w in wrt]


def zero_grad(target: Union[Value, Iterable[Value]]) -> None:
    """Set ``.grad`` to 0.0: on a Value and everything it depends on, or on given nodes."""
    nodes = topological_order(target) if isinstance(target, Value) else target
    for node in nodes:
        node.grad = 0.0


@contextmanager
def no_grad() -> Iterator[None]:
    """A context in which operations record no graph.

    Results inside it are leaves (no parents), so nothing is kept for
    backward: use it for evaluation and for optimizer updates.

    >>> from autograd_lite import Value
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * 3
    >>> y.parents
    ()
    """
    old = _set_grad_enabled(False)
    try:
        yield
    finally:
        _set_grad_enabled(old)
