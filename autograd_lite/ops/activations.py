"""Activation functions and comparisons: sigmoid, relu, softplus, silu, gelu, elu, leaky_relu,
maximum, minimum, clip.

Conventions at the kinks (as in PyTorch): relu'(0) = 0, leaky_relu'(0) = slope,
clip'(x) = 1 for lo <= x <= hi (so 1 at the bounds), and at a tie a == b both
maximum and minimum pass half of the gradient to each operand.
"""

from __future__ import annotations

import math
from typing import Any, overload

from ..value import Value, _as_float, _fmt, _node
from .lift import binary, function_form, unary, unary_param
from .lift import function_record as _op
from .registry import FLOAT_NS, REAL, REGISTRY, VALUE_NS, Domain, Op, Operator
from .signatures import BinaryFunction, ParamFunction, UnaryFunction

_AWAY_FROM_0 = Domain(avoid=(0.0,))


def _sigmoid(x: float) -> float:
    """1/(1 + e^-x), stable on both sides: never evaluates exp of a large positive number."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    """ln(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|)."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _silu(x: float) -> float:
    return x * _sigmoid(x)


def _gelu(x: float) -> float:
    return 0.5 * x * (1.0 + math.erf(x * 0.7071067811865476))


def _elu(x: float) -> float:
    return x if x > 0.0 else math.expm1(x)


FLOAT_NS["sigmoid"] = _sigmoid


sigmoid: UnaryFunction = unary(
    _op("sigmoid", _sigmoid, "out * (1.0 - out)", "s(a) = 1/(1 + e^-a); d/da = s(a)(1 - s(a))")
)
_RELU = _op(
    "relu",
    lambda x: x if x > 0.0 else 0.0,
    "1.0 if a > 0.0 else 0.0",
    "max(0, a); d/da = 1 if a > 0 else 0 (relu'(0) = 0)",
    _AWAY_FROM_0,
    (0.0,),
)
_RELU.fast = "Value.relu"


def _relu(self: Value) -> Value:
    """max(0, a); d/da = 1 if a > 0 else 0 (relu'(0) = 0).

    The fast path of every relu of a network: the derivative is piecewise
    constant, so the node stores the number of the side it is on (1.0 or
    0.0) instead of a function to call during backward.
    """
    a = self._d
    if _RELU.rule is not _RELU_RULE:  # a replaced rule (the mutation tests): store it as given
        return _node(_RELU.kernel(a), self, _RELU.rule, _RELU)
    if a > 0.0:
        return _node(a, self, 1.0, _RELU)
    return _node(0.0, self, 0.0, _RELU)


relu: UnaryFunction = unary(_RELU, _relu)
_RELU_RULE = _RELU.rule
softplus: UnaryFunction = unary(
    _op("softplus", _softplus, "sigmoid(a)", "ln(1 + e^a); d/da = s(a), the sigmoid")
)
silu: UnaryFunction = unary(
    _op(
        "silu",
        _silu,
        "(s := sigmoid(a)) * (1.0 + a * (1.0 - s))",
        "a s(a) (swish); d/da = s(a) (1 + a (1 - s(a)))",
    )
)
gelu: UnaryFunction = unary(
    _op(
        "gelu",
        _gelu,
        "0.5 * (1.0 + erf(a * 0.7071067811865476)) + a * 0.3989422804014327 * exp(-0.5 * a * a)",
        "a Phi(a) = a/2 (1 + erf(a/sqrt 2)) (exact); d/da = Phi(a) + a phi(a)",
    )
)
elu: UnaryFunction = unary(
    _op(
        "elu",
        _elu,
        "1.0 if a > 0.0 else out + 1.0",
        "a if a > 0 else e^a - 1 (alpha = 1); d/da = 1 if a > 0 else e^a",
        _AWAY_FROM_0,
        (0.0,),
    )
)


def _slope(c: Any, name: str) -> float:
    return _as_float(c, f"{name} slope")


_leaky_relu: ParamFunction = unary_param(
    Op(
        "leaky_relu",
        1,
        lambda x, c: x if x > 0.0 else c * x,
        ("1.0 if a > 0.0 else c",),
        "a if a > 0 else slope * a (slope = c, 0.01 by default); d/da = 1 if a > 0 else slope",
        label="leaky_relu({})",
        params=1,
        method="leaky_relu",
        function="leaky_relu",
        kinks=(0.0,),
        forms=(function_form("leaky_relu", (_AWAY_FROM_0,), (0.0,), constants=(0.01, 0.2, -0.5)),),
    ),
    _slope,
    0.01,
)


@overload
def leaky_relu(x: Value, slope: float = 0.01) -> Value: ...
@overload
def leaky_relu(x: float, slope: float = 0.01) -> float: ...
def leaky_relu(x: Any, slope: Any = 0.01) -> Any:
    return _leaky_relu(x, slope)


def _leaky_relu_method(self: Value, slope: float = 0.01) -> Value:
    return _leaky_relu(self, slope)


leaky_relu.__doc__ = _leaky_relu.__doc__
leaky_relu.__module__ = "autograd_lite"
_leaky_relu_method.__doc__ = REGISTRY["leaky_relu"].doc
_leaky_relu_method.__name__ = "leaky_relu"
_leaky_relu_method.__qualname__ = "Value.leaky_relu"
setattr(Value, "leaky_relu", _leaky_relu_method)  # noqa: B010 - the method takes slope by name
VALUE_NS["leaky_relu"] = leaky_relu


def _bounds(c: Any, name: str) -> tuple[float, float]:
    if not isinstance(c, tuple) or len(c) != 2:
        raise TypeError(f"{name} needs the bounds lo and hi, got {c!r}")
    lo, hi = _as_float(c[0], f"{name} lo"), _as_float(c[1], f"{name} hi")
    if lo > hi:
        raise ValueError(f"{name}: the lower bound {_fmt(lo)} is above the upper bound {_fmt(hi)}")
    return lo, hi


def _clip_kernel(x: float, c: tuple[float, float]) -> float:
    lo, hi = c
    return lo if x < lo else hi if x > hi else x


_clip: Any = unary_param(
    Op(
        "clip",
        1,
        _clip_kernel,
        ("1.0 if a >= c[0] and a <= c[1] else 0.0",),
        "min(max(a, lo), hi) for constants lo <= hi; d/da = 1 if lo <= a <= hi else 0",
        label="clip[{}]",
        params=1,
        method="clip",
        function="clip",
        kinks=lambda c: tuple(c),
        forms=(
            Operator(
                "clip",
                1,
                lambda x, c: clip(x, *c),
                "clip",
                "clip({0}, {c[0]}, {c[1]})",
                (REAL,),
                constants=((-1.0, 1.0), (0.0, 2.0)),
                kinks=lambda c: tuple(c),
            ),
        ),
    ),
    _bounds,
)


@overload
def clip(x: Value, lo: float, hi: float) -> Value: ...
@overload
def clip(x: float, lo: float, hi: float) -> float: ...
def clip(x: Any, lo: Any, hi: Any) -> Any:
    return _clip(x, (lo, hi))


def _clip_method(self: Any, lo: Any, hi: Any) -> Any:
    return _clip(self, (lo, hi))


clip.__doc__ = _clip.__doc__
_clip_method.__doc__ = REGISTRY["clip"].doc
clip.__module__ = "autograd_lite"
_clip_method.__name__ = "clip"
_clip_method.__qualname__ = "Value.clip"
setattr(Value, "clip", _clip_method)  # noqa: B010 - the method takes lo and hi apart
VALUE_NS["clip"] = clip


def _maximum(a: float, b: float) -> float:
    return a if a >= b else b


def _minimum(a: float, b: float) -> float:
    return a if a <= b else b


maximum: BinaryFunction = binary(
    Op(
        "maximum",
        2,
        _maximum,
        ("1.0 if a > b else 0.5 if a >= b else 0.0", "1.0 if b > a else 0.5 if b >= a else 0.0"),
        "max(a, b); d/da = 1 if a > b, 1/2 if a = b, else 0 (and alike for b)",
        method="maximum",
        function="maximum",
        forms=(function_form("maximum", (REAL, REAL), apart=True),),
    )
)
minimum: BinaryFunction = binary(
    Op(
        "minimum",
        2,
        _minimum,
        ("1.0 if a < b else 0.5 if a <= b else 0.0", "1.0 if b < a else 0.5 if b <= a else 0.0"),
        "min(a, b); d/da = 1 if a < b, 1/2 if a = b, else 0 (and alike for b)",
        method="minimum",
        function="minimum",
        forms=(function_form("minimum", (REAL, REAL), apart=True),),
    )
)

__all__ = ["sigmoid", "relu", "softplus", "silu", "gelu", "elu", "leaky_relu", "clip", "maximum", "minimum"]
