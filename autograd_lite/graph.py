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
import math
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from numbers import Real
from operator import attrgetter
from typing import Union

from .value import _WALKS, Number, Value, _as_float, _Chunks, _clock, _data, _get_d, _grad_mode, _local_grads

Grad = Union[float, Value]
#: One edge of the backward pass, as recorded by :func:`reverse_sweep`:
#: (node, parent, local derivative, upstream grad, contribution, parent's grad after).
Step = tuple

#: Held by every walk that uses the ``.grad`` fields of a graph (backward,
#: gradients, reverse_sweep): walks in several threads never see each
#: other's partial sums, and under the GIL this costs no parallelism.
_WALK_LOCK = threading.RLock()
_get_t = attrgetter("_t")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Opt in: keep Python's cyclic garbage collector off while a big graph is built.

    A graph of millions of nodes makes the collector's full passes traverse
    it again and again while it grows (the nodes form no cycles, so those
    passes find nothing): building a chain of 10^6 operations then costs more
    per operation than one of 10^4.  Inside this block the collector is off;
    on leaving, it is switched back on only if it was on when the block began,
    so an application's own ``gc.disable()`` is never undone.  The setting is
    process-wide (Python has no other): other threads run without the
    collector meanwhile.  The engine itself never changes it.

    >>> import gc
    >>> from autograd_lite import Value
    >>> with collector_paused():
    ...     y = Value(1.0)
    ...     for _ in range(1000):
    ...         y = y * 1.0001
    >>> gc.isenabled()
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class StaleGraphError(RuntimeError):
    """A node's data was changed after a result that depends on it was computed."""


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, parents before children, ``root`` last.

    Iterative depth-first search (no recursion), so graphs millions of nodes
    deep are fine.  Each node appears once however often it is reused.

    The stack holds nodes to expand and, under the ``None`` marker, nodes to
    emit: expanding a node pushes it back with the marker, then its unseen
    parents, so it is emitted after all of them; a node with no unseen
    parent is emitted at once.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order() needs a Value, got {type(root).__name__}")
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list = [root]
    push, pop, add, emit = stack.append, stack.pop, seen.add, order.append
    covered = seen.issuperset  # in C: a node whose parents were all seen needs no loop
    whole: set[int] = set()  # the shared tuples of parents (see _Chunks) known to be all seen
    while stack:
        node = pop()
        if node is None:
            emit(pop())
            continue
        if node in seen:
            continue
        add(node)
        prev = node._prev
        if prev is None:  # a leaf
            emit(node)
            continue
        # a node whose parents were all seen (so emitted: the graph has no cycles) is emitted
        # at once; else it waits under the marker while its unseen parents are expanded
        tp = type(prev)
        if tp is not tuple and tp is not _Chunks:  # one parent, and maybe a second stored apart
            b = node._c
            if type(b) is Value and b not in seen:
                push(node)
                push(None)
                push(b)
                if prev not in seen:
                    push(prev)
            elif prev not in seen:
                push(node)
                push(None)
                push(prev)
            else:
                emit(node)
        elif tp is tuple:
            if covered(prev):
                emit(node)
                continue
            push(node)
            push(None)
            if len(prev) == 2:  # a * b, a + b: no iterator
                a, b = prev
                if b not in seen:
                    push(b)
                if a not in seen:
                    push(a)
            else:
                for p in reversed(prev):
                    if p not in seen:
                        push(p)
        else:  # shared tuples one after the other (a layer's dot nodes)
            waiting = None
            for part in prev:
                k = id(part)  # a shared tuple found all seen once is so for good
                if k in whole:
                    continue
                if covered(part):
                    whole.add(k)
                    continue
                if waiting is None:
                    waiting = [part]
                else:
                    waiting.append(part)
            if waiting is None:
                emit(node)
                continue
            push(node)
            push(None)
            for part in reversed(waiting):
                for p in reversed(part):
                    if p not in seen:
                        push(p)
    return order


def _check_fresh(order: list[Value]) -> None:
    """Refuse a graph in which some node's data was written after the root was computed."""
    root_t = order[-1]._t
    if root_t == _clock[0]:  # no data written anywhere since: nothing to look for
        return
    if max(map(_get_t, order)) > root_t:
        node = next(n for n in order if n._t > root_t)
        name = repr(node.label) if node.label is not None else f"a node (data {node._d!r})"
        raise StaleGraphError(
            f"backward(): the data of {name} was changed after the result was computed, so the "
            "gradient would be right at neither point; compute the result again after changing data"
        )


def _contribution(d: Grad, g: Grad, create_graph: bool) -> Grad | None:
    """THE contribution rule: ``d * g``, or None (nothing) when either is exactly zero.

    An exact-zero local derivative or upstream gradient contributes nothing, so a
    dead branch never turns a gradient into NaN (a relu at rest feeding sqrt
    gives 0, not 0 * inf).  With ``create_graph`` a zero-valued Value times a
    finite number is still recorded: its value is 0 but its derivative may not be.
    """
    dd, gd = _data(d), _data(g)
    if dd == 0.0 or gd == 0.0:
        if (
            create_graph
            and (type(d) is Value or type(g) is Value)
            and math.isfinite(dd)
            and math.isfinite(gd)
        ):
            return d * g
        return None
    if (type(d) is Value or type(g) is Value) and not (math.isfinite(dd) and math.isfinite(gd)):
        return dd * gd  # an infinite gradient is a number, not a differentiable graph
    return d * g


def _accumulate(old: Grad, c: Grad) -> Grad:
    """``old + c`` for gradients that may be Values; an infinite one stays a plain number."""
    if type(old) is float and old == 0.0:
        return c
    if type(old) is Value or type(c) is Value:
        o, n = _data(old), _data(c)
        if not (math.isfinite(o) and math.isfinite(n)):
            return o + n
    return old + c  # type: ignore[operator]


def _seed(order: list[Value], seed: Grad, grads: list[Grad]) -> None:
    """Start a sweep: intermediate nodes from 0, leaves keep what they hold, the root gets ``seed``.

    ``grads``: what the nodes of ``order`` hold now; when every one is 0 (a
    new graph, leaves zeroed) there is nothing to reset.
    """
    if grads.count(0.0) != len(grads):  # in C; a Value is never counted as 0
        for node in order:
            if node._prev is not None:
                node.grad = 0.0
    root = order[-1]
    root.grad = seed if root._prev is not None else root.grad + seed  # type: ignore[assignment]


def _reference_sweep(
    order: list[Value], seed: Grad, grads: list[Grad], create_graph: bool, steps: list[Step] | None
) -> None:
    """The chain rule, the plain reference loop, in the ``.grad`` fields of ``order`` (root last).

    Intermediate nodes start from 0 and leaves keep what they hold (so they
    accumulate); then, in reverse topological order, every node passes its
    gradient to each parent, ``parent.grad += d(node)/d(parent) * node.grad``
    (:func:`_contribution`).  When a node is reached, every node that uses it
    has been processed, so its gradient is complete.  ``grads``: what the
    nodes hold before it (see :func:`_seed`).
    """
    _seed(order, seed, grads)
    for node in reversed(order):
        if node._prev is None:
            continue
        g = node.grad
        for p, d in zip(node.parents, _local_grads(node, create_graph)):
            c = _contribution(d, g, create_graph)
            if c is not None:
                p.grad = _accumulate(p.grad, c)  # type: ignore[assignment]
            if steps is not None:
                steps.append((node, p, d, g, 0.0 if c is None else c, p.grad))


def _fast_sweep(order: list[Value], seed: float, grads: list[Grad]) -> None:
    """:func:`_reference_sweep` for plain ``backward()`` (floats, no steps), written out for speed.

    The same contribution rule: nothing passes from a node whose gradient is
    exactly 0, nor through a local derivative that is exactly 0.
    """
    _seed(order, seed, grads)
    for node in reversed(order):
        prev = node._prev
        if prev is None:
            continue
        g = node.grad
        if g == 0.0:
            continue
        rule = node._rule
        tp = type(prev)
        if tp is not tuple and tp is not _Chunks:
            c = node._c
            if type(c) is Value:  # two parents, the second stored apart: a * b, a + b
                da, db = rule if type(rule) is tuple else rule(node._d, prev._d, c._d)
                if da:
                    prev.grad += da * g
                if db:
                    c.grad += db * g
                continue
            d = rule if type(rule) is float else rule(node._d, prev._d, c)  # one parent
            if d:
                prev.grad += d * g
        elif tp is tuple:
            if len(prev) == 2:  # a * b, a + b, a / b: no iterator, no argument unpacking
                a, b = prev
                da, db = rule if type(rule) is tuple else rule(node._d, a._d, b._d)
                if da:
                    a.grad += da * g
                if db:
                    b.grad += db * g
                continue
            ds = rule if type(rule) is tuple else rule(node._d, *map(_get_d, prev))
            for p, d in zip(prev, ds):
                if d:
                    p.grad += d * g
        else:  # shared tuples of parents and of their numbers
            for part, ds in zip(prev, rule):
                if len(part) == 1:  # a dot's bias: no loop
                    d = ds[0]
                    if d:
                        part[0].grad += d * g
                    continue
                for p, d in zip(part, ds):
                    if d:
                        p.grad += d * g


def _sweep(order: list[Value], seed: Grad, create_graph: bool, steps: list[Step] | None) -> None:
    """Run the chain rule over ``order`` in the ``.grad`` fields, all or nothing.

    The caller holds :data:`_WALK_LOCK`.  If anything raises (a stale graph, a
    rule of a custom operator), every ``.grad`` in ``order`` is restored.
    """
    _check_fresh(order)
    saved = list(map(_get_grad, order))
    try:
        if create_graph or steps is not None or type(seed) is not float:
            _reference_sweep(order, seed, saved, create_graph, steps)
        else:
            _fast_sweep(order, seed, saved)
    except BaseException:
        for node, g in zip(order, saved):
            node.grad = g
        raise


_get_grad = attrgetter("grad")


def reverse_sweep(
    order: list[Value], seed: Grad = 1.0, *, create_graph: bool = False, steps: list[Step] | None = None
) -> dict[Value, Grad]:
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
        touched.update(dict.fromkeys(node.parents))
    with _WALK_LOCK:
        saved = [(node, node.grad) for node in touched]
        try:
            for node in touched:
                node.grad = 0.0
            _sweep(order, seed, create_graph, steps)
            return {node: node.grad for node in touched}
        finally:
            for node, g in saved:
                node.grad = g


def forward_sweep(
    order: list[Value],
    tangents: dict[Value, Grad],
    *,
    create_graph: bool = False,
    steps: list[Step] | None = None,
) -> dict[Value, Grad]:
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
        prev = node.parents
        if not prev or node in tangents:
            continue
        ts = [get(p) for p in prev]
        if all(t is None for t in ts):
            continue
        ds = _local_grads(node, create_graph)
        total: Grad | None = None
        for p, d, t in zip(prev, ds, ts):
            if t is None:
                continue
            c = _contribution(d, t, create_graph)  # the same rule as the reverse sweep
            if c is not None:
                total = c if total is None else _accumulate(total, c)
            if steps is not None:
                steps.append((node, p, d, t, 0.0 if c is None else c, 0.0 if total is None else total))
        tans[node] = 0.0 if total is None else total
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
    if isinstance(grad, bool) or not isinstance(grad, (Real, Value)):
        raise TypeError(f"backward() seed must be a number, got {type(grad).__name__}")
    seed: Grad = grad if isinstance(grad, Value) else _as_float(grad, "backward() seed")
    order = topological_order(root)
    with _WALK_LOCK:
        _sweep(order, seed, create_graph, None)


def store_gradients(grads: dict[Value, Grad]) -> None:
    """Write gradients from :func:`reverse_sweep` into ``.grad`` as :func:`backward` does.

    Leaves accumulate (``grad += g``); intermediate nodes are overwritten.
    """
    with _WALK_LOCK:
        for node, g in grads.items():
            if node._prev is not None:
                node.grad = g  # type: ignore[assignment]  # a Value with create_graph
            else:
                node.grad += g  # type: ignore[assignment]


def gradients(
    root: Value, wrt: Iterable[Value], grad: Number = 1.0, *, create_graph: bool = False
) -> list[Grad]:
    """d(root)/d(w) for each ``w`` in ``wrt``, without touching any ``.grad``.

    A ``w`` that ``root`` does not depend on gets 0.0.  With ``create_graph``
    the results are Values that can be differentiated again.
    """
    wrt = list(wrt)
    grads = reverse_sweep(topological_order(root), float(grad), create_graph=create_graph)
    return [grads.get(w, 0.0) for w in wrt]


def zero_grad(target: Value | Iterable[Value]) -> None:
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
    with _grad_mode(False):
        yield


# looked up when called, so Value.backward is whatever this module's backward is
_WALKS.update(backward=lambda *args, **kw: backward(*args, **kw), zero_grad=lambda v: zero_grad(v))
