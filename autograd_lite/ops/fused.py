"""Fused n-ary nodes: ``sum`` of many terms and ``dot``, a neuron's w . x + b, as one node each.

One node instead of a chain of binary ones: a neuron with 16 inputs is one
``dot`` node (33 parents) instead of 32 ``*`` and ``+`` nodes, so building and
sweeping a network costs far less.  Their storage is hand-tuned (listed in the
records' ``fast``): the local derivatives of a sum are the constants 1, those
of w . x are the partners of each factor (d/dw_i = x_i, d/dx_i = w_i), stored
as the numbers they are when the node is made, so backward reads them without
a call.  :func:`dot_rows` makes a layer's dot nodes in one go.
"""

from __future__ import annotations

from builtins import sum as _fsum
from collections.abc import Iterable, Sequence
from functools import cache
from operator import mul as _mul
from typing import Any, overload

from ..value import Value, _as_float, _Chunks, _clock, _node
from .registry import REAL, VALUE_NS, VARIADIC, Op, Operator, _literal, register


@cache
def _sum_rule(n: int) -> tuple[float, ...]:
    """d(x_1 + ... + x_n)/dx_i = 1 for each of the n parents (one shared tuple per n)."""
    return (1.0,) * n


def _dot_rule(kind: str, *args: Any) -> tuple[float, ...]:
    """The local derivatives a dot node stores, as numbers, by its storage ``kind``.

    ``"const"``: Values w times constants xs (a network's first layer), args
    (xs, with_bias): d/dw_i = x_i, so (x_1, ..., x_n[, 1.0]).  ``"vv"``: Values
    times Values, args (xd, wd, with_bias), the data of both factors: d/dw_i =
    x_i, d/dx_i = w_i, so (x_1, ..., x_n, w_1, ..., w_n[, 1.0]).  ``"mixed"``,
    args (ds,): each parent's derivative (its partner's data or its constant).
    They are read when the node is made: a later change of data makes the
    graph stale, and backward refuses it, so they cannot be out of date.
    """
    if kind == "const":
        xs, with_bias = args
        return (*xs, 1.0) if with_bias else tuple(xs)
    if kind == "vv":
        xd, wd, with_bias = args
        return (*xd, *wd, 1.0) if with_bias else (*xd, *wd)
    return tuple(args[0])


def _dot_vrule(node: Value, *p: Value) -> tuple:
    """The local derivatives of a dot node as Values (for ``create_graph``): the partners themselves.

    d/dw_i = x_i and d/dx_i = w_i are the parent Values, so the derivatives
    can be differentiated again; constants stay numbers.  Read from the
    node's storage spec, never from its stored numbers.
    """
    kind, *spec = node._c
    if kind == "const":
        with_bias, _, xs = spec
        return (*xs, 1.0) if with_bias else xs
    if kind == "vv":
        n = (len(p) - spec[0]) // 2
        return p[n : 2 * n] + p[:n] + ((1.0,) if spec[0] else ())
    return tuple(p[j] if j >= 0 else c for j, c in spec[1])


def _sum_source(node: Value) -> tuple[str, tuple[str, ...]]:
    n = len(node.parents)
    const = _literal(node._c) if node._c else ""
    terms = [f"{{p{i}}}" for i in range(n)] + ([const] if const else [])
    return "(" + " + ".join(terms or ["0.0"]) + ")", ("1.0",) * n


def _dot_source(node: Value) -> tuple[str, tuple[str, ...]]:
    kind, *spec = node._c
    n_par = len(node.parents)
    if kind == "const":
        with_bias, b, xs = spec
        terms = [f"{{p{i}}} * {_literal(x)}" for i, x in enumerate(xs)]
        ds = [_literal(x) for x in xs]
    elif kind == "vv":
        with_bias, b = spec
        n = (n_par - 1 if with_bias else n_par) // 2
        terms = [f"{{p{i}}} * {{p{n + i}}}" for i in range(n)]
        ds = [f"{{p{n + i}}}" for i in range(n)] + [f"{{p{i}}}" for i in range(n)]
    else:  # per product with a Value its source; per parent its partner or its constant
        pairs, rule_spec, with_bias, b = spec
        terms = [f"{w} * {x}" for w, x in pairs]
        ds = [f"{{p{j}}}" if j >= 0 else _literal(c) for j, c in rule_spec]
        if with_bias:
            ds.pop()
    if with_bias:
        terms.append(f"{{p{n_par - 1}}}")
        ds.append("1.0")
    if b:
        terms.append(_literal(b))
    return "(" + " + ".join(terms or ["0.0"]) + ")", tuple(ds)


SUM = register(
    Op(
        "sum",
        VARIADIC,
        lambda *xs: _fsum(xs, 0.0),
        (),
        "One node for x_1 + ... + x_n; d/dx_i = 1",
        function="sum",
        fast="autograd_lite.sum",
        source=_sum_source,
        forms=(Operator("sum", 3, lambda *xs: sum(xs), "sum", "sum([{0}, {1}, {2}])", (REAL,) * 3),),
    )
)
SUM.rule = _sum_rule


@overload
def sum(terms: Iterable[Value]) -> Value: ...
@overload
def sum(terms: Iterable[float]) -> float: ...
@overload
def sum(terms: Iterable[Value | float]) -> Value | float: ...
def sum(terms: Iterable[Any]) -> Any:
    """One node for x_1 + ... + x_n; d/dx_i = 1 for every Value term.

    Numbers among the terms are added to the data but are not parents; with no
    Value among them the result is a float.

    >>> a, b = Value(1.0), Value(2.0)
    >>> s = sum([a, b, 3])
    >>> s.data, len(s.parents)
    (6.0, 2)
    >>> sum([1, 2.5])
    3.5
    """
    parents = []
    total = 0.0
    const = 0.0
    for t in terms:
        if isinstance(t, Value):
            parents.append(t)
            total += t._d
        else:
            f = _as_float(t, "sum()")
            total += f
            const += f
    if not parents:
        return total
    return _node(total, tuple(parents), SUM.rule(len(parents)), SUM, const)


DOT = register(
    Op(
        "dot",
        VARIADIC,
        lambda ws, xs, b=0.0: dot(list(ws), list(xs), b),  # plain numbers give a float
        (),
        "One node for w . x + b = sum_i w_i x_i + b; d/dw_i = x_i, d/dx_i = w_i, d/db = 1",
        function="dot",
        fast="autograd_lite.dot",
        source=_dot_source,
        forms=(
            Operator(
                "dot",
                4,
                lambda a, b, c, d: dot((a, b), (c, d)),
                "dot",
                "dot([{0}, {1}], [{2}, {3}])",
                (REAL,) * 4,
            ),
            Operator(
                "dot_bias",
                5,
                lambda a, b, c, d, e: dot((a, b), (c, d), e),
                "dot",
                "dot([{0}, {1}], [{2}, {3}], bias={4})",
                (REAL,) * 5,
            ),
            Operator(
                "dot_const",
                3,
                lambda a, b, e, c: dot((a, b), c, e),
                "dot",
                "dot([{0}, {1}], [{c[0]}, {c[1]}], bias={2})",
                (REAL,) * 3,
                constants=((1.5, -2.0), (0.5, 3.0)),
            ),
            Operator(
                "dot_mixed",
                3,
                lambda a, b, x, c: dot((a, b), (x, c)),
                "dot",
                "dot([{0}, {1}], [{2}, {c}])",
                (REAL,) * 3,
                constants=(2.0, -1.0),
            ),
        ),
    )
)
DOT.rule, DOT.vrule = _dot_rule, _dot_vrule
_JUST_VALUE = frozenset({Value})
_JUST_FLOAT = frozenset({float})


@overload
def dot(ws: Iterable[Value], xs: Iterable[Value | float], bias: Value | float = 0.0) -> Value: ...
@overload
def dot(ws: Iterable[float], xs: Iterable[float], bias: float = 0.0) -> float: ...
@overload
def dot(
    ws: Iterable[Value | float], xs: Iterable[Value | float], bias: Value | float = 0.0
) -> Value | float: ...
def dot(ws: Iterable[Any], xs: Iterable[Any], bias: Any = 0.0) -> Any:
    """One node for w . x + b = sum_i w_i x_i + b.

    d/dw_i = x_i, d/dx_i = w_i, d/db = 1.  Either factor of a product may be a
    plain number (a constant, not a parent); with no Value at all the result is
    a float.  This is a neuron's pre-activation.

    >>> w = [Value(0.5), Value(-1.0)]
    >>> z = dot(w, [2.0, 3.0], bias=1.0)
    >>> z.data
    -1.0
    >>> z.backward(); [wi.grad for wi in w]
    [2.0, 3.0]
    """
    ws = ws if type(ws) is list or type(ws) is tuple else list(ws)
    xs = xs if type(xs) is list or type(xs) is tuple else list(xs)
    n = len(ws)
    if len(xs) != n:
        raise ValueError(f"dot() needs two sequences of the same length, got {n} and {len(xs)}")
    with_bias = isinstance(bias, Value)
    b = 0.0 if with_bias else _as_float(bias, "dot()")
    if n == 0:
        return bias if with_bias else b
    if _JUST_VALUE.issuperset(map(type, ws)):
        if _JUST_FLOAT.issuperset(map(type, xs)):
            return dot_rows((ws,), (bias if with_bias else None,), xs, False, b)[0]
        if _JUST_VALUE.issuperset(map(type, xs)):
            return dot_rows((ws,), (bias if with_bias else None,), xs, True, b)[0]
    return _dot_mixed(list(ws), list(xs), bias, b)


_SPECS: dict = {}
_ONE = (1.0,)
#: What :func:`dot_rows` reads of its rows, once per version of the data:
#: (clock, rows as lists, biases, per row the tuple of its Values, of their data,
#: the bias's data, the bias as a tuple of 0 or 1, the Values and the bias as one
#: tuple; the rows' common length, or -1).
RowsState = tuple[int, list, list, list, list, list, list, list, int]


def _rows_state(rows: Sequence[Sequence[Value]], biases: Sequence[Value | None], who: str) -> RowsState:
    clock = _clock[0]  # read before the data: a write after this point changes the clock
    ws_ts = [tuple(ws) for ws in rows]
    tails = [() if bias is None else (bias,) for bias in biases]
    wsbs = [ws + tail for ws, tail in zip(ws_ts, tails)]
    for j, row in enumerate(wsbs):
        for w in row:
            if not isinstance(w, Value):
                raise TypeError(
                    f"{who}: the weights and bias of row {j} must be Values, got {type(w).__name__} {w!r}"
                )
    return (
        clock,
        [list(ws) for ws in rows],
        list(biases),
        ws_ts,
        [tuple([w._d for w in ws]) for ws in ws_ts],
        [0.0 if bias is None else bias._d for bias in biases],
        tails,
        wsbs,
        len(ws_ts[0]) if len({len(ws) for ws in ws_ts}) == 1 else -1,
    )


def dot_rows(
    rows: Sequence[Sequence[Value]],
    biases: Sequence[Value | None],
    xs: Sequence[Any],
    values: bool,
    b: float = 0.0,
    memo: list | None = None,
    who: str = "dot_rows()",
) -> list[Value]:
    """``[w_j . x + b_j + b for each row w_j]``: one :func:`dot` node per row, all of the same ``x``.

    A layer's pre-activations, for callers that know the types of ``xs``
    (``nn``'s layers), which is not checked: all Values (``values=True``) or
    all floats.  Each row is Values as long as ``xs`` and a bias is a Value or
    None (both checked when the rows are read); ``b`` is a constant added.
    The data of ``xs`` is read once for all rows.

    ``memo``, a list ``[None]`` the caller keeps from call to call, keeps what
    is read of the rows (their Values' data, tuples of them) while no Value's
    data is written anywhere and the rows and biases hold the same Values, so
    a layer applied to many samples reads its weights once.  The nodes then
    share those tuples (a ``_Chunks`` of parents, see :mod:`autograd_lite.value`).  ``who``
    names the caller in the errors for rows that are not Values or not as
    long as ``xs``.
    """
    state = memo[0] if memo else None
    if state is None or state[0] != _clock[0] or state[1] != rows or state[2] != biases:
        state = _rows_state(rows, biases, who)
        if memo:
            memo[0] = state
    _, _, _, ws_ts, wds, bds, tails, wsbs, width = state
    if width != len(xs):
        sizes = sorted({len(ws) for ws in ws_ts})
        raise ValueError(f"{who}: rows of {' or '.join(map(str, sizes))} weights for {len(xs)} inputs")
    rule = DOT.rule
    own = rule is _dot_rule  # else a replaced rule (the mutation tests): go through it
    out: list[Value] = []
    if values:  # Values times Values: d/dw_i = x_i, d/dx_i = w_i
        xt = tuple(xs)
        xd = tuple([x._d for x in xt])
        with_b = _SPECS.get((True, b)) or _SPECS.setdefault((True, b), ("vv", True, b))
        without_b = _SPECS.get((False, b)) or _SPECS.setdefault((False, b), ("vv", False, b))
        for ws, wd, bd, tail in zip(ws_ts, wds, bds, tails):
            total = _fsum(map(_mul, wd, xd), b)
            if not own:  # flat storage, through the replaced rule
                spec = with_b if tail else without_b
                ds = rule("vv", xd, wd, bool(tail))
                out.append(_node(total + bd if tail else total, ws + xt + tail, ds, DOT, spec))
            elif tail:
                out.append(_node(total + bd, _Chunks((ws, xt, tail)), (xd, wd, _ONE), DOT, with_b))
            else:
                out.append(_node(total, _Chunks((ws, xt)), (xd, wd), DOT, without_b))
        return out
    # Values times constants (a network's first layer): d/dw_i = x_i; the rows share
    # one tuple of numbers, and each node's parents are its row's shared tuple
    xt = tuple(xs)
    spec_b, spec = ("const", True, b, xt), ("const", False, b, xt)
    ds_b = (*xt, 1.0)
    for wsb, wd, bd, tail in zip(wsbs, wds, bds, tails):
        total = _fsum(map(_mul, wd, xt), b)
        if tail:
            out.append(_node(total + bd, wsb, ds_b if own else rule("const", xt, True), DOT, spec_b))
        else:
            out.append(_node(total, wsb, xt if own else rule("const", xt, False), DOT, spec))
    return out


def _dot_mixed(ws: list, xs: list, bias: Any, b: float) -> Any:
    """dot() where Values and numbers are mixed in any way."""
    parents: list = []
    spec: list = []  # per parent: index of its partner among parents, or -1 and a constant
    pairs: list = []  # per product with a Value: its source (for the compile mode)
    total = 0.0
    const = b  # the constant part: the bias and the products of two numbers
    for w, x in zip(ws, xs):
        w_is, x_is = isinstance(w, Value), isinstance(x, Value)
        wd = w._d if w_is else _as_float(w, "dot()")
        xd = x._d if x_is else _as_float(x, "dot()")
        total += wd * xd
        i = len(parents)
        if w_is and x_is:
            parents += (w, x)
            spec += ((i + 1, 0.0), (i, 0.0))
            pairs.append((f"{{p{i}}}", f"{{p{i + 1}}}"))
        elif w_is:
            parents.append(w)
            spec.append((-1, xd))
            pairs.append((f"{{p{i}}}", _literal(xd)))
        elif x_is:
            parents.append(x)
            spec.append((-1, wd))
            pairs.append((_literal(wd), f"{{p{i}}}"))
        else:
            const += wd * xd
    total += b
    with_bias = isinstance(bias, Value)
    if with_bias:
        parents.append(bias)
        spec.append((-1, 1.0))
        total += bias._d
    if not parents:
        return total
    ds = DOT.rule("mixed", [parents[j]._d if j >= 0 else c for j, c in spec])
    return _node(total, tuple(parents), ds, DOT, ("mixed", tuple(pairs), tuple(spec), with_bias, const))


VALUE_NS["sum"] = sum
VALUE_NS["dot"] = dot
__all__ = ["sum", "dot"]
