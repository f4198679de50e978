"""Code generation for :mod:`autograd_lite.compile`: from a traced graph to Python source.

:class:`_Plan` numbers the graph's nodes in the order ``backward()`` walks
them and asks the operator registry for each node's forward and
local-derivative expressions (``source_of``), with number literals cut out as
constants.  :func:`_find_loop` looks for a node whose parents head subgraphs
of the same shape, one per sample, that only differ in constants;
:class:`_Writer` writes the forward pass (a loop over the samples where one
was found, the varying constants in a table), the branch checks, and the
backward pass: ``grad(parent) += d * grad(node)`` for every edge, in reverse
topological order.
"""

from __future__ import annotations

import builtins
import re
from operator import attrgetter
from typing import Any

from .graph import topological_order
from .ops import FLOAT_NS, source_of
from .value import Value

_get_data = attrgetter("data")
_get_grad = attrgetter("grad")

#: Default cap on the lines of generated code (past it, compile raises ValueError).
MAX_LINES = 30_000
#: A node whose parents are at least this many per-sample subgraphs of one shape gets a loop.
MIN_LOOP = 4

_NUM = re.compile(r"(?<![\w.{}\])])(-?)(\d+\.\d*(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|\d+)(?![\w.])")
_SLOT = re.compile(r"\{(\w+)\}")


class _Retrace(Exception):
    """Raised by generated code when a branch check fails or a value is not finite."""


def _template(node: Value, cache: dict) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(forward, derivatives, constants) of a node, its number literals replaced by {c0}, {c1}...

    ``source_of`` depends only on what made the node (its operator, constant,
    rule and number of parents), so nodes alike share one call through ``cache``.
    """
    c = node._c
    rec = node._op
    # an operator with storage of its own (sum, dot) writes its source from the constant and
    # the number of parents alone; the numbers a dot stores differ per node
    rule = None if rec.source is not None else node._rule
    try:
        key: Any = (rec, None if type(c) is Value else c, rule, len(node.parents))
        hit = cache.get(key)
    except TypeError:  # an unhashable constant or rule: no sharing
        key, hit = None, None
    if hit is not None:
        return hit
    fwd, ds = source_of(node)
    consts: list[str] = []

    def cut(m: re.Match) -> str:
        consts.append(m.group(1) + m.group(2))
        return f"{{c{len(consts) - 1}}}"

    out = (_NUM.sub(cut, fwd), tuple(_NUM.sub(cut, d) for d in ds), tuple(consts))
    if key is not None:
        cache[key] = out
    return out


def _fill(tmpl: str, names: dict) -> str:
    return _SLOT.sub(lambda m: names[m.group(1)], tmpl)


class _Plan:
    """The traced graph, organised for code generation."""

    def __init__(self, outputs: list[Value], guards: list, arg_values: list) -> None:
        # the loss's order first, exactly as backward() walks it; then what only
        # the other outputs and the compared Values need (never reached backward)
        order = topological_order(outputs[0])
        self.n_loss = len(order)
        seen = {id(n) for n in order}
        extra = outputs[1:] + [x for g in guards for x in (g[0], g[2]) if isinstance(x, Value)]
        for r in extra:
            for node in topological_order(r):
                if id(node) not in seen:
                    seen.add(id(node))
                    order.append(node)
        self.order = order
        self.index = index = {n: k for k, n in enumerate(order)}  # Values hash by identity
        self.root = outputs[0]
        self.outputs = [index[v] for v in outputs]
        arg_pos: dict[int, int] = {}
        for j, v in enumerate(arg_values):
            arg_pos.setdefault(v, j)
        self.arg_pos = arg_pos
        self.guards = guards
        cache: dict = {}
        self.tmpl = {k: _template(n, cache) for k, n in enumerate(order) if n._prev is not None}
        get = index.__getitem__
        parents: dict[int, list[int]] = {}
        for k, n in enumerate(order):
            if n._prev is not None:
                parents[k] = list(map(get, n.parents))
        self.parents = parents


def _guard_refs(plan: _Plan, g: tuple) -> tuple:
    left, op, right, result = g
    refs: list[tuple] = []
    for x in (left, right):
        if isinstance(x, Value):
            refs.append(("n", plan.index[x]))
        elif x is None:
            refs.append(("none",))
        else:
            refs.append(("c", repr(float(x))))
    return refs[0], op, refs[1], bool(result)


def _find_loop(plan: _Plan, guards: list) -> tuple | None:
    """A node whose parents head same-shaped private subgraphs (one per sample), or None.

    Returns (node index, regions, per-region guards): each region the indices
    of the nodes only its sample uses, in topological order, its head last.
    """
    parents = plan.parents
    candidates = sorted(
        (
            k
            for k, ps in parents.items()
            if len(ps) >= MIN_LOOP and k < plan.n_loss and all(p in parents for p in ps)
        ),
        key=lambda k: -len(parents[k]),
    )
    for r in candidates[:3]:
        regions = _regions(plan, r)
        if regions is None:
            continue
        owner: dict[int, int] = {}
        for i, reg in enumerate(regions if guards else ()):
            owner.update(dict.fromkeys(reg, i))
        by_region: list[list] = [[] for _ in regions]
        ok = True
        for g in guards:
            refs = _guard_refs(plan, g)
            os_ = {owner.get(x[1], -1) for x in (refs[0], refs[2]) if x[0] == "n"}
            os_.discard(-1)
            if len(os_) > 1:
                ok = False
            elif os_:
                by_region[os_.pop()].append(refs)
        if ok and _same_shape(plan, regions, by_region):
            return r, regions, by_region
    return None


def _regions(plan: _Plan, r: int) -> list[list[int]] | None:
    """The nodes private to each parent of node r (a sample's subgraph), or None.

    The topological order is a depth-first one, so the subgraph first reached
    from parent i lies between parent i - 1 and parent i; what a later sample
    also uses (the model's parameters) is shared, and so is everything above it.
    """
    parents = plan.parents
    heads = parents[r]
    if any(a >= b for a, b in zip(heads, heads[1:])):
        return None  # not distinct, or one head above another
    first: set[int] = set()
    todo = [heads[0]]
    while todo:  # the first sample: every ancestor of its head
        k = todo.pop()
        if k not in first:
            first.add(k)
            todo.extend(parents.get(k, ()))
    spans = [sorted(first)] + [range(a + 1, b + 1) for a, b in zip(heads, heads[1:])]
    shared: set[int] = set()
    for i in range(1, len(spans)):
        lo = heads[i - 1]
        refs: set[int] = set()
        for k in spans[i]:
            refs.update(parents.get(k, ()))
        shared.update(p for p in refs if p <= lo)
    for k in range(r + 1, plan.n_loss):
        shared.update(p for p in parents.get(k, ()) if p < r)
    todo = list(shared)
    while todo:  # what a shared node needs is shared too
        for p in parents.get(todo.pop(), ()):
            if p not in shared:
                shared.add(p)
                todo.append(p)
    if shared.intersection(heads):
        return None
    regions = [[k for k in span if k not in shared] for span in spans]
    if len(regions[0]) < 2:
        return None
    return regions


def _same_shape(plan: _Plan, regions: list[list[int]], region_guards: list[list]) -> bool:
    """Whether every region is the first one with other constants (and other branch outcomes)."""
    tmpl, parents = plan.tmpl, plan.parents

    def shape(reg: list[int], guards: list) -> tuple:
        pos = {k: i for i, k in enumerate(reg)}
        nodes = tuple(
            (tmpl[k][:2], tuple([pos.get(p, ~p) for p in parents[k]])) if k in tmpl else () for k in reg
        )
        refs = tuple(
            (
                ("l", pos[a[1]]) if a[0] == "n" and a[1] in pos else a,
                op,
                ("l", pos[b[1]]) if b[0] == "n" and b[1] in pos else b,
            )
            for a, op, b, _ in guards
        )
        return nodes, refs

    first = shape(regions[0], region_guards[0])
    return all(shape(reg, g) == first for reg, g in zip(regions[1:], region_guards[1:]))


class _Writer:
    """Generates the source of one trace: ``def _run(_A, _P, _T, _L)`` as a generator."""

    def __init__(self, plan: _Plan, max_lines: int) -> None:
        self.plan = plan
        self.max_lines = max_lines
        self.fwd: list[str] = []
        self.bwd: list[str] = []
        self.leaves: list[Value] = []  # captured leaves, read as _P[i]
        self.table: list[tuple] = []  # per-sample constants (the loop's)
        self.sample_leaves: list[tuple] = []
        self.loop_r = -1
        self.cols: dict = {}
        self.loop_regions: list[list[int]] = []
        self.where: dict[int, str] = {}  # a loop's node as code after the loop reads it
        self.loop_local: dict = {}

    def _outside(self, k: int) -> str:
        """How code after the loop names node k: a variable, or a sample's saved value."""
        return self.where.get(k) or f"v{k}"

    def name(self, k: int, local: dict[int, str] | None = None) -> str:
        if local is not None and k in local:
            return local[k]
        return self._outside(k)

    def write(self, loop: tuple | None) -> str:
        plan = self.plan
        order = plan.order
        loop_r, regions, region_guards = loop if loop else (-1, [], [])
        self.loop_r = loop_r
        in_region = {k for reg in regions for k in reg}
        reads: list[str] = []
        grads_in: list[str] = []
        gnames: list[str] = []
        grads_out: list[str] = []
        captured: list[int] = []
        for k, node in enumerate(order):
            if node._prev is not None or k in in_region:
                continue
            j = plan.arg_pos.get(node)  # type: ignore[call-overload]  # keyed by node or position
            if j is None:
                captured.append(k)
                self.leaves.append(node)
                src = f"_P[{len(self.leaves) - 1}]"
            else:
                src = f"_A[{j}]"
            label = f"  # {node.label}" if node.label and len(order) < 200 else ""
            reads.append(f"v{k} = {src}.data{label}")
            if k < plan.n_loss:
                gnames.append(f"g{k}")
                grads_in.append(f"g{k} = {src}.grad")
                grads_out.append(f"{src}.grad = g{k}")
        if len(captured) > 8:  # many leaves (a model's parameters): one line each way
            reads = [r for r in reads if not r.startswith("v") or "_P[" not in r]
            reads.append(f"{', '.join(f'v{k}' for k in captured)}, = map(_data, _P)")
            gs = [k for k in captured if k < plan.n_loss]
            grads_in = [g for g in grads_in if "_P[" not in g]
            grads_out = [g for g in grads_out if "_P[" not in g]
            if gs:
                grads_in.append(f"{', '.join(f'g{k}' for k in gs)}, = map(_grad, _P)")
                grads_out.append(f"for _p, _g in zip(_P, ({', '.join(f'g{k}' for k in gs)},)): _p.grad = _g")
        body = ["    # forward: the leaves' data, then one line per node"] + [f"    {line}" for line in reads]
        check: list[str] = []
        for k, node in enumerate(order):
            if k in in_region:
                continue
            if k == loop_r:
                body += self._forward_loop(loop_r, regions, region_guards)
            if node._prev is None:
                continue
            body.append(f"    v{k} = {self._expr(k, None, None)}")
            if not plan.tmpl[k][0].startswith("_k_"):
                check.append(f"v{k}")
        for g in plan.guards:
            refs = _guard_refs(plan, g)
            if not any(r[0] == "n" and r[1] in in_region for r in (refs[0], refs[2])):
                body.append(
                    f"    if {self._guard(refs, None)}: raise _Retrace  # a branch went the other way"
                )
        if check:
            body.append(
                f"    if {self._finite(check)}: raise _Retrace  # inf or nan: eager mode names the error"
            )
        root = plan.index[plan.root]
        body.append(f"    _seed = yield ({', '.join(self._outside(k) for k in plan.outputs)},)")
        body.append("    while True:  # backward(): one line per edge, in the order backward() walks")
        n_loss = plan.n_loss
        inner = [
            f"g{k} = 0.0"
            for k, n in enumerate(order[:n_loss])
            if n._prev is not None and k not in in_region and k != root
        ]
        inner += grads_in
        if loop is not None and self.sample_leaves and self.sample_leaves[0]:
            inner.append("_lg = []")
        inner.append(f"g{root} {'+=' if order[root]._prev is None else '='} _seed")
        for k in range(n_loss - 1, -1, -1):
            if k in in_region or order[k]._prev is None:
                continue
            inner.append(f"if g{k}:")
            if k == loop_r:
                inner += self._backward_loop(loop_r, regions)
            else:
                inner += [f"    {s}" for s in self._edges(k, f"g{k}", None, None)]
        if gnames:  # a non-finite gradient: backward() runs eagerly instead (its 0 * inf rule)
            inner.append(f"if {self._finite(gnames)}: raise _Retrace  # inf or nan: eager mode takes over")
        if self.sample_leaves and self.sample_leaves[0]:
            inner.append("for _l, _gs in zip(reversed(_L), _lg):")
            inner.append("    for _v, _g in zip(_l, _gs): _v.grad = _g")
        inner += grads_out
        inner.append("_seed = yield None")
        body += [f"        {line}" for line in inner]
        lines = ["def _run(_A, _P, _T, _L):", *body]
        if len(lines) > self.max_lines:
            raise ValueError(
                f"compile(): the traced graph ({len(order)} nodes) needs {len(lines)} lines of code, "
                f"over the limit max_lines={self.max_lines}"
                + (
                    ""
                    if loop
                    else "; no repeated per-sample subgraph was found to loop over (sum per-sample "
                    "losses with autograd_lite.sum, one node, not a chain of +)"
                )
                + ": compile a smaller function, or raise max_lines"
            )
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------ expressions
    def _names(self, k: int, local: dict | None, cols: dict | None) -> dict:
        """What the placeholders of node k's expressions stand for, as variable names or literals."""
        plan = self.plan
        consts = plan.tmpl[k][2]
        if k == self.loop_r:
            names = {f"p{i}": f"_r[{i}]" for i in range(len(plan.parents[k]))}
        elif local is None:
            where = self.where
            names = {f"p{i}": where.get(p) or f"v{p}" for i, p in enumerate(plan.parents[k])}
        else:
            names = {f"p{i}": local.get(p) or f"v{p}" for i, p in enumerate(plan.parents[k])}
        names["out"] = f"v{k}" if local is None else local.get(k) or f"v{k}"
        for i, c in enumerate(consts):
            col = cols.get((k, i)) if cols else None
            names[f"c{i}"] = f"_c[{col}]" if col is not None else f"({c})" if c[0] == "-" else c
        return names

    def _expr(self, k: int, local: dict | None, cols: dict | None, which: int = -1) -> str:
        fwd, ds, _ = self.plan.tmpl[k]
        return _fill(fwd if which < 0 else ds[which], self._names(k, local, cols))

    def _edges(self, k: int, g: str, local: dict | None, cols: dict | None) -> list[str]:
        """grad(parent) += d * g for each parent of node k (THE chain-rule step)."""
        out = []
        ds = self.plan.tmpl[k][1]
        names = self._names(k, local, cols)
        for i, p in enumerate(self.plan.parents[k]):
            target = f"g{local[p]}" if local is not None and p in local else f"g{p}"
            d = _fill(ds[i], names)
            if d == "1.0":  # 1.0 * g is g, exactly
                out.append(f"{target} += {g}")
            elif d in ("-1.0", "(-1.0)"):  # t + -1.0 * g is t - g, exactly
                out.append(f"{target} -= {g}")
            else:
                out.append(f"{target} += {d} * {g}")
        return out

    def _guard(self, refs: tuple, local: dict | None, col: str | None = None) -> str:
        left, op, right, result = refs
        a = self.name(left[1], local) if left[0] == "n" else left[1]
        if op == "bool":
            test = f"({a} != 0.0)"
        else:
            b = self.name(right[1], local) if right[0] == "n" else f"({right[1]})"
            test = f"({a} {op} {b})"
        want = col if col is not None else str(result)
        return f"{test} is not {want}"

    @staticmethod
    def _finite(names: list[str]) -> str:
        # (v - v) is 0.0 for a finite v and nan for inf or nan; the sum never overflows
        return "(" + " + ".join(f"{n} - {n}" for n in names) + ") != 0.0"

    # ------------------------------------------------------------------ loops
    def _forward_loop(self, r: int, regions: list[list[int]], region_guards: list) -> list[str]:
        plan = self.plan
        head = regions[0]
        local = {k: f"a{i}" for i, k in enumerate(head)}
        # constants that differ between samples go to the table, one column per distinct series
        series: dict[tuple, int] = {}
        self.cols = {}
        per_node = [[plan.tmpl[k][2] if k in plan.tmpl else () for k in reg] for reg in regions]
        for pos, k in enumerate(head):
            for i in range(len(per_node[0][pos])):
                vals = tuple(region[pos][i] for region in per_node)
                if len(set(vals)) > 1:
                    self.cols[(k, i)] = series.setdefault(vals, len(series))
        guard_cols: list[int] = []
        for gi in range(len(region_guards[0])):
            outcomes = tuple(rg[gi][3] for rg in region_guards)
            guard_cols.append(series.setdefault(("guard", gi, *outcomes), len(series)))
        columns = sorted(series, key=series.__getitem__)
        table = []
        for s in range(len(regions)):
            row = []
            for key in columns:
                row.append(key[2 + s] if key[0] == "guard" else float(key[s]))
            table.append(tuple(row))
        self.table = table
        self.loop_local = local
        self.loop_regions = regions
        self.where = {k: f"_S[{i}][{pos}]" for i, reg in enumerate(regions) for pos, k in enumerate(reg)}
        order = plan.order
        leaf_pos = [i for i, k in enumerate(head) if order[k]._prev is None]
        self.sample_leaves = [tuple(order[reg[i]] for i in leaf_pos) for reg in regions]
        out = [
            "    _r = []",
            "    _S = []",
            "    for _c, _l in zip(_T, _L):" if table and table[0] else "    for _l in _L:",
        ]
        n_leaf = 0
        check = []
        for k in head:
            if plan.order[k]._prev is None:
                out.append(f"        {local[k]} = _l[{n_leaf}].data")
                n_leaf += 1
                continue
            out.append(f"        {local[k]} = {self._expr(k, local, self.cols)}")
            if not plan.tmpl[k][0].startswith("_k_"):
                check.append(local[k])
        for gi, refs in enumerate(region_guards[0]):
            guard = self._guard(refs, local, f"_c[{guard_cols[gi]}]")
            out.append(f"        if {guard}: raise _Retrace  # a branch went the other way")
        if check:
            out.append(
                f"        if {self._finite(check)}: raise _Retrace  # inf or nan: eager mode names the error"
            )
        out.append(f"        _S.append(({', '.join(local[k] for k in head)},))")
        out.append(f"        _r.append({local[head[-1]]})")
        return out

    def _backward_loop(self, r: int, regions: list[list[int]]) -> list[str]:
        plan = self.plan
        local = self.loop_local
        head = regions[0]
        n = len(regions)
        ds = ", ".join(self._expr(r, None, None, i) for i in range(n))
        out = [
            f"    _dR = ({ds},)",
            f"    for _i in range({n - 1}, -1, -1):",
            f"        {', '.join(local[k] for k in head)}, = _S[_i]",
        ]
        if self.table and self.table[0]:
            out.append("        _c = _T[_i]")
        leaves = [k for k in head if plan.order[k]._prev is None]
        if leaves:
            out.append("        _l = _L[_i]")
        for j, k in enumerate(leaves):
            out.append(f"        g{local[k]} = _l[{j}].grad")
        for k in head[:-1]:
            if plan.order[k]._prev is not None:
                out.append(f"        g{local[k]} = 0.0")
        out.append(f"        g{local[head[-1]]} = _dR[_i] * g{r}")
        for k in reversed(head):
            if plan.order[k]._prev is None:
                continue
            out.append(f"        if g{local[k]}:")
            out += [f"            {s}" for s in self._edges(k, f"g{local[k]}", local, self.cols)]
        if leaves:  # written after the last check, with the other leaves
            names = [f"g{local[k]}" for k in leaves]
            out.append(
                f"        if {self._finite(names)}: raise _Retrace  # inf or nan: eager mode takes over"
            )
            out.append(f"        _lg.append(({', '.join(names)},))")
        return out


def _generate(plan: _Plan, max_lines: int) -> tuple[str, Any, _Writer]:
    """The generated source of a trace, its compiled ``_run`` and the writer (tables, leaves)."""
    writer = _Writer(plan, max_lines)
    src = writer.write(_find_loop(plan, plan.guards))
    ns = dict(FLOAT_NS)
    ns.update(_Retrace=_Retrace, _data=_get_data, _grad=_get_grad)
    code = builtins.compile(src, "<autograd_lite.compile>", "exec")
    exec(code, ns)
    return src, ns["_run"], writer
