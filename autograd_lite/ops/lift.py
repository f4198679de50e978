"""From a record to the user's API: the Value method and the module function of an operator.

Every operator without a hand-written fast path gets both from here, so they
behave alike: a Value in gives a Value out (one node whose rule is the
record's), plain real numbers in give a float out (the kernel alone), and a
constant operand is checked and converted to a float first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from ..value import Value, _as_float, _node
from .registry import REAL, VALUE_NS, Domain, Op, Operator, register
from .signatures import BinaryFunction, ParamFunction, UnaryFunction


def _finish(rec: Op, fn: Callable[..., Any], method: Callable[..., Any] | None) -> None:
    fn.__name__ = fn.__qualname__ = rec.function or rec.name
    fn.__doc__ = f"{rec.doc}\n\nA Value gives a Value (one node); plain numbers give a float."
    fn.__module__ = "autograd_lite"
    if method is not None and rec.method:
        method.__name__ = rec.method
        method.__qualname__ = f"Value.{rec.method}"
        method.__doc__ = rec.doc
        setattr(Value, rec.method, method)
    VALUE_NS[rec.function or rec.name] = fn


def unary(rec: Op, fast: Callable[[Value], Value] | None = None) -> UnaryFunction:
    """Register a one-operand operator; return its module function.

    ``fast``: a hand-written method for Values (named in the record's
    ``fast``), used by the method and the function alike.
    """
    register(rec)
    kernel, name = rec.kernel, f"{rec.function or rec.name}()"

    def generic(self: Value) -> Value:
        r = rec.rule
        return _node(kernel(self._d), self, r, rec)

    method = generic if fast is None else fast

    def fn(x: Any) -> Any:
        if isinstance(x, Value):
            return method(x)
        return kernel(_as_float(x, name))

    _finish(rec, fn, method)
    return cast(UnaryFunction, fn)


def unary_param(rec: Op, check: Callable[[Any, str], Any], default: Any = None) -> ParamFunction:
    """Register a one-operand operator with a constant ``c``; return its module function.

    ``check(c, name)`` validates the constant and returns it as stored (a float
    or a tuple of floats); ``default`` is used when it is not given.
    """
    register(rec)
    kernel, name = rec.kernel, f"{rec.function or rec.name}()"

    def method(self: Value, c: Any = default) -> Value:
        c = check(c, name)
        r = rec.rule
        return _node(kernel(self._d, c), self, r(c) if rec.kind == "of_c" else r, rec, c)

    def fn(x: Any, c: Any = default) -> Any:
        if isinstance(x, Value):
            return method(x, c)
        return kernel(_as_float(x, name), check(c, name))

    _finish(rec, fn, method)
    return cast(ParamFunction, fn)


def binary(rec: Op) -> BinaryFunction:
    """Register a two-operand operator; return its module function.

    A plain number next to a Value becomes a constant leaf (a parent that no
    one reads the gradient of).
    """
    register(rec)
    kernel, name = rec.kernel, f"{rec.function or rec.name}()"

    def fn(a: Any, b: Any) -> Any:
        av, bv = isinstance(a, Value), isinstance(b, Value)
        if not (av or bv):
            return kernel(_as_float(a, name), _as_float(b, name))
        a = a if av else Value(_as_float(a, name))
        b = b if bv else Value(_as_float(b, name))
        if type(b) is Value:  # the second parent stored apart, as for a * b
            return _node(kernel(a._d, b._d), a, rec.rule, rec, b)
        return _node(kernel(a._d, b._d), (a, b), rec.rule, rec)

    _finish(rec, fn, fn)
    return cast(BinaryFunction, fn)


def function_form(
    name: str,
    domain: tuple[Domain, ...],
    kinks: tuple[float, ...] = (),
    constants: tuple = (),
    template: str = "",
    apart: bool = False,
) -> Operator:
    """The expression form ``name(x0, ...)`` of a function, applied through its module function."""
    arity = len(domain)
    if not template:
        args = ", ".join(f"{{{i}}}" for i in range(arity))
        template = f"{name}({args}, {{c}})" if constants else f"{name}({args})"

    def apply(*xs: Any) -> Any:
        return VALUE_NS[name](*xs)

    return Operator(
        name,
        arity,
        apply,
        name,
        template,
        domain,
        constants=constants,
        apart=apart,
        kinks=(lambda c: kinks) if kinks else None,
    )


def function_record(
    name: str,
    kernel: Callable[[float], float],
    d: str,
    doc: str,
    domain: Domain = REAL,
    kinks: tuple[float, ...] = (),
) -> Op:
    """The record of a one-operand function ``name(a)``: a method and a module function of that name."""
    return Op(
        name,
        1,
        kernel,
        (d,),
        doc,
        method=name,
        function=name,
        kinks=kinks,
        forms=(function_form(name, (domain,), kinks),),
    )
