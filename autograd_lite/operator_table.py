"""The engine's operators, described once: name, arity, how to apply, domain, implementing rule.

:data:`OPERATORS` drives the random expressions of :mod:`autograd_lite.testing`
(which build every operand inside its operator's :class:`Domain` by
construction) and the test suite (one property test per operator, and the
mutation tests that replace each operator's ``rule`` in
:mod:`autograd_lite.value` with a wrong one).  Kinks come from
:data:`autograd_lite.value.KINKS`.

Each entry applies an operation with the same calls a user writes; ``apply``
works on Values and on plain floats alike:

>>> from autograd_lite import Value
>>> op = OPERATORS["log"]
>>> op.arity, op.rule, op.domain[0].positive
(1, '_log_rule', True)
>>> op.apply(Value(1.0)).op, op.apply(1.0)
('log', 0.0)
>>> OPERATORS["pow_const"].render(["x0"], -1.0)
'x0 ** (-1.0)'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from . import value as _v
from .value import Value, _fmt

__all__ = ["Domain", "Operator", "OPERATORS", "REAL"]

# precedence of an expression's text: + - (1), * / (2), unary - (3), ** (4), atoms and calls (5)
_ATOM = 5


@dataclass(frozen=True)
class Domain:
    """Where an operand must lie for the operation to be defined and differentiable.

    ``positive``: operand >= ``margin`` (log, sqrt, bases of real powers).
    ``avoid``: points to stay at least ``margin`` away from (kinks, poles).
    ``bound``: abs(operand) <= bound (keeps exp and powers of moderate size).
    """

    positive: bool = False
    avoid: tuple[float, ...] = ()
    bound: "float | None" = None
    margin: float = 0.5

    def contains(self, x: float) -> bool:
        """Whether ``x`` lies inside the domain with its margin."""
        return ((not self.positive or x >= self.margin)
                and all(abs(x - p) >= self.margin for p in self.avoid)
                and (self.bound is None or abs(x) <= self.bound))


REAL = Domain()


@dataclass(frozen=True)
class Operator:
    """One operation of the engine.

    ``apply(*operands)`` (or ``apply(*operands, c)`` for an operator with a
    constant) computes it with the user-facing API; ``rule`` names the
    local-derivative rule (or rule factory) in :mod:`autograd_lite.value` that
    the engine runs for it; ``template`` writes it as Python (``{0}``... the
    operands, ``{c}`` the constant), ``precedence`` is that text's precedence
    and ``operand_precedence`` the least precedence an operand may have without
    parentheses; ``constants`` are the constants drawn for it.
    """

    name: str
    arity: int
    apply: Callable[..., Any]
    rule: str
    template: str
    domain: tuple[Domain, ...]
    precedence: int = _ATOM
    operand_precedence: tuple[int, ...] = ()
    constants: tuple = ()

    def __post_init__(self) -> None:
        if len(self.domain) != self.arity:
            raise ValueError(f"operator {self.name}: {self.arity} operands but {len(self.domain)} domains")

    def __call__(self, *operands: Any, c: Any = None) -> Any:
        return self.apply(*operands, c) if self.constants else self.apply(*operands)

    def render(self, operands: "list[str]", c: Any = None, precedences: "list[int] | None" = None) -> str:
        """The operation as Python text, parenthesising operands of lower precedence."""
        need = self.operand_precedence or (0,) * self.arity
        have = precedences or [_ATOM] * self.arity
        args = [f"({s})" if p < n else s for s, p, n in zip(operands, have, need)]
        if isinstance(c, tuple):
            const: Any = tuple(_fmt(x) for x in c)
        elif c is not None:
            const = _fmt(c)
            if c < 0 and re.search(r"[-+*/] \{c", self.template):
                const = f"({const})"  # a negative constant right of an infix operator
        else:
            const = None
        return self.template.format(*args, c=const)


def _any_value(args: tuple) -> bool:
    return any(isinstance(a, Value) for a in args)


def _sum(*terms: Any) -> Any:
    if _any_value(terms):
        return _v.sum(terms)
    total = 0.0
    for t in terms:
        total += t
    return total


def _dot(ws: tuple, xs: tuple, bias: Any = 0.0) -> Any:
    if _any_value(ws + xs + (bias,)):
        return _v.dot(ws, xs, bias=bias)
    total = 0.0
    for w, x in zip(ws, xs):
        total += w * x
    return total + bias


_NONZERO = Domain(avoid=(0.0,))
_POSITIVE = Domain(positive=True)
_MODERATE = Domain(bound=3.0)


def _table(*ops: Operator) -> dict[str, Operator]:
    return {op.name: op for op in ops}


#: Every operator of the engine, by name.
OPERATORS: dict[str, Operator] = _table(
    Operator("add", 2, lambda a, b: a + b, "_const_tuple_rule", "{0} + {1}", (REAL, REAL), 1, (1, 2)),
    Operator("add_const", 1, lambda a, c: a + c, "_const_rule", "{0} + {c}", (REAL,), 1, (1,),
             (1.0, 0.5, -2.0)),
    Operator("sub", 2, lambda a, b: a - b, "_const_tuple_rule", "{0} - {1}", (REAL, REAL), 1, (1, 2)),
    Operator("sub_const", 1, lambda a, c: a - c, "_const_rule", "{0} - {c}", (REAL,), 1, (1,),
             (1.0, 2.5, -0.5)),
    Operator("rsub", 1, lambda a, c: c - a, "_const_rule", "{c} - {0}", (REAL,), 1, (2,),
             (1.0, 3.0, -2.0)),
    Operator("mul", 2, lambda a, b: a * b, "_mul_rule", "{0} * {1}", (REAL, REAL), 2, (2, 3)),
    Operator("mul_const", 1, lambda a, c: a * c, "_const_rule", "{0} * {c}", (REAL,), 2, (2,),
             (2.0, -3.0, 0.5)),
    Operator("div", 2, lambda a, b: a / b, "_div_rule", "{0} / {1}", (REAL, _NONZERO), 2, (2, 3)),
    Operator("div_const", 1, lambda a, c: a / c, "_const_rule", "{0} / {c}", (REAL,), 2, (2,),
             (2.0, -4.0, 0.5)),
    Operator("rdiv", 1, lambda a, c: c / a, "_rdiv_rule", "{c} / {0}", (_NONZERO,), 2, (3,),
             (1.0, -2.0, 0.5)),
    Operator("pow", 2, lambda a, b: a ** b, "_pow_rule", "{0} ** {1}", (_POSITIVE, _MODERATE), 4, (5, 5)),
    # whole exponents (a negative one has a pole at 0) and fractional ones (real for a base > 0)
    Operator("pow_const", 1, lambda a, c: a ** c, "_pow_const_rule", "{0} ** {c}",
             (Domain(avoid=_v.kinks_of("**{}", -1.0)),), 4, (5,), (2.0, 3.0, -1.0, -2.0, 1.0)),
    Operator("pow_frac", 1, lambda a, c: a ** c, "_pow_const_rule", "{0} ** {c}",
             (Domain(positive=True, avoid=_v.kinks_of("**{}", 0.5)),), 4, (5,), (0.5, 1.5, -0.5, 2.5)),
    Operator("rpow", 1, lambda a, c: c ** a, "_scaled_out_rule", "{c} ** {0}", (_MODERATE,), 4, (5,),
             (2.0, 0.5, 3.0)),
    Operator("neg", 1, lambda a: -a, "_const_rule", "-{0}", (REAL,), 3, (5,)),
    Operator("abs", 1, abs, "_abs_rule", "abs({0})", (Domain(avoid=_v.KINKS["abs"]),)),
    Operator("exp", 1, _v.exp, "_exp_rule", "exp({0})", (_MODERATE,)),
    Operator("log", 1, _v.log, "_log_rule", "log({0})", (_POSITIVE,)),
    Operator("sqrt", 1, _v.sqrt, "_sqrt_rule", "sqrt({0})", (Domain(positive=True, avoid=_v.KINKS["sqrt"]),)),
    Operator("tanh", 1, _v.tanh, "_tanh_rule", "tanh({0})", (REAL,)),
    Operator("sigmoid", 1, _v.sigmoid, "_sigmoid_rule", "sigmoid({0})", (REAL,)),
    Operator("relu", 1, _v.relu, "_relu_rule", "relu({0})", (Domain(avoid=_v.KINKS["relu"]),)),
    Operator("sin", 1, _v.sin, "_sin_rule", "sin({0})", (REAL,)),
    Operator("cos", 1, _v.cos, "_cos_rule", "cos({0})", (REAL,)),
    Operator("sum", 3, _sum, "_sum_rule", "sum([{0}, {1}, {2}])", (REAL,) * 3),
    Operator("dot", 4, lambda a, b, c, d: _dot((a, b), (c, d)), "_dot_vv_rule",
             "dot([{0}, {1}], [{2}, {3}])", (REAL,) * 4),
    Operator("dot_bias", 5, lambda a, b, c, d, e: _dot((a, b), (c, d), e), "_dot_vv_rule",
             "dot([{0}, {1}], [{2}, {3}], bias={4})", (REAL,) * 5),
    Operator("dot_const", 3, lambda a, b, e, c: _dot((a, b), c, e), "_const_tuple_rule",
             "dot([{0}, {1}], [{c[0]}, {c[1]}], bias={2})", (REAL,) * 3, constants=((1.5, -2.0), (0.5, 3.0))),
    Operator("dot_mixed", 3, lambda a, b, x, c: _dot((a, b), (x, c)), "_dot_mixed_rule",
             "dot([{0}, {1}], [{2}, {c}])", (REAL,) * 3, constants=(2.0, -1.0)),
)
