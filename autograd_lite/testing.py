"""Hypothesis strategies for testing derivatives: safe floats and random expressions.

Import it in your own tests (it needs hypothesis: ``pip install
'autograd-lite[testing]'``)::

    from hypothesis import given
    from autograd_lite.testing import assert_gradients_match, values

    @given(values(-3, 3), values(0.1, 3))
    def test_my_function_has_the_right_gradient(x, y):
        assert_gradients_match(my_function, [x, y])

:func:`values` draws floats that are safe to compute with; :func:`expressions`
draws random expressions of the engine's operators (:data:`OPERATORS`)
together with a point at which every operation is defined and
differentiable.  The point is inside every operator's domain by
construction: an operand that would leave it is shifted or scaled first, and
the shift is part of the expression (``log(x0 + 1.0)``), so nothing is
filtered and hypothesis shrinks failures to small readable expressions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Protocol

try:
    from hypothesis import strategies as st
except ImportError as _missing:  # pragma: no cover - depends on the installation
    raise ImportError(
        "autograd_lite.testing needs hypothesis: pip install 'autograd-lite[testing]'"
    ) from _missing

from .check import assert_gradients_match
from .ops.registry import FORMS, REGISTRY, Domain, Operator
from .value import Value

__all__ = [
    "values",
    "expressions",
    "Expression",
    "assert_gradients_match",
    "OPERATORS",
    "Operator",
    "Domain",
    "LIMIT",
    "Node",
]

#: Every expression form of every registered operator, by name: what :func:`expressions` draws
#: (``"dot_bias"``, ``"pow_frac"``... are further forms of ``dot`` and ``pow_const``).
OPERATORS: dict[str, Operator] = FORMS

#: Every node of a drawn expression stays within [-LIMIT, LIMIT] at its point (larger ones are scaled).
LIMIT = 10.0
_ATOM = 5


def values(
    min_value: float = -10.0, max_value: float = 10.0, *, min_magnitude: float = 0.0
) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value]: no nan, no infinity, no subnormals.

    With ``min_magnitude`` > 0 only abs(x) >= min_magnitude (drawn from the two
    sub-ranges, not filtered), e.g. to keep away from a kink at 0.
    """
    for name, x in (("min_value", min_value), ("max_value", max_value), ("min_magnitude", min_magnitude)):
        if not (isinstance(x, (int, float)) and math.isfinite(x)):
            raise ValueError(f"values(): {name} must be a finite number, got {x!r}")
    if min_value > max_value:
        raise ValueError(f"values(): min_value {min_value} is larger than max_value {max_value}")
    if min_magnitude < 0:
        raise ValueError(f"values(): min_magnitude must be >= 0, got {min_magnitude}")

    def floats(lo: float, hi: float) -> st.SearchStrategy[float]:
        return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)

    if min_magnitude == 0:
        return floats(min_value, max_value)
    parts = []
    if max_value >= min_magnitude:
        parts.append(floats(max(min_value, min_magnitude), max_value))
    if min_value <= -min_magnitude:
        parts.append(floats(min_value, min(max_value, -min_magnitude)))
    if not parts:
        raise ValueError(f"values(): no number in [{min_value}, {max_value}] has |x| >= {min_magnitude}")
    return st.one_of(parts)


# ------------------------------------------------------------ expressions


class Node(Protocol):
    """A node of an :class:`Expression`'s tree: a variable ``x<i>`` or an operator applied to nodes.

    :func:`expressions` builds the trees; a test only calls the
    :class:`Expression` that holds one.
    """

    def eval(self, xs: tuple) -> Any:
        """The node's value at the arguments ``xs`` (Values or floats)."""

    def text(self) -> tuple[str, int]:
        """The node as Python text and the precedence of its outermost operation."""

    def operators(self) -> Iterable[str]:
        """The names of the operators under (and at) this node, innermost first."""


class _Var:
    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def eval(self, xs: tuple) -> Any:
        return xs[self.index]

    def text(self) -> tuple[str, int]:
        return f"x{self.index}", _ATOM

    def operators(self) -> Iterable[str]:
        return ()


class _Apply:
    __slots__ = ("op", "args", "c")

    def __init__(self, op: Operator, args: tuple, c: Any) -> None:
        self.op, self.args, self.c = op, args, c

    def eval(self, xs: tuple) -> Any:
        return self.op(*[a.eval(xs) for a in self.args], c=self.c)

    def text(self) -> tuple[str, int]:
        texts = [a.text() for a in self.args]
        return (self.op.render([t for t, _ in texts], self.c, [p for _, p in texts]), self.op.precedence)

    def operators(self) -> Iterable[str]:
        for a in self.args:
            yield from a.operators()
        yield self.op.name


class Expression:
    """A drawn expression of ``n_vars`` variables and a point inside its domain.

    Call it on Values (``e(*xs)`` gives a Value) or on floats (gives a float);
    ``point`` is where every operation in it is defined and differentiable.
    ``str(e)`` is the formula, in Python with the names of :mod:`autograd_lite`;
    ``repr(e)`` adds the point.

    >>> from hypothesis import find, settings
    >>> from autograd_lite import Value
    >>> e = find(expressions(n_vars=1, ops=["log"]), lambda e: True, settings=settings(database=None))
    >>> e, e.point, str(e)
    (log(x0 + 1.0)  where x0=0.0, (0.0,), 'log(x0 + 1.0)')
    >>> e(0.0) == e(Value(0.0)).data == 0.0
    True
    """

    __slots__ = ("_root", "point", "n_vars", "formula")
    point: tuple[float, ...]
    n_vars: int
    formula: str

    def __init__(self, root: Node, point: tuple[float, ...]) -> None:
        self._root = root
        self.point = tuple(point)
        self.n_vars = len(self.point)
        self.formula = root.text()[0]

    def __call__(self, *xs: Any) -> Any:
        if len(xs) != self.n_vars:
            raise TypeError(f"{self.formula} takes {self.n_vars} arguments, got {len(xs)}")
        out = self._root.eval(xs)
        if isinstance(out, Value) and not any(isinstance(x, Value) for x in xs):
            return out.data
        return out

    @property
    def operators(self) -> tuple[str, ...]:
        """The names of the operators in the expression (each once), innermost first."""
        return tuple(dict.fromkeys(self._root.operators()))

    def __str__(self) -> str:
        return self.formula

    def __repr__(self) -> str:
        where = ", ".join(f"x{i}={x!r}" for i, x in enumerate(self.point))
        return f"{self.formula}  where {where}"


def _scaled(node: Any, v: float, bound: float) -> tuple[Any, float]:
    """node * 10^-k with the smallest k that brings |v| to at most ``bound``."""
    s = 10.0 ** -math.ceil(math.log10(abs(v) / bound))
    return _Apply(OPERATORS["mul_const"], (node,), s), v * s


def _shifted(node: Any, v: float, s: float) -> tuple[Any, float]:
    return _Apply(OPERATORS["add_const"], (node,), s), v + s


def _fit(node: Any, v: float, domain: Domain, avoid: tuple[float, ...] = ()) -> tuple[Any, float]:
    """The operand moved inside ``domain``: scaled into its bound, shifted up or away from points.

    ``avoid``: more points to stay ``domain.margin`` away from (the kinks of an
    operator with the drawn constant).
    """
    if domain.bound is not None and abs(v) > domain.bound:
        node, v = _scaled(node, v, domain.bound)
    if domain.inside and abs(v) > 1.0 - domain.margin:
        node, v = _scaled(node, v, 1.0 - domain.margin)
    if domain.positive and v < domain.margin:
        node, v = _shifted(node, v, float(math.ceil(domain.margin - v)))
    points = sorted(set(domain.avoid) | set(avoid))
    for _ in range(len(points) + 1):  # a shift away from one point may come close to another
        close = [p for p in points if abs(v - p) < domain.margin]
        if not close:
            break
        node, v = _shifted(node, v, 2.0 * domain.margin)
    if domain.inside and abs(v) > 1.0 - domain.margin:  # a shift may leave (-1, 1): scale back
        node, v = _scaled(node, v, 1.0 - domain.margin)
    return node, v


def _limited(node: Any, v: float) -> tuple[Any, float]:
    return _scaled(node, v, LIMIT) if abs(v) > LIMIT else (node, v)


def _draw_node(draw: Any, ops: tuple, point: tuple, depth: int, max_depth: int) -> tuple[Any, float]:
    if depth > 0 and (depth >= max_depth or draw(st.integers(0, 2)) == 0):
        i = draw(st.integers(0, len(point) - 1))
        return _limited(_Var(i), point[i])
    op = draw(st.sampled_from(ops))
    c = draw(st.sampled_from(op.constants)) if op.constants else None
    kinks = op.kinks_for(c)
    args: list[Any] = []
    vals: list[float] = []
    for domain in op.domain:
        node, v = _fit(*_draw_node(draw, ops, point, depth + 1, max_depth), domain, kinks)
        if op.apart and vals and abs(v - vals[0]) < domain.margin:  # away from the kink a == b
            node, v = _shifted(node, v, 2.0 * domain.margin)
        args.append(node)
        vals.append(v)
    return _limited(_Apply(op, tuple(args), c), float(op(*vals, c=c)))


@st.composite
def _expressions(
    draw: Any, n_vars: int, ops: tuple, max_depth: int, leaf: st.SearchStrategy[float]
) -> Expression:
    point = tuple(draw(leaf) for _ in range(n_vars))
    root, _ = _draw_node(draw, ops, point, 0, max_depth)
    return Expression(root, point)


def expressions(
    n_vars: int = 2,
    ops: Iterable[str | Operator] | None = None,
    max_depth: int = 3,
    *,
    min_value: float = -3.0,
    max_value: float = 3.0,
) -> st.SearchStrategy[Expression]:
    """Random :class:`Expression` s of ``n_vars`` variables, each with a point in its domain.

    ``ops``: names of forms from :data:`OPERATORS` (every registered operator
    has a form of its own name; ``"dot_bias"`` is one of several forms of
    ``dot``) or :class:`Operator` objects; all by default.  The outermost
    operation is always one of them and operations
    nest at most ``max_depth`` deep; the point's coordinates are drawn from
    ``values(min_value, max_value)``.  An operand outside its operator's
    domain (or too close to a kink) is shifted (``log(x0 + 1.0)``), one too
    large for it scaled (``exp(x0 * 0.1)``), and any value above
    :data:`LIMIT` scaled down, so the expression is defined, differentiable
    and of moderate size within 0.1 of the point.  Shift and scale use
    ``add_const`` and ``mul_const``, whichever ``ops`` are chosen.

    >>> from hypothesis import given, settings
    >>> from autograd_lite import gradcheck
    >>> @settings(max_examples=25, database=None, deadline=None)
    ... @given(expressions(n_vars=1, ops=["tanh", "exp", "sin"]))
    ... def test_engine(e):
    ...     assert gradcheck(e, e.point).passed
    >>> test_engine()
    """
    if not (isinstance(n_vars, int) and n_vars >= 1):
        raise ValueError(f"expressions(): n_vars must be an int >= 1, got {n_vars!r}")
    if not (isinstance(max_depth, int) and max_depth >= 1):
        raise ValueError(f"expressions(): max_depth must be an int >= 1, got {max_depth!r}")
    chosen: list[Operator] = []
    for op in OPERATORS.values() if ops is None else ops:
        if isinstance(op, str):
            if op not in OPERATORS and op in REGISTRY:
                chosen += REGISTRY[op].forms  # every form of the operator
                continue
            if op not in OPERATORS:
                raise ValueError(f"expressions(): unknown operator {op!r}; known: {', '.join(OPERATORS)}")
            op = OPERATORS[op]
        elif not isinstance(op, Operator):
            raise TypeError(f"expressions(): ops must be names or Operators, got {op!r}")
        chosen.append(op)
    if not chosen:
        raise ValueError("expressions(): ops is empty")
    return _expressions(n_vars, tuple(chosen), max_depth, values(min_value, max_value))
