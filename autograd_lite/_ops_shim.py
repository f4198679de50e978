"""TEMPORARY stand-in for the operator registry's compile interface (``autograd_lite.ops``).

Delete this module once ``autograd_lite.ops`` (``REGISTRY``, ``source_of``,
``FLOAT_NS``) and ``autograd_lite.value._comparison_log`` exist: it states the
source forms of today's operators a second time, which is exactly what the
registry is there to avoid.  Only :mod:`autograd_lite.compile` imports it,
and only when the registry is missing.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from typing import Iterator

from . import value as _v
from .value import Value

FLOAT_NS: dict = {
    "inf": math.inf, "abs": abs, "exp": math.exp, "log": math.log, "sqrt": math.sqrt,
    "sin": math.sin, "cos": math.cos, "tanh": math.tanh,
    "_k_exp": _v._exp, "_k_log": _v._log, "_k_sqrt": _v._sqrt, "_k_sigmoid": _v._sigmoid,
    "_k_pow": lambda a, b: _v._check_pow(a, b, True),
    "_k_powc": lambda a, c: _v._check_pow(a, c, False),
}


def _ieee_pow(a: float, b: float) -> float:
    try:
        return a ** b
    except OverflowError:
        return -math.inf if a < 0.0 and float(b).is_integer() and int(b) % 2 else math.inf
    except ZeroDivisionError:
        return math.inf


def _k_div(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"/: division of {_v._fmt(a)} by a Value equal to zero")
    return a / b


def _k_rdiv(a: float, c: float) -> float:
    if a == 0.0:
        raise ZeroDivisionError(f"/: division of {_v._fmt(c)} by a Value equal to zero")
    return c / a


FLOAT_NS.update(_pow=_ieee_pow, _k_div=_k_div, _k_rdiv=_k_rdiv)

_UNARY = {
    "neg": ("(-{p0})", "-1.0"),
    "abs": ("abs({p0})", "(1.0 if {p0} > 0.0 else -1.0 if {p0} < 0.0 else 0.0)"),
    "exp": ("_k_exp({p0})", "{out}"),
    "log": ("_k_log({p0})", "(1.0 / {p0})"),
    "sqrt": ("_k_sqrt({p0})", "(0.5 / {out} if {out} != 0.0 else inf)"),
    "tanh": ("tanh({p0})", "(1.0 - {out} * {out})"),
    "sigmoid": ("_k_sigmoid({p0})", "({out} * (1.0 - {out}))"),
    "relu": ("({p0} if {p0} > 0.0 else 0.0)", "(1.0 if {p0} > 0.0 else 0.0)"),
    "sin": ("sin({p0})", "cos({p0})"),
    "cos": ("cos({p0})", "(-sin({p0}))"),
}
_BINARY = {
    "+": ("({p0} + {p1})", ("1.0", "1.0")),
    "-": ("({p0} - {p1})", ("1.0", "-1.0")),
    "*": ("({p0} * {p1})", ("{p1}", "{p0}")),
    "/": ("_k_div({p0}, {p1})", ("(1.0 / {p1})", "(-{out} / {p1})")),
    "**": ("_k_pow({p0}, {p1})", ("({p1} * _pow({p0}, {p1} - 1.0))", "({out} * log({p0}))")),
}

#: The operators this stand-in knows, by the op name the engine stores (what tests iterate over).
REGISTRY: dict = {name: None for name in (*_UNARY, *_BINARY, "+ {}", "- {}", "{} -", "* {}", "/ {}",
                                          "{} /", "**{}", "{}**", "sum", "dot")}


def _lit(x: float) -> str:
    return repr(float(x))


def _pow_const(c: float) -> tuple[str, tuple[str, ...]]:
    fwd = f"_k_powc({{p0}}, {_lit(c)})"
    if c == 0.0:
        return fwd, ("0.0",)
    if c == 1.0:
        return fwd, ("1.0",)
    if c == 2.0:
        return fwd, ("(2.0 * {p0})",)
    general = f"{_lit(c)} * _pow({{p0}}, {_lit(c - 1.0)})"
    if c < 1.0:
        return fwd, (f"(({'inf' if c > 0.0 else '0.0'}) if {{p0}} == 0.0 else {general})",)
    return fwd, (f"({general})",)


def source_of(node: Value) -> tuple[str, tuple[str, ...]]:
    """Forward expression and local-derivative expressions of a node (see the registry's)."""
    op, c, prev, rule = node._op, node._c, node.parents, node._rule
    if not prev:
        raise ValueError("source_of() needs a node made by an operation, got a leaf")
    if op in _UNARY:
        f, d = _UNARY[op]
        return f, (d,)
    if op in _BINARY and len(prev) == 2:
        return _BINARY[op]
    if op == "+ {}":
        return f"({{p0}} + {_lit(c)})", ("1.0",)
    if op == "- {}":
        return f"({{p0}} - {_lit(c)})", ("1.0",)
    if op == "{} -":
        return f"({_lit(c)} - {{p0}})", ("-1.0",)
    if op == "* {}":
        return f"({{p0}} * {_lit(c)})", (_lit(c),)
    if op == "/ {}":
        return f"({{p0}} / {_lit(c)})", (_lit(1.0 / c),)
    if op == "{} /":
        return f"_k_rdiv({{p0}}, {_lit(c)})", ("(-{out} / {p0})",)
    if op == "**{}":
        return _pow_const(c)
    if op == "{}**":
        return f"_k_pow({_lit(c)}, {{p0}})", (f"({{out}} * {_lit(math.log(c))})",)
    n = len(prev)
    if op == "sum":  # (numbers among the terms are not supported by this stand-in)
        return "(0.0 + " + " + ".join(f"{{p{i}}}" for i in range(n)) + ")", ("1.0",) * n
    if op == "dot":
        if type(rule) is tuple:  # Values times constants (+ a Value bias)
            k = n - 1 if rule[-1] == 1.0 and len(rule) == n else n
            terms = " + ".join(f"{{p{i}}} * {_lit(rule[i])}" for i in range(k))
            bias = f" + {{p{n - 1}}}" if k == n - 1 else " + 0.0"
            return f"(({terms}){bias})", tuple(_lit(d) for d in rule)
        k = n // 2
        if rule is not _v._dot_vv_rule(k, bool(n % 2)):
            raise ValueError("dot() of Values mixed with numbers has no source form in this stand-in")
        terms = " + ".join(f"{{p{i}}} * {{p{i + k}}}" for i in range(k))
        bias = f" + {{p{n - 1}}}" if n % 2 else " + 0.0"
        ds = tuple(f"{{p{i + k}}}" for i in range(k)) + tuple(f"{{p{i}}}" for i in range(k))
        return f"(({terms}){bias})", ds + (("1.0",) if n % 2 else ())
    raise ValueError(f"the operator {op!r} has no source form (a custom operator?)")


@contextmanager
def _comparison_log() -> Iterator[list]:
    """Log every comparison and bool() of a Value in the block (process-wide: a stand-in)."""
    log: list = []
    saved = {name: Value.__dict__.get(name) for name in ("__lt__", "__le__", "__gt__", "__ge__", "__bool__")}

    def compare(op: str, fn):
        def method(self, other):
            r = fn(self.data, other.data if isinstance(other, Value) else other)
            log.append((self, op, other, r))
            return r
        return method
    Value.__lt__ = compare("<", lambda a, b: a < b)
    Value.__le__ = compare("<=", lambda a, b: a <= b)
    Value.__gt__ = compare(">", lambda a, b: a > b)
    Value.__ge__ = compare(">=", lambda a, b: a >= b)

    def truth(self):
        r = self.data != 0.0
        log.append((self, "bool", None, r))
        return r
    Value.__bool__ = truth
    try:
        yield log
    finally:
        for name, fn in saved.items():
            if fn is None:
                delattr(Value, name)
            else:
                setattr(Value, name, fn)
