"""Grouping an ``nn`` model's graph by module: one box per layer, one per neuron inside it.

An ``nn`` model labels each parameter with its dotted name
(``layers.0.neurons.3.w.1``, ``layers.0.neurons.3.b``).  The *owner* of a
parameter is that name without the parameter's own part (``w.1``, ``b``):
``layers.0.neurons.3``.  Every prefix of an owner that ends in a list index
(``layers.0``) is a module too, so the clusters nest: layer, then neuron.

A neuron's nodes are its parameters, its *pre-activation* (the node that
uses them: ``z = w . x + b``, one ``dot`` node) and its *activation*
(``a = phi(z)``: a one-parent function of ``z``, such as ``tanh``), when it
has one.  Collapsed, a neuron is one box showing ``z`` and ``a``; its
parameters are not drawn, and its inputs point straight at the box.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import graphviz

    from .value import Value

_CLUSTER_STYLE = {
    "style": "rounded,filled",
    "color": "#b0b0b0",
    "fontname": "Helvetica",
    "fontsize": "11",
    "labeljust": "l",
}
_FILLS = ("#f7f7fb", "#eef3fa")  # outer (layer), inner (neuron)


def owner(label: str | None) -> str | None:
    """The module a parameter belongs to, from its dotted label; None if it has none.

    >>> owner("layers.0.neurons.3.w.1"), owner("layers.2.neurons.0.b"), owner("x")
    ('layers.0.neurons.3', 'layers.2.neurons.0', None)
    """
    if not label or "." not in label:
        return None
    parts = label.split(".")
    while parts and parts[-1].isdigit():
        parts.pop()
    if parts:
        parts.pop()  # the parameter's own name: w, b
    return ".".join(parts) or None


def modules_of(name: str) -> list[str]:
    """The nested modules of an owner, outermost first: every prefix ending in an index, and itself.

    >>> modules_of("layers.0.neurons.3")
    ['layers.0', 'layers.0.neurons.3']
    """
    parts = name.split(".")
    out = [".".join(parts[: i + 1]) for i, p in enumerate(parts[:-1]) if p.isdigit()]
    return [*out, name] if name not in out else out


class ModuleGroups:
    """Which node of a graph belongs to which module, and how to draw the clusters."""

    def __init__(self, order: Sequence[Value], parameters: frozenset | None) -> None:
        self.cluster_of: dict = {}  # node -> its innermost module
        self.pre: dict = {}  # pre-activation node -> its module
        self.activation: dict = {}  # pre-activation node -> its activation node
        for node in order:
            parents = node.parents
            if not parents:
                name = owner(node.label)
                if name is not None and (parameters is None or node in parameters):
                    self.cluster_of[node] = name
                continue
            mods = {self.cluster_of[p] for p in parents if not p.parents and p in self.cluster_of}
            if len(mods) == 1:
                name = mods.pop()
                self.cluster_of[node] = name
                self.pre[node] = name
            elif (
                len(parents) == 1
                and parents[0] in self.pre
                and parents[0] not in self.activation
                and (node.op or "").isidentifier()
                and node.op != "dot"
            ):
                self.cluster_of[node] = self.pre[parents[0]]
                self.activation[parents[0]] = node
        # collapsed: one box per pre-activation, the activation if there is one
        self.box: dict = {}  # box node -> (pre-activation, activation or None)
        self.hidden: set = set()
        for pre in self.pre:
            act = self.activation.get(pre)
            self.box[act if act is not None else pre] = (pre, act)
            if act is not None:
                self.hidden.add(pre)
        self.hidden.update(n for n in self.cluster_of if not n.parents)
        self._statements: dict = defaultdict(list)

    # ------------------------------------------------------------ collapsed boxes

    def box_inputs(self, box: Value) -> list[Value]:
        """The nodes feeding a collapsed neuron: its pre-activation's parents that are not its parameters."""
        pre, _ = self.box[box]
        seen: dict = {}
        for p in pre.parents:
            if p not in self.hidden or p in self.box:
                seen.setdefault(p, None)
        return list(seen)

    def box_fields(self, box: Value, grad_field: str | None, number: Any) -> list[str]:
        """The fields of a collapsed neuron: its name (and activation), z, a, the gradient."""
        pre, act = self.box[box]
        mods = modules_of(self.cluster_of[pre])
        name = mods[-1][len(mods[-2]) + 1 :] if len(mods) > 1 else mods[-1]  # inside its layer's box
        fields = [f"{name} ({act.op})" if act is not None else name, f"z {number(pre.data)}"]
        if act is not None:
            fields.append(f"a {number(act.data)}")
        if grad_field is not None:
            fields.append(grad_field)
        return fields

    # ------------------------------------------------------------ clusters

    def add(
        self, node: Value, name: str, label: str, attrs: dict, dot: graphviz.Digraph, collapsed: bool = False
    ) -> None:
        """Declare a node: inside its module's cluster (the layer's, when collapsed), else at top level."""
        module = self.cluster_of.get(node)
        if module is None:
            dot.node(name, label, **attrs)
            return
        mods = modules_of(module)
        if collapsed and len(mods) > 1:
            mods = mods[:-1]
        self._statements[tuple(mods)].append((name, label, attrs))

    def emit(self, dot: graphviz.Digraph, layout: Any = None) -> None:
        """Write the nested clusters with the nodes declared in them."""
        tree: dict = {}
        for path in self._statements:
            branch = tree
            for m in path:
                branch = branch.setdefault(m, {})
        self._emit(dot, tree, (), layout)

    def _emit(self, parent: Any, tree: dict, path: tuple, layout: Any) -> None:
        for module, sub in sorted(tree.items(), key=lambda kv: _natural(kv[0])):
            here = (*path, module)
            with parent.subgraph(name=f"cluster_{module}") as c:
                inner = module[len(path[-1]) + 1 :] if path else module
                attrs = dict(_CLUSTER_STYLE, label=inner, fillcolor=_FILLS[min(len(path), 1)])
                if layout is not None:
                    attrs.update(layout.cluster_attrs(f"cluster_{module}"))
                c.attr(**attrs)
                for name, label, attrs_ in self._statements.get(here, ()):
                    c.node(name, label, **attrs_)
                self._emit(c, sub, here, layout)


def _natural(name: str) -> list:
    """``layers.10`` after ``layers.9``."""
    return [int(p) if p.isdigit() else p for p in name.split(".")]


def module_groups(order: Sequence[Value], parameters: Iterable[Value] | None) -> ModuleGroups:
    """The module grouping of a graph in topological ``order``."""
    return ModuleGroups(order, frozenset(parameters) if parameters is not None else None)


def module_parameters(order: Sequence[Value]) -> frozenset:
    """The leaves whose dotted label names a module (``layers.0.neurons.3.w.1``): the parameters."""
    return frozenset(n for n in order if not n.parents and owner(n.label) is not None)
