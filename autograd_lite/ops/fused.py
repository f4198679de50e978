"""Fused n-ary nodes: ``sum`` of many terms and ``dot``, a neuron's w . x + b, as one node each.

One node instead of a chain of binary ones: a neuron with 16 inputs is one
``dot`` node (33 parents) instead of 32 ``*`` and ``+`` nodes, so building and
sweeping a network costs far less.  Their storage is hand-tuned (listed in the
records' ``fast``): the local derivatives of a sum are the constants 1, those
of w . x are the partners of each factor (d/dw_i = x_i, d/dx_i = w_i).
"""

from __future__ import annotations

from builtins import sum as _fsum
from collections.abc import Iterable
from functools import cache
from operator import mul as _mul
from typing import Any, overload

from ..value import Rule, Value, _as_float, _get_d, _node
from .registry import REAL, VALUE_NS, VARIADIC, Op, Operator, _literal, register


@cache
def _sum_rule(n: int) -> tuple[float, ...]:
    """d(x_1 + ... + x_n)/dx_i = 1 for each of the n parents (one shared tuple per n)."""
    return (1.0,) * n


@cache
def _dot_vv(n: int, with_bias: bool) -> Rule:
    """Rule of w . x (+ b) over 2n (+1) Value parents: d/dw_i = x_i, d/dx_i = w_i, d/db = 1.

    One shared function per (n, with_bias): a layer's neurons all use the same.
    """
    if with_bias:
        return lambda out, *p: p[n : 2 * n] + p[:n] + (1.0,)
    return lambda out, *p: p[n:] + p[:n]


def _dot_rule(kind: str, *args: Any) -> Rule:
    """The rule a dot node stores, by its storage ``kind``.

    ``"const"``: Values times constants xs (a network's first layer): the tuple
    (xs..., 1.0 for a Value bias); ``"vv"``: Values times Values, the shared
    function for (n, with_bias); ``"mixed"``: per parent, its partner's index
    (d = the partner) or -1 and the constant d.
    """
    if kind == "const":
        xs, with_bias = args
        return (*xs, 1.0) if with_bias else tuple(xs)
    if kind == "vv":
        return _dot_vv(*args)
    spec = args[0]
    return lambda out, *p: tuple(p[j] if j >= 0 else c for j, c in spec)


def _sum_source(node: Value) -> tuple[str, tuple[str, ...]]:
    n = len(node.parents)
    const = _literal(node._c) if node._c else ""
    terms = [f"{{p{i}}}" for i in range(n)] + ([const] if const else [])
    return "(" + " + ".join(terms or ["0.0"]) + ")", ("1.0",) * n


def _dot_source(node: Value) -> tuple[str, tuple[str, ...]]:
    kind, *spec = node._c
    n_par = len(node.parents)
    if kind == "const":
        with_bias, b = spec
        n = n_par - 1 if with_bias else n_par
        xs = node._rule[:n]  # the rule of a const dot is the tuple of the x_i
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
DOT.rule = _dot_rule
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
            return dot_trusted(ws, xs, bias if with_bias else None, b, False)
        if _JUST_VALUE.issuperset(map(type, xs)):
            return dot_trusted(ws, xs, bias if with_bias else None, b, True)
    return _dot_mixed(list(ws), list(xs), bias, b)


_SPECS: dict = {}


def dot_trusted(
    ws: list[Value] | tuple[Value, ...], xs: list | tuple, bias: Value | None, b: float, values: bool
) -> Value:
    """:func:`dot` without checks, for callers that know the types (``nn``'s layers).

    ``ws``: Values; ``xs``: all Values (``values=True``) or all floats, of the
    same length; ``bias``: a Value or None; ``b``: a constant float added.
    """
    spec = _SPECS.get((values, bias is not None, b))
    if spec is None:
        spec = _SPECS.setdefault(
            (values, bias is not None, b), ("vv" if values else "const", bias is not None, b)
        )
    rule = DOT.rule
    if values:  # Values times Values: d/dw_i = x_i, d/dx_i = w_i
        total = _fsum(map(_mul, map(_get_d, ws), map(_get_d, xs)), b)
        if bias is not None:
            total += bias._d
            return _node(
                total,
                (*ws, *xs, bias),
                _dot_vv(len(ws), True) if rule is _dot_rule else rule("vv", len(ws), True),
                DOT,
                spec,
            )
        return _node(
            total,
            (*ws, *xs),
            _dot_vv(len(ws), False) if rule is _dot_rule else rule("vv", len(ws), False),
            DOT,
            spec,
        )
    # Values times constants (a network's first layer): d/dw_i = x_i, stored as the tuple of the x_i
    total = _fsum(map(_mul, map(_get_d, ws), xs), b)
    if bias is not None:
        total += bias._d
        return _node(
            total, (*ws, bias), (*xs, 1.0) if rule is _dot_rule else rule("const", xs, True), DOT, spec
        )
    return _node(total, tuple(ws), tuple(xs) if rule is _dot_rule else rule("const", xs, False), DOT, spec)


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
    rule = DOT.rule("mixed", tuple(spec))
    return _node(total, tuple(parents), rule, DOT, ("mixed", tuple(pairs), tuple(spec), with_bias, const))


VALUE_NS["sum"] = sum
VALUE_NS["dot"] = dot
__all__ = ["sum", "dot"]
