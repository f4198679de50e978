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


def _add_expression_arguments(p: argparse.ArgumentParser) -> None:
    """EXPR and ``--at NAME=NUMBER ...``, shared by the commands that evaluate an expression."""
    p.add_argument("expr", metavar="EXPR", help='the expression, e.g. "tanh(w*x + b)"')
    p.add_argument("--at", metavar="NAME=NUMBER", nargs="+", action="extend", default=[],
                   help="the variables' values, e.g. --at x=0.5 y=2")


# --------------------------------------------------------------------- graph
@command
def _register_graph(sub: argparse._SubParsersAction) -> None:
    """Add ``graph EXPR --at x=0.5 y=2 -o graph.svg [--rankdir TB] [--no-grad]``."""
    p = sub.add_parser(
        "graph", help="evaluate an expression, backpropagate, draw its graph",
        description=(
            "Evaluate EXPR at the point given by --at, run backward, print the value and "
            "the gradient with respect to each variable, and draw the computation graph. "
            "EXPR may use numbers, variable names, + - * / **, unary minus, parentheses "
            "and the functions exp log sqrt tanh sigmoid relu sin cos abs. Every variable "
            "of EXPR needs a value in --at, and every name in --at must appear in EXPR. "
            "An EXPR that starts with '-' needs a leading space: ' -x*y'."),
        epilog='example: autograd-lite graph "exp(sin(x**2))" --at x=0.5 -o graph.svg')
    _add_expression_arguments(p)
    p.add_argument("-o", "--output", metavar="PATH", default="graph.svg",
                   help="the picture to write: .svg, .png, .pdf, or .dot/.gv for the DOT "
                        "source (default: graph.svg in the current directory)")
    p.add_argument("--rankdir", choices=("auto", "LR", "TB", "RL", "BT"), default="auto",
                   help="direction of the drawing (default: auto, left to right unless too wide)")
    p.add_argument("--no-grad", action="store_true",
                   help="leave the gradients out of the picture (they are still printed)")
    p.add_argument("--max-nodes", metavar="N", type=int, default=500,
                   help="refuse to draw graphs with more nodes than this (default: 500)")
    p.add_argument("--timeout", metavar="SECONDS", type=float, default=30.0,
                   help="stop Graphviz after this many seconds (default: 30)")
    p.set_defaults(func=_run_graph)


def _parse_at(items: "Sequence[str]") -> dict[str, float]:
    """``["x=0.5", "y=2"]`` -> ``{"x": 0.5, "y": 2.0}``; ValueError naming the bad item."""
    point: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
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


def _point_of(names: "Sequence[str]", at: "Sequence[str]") -> dict[str, float]:
    """The values of the expression's variables ``names`` from ``--at``.

    Every variable needs a value, and every name in ``--at`` must be a variable
    of the expression: an unused one is an error (most likely a typo), not a
    silent zero gradient.
    """
    point = _parse_at(at)
    missing = [n for n in names if n not in point]
    if missing:
        raise ValueError(f"no value for {', '.join(missing)}: add "
                         f"{' '.join(m + '=...' for m in missing)} to --at")
    unused = [n for n in point if n not in names]
    if unused:
        raise ValueError(f"--at gives {', '.join(unused)}, which the expression "
                         "does not use (a typo?)")
    return point


def _run_graph(args: argparse.Namespace) -> int:
    """Parse, evaluate at ``--at``, backpropagate, print f and df/dv, render the picture."""
    from .expr import parse
    from .value import Value
    from .viz import GraphTooLargeError, output_format, render

    output_format(args.output)                       # an unknown suffix fails before any work
    expression = parse(args.expr)
    point = _point_of(expression.variables, args.at)
    names = expression.variables
    variables = {n: Value(point[n], label=n) for n in names}
    result = expression.evaluate(variables)
    if not isinstance(result, Value):                 # no variables: a constant
        result = Value(result)
    result.backward()
    print(f"f = {result.data:.10g}")
    for n in names:
        print(f"df/d{n} = {variables[n].grad:.10g}")
    try:
        path = render(result, args.output, rankdir=args.rankdir, show_grad=not args.no_grad,
                      max_nodes=args.max_nodes, timeout=args.timeout)
    except GraphTooLargeError as exc:
        if exc.nodes > exc.limit:
            raise ValueError(f"the graph has {exc.nodes} nodes, more than --max-nodes {exc.limit}; "
                             f"pass --max-nodes {exc.nodes} to draw it anyway") from None
        need = (exc.nodes + exc.edges + 1) // 2
        raise ValueError(f"the graph has {exc.nodes} nodes and {exc.edges} edges, more than twice "
                         f"--max-nodes {exc.limit} together (a value used many times is slow to lay "
                         f"out); pass --max-nodes {need} to draw it anyway") from None
    print(f"wrote {path}")
    return 0


# --------------------------------------------------------------------- check
@command
def _register_check(sub: argparse._SubParsersAction) -> None:
    """Add ``check EXPR --at x=0.5 y=2 [--order 2] [--atol A] [--rtol R]``."""
    p = sub.add_parser(
        "check", help="compare an expression's gradients with finite differences",
        description=(
            "Evaluate EXPR at the point given by --at and compare the gradient that "
            "backward() computes with finite differences (gradcheck), printing the report. "
            "Exit status: 0 when every derivative agrees, 1 when one does not, 2 for bad "
            "input. EXPR is written as for the graph command."),
        epilog='example: autograd-lite check "x**y + log(sigmoid(x))" --at x=1.5 y=0.5 --order 2')
    _add_expression_arguments(p)
    p.add_argument("--order", type=int, choices=(1, 2), default=1,
                   help="2 also checks every second derivative (default: 1)")
    p.add_argument("--atol", type=float, default=1e-5, help="absolute tolerance (default: 1e-5)")
    p.add_argument("--rtol", type=float, default=1e-4, help="relative tolerance (default: 1e-4)")
    p.set_defaults(func=_run_check)


def _run_check(args: argparse.Namespace) -> int:
    """Run gradcheck on the expression at ``--at``; print the report; 0 if it passes, else 1."""
    import warnings

    from .check import gradcheck
    from .expr import parse
    from .value import Value

    expression = parse(args.expr)
    names = expression.variables
    if not names:
        raise ValueError("the expression has no variables: there is nothing to differentiate")
    point = _point_of(names, args.at)

    def f(*values: Value) -> Value:
        out = expression.evaluate(dict(zip(names, values)))
        return out if isinstance(out, Value) else Value(out)

    inputs = [Value(point[n], label=n) for n in names]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = gradcheck(f, inputs, atol=args.atol, rtol=args.rtol, order=args.order,
                           raise_exception=False)
    print(report)
    for w in dict.fromkeys(str(w.message) for w in caught):
        print(f"warning: {w}")
    return 1 if report.failed else 0


# --------------------------------------------------------------------- steps
from . import _steps_command  # noqa: E402,F401  (its @command registers `steps`)
