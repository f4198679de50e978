"""The node of a computation graph: :class:`Value`, and how it is stored.

A :class:`Value` holds a float ``data``, a ``grad``, its parents, the record
of the operator that made it (see :mod:`autograd_lite.ops`), that operator's
constant operand if any, an optional ``label`` and a *rule* giving the local
derivatives d(out)/d(parent_i).  This module is storage only: every operator,
its kernel and its rule live in its registry record, and the Value methods
(``x.tan()``, ``a * b``) are attached from there.

How a node stores its parents and rule
--------------------------------------
Most nodes have exactly one parent (``relu``, ``exp``, ``x * 2.0``), so that
case is stored without a container:

* a **one-parent** node keeps the parent itself in ``_prev``, and its rule is
  ``rule(out, a, c) -> d`` (one derivative; ``c`` is the node's constant
  operand or None), or simply the number ``d`` when the derivative is a
  constant (``x * c`` stores ``c``, ``x + c`` stores 1.0);
* a node with **two Value parents** made by a built-in operator
  (``a * b``, ``a / b``, ``atan2(a, b)``) keeps the first in ``_prev`` and the second in
  ``_c`` (where a one-parent node keeps its constant), and its rule is
  ``rule(out, a, b) -> (d_a, d_b)`` or the tuple of constants: no tuple of
  parents to allocate and for the collector to track;
* a node with **several** parents keeps their tuple (or a ``_Chunks``
  of shared tuples, for a layer's dot nodes), and its rule is
  ``rule(out, *parents) -> (d_0, d_1, ...)`` in parent order, or the tuple of
  numbers itself: constants (``a + b`` stores ``(1.0, 1.0)``), or for a fused
  ``dot`` the factors' data, read when it is made (its record's ``vrule``
  gives the derivatives as Values for ``create_graph``);
* a ``relu`` stores the number 1.0 or 0.0 of the side it is on;
* a **leaf** has ``_prev is None``.

So building ``y * 0.999`` allocates one object for Python's cyclic garbage
collector to track (the new Value).  :attr:`Value.parents` always gives the
tuple.  Rules never refer to the node they belong to, so a graph holds no
reference cycles and is freed by reference counting as soon as it is dropped.

Conventions
-----------
* A Value's data is always a finite float: ``Value(nan)`` and ``Value(inf)``
  raise ``ValueError``; an operation whose result overflows raises
  ``OverflowError`` and one whose result is NaN raises ``ValueError``, both
  naming the operation and its operands.  Any real number (``int``,
  ``numpy.float32``, ``Fraction``...) given as data or operand is converted to
  a Python float first.
* ``bool(v)`` is ``v.data != 0.0``, as for a float; ``<``, ``<=``, ``>``,
  ``>=`` compare ``data``; ``==`` and hashing are by identity, so Values work
  in sets and dicts.
* Writing ``v.data`` marks the Value as changed: a backward pass through a
  graph built before the change raises (the gradient would be right at
  neither point).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import chain
from numbers import Real
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, Union

if TYPE_CHECKING:  # pragma: no cover
    from ._value_ops import ValueOps as _Ops
else:
    _Ops = object  # the operator methods are attached by autograd_lite.ops; their types are declared there

Number = Union[int, float]
Operand = Union["Value", int, float]
#: A local-derivative rule.  One parent: ``rule(out, a, c) -> d out/d a`` or that
#: derivative as a constant number.  Several parents: ``rule(out, *parents) ->
#: (d out/d parent_0, ...)`` or the tuple of those derivatives as constants.
Rule: TypeAlias = Union[Callable[..., Any], tuple[Any, ...], float]

_INF = math.inf
_new = object.__new__

# ------------------------------------------------------------------ grad mode
# Per thread and per asyncio task (a ContextVar): a no_grad() block in one
# thread never changes what another records.
_recording: ContextVar[bool] = ContextVar("autograd_lite_recording", default=True)
_recording_get = _recording.get


def is_grad_enabled() -> bool:
    """Whether operations in this thread (or task) record the graph (see :func:`no_grad`)."""
    return _recording_get()


@contextmanager
def _grad_mode(flag: bool) -> Iterator[None]:
    """Record the graph (``True``) or not (``False``) in this thread or task, inside the block."""
    token = _recording.set(flag)
    try:
        yield
    finally:
        _recording.reset(token)


#: The graph walks behind Value.backward and Value.zero_grad, filled in by
#: autograd_lite.graph (the layer above storage) when it is imported.
_WALKS: dict[str, Callable[..., None]] = {}

# --------------------------------------------------- comparisons seen by compile
_comparisons: ContextVar[list | None] = ContextVar("autograd_lite_comparisons", default=None)
_comparisons_get = _comparisons.get


@contextmanager
def _comparison_log() -> Iterator[list]:
    """Log, in this thread or task, every comparison and ``bool()`` of a Value.

    Each entry is ``(left, op, right, result)`` with ``op`` one of ``"<"``,
    ``"<="``, ``">"``, ``">="``, ``"bool"``: the data-dependent branches of the
    code that ran (the compile mode guards its replay with them).
    """
    log: list = []
    token = _comparisons.set(log)
    try:
        yield log
    finally:
        _comparisons.reset(token)


# --------------------------------------------------------- in-place changes
# A clock that ticks at every write of a Value's data.  Every node notes the
# clock when it is made (``_t``); a written Value notes the tick of its write.
# A node whose ``_t`` is later than the root's was changed after the root was
# computed: backward refuses it.
_clock = [0]


def _fmt(x: float) -> str:
    """A short readable form of a number that still looks like a float: 0.5, 2.0, 1.23457e+08."""
    s = f"{x:.6g}"
    return s if "." in s or "e" in s or "n" in s else s + ".0"


def _as_float(x: object, op: str) -> float:
    """``x`` as a finite Python float, or a clear error naming ``op`` and the value."""
    if type(x) is float:
        f = x
    elif isinstance(x, Real) and not isinstance(x, Value):
        try:
            f = float(x)
        except OverflowError:
            digits = int(x.bit_length() * 0.30103) + 1 if isinstance(x, int) else None
            size = f"an integer of about {digits} digits" if digits else f"the number {type(x).__name__}"
            raise OverflowError(f"{op} got {size}, too large for a float") from None
    else:
        what = "a Value" if isinstance(x, Value) else f"{type(x).__name__} {_short_repr(x)}"
        raise TypeError(f"{op} needs a real number or a Value, got {what}")
    if not -_INF < f < _INF:
        raise ValueError(f"{op} got {f}: data must be a finite number")
    return f


def _short_repr(x: object, limit: int = 40) -> str:
    try:
        r = repr(x)
    except Exception:
        return "<unprintable>"
    r = r.encode("unicode_escape", "backslashreplace").decode("ascii")
    return r if len(r) <= limit else r[:limit] + "..."


class _Record(Protocol):
    """What storage needs of an operator's record (an ``ops.Op``): how it is shown."""

    label: str


def _show_op(op: _Record, c: Any) -> str:
    """An operation's name as shown: ``"* 2.0"``, ``"**0.5"``, ``"clip[-1.0, 1.0]"``."""
    label = op.label
    if c is None or "{" not in label:
        return label
    if isinstance(c, tuple):
        return label.format(", ".join(_fmt(x) for x in c))
    return label.format(_fmt(c))


def _bad_result(data: float, parents: Value | tuple, op: _Record, c: Any) -> ArithmeticError | ValueError:
    """The error for an operation whose result is not a finite float."""
    if type(c) is Value:  # the second of two Value parents, stored apart
        parents, c = (parents, c), None
    operands = ", ".join(_fmt(p._d) for p in _as_tuple(parents))
    name = _show_op(op, c)
    if data != data:
        return ValueError(f"{name} of ({operands}) is not a number: the result is nan")
    return OverflowError(f"{name} of ({operands}) overflows: the result {data} is not a finite float")


def _node(data: float, parents: Value | tuple, rule: Rule, op: _Record, c: Any = None) -> Value:
    """Make the result node of an operation (the hot path: no validation of types).

    ``parents`` is the one parent itself or the tuple of several, and ``rule``
    has the matching form (see the module's docstring).  ``op`` is the
    operator's registry record and ``c`` its constant operand, if any, or the
    second parent of a node of two Values (exactly of type Value), stored
    apart so that no tuple is allocated.
    """
    if not -_INF < data < _INF:
        raise _bad_result(data, parents, op, c)
    v = _new(Value)
    v._d = data
    v.grad = 0.0
    v.label = None
    v._t = _clock[0]
    if _recording_get():
        v._prev = parents
        v._rule = rule
        v._op = op
        v._c = c
    else:
        v._prev = None
        v._rule = None
        v._op = None
        v._c = None
    return v


class _Chunks(tuple):
    """A node's parents kept as a few tuples, one after the other: ``((w_1..w_n), (x_1..x_n), (b,))``.

    The tuples are shared: a layer's dot nodes share the tuple of a row's
    weights across samples and the tuple of the inputs across rows, so a
    node holds three references instead of 2n + 1 (less to allocate, to
    free, and for the cyclic garbage collector to traverse).  Such a node's
    rule is the tuple of the matching tuples of numbers.
    """

    __slots__ = ()

    def flat(self) -> tuple:
        return _flat(self)


def _flat(parts: tuple) -> tuple:
    """Tuples one after the other, as one tuple (a ``_Chunks`` of parents, or its rule's numbers)."""
    return tuple(chain.from_iterable(parts))


def _as_tuple(prev: Value | tuple | None) -> tuple:
    """Parents given to :func:`_node` (one, or a tuple) as a tuple."""
    if prev is None:
        return ()
    if type(prev) is _Chunks:
        return prev.flat()
    return prev if type(prev) is tuple else (prev,)


def _parents(node: Value) -> tuple:
    """The parents of ``node`` as a tuple, whichever way it stores them."""
    prev = node._prev
    if prev is None:
        return ()
    if type(prev) is tuple:
        return prev
    if type(prev) is _Chunks:
        return prev.flat()
    c = node._c
    return (prev, c) if type(c) is Value else (prev,)


_get_d = attrgetter("_d")


def _local_grads(node: Value, create_graph: bool) -> tuple:
    """d(node)/d(parent_i) for each parent: the rule called with floats, or with Values.

    With ``create_graph`` the operator's Value form of the rule is called with
    the nodes themselves, so the derivatives are Values with graphs of their own.
    """
    rule, prev = node._rule, node._prev
    if type(prev) is _Chunks:
        if create_graph and node._op.vrule is not None:
            return node._op.vrule(node, *prev.flat())
        return _flat(rule)
    if type(prev) is not tuple and type(node._c) is Value:  # two Values, stored apart
        b = node._c
        if type(rule) is tuple:
            return rule
        if create_graph:
            return (node._op.vrule or rule)(node, prev, b)
        return rule(node._d, prev._d, b._d)
    if type(prev) is tuple:
        if create_graph and node._op.vrule is not None:  # numbers stored for a fused node: its partners
            return node._op.vrule(node, *prev)
        if type(rule) is tuple:
            return rule
        if create_graph:
            return rule(node, *prev)
        if len(prev) == 2:
            return rule(node._d, prev[0]._d, prev[1]._d)
        return rule(node._d, *map(_get_d, prev))
    if type(rule) is float:
        return (rule,)
    if create_graph:
        return ((node._op.vrule or rule)(node, prev, node._c),)
    return (rule(node._d, prev._d, node._c),)


def _data(x: Any) -> Any:
    return x._d if type(x) is Value else x


def _set_data(self: Value, x: object) -> None:
    f = x if type(x) is float and -_INF < x < _INF else _as_float(x, "Value.data")
    self._d = f  # before the tick: whoever sees the new clock sees the new data
    _clock[0] += 1
    self._t = _clock[0]


class Value(_Ops):
    """A scalar node of a computation graph.

    ``Value(data, label=None)`` makes a leaf.  Arithmetic (``+ - * / **``,
    unary ``-``, ``abs``) and the methods of every registered operator
    (:meth:`exp`, :meth:`tanh`, :meth:`relu`, ``tan``, ``atan2``... see
    :mod:`autograd_lite.ops`) make new nodes that remember their parents and
    local derivatives.  :meth:`backward` then applies the chain rule from this
    node back to every node it depends on.

    >>> x = Value(3.0, label="x")
    >>> y = x * x + 2 * x
    >>> y.backward()
    >>> x.grad        # dy/dx = 2x + 2
    8.0
    """

    __slots__ = ("_d", "grad", "_prev", "_rule", "_op", "_c", "_t", "label", "__weakref__")

    _d: float
    grad: float  # a Value after backward(create_graph=True), typed float for the common case
    # storage read by the hot loops, which tell its forms apart with type():
    _prev: Any  # the one parent, the tuple of parents, or None for a leaf
    _rule: Any  # a Rule (see the module docstring), or None for a leaf
    _op: Any  # the operator's record (an ops.Op), or None for a leaf
    _c: Any  # the constant operand, if any
    _t: int  # the clock when made or last written
    label: str | None

    def __init__(self, data: Number, label: str | None = None) -> None:
        if type(data) is not float or not -_INF < data < _INF:  # else: a finite float, as is
            if isinstance(data, Value):
                raise TypeError("Value() got a Value: use v.detach() for a copy without history")
            data = _as_float(data, "Value()")
        self._d = data
        self.grad = 0.0
        self._prev = None
        self._rule = None
        self._op = None
        self._c = None
        self._t = _clock[0]
        self.label = label

    if TYPE_CHECKING:

        @property
        def data(self) -> float:
            """The number this node holds (always a finite float)."""

        @data.setter
        def data(self, x: float) -> None: ...
    else:
        data = property(_get_d, _set_data, doc="The number this node holds (always a finite float).")

    # ----------------------------------------------------------------- views
    @property
    def parents(self) -> tuple[Value, ...]:
        """The nodes this one was computed from (empty for a leaf)."""
        return _parents(self)

    @property
    def op(self) -> str:
        """The name of the operation that made this node (``""`` for a leaf).

        An operation with a constant operand names it: ``"* 2.0"``, ``"1.0 -"``,
        ``"**3.0"``.
        """
        if self._op is None:
            return ""
        c = self._c
        return _show_op(self._op, None if type(c) is Value else c)

    @property
    def is_leaf(self) -> bool:
        """Whether this node has no parents (an input, a weight, or a result made under no_grad)."""
        return self._prev is None

    def local_grads(self, create_graph: bool = False) -> tuple[Any, ...]:
        """The local derivatives d(self)/d(parent_i), one per parent.

        Floats by default; Values (differentiable again) with ``create_graph``.
        """
        if self._prev is None:
            return ()
        return tuple(_local_grads(self, create_graph))

    def __repr__(self) -> str:
        grad = self.grad
        g = _fmt(grad) if isinstance(grad, float) else repr(grad)
        lab = f", label={self.label!r}" if self.label is not None else ""
        return f"Value(data={_fmt(self._d)}, grad={g}{lab})"

    def __float__(self) -> float:
        return self._d

    def __bool__(self) -> bool:
        """``data != 0.0``, as for a float (a branch the compile mode guards)."""
        r = self._d != 0.0
        log = _comparisons_get()
        if log is not None:
            log.append((self, "bool", None, r))
        return r

    def _compare(self, other: object, op: str, r: bool) -> bool:
        log = _comparisons_get()
        if log is not None:
            log.append((self, op, other, r))
        return r

    def __lt__(self, other: Operand) -> bool:
        return self._compare(other, "<", self._d < _cmp(other))

    def __le__(self, other: Operand) -> bool:
        return self._compare(other, "<=", self._d <= _cmp(other))

    def __gt__(self, other: Operand) -> bool:
        return self._compare(other, ">", self._d > _cmp(other))

    def __ge__(self, other: Operand) -> bool:
        return self._compare(other, ">=", self._d >= _cmp(other))

    if TYPE_CHECKING:

        def __hash__(self) -> int:
            """By identity, so Values work in sets and dicts (``==`` is identity too)."""
    else:
        __hash__ = object.__hash__  # by identity, in C: sets of Values stay fast

    def __pos__(self) -> Value:
        return self

    # --------------------------------------------------------------- backprop
    def backward(self, grad: Number = 1.0, *, create_graph: bool = False) -> None:
        """Backpropagate from this node: see :func:`autograd_lite.backward`."""
        _WALKS["backward"](self, grad, create_graph=create_graph)

    def zero_grad(self) -> None:
        """Set ``grad`` to 0 on this node and every node it depends on."""
        _WALKS["zero_grad"](self)

    def detach(self) -> Value:
        """A new leaf with the same data and label and no history."""
        return Value(self._d, self.label)


def _cmp(x: object) -> float:
    if type(x) is Value:
        return x._d
    if isinstance(x, Value):
        return x._d
    return x  # type: ignore[return-value]
