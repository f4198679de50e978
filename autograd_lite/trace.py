"""Watching the chain rule run: the forward pass and the backward pass, step by step.

The backward trace is not a second implementation of backprop: it is
:func:`autograd_lite.graph.reverse_sweep` (the loop :func:`backward` runs)
asked to record each edge it processes.  Step *k* says: node ``n`` passes its
gradient back to its parent ``p``::

    contribution = d(n)/d(p) * d(root)/d(n)       (local derivative * upstream)
    grad(p)     += contribution

so the gradients of the last steps are exactly those of ``backward()``.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from .graph import reverse_sweep, store_gradients, topological_order
from .value import Value

if TYPE_CHECKING:  # pragma: no cover
    from .layout import Layout
    from .viz import Picture

#: The largest graph a trace is made for by default, in nodes (nodes and edges together: twice that).
#: A trace keeps a record per edge, so ten times this would take a gigabyte.
MAX_NODES = 100_000


def _refuse_oversized(root: Value, max_nodes: int | None, who: str) -> None:
    """Refuse a graph over ``max_nodes`` before building anything of its size."""
    if not isinstance(root, Value):
        raise TypeError(f"{who} needs a Value, got {type(root).__name__}")
    from .viz import check_size

    check_size(root, max_nodes, who)


def node_names(order: Sequence[Value]) -> dict[Value, str]:
    """A name for every node: its label, else ``v<i>`` with i its place in ``order``."""
    return {node: node.label if node.label else f"v{i}" for i, node in enumerate(order)}


def _num(x: Any, digits: int) -> str:
    if isinstance(x, Value):
        x = x.data
    return f"{x:.{digits}g}"


def describe(node: Value, names: dict[Value, str]) -> str:
    """The computation of ``node`` in terms of its parents' names, e.g. ``sin(v1)``."""
    op = node.op
    args = [names[p] for p in node.parents]
    if not args:
        return "input"
    if len(args) == 2 and op in ("+", "-", "*", "/", "**"):
        sep = "" if op == "**" else " "
        return f"{args[0]}{sep}{op}{sep}{args[1]}"
    if op == "neg":
        return f"-{args[0]}"
    if len(args) == 1 and op[:1] in "+-*/":  # constant on the right: "* 2.0", "**3.0"
        return f"{args[0]}{op}" if op.startswith("**") else f"{args[0]} {op}"
    if len(args) == 1 and op[-1:] in "+-*/":  # constant on the left: "1.0 -", "2.0**"
        return f"{op}{args[0]}" if op.endswith("**") else f"{op} {args[0]}"
    return f"{op}({', '.join(args)})"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]], caption: str) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (
        f"<table><caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


# ------------------------------------------------------------------ forward


@dataclass(frozen=True)
class ForwardStep:
    """One node of the forward pass: ``name = expression = value``."""

    index: int
    node: Value
    name: str
    expression: str
    inputs: tuple[float, ...]
    value: float


class ForwardTrace(Sequence[ForwardStep]):
    """Every node's computation in topological order (inputs first, root last)."""

    order: list[Value]
    names: dict[Value, str]
    steps: list[ForwardStep]

    def __init__(self, root: Value, digits: int = 6, max_nodes: int | None = MAX_NODES) -> None:
        _refuse_oversized(root, max_nodes, "trace_forward()")
        self.root = root
        self.order = topological_order(root)
        self.names = node_names(self.order)
        self.digits = digits
        self.steps = [
            ForwardStep(
                i, n, self.names[n], describe(n, self.names), tuple(p.data for p in n.parents), n.data
            )
            for i, n in enumerate(self.order)
        ]

    @overload
    def __getitem__(self, i: int) -> ForwardStep: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[ForwardStep]: ...

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        return self.steps[i]

    def __len__(self) -> int:
        return len(self.steps)

    def _rows(self) -> list[list[str]]:
        return [[str(s.index), s.name, s.expression, _num(s.value, self.digits)] for s in self.steps]

    _HEADER = ("step", "node", "computed as", "value")

    def __str__(self) -> str:
        return _table(self._HEADER, self._rows(), right={0, 3})

    def _repr_html_(self) -> str:
        return _html_table(self._HEADER, self._rows(), "forward pass")

    def __repr__(self) -> str:
        return f"<ForwardTrace of {len(self)} nodes>"


def trace_forward(root: Value, digits: int = 6, *, max_nodes: int | None = MAX_NODES) -> ForwardTrace:
    """The forward pass of ``root``'s graph, node by node in topological order.

    A graph of more than ``max_nodes`` nodes (or nodes and edges together more than twice that) is
    refused with :class:`~autograd_lite.viz.GraphTooLargeError` (a
    ``ValueError``) before the trace is built; ``max_nodes=None``: no limit.

    >>> from autograd_lite import Value
    >>> x = Value(0.5, label="x")
    >>> print(trace_forward((x ** 2).sin().exp()))
    step  node  computed as     value
    ----  ----  -----------  --------
       0  x     input             0.5
       1  v1    x**2.0           0.25
       2  v2    sin(v1)      0.247404
       3  v3    exp(v2)        1.2807
    """
    return ForwardTrace(root, digits, max_nodes)


# ----------------------------------------------------------------- backward


@dataclass(frozen=True)
class BackwardStep:
    """One edge of the backward pass: ``node`` passes its gradient to ``parent``.

    ``contribution = local_grad * upstream`` and ``parent_grad`` is the
    parent's gradient after adding it.
    """

    index: int
    node: Value
    parent: Value
    local_grad: float
    upstream: float
    contribution: float
    parent_grad: float


class BackwardTrace(Sequence[BackwardStep]):
    """The backward pass as an ordered list of :class:`BackwardStep`."""

    order: list[Value]
    names: dict[Value, str]
    grads: dict[Value, Any]
    steps: list[BackwardStep]

    def __init__(
        self, root: Value, seed: float = 1.0, digits: int = 6, max_nodes: int | None = MAX_NODES
    ) -> None:
        _refuse_oversized(root, max_nodes, "trace_backward()")
        self.root = root
        self.order = topological_order(root)
        self.names = node_names(self.order)
        self.digits = digits
        raw: list[tuple] = []
        self.grads = reverse_sweep(self.order, float(seed), steps=raw)
        self.steps = [BackwardStep(i, *r) for i, r in enumerate(raw)]
        # each node passes its gradient to its parents in order, in consecutive steps
        first: dict[Value, int] = {}
        self._positions = [i - first.setdefault(s.node, i) for i, s in enumerate(self.steps)]
        self._layouts: dict = {}

    @overload
    def __getitem__(self, i: int) -> BackwardStep: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[BackwardStep]: ...

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        return self.steps[i]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[BackwardStep]:
        return iter(self.steps)

    def grads_after(self, k: int) -> dict[Value, float]:
        """The gradients as they stand once steps 0..k have run (k = -1: only the seed)."""
        if not -1 <= k < len(self.steps):
            raise IndexError(
                f"grads_after(): step {k} is out of range (the trace has {len(self.steps)} steps)"
            )
        grads: dict[Value, Any] = {self.root: self.grads[self.root]}
        for s in self.steps[: k + 1]:
            grads[s.parent] = s.parent_grad
        return grads

    def final_after(self, k: int) -> set[Value]:
        """Nodes whose gradient is complete once steps 0..k have run.

        A gradient is complete when no later step adds to it: every node that
        uses it has already passed its own gradient back.
        """
        later = {s.parent for s in self.steps[k + 1 :]}
        return {n for n in self.grads_after(k) if n not in later}

    def apply(self) -> None:
        """Write the gradients into ``.grad`` exactly as ``backward()`` does."""
        store_gradients(self.grads)

    def edge(self, k: int) -> tuple[Value, Value, int]:
        """The edge of step ``k`` as ``(parent, node, i)``: ``parent`` is ``node.parents[i]``.

        ``i`` tells the two edges of ``x * x`` apart.
        """
        if not 0 <= k < len(self.steps):
            raise IndexError(f"edge(): step {k} is out of range (the trace has {len(self.steps)} steps)")
        s = self.steps[k]
        return s.parent, s.node, self._positions[k]

    def frame(self, k: int, **draw_options: Any) -> Picture:
        """The graph as it stands once steps 0..k have run (k = -1: before the first step).

        The edge of step ``k`` is drawn thick and red; nodes with a complete
        gradient show it; nodes that have received part of their gradient
        show it so far, with a dashed amber border and ``…``; nodes not yet
        reached are grey and dashed with grad ``?``.  ``draw_options`` go to
        :func:`autograd_lite.draw_graph`.  No ``.grad`` field is touched.

        Every frame of a trace (with the same options) is drawn at the same
        positions, from :meth:`layout`: nothing moves from one step to the next.
        Raises ``IndexError`` for a step outside -1..len(trace)-1.

        >>> from autograd_lite import Value
        >>> x = Value(0.5, label="x")
        >>> trace = trace_backward((x ** 2).sin().exp())
        >>> [line.split(" [")[0].strip() for line in trace.frame(1).body if "penwidth=2.5" in line]
        ['v1 -> op2']
        """
        from .viz import draw_graph

        if not -1 <= k < len(self.steps):
            raise IndexError(f"frame(): step {k} is out of range (-1 to {len(self.steps) - 1})")
        return draw_graph(
            self.root, **self._frame_options(k), layout=self.layout(**draw_options), **draw_options
        )

    def _frame_options(self, k: int) -> dict[str, Any]:
        grads = self.grads_after(k)
        pending = {n for n in self.order if n not in grads}
        partial = set(grads) - self.final_after(k)
        edges = [self.edge(k)] if k >= 0 else []
        return {"grads": grads, "pending": pending, "partial": partial, "highlight_edges": edges}

    def layout(self, **draw_options: Any) -> Layout:
        """The positions every frame is drawn at, computed once (one run of ``dot``) per options.

        Each node's box is sized for the widest text it shows in any frame
        (its gradient to the most digits, with the ``…`` of a partial sum).
        With ``rankdir="auto"`` (the default) the graph is laid out left to
        right unless that is too wide to read at a notebook's width and top to
        bottom is narrower.
        """
        from .layout import MAX_WIDTH_PT, compute_layout
        from .viz import draw_graph

        key = repr(sorted(draw_options.items()))
        if key not in self._layouts:
            sizing = self._widest_grads(draw_options.get("digits", 4))
            options = {
                k: v for k, v in draw_options.items() if k not in ("rankdir", "highlight", "highlight_edges")
            }

            def lay_out(rankdir: str) -> Layout:
                g = draw_graph(self.root, grads=sizing, partial=set(self.order), rankdir=rankdir, **options)
                return compute_layout(g.source, g.graph_attr["rankdir"])

            rankdir = draw_options.get("rankdir", "auto")
            best = lay_out(rankdir)
            if rankdir == "auto" and best.width_pt > MAX_WIDTH_PT:
                other = lay_out("TB" if best.rankdir == "LR" else "LR")
                if other.width_pt < best.width_pt:
                    best = other
            self._layouts[key] = best
        return self._layouts[key]

    def _widest_grads(self, digits: int) -> dict[Value, float]:
        """For each node, the gradient it shows in some frame whose text is the longest."""
        widest: dict[Value, Any] = {self.root: self.grads[self.root]}
        for s in self.steps:
            old = widest.get(s.parent)
            if old is None or len(f"{s.parent_grad:.{digits}g}") > len(f"{old:.{digits}g}"):
                widest[s.parent] = s.parent_grad
        return widest

    def save(
        self,
        path: str | os.PathLike[str],
        *,
        step: int | None = None,
        timeout: float | None = None,
        **draw_options: Any,
    ) -> Path:
        """Write the backward pass to ``path``, the format chosen by its suffix; returns ``path``.

        * ``.html``: one self-contained page (no network needed) stepping
          through every frame: a slider, Previous/Next buttons, the arrow keys,
          each step's row of the table and a sentence explaining it;
        * ``.gif``: an animation with one frame per step plus the start (needs
          Pillow: ``pip install "autograd-lite[gif]"``);
        * ``.svg``, ``.png``, ``.pdf``: the single frame of step ``step``
          (default: the last).

        The file is written atomically.  ``draw_options`` go to
        :func:`autograd_lite.draw_graph`; ``timeout`` bounds each run of
        Graphviz (default 30 s).  Raises ``ValueError`` for an unknown suffix
        or a step out of range, and the errors of :func:`autograd_lite.render`.
        """
        from ._export import save_trace

        return save_trace(self, path, step=step, timeout=timeout, **draw_options)

    def _row(self, s: BackwardStep) -> list[str]:
        d, n = self.digits, self.names
        return [
            str(s.index),
            n[s.node],
            n[s.parent],
            _num(s.local_grad, d),
            _num(s.upstream, d),
            _num(s.contribution, d),
            _num(s.parent_grad, d),
        ]

    def _rows(self) -> list[list[str]]:
        return [self._row(s) for s in self.steps]

    _HEADER = ("step", "from", "to", "local d(from)/d(to)", "upstream grad", "contribution", "grad(to) after")

    def explain(self, k: int) -> str:
        """One sentence saying what step ``k`` does (k = -1: the state before the first step).

        >>> from autograd_lite import Value
        >>> x = Value(0.5, label="x")
        >>> print(trace_backward((x ** 2).sin().exp()).explain(1))
        Step 1 (of 0-2): v2 passes its gradient back to v1: local derivative 0.968912 \u00d7 ...
        """
        if not -1 <= k < len(self.steps):
            raise IndexError(f"explain(): step {k} is out of range (-1 to {len(self.steps) - 1})")
        d, names = self.digits, self.names
        if k == -1:
            top = names[self.root]
            return (
                f"Before step 0: only the output {top} has its gradient, "
                f"d{top}/d{top} = {_num(self.grads[self.root], d)}."
            )
        s = self.steps[k]
        node, parent = names[s.node], names[s.parent]
        now = (
            f"grad({parent}) is now {_num(s.parent_grad, d)}"
            if s.parent in self.final_after(k)
            else f"grad({parent}) is {_num(s.parent_grad, d)} so far (another node using {parent} "
            f"has still to pass its gradient back)"
        )
        return (
            f"Step {k} (of 0-{len(self.steps) - 1}): {node} passes its gradient back to {parent}: "
            f"local derivative {_num(s.local_grad, d)} \u00d7 upstream {_num(s.upstream, d)} = "
            f"{_num(s.contribution, d)}, so {now}."
        )

    def row(self, k: int) -> str:
        """Step ``k`` as one line of the table, with the header."""
        return _table(self._HEADER, [self._row(self.steps[k])], right={0, 3, 4, 5, 6})

    def __str__(self) -> str:
        return _table(self._HEADER, self._rows(), right={0, 3, 4, 5, 6})

    def _repr_html_(self) -> str:
        return _html_table(self._HEADER, self._rows(), "backward pass")

    def __repr__(self) -> str:
        return f"<BackwardTrace of {len(self)} steps over {len(self.order)} nodes>"


def trace_backward(
    root: Value, seed: float = 1.0, *, apply: bool = False, digits: int = 6, max_nodes: int | None = MAX_NODES
) -> BackwardTrace:
    """The backward pass of ``root`` as a list of steps, one per edge of the graph.

    Leaves every ``.grad`` field as it was unless ``apply=True``, which stores
    the gradients exactly as :func:`autograd_lite.backward` would.  A graph of
    more than ``max_nodes`` nodes (or nodes and edges together more than twice that) is refused with
    :class:`~autograd_lite.viz.GraphTooLargeError` (a ``ValueError``) before
    anything of its size is built; ``max_nodes=None``: no limit.

    >>> from autograd_lite import Value
    >>> x = Value(0.5, label="x")
    >>> print(trace_backward((x ** 2).sin().exp()))
    step  from  to  local d(from)/d(to)  upstream grad  contribution  grad(to) after
    ----  ----  --  -------------------  -------------  ------------  --------------
       0  v3    v2               1.2807              1        1.2807          1.2807
       1  v2    v1             0.968912         1.2807       1.24088         1.24088
       2  v1    x                     1        1.24088       1.24088         1.24088
    """
    trace = BackwardTrace(root, seed, digits, max_nodes)
    if apply:
        trace.apply()
    return trace
