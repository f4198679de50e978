"""Exponentials, logarithms and roots: exp, exp2, expm1, log, log2, log10, log1p, sqrt, cbrt."""

from __future__ import annotations

import math

from .._compat import cbrt as _cbrt
from ._kernels import checked, overflow_safe
from .lift import function_record as _op
from .lift import unary
from .registry import Domain
from .signatures import UnaryFunction

_MODERATE = Domain(bound=3.0)
_POSITIVE = Domain(positive=True)


exp: UnaryFunction = unary(
    _op("exp", overflow_safe("exp", math.exp, "inputs above 709.78 do"), "out", "e^a; d/da = e^a", _MODERATE)
)
exp2: UnaryFunction = unary(
    _op(
        "exp2",
        overflow_safe("exp2", lambda x: 2.0**x, "inputs above 1024 do"),
        "out * 0.6931471805599453",
        "2^a; d/da = 2^a ln 2",
        _MODERATE,
    )
)
expm1: UnaryFunction = unary(
    _op(
        "expm1",
        overflow_safe("expm1", math.expm1, "inputs above 709.78 do"),
        "out + 1.0",
        "e^a - 1 (exact for small a); d/da = e^a",
        _MODERATE,
    )
)
log: UnaryFunction = unary(
    _op(
        "log",
        checked("log", math.log, lambda x: x > 0.0, "input must be > 0"),
        "1.0 / a",
        "ln a for a > 0; d/da = 1/a",
        _POSITIVE,
    )
)
log2: UnaryFunction = unary(
    _op(
        "log2",
        checked("log2", math.log2, lambda x: x > 0.0, "input must be > 0"),
        "1.0 / (a * 0.6931471805599453)",
        "log2 a for a > 0; d/da = 1/(a ln 2)",
        _POSITIVE,
    )
)
log10: UnaryFunction = unary(
    _op(
        "log10",
        checked("log10", math.log10, lambda x: x > 0.0, "input must be > 0"),
        "1.0 / (a * 2.302585092994046)",
        "log10 a for a > 0; d/da = 1/(a ln 10)",
        _POSITIVE,
    )
)
log1p: UnaryFunction = unary(
    _op(
        "log1p",
        checked("log1p", math.log1p, lambda x: x > -1.0, "input must be > -1"),
        "1.0 / (1.0 + a)",
        "ln(1 + a) for a > -1 (exact for small a); d/da = 1/(1 + a)",
        _POSITIVE,
    )
)
sqrt: UnaryFunction = unary(
    _op(
        "sqrt",
        checked("sqrt", math.sqrt, lambda x: x >= 0.0, "input must be >= 0"),
        "0.5 / out if out > 0.0 else inf",
        "sqrt(a) for a >= 0; d/da = 1/(2 sqrt a) (inf at 0)",
        Domain(positive=True, avoid=(0.0,)),
        kinks=(0.0,),
    )
)
cbrt: UnaryFunction = unary(
    _op(
        "cbrt",
        _cbrt,
        "1.0 / (3.0 * out * out) if out > 0.0 or out < 0.0 else inf",
        "real cube root a^(1/3); d/da = 1/(3 a^(2/3)) (inf at 0)",
        Domain(avoid=(0.0,)),
        kinks=(0.0,),
    )
)

__all__ = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "cbrt"]
