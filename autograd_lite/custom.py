"""Custom operators: a new operator from its forward function and its local-derivative rule.

An operator is two things (see :mod:`autograd_lite.value`): a forward
function on floats, and a rule ``rule(out, *args) -> tuple`` giving the local
derivatives d(out)/d(arg_i), one per argument.  :func:`op` turns such a pair
into an operator that works like the built-in ones:

* Values in give a Value out (one node, op name = the operator's name); plain
  numbers in give a float out.  Values and numbers may be mixed: the numbers
  are constants, not parents.
* The rule is the node's entry in the local-derivative table, so backward,
  the step-by-step trace, ``jvp`` and finite-difference checks use it as is.
  Written with engine operations (``+ - * / **``, ``exp``, ``sigmoid``, ...)
  it also works on Values, so higher derivatives (``create_graph=True``,
  ``grad(grad(f))``) work too.
* The compile mode (:func:`~autograd_lite.compile`) calls the forward
  function, with its checks, and the rule from the code it generates.
* ``kinks`` (inputs where the operator is not differentiable) are kept in its
  record, where gradcheck finds them; a ``domain`` predicate turns
  bad input into a ``ValueError`` at the forward call, naming the operator and
  the value.

>>> import math
>>> from autograd_lite import Value, tanh
>>> @op(lambda out, x: (tanh(x),))             # d/dx log(cosh x) = tanh(x)
... def logcosh(x):
...     "log(cosh x), computed without overflow."
...     return abs(x) + math.log1p(math.exp(-2.0 * abs(x))) - math.log(2.0)
>>> x = Value(0.5)
>>> y = logcosh(x)
>>> y.op, round(y.data, 6)
('logcosh', 0.120115)
>>> y.backward(); round(x.grad, 6)
0.462117
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterable
from numbers import Real
from typing import Any

from .ops import REGISTRY, Op
from .ops.registry import FLOAT_NS, _literal
from .value import Value, _as_float, _fmt, _node


def reserved_names() -> frozenset[str]:
    """The names a custom operator may not take: every registered operator's name,
    function and label (``"tan"``, ``"+"``, ``"**"``...), and ``"id"``."""
    names = {"id"}
    for rec in REGISTRY.values():
        names.update(n for n in (rec.name, rec.function, rec.method, rec.label) if n)
    return frozenset(n for n in names if "{" not in n)


#: Records of the operators made by op(), by name (a redefinition replaces the record).
CUSTOM: dict[str, Op] = {}


_IDENTS: list[str] = []


def _letters(n: int) -> str:
    """``n`` written with the letters a-z (no digits: generated source keeps it whole)."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(97 + r) + out
        if n == 0:
            return out
        n -= 1


def _source(kernel: str, rule: str, node: Value) -> tuple[str, tuple[str, ...]]:
    """The compile mode's source for a custom operator's node: calls of its checked forward and its rule.

    ``node._c`` is None when every argument is a Value, or the arguments with
    each constant in its place and None where a Value is.
    """
    template = node._c
    n = len(node.parents)
    if template is None:
        args, positions = [f"{{p{i}}}" for i in range(n)], list(range(n))
    else:
        parent = iter(range(n))
        args = [f"{{p{next(parent)}}}" if t is None else _literal(t) for t in template]
        positions = [i for i, t in enumerate(template) if t is None]
    call = ", ".join(args)
    return f"{kernel}({call})", tuple(f"{rule}({{out}}, {call})[{i}]" for i in positions)


def _checked(rule: Callable[..., Any], name: str) -> Callable[..., tuple]:
    """``rule`` with a check that it returns one derivative per argument."""

    def checked(out: Any, *args: Any) -> tuple:
        ds = rule(out, *args)
        if not isinstance(ds, (tuple, list)) or len(ds) != len(args):
            got = (
                f"{type(ds).__name__} of length {len(ds)}"
                if isinstance(ds, (tuple, list))
                else type(ds).__name__
            )
            raise TypeError(
                f"the rule of {name} must return a tuple of {len(args)} local "
                f"derivative(s), one per argument, got {got}"
            )
        return tuple(ds)

    return checked


def _with_constants(
    rule: Callable[..., Any], template: tuple, positions: tuple[int, ...]
) -> Callable[..., tuple]:
    """A node rule over the Value arguments only, the constants put back in their places."""

    def node_rule(out: Any, *parents: Any) -> tuple:
        full = list(template)
        for i, p in zip(positions, parents):
            full[i] = p
        ds = rule(out, *full)
        return tuple(ds[i] for i in positions)

    return node_rule


def _operands(xs: Iterable[float]) -> str:
    return ", ".join(_fmt(x) for x in xs)


def op(
    rule: Callable[..., Any],
    *,
    name: str | None = None,
    kinks: Iterable[float] = (),
    domain: Callable[..., bool] | None = None,
    domain_text: str = "",
) -> Callable:
    """Decorator: make an operator from a forward function on floats and its ``rule``.

    ``rule(out, *args)`` returns the tuple of local derivatives
    d(out)/d(arg_i), one per argument of the forward function (also for
    arguments that turn out to be constants: those entries are ignored).  It is
    called with floats for ordinary backprop and with Values for higher
    derivatives, so write it with engine operations and functions.

    ``name`` defaults to the function's name; it may not be a built-in
    operator's.  ``kinks`` are the inputs where the operator is not
    differentiable (kept in its record for gradcheck).  ``domain(*floats)`` returns
    whether the inputs are valid; when it is False the call raises
    ``ValueError`` naming the operator, the values and ``domain_text``.
    Errors raised by the forward function itself (``ValueError``,
    ``ZeroDivisionError``, ``OverflowError``) are re-raised with the operator's
    name and operands; a non-finite result is an ``OverflowError``.

    The operator has attributes ``name``, ``forward``, ``rule``, ``kinks`` and
    ``record`` (its :class:`~autograd_lite.ops.Op`).

    >>> from autograd_lite import Value, log
    >>> @op(lambda out, x: (1.0 / x,), domain=lambda x: x > 0, domain_text="input must be > 0")
    ... def mylog(x):
    ...     return math.log(x)
    >>> mylog(-1.0)
    Traceback (most recent call last):
    ...
    ValueError: mylog() of (-1.0) is outside its domain: input must be > 0
    """
    if not callable(rule):
        raise TypeError(f"op() needs a rule function rule(out, *args) -> tuple, got {type(rule).__name__}")
    if domain is not None and not callable(domain):
        raise TypeError(f"op(): domain must be a predicate on the float inputs, got {type(domain).__name__}")
    kink_points = tuple(_as_float(k, "op() kinks") for k in kinks)

    def decorate(forward: Callable[..., float]) -> Callable[..., Any]:
        if not callable(forward):
            raise TypeError(f"op() decorates a forward function, got {type(forward).__name__}")
        opname = name if name is not None else getattr(forward, "__name__", "")
        if not isinstance(opname, str) or not opname or opname == "<lambda>":
            raise ValueError(f"op() needs a name for the operator, got {opname!r}: pass name=...")
        if opname in reserved_names():
            raise ValueError(f"op(): {opname!r} is a built-in operator; choose another name")
        checked = _checked(rule, opname)
        rec = Op(
            opname,
            len(inspect.signature(forward).parameters) if _simple(forward) else 0,
            forward,
            (),
            getattr(forward, "__doc__", None) or opname,
            label=opname,
            kinks=kink_points,
        )
        rec.rule = checked
        CUSTOM[opname] = rec

        def apply(*args: Any) -> Any:
            if not args:
                raise TypeError(f"{opname}() needs at least one argument")
            xs = [a.data if isinstance(a, Value) else _as_float(a, f"{opname}()") for a in args]
            if domain is not None and not domain(*xs):
                text = f": {domain_text}" if domain_text else ""
                raise ValueError(f"{opname}() of ({_operands(xs)}) is outside its domain{text}")
            try:
                out = forward(*xs)
            except (ValueError, ArithmeticError) as e:
                raise type(e)(f"{opname}() of ({_operands(xs)}) failed: {e}") from e
            out = _as_result(out, opname, xs)
            positions = tuple(i for i, a in enumerate(args) if isinstance(a, Value))
            if not positions:
                return out
            parents = tuple(args[i] for i in positions)
            if len(positions) == len(args):
                return _node(out, parents, checked, rec)
            template = tuple(None if isinstance(a, Value) else x for a, x in zip(args, xs))
            return _node(out, parents, _with_constants(checked, template, positions), rec, template)

        functools.update_wrapper(apply, forward)
        # for the compile mode: the forward with its checks (floats in, float out) and the rule
        ident = f"_custom_{_letters(len(_IDENTS))}"
        _IDENTS.append(ident)
        FLOAT_NS[f"{ident}_k"], FLOAT_NS[f"{ident}_d"] = apply, checked
        rec.source = functools.partial(_source, f"{ident}_k", f"{ident}_d")
        operator: Any = apply  # a function with the operator's attributes
        operator.name, operator.forward, operator.rule, operator.kinks = opname, forward, rule, kink_points
        operator.record = rec
        return operator

    return decorate


def _simple(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` has a signature of plain positional parameters (its arity is known)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


def _as_result(out: Any, opname: str, xs: list[float]) -> float:
    """Check the forward function returned a finite real number."""
    if isinstance(out, bool) or not isinstance(out, Real):
        raise TypeError(f"the forward function of {opname} must return a number, got {type(out).__name__}")
    f = float(out)
    if f != f:
        raise ValueError(f"{opname} of ({_operands(xs)}) is not a number: the result is nan")
    if not math.isfinite(f):
        raise OverflowError(f"{opname} of ({_operands(xs)}) overflows: the result {f} is not a finite float")
    return f
