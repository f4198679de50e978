"""Positions of a drawn graph, computed once and reused: :class:`Layout`.

Graphviz's ``dot`` chooses where every node and edge goes.  A backward pass is
shown as a sequence of frames of the same graph whose numbers and colours
change; if each frame were laid out again, boxes would move (their widths
follow their text).  So a trace asks ``dot`` once, for the frame with the
widest text of every node (``dot -Tjson``), and every frame is then drawn by
``neato -n2`` with those positions and sizes pinned (``pos="x,y!"``,
``fixedsize``; each edge keeps its spline).

Also here: the automatic choice between left-to-right and top-to-bottom
(:func:`auto_rankdir`), and a count of a graph's nodes and edges that stops
at a limit (:func:`count_graph`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._graphviz import FONT_PT, MIN_TEXT_PX, TIMEOUT, run

__all__ = ["Layout", "compute_layout", "auto_rankdir", "count_graph", "DESIGN_WIDTH_PX", "MAX_WIDTH_PT"]

if TYPE_CHECKING:  # pragma: no cover
    from .value import Value

#: The width, in CSS pixels, that pictures are designed for (a notebook's output).
DESIGN_WIDTH_PX = 950
#: The widest picture, in points, whose text stays MIN_TEXT_PX tall at DESIGN_WIDTH_PX.
MAX_WIDTH_PT = DESIGN_WIDTH_PX * FONT_PT / MIN_TEXT_PX


@dataclass(frozen=True)
class Layout:
    """Where ``dot`` put each node (``pos``, ``width``, ``height``) and edge (its spline).

    ``nodes`` maps a node's DOT name to its attributes, ``edges`` maps
    ``(tail, head)`` to the splines of its copies in order (``x * x`` has two
    edges from ``x``), ``bb`` is the bounding box and ``rankdir`` the direction
    it was laid out in.
    """

    rankdir: str
    bb: str
    nodes: dict = field(default_factory=dict)
    edges: dict = field(default_factory=dict)
    clusters: dict = field(default_factory=dict)

    @property
    def width_pt(self) -> float:
        """The width of the picture, in points."""
        return float(self.bb.split(",")[2])

    @property
    def height_pt(self) -> float:
        """The height of the picture, in points."""
        return float(self.bb.split(",")[3])

    def node_attrs(self, name: str) -> dict[str, str]:
        """The attributes that pin node ``name`` where ``dot`` put it."""
        pos, width, height = self.nodes[name]
        return {"pos": f"{pos}!", "width": width, "height": height, "fixedsize": "true"}

    def cluster_attrs(self, name: str) -> dict[str, str]:
        """The box (and label position) of cluster ``name``, so ``neato -n2`` draws it."""
        return dict(self.clusters.get(name, {}))

    def edge_attrs(self, tail: str, head: str, copy: int = 0) -> dict[str, str]:
        """The spline of copy number ``copy`` of the edge ``tail -> head``."""
        splines = self.edges.get((tail, head), [])
        return {"pos": splines[copy % len(splines)]} if splines else {}


def compute_layout(source: str, rankdir: str, *, timeout: float | None = TIMEOUT) -> Layout:
    """Lay out the DOT ``source`` with ``dot`` once and return the positions."""
    data = json.loads(run(["dot", "-Tjson"], source, timeout=timeout, what="the layout"))
    objects = data.get("objects", [])
    names = [o["name"] for o in objects]
    nodes = {o["name"]: (o["pos"], o["width"], o["height"]) for o in objects if "pos" in o}
    clusters = {
        o["name"]: {k: o[k] for k in ("bb", "lp") if k in o} for o in objects if "pos" not in o and "bb" in o
    }
    edges: dict = defaultdict(list)
    for e in sorted(data.get("edges", []), key=lambda e: e["_gvid"]):
        edges[(names[e["tail"]], names[e["head"]])].append(e["pos"])
    return Layout(rankdir=rankdir, bb=data["bb"], nodes=nodes, edges=dict(edges), clusters=clusters)


def _label_width_pt(node: Value, show_grad: bool) -> float:
    """A rough width of a node's record (fields stacked), in points (Helvetica 11 pt: ~6 pt a character)."""
    name = node.label or "v000"
    fields = [len(str(name)), 11] + ([12] if show_grad else [])
    return max(6.1 * n + 16 for n in fields)


def auto_rankdir(order: Sequence[Value], show_grad: bool = True) -> str:
    """``"LR"`` unless the left-to-right picture would be too wide to read, then ``"TB"``.

    Estimated without Graphviz: left to right, the width is the sum over the
    graph's depths of the widest record at that depth (plus an operation node
    and the gaps); top to bottom, the widest depth's records side by side.
    ``"TB"`` is chosen when the first is wider than :data:`MAX_WIDTH_PT` and
    wider than the second.
    """
    depth: dict = {}
    widest: dict = defaultdict(float)
    side: dict = defaultdict(float)
    for node in order:
        ps = node.parents
        d = 1 + max((depth[p] for p in ps), default=-1)
        depth[node] = d
        w = _label_width_pt(node, show_grad)
        widest[d] = max(widest[d], w)
        side[d] += w + 18
    lr = sum(widest.values()) + (len(widest) - 1) * (30 + 2 * 22)
    tb = max(side.values(), default=0.0)
    return "TB" if lr > MAX_WIDTH_PT and tb < lr else "LR"


def count_graph(root: Value, max_nodes: int, max_edges: int) -> tuple[int, int]:
    """``(nodes, edges)`` of ``root``'s graph, the walk stopping once either passes its limit.

    An edge is one parent reference (``x * x`` has two).  The counts returned
    are exact when both are within their limits, and otherwise just past the
    limit that stopped the walk.
    """
    seen = {root}
    stack = [root]
    edges = 0
    while stack:
        parents = stack.pop().parents
        edges += len(parents)
        if edges > max_edges:
            return len(seen), edges
        for p in parents:
            if p not in seen:
                seen.add(p)
                if len(seen) > max_nodes:
                    return len(seen), edges
                stack.append(p)
    return len(seen), edges
