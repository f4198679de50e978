"""Pictures of computation graphs: :func:`draw_graph` and :func:`render`.

:func:`draw_graph` turns everything a Value depends on into a
``graphviz.Digraph``.  Each Value is a record ``label | data | grad``; each
operation is a small node of its own between its inputs and its output, so
``z = x * y`` is drawn ``x -> (*) -> z <- (*) <- y``.  The three kinds of
Value look different:

* intermediate nodes (made by an operation): square record, white;
* leaves without a label (inputs, constants): rounded record, light blue;
* parameters (leaves with a label, such as an ``nn`` model's weights, whose
  label is their dotted name from ``named_parameters()``): rounded record
  with a bold border, light orange.

In Jupyter a ``graphviz.Digraph`` shows itself inline as SVG (it implements
``_repr_mimebundle_`` with ``image/svg+xml``), so ``draw_graph(loss)`` as the
last line of a cell is the picture.  That needs the ``dot`` program too.

:func:`render` writes the picture to a file, the format chosen by the suffix
(``.svg .png .pdf`` through Graphviz's ``dot``; ``.dot``/``.gv`` the DOT source,
which needs no Graphviz program), atomically.

Node names in the DOT source are ``v<i>`` for the Value at index ``i`` of
:func:`~autograd_lite.topological_order` and ``op<i>`` for the operation that
made it, so the same graph always gives the same DOT text.
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any, Union

import graphviz

from ._files import write_atomic as _write_atomic
from ._graphviz import (
    INSTALL_HINT,
    TIMEOUT,
    GraphvizError,
    GraphvizNotFoundError,
    GraphvizTimeoutError,
    Picture,
    check_timeout,
    run,
)
from .graph import topological_order
from .layout import Layout, auto_rankdir, count_graph
from .value import Value

__all__ = [
    "draw_graph",
    "render",
    "output_format",
    "Picture",
    "GraphTooLargeError",
    "GraphvizError",
    "GraphvizNotFoundError",
    "GraphvizTimeoutError",
    "FORMATS",
    "INSTALL_HINT",
    "TIMEOUT",
]

#: File suffixes :func:`render` knows, and the format each is written in.
FORMATS: dict[str, str] = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}

_FILL = {"intermediate": "#ffffff", "leaf": "#dbe9f6", "parameter": "#fde3c3"}
_SHAPE = {"intermediate": "record", "leaf": "Mrecord", "parameter": "Mrecord"}
_HIGHLIGHT = "#d62728"
_HIGHLIGHT_ON_RED = "#1f5fbf"  # the highlight when fills are red already (color_by_grad)
_PENDING = "#9e9e9e"
_PARTIAL = "#e6a000"
_SCALE_LOW = (255, 255, 255)  # |grad| = 0
_SCALE_HIGH = (203, 24, 29)  # |grad| = the largest |grad| of the graph
_RANKDIRS = ("auto", "LR", "TB", "RL", "BT")
#: Graphviz's network simplex is bounded to this many iterations per node, so a
#: node used by many others (one leaf feeding 50 products) is laid out in a
#: second, not in minutes.
_NSLIMIT = "5"

GraphLike = Union[graphviz.Digraph, graphviz.Graph, graphviz.Source]


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``, or more nodes and edges together than twice that.

    ``nodes``, ``edges`` and ``limit`` say how many.
    """

    nodes: int
    limit: int
    edges: int

    def __init__(
        self, nodes: int, limit: int, edges: int = 0, who: str = "draw_graph()", exact: bool = True
    ) -> None:
        self.nodes, self.limit, self.edges = nodes, limit, edges
        more = "" if exact else "more than "
        if nodes > limit:
            size = f"{more}{nodes - (not exact)} nodes, more than the limit max_nodes={limit}"
        else:
            size = (
                f"{nodes} nodes and {more}{edges - (not exact)} edges, more than twice the limit "
                f"max_nodes={limit} together (edges count as well as nodes: a value used many "
                f"times is slow to lay out)"
            )
        need = max(nodes, (nodes + edges + 1) // 2)
        super().__init__(
            f"{who}: the graph has {size} (Graphviz would take long and the picture would be "
            f"unreadable); pass max_nodes={need} or more (or max_nodes=None) to draw it anyway"
        )


def _kind(node: Value, parameters: frozenset | None = None) -> str:
    if node.parents:
        return "intermediate"
    if parameters is not None:
        return "parameter" if node in parameters else "leaf"
    return "parameter" if node.label is not None else "leaf"


def _num(x: float | Value, digits: int) -> str:
    x = x.data if isinstance(x, Value) else float(x)
    return f"{x:.{digits}g}"


def _record_text(text: object) -> str:
    """``text`` with the characters that mean something in a record label escaped."""
    s = str(text).replace("\\", "\\\\").replace("\n", " ").replace("\r", " ")
    for ch in "{}|<>":
        s = s.replace(ch, "\\" + ch)
    return s


def _scale(t: float) -> tuple[str, str]:
    """Fill and font colour for a fraction ``t`` in [0, 1] of the largest |grad|."""
    rgb = [round(lo + (hi - lo) * t) for lo, hi in zip(_SCALE_LOW, _SCALE_HIGH)]
    return "#{:02x}{:02x}{:02x}".format(*rgb), ("#ffffff" if t > 0.6 else "#000000")


def _check_max_nodes(max_nodes: int | None, who: str) -> None:
    if max_nodes is not None and (
        isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1
    ):
        raise ValueError(f"{who}: max_nodes must be a positive integer or None, got {max_nodes!r}")


def check_size(root: Value, max_nodes: int | None, who: str = "draw_graph()") -> None:
    """Refuse ``root``'s graph if it has more than ``max_nodes`` nodes, or nodes and edges together
    more than ``2 * max_nodes`` (an edge is one use of a value: ``x * x`` has two).

    The walk stops at ten times the limit, so a graph of millions of nodes is
    refused after looking at a few thousand of them (the error then says
    "more than").  Raises :class:`GraphTooLargeError`; ``max_nodes=None``
    accepts any size.
    """
    _check_max_nodes(max_nodes, who)
    if max_nodes is None:
        return
    cap = 10 * max_nodes
    nodes, edges = count_graph(root, cap, 2 * cap)
    if nodes > max_nodes or nodes + edges > 2 * max_nodes:
        raise GraphTooLargeError(nodes, max_nodes, edges, who, exact=nodes <= cap and edges <= 2 * cap)


def draw_graph(
    root: Value,
    *,
    rankdir: str = "auto",
    show_grad: bool = True,
    digits: int = 4,
    highlight: Iterable[Value] = (),
    highlight_edges: Iterable[tuple[Value, Value] | tuple[Value, Value, int]] = (),
    color_by_grad: bool = False,
    max_nodes: int | None = 500,
    grads: Mapping[Value, float | Value] | None = None,
    pending: Collection[Value] | None = None,
    partial: Collection[Value] | None = None,
    parameters: Iterable[Value] | None = None,
    group: str | None = None,
    collapse: bool = False,
    layout: Layout | None = None,
) -> Picture:
    """The computation graph of ``root`` (everything it depends on) as a Digraph.

    Each Value is a record showing its name, ``data`` and ``grad``
    to ``digits`` significant digits (trailing zeros dropped: ``0.94``, not
    ``0.9400``).  The name is its label, or ``v<i>`` with ``i`` its place in
    :func:`~autograd_lite.topological_order` -- the names the tables of
    :func:`~autograd_lite.trace_forward` and
    :func:`~autograd_lite.trace_backward` use.  Each operation (``*``,
    ``tanh``, ``dot``, ``**2.0``...) is a small node between its inputs and
    its output.

    Options:

    * ``rankdir``: ``"auto"`` (the default: left to right, unless that would be
      too wide to read at the width of a notebook, then top to bottom),
      ``"LR"``, ``"TB"``, ``"RL"``, ``"BT"``.
    * ``show_grad``: leave the grad field out when False.
    * ``highlight``: Values drawn with a thick red border (blue with
      ``color_by_grad``, where the fills are red already).
    * ``highlight_edges``: ``(parent, child)`` pairs of Values; the edge from
      ``parent`` into the operation that made ``child`` is drawn thick and red
      (every copy of it when ``parent`` is used twice, as in ``x * x``).  A
      triple ``(parent, child, i)`` marks only the edge of ``child.parents[i]``.
    * ``color_by_grad``: fill every Value on a white-to-red scale of
      ``t = sqrt(|grad| / max |grad|)`` (max over the Values drawn; a grad
      that is not finite counts as the largest): white for 0, red for the largest --
      where the gradient flows.  The square root keeps small gradients
      visible next to a large one.  The kinds of node stay told apart by
      their shape and border.
    * ``max_nodes``: refuse graphs with more Values than this, or more Values
      and edges together than twice this (:class:`GraphTooLargeError`, a
      ``ValueError``), before walking all of a huge graph; ``None`` for no limit.
    * ``grads``: a mapping Value -> gradient shown *instead of* ``.grad``
      (Values missing from it show 0), and ``pending``: Values drawn as not yet
      reached by the backward pass (grey and dashed, grad ``?``).  Together
      they draw the graph as it stands at one step of a backward pass without
      touching any ``.grad``.  ``partial``: Values whose gradient is shown
      but not complete yet (some node using them has still to pass its
      gradient back): drawn with a dashed amber border, grad ``0.3…``.
    * ``parameters``: the leaves to draw as parameters (light orange, bold
      border), such as ``model.parameters()``; every other leaf is drawn as
      an input (light blue).  By default a leaf with a label is a parameter
      (with ``group="module"``: a leaf whose dotted label names a module).
    * ``group="module"``: draw an ``nn`` model's graph in boxes, one per layer
      and one per neuron inside it, found from the parameters' dotted labels
      (``layers.0.neurons.3.w.1``); ``collapse=True`` draws each neuron as one
      box showing its pre-activation ``z`` and activation ``a`` (its weights
      are not drawn).
    * ``layout``: fixed positions (from :meth:`autograd_lite.trace.BackwardTrace.layout`);
      the picture is then drawn with them, so frames of a backward pass line up.

    Raises ``ValueError`` for a highlighted node or edge that is not in the
    graph, and for a bad option; ``TypeError`` if ``root`` is not a Value.

    >>> from autograd_lite import Value
    >>> x = Value(0.5, label="x")
    >>> y = (x * x).tanh()
    >>> y.backward()
    >>> g = draw_graph(y)
    >>> for line in g.body:
    ...     print(line.split(" fillcolor")[0].strip())
    v0 [label="x | data 0.5 | grad 0.94"
    v1 [label="v1 | data 0.25 | grad 0.94"
    op1 [label="*"
    v0 -> op1
    v0 -> op1
    op1 -> v1
    v2 [label="v2 | data 0.2449 | grad 1"
    op2 [label=tanh
    v1 -> op2
    op2 -> v2
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph() needs a Value, got {type(root).__name__}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"draw_graph(): rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"draw_graph(): digits must be an integer from 1 to 17, got {digits!r}")
    if group not in (None, "module"):
        raise ValueError(f"draw_graph(): group must be None or 'module', got {group!r}")
    if collapse and group is None:
        raise ValueError("draw_graph(): collapse=True needs group='module'")
    check_size(root, max_nodes)
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    marked = _check_highlight(index, highlight, highlight_edges)
    pending = frozenset(pending) if pending is not None else frozenset()
    partial = frozenset(partial) if partial is not None else frozenset()
    params = frozenset(parameters) if parameters is not None else None
    if params is None and group == "module":
        from ._groups import module_parameters

        params = module_parameters(order)
    if layout is not None:
        rankdir = layout.rankdir
    elif rankdir == "auto":
        rankdir = auto_rankdir(order, show_grad)
    hot_colour = _HIGHLIGHT_ON_RED if color_by_grad else _HIGHLIGHT

    def shown(node: Value) -> float | None:
        if node in pending:
            return None
        g = grads.get(node, 0.0) if grads is not None else node.grad
        return g.data if isinstance(g, Value) else float(g)

    biggest = 0.0
    if color_by_grad:
        mags = [abs(g) for g in map(shown, order) if g is not None and math.isfinite(g)]
        biggest = max(mags, default=0.0)

    dot = Picture(
        "autograd_lite",
        graph_attr={
            "rankdir": rankdir,
            "ranksep": "0.3",
            "nodesep": "0.2",
            "nslimit": _NSLIMIT,
            "nslimit1": _NSLIMIT,
        },
        node_attr={"fontname": "Helvetica", "fontsize": "11", "margin": "0.08,0.03", "height": "0.3"},
        edge_attr={"color": "#555555", "arrowsize": "0.7"},
    )
    braces = rankdir in ("TB", "BT")  # the fields stacked, one above the other, either way
    groups = None
    if group == "module":
        from ._groups import module_groups

        groups = module_groups(order, params)
    hidden = groups.hidden if groups is not None and collapse else frozenset()
    copies: dict = {}

    def number(x: float) -> str:
        return _num(x, digits)

    def declare(node: Value, name: str, label: str, attrs: dict) -> None:
        if layout is not None:
            attrs.update(layout.node_attrs(name))
        if groups is not None:
            groups.add(node, name, label, attrs, dot, collapsed=collapse)
        else:
            dot.node(name, label, **attrs)

    def edge(tail: str, head: str, attrs: dict) -> None:
        if layout is not None:
            copy = copies[(tail, head)] = copies.get((tail, head), -1) + 1
            attrs.update(layout.edge_attrs(tail, head, copy))
        dot.edge(tail, head, **attrs)

    for i, node in enumerate(order):
        if node in hidden:
            continue
        kind = _kind(node, params)
        g = shown(node)
        grad_field = None
        if show_grad:
            more = "\u2026" if node in partial and g is not None else ""
            grad_field = "grad ?" if g is None else f"grad {number(g)}{more}"
        boxed = collapse and groups is not None and node in groups.box
        if boxed and groups is not None:
            fields = [_record_text(f) for f in groups.box_fields(node, grad_field, number)]
        else:
            fields = [_record_text(node.label if node.label else f"v{i}"), f"data {number(node.data)}"]
            fields += [grad_field] if grad_field is not None else []
        attrs = {
            "shape": _SHAPE[kind],
            "style": "filled",
            "fillcolor": _FILL[kind],
            "tooltip": f"data={node.data!r}" + (f" grad={'?' if g is None else g!r}" if show_grad else ""),
        }
        if kind == "parameter":
            attrs["penwidth"] = "2"
        if g is None:
            attrs.update(style="filled,dashed", color=_PENDING, fontcolor=_PENDING, fillcolor="#f5f5f5")
        else:
            if node in partial:
                attrs.update(style="filled,dashed", color=_PARTIAL, penwidth="2")
            if color_by_grad:
                t = 1.0 if not math.isfinite(g) else math.sqrt(min(abs(g) / biggest, 1.0)) if biggest else 0.0
                attrs["fillcolor"], attrs["fontcolor"] = _scale(t)
        if node in marked:
            attrs.update(color=hot_colour, penwidth="3")
        body = " | ".join(fields)
        declare(node, f"v{i}", graphviz.nohtml("{ " + body + " }" if braces else body), attrs)
        if boxed and groups is not None:
            inside = groups.box[node]  # (pre-activation, activation or None)
            for p in groups.box_inputs(node):
                hot = any(isinstance(m, tuple) and m[0] is p and m[1] in inside for m in marked)
                edge(
                    f"v{index[p]}",
                    f"v{i}",
                    {"color": hot_colour, "penwidth": "2.5", "class": "hot"} if hot else {},
                )
            continue
        parents = node.parents
        if not parents:
            continue
        declare(
            node,
            f"op{i}",
            graphviz.escape(node.op or "?"),
            {
                "shape": "ellipse",
                "style": "filled",
                "fillcolor": "#eeeeee",
                "fontsize": "10",
                "height": "0.3",
                "width": "0.3",
                "margin": "0.04,0.02",
            },
        )
        for j, p in enumerate(parents):
            if p in hidden:
                continue
            hot = (p, node) in marked or (p, node, j) in marked
            edge(
                f"v{index[p]}",
                f"op{i}",
                {"color": hot_colour, "penwidth": "2.5", "class": "hot"} if hot else {},
            )
        edge(f"op{i}", f"v{i}", {})
    if groups is not None:
        groups.emit(dot, layout)
    if layout is not None:
        dot.graph_attr["bb"] = layout.bb
        dot.program = ("neato", "-n2")
    return dot


def _check_highlight(index: Mapping[Value, int], nodes: Iterable[Value], edges: Iterable[tuple]) -> set:
    """The highlighted nodes, (parent, child) pairs and (parent, child, i) triples.

    Each is checked to be in the graph.
    """
    marked: set = set()
    for node in nodes:
        if node not in index:
            raise ValueError(f"draw_graph(): highlight has {node!r}, which is not in the graph")
        marked.add(node)
    for pair in edges:
        try:
            parent, child, *at = pair
            if len(at) > 1:
                raise ValueError
        except (TypeError, ValueError):
            raise ValueError(
                f"draw_graph(): highlight_edges needs (parent, child) pairs "
                f"or (parent, child, i) triples, got {pair!r}"
            ) from None
        if child not in index or not any(p is parent for p in child.parents):
            raise ValueError(
                f"draw_graph(): highlight_edges has ({parent!r}, {child!r}), "
                "which is not an edge of the graph (parent must be a parent of child)"
            )
        if at:
            i = at[0]
            if (
                isinstance(i, bool)
                or not isinstance(i, int)
                or not 0 <= i < len(child.parents)
                or child.parents[i] is not parent
            ):
                raise ValueError(
                    f"draw_graph(): highlight_edges has ({parent!r}, {child!r}, {i!r}), "
                    f"but {parent!r} is not parent number {i!r} of {child!r}"
                )
            marked.add((parent, child, i))
        else:
            marked.add((parent, child))
    return marked


def render(
    graph: Value | GraphLike,
    path: str | os.PathLike[str],
    *,
    timeout: float | None = TIMEOUT,
    **draw_options: Any,
) -> Path:
    """Write the picture of ``graph`` (a Value, or a Digraph from :func:`draw_graph`) to ``path``.

    The format follows the suffix: ``.svg``, ``.png``, ``.pdf`` (rendered by
    Graphviz's ``dot``) or ``.dot``/``.gv`` (the DOT source; needs no Graphviz
    program).  A Value is drawn with :func:`draw_graph` and ``draw_options``.
    The file is written atomically: the picture goes to a temporary file in
    the same directory, which then replaces ``path``; on any failure ``path``
    is untouched and no temporary file is left.  Returns ``path``.

    ``dot`` may run for ``timeout`` seconds (30 by default; ``None``: no
    limit); then it is stopped, with its whole process group, and
    :class:`GraphvizTimeoutError` says how to raise the limit.

    Raises ``ValueError`` for an unknown suffix or a bad timeout,
    :class:`GraphvizNotFoundError` (an ``OSError`` whose message gives the
    install commands) when an image format is asked for and ``dot`` is
    missing, :class:`GraphvizError` when ``dot`` fails or takes too long,
    ``OSError`` when the file cannot be written.
    """
    path = Path(path)
    fmt = output_format(path)
    timeout = check_timeout(timeout, "render()")
    if isinstance(graph, Value):
        graph = draw_graph(graph, **draw_options)
    elif isinstance(graph, (graphviz.Digraph, graphviz.Graph, graphviz.Source)):
        if draw_options:
            raise TypeError(f"render(): options {sorted(draw_options)} apply only when rendering a Value")
    else:
        raise TypeError(f"render() needs a Value or a graphviz graph, got {type(graph).__name__}")
    if fmt == "dot":
        data = graph.source.encode("utf-8")
    else:
        data = pipe(graph, fmt, timeout=timeout, what=repr(str(path)))
    _write_atomic(path, data)
    return path


def output_format(path: str | os.PathLike[str]) -> str:
    """The format :func:`render` writes ``path`` in, from its suffix; ``ValueError`` if unknown."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        shown = repr(suffix) if suffix else "(none)"
        raise ValueError(
            f"render(): unknown file suffix {shown} in {str(path)!r}: use one of {', '.join(FORMATS)}"
        )
    return FORMATS[suffix]


def pipe(graph: GraphLike, fmt: str, *, timeout: float | None = TIMEOUT, what: str | None = None) -> bytes:
    """The picture of ``graph`` in format ``fmt`` (``svg``, ``png``, ``pdf``), bounded in time.

    A :class:`Picture` is drawn by its own program (``neato -n2`` when its
    positions are fixed), any other graph by its engine (``dot``).  Errors as
    for :func:`render`.
    """
    program = getattr(graph, "program", None) or (getattr(graph, "engine", None) or "dot",)
    return run([*program, f"-T{fmt}"], graph.source, timeout=timeout, what=what or f"a .{fmt} picture")
