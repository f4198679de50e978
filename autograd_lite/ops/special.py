"""Special functions: erf, erfc, lgamma, digamma and polygamma."""

from __future__ import annotations

import math
from typing import Any, overload

from ..value import Value, _as_float, _fmt
from ._gamma import polygamma as _polygamma_f
from .lift import function_form, unary, unary_param
from .registry import FLOAT_NS, REAL, VALUE_NS, Domain, Op
from .signatures import ParamFunction, UnaryFunction

_POSITIVE = Domain(positive=True)


def _pole_check(name: str, x: float) -> None:
    if x <= 0.0 and x == math.floor(x):
        raise ValueError(f"{name}() of {_fmt(x)} is undefined (a pole at every integer <= 0)")


def _lgamma(x: float) -> float:
    _pole_check("lgamma", x)
    try:
        return math.lgamma(x)
    except OverflowError:
        raise OverflowError(f"lgamma() of {_fmt(x)} overflows a float") from None


def _digamma(x: float) -> float:
    _pole_check("digamma", x)
    return _polygamma_f(0, x)


def _polygamma(x: float, n: float) -> float:
    _pole_check("polygamma", x)
    out = _polygamma_f(int(n), x)
    if not math.isfinite(out):
        raise OverflowError(f"polygamma({int(n)}, x) of {_fmt(x)} overflows a float")
    return out


def _order(n: Any, name: str) -> float:
    f = _as_float(n, name)
    if f < 0 or not f.is_integer():
        raise ValueError(f"{name}: the order n must be a whole number >= 0, got {_fmt(f)}")
    return f


FLOAT_NS["digamma"] = _digamma
FLOAT_NS["_polygamma"] = _polygamma

erf: UnaryFunction = unary(
    Op(
        "erf",
        1,
        math.erf,
        ("1.1283791670955126 * exp(-a * a)",),
        "erf a = 2/sqrt(pi) int_0^a e^(-t^2) dt; d/da = 2/sqrt(pi) e^(-a^2)",
        method="erf",
        function="erf",
        forms=(function_form("erf", (REAL,)),),
    )
)
erfc: UnaryFunction = unary(
    Op(
        "erfc",
        1,
        math.erfc,
        ("-1.1283791670955126 * exp(-a * a)",),
        "erfc a = 1 - erf a (exact for large a); d/da = -2/sqrt(pi) e^(-a^2)",
        method="erfc",
        function="erfc",
        forms=(function_form("erfc", (REAL,)),),
    )
)
_polygamma_v: ParamFunction = unary_param(
    Op(
        "polygamma",
        1,
        _polygamma,
        ("_polygamma(a, c + 1.0)",),
        "psi^(n)(a), the n-th derivative of digamma (n = c); d/da = psi^(n+1)(a)",
        label="polygamma n={}",
        params=1,
        function="polygamma",
        forms=(
            function_form("polygamma", (_POSITIVE,), constants=(1.0, 2.0), template="polygamma({c}, {0})"),
        ),
    ),
    _order,
)
VALUE_NS["_polygamma"] = _polygamma_v
digamma: UnaryFunction = unary(
    Op(
        "digamma",
        1,
        _digamma,
        ("_polygamma(a, 1.0)",),
        "psi(a) = d/da ln|Gamma(a)|, for a not an integer <= 0; d/da = psi'(a) (trigamma)",
        method="digamma",
        function="digamma",
        forms=(function_form("digamma", (_POSITIVE,)),),
    )
)
lgamma: UnaryFunction = unary(
    Op(
        "lgamma",
        1,
        _lgamma,
        ("digamma(a)",),
        "ln|Gamma(a)|, for a not an integer <= 0; d/da = psi(a) (digamma)",
        method="lgamma",
        function="lgamma",
        forms=(function_form("lgamma", (_POSITIVE,)),),
    )
)


@overload
def polygamma(n: int, x: Value) -> Value: ...
@overload
def polygamma(n: int, x: float) -> float: ...
def polygamma(n: int, x: Any) -> Any:
    return _polygamma_v(x, n)


polygamma.__doc__ = _polygamma_v.__doc__

polygamma.__module__ = "autograd_lite"
# the form draws polygamma(n, x) with the operands in this order
VALUE_NS["polygamma"] = lambda x, n: _polygamma_v(x, n)

__all__ = ["erf", "erfc", "lgamma", "digamma", "polygamma"]
