"""The node of a computation graph: :class:`Value` and its operators.

A :class:`Value` holds a float ``data``, a ``grad``, its parents, the name of
the operation that made it (and its constant operand, if any), an optional
``label`` and a *rule* that gives the local derivatives d(out)/d(parent_i).

Every rule is written once, next to its forward computation, with operations
that work on plain floats *and* on Values.  The engine calls it with floats
(``out.data``, ``parent.data``) for ordinary backprop, and with the Values
themselves when it builds a differentiable gradient (``create_graph=True``).

How a node stores its parents and rule
--------------------------------------
Most nodes have exactly one parent (``relu``, ``exp``, ``x * 2.0``,
``x + 1.0``), so that case is stored without a container:

* a **one-parent** node keeps the parent itself in ``_prev``, and its rule is
  ``rule(out, a) -> d`` (one derivative), or simply the number ``d`` when the
  derivative is a constant (``x * c`` stores ``c``, ``x + c`` stores 1.0);
* a node with **several** parents keeps their tuple, and its rule is
  ``rule(out, *parents) -> (d_0, d_1, ...)`` in parent order, or the tuple of
  constants itself (``a + b`` stores ``(1.0, 1.0)``);
* a **leaf** has ``_prev == ()``, so ``if node._prev`` tells a leaf (a Value
  is always true).

So building ``y * 0.999`` allocates one object for Python's cyclic garbage
collector to track (the new Value) instead of four (with the parents tuple,
a rule tuple and an (op, constant) tuple), and a growing graph keeps half as
many tracked objects for each full pass of that collector to traverse.
:attr:`Value.parents` always gives the tuple.

Rules never refer to the node they belong to; a rule that needs a constant
(``x ** 3``) closes over that number only.  So a graph holds no reference
cycles and is freed by reference counting as soon as it is dropped.

Conventions
-----------
* ``relu'(0) = 0`` and ``abs'(0) = 0``.
* A Value's data is always a finite float: ``Value(nan)`` and ``Value(inf)``
  raise ``ValueError``, and an operation whose result overflows raises
  ``OverflowError`` naming the operation and its operands.
* Invalid inputs raise at the forward operation, naming the operator and the
  value: ``log``/``sqrt`` outside their domain, ``x ** y`` with a Value exponent
  and ``x <= 0``, a negative base with a non-integer constant exponent
  (``ValueError``) and division by zero (``ZeroDivisionError``).
* Where a derivative is infinite (``sqrt`` at 0, ``x ** 0.5`` at 0) the gradient
  is ``inf``.
"""

from __future__ import annotations

import builtins
import math
from functools import lru_cache
from numbers import Real
from operator import attrgetter
from operator import mul as _mul
from typing import Callable, Iterable, Union

Number = Union[int, float]
Operand = Union["Value", int, float]
#: A local-derivative rule.  One parent: ``rule(out, a) -> d out/d a`` or that
#: derivative as a constant number.  Several parents: ``rule(out, *parents) ->
#: (d out/d parent_0, ...)`` or the tuple of those derivatives as constants.
Rule = Union[Callable[..., object], tuple, float]

_INF = math.inf
_fsum = builtins.sum  # this module defines its own n-ary sum()
_new = object.__new__

#: Inputs at which an operator is not differentiable (its kinks), by op name.
KINKS: dict[str, tuple[float, ...]] = {"relu": (0.0,), "abs": (0.0,), "sqrt": (0.0,)}


def kinks_of(op: str, c: "float | None" = None) -> tuple[float, ...]:
    """The points where the one-input operation ``op`` is not differentiable.

    ``KINKS[op]`` for a named operation; for a constant power ``x ** c`` the
    point 0 unless ``c`` is a whole number >= 0 (at 0, ``x ** 0.5`` has an
    infinite slope, ``x ** 1.5`` is defined on one side only and ``x ** -1``
    has a pole).  ``op`` is a node's ``op`` string (``"**0.5"``), or a
    template with its constant given apart (``kinks_of("**{}", 0.5)``).

    >>> kinks_of("relu"), kinks_of("**0.5"), kinks_of("**{}", 3.0), kinks_of("exp")
    ((0.0,), (0.0,), (), ())
    """
    if c is not None:
        if op == "**{}":
            return () if c >= 0.0 and float(c).is_integer() else (0.0,)
        return KINKS.get(op.format(_fmt(c)), ())
    found = KINKS.get(op)
    if found is not None:
        return found
    if op.startswith("**") and len(op) > 2:
        try:
            return kinks_of("**{}", float(op[2:]))
        except ValueError:
            return ()
    return ()

_grad_enabled = True


def is_grad_enabled() -> bool:
    """Whether operations currently record the graph (see :func:`no_grad`)."""
    return _grad_enabled


def _set_grad_enabled(flag: bool) -> bool:
    global _grad_enabled
    old, _grad_enabled = _grad_enabled, flag
    return old


def _fmt(x: float) -> str:
    """A short readable form of a number that still looks like a float: 0.5, 2.0, 1.23457e+08."""
    s = f"{x:.6g}"
    return s if "." in s or "e" in s or "n" in s else s + ".0"


def _as_float(x: object, op: str) -> float:
    """Check that ``x`` is a finite real number and return it as a float."""
    if type(x) is float or type(x) is int or isinstance(x, Real):
        f = float(x)
    else:
        raise TypeError(f"{op} needs a real number or a Value, got {type(x).__name__} {x!r}")
    if not -_INF < f < _INF:
        raise ValueError(f"{op} got {f}: data must be a finite number")
    return f


def _node(data: float, parents: "Value | tuple", rule: Rule, op: str,
          c: "float | None" = None) -> "Value":
    """Make the result node of an operation (the hot path: no validation of types).

    ``parents`` is the one parent itself or the tuple of several, and ``rule``
    has the matching form (see the module's docstring).  ``op`` is the
    operation's name, or with a constant operand ``c`` a template such as
    ``"* {}"`` that :attr:`Value.op` fills in only when it is displayed.
    """
    if not -_INF < data < _INF:
        operands = ", ".join(_fmt(p.data) for p in _as_tuple(parents))
        op = op if c is None else op.format(_fmt(c))
        raise OverflowError(f"{op} of ({operands}) overflows: the result {data} is not a finite float")
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = None
    if _grad_enabled:
        v._prev = parents
        v._rule = rule
        v._op = op
        v._c = c
    else:
        v._prev = ()
        v._rule = None
        v._op = ""
        v._c = None
    return v


def _as_tuple(prev: "Value | tuple") -> tuple:
    """A node's ``_prev`` as the tuple of its parents."""
    return prev if type(prev) is tuple else (prev,)


def _local_grads(node: "Value", create_graph: bool) -> tuple:
    """d(node)/d(parent_i) for each parent: the rule called with floats, or with Values."""
    rule, prev = node._rule, node._prev
    if type(prev) is tuple:
        if type(rule) is tuple:
            return rule
        if create_graph:
            return rule(node, *prev)
        return rule(node.data, *map(_get_data, prev))
    if type(rule) is float:
        return (rule,)
    return (rule(node, prev) if create_graph else rule(node.data, prev.data),)


def _data(x: Operand) -> float:
    return x.data if isinstance(x, Value) else x


# --- rules: shared functions, no allocation per node ---
# Several parents: the tuple of derivatives.  One parent: the derivative itself.

def _mul_rule(out, a, b):
    return (b, a)


def _div_rule(out, a, b):
    # d(a/b)/da = 1/b ; d(a/b)/db = -a/b^2 = -out/b
    return (1.0 / b, -out / b)


def _pow_rule(out, a, b):
    # d(a^b)/da = b a^(b-1) ; d(a^b)/db = a^b ln a   (a > 0 here)
    return (b * a ** (b - 1.0), out * log(a))


def _exp_rule(out, a):
    return out


def _log_rule(out, a):
    return 1.0 / a


def _sqrt_rule(out, a):
    return 0.5 / out if _data(out) != 0.0 else _INF


def _tanh_rule(out, a):
    return 1.0 - out * out


def _sigmoid_rule(out, a):
    return out * (1.0 - out)


def _relu_rule(out, a):
    return 1.0 if _data(a) > 0.0 else 0.0


def _abs_rule(out, a):
    d = _data(a)
    return 1.0 if d > 0.0 else -1.0 if d < 0.0 else 0.0


def _sin_rule(out, a):
    return cos(a)


def _cos_rule(out, a):
    return -sin(a)


def _rdiv_rule(out, b):
    # d(c/b)/db = -c/b^2 = -out/b
    return -out / b


def _sum_rule(out, *parents):
    return (1.0,) * len(parents)


def _const_rule(c: float) -> float:
    """Rule of a one-parent node whose derivative is the constant ``c``.

    A constant derivative is stored as the number itself (``x * 2.0`` stores
    2.0, ``x + 1.0`` and ``-x`` store 1.0 and -1.0): no function to call and
    no object to allocate per node.
    """
    return float(c)


def _const_tuple_rule(ds: tuple) -> tuple:
    """Rule of a node with several parents whose local derivatives are the constants ``ds``.

    Stored as the tuple itself (``a + b`` stores ``(1.0, 1.0)``).
    """
    return ds


def _pow_const_rule(c: float) -> Rule:
    """Rule of ``a ** c`` for a constant exponent: d/da = c a^(c-1)."""
    if c == 0.0:
        return 0.0
    if c == 1.0:
        return 1.0
    if c == 2.0:
        return lambda out, a: 2.0 * a

    def rule(out, a):
        if c < 1.0 and _data(a) == 0.0:
            return _INF if c > 0.0 else 0.0
        return c * a ** (c - 1.0)
    return rule


def _scaled_out_rule(k: float) -> Rule:
    """Rule of ``c ** a`` (constant base c > 0): d/da = c^a ln c = out * k."""
    return lambda out, a: out * k


def _check_pow(base: float, exp: float, value_exponent: bool) -> float:
    op = "**"
    if value_exponent and base <= 0.0:
        raise ValueError(
            f"{op} with a Value exponent needs a base > 0, got {_fmt(base)} "
            "(its derivative d/dy x**y = x**y * log(x) is undefined there)")
    if base < 0.0 and not float(exp).is_integer():
        raise ValueError(
            f"{op} of a negative base {_fmt(base)} with the non-integer exponent {_fmt(exp)} "
            "is not a real number")
    if base == 0.0 and exp < 0.0:
        raise ZeroDivisionError(f"{op}: 0.0 raised to the negative power {_fmt(exp)} (division by zero)")
    try:
        return base ** exp
    except OverflowError:
        raise OverflowError(f"{op} of ({_fmt(base)}, {_fmt(exp)}) overflows a float") from None


class Value:
    """A scalar node of a computation graph.

    ``Value(data, label=None)`` makes a leaf.  Arithmetic (``+ - * / **``,
    unary ``-``, ``abs``) and the methods :meth:`exp`, :meth:`log`,
    :meth:`sqrt`, :meth:`tanh`, :meth:`sigmoid`, :meth:`relu`, :meth:`sin`,
    :meth:`cos` make new nodes that remember their parents and local
    derivatives.  :meth:`backward` then applies the chain rule from this node
    back to every node it depends on.

    Values are hashed and compared for equality by identity, so they work in
    sets and dicts; ``<``, ``<=``, ``>``, ``>=`` compare ``data``.

    >>> x = Value(3.0, label="x")
    >>> y = x * x + 2 * x
    >>> y.backward()
    >>> x.grad        # dy/dx = 2x + 2
    8.0
    """

    __slots__ = ("data", "grad", "_prev", "_rule", "_op", "_c", "label", "__weakref__")

    data: float
    grad: "float | Value"
    _prev: "Value | tuple"  # the one parent, or the tuple of parents (see the module docstring)
    _rule: "Rule | None"
    _op: str
    _c: "float | None"  # the constant operand named in the op, if any
    label: "str | None"

    def __init__(self, data: Number, label: "str | None" = None) -> None:
        if type(data) is not float or not -_INF < data < _INF:  # else: a finite float, as is
            if isinstance(data, Value):
                raise TypeError("Value() got a Value: use v.detach() for a copy without history")
            data = _as_float(data, "Value()")
        self.data = data
        self.grad = 0.0
        self._prev = ()
        self._rule = None
        self._op = ""
        self._c = None
        self.label = label

    # ----------------------------------------------------------------- views
    @property
    def parents(self) -> tuple["Value", ...]:
        """The nodes this one was computed from (empty for a leaf)."""
        return _as_tuple(self._prev)

    @property
    def op(self) -> str:
        """The name of the operation that made this node (``""`` for a leaf).

        An operation with a constant operand names it: ``"* 2.0"``, ``"1.0 -"``,
        ``"**3.0"``.
        """
        return self._op if self._c is None else self._op.format(_fmt(self._c))

    def local_grads(self, create_graph: bool = False) -> tuple:
        """The local derivatives d(self)/d(parent_i), one per parent.

        Floats by default; Values (differentiable again) with ``create_graph``.
        """
        if not self._prev:
            return ()
        return tuple(_local_grads(self, create_graph))

    def __repr__(self) -> str:
        grad = self.grad
        g = _fmt(grad) if isinstance(grad, float) else repr(grad)
        lab = f", label={self.label!r}" if self.label is not None else ""
        return f"Value(data={_fmt(self.data)}, grad={g}{lab})"

    def __float__(self) -> float:
        return self.data

    def __lt__(self, other: Operand) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data(other)

    __hash__ = object.__hash__

    # ------------------------------------------------------------ arithmetic
    def __add__(self, other: Operand) -> "Value":
        """a + b; d/da = 1, d/db = 1."""
        if isinstance(other, Value):
            return _node(self.data + other.data, (self, other), _const_tuple_rule((1.0, 1.0)), "+")
        if type(other) is float or type(other) is int or isinstance(other, Real):
            return _node(self.data + other, self, _const_rule(1.0), "+ {}", other)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: Operand) -> "Value":
        """a - b; d/da = 1, d/db = -1."""
        if isinstance(other, Value):
            return _node(self.data - other.data, (self, other), _const_tuple_rule((1.0, -1.0)), "-")
        if isinstance(other, Real):
            return _node(self.data - other, self, _const_rule(1.0), "- {}", other)
        return NotImplemented

    def __rsub__(self, other: Number) -> "Value":
        """c - b; d/db = -1."""
        if isinstance(other, Real):
            return _node(other - self.data, self, _const_rule(-1.0), "{} -", other)
        return NotImplemented

    def __mul__(self, other: Operand) -> "Value":
        """a * b; d/da = b, d/db = a."""
        if isinstance(other, Value):
            return _node(self.data * other.data, (self, other), _mul_rule, "*")
        if type(other) is float or type(other) is int or isinstance(other, Real):
            c = float(other)
            return _node(self.data * c, self, _const_rule(c), "* {}", c)
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, other: Operand) -> "Value":
        """a / b; d/da = 1/b, d/db = -a/b^2."""
        if isinstance(other, Value):
            if other.data == 0.0:
                raise ZeroDivisionError(f"/: division of {_fmt(self.data)} by a Value equal to zero")
            return _node(self.data / other.data, (self, other), _div_rule, "/")
        if isinstance(other, Real):
            if other == 0:
                raise ZeroDivisionError(f"/: division of {_fmt(self.data)} by zero")
            return _node(self.data / other, self, _const_rule(1.0 / other), "/ {}", other)
        return NotImplemented

    def __rtruediv__(self, other: Number) -> "Value":
        """c / b; d/db = -c/b^2 = -out/b."""
        if isinstance(other, Real):
            if self.data == 0.0:
                raise ZeroDivisionError(f"/: division of {_fmt(other)} by a Value equal to zero")
            return _node(other / self.data, self, _rdiv_rule, "{} /", other)
        return NotImplemented

    def __pow__(self, other: Operand) -> "Value":
        """a ** b; d/da = b a^(b-1), d/db = a^b ln a (needs a > 0 when b is a Value)."""
        if isinstance(other, Value):
            out = _check_pow(self.data, other.data, True)
            return _node(out, (self, other), _pow_rule, "**")
        if isinstance(other, Real):
            c = float(other)
            out = _check_pow(self.data, c, False)
            return _node(out, self, _pow_const_rule(c), "**{}", c)
        return NotImplemented

    def __rpow__(self, other: Number) -> "Value":
        """c ** b for a constant base c > 0; d/db = c^b ln c."""
        if isinstance(other, Real):
            c = float(other)
            out = _check_pow(c, self.data, True)
            return _node(out, self, _scaled_out_rule(math.log(c)), "{}**", c)
        return NotImplemented

    def __neg__(self) -> "Value":
        """-a; d/da = -1."""
        return _node(-self.data, self, _const_rule(-1.0), "neg")

    def __pos__(self) -> "Value":
        return self

    def __abs__(self) -> "Value":
        """``|a|``; d/da = sign(a), with abs'(0) = 0."""
        return _node(abs(self.data), self, _abs_rule, "abs")

    # ------------------------------------------------------------- functions
    def exp(self) -> "Value":
        """e^a; d/da = e^a."""
        return _node(_exp(self.data), self, _exp_rule, "exp")

    def log(self) -> "Value":
        """ln a for a > 0; d/da = 1/a."""
        return _node(_log(self.data), self, _log_rule, "log")

    def sqrt(self) -> "Value":
        """sqrt(a) for a >= 0; d/da = 1/(2 sqrt a) (inf at 0)."""
        return _node(_sqrt(self.data), self, _sqrt_rule, "sqrt")

    def tanh(self) -> "Value":
        """tanh a; d/da = 1 - tanh^2 a."""
        return _node(math.tanh(self.data), self, _tanh_rule, "tanh")

    def sigmoid(self) -> "Value":
        """s(a) = 1/(1 + e^-a); d/da = s(a)(1 - s(a))."""
        return _node(_sigmoid(self.data), self, _sigmoid_rule, "sigmoid")

    def relu(self) -> "Value":
        """max(0, a); d/da = 1 if a > 0 else 0 (relu'(0) = 0)."""
        d = self.data
        return _node(d if d > 0.0 else 0.0, self, _relu_rule, "relu")

    def sin(self) -> "Value":
        """sin a; d/da = cos a."""
        return _node(math.sin(self.data), self, _sin_rule, "sin")

    def cos(self) -> "Value":
        """cos a; d/da = -sin a."""
        return _node(math.cos(self.data), self, _cos_rule, "cos")

    # --------------------------------------------------------------- backprop
    def backward(self, grad: Number = 1.0, *, create_graph: bool = False) -> None:
        """Backpropagate from this node: see :func:`autograd_lite.backward`."""
        from .graph import backward
        backward(self, grad, create_graph=create_graph)

    def zero_grad(self) -> None:
        """Set ``grad`` to 0 on this node and every node it depends on."""
        from .graph import zero_grad
        zero_grad(self)

    def detach(self) -> "Value":
        """A new leaf with the same data and label and no history."""
        v = Value(self.data, self.label)
        return v


# --- float kernels with clear errors, shared by the methods and the functions ---

def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp() of {_fmt(x)} overflows a float (inputs above 709.78 do)") from None


def _log(x: float) -> float:
    if x <= 0.0:
        raise ValueError(f"log() of {_fmt(x)} is undefined (input must be > 0)")
    return math.log(x)


def _sqrt(x: float) -> float:
    if x < 0.0:
        raise ValueError(f"sqrt() of {_fmt(x)} is undefined (input must be >= 0)")
    return math.sqrt(x)


def _sigmoid(x: float) -> float:
    # stable on both sides: never evaluates exp of a large positive number
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


# --- module functions: Values in, Value out; plain numbers in, float out ---

def _lift(name: str, kernel: Callable[[float], float], doc: str) -> Callable[[Operand], Operand]:
    method = getattr(Value, name)

    def fn(x: Operand) -> Operand:
        if isinstance(x, Value):
            return method(x)
        return kernel(_as_float(x, f"{name}()"))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


exp = _lift("exp", _exp, "e^x. A Value gives a Value (d/dx = e^x); a number gives a float.")
log = _lift("log", _log, "ln x for x > 0. A Value gives a Value (d/dx = 1/x); a number gives a float.")
sqrt = _lift("sqrt", _sqrt, "sqrt(x) for x >= 0. A Value gives a Value (d/dx = 1/(2 sqrt x)); a number gives a float.")
tanh = _lift("tanh", math.tanh, "tanh x. A Value gives a Value (d/dx = 1 - tanh^2 x); a number gives a float.")
sigmoid = _lift("sigmoid", _sigmoid,
                "1/(1 + e^-x). A Value gives a Value (d/dx = s(1 - s)); a number gives a float.")
relu = _lift("relu", lambda x: x if x > 0.0 else 0.0,
             "max(0, x). A Value gives a Value (d/dx = 1 if x > 0 else 0); a number gives a float.")
sin = _lift("sin", math.sin, "sin x. A Value gives a Value (d/dx = cos x); a number gives a float.")
cos = _lift("cos", math.cos, "cos x. A Value gives a Value (d/dx = -sin x); a number gives a float.")


def sum(terms: Iterable[Operand]) -> Value:  # noqa: A001 - the engine's n-ary sum
    """One node for x_1 + ... + x_n; d/dx_i = 1 for every Value term.

    Numbers among the terms are added to the data but are not parents.

    >>> a, b = Value(1.0), Value(2.0)
    >>> s = sum([a, b, 3])
    >>> s.data, len(s.parents)
    (6.0, 2)
    """
    parents = []
    total = 0.0
    for t in terms:
        if isinstance(t, Value):
            parents.append(t)
            total += t.data
        else:
            total += _as_float(t, "sum()")
    return _node(total, tuple(parents), _sum_rule, "sum")


def dot(ws: Iterable[Operand], xs: Iterable[Operand], bias: Operand = 0.0) -> Value:
    """One node for w . x + b = sum_i w_i x_i + b.

    d/dw_i = x_i, d/dx_i = w_i, d/db = 1.  Either factor of a product may be a
    plain number (a constant, not a parent).  This is a neuron's pre-activation.

    >>> w = [Value(0.5), Value(-1.0)]
    >>> z = dot(w, [2.0, 3.0], bias=1.0)
    >>> z.data
    -1.0
    >>> z.backward(); [wi.grad for wi in w]
    [2.0, 3.0]
    """
    ws = ws if type(ws) is list or type(ws) is tuple else list(ws)
    xs = xs if type(xs) is list or type(xs) is tuple else list(xs)
    n = len(ws)
    if len(xs) != n:
        raise ValueError(f"dot() needs two sequences of the same length, got {n} and {len(xs)}")
    with_bias = isinstance(bias, Value)
    b = bias.data if with_bias else _as_float(bias, "dot()")
    if _JUST_VALUE.issuperset(map(type, ws)):
        if _JUST_FLOAT.issuperset(map(type, xs)):
            # Values times constants (a network's first layer): d/dw_i = x_i
            total = _fsum(map(_mul, map(_get_data, ws), xs)) + b
            if with_bias:
                return _node(total, (*ws, bias), _const_tuple_rule((*xs, 1.0)), "dot")
            return _node(total, tuple(ws), _const_tuple_rule(tuple(xs)), "dot")
        if _JUST_VALUE.issuperset(map(type, xs)):
            total = _fsum(map(_mul, map(_get_data, ws), map(_get_data, xs))) + b
            parents = (*ws, *xs, bias) if with_bias else (*ws, *xs)
            return _node(total, parents, _dot_vv_rule(n, with_bias), "dot")
    return _dot_mixed(ws, xs, bias)


_JUST_VALUE = frozenset({Value})
_get_data = attrgetter("data")
_JUST_FLOAT = frozenset({float})


@lru_cache(maxsize=None)
def _dot_vv_rule(n: int, with_bias: bool) -> Rule:
    """Rule of w . x (+ b) over 2n (+1) Value parents: d/dw_i = x_i, d/dx_i = w_i, d/db = 1.

    One shared function per (n, with_bias): a layer's neurons all use the same.
    """
    if with_bias:
        return lambda out, *p: p[n:2 * n] + p[:n] + (1.0,)
    return lambda out, *p: p[n:] + p[:n]


def _dot_mixed(ws: list, xs: list, bias: Operand) -> Value:
    """dot() where Values and numbers are mixed in any way."""
    parents: list = []
    spec: list = []  # per parent: index of its partner among parents, or -1 and a constant
    total = 0.0
    for w, x in zip(ws, xs):
        w_is, x_is = isinstance(w, Value), isinstance(x, Value)
        wd = w.data if w_is else _as_float(w, "dot()")
        xd = x.data if x_is else _as_float(x, "dot()")
        total += wd * xd
        if w_is and x_is:
            i = len(parents)
            parents += (w, x)
            spec += ((i + 1, 0.0), (i, 0.0))
        elif w_is:
            parents.append(w)
            spec.append((-1, xd))
        elif x_is:
            parents.append(x)
            spec.append((-1, wd))
    if isinstance(bias, Value):
        parents.append(bias)
        spec.append((-1, 1.0))
        total += bias.data
    else:
        total += _as_float(bias, "dot()")
    return _node(total, tuple(parents), _dot_mixed_rule(tuple(spec)), "dot")


def _dot_mixed_rule(spec: tuple) -> Rule:
    """Rule of a mixed dot(): per parent, its partner's index (d = partner) or -1 and the constant d."""
    return lambda out, *p: tuple(p[j] if j >= 0 else c for j, c in spec)
