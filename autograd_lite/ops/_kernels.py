"""Helpers for writing float kernels with clear errors at the forward operation."""

from __future__ import annotations

from collections.abc import Callable

from ..value import _fmt


def outside(name: str, x: float, text: str) -> ValueError:
    """The error of ``name()`` at ``x`` outside its domain: ``log() of -2.0 is undefined (...)``."""
    return ValueError(f"{name}() of {_fmt(x)} is undefined ({text})")


def overflow_safe(name: str, fn: Callable[[float], float], limit: str = "") -> Callable[[float], float]:
    """``fn`` whose OverflowError names the operator and its input."""

    def kernel(x: float) -> float:
        try:
            return fn(x)
        except OverflowError:
            hint = f" ({limit})" if limit else ""
            raise OverflowError(f"{name}() of {_fmt(x)} overflows a float{hint}") from None

    kernel.__name__ = f"_k_{name}"
    return kernel


def checked(
    name: str, fn: Callable[[float], float], ok: Callable[[float], bool], text: str
) -> Callable[[float], float]:
    """``fn`` that first refuses inputs where ``ok`` is False, naming the operator, the value and ``text``."""

    def kernel(x: float) -> float:
        if not ok(x):
            raise outside(name, x, text)
        return fn(x)

    kernel.__name__ = f"_k_{name}"
    return kernel
