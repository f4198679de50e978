"""The operator registry: one record per operator, the single place that states its calculus.

An operator's :class:`Op` record holds its name, arity, float **kernel**
(with its domain errors), its **local-derivative rule** written once as
Python source (``d``: one expression per operand in ``out``, ``a``, ``b`` and
the constant ``c``), its domain and kinks (for strategies and tests), its
display template and a one-line math doc.  From the record come:

* the rule functions the engine runs: ``rule`` (compiled with the float
  namespace :data:`FLOAT_NS`, for ordinary backprop) and ``vrule`` (compiled
  with Value-aware functions, for ``create_graph=True``): one source, two
  namespaces, no second copy of the calculus;
* the source the compile mode generates (:func:`source_of`);
* the Value method and the module function (numbers in, float out; Values
  in, Value out), unless a hand-written fast path is listed in ``fast``;
* the expression forms that :mod:`autograd_lite.testing` draws, the CLI's
  function whitelist, the reserved names of custom operators and the docs'
  operator table.

Rule sources may use the names in :data:`FLOAT_NS` (``exp``, ``sqrt``,
``sigmoid``, ``inf``, ``pi``, ``_pow``...), comparisons (``a > 0.0``) and
conditional expressions; never ``==`` on operands (Values compare by identity).
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..value import Value, _fmt

__all__ = [
    "Domain",
    "Operator",
    "Op",
    "REGISTRY",
    "FORMS",
    "FLOAT_NS",
    "VALUE_NS",
    "VARIADIC",
    "register",
    "source_of",
    "kinks_of_node",
    "record",
    "operator_table",
    "compile_rule",
]

#: The arity of an operator that takes any number of operands (sum, dot).
VARIADIC = -1
# precedence of an expression's text: + - (1), * / (2), unary - (3), ** (4), atoms and calls (5)
_ATOM = 5


@dataclass(frozen=True)
class Domain:
    """Where an operand must lie for the operation to be defined and differentiable.

    ``positive``: operand >= ``margin`` (log, sqrt, bases of real powers).
    ``avoid``: points to stay at least ``margin`` away from (kinks, poles).
    ``bound``: abs(operand) <= bound (keeps exp and powers of moderate size).
    ``inside``: abs(operand) <= 1 - margin (asin, atanh: an open interval (-1, 1)).
    """

    positive: bool = False
    avoid: tuple[float, ...] = ()
    bound: float | None = None
    margin: float = 0.5
    inside: bool = False

    def contains(self, x: float) -> bool:
        """Whether ``x`` lies inside the domain with its margin."""
        return (
            (not self.positive or x >= self.margin)
            and all(abs(x - p) >= self.margin for p in self.avoid)
            and (self.bound is None or abs(x) <= self.bound)
            and (not self.inside or abs(x) <= 1.0 - self.margin)
        )


REAL = Domain()


@dataclass(frozen=True)
class Operator:
    """One *form* of an operator that random expressions can take (what tests draw).

    ``apply(*operands)`` (or ``apply(*operands, c)`` with a constant) computes
    it with the user-facing API, on Values and on floats alike; ``template``
    writes it as Python (``{0}``... the operands, ``{c}`` the constant);
    ``precedence`` is that text's precedence and ``operand_precedence`` the
    least precedence an operand may have without parentheses; ``constants``
    are the constants drawn for it; ``apart``: the two operands are kept at
    least a margin apart (the kink of ``maximum`` at a == b).
    """

    name: str
    arity: int
    apply: Callable[..., Any]
    rule: str
    template: str
    domain: tuple[Domain, ...]
    precedence: int = _ATOM
    operand_precedence: tuple[int, ...] = ()
    constants: tuple[Any, ...] = ()
    apart: bool = False
    kinks: Callable[[Any], tuple[float, ...]] | None = None

    def __post_init__(self) -> None:
        if len(self.domain) != self.arity:
            raise ValueError(f"operator {self.name}: {self.arity} operands but {len(self.domain)} domains")

    def __call__(self, *operands: Any, c: Any = None) -> Any:
        return self.apply(*operands, c) if self.constants else self.apply(*operands)

    def kinks_for(self, c: Any) -> tuple[float, ...]:
        """The kinks of this form with the constant ``c``."""
        return self.kinks(c) if self.kinks is not None else ()

    def render(self, operands: list[str], c: Any = None, precedences: list[int] | None = None) -> str:
        """The operation as Python text, parenthesising operands of lower precedence."""
        need = self.operand_precedence or (0,) * self.arity
        have = precedences or [_ATOM] * self.arity
        args = [f"({s})" if p < n else s for s, p, n in zip(operands, have, need)]
        if isinstance(c, tuple):
            const: Any = tuple(_fmt(x) for x in c)
        elif c is not None:
            const = _fmt(c)
            if c < 0 and re.search(r"[-+*/] \{c", self.template):
                const = f"({const})"  # a negative constant right of an infix operator
        else:
            const = None
        return self.template.format(*args, c=const)


@dataclass(eq=False)
class Op:
    """An operator's record.

    ``kernel(*floats[, c])`` computes it on floats, raising a clear error at
    the forward operation outside its domain.  ``d`` is the local-derivative
    rule as source, one expression per operand.  ``params`` is 1 when the
    operator has a constant operand ``c`` (``x ** c``, ``leaky_relu(x,
    slope)``).  ``label`` is the node's op name as shown (``"tan"``, ``"* {}"``
    with the constant filled in).  ``kinks`` are the inputs where it is not
    differentiable (or a function of ``c`` giving them).  ``method`` and
    ``function`` name its Value method and module function (``None``: none);
    ``fast`` names the hand-written fast path that builds its nodes, if any.
    ``forms`` are the expression forms tests draw.
    """

    name: str
    arity: int
    kernel: Callable[..., float]
    d: tuple[str, ...]
    doc: str
    label: str = ""
    params: int = 0
    kinks: tuple[float, ...] | Callable[[Any], tuple[float, ...]] = ()
    method: str | None = None
    function: str | None = None
    fast: str = ""
    f: str = ""
    forms: tuple[Operator, ...] = ()
    #: for an operator with storage of its own (sum, dot): source_of() for its nodes, written
    #: from the node's constant operand ``_c`` and its number of parents alone
    source: Callable[[Value], tuple[str, tuple[str, ...]]] | None = None
    #: derived by register()
    rule: Any = field(default=None, repr=False)
    vrule: Callable[..., Any] | None = field(default=None, repr=False)
    kind: str = field(default="", repr=False)

    def kinks_for(self, c: Any = None) -> tuple[float, ...]:
        """The points where this operator (with constant ``c``) is not differentiable."""
        return self.kinks(c) if callable(self.kinks) else self.kinks


#: Every operator, by name, in the order registered.
REGISTRY: dict[str, Op] = {}
#: Every expression form of every operator, by name (what :mod:`autograd_lite.testing` draws).
FORMS: dict[str, Operator] = {}


def _ieee_pow(a: float, b: float) -> float:
    """``a ** b`` with IEEE overflow: +-inf instead of Python's OverflowError."""
    try:
        return a**b
    except OverflowError:
        negative = a < 0.0 and float(b).is_integer() and int(b) % 2 == 1
        return -math.inf if negative else math.inf
    except ZeroDivisionError:
        return math.inf


#: The names a rule or a generated forward expression may use, as float functions.
FLOAT_NS: dict[str, Any] = {
    "inf": math.inf,
    "pi": math.pi,
    "abs": abs,
    "_pow": _ieee_pow,
    "_math": math,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "tanh": math.tanh,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "erf": math.erf,
    "erfc": math.erfc,
    "expm1": math.expm1,
    "log1p": math.log1p,
}
#: The same names as Value-aware functions (filled in by register()): rules called with Values.
VALUE_NS: dict[str, Any] = {
    "inf": math.inf,
    "pi": math.pi,
    "abs": abs,
    "_math": math,
    "_pow": lambda a, b: a**b,
}

_NAMES = re.compile(r"\b(out|a|b|c)\b")


def _uses(sources: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for s in sources:
        found |= {n.id for n in ast.walk(ast.parse(s, mode="eval")) if isinstance(n, ast.Name)}
    return found


def compile_rule(rec: Op, d: tuple[str, ...] | None = None) -> tuple[Any, Callable[..., Any] | None, str]:
    """(rule, vrule, kind) compiled from the derivative sources ``d`` (default: ``rec.d``).

    ``kind`` says what a node stores: ``"fn"``, the rule itself, a function
    of the data (``rule(out, a, c)`` or ``rule(out, a, b)``); ``"of_c"``, the
    number ``rule(c)`` (the derivative depends on the constant only, as for
    ``x * c``); ``"const"``, the rule itself, a number or a tuple of numbers
    (``a + b`` stores ``(1.0, 1.0)``).
    """
    d = rec.d if d is None else d
    names = _uses(d)
    body = d[0] if len(d) == 1 else "(" + ", ".join(d) + ",)"
    if not names & {"out", "a", "b"}:
        if "c" in names:
            return eval(f"lambda c: {body}", dict(FLOAT_NS)), None, "of_c"
        return eval(body, dict(FLOAT_NS)), None, "const"
    args = "out, a, c" if rec.arity == 1 else "out, a, b"
    code = f"lambda {args}: {body}"
    rule = eval(code, FLOAT_NS)
    vrule = eval(code, VALUE_NS)
    rule.__qualname__ = rule.__name__ = f"{rec.name}_rule"
    return rule, vrule, "fn"


def register(rec: Op) -> Op:
    """Add ``rec`` to the registry and derive its rule functions."""
    if rec.name in REGISTRY:
        raise ValueError(f"operator {rec.name!r} is registered twice")
    if rec.d:
        rec.rule, rec.vrule, rec.kind = compile_rule(rec)
    if not rec.label:
        rec.label = rec.name
    REGISTRY[rec.name] = rec
    FLOAT_NS[f"_k_{rec.name}"] = rec.kernel
    for form in rec.forms:
        FORMS[form.name] = form
    return rec


def record(name: str) -> Op:
    """The record of the operator ``name``."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"no operator {name!r}; known: {', '.join(REGISTRY)}") from None


def _literal(c: Any) -> str:
    if isinstance(c, tuple):
        return "(" + ", ".join(repr(float(x)) for x in c) + ",)"
    return repr(float(c))


def _subst(src: str, names: dict[str, str]) -> str:
    return _NAMES.sub(lambda m: names.get(m.group(1), m.group(1)), src)


def source_of(node: Value) -> tuple[str, tuple[str, ...]]:
    """The forward expression of ``node`` and one local-derivative expression per parent.

    Python source with the placeholders ``{out}`` (the node's value) and
    ``{p0}``, ``{p1}``... (its parents' values, in :attr:`Value.parents`
    order); a constant operand is written in as a literal.  Both evaluate with
    floats in ``autograd_lite.ops.FLOAT_NS``: the forward expression raises the same errors
    as the operator's kernel, the derivatives never raise.

    >>> from autograd_lite import Value
    >>> x = Value(0.5)
    >>> source_of(x.tan())
    ('_k_tan({p0})', ('(1.0 + {out} * {out})',))
    >>> source_of(x * 2.0)
    ('({p0} * 2.0)', ('2.0',))
    """
    rec = node._op
    if rec is None:
        raise ValueError("source_of() needs a node made by an operation, got a leaf")
    if rec.source is not None:
        return rec.source(node)
    if not rec.d:
        raise ValueError(f"the operator {rec.name!r} has no source form (a custom operator?)")
    names = {"out": "{out}", "a": "{p0}", "b": "{p1}"}
    if rec.params:
        names["c"] = _literal(node._c)
    f = rec.f or (
        f"_k_{rec.name}(a, c)"
        if rec.params
        else f"_k_{rec.name}(a)"
        if rec.arity == 1
        else f"_k_{rec.name}(a, b)"
    )
    return _subst(f, names), tuple(_paren(_subst(s, names)) for s in rec.d)


def _paren(src: str) -> str:
    """``src`` in parentheses unless it is a number or a placeholder already."""
    return src if re.fullmatch(r"-?[\d.]+(e-?\d+)?|\{\w+\}", src) else f"({src})"


def kinks_of_node(node: Value) -> tuple[float, ...]:
    """The points where the one-parent operation that made ``node`` is not differentiable."""
    rec = node._op
    if rec is None:
        return ()
    kinks = getattr(rec, "kinks_for", None)
    return tuple(kinks(node._c)) if kinks is not None else ()


def operator_table() -> str:
    """Every registered operator as a Markdown table: how to call it, its math, its kinks."""
    rows = ["| operator | call | math: value; local derivatives | kinks |", "|---|---|---|---|"]
    for rec in REGISTRY.values():
        calls = []
        if rec.fast.startswith("Value."):
            calls.append(rec.forms[0].template.format(*"ab", c="c"))
        if rec.function:
            calls.append(f"al.{rec.function}(...)")
        if rec.method:
            calls.append(f"x.{rec.method}(...)")
        kinks = rec.kinks_for(None) if not callable(rec.kinks) else "depend on c"
        shown = ", ".join(f"{k:g}" for k in kinks) if isinstance(kinks, tuple) else kinks
        doc = rec.doc.replace("|", "\\|")
        rows.append(f"| `{rec.name}` | {' '.join(f'`{c}`' for c in calls)} | {doc} | {shown or '-'} |")
    return "\n".join(rows)
