"""Arithmetic: ``+ - * / **``, unary ``-`` and ``abs``, each with its records.

The dunders are hand-written fast paths (listed in each record's ``fast``):
they dispatch on the operand's type and store the record's rule, so a node of
``a * b`` costs one object.  A constant operand gets a record of its own
(``mul_const``: d(x*c)/dx = c), since its node stores one parent.
"""

from __future__ import annotations

import math
from dataclasses import replace
from numbers import Real
from typing import Any

from ..value import Value, _as_float, _fmt, _node
from .registry import REAL, Domain, Op, Operator, register

_INF = math.inf
_NONZERO = Domain(avoid=(0.0,))
_POSITIVE = Domain(positive=True)
_MODERATE = Domain(bound=3.0)


def _pow_kinks(c: Any) -> tuple[float, ...]:
    """x ** c is not differentiable at 0 unless c is a whole number >= 0."""
    return () if c >= 0.0 and float(c).is_integer() else (0.0,)


def _check_pow(base: float, exp: float, value_exponent: bool) -> float:
    """``base ** exp`` on floats, with the operator's domain errors."""
    if value_exponent and base <= 0.0:
        raise ValueError(
            f"** with a Value exponent needs a base > 0, got {_fmt(base)} "
            "(its derivative d/dy x**y = x**y * log(x) is undefined there)"
        )
    if base < 0.0 and not float(exp).is_integer():
        raise ValueError(
            f"** of a negative base {_fmt(base)} with the non-integer exponent {_fmt(exp)} "
            "is not a real number"
        )
    if base == 0.0 and exp < 0.0:
        raise ZeroDivisionError(f"**: 0.0 raised to the negative power {_fmt(exp)} (division by zero)")
    try:
        return base**exp
    except OverflowError:
        raise OverflowError(f"** of ({_fmt(base)}, {_fmt(exp)}) overflows a float") from None


def _div(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"/: division of {_fmt(a)} by zero")
    return a / b


def _rdiv(a: float, c: float) -> float:
    if a == 0.0:
        raise ZeroDivisionError(f"/: division of {_fmt(c)} by a Value equal to zero")
    return c / a


def _form(
    name: str,
    arity: int,
    apply: Any,
    template: str,
    domain: tuple,
    prec: int = 5,
    operand_prec: tuple = (),
    constants: tuple = (),
    kinks: Any = None,
) -> Operator:
    return Operator(name, arity, apply, name, template, domain, prec, operand_prec, constants, kinks=kinks)


def _rec(
    name: str,
    arity: int,
    kernel: Any,
    d: tuple,
    doc: str,
    label: str,
    fast: str,
    form: Operator,
    *more: Operator,
    params: int = 0,
    kinks: Any = (),
    f: str = "",
) -> Op:
    forms = tuple(replace(x, rule=name) for x in (form, *more))
    return register(
        Op(name, arity, kernel, d, doc, label=label, params=params, kinks=kinks, fast=fast, f=f, forms=forms)
    )


ADD = _rec(
    "add",
    2,
    lambda a, b: a + b,
    ("1.0", "1.0"),
    "a + b; d/da = 1, d/db = 1",
    "+",
    "Value.__add__",
    _form("add", 2, lambda a, b: a + b, "{0} + {1}", (REAL, REAL), 1, (1, 2)),
    f="(a + b)",
)
ADDC = _rec(
    "add_const",
    1,
    lambda a, c: a + c,
    ("1.0",),
    "a + c; d/da = 1",
    "+ {}",
    "Value.__add__",
    _form("add_const", 1, lambda a, c: a + c, "{0} + {c}", (REAL,), 1, (1,), (1.0, 0.5, -2.0)),
    params=1,
    f="(a + c)",
)
SUB = _rec(
    "sub",
    2,
    lambda a, b: a - b,
    ("1.0", "-1.0"),
    "a - b; d/da = 1, d/db = -1",
    "-",
    "Value.__sub__",
    _form("sub", 2, lambda a, b: a - b, "{0} - {1}", (REAL, REAL), 1, (1, 2)),
    f="(a - b)",
)
SUBC = _rec(
    "sub_const",
    1,
    lambda a, c: a - c,
    ("1.0",),
    "a - c; d/da = 1",
    "- {}",
    "Value.__sub__",
    _form("sub_const", 1, lambda a, c: a - c, "{0} - {c}", (REAL,), 1, (1,), (1.0, 2.5, -0.5)),
    params=1,
    f="(a - c)",
)
RSUB = _rec(
    "rsub",
    1,
    lambda a, c: c - a,
    ("-1.0",),
    "c - a; d/da = -1",
    "{} -",
    "Value.__rsub__",
    _form("rsub", 1, lambda a, c: c - a, "{c} - {0}", (REAL,), 1, (2,), (1.0, 3.0, -2.0)),
    params=1,
    f="(c - a)",
)
MUL = _rec(
    "mul",
    2,
    lambda a, b: a * b,
    ("b", "a"),
    "a * b; d/da = b, d/db = a",
    "*",
    "Value.__mul__",
    _form("mul", 2, lambda a, b: a * b, "{0} * {1}", (REAL, REAL), 2, (2, 3)),
    f="(a * b)",
)
MULC = _rec(
    "mul_const",
    1,
    lambda a, c: a * c,
    ("c",),
    "a * c; d/da = c",
    "* {}",
    "Value.__mul__",
    _form("mul_const", 1, lambda a, c: a * c, "{0} * {c}", (REAL,), 2, (2,), (2.0, -3.0, 0.5)),
    params=1,
    f="(a * c)",
)
DIV = _rec(
    "div",
    2,
    _div,
    ("1.0 / b", "-out / b"),
    "a / b; d/da = 1/b, d/db = -a/b^2 = -out/b",
    "/",
    "Value.__truediv__",
    _form("div", 2, lambda a, b: a / b, "{0} / {1}", (REAL, _NONZERO), 2, (2, 3)),
)
DIVC = _rec(
    "div_const",
    1,
    lambda a, c: _div(a, c),
    ("1.0 / c",),
    "a / c; d/da = 1/c",
    "/ {}",
    "Value.__truediv__",
    _form("div_const", 1, lambda a, c: a / c, "{0} / {c}", (REAL,), 2, (2,), (2.0, -4.0, 0.5)),
    params=1,
    f="(a / c)",
)
RDIV = _rec(
    "rdiv",
    1,
    _rdiv,
    ("-out / a",),
    "c / a; d/da = -c/a^2 = -out/a",
    "{} /",
    "Value.__rtruediv__",
    _form("rdiv", 1, lambda a, c: c / a, "{c} / {0}", (_NONZERO,), 2, (3,), (1.0, -2.0, 0.5)),
    params=1,
)
POW = _rec(
    "pow",
    2,
    lambda a, b: _check_pow(a, b, True),
    ("b * _pow(a, b - 1.0)", "out * log(a)"),
    "a ** b for a > 0; d/da = b a^(b-1), d/db = a^b ln a",
    "**",
    "Value.__pow__",
    _form("pow", 2, lambda a, b: a**b, "{0} ** {1}", (_POSITIVE, _MODERATE), 4, (5, 5)),
)
POWC = _rec(
    "pow_const",
    1,
    lambda a, c: _check_pow(a, c, False),
    ("0.0 if c == 0.0 else inf if c < 1.0 and a >= 0.0 and a <= 0.0 else c * _pow(a, c - 1.0)",),
    "a ** c; d/da = c a^(c-1) (inf at 0 for 0 < c < 1)",
    "**{}",
    "Value.__pow__",
    # whole exponents (a negative one has a pole at 0) and fractional ones (real for a base > 0)
    _form(
        "pow_const",
        1,
        lambda a, c: a**c,
        "{0} ** {c}",
        (Domain(avoid=(0.0,)),),
        4,
        (5,),
        (2.0, 3.0, -1.0, -2.0, 1.0),
        kinks=_pow_kinks,
    ),
    _form(
        "pow_frac",
        1,
        lambda a, c: a**c,
        "{0} ** {c}",
        (Domain(positive=True, avoid=(0.0,)),),
        4,
        (5,),
        (0.5, 1.5, -0.5, 2.5),
        kinks=_pow_kinks,
    ),
    params=1,
    kinks=_pow_kinks,
)
RPOW = _rec(
    "rpow",
    1,
    lambda a, c: _check_pow(c, a, True),
    ("out * log(c)",),
    "c ** a for a constant c > 0; d/da = c^a ln c",
    "{}**",
    "Value.__rpow__",
    _form("rpow", 1, lambda a, c: c**a, "{c} ** {0}", (_MODERATE,), 4, (5,), (2.0, 0.5, 3.0)),
    params=1,
    f="_k_rpow(a, c)",
)
NEG = _rec(
    "neg",
    1,
    lambda a: -a,
    ("-1.0",),
    "-a; d/da = -1",
    "neg",
    "Value.__neg__",
    _form("neg", 1, lambda a: -a, "-{0}", (REAL,), 3, (5,)),
    f="(-a)",
)
ABS = _rec(
    "abs",
    1,
    abs,
    ("1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0",),
    "|a|; d/da = sign(a), with abs'(0) = 0",
    "abs",
    "Value.__abs__",
    _form("abs", 1, abs, "abs({0})", (Domain(avoid=(0.0,)),)),
    kinks=(0.0,),
    f="abs(a)",
)


# --------------------------------------------------------------- fast paths
def _const(x: Any, op: str) -> float | None:
    """A real operand as a float; None when it is not a real number (the dunder returns NotImplemented)."""
    if type(x) is float and -_INF < x < _INF:
        return x
    if isinstance(x, Real) and not isinstance(x, Value):
        return _as_float(x, op)
    return None


def __add__(self: Value, other: Any) -> Any:
    """a + b; d/da = 1, d/db = 1."""
    if type(other) is Value:  # the second parent stored apart: no tuple
        return _node(self._d + other._d, self, ADD.rule, ADD, other)
    if isinstance(other, Value):
        return _node(self._d + other._d, (self, other), ADD.rule, ADD)
    c = _const(other, "+")
    if c is None:
        return NotImplemented
    return _node(self._d + c, self, ADDC.rule, ADDC, c)


def __sub__(self: Value, other: Any) -> Any:
    """a - b; d/da = 1, d/db = -1."""
    if type(other) is Value:
        return _node(self._d - other._d, self, SUB.rule, SUB, other)
    if isinstance(other, Value):
        return _node(self._d - other._d, (self, other), SUB.rule, SUB)
    c = _const(other, "-")
    if c is None:
        return NotImplemented
    return _node(self._d - c, self, SUBC.rule, SUBC, c)


def __rsub__(self: Value, other: Any) -> Any:
    """c - b; d/db = -1."""
    c = _const(other, "-")
    if c is None:
        return NotImplemented
    return _node(c - self._d, self, RSUB.rule, RSUB, c)


def __mul__(self: Value, other: Any) -> Any:
    """a * b; d/da = b, d/db = a."""
    if type(other) is Value:
        return _node(self._d * other._d, self, MUL.rule, MUL, other)
    if isinstance(other, Value):
        return _node(self._d * other._d, (self, other), MUL.rule, MUL)
    c = _const(other, "*")
    if c is None:
        return NotImplemented
    return _node(self._d * c, self, MULC.rule(c), MULC, c)


def __truediv__(self: Value, other: Any) -> Any:
    """a / b; d/da = 1/b, d/db = -a/b^2."""
    if isinstance(other, Value):
        if other._d == 0.0:
            raise ZeroDivisionError(f"/: division of {_fmt(self._d)} by a Value equal to zero")
        if type(other) is Value:
            return _node(self._d / other._d, self, DIV.rule, DIV, other)
        return _node(self._d / other._d, (self, other), DIV.rule, DIV)
    c = _const(other, "/")
    if c is None:
        return NotImplemented
    return _node(_div(self._d, c), self, DIVC.rule(c), DIVC, c)


def __rtruediv__(self: Value, other: Any) -> Any:
    """c / b; d/db = -c/b^2 = -out/b."""
    c = _const(other, "/")
    if c is None:
        return NotImplemented
    return _node(_rdiv(self._d, c), self, RDIV.rule, RDIV, c)


def __pow__(self: Value, other: Any) -> Any:
    """a ** b; d/da = b a^(b-1), d/db = a^b ln a (needs a > 0 when b is a Value)."""
    if isinstance(other, Value):
        out = _check_pow(self._d, other._d, True)
        if type(other) is Value:
            return _node(out, self, POW.rule, POW, other)
        return _node(out, (self, other), POW.rule, POW)
    c = _const(other, "**")
    if c is None:
        return NotImplemented
    return _node(_check_pow(self._d, c, False), self, POWC.rule, POWC, c)


def __rpow__(self: Value, other: Any) -> Any:
    """c ** b for a constant base c > 0; d/db = c^b ln c."""
    c = _const(other, "**")
    if c is None:
        return NotImplemented
    return _node(_check_pow(c, self._d, True), self, RPOW.rule, RPOW, c)


def __neg__(self: Value) -> Value:
    """-a; d/da = -1."""
    return _node(-self._d, self, NEG.rule, NEG)


def __abs__(self: Value) -> Value:
    """``|a|``; d/da = sign(a), with abs'(0) = 0."""
    return _node(abs(self._d), self, ABS.rule, ABS)


for _fn in (
    __add__,
    __sub__,
    __rsub__,
    __mul__,
    __truediv__,
    __rtruediv__,
    __pow__,
    __rpow__,
    __neg__,
    __abs__,
):
    _fn.__qualname__ = f"Value.{_fn.__name__}"
    setattr(Value, _fn.__name__, _fn)
setattr(Value, "__radd__", __add__)  # noqa: B010 - c + x is x + c
setattr(Value, "__rmul__", __mul__)  # noqa: B010 - c * x is x * c

#: The identity x' = x (d/dx = 1): a fresh node for the same number, through which the
#: functional transformations take an inner derivative.  Not a user operator, so not registered.
IDENTITY = Op("id", 1, lambda a: a, ("1.0",), "a; d/da = 1", label="id", f="a")
IDENTITY.rule, IDENTITY.vrule, IDENTITY.kind = 1.0, None, "const"
