"""The ``autograd-lite`` command line.

Subcommands are built in (defined next to the code they drive) or registered
by other installed packages through the ``autograd_lite.commands`` entry-point
group: an entry point names a function ``register(subparsers)`` that adds a
subparser whose ``func`` default takes the parsed arguments and returns an
exit status.  The engine so never imports the packages built on it (``nn``
registers ``demo`` this way).

Plugins are isolated: a built-in command never imports them, and a plugin
that fails to load (a broken install, or a local ``nn.py`` shadowing the
``nn`` package) is listed by ``--help`` as unavailable; only running that
command fails, with one line naming the cause.

Errors a user can cause (a bad expression, a missing file, a domain error)
print one line on stderr and exit with status 2, before anything is printed
on stdout.
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import EntryPoint, entry_points
from typing import NoReturn

from ._cli_args import _BUILTIN, _add_expression_arguments, _function_list, _point_of, command
from ._files import resolve_target

#: Exceptions that mean "the input was bad", printed as one line with exit status 2.
USER_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    TypeError,
    ArithmeticError,
    OSError,
    KeyError,
    RecursionError,
)
_CAUGHT: tuple[type[BaseException], ...] = (*USER_ERRORS, ImportError)  # a plugin that fails to import, too


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, exit status 2."""

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser(load_plugins: bool = True) -> argparse.ArgumentParser:
    """The argument parser with every built-in and registered subcommand.

    With ``load_plugins=False`` each plugin command is only a placeholder
    (nothing of it is imported): enough to parse a built-in command's line.
    A plugin that fails to load becomes a command that reports why.
    """
    parser = _Parser(prog="autograd-lite", description="Scalar reverse-mode autodiff, made visible.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in _BUILTIN:
        register(sub)
    for ep in _plugins():
        if ep.name in sub.choices:
            continue  # a built-in name wins
        if load_plugins:
            _load_plugin(ep, sub)
        else:
            _placeholder(sub, ep.name, f"(provided by {ep.value})")
    return parser


def _plugins() -> list[EntryPoint]:
    """The registered command plugins, by name; none if the metadata cannot be read."""
    try:
        found = entry_points(group="autograd_lite.commands")
    except Exception:
        return []
    return sorted(found, key=lambda e: e.name)


def _load_plugin(ep: EntryPoint, sub: argparse._SubParsersAction) -> None:
    """Import plugin ``ep`` and let it add its command; on failure add one that reports why."""
    try:
        ep.load()(sub)
    except (Exception, SystemExit) as exc:
        reason = _plugin_failure(ep, exc)
        if ep.name in sub.choices:  # it failed after adding its parser
            sub.choices[ep.name].set_defaults(func=_refuse(reason))
        else:
            _placeholder(
                sub, ep.name, f"(unavailable: {type(exc).__name__}; run it to see why)", _refuse(reason)
            )


def _plugin_failure(ep: EntryPoint, exc: BaseException) -> str:
    """One line saying why plugin ``ep`` could not be loaded, and what to do if it is clear."""
    reason = " ".join(f"{type(exc).__name__}: {exc}".split())
    text = f"the command could not be loaded from {ep.value} ({reason})"
    package = ep.value.split(":")[0].split(".")[0].strip()
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    origin = getattr(spec, "origin", None)
    if "." in ep.value.split(":")[0] and origin and os.path.basename(origin) != "__init__.py":
        text += (
            f"; the file {origin!r} hides the installed package {package!r}: "
            "rename that file or run from another directory"
        )
    return text


def _placeholder(
    sub: argparse._SubParsersAction,
    name: str,
    help_text: str,
    func: Callable[[argparse.Namespace], int] | None = None,
) -> None:
    """A subcommand that takes any arguments; ``func`` runs it (or it loads the real one)."""
    p = sub.add_parser(name, help=help_text, add_help=False, prefix_chars="\0")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    if func is not None:
        p.set_defaults(func=func)


def _refuse(reason: str) -> Callable[[argparse.Namespace], int]:
    """A command function that fails with ``reason`` (an ImportError: one line, exit 2)."""

    def run(args: argparse.Namespace) -> int:
        raise ImportError(reason)

    return run


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (its first argument not starting with '-')."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    builtin = _command_of(argv) in _builtin_names()
    parser = build_parser(load_plugins=not builtin)
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
    except _CAUGHT as exc:
        message = " ".join(str(exc).split())
        print(f"autograd-lite {args.command}: error: {message}", file=sys.stderr)
        return 2


def _builtin_names() -> set[str]:
    """The names of the built-in subcommands."""
    probe = argparse.ArgumentParser(add_help=False)
    sub = probe.add_subparsers()
    for register in _BUILTIN:
        register(sub)
    return set(sub.choices)


# --------------------------------------------------------------------- graph
@command
def _register_graph(sub: argparse._SubParsersAction) -> None:
    """Add ``graph EXPR --at x=0.5 y=2 -o graph.svg [--rankdir TB] [--no-grad]``."""
    p = sub.add_parser(
        "graph",
        help="evaluate an expression, backpropagate, draw its graph",
        description=(
            "Evaluate EXPR at the point given by --at, run backward, print the value and "
            "the gradient with respect to each variable, and draw the computation graph. "
            "EXPR may use numbers, variable names, + - * / **, unary minus, parentheses "
            f"and the functions {_function_list()}. Every variable "
            "of EXPR needs a value in --at, and every name in --at must appear in EXPR. "
            "An EXPR that starts with '-' needs a leading space: ' -x*y'."
        ),
        epilog='example: autograd-lite graph "exp(sin(x**2))" --at x=0.5 -o graph.svg',
    )
    _add_expression_arguments(p)
    p.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        default="graph.svg",
        help="the picture to write: .svg, .png, .pdf, or .dot/.gv for the DOT "
        "source (default: graph.svg in the current directory)",
    )
    p.add_argument(
        "--rankdir",
        choices=("auto", "LR", "TB", "RL", "BT"),
        default="auto",
        help="direction of the drawing (default: auto, left to right unless too wide)",
    )
    p.add_argument(
        "--no-grad",
        action="store_true",
        help="leave the gradients out of the picture (they are still printed)",
    )
    p.add_argument(
        "--max-nodes",
        metavar="N",
        type=int,
        default=500,
        help="refuse to draw graphs with more nodes than this (default: 500)",
    )
    p.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=30.0,
        help="stop Graphviz after this many seconds (default: 30)",
    )
    p.set_defaults(func=_run_graph)


def _run_graph(args: argparse.Namespace) -> int:
    """Parse, evaluate at ``--at``, backpropagate, print f and df/dv, render the picture."""
    from .expr import parse
    from .value import Value
    from .viz import GraphTooLargeError, output_format, render

    output_format(args.output)  # an unknown suffix fails before any work
    _check_output_path(args.output)
    expression = parse(args.expr)
    point = _point_of(expression.variables, args.at)
    names = expression.variables
    variables = {n: Value(point[n], label=n) for n in names}
    result = expression.evaluate(variables)
    if not isinstance(result, Value):  # no variables: a constant
        result = Value(result)
    result.backward()
    try:  # every check passes before any output
        render(
            result,
            resolve_target(args.output),
            rankdir=args.rankdir,
            show_grad=not args.no_grad,
            max_nodes=args.max_nodes,
            timeout=args.timeout,
        )
    except GraphTooLargeError as exc:
        if exc.nodes > exc.limit:
            raise ValueError(
                f"the graph has {exc.nodes} nodes, more than --max-nodes {exc.limit}; "
                f"pass --max-nodes {exc.nodes} to draw it anyway"
            ) from None
        need = (exc.nodes + exc.edges + 1) // 2
        raise ValueError(
            f"the graph has {exc.nodes} nodes and {exc.edges} edges, more than twice "
            f"--max-nodes {exc.limit} together (a value used many times is slow to lay "
            f"out); pass --max-nodes {need} to draw it anyway"
        ) from None
    print(f"f = {result.data:.10g}")
    for n in names:
        print(f"df/d{n} = {variables[n].grad:.10g}")
    print(f"wrote {args.output}")
    return 0


def _check_output_path(output: str) -> None:
    """OSError naming ``output`` unless a file can be written there (checked before any work)."""
    target = resolve_target(output)
    directory = os.path.dirname(os.path.abspath(target))
    problem = None
    if os.path.isdir(target):
        problem = errno.EISDIR
    elif not os.path.isdir(directory):
        problem = errno.ENOENT if not os.path.exists(directory) else errno.ENOTDIR
    elif not os.access(directory, os.W_OK | os.X_OK):
        problem = errno.EACCES
    if problem is not None:
        raise OSError(problem, f"cannot write the picture: {os.strerror(problem)}", output)


# --------------------------------------------------------------------- check
@command
def _register_check(sub: argparse._SubParsersAction) -> None:
    """Add ``check EXPR --at x=0.5 y=2 [--order 2] [--atol A] [--rtol R]``."""
    p = sub.add_parser(
        "check",
        help="compare an expression's gradients with finite differences",
        description=(
            "Evaluate EXPR at the point given by --at and compare the gradient that "
            "backward() computes with finite differences (gradcheck), printing the report. "
            "Exit status: 0 when every derivative agrees, 1 when one does not, 2 for bad "
            "input. EXPR is written as for the graph command."
        ),
        epilog='example: autograd-lite check "x**y + log(sigmoid(x))" --at x=1.5 y=0.5 --order 2',
    )
    _add_expression_arguments(p)
    p.add_argument(
        "--order",
        type=int,
        choices=(1, 2),
        default=1,
        help="2 also checks every second derivative (default: 1)",
    )
    p.add_argument("--atol", type=float, default=1e-5, help="absolute tolerance (default: 1e-5)")
    p.add_argument("--rtol", type=float, default=1e-4, help="relative tolerance (default: 1e-4)")
    p.add_argument(
        "--max-work",
        metavar="N",
        type=int,
        default=MAX_CHECK_WORK,
        help="refuse checks costing more than N units, a unit being one node "
        "evaluated for one variable: variables x nodes, or variables x "
        f"(nodes + variables) with --order 2 (default: {MAX_CHECK_WORK:,}, "
        "a few seconds)",
    )
    p.set_defaults(func=_run_check)


#: The default bound on ``check``'s cost (``--max-work``), in variables x nodes.
MAX_CHECK_WORK = 1_000_000


def _check_work(variables: int, nodes: int, order: int) -> int:
    """The cost of ``check``: each variable re-evaluates the graph a few times (and, with
    order 2, fills a row of the table of second derivatives)."""
    return variables * (nodes + (variables if order == 2 else 0))


def _run_check(args: argparse.Namespace) -> int:
    """Run gradcheck on the expression at ``--at``; print the report; 0 if it passes, else 1."""
    import warnings

    from .check import gradcheck
    from .expr import parse
    from .graph import topological_order
    from .value import Value

    expression = parse(args.expr)
    names = expression.variables
    if not names:
        raise ValueError("the expression has no variables: there is nothing to differentiate")
    point = _point_of(names, args.at)
    if args.max_work < 1:
        raise ValueError(f"--max-work must be a positive integer, got {args.max_work}")

    def f(*values: Value) -> Value:
        out = expression.evaluate(dict(zip(names, values)))
        return out if isinstance(out, Value) else Value(out)

    inputs = [Value(point[n], label=n) for n in names]
    nodes = len(topological_order(f(*inputs)))
    work = _check_work(len(names), nodes, args.order)
    if work > args.max_work:
        shape = "variables x (nodes + variables)" if args.order == 2 else "variables x nodes"
        raise ValueError(
            f"--order {args.order} on {len(names)} variables and {nodes} nodes is {work:,} units of "
            f"work ({shape}), more than --max-work {args.max_work:,}: check fewer variables"
            f"{', or --order 1' if args.order == 2 else ''}, or pass --max-work {work} to run it anyway"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = gradcheck(f, inputs, atol=args.atol, rtol=args.rtol, order=args.order, raise_exception=False)
    print(report)
    for w in dict.fromkeys(str(w.message) for w in caught):
        print(f"warning: {w}")
    return 1 if report.failed else 0


# --------------------------------------------------------------------- steps
from . import _steps_command  # noqa: E402,F401  (its @command registers `steps`)
