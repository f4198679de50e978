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
import shutil
import tempfile
from pathlib import Path
from typing import Collection, Iterable, Mapping, Union

import graphviz

from .graph import topological_order
from .value import Value

#: File suffixes :func:`render` knows, and the format each is written in.
FORMATS: dict[str, str] = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}

#: How to install Graphviz, in one line.
INSTALL_HINT = ("install it with `sudo apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS) or `conda install -c conda-forge graphviz`")

_FILL = {"intermediate": "#ffffff", "leaf": "#dbe9f6", "parameter": "#fde3c3"}
_SHAPE = {"intermediate": "record", "leaf": "Mrecord", "parameter": "Mrecord"}
_HIGHLIGHT = "#d62728"
_PENDING = "#9e9e9e"
_PARTIAL = "#e6a000"
_SCALE_LOW = (255, 255, 255)   # |grad| = 0
_SCALE_HIGH = (203, 24, 29)    # |grad| = the largest |grad| of the graph
_RANKDIRS = ("LR", "TB", "RL", "BT")

GraphLike = Union[graphviz.Digraph, graphviz.Graph, graphviz.Source]


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``; ``nodes`` and ``limit`` say how many."""

    def __init__(self, nodes: int, limit: int) -> None:
        self.nodes, self.limit = nodes, limit
        super().__init__(
            f"draw_graph(): the graph has {nodes} nodes, more than the limit max_nodes={limit} "
            f"(Graphviz would take long and the picture would be unreadable); pass "
            f"max_nodes={nodes} or more (or max_nodes=None) to draw it anyway")


class GraphvizError(OSError):
    """Graphviz's ``dot`` program failed or is missing (an ``OSError``, like a missing file)."""


class GraphvizNotFoundError(GraphvizError):
    """The ``dot`` program is not installed; the message says how to install it."""


def _kind(node: Value) -> str:
    if node.parents:
        return "intermediate"
    return "parameter" if node.label is not None else "leaf"


def _num(x: "float | Value", digits: int) -> str:
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
    return "#%02x%02x%02x" % tuple(rgb), ("#ffffff" if t > 0.6 else "#000000")


def draw_graph(root: Value, *, rankdir: str = "LR", show_grad: bool = True, digits: int = 4,
               highlight: Iterable[Value] = (),
               highlight_edges: Iterable["tuple[Value, Value] | tuple[Value, Value, int]"] = (),
               color_by_grad: bool = False, max_nodes: "int | None" = 500,
               grads: "Mapping[Value, float | Value] | None" = None,
               pending: "Collection[Value] | None" = None,
               partial: "Collection[Value] | None" = None) -> graphviz.Digraph:
    """The computation graph of ``root`` (everything it depends on) as a Digraph.

    Each Value is a record showing its label (when set), ``data`` and ``grad``
    to ``digits`` significant digits (trailing zeros dropped: ``0.94``, not
    ``0.9400``); each operation (``*``, ``tanh``, ``dot``,
    ``**2.0``...) is a small node between its inputs and its output.

    Options:

    * ``rankdir``: ``"LR"`` (left to right, the default), ``"TB"``, ``"RL"``, ``"BT"``.
    * ``show_grad``: leave the grad field out when False.
    * ``highlight``: Values drawn with a thick red border.
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
    * ``max_nodes``: refuse graphs with more Values than this
      (:class:`GraphTooLargeError`, a ``ValueError``); ``None`` for no limit.
    * ``grads``: a mapping Value -> gradient shown *instead of* ``.grad``
      (Values missing from it show 0), and ``pending``: Values drawn as not yet
      reached by the backward pass (grey and dashed, grad ``?``).  Together
      they draw the graph as it stands at one step of a backward pass without
      touching any ``.grad``.  ``partial``: Values whose gradient is shown
      but not complete yet (some node using them has still to pass its
      gradient back): drawn with a dashed amber border, grad ``0.3…``.

    Raises ``ValueError`` for a highlighted node or edge that is not in the
    graph, and for a bad option; ``TypeError`` if ``root`` is not a Value.

    >>> from autograd_lite import Value
    >>> x = Value(0.5, label="x")
    >>> y = (x * x).tanh()
    >>> y.backward()
    >>> g = draw_graph(y)
    >>> for line in g.body:
    ...     print(line.split(" fillcolor")[0].strip())
    v0 [label="{ x | data 0.5 | grad 0.94 }"
    v1 [label="{ data 0.25 | grad 0.94 }"
    op1 [label="*"
    v0 -> op1
    v0 -> op1
    op1 -> v1
    v2 [label="{ data 0.2449 | grad 1 }"
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
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int)
                                  or max_nodes < 1):
        raise ValueError(f"draw_graph(): max_nodes must be a positive integer or None, got {max_nodes!r}")
    order = topological_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise GraphTooLargeError(len(order), max_nodes)
    index = {node: i for i, node in enumerate(order)}
    marked = _check_highlight(index, highlight, highlight_edges)
    pending = frozenset(pending) if pending is not None else frozenset()
    partial = frozenset(partial) if partial is not None else frozenset()

    def shown(node: Value) -> "float | None":
        if node in pending:
            return None
        g = grads.get(node, 0.0) if grads is not None else node.grad
        return g.data if isinstance(g, Value) else float(g)

    biggest = 0.0
    if color_by_grad:
        mags = [abs(g) for g in map(shown, order) if g is not None and math.isfinite(g)]
        biggest = max(mags, default=0.0)

    dot = graphviz.Digraph(
        "autograd_lite",
        graph_attr={"rankdir": rankdir},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"color": "#555555", "arrowsize": "0.7"})
    braces = rankdir in ("LR", "RL")   # keep the fields side by side either way
    for i, node in enumerate(order):
        kind = _kind(node)
        g = shown(node)
        fields = [] if node.label is None else [_record_text(node.label)]
        fields.append(f"data {_num(node.data, digits)}")
        if show_grad:
            more = "\u2026" if node in partial and g is not None else ""
            fields.append("grad ?" if g is None else f"grad {_num(g, digits)}{more}")
        body = " | ".join(fields)
        attrs = {
            "shape": _SHAPE[kind], "style": "filled", "fillcolor": _FILL[kind],
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
            attrs.update(color=_HIGHLIGHT, penwidth="3")
        dot.node(f"v{i}", graphviz.nohtml("{ " + body + " }" if braces else body), **attrs)
        if node.parents:
            dot.node(f"op{i}", graphviz.escape(node.op or "?"), shape="ellipse", style="filled",
                     fillcolor="#eeeeee", fontsize="10", height="0.3", margin="0.03,0.02")
            for j, p in enumerate(node.parents):
                hot = (p, node) in marked or (p, node, j) in marked
                edge = {"color": _HIGHLIGHT, "penwidth": "2.5"} if hot else {}
                dot.edge(f"v{index[p]}", f"op{i}", **edge)
            dot.edge(f"op{i}", f"v{i}")
    return dot


def _check_highlight(index: Mapping[Value, int], nodes: Iterable[Value],
                     edges: Iterable[tuple]) -> set:
    """The highlighted nodes, (parent, child) pairs and (parent, child, i) triples, checked to be in the graph."""
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
            raise ValueError(f"draw_graph(): highlight_edges needs (parent, child) pairs "
                             f"or (parent, child, i) triples, got {pair!r}") from None
        if child not in index or not any(p is parent for p in child.parents):
            raise ValueError(f"draw_graph(): highlight_edges has ({parent!r}, {child!r}), "
                             "which is not an edge of the graph (parent must be a parent of child)")
        if at:
            i = at[0]
            if (isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(child.parents)
                    or child.parents[i] is not parent):
                raise ValueError(f"draw_graph(): highlight_edges has ({parent!r}, {child!r}, {i!r}), "
                                 f"but {parent!r} is not parent number {i!r} of {child!r}")
            marked.add((parent, child, i))
        else:
            marked.add((parent, child))
    return marked


def render(graph: "Value | GraphLike", path: "str | os.PathLike[str]", **draw_options) -> Path:
    """Write the picture of ``graph`` (a Value, or a Digraph from :func:`draw_graph`) to ``path``.

    The format follows the suffix: ``.svg``, ``.png``, ``.pdf`` (rendered by
    Graphviz's ``dot``) or ``.dot``/``.gv`` (the DOT source; needs no Graphviz
    program).  A Value is drawn with :func:`draw_graph` and ``draw_options``.
    The file is written atomically: the picture goes to a temporary file in
    the same directory, which then replaces ``path``; on any failure ``path``
    is untouched and no temporary file is left.  Returns ``path``.

    Raises ``ValueError`` for an unknown suffix, :class:`GraphvizNotFoundError`
    (an ``OSError`` whose message gives the install commands) when an image
    format is asked for and ``dot`` is missing, :class:`GraphvizError` when
    ``dot`` fails, ``OSError`` when the file cannot be written.
    """
    path = Path(path)
    fmt = output_format(path)
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
        data = _pipe(graph, fmt, path)
    _write_atomic(path, data)
    return path


def output_format(path: "str | os.PathLike[str]") -> str:
    """The format :func:`render` writes ``path`` in, from its suffix; ``ValueError`` if unknown."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        shown = repr(suffix) if suffix else "(none)"
        raise ValueError(f"render(): unknown file suffix {shown} in {str(path)!r}: "
                         f"use one of {', '.join(FORMATS)}")
    return FORMATS[suffix]


def _missing(fmt: str) -> GraphvizNotFoundError:
    return GraphvizNotFoundError(
        f"Graphviz's `dot` program was not found on PATH, so a .{fmt} picture cannot be made "
        f"(.dot files still can): {INSTALL_HINT}")


def _pipe(graph: GraphLike, fmt: str, path: Path) -> bytes:
    """The picture in format ``fmt``, made by the ``dot`` program."""
    if shutil.which("dot") is None:
        raise _missing(fmt)
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise _missing(fmt) from None
    except graphviz.CalledProcessError as exc:
        err = exc.stderr.decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else str(exc.stderr or "")
        first = err.strip().splitlines()[0] if err.strip() else f"exit status {exc.returncode}"
        raise GraphvizError(f"Graphviz's dot failed to render {str(path)!r}: {first}") from None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then move it onto ``path``."""
    directory = path.parent
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _path_error(exc, path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise _path_error(exc, path) from None
        raise


def _path_error(exc: OSError, path: Path) -> OSError:
    """``exc`` naming ``path`` rather than the temporary file (``[Errno 13] ...: 'path'``)."""
    if exc.errno is None or exc.strerror is None:
        return exc
    return type(exc)(exc.errno, exc.strerror, str(path))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()
