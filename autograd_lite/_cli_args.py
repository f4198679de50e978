"""What the built-in commands share: their registry and the EXPR and ``--at`` arguments.

A built-in command is a function ``register(subparsers)`` marked with
:func:`command`; :mod:`autograd_lite.cli` builds its parser from them.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Callable, Sequence

_BUILTIN: list[Callable[[argparse._SubParsersAction], None]] = []


def command(register: Callable[[argparse._SubParsersAction], None]) -> Callable:
    """Decorator that adds a built-in subcommand's ``register(subparsers)``."""
    _BUILTIN.append(register)
    return register


def _add_expression_arguments(p: argparse.ArgumentParser) -> None:
    """EXPR and ``--at NAME=NUMBER ...``, shared by the commands that evaluate an expression."""
    p.add_argument("expr", metavar="EXPR", help='the expression, e.g. "tanh(w*x + b)"')
    p.add_argument(
        "--at",
        metavar="NAME=NUMBER",
        nargs="+",
        action="extend",
        default=[],
        help="the variables' values, e.g. --at x=0.5 y=2",
    )


def _function_list() -> str:
    """The functions an expression may call, as the help lists them (from the operator registry)."""
    from .expr import ARITY

    def show(name: str) -> str:
        least, most = ARITY[name]
        return name if most == 1 else f"{name}/{least}" if least == most else f"{name}/{least}-{most}"

    return " ".join(show(n) for n in sorted(ARITY))


def _parse_at(items: Sequence[str]) -> dict[str, float]:
    """``["x=0.5", "y=2"]`` -> ``{"x": 0.5, "y": 2.0}``; ValueError naming the bad item.

    Names are NFKC-normalized, as Python normalizes the identifiers of the
    expression, so ``--at \uff58=1`` (a full-width x) gives the value of ``x``.
    """
    point: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())  # as Python reads identifiers
        if not sep or not name.isidentifier():
            raise ValueError(f"malformed --at {item!r}: expected NAME=NUMBER, e.g. x=0.5")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"malformed --at {item!r}: {text.strip()!r} is not a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"--at {item!r}: the value must be a finite number")
        if name in point:
            raise ValueError(f"--at gives {name!r} twice")
        point[name] = number
    return point


def _point_of(names: Sequence[str], at: Sequence[str]) -> dict[str, float]:
    """The values of the expression's variables ``names`` from ``--at``.

    Every variable needs a value, and every name in ``--at`` must be a variable
    of the expression: an unused one is an error (most likely a typo), not a
    silent zero gradient.
    """
    point = _parse_at(at)
    missing = [n for n in names if n not in point]
    if missing:
        raise ValueError(
            f"no value for {', '.join(missing)}: add {' '.join(m + '=...' for m in missing)} to --at"
        )
    unused = [n for n in point if n not in names]
    if unused:
        raise ValueError(f"--at gives {', '.join(unused)}, which the expression does not use (a typo?)")
    return point
