"""The ``steps`` subcommand: the backward pass of an expression as a page, an animation or a picture.

``autograd-lite steps EXPR --at x=1.5 -o steps.html`` parses EXPR with the
safe parser of :mod:`autograd_lite.expr`, evaluates it at ``--at``, traces
the backward pass and writes it with :meth:`BackwardTrace.save`: ``.html``
(a self-contained stepper page), ``.gif`` (one frame per step plus the
start), or ``.svg``/``.png``/``.pdf`` (one step, ``--step K``, the last by
default).  Every check runs before anything is printed or written; bad input
is one line on stderr and exit status 2 (see :mod:`autograd_lite.cli`).
"""

from __future__ import annotations

import argparse

from ._cli_args import _add_expression_arguments, _point_of, command


@command
def _register_steps(sub: argparse._SubParsersAction) -> None:
    """Add ``steps EXPR --at x=1.5 -o steps.html [--step K] [--rankdir D] [--max-nodes N] [--timeout S]``."""
    p = sub.add_parser(
        "steps",
        help="step through the backward pass of an expression: .html, .gif, .svg, .png",
        description=(
            "Evaluate EXPR at the point given by --at, trace the backward pass edge by edge, "
            "and write it: .html is one self-contained page (no network needed) with a slider, "
            "Previous/Next buttons and the arrow keys, each step's row of the table and a "
            "sentence explaining it; .gif is an animation with one frame per step plus the "
            "start; .svg, .png and .pdf are the picture of one step (--step). EXPR is written "
            "as for the graph command."
        ),
        epilog='example: autograd-lite steps "tanh(w*x + b) * x" --at w=-0.8 x=2 b=0.1 -o steps.html',
    )
    _add_expression_arguments(p)
    p.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        default="steps.html",
        help="the file to write: .html, .gif, .svg, .png or .pdf (default: steps.html)",
    )
    p.add_argument(
        "--step",
        metavar="K",
        type=int,
        default=None,
        help="the step to draw in an .svg/.png/.pdf (default: the last), or to open "
        "an .html at (default: the start, -1)",
    )
    p.add_argument(
        "--rankdir",
        choices=("auto", "LR", "TB", "RL", "BT"),
        default="auto",
        help="direction of the drawing (default: auto, left to right unless too wide)",
    )
    p.add_argument(
        "--max-nodes",
        metavar="N",
        type=int,
        default=200,
        help="refuse graphs with more nodes than this, or more nodes and edges together "
        "than twice this (default: 200)",
    )
    p.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=30.0,
        help="stop Graphviz after this many seconds (default: 30)",
    )
    p.set_defaults(func=_run_steps)


def _run_steps(args: argparse.Namespace) -> int:
    """Parse, evaluate at ``--at``, trace the backward pass, write it; print what was written."""
    from ._export import steps_format
    from ._graphviz import check_timeout
    from .expr import parse
    from .trace import trace_backward
    from .value import Value
    from .viz import GraphTooLargeError, check_size

    steps_format(args.output, "")  # an unknown suffix fails before any work
    check_timeout(args.timeout, "steps --timeout")
    if args.max_nodes < 1:
        raise ValueError(f"--max-nodes must be a positive integer, got {args.max_nodes}")
    expression = parse(args.expr)
    point = _point_of(expression.variables, args.at)
    variables = {n: Value(point[n], label=n) for n in expression.variables}
    result = expression.evaluate(variables)
    if not isinstance(result, Value):  # no variables: a constant
        result = Value(result)
    try:
        check_size(result, args.max_nodes, "steps")
    except GraphTooLargeError as exc:
        raise ValueError(
            f"the graph has {exc.nodes} nodes and {exc.edges} edges, more than "
            f"--max-nodes {exc.limit} allows (nodes and edges together: twice that); pass a larger "
            f"--max-nodes to draw it anyway"
        ) from None
    trace = trace_backward(result, max_nodes=None)
    last = len(trace) - 1
    if args.step is not None and not -1 <= args.step <= last:
        raise ValueError(
            f"--step {args.step} is out of range: this backward pass has steps "
            f"0 to {last} (-1: before the first)"
        )
    path = trace.save(
        args.output, step=args.step, timeout=args.timeout, rankdir=args.rankdir, max_nodes=args.max_nodes
    )
    print(f"f = {result.data:.10g}")
    for n in expression.variables:
        print(f"df/d{n} = {trace.grads.get(variables[n], 0.0):.10g}")
    print(f"wrote {path} ({len(trace)} steps over {len(trace.order)} nodes)")
    return 0
