"""The ``autograd-lite`` command line.

Subcommands are built in (defined next to the code they drive) or registered
by other installed packages through the ``autograd_lite.commands`` entry-point
group: an entry point names a function ``register(subparsers)`` that adds a
subparser whose ``func`` default takes the parsed arguments and returns an
exit status.  The engine so never imports the packages built on it (``nn``
registers ``demo`` this way).

Errors a user can cause (a bad expression, a missing file, a domain error)
print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import entry_points
from typing import Callable, NoReturn, Sequence

#: Exceptions that mean "the input was bad", printed as one line with exit status 2.
USER_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, TypeError, ArithmeticError, OSError, KeyError, RecursionError)

_BUILTIN: list[Callable[[argparse._SubParsersAction], None]] = []


def command(register: Callable[[argparse._SubParsersAction], None]) -> Callable:
    """Decorator that adds a built-in subcommand's ``register(subparsers)``."""
    _BUILTIN.append(register)
    return register


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, exit status 2."""

    def error(self, message: str) -> "NoReturn":  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every built-in and registered subcommand."""
    parser = _Parser(
        prog="autograd-lite",
        description="Scalar reverse-mode autodiff, made visible.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in _BUILTIN:
        register(sub)
    for ep in sorted(entry_points(group="autograd_lite.commands"), key=lambda e: e.name):
        ep.load()(sub)
    return parser




def main(argv: "Sequence[str] | None" = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print("autograd-lite: interrupted", file=sys.stderr)
        return 130
    except USER_ERRORS as exc:
        print(f"autograd-lite {args.command}: error: {exc}", file=sys.stderr)
        return 2
