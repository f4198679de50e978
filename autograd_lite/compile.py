"""Compile mode: trace a function once, generate Python for its forward and backward passes, replay it.

``compile(f)`` returns a callable that, on its first call, runs ``f`` with
Values as usual (the *trace*) and keeps the graph it built.  From that graph
it writes one Python function: the forward pass as one assignment per node
(``v7 = (v3 * v5)``) and the backward pass as the chain rule written out in
reverse topological order, ``g3 += v5 * g7`` for each edge, exactly the loop
:func:`autograd_lite.backward` runs, with every expression taken from the
operator registry (``autograd_lite.ops.source_of``): no calculus is
stated here.  Later calls run that code on the current data of the graph's
leaves, with plain floats and no node objects.

* What it returns: the call returns what ``f`` returns, with the first Value
  in it (the loss) replaced by a Value whose ``backward()`` runs the
  generated backward pass and adds every leaf's gradient into its ``.grad``
  (leaves accumulate, as with ``backward()``); other Values come back as
  leaves holding their data.  The loss is one node whose parents are the
  leaves and whose rule is the generated backward pass, so
  :func:`~autograd_lite.backward`, :func:`~autograd_lite.gradients` and
  graphs built on top of it all work; intermediate nodes are not kept, so
  only leaves get a ``.grad``.  Inside a transformation (``grad``,
  ``jvp``...), under ``no_grad()`` and while another compiled function is
  tracing, ``f`` simply runs as it is.
* Inputs: the leaves of the traced graph.  A Value passed as an argument is
  read from the arguments of each call; any other leaf (a model's
  parameters) is read from the leaf itself, so an optimizer's updates are
  seen.  Plain numbers are constants written into the code: numbers passed
  as arguments are compared with those of the trace, and a different number
  traces again; numbers ``f`` reads from elsewhere (globals, closures) are
  frozen at the trace.
* Branches: a comparison or ``bool()`` of a Value inside ``f`` (``if x >
  0:``) is recorded while tracing, and the generated code checks that it
  comes out the same; if not, ``f`` is traced again.  A branch on
  ``x.data`` or ``float(x)`` is not seen.  Kinks inside operators (relu at
  0, abs) need no retrace: the registry's expressions handle both sides.
* Errors: a replay that raises (a domain error), gives a non-finite number
  or fails a branch check runs ``f`` again eagerly, which raises the eager
  error naming the operator, or traces the new graph.
* Repeats: when the graph is a model applied to many samples whose results
  meet in one node (a sum or mean of per-sample losses), the samples'
  subgraphs have the same shape and differ only in constants (the data); the
  generated code then loops over the samples, with the constants in a table,
  instead of writing every sample out.  Unrolled code is capped at
  ``max_lines`` (a clear error past it).
* ``create_graph`` (higher derivatives) is not available in this mode.

>>> import autograd_lite as al
>>> x = al.Value(0.5)
>>> f = al.compile(lambda: (x * x).exp())
>>> y = f()                       # traces
>>> y = f()                       # replays the generated code
>>> y.backward(); round(x.grad, 6)    # d/dx e^(x^2) = 2x e^(x^2)
1.284025
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from numbers import Real
from typing import Any

from ._codegen import MAX_LINES, _generate, _Plan, _Retrace, _Writer
from .functional import _depth
from .graph import _WALK_LOCK, _check_fresh
from .ops.registry import Op
from .value import Value, _comparison_log, _comparisons_get, is_grad_enabled

__all__ = ["compile", "Compiled"]


def _flatten(obj: Any, values: list, numbers: list) -> Any:
    """The structure of ``obj`` (lists, tuples, dicts) with Values and numbers taken out in order."""
    if isinstance(obj, Value):
        values.append(obj)
        return ("V",)
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, tuple(_flatten(o, values, numbers) for o in obj))
    if isinstance(obj, dict):
        return ("dict", tuple((k, _flatten(v, values, numbers)) for k, v in obj.items()))
    numbers.append(obj)
    return ("N",)


def _key(args: tuple, kwargs: dict) -> tuple[tuple, list]:
    """What decides whether a trace fits a call: the shape, the numbers, which Values are the same."""
    values: list = []
    numbers: list = []
    shape = _flatten((args, kwargs), values, numbers)
    first: dict[int, int] = {}
    alias = tuple(first.setdefault(id(v), i) for i, v in enumerate(values))
    try:
        nums: tuple = tuple((type(n), n) for n in numbers)
        hash(nums)
    except TypeError:
        nums = tuple(id(n) for n in numbers)
    return (shape, nums, alias), values


class _Trace:
    """One trace: its generated function and what to call it with."""

    __slots__ = ("source", "run", "leaves", "table", "sample_leaves", "all_leaves", "shape", "numbers")

    def __init__(self, source: str, run: Callable, writer: _Writer, shape: Any, numbers: list) -> None:
        self.source, self.run = source, run
        self.leaves = tuple(writer.leaves)
        self.table = writer.table
        self.sample_leaves = writer.sample_leaves or [()] * len(writer.table)
        self.all_leaves = [*self.leaves, *(v for row in writer.sample_leaves for v in row)]
        self.shape, self.numbers = shape, numbers

    def replay(self, values: list, redo: Callable[[], Value]) -> Any:
        gen = self.run(values, self.leaves, self.table, self.sample_leaves)
        outs = next(gen)
        it = iter(outs)
        first = _Result(next(it), gen, redo, [*self.all_leaves, *values])
        return _unflatten(self.shape, iter([first, *(Value(x) for x in it)]), iter(self.numbers))


def _first_value(out: Any) -> Value:
    values: list = []
    _flatten(out, values, [])
    return values[0]


def _unflatten(shape: tuple, values: Iterator, numbers: Iterator) -> Any:
    kind = shape[0]
    if kind == "V":
        return next(values)
    if kind == "N":
        return next(numbers)
    if kind == "dict":
        return {k: _unflatten(v, values, numbers) for k, v in shape[1]}
    items = [_unflatten(s, values, numbers) for s in shape[1]]
    return items if kind == "list" else tuple(items)


class _Pass:
    """The generated backward pass of one replay, run on demand (the rule of its result node).

    It adds d(result)/d(leaf) * seed into every leaf's ``.grad``; where a
    gradient is not finite it runs the function eagerly once and takes the
    eager graph's numbers instead (with eager mode's rule that an exact 0
    passes nothing).
    """

    __slots__ = ("gen", "redo", "eager")
    eager: Value | None

    def __init__(self, gen: Any, redo: Callable[[], Value]) -> None:
        self.gen, self.redo, self.eager = gen, redo, None

    def add_into_leaves(self, seed: float) -> None:
        if self.eager is None:
            try:
                self.gen.send(seed)
            except _Retrace:
                self.eager = self.redo()
        if self.eager is not None:
            self.eager.backward(seed)


def _compiled_rule(run: _Pass, leaves: tuple[Value, ...]) -> Callable[..., Any]:
    """The local derivatives d(result)/d(leaf) of a replay's result: the generated pass run with seed 1."""

    def rule(out: Any, *_: Any) -> Any:
        with _WALK_LOCK:
            saved = [leaf.grad for leaf in leaves]
            try:
                for leaf in leaves:
                    leaf.grad = 0.0
                run.add_into_leaves(1.0)
                ds = tuple(leaf.grad for leaf in leaves)
            finally:
                for leaf, g in zip(leaves, saved):
                    leaf.grad = g
        return ds if len(leaves) > 1 else ds[0]

    return rule


def _no_values(*_: Any) -> Any:
    raise ValueError(
        "create_graph=True (higher derivatives) is not supported in compile mode: "
        "call the function without compile() to differentiate its gradients again"
    )


#: The record of a compiled function's result node: its parents are the leaves it was computed from.
COMPILED = Op("compiled", 0, lambda *xs: 0.0, (), "a compiled result; d/d(leaf) from its generated pass")
COMPILED.label, COMPILED.vrule = "compiled", _no_values


class _Result(Value):
    """The loss of a replay: a node whose parents are the leaves it was computed from.

    Its rule runs the generated backward pass, so every walk (``backward()``,
    :func:`~autograd_lite.gradients`, a graph built on top of it) sees the
    compiled function as one node; its own ``backward()`` runs the pass
    straight into the leaves.
    """

    __slots__ = ("_run",)

    def __init__(self, data: float, gen: Any, redo: Callable[[], Value], leaves: list) -> None:
        super().__init__(data)
        self._run = _Pass(gen, redo)
        parents = tuple(dict.fromkeys(leaves))
        if parents:
            self._prev = parents if len(parents) > 1 else parents[0]
            self._rule = _compiled_rule(self._run, parents)
            self._op = COMPILED

    def backward(self, grad: Any = 1.0, *, create_graph: bool = False) -> None:
        """Add d(self)/d(leaf) * grad into every leaf's ``.grad``, as ``backward()`` does.

        As in eager mode, a leaf whose data changed since this result was
        computed makes it refuse (``StaleGraphError``).
        """
        if create_graph:
            _no_values()
        if isinstance(grad, bool) or not isinstance(grad, Real):
            raise TypeError(f"backward() seed must be a number, got {type(grad).__name__}")
        seed = float(grad)
        with _WALK_LOCK:
            _check_fresh([*self.parents, self])
            self._run.add_into_leaves(seed)
            self.grad = seed


class Compiled:
    """A function compiled by :func:`compile`: call it as the function itself.

    ``source`` is the Python code generated for the last trace; ``traces``
    and ``calls`` count the traces and the calls.  A function that keeps
    needing new traces (every call with new numbers, a branch that flips
    every time) gains nothing from them: after ``GIVE_UP`` traces, if more
    than half of the calls traced, it stops tracing (``gave_up``) and runs
    ``f`` as it is whenever no earlier trace fits.
    """

    traces: int
    calls: int
    gave_up: bool

    #: Traces after which a function that traces on most calls is run as it is.
    GIVE_UP = 16

    def __init__(self, f: Callable, max_lines: int = MAX_LINES) -> None:
        if not callable(f):
            raise TypeError(f"compile() needs a function, got {type(f).__name__}")
        if isinstance(max_lines, bool) or not isinstance(max_lines, int) or max_lines < 10:
            raise ValueError(f"compile(): max_lines must be an integer >= 10, got {max_lines!r}")
        self.f = f
        self.max_lines = max_lines
        self.traces = 0
        self.calls = 0
        self.gave_up = False
        self._cache: dict = {}
        self._last: _Trace | None = None
        functools.update_wrapper(self, f)

    @property
    def source(self) -> str:
        """The generated Python source of the last trace (the function must have been called)."""
        if self._last is None:
            raise ValueError("compile(): nothing traced yet: call the compiled function once first")
        return self._last.source

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not is_grad_enabled() or _depth.get() or _comparisons_get() is not None:
            # no graph to record, or a transformation (grad, jvp...) or an enclosing
            # compile() that is tracing needs f's own graph
            return self.f(*args, **kwargs)
        self.calls += 1
        key, values = _key(args, kwargs)
        trace = self._cache.get(key)
        if trace is None and (self.gave_up or (self.traces >= self.GIVE_UP and 2 * self.traces > self.calls)):
            self.gave_up = True  # tracing does not pay off for this function: run it as it is
            return self.f(*args, **kwargs)
        if trace is not None:
            try:
                return trace.replay(values, lambda: _first_value(self.f(*args, **kwargs)))
            except Exception:
                pass
        return self._trace(key, args, kwargs, values)

    def _trace(self, key: tuple, args: tuple, kwargs: dict, values: list) -> Any:
        with _comparison_log() as log:
            out = self.f(*args, **kwargs)
        outs: list = []
        numbers: list = []
        shape = _flatten(out, outs, numbers)
        if not outs:
            return out  # nothing differentiable came back: there is nothing to compile
        plan = _Plan(outs, list(log), values)
        src, run, writer = _generate(plan, self.max_lines)
        trace = _Trace(src, run, writer, shape, numbers)
        if len(self._cache) >= 8:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = trace
        self._last = trace
        self.traces += 1
        return out


def compile(f: Callable | None = None, *, max_lines: int = MAX_LINES) -> Any:
    """Trace ``f`` once and replay its forward and backward passes as generated Python.

    Use as ``compile(f)``, ``@compile`` or ``@compile(max_lines=...)``; see
    the module's docstring for what is an input, how branches are guarded,
    and the per-sample loop.  The result's ``source`` shows the generated code.
    """
    if f is None:
        return lambda g: Compiled(g, max_lines)
    return Compiled(f, max_lines)
