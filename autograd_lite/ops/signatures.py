"""Static types for the operators: call signatures of the module functions, and the Value methods.

The methods and functions are made from the registry at import time, so a type
checker cannot see them by reading the code.  The module functions are typed
by the protocols below (numbers in, a float out; a Value in, a Value out).
The Value methods are declared in ``autograd_lite/_value_ops.pyi``, which
:func:`write_value_ops` writes from the registry (a test checks that the file
is up to date).
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Union, overload

if TYPE_CHECKING:  # pragma: no cover
    from ..value import Value

Real = Union[int, float]


class UnaryFunction(Protocol):
    """``f(x)``: a Value gives a Value, a number gives a float."""

    @overload
    def __call__(self, x: Value, /) -> Value: ...
    @overload
    def __call__(self, x: Real, /) -> float: ...


class ParamFunction(Protocol):
    """``f(x, c)`` with a constant ``c``: a Value gives a Value, a number gives a float."""

    @overload
    def __call__(self, x: Value, c: Real = ..., /) -> Value: ...
    @overload
    def __call__(self, x: Real, c: Real = ..., /) -> float: ...


class BinaryFunction(Protocol):
    """``f(a, b)``: a Value among the operands gives a Value, two numbers give a float."""

    @overload
    def __call__(self, a: Value, b: Value | Real, /) -> Value: ...
    @overload
    def __call__(self, a: Real, b: Value, /) -> Value: ...
    @overload
    def __call__(self, a: Real, b: Real, /) -> float: ...


_HEADER = '''"""Typed declarations of the operator methods of Value, for type checkers only.

Written from the operator registry by ``autograd_lite.ops.signatures.write_value_ops()``;
do not edit by hand (a test checks that it matches the registry).
"""

from typing import Union

from typing_extensions import Self

Real = Union[int, float]

class ValueOps:
    """The operators of :class:`~autograd_lite.Value`, as the registry attaches them."""

'''
_REFLECTED = {"__add__": "__radd__", "__mul__": "__rmul__"}


def value_ops_source() -> str:
    """The source of ``autograd_lite/_value_ops.pyi``: one declaration per operator method."""
    from ..value import Value
    from .registry import REGISTRY

    lines: list[str] = []
    seen: set[str] = set()
    for rec in REGISTRY.values():
        names = []
        if rec.fast.startswith("Value."):
            names.append(rec.fast[len("Value.") :])
        if rec.method:
            names.append(rec.method)
        for name in names:
            for n in (name, _REFLECTED.get(name)):
                if n is None or n in seen:
                    continue
                seen.add(n)
                params = list(inspect.signature(getattr(Value, n)).parameters.values())[1:]
                if n in ("__radd__", "__rmul__", "__rsub__", "__rtruediv__", "__rpow__"):
                    args = ", other: Real"
                elif n.startswith("__") and params:
                    args = ", other: ValueOps | Real"
                elif rec.arity == 2:
                    args = "".join(f", {p.name}: ValueOps | Real" for p in params)
                else:
                    args = "".join(
                        f", {p.name}: Real" + (" = ..." if p.default is not p.empty else "") for p in params
                    )
                lines.append(f"    def {n}(self{args}) -> Self: ...\n")
    return _HEADER + "".join(lines)


def value_ops_path() -> Path:
    """Where the declarations of the Value methods live."""
    return Path(__file__).resolve().parents[1] / "_value_ops.pyi"


def write_value_ops() -> Path:
    """Rewrite ``autograd_lite/_value_ops.pyi`` from the registry (after adding an operator)."""
    path = value_ops_path()
    path.write_text(value_ops_source())
    return path
