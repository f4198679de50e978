"""Circular and hyperbolic functions and their inverses, atan2 and hypot."""

from __future__ import annotations

import math

from ..value import _fmt
from ._kernels import checked, overflow_safe
from .lift import binary, function_form, unary
from .lift import function_record as _op
from .registry import REAL, Domain, Op
from .signatures import BinaryFunction, UnaryFunction

_INSIDE = Domain(inside=True, margin=0.2)  # |a| <= 0.8: the open interval (-1, 1) with a margin
_NONZERO = Domain(avoid=(0.0,))


def _tan(x: float) -> float:
    out = math.tan(x)
    if not math.isfinite(out):  # pragma: no cover - tan of a float never reaches a pole exactly
        raise OverflowError(f"tan() of {_fmt(x)} overflows a float")
    return out


sin: UnaryFunction = unary(_op("sin", math.sin, "cos(a)", "sin a; d/da = cos a", REAL))
cos: UnaryFunction = unary(_op("cos", math.cos, "-sin(a)", "cos a; d/da = -sin a", REAL))
tan: UnaryFunction = unary(
    _op("tan", _tan, "1.0 + out * out", "tan a; d/da = 1 + tan^2 a", Domain(bound=1.2))
)
asin: UnaryFunction = unary(
    _op(
        "asin",
        checked("asin", math.asin, lambda x: -1.0 <= x <= 1.0, "input must be in [-1, 1]"),
        "1.0 / sqrt(1.0 - a * a) if a < 1.0 and a > -1.0 else inf",
        "arcsin a for -1 <= a <= 1; d/da = 1/sqrt(1 - a^2) (inf at +-1)",
        _INSIDE,
    )
)
acos: UnaryFunction = unary(
    _op(
        "acos",
        checked("acos", math.acos, lambda x: -1.0 <= x <= 1.0, "input must be in [-1, 1]"),
        "-1.0 / sqrt(1.0 - a * a) if a < 1.0 and a > -1.0 else -inf",
        "arccos a for -1 <= a <= 1; d/da = -1/sqrt(1 - a^2) (-inf at +-1)",
        _INSIDE,
    )
)
atan: UnaryFunction = unary(
    _op("atan", math.atan, "1.0 / (1.0 + a * a)", "arctan a; d/da = 1/(1 + a^2)", REAL)
)
sinh: UnaryFunction = unary(
    _op(
        "sinh",
        overflow_safe("sinh", math.sinh, "inputs above 710.47 in size do"),
        "cosh(a)",
        "sinh a; d/da = cosh a",
        Domain(bound=3.0),
    )
)
cosh: UnaryFunction = unary(
    _op(
        "cosh",
        overflow_safe("cosh", math.cosh, "inputs above 710.47 in size do"),
        "sinh(a)",
        "cosh a; d/da = sinh a",
        Domain(bound=3.0),
    )
)
tanh: UnaryFunction = unary(_op("tanh", math.tanh, "1.0 - out * out", "tanh a; d/da = 1 - tanh^2 a", REAL))
asinh: UnaryFunction = unary(
    _op("asinh", math.asinh, "1.0 / sqrt(a * a + 1.0)", "arsinh a; d/da = 1/sqrt(a^2 + 1)", REAL)
)
acosh: UnaryFunction = unary(
    _op(
        "acosh",
        checked("acosh", math.acosh, lambda x: x >= 1.0, "input must be >= 1"),
        "1.0 / sqrt(a * a - 1.0) if a > 1.0 else inf",
        "arcosh a for a >= 1; d/da = 1/sqrt(a^2 - 1) (inf at 1)",
        Domain(positive=True, margin=1.5),
    )
)
atanh: UnaryFunction = unary(
    _op(
        "atanh",
        checked("atanh", math.atanh, lambda x: -1.0 < x < 1.0, "input must be in (-1, 1)"),
        "1.0 / (1.0 - a * a)",
        "artanh a for -1 < a < 1; d/da = 1/(1 - a^2)",
        _INSIDE,
    )
)

atan2: BinaryFunction = binary(
    Op(
        "atan2",
        2,
        math.atan2,
        (
            "b / (a * a + b * b) if a * a + b * b > 0.0 else 0.0",
            "-a / (a * a + b * b) if a * a + b * b > 0.0 else 0.0",
        ),
        "the angle of the point (b, a), in (-pi, pi]; "
        "d/da = b/(a^2 + b^2), d/db = -a/(a^2 + b^2) (0 at the origin)",
        method="atan2",
        function="atan2",
        # a stays away from 0: atan2 jumps by 2 pi where a crosses 0 with b < 0
        forms=(function_form("atan2", (_NONZERO, REAL)),),
    )
)


def _hypot(a: float, b: float) -> float:
    out = math.hypot(a, b)
    if not math.isfinite(out):
        raise OverflowError(f"hypot() of ({_fmt(a)}, {_fmt(b)}) overflows a float")
    return out


hypot: BinaryFunction = binary(
    Op(
        "hypot",
        2,
        _hypot,
        ("a / out if out > 0.0 else 0.0", "b / out if out > 0.0 else 0.0"),
        "sqrt(a^2 + b^2) without overflow; d/da = a/out, d/db = b/out (0 at the origin)",
        method="hypot",
        function="hypot",
        forms=(function_form("hypot", (_NONZERO, REAL)),),
    )
)

__all__ = [
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "atan2",
    "hypot",
]
