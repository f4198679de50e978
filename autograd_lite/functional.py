"""Function transformations in the style of JAX and HIPS autograd.

Each transformation takes an ordinary Python function ``f`` of numbers, written
with the engine's operators and functions, and returns a new function:

* ``grad(f)(x)``: df/dx, by one reverse sweep;
* ``value_and_grad(f)(x)``: (f(x), df/dx), from the same sweep;
* ``derivative(f, n)(x)``: d^n f/dx^n, ``grad`` applied ``n`` times;
* ``jacobian(f)(x_1, ..., x_n)``: [[df_i/dx_j]], one reverse sweep per output f_i;
* ``hessian(f)(x_1, ..., x_n)``: [[d^2 f/dx_i dx_j]], the Jacobian of the gradient;
* ``jvp(f, x, v)``: (f(x), J v), the directional derivative by one forward sweep;
* ``hvp(f, x, v)``: H v, forward over reverse, one sweep of each kind.

All of them run the ONE local-derivative table: reverse mode through
:func:`~autograd_lite.graph.reverse_sweep`, forward mode through
:func:`~autograd_lite.graph.forward_sweep`, and higher derivatives by calling
the same rules with Values (``create_graph=True``).

Cost. For f: R^n -> R (a loss of n weights) the gradient takes 1 reverse
sweep but n forward sweeps (one per direction e_i); for f: R -> R^m the
derivative takes 1 forward sweep but m reverse sweeps.  Reverse mode wins with
many inputs and one output, forward mode with few inputs and many outputs.

Nesting. Called at the top level with plain numbers, a transformation makes
leaf Values, runs ``f`` and returns floats.  Called with Values, or while an
outer transformation is running its function (``grad(grad(f))``, a ``grad``
inside the function given to ``jvp``), it stays differentiable: it builds its
derivatives with ``create_graph=True`` and returns Values (a constant, such as
the derivative of a function that ignores its input, as a leaf) for the outer
one to differentiate.  An input
that is already a Value enters through a fresh identity node x' = x (d x'/dx =
1), and the inner derivative is taken with respect to x' only: so
``grad(lambda x: grad(lambda y: x * y)(x))(3.0)`` is d/dx [x] = 1, never 2
(no "perturbation confusion" between the two variables).

Transformations record the graph they need even inside ``no_grad()``; a
``no_grad()`` block inside ``f`` is respected (its results are constants).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from numbers import Real
from typing import Any, Union

from .graph import Grad, forward_sweep, reverse_sweep, topological_order
from .ops.arithmetic import IDENTITY
from .value import Value, _as_float, _grad_mode, _node

#: Which positional arguments to differentiate: one index, several, or all (None).
Argnums = Union[int, Sequence[int], None]
Scalar = Union[float, Value]

#: How many transformations are running their function right now, in this thread or task.
_depth: ContextVar[int] = ContextVar("autograd_lite_transform_depth", default=0)


@contextmanager
def _transforming() -> Iterator[None]:
    """Record the graph (even under no_grad) while a transformation runs ``f``."""
    token = _depth.set(_depth.get() + 1)
    try:
        with _grad_mode(True):
            yield
    finally:
        _depth.reset(token)


def _nested(values: Iterable[Any]) -> bool:
    """Whether results must stay differentiable (Values in, or inside a transformation)."""
    return _depth.get() > 0 or any(isinstance(v, Value) for v in values)


def _check_f(f: Any, name: str) -> None:
    if not callable(f):
        raise TypeError(f"{name}() needs a function, got {type(f).__name__} {f!r}")


def _check_argnums(argnums: Argnums, name: str) -> None:
    if argnums is None:
        return
    nums = (argnums,) if isinstance(argnums, int) else argnums
    if (
        not isinstance(nums, (tuple, list))
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in nums)
        or isinstance(argnums, bool)
    ):
        raise TypeError(f"{name}(): argnums must be an int, a tuple of ints or None, got {argnums!r}")
    if not nums:
        raise ValueError(f"{name}(): argnums is empty, nothing to differentiate")


def _positions(argnums: Argnums, nargs: int, name: str) -> tuple[int, ...]:
    """The indices of the arguments to differentiate, checked against ``nargs``."""
    if nargs == 0:
        raise TypeError(f"{name}() needs at least one argument to differentiate with respect to")
    if argnums is None:
        return tuple(range(nargs))
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in nums:
        if not -nargs <= i < nargs:
            raise ValueError(f"{name}(): argnums {i} is out of range for {nargs} positional argument(s)")
    idx = tuple(i % nargs for i in nums)
    if len(set(idx)) != len(idx):
        raise ValueError(f"{name}(): argnums {argnums!r} names an argument twice")
    return idx


def _inputs(name: str, args: Sequence[Any], idx: Iterable[int]) -> tuple[list, list[Value]]:
    """The arguments to call ``f`` with, and the input nodes at positions ``idx``.

    A number becomes a new leaf; a Value gets a new identity node (a child of
    it, d/dx = 1), so derivatives flow on to an outer transformation.
    """
    call = list(args)
    xs = []
    for i in idx:
        a = args[i]
        if isinstance(a, Value):
            x = _node(a.data, a, IDENTITY.rule, IDENTITY)
            x.label = a.label
        else:
            x = Value(_as_float(a, f"{name}() argument {i}"))
        call[i] = x
        xs.append(x)
    return call, xs


def _is_scalar(y: Any) -> bool:
    return isinstance(y, (Value, Real))


def _scalar(y: Any, name: str) -> Scalar:
    if _is_scalar(y):
        return y
    hint = ""
    if isinstance(y, (list, tuple)):
        hint = f" of length {len(y)}: use jacobian() for a function with several outputs"
    raise TypeError(
        f"{name}() needs f to return a scalar (a Value or a number), got {type(y).__name__}{hint}"
    )


def _outputs(ys: Any, name: str) -> tuple[list, bool]:
    """The outputs of ``f`` as a list, and whether it returned a single scalar."""
    if _is_scalar(ys):
        return [ys], True
    if isinstance(ys, (list, tuple)) and all(_is_scalar(y) for y in ys):
        return list(ys), False
    raise TypeError(
        f"{name}() needs f to return a Value, a number or a list/tuple of them, got {type(ys).__name__}"
    )


def _union_order(roots: Iterable[Value]) -> list[Value]:
    """One topological order (parents first) of everything the roots depend on."""
    order: list[Value] = []
    seen: set[Value] = set()
    for root in roots:
        for node in topological_order(root):
            if node not in seen:
                seen.add(node)
                order.append(node)
    return order


def _live(order: list[Value], sources: Iterable[Value]) -> list[Value]:
    """The nodes of ``order`` that depend on a source: the only ones a derivative flows through."""
    live = set(sources)
    out = []
    for node in order:
        if node in live or any(p in live for p in node.parents):
            live.add(node)
            out.append(node)
    return out


def _reverse(y: Scalar, xs: list[Value], create_graph: bool) -> list[Grad]:
    """dy/dx for each x in ``xs`` by one reverse sweep (0.0 where y does not depend on x)."""
    if not isinstance(y, Value):
        return [0.0] * len(xs)
    order = _live(topological_order(y), xs)
    if not order or order[-1] is not y:
        return [0.0] * len(xs)
    grads = reverse_sweep(order, 1.0, create_graph=create_graph)
    return [grads.get(x, 0.0) for x in xs]


def _as_values(xs: Iterable[Any], name: str) -> list[Value]:
    """Results of a nested call: Values, a constant becoming a leaf."""
    out = []
    for x in xs:
        if not isinstance(x, Value):
            if not -math.inf < x < math.inf:
                raise OverflowError(
                    f"{name}(): a derivative is {x} at this point (as sqrt's is at 0), "
                    "so it cannot be differentiated again"
                )
            x = Value(x)
        out.append(x)
    return out


def _named(wrapper: Callable, f: Callable, kind: str) -> Callable:
    functools.update_wrapper(wrapper, f)
    fname = getattr(f, "__name__", type(f).__name__)
    wrapper.__name__ = wrapper.__qualname__ = f"{kind}({fname})"
    return wrapper


def _value_and_grad(f: Callable, argnums: Argnums, name: str) -> Callable:
    _check_f(f, name)
    _check_argnums(argnums, name)
    single = isinstance(argnums, int)

    def vg(*args: Any, **kwargs: Any) -> tuple:
        idx = _positions(argnums, len(args), name)
        nested = _nested(args)
        with _transforming():
            call, xs = _inputs(name, args, idx)
            y = _scalar(f(*call, **kwargs), name)
            gs: list[Any] = _reverse(y, xs, nested)
        if nested:
            y, gs = _as_values([y], name)[0], _as_values(gs, name)
        else:
            y, gs = float(y), [float(g) for g in gs]
        return y, (gs[0] if single else tuple(gs))

    return _named(vg, f, name)


def value_and_grad(f: Callable, argnums: Argnums = 0) -> Callable:
    """The function x -> (f(x), df/dx), both from one forward evaluation and one reverse sweep.

    ``argnums`` picks the arguments to differentiate: an int gives one
    derivative, a tuple gives a tuple of partial derivatives.  Other
    arguments (and keyword arguments) are passed through as constants.

    Raises TypeError if ``f`` returns something other than a scalar.

    >>> from autograd_lite import sin
    >>> value_and_grad(lambda x, y: x * y + sin(x), argnums=(0, 1))(0.0, 2.0)
    (0.0, (3.0, 0.0))
    """
    return _value_and_grad(f, argnums, "value_and_grad")


def grad(f: Callable, argnums: Argnums = 0) -> Callable:
    """The function x -> df/dx (the gradient), by one reverse sweep.

    ``f`` must return a scalar (a Value, or a number when it does not depend
    on its inputs, whose derivative is 0.0); anything else is a TypeError.
    With an int ``argnums`` the result is one derivative, with a tuple it is
    the tuple of partial derivatives.  Called with numbers it returns floats;
    with Values, or inside another transformation, it returns Values that can
    be differentiated again, so ``grad(grad(f))`` is f''.

    >>> from autograd_lite import tanh
    >>> grad(lambda x: x ** 3)(2.0)                 # 3 x^2
    12.0
    >>> grad(grad(lambda x: x ** 3))(2.0)           # 6 x
    12.0
    >>> grad(lambda x, y: x * y, argnums=(0, 1))(3.0, 4.0)
    (4.0, 3.0)
    >>> round(grad(tanh)(0.5), 6)                   # 1 - tanh^2 x
    0.786448
    """
    vg = _value_and_grad(f, argnums, "grad")

    def g(*args: Any, **kwargs: Any) -> Any:
        return vg(*args, **kwargs)[1]

    return _named(g, f, "grad")


def derivative(f: Callable, n: int = 1) -> Callable:
    """The n-th derivative x -> d^n f/dx^n of a function of one variable.

    ``derivative(f, 0)`` is ``f`` itself; ``derivative(f, n)`` is ``grad``
    applied ``n`` times, each level differentiating the graph the previous
    one built.

    >>> import math
    >>> from autograd_lite import sin
    >>> [round(derivative(sin, k)(0.0), 12) for k in range(5)]   # sin, cos, -sin, -cos, sin
    [0.0, 1.0, 0.0, -1.0, 0.0]
    >>> derivative(lambda x: x ** 4, 3)(1.0)                       # 24 x
    24.0
    """
    _check_f(f, "derivative")
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"derivative(): the order n must be an int >= 0, got {n!r}")
    g = f
    for _ in range(n):
        g = grad(g)
    return g


def jacobian(f: Callable, argnums: Argnums = None) -> Callable:
    """The function x -> J with J[i][j] = d f_i / d x_j, by one reverse sweep per output.

    ``f`` returns a scalar or a list/tuple of m scalars; the result is a list
    of m rows with one entry per differentiated argument (all positional
    arguments by default).  A scalar output gives one row.

    >>> from autograd_lite import sin
    >>> jacobian(lambda x, y: [x * y, x + 2 * y])(3.0, 4.0)
    [[4.0, 3.0], [1.0, 2.0]]
    """
    _check_f(f, "jacobian")
    _check_argnums(argnums, "jacobian")

    def jac(*args: Any, **kwargs: Any) -> list:
        idx = _positions(argnums, len(args), "jacobian")
        nested = _nested(args)
        with _transforming():
            call, xs = _inputs("jacobian", args, idx)
            outs, _ = _outputs(f(*call, **kwargs), "jacobian")
            rows = [_reverse(y, xs, nested) for y in outs]
        if nested:
            return [_as_values(row, "jacobian") for row in rows]
        return [[float(g) for g in row] for row in rows]

    return _named(jac, f, "jacobian")


def hessian(f: Callable, argnums: Argnums = None) -> Callable:
    """The function x -> H with H[i][j] = d^2 f / dx_i dx_j (nested lists of floats).

    The Jacobian of the gradient: one reverse sweep builds the gradient as a
    graph (``create_graph=True``), then one reverse sweep per variable
    differentiates each of its entries.  For a smooth f, H is symmetric.

    >>> hessian(lambda x, y: x ** 2 * y)(3.0, 2.0)      # [[2y, 2x], [2x, 0]]
    [[4.0, 6.0], [6.0, 0.0]]
    """
    _check_f(f, "hessian")
    _check_argnums(argnums, "hessian")

    def hess(*args: Any, **kwargs: Any) -> list:
        idx = _positions(argnums, len(args), "hessian")
        return jacobian(_grad_tuple(f, idx, "hessian"), idx)(*args, **kwargs)

    return _named(hess, f, "hessian")


def _grad_tuple(f: Callable, idx: tuple[int, ...], name: str) -> Callable:
    vg = _value_and_grad(f, idx, name)
    return lambda *args, **kwargs: vg(*args, **kwargs)[1]


def _as_tuple(xs: Any, name: str, what: str) -> tuple:
    if isinstance(xs, (Value, Real)):
        return (xs,)
    if isinstance(xs, (list, tuple)):
        return tuple(xs)
    raise TypeError(
        f"{name}(): {what} must be a number, a Value or a list/tuple of them, got {type(xs).__name__}"
    )


def jvp(f: Callable, primals: Any, tangents: Any) -> tuple:
    """Forward mode: (f(x), J v), the value and the directional derivative along v.

    ``primals`` are the arguments x (a list/tuple, or one number) and
    ``tangents`` the direction v, one entry per argument.  The tangents are
    pushed through the recorded graph in topological order,
    tangent(node) = sum_i d(node)/d(parent_i) * tangent(parent_i), with the same
    local derivatives as backprop: ONE forward sweep for any number of outputs.
    With v = e_i the result is the i-th partial derivative.

    Returns (value, tangent) for a scalar output, (list, list) for a
    list/tuple of outputs.

    >>> jvp(lambda x, y: x * y, (3.0, 4.0), (1.0, 0.0))     # d/dx (xy) = y
    (12.0, 4.0)
    >>> jvp(lambda x: [x ** 2, x ** 3], (2.0,), (1.0,))      # one sweep, two outputs
    ([4.0, 8.0], [4.0, 12.0])
    """
    _check_f(f, "jvp")
    primals = _as_tuple(primals, "jvp", "primals")
    tangents = _as_tuple(tangents, "jvp", "tangents")
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp() needs one tangent per primal, got {len(primals)} primals and {len(tangents)} tangents"
        )
    ts = [t if isinstance(t, Value) else _as_float(t, f"jvp() tangent {i}") for i, t in enumerate(tangents)]
    nested = _nested(primals + tangents)
    with _transforming():
        call, xs = _inputs("jvp", primals, range(len(primals)))
        outs, single = _outputs(f(*call), "jvp")
        order = _live(_union_order(y for y in outs if isinstance(y, Value)), xs)
        tans = forward_sweep(order, dict(zip(xs, ts)), create_graph=nested)
        dys: list[Any] = [tans.get(y, 0.0) if isinstance(y, Value) else 0.0 for y in outs]
    if nested:
        outs, dys = _as_values(outs, "jvp"), _as_values(dys, "jvp")
    else:
        outs, dys = [float(y) for y in outs], [float(t) for t in dys]
    return (outs[0], dys[0]) if single else (outs, dys)


def hvp(f: Callable, primals: Any, vector: Any) -> list:
    """The Hessian-vector product H v of a scalar function, without forming H.

    Forward over reverse: one reverse sweep builds the gradient g(x) as a graph,
    one forward sweep pushes v through it: H v = d/dt g(x + t v) at t = 0.
    That is two sweeps whatever the number of variables n, where ``hessian``
    needs n + 1.

    >>> hvp(lambda x, y: x ** 2 * y, (3.0, 2.0), (1.0, 0.0))   # first column of [[2y, 2x], [2x, 0]]
    [4.0, 6.0]
    """
    _check_f(f, "hvp")
    primals = _as_tuple(primals, "hvp", "primals")
    g = _grad_tuple(f, tuple(range(len(primals))), "hvp")
    return list(jvp(g, primals, vector)[1])
