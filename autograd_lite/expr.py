"""A safe parser for arithmetic expressions typed on the command line.

``parse(text)`` reads an expression such as ``"exp(sin(x**2)) * y"`` with
Python's :mod:`ast` module and checks every node against a whitelist:

* numbers (``2``, ``0.5``, ``1e-3``), always turned into floats, so
  ``10**10**10`` is an ``OverflowError`` of the engine, never a huge integer;
* variable names (``x``, ``w1``);
* the binary operators ``+ - * / **``, unary ``-`` and ``+`` and parentheses;
* calls of the module function of every registered operator (``exp``,
  ``tan``, ``atan2(y, x)``, ``clip(x, -1, 1)``... see :data:`FUNCTIONS`), with
  as many arguments as it takes, and of ``abs``.

Anything else -- attributes, subscripts, lambdas, comparisons, keywords,
unknown functions, strings -- is refused.  The text is never handed to
``eval`` or compiled to code: the checked tree is turned into a small postfix
program of engine operations, which :meth:`Expression.evaluate` runs with a
stack (no recursion, so deep expressions cannot overflow the interpreter's
stack).

Errors
------
Every failure, while parsing or while evaluating, is an :class:`ExpressionError`
(a ``ValueError``) with a one-line message.  An error of the engine during
evaluation -- ``log(-1)`` (``ValueError``), ``1/0`` (``ZeroDivisionError``),
``exp(1000)`` (``OverflowError``) -- is wrapped in an :class:`ExpressionError`
with the engine's message; the original exception is its ``__cause__``.

>>> from autograd_lite import Value
>>> e = parse("exp(sin(x**2)) * y")
>>> e.variables
('x', 'y')
>>> x, y = Value(0.5, label="x"), Value(2.0, label="y")
>>> f = e.evaluate({"x": x, "y": y})
>>> round(f.data, 6)
2.561393
>>> parse("__import__('os')")
Traceback (most recent call last):
    ...
autograd_lite.expr.ExpressionError: unknown function '__import__' in "__import__('os')" (known: ...)
"""

from __future__ import annotations

import ast
import inspect
import math
import operator
import warnings
from collections.abc import Callable, Mapping
from typing import Union

from . import ops as _ops
from .value import Value, _as_float

#: Longest expression text accepted, in characters.
MAX_LENGTH = 10_000

#: Deepest nesting of operations accepted: a chain ``a + b + c`` is two deep, ``---x`` three.
#: Checked after parsing, so a deeper expression is refused alike on every Python
#: version (3.11 and 3.12 cannot read some of them, 3.10 and 3.13 can).
MAX_DEPTH = 1000

#: The functions an expression may call: every registered operator's module function, and abs.
FUNCTIONS: dict[str, Callable] = {
    **{name: fn for name, fn in _ops.FUNCTIONS.items() if _ops.REGISTRY[name].arity != _ops.VARIADIC},
    "abs": abs,
}


def _arity(fn: Callable) -> tuple[int, int]:
    """The least and the most positional arguments ``fn`` takes."""
    if fn is abs:
        return 1, 1
    params = inspect.signature(fn).parameters.values()
    return (sum(p.default is p.empty for p in params), len(params))


#: How many arguments each function takes: (least, most).
ARITY: dict[str, tuple[int, int]] = {name: _arity(fn) for name, fn in FUNCTIONS.items()}

_BINARY: dict[type, tuple[str, Callable]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
}
_UNARY: dict[type, tuple[str, Callable]] = {
    ast.USub: ("-", operator.neg),
    ast.UAdd: ("+", operator.pos),
}
_OPERATOR_NAMES = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Not: "not",
    ast.Invert: "~",
}
_WHAT = {  # readable names of refused syntax
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "subscripts (a[i])",
    ast.Lambda: "lambda",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "if-else",
    ast.NamedExpr: "assignment (:=)",
    ast.Starred: "starred (*a)",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Set: "sets",
    ast.Dict: "dicts",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "generators",
    ast.JoinedStr: "f-strings",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slices",
}

Operand = Union[Value, float]


class ExpressionError(ValueError):
    """An expression could not be parsed or evaluated; the message is one line."""


def _show(text: str, limit: int = 60) -> str:
    """``text`` quoted on one line, shortened to about ``limit`` characters."""
    if len(text) > limit:
        text = text[:limit] + "..."
    return repr(text)


class Expression:
    """A checked expression: its source ``text``, its ``variables`` (in order of
    first appearance) and a postfix program of engine operations."""

    __slots__ = ("text", "variables", "_program")
    text: str
    variables: tuple[str, ...]

    def __init__(self, text: str, variables: tuple[str, ...], program: tuple) -> None:
        self.text = text
        self.variables = variables
        self._program = program

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def evaluate(self, env: Mapping[str, Value | float | int]) -> Operand:
        """Run the expression with the variables' values from ``env``.

        Values in ``env`` are used as they are (so the result's graph leads back
        to them); numbers are constants.  The result is a Value when any
        variable is a Value, else a float.  Constant sub-expressions such as
        ``2 * 3`` are computed by the engine with its checks and messages, but
        make no node.  Raises :class:`ExpressionError` for a missing variable
        and for any error of the engine (domain, division by zero, overflow).

        >>> parse("2 * x + 1").evaluate({"x": 3})
        7.0
        >>> parse("log(x)").evaluate({"x": -1.0})
        Traceback (most recent call last):
            ...
        autograd_lite.expr.ExpressionError: log() of -1.0 is undefined (input must be > 0)
        """
        missing = [name for name in self.variables if name not in env]
        if missing:
            raise ExpressionError(
                f"no value for variable{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(m) for m in missing)} in {_show(self.text)}"
            )
        stack: list[Operand] = []
        push, pop = stack.append, stack.pop
        try:
            for kind, arg in self._program:
                if kind == "num":
                    push(arg)
                elif kind == "var":
                    v = env[arg]
                    push(v if isinstance(v, Value) else _as_float(v, f"variable {arg!r}"))
                elif kind == "call":
                    name, n = arg
                    args = stack[len(stack) - n :]
                    del stack[len(stack) - n :]
                    push(FUNCTIONS[name](*args))
                elif kind == "unary":
                    push(_UNARY[arg][1](pop()))
                else:  # "binary"
                    b, a = pop(), pop()
                    push(_apply(arg, a, b))
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise ExpressionError(str(exc).replace("\n", " ")) from exc
        return stack[-1]


def _apply(op: type, a: Operand, b: Operand) -> Operand:
    """``a op b``; two constants are combined by the engine so its checks apply."""
    fn = _BINARY[op][1]
    if isinstance(a, Value) or isinstance(b, Value):
        return fn(a, b)
    return fn(Value(a), b).data


def parse(text: str) -> Expression:
    """Check ``text`` against the whitelist and return an :class:`Expression`.

    Raises :class:`ExpressionError` (one line) for anything not allowed, for
    a syntax error, for text longer than :data:`MAX_LENGTH` characters and for
    nesting deeper than :data:`MAX_DEPTH` levels.

    >>> parse("-x + 2 * sqrt(y) / 4").variables
    ('x', 'y')
    >>> parse("x.real")
    Traceback (most recent call last):
        ...
    autograd_lite.expr.ExpressionError: cannot use attribute access (a.b) in an expression: 'x.real' ...
    """
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression too long: {len(text)} characters (at most {MAX_LENGTH})")
    text = text.strip()
    if not text:
        raise ExpressionError("empty expression")
    try:
        with warnings.catch_warnings():  # e.g. "1if": the error alone is the one line
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        where = f" (column {exc.offset})" if exc.offset else ""
        msg = str(exc.msg).replace("\n", " ")
        if msg.startswith("Exceeds the limit"):  # int literal with thousands of digits
            msg = "a number literal with too many digits"
        raise ExpressionError(f"invalid expression {_show(text)}: {msg}{where}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"expression {_show(text)} is nested too deeply") from None
    except ValueError as exc:  # e.g. null bytes on some Python versions
        raise ExpressionError(f"invalid expression {_show(text)}: {exc}") from None
    if _depth(tree.body) > MAX_DEPTH:
        raise ExpressionError(
            f"expression {_show(text)} is nested too deeply "
            f"(more than {MAX_DEPTH} operations inside one another)"
        )
    return _compile(text, tree.body)


def _depth(root: ast.expr) -> int:
    """How many expression nodes the longest path from ``root`` to a leaf has (no recursion)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))
    return deepest


def _refuse(text: str, node: ast.AST, what: str) -> ExpressionError:
    col = getattr(node, "col_offset", None)
    if isinstance(node, ast.Attribute):  # point at the dot, not at the object
        col = node.value.end_col_offset
    where = f" (column {col + 1})" if col is not None else ""
    return ExpressionError(f"cannot use {what} in an expression: {_show(text)}{where}")


def _compile(text: str, root: ast.expr) -> Expression:
    """Turn the checked tree into a postfix program, without recursion."""
    program: list[tuple] = []
    stack: list[tuple[ast.AST, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if isinstance(node, ast.Constant):
            program.append(("num", _number(text, node)))
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise _refuse(text, node, f"the function name {node.id!r} without a call")
            program.append(("var", node.id))
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                name = _OPERATOR_NAMES.get(type(node.op), type(node.op).__name__)
                raise _refuse(text, node, f"the operator {name}")
            if children_done:
                program.append(("binary", type(node.op)))
            else:
                stack += [(node, True), (node.right, False), (node.left, False)]
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARY:
                name = _OPERATOR_NAMES.get(type(node.op), type(node.op).__name__)
                raise _refuse(text, node, f"the operator {name}")
            if children_done:
                program.append(("unary", type(node.op)))
            else:
                stack += [(node, True), (node.operand, False)]
        elif isinstance(node, ast.Call):
            if children_done:
                program.append(("call", (node.func.id, len(node.args))))  # type: ignore[attr-defined]
            else:
                _check_call(text, node)
                stack.append((node, True))
                stack += [(a, False) for a in reversed(node.args)]
        else:
            raise _refuse(text, node, _WHAT.get(type(node), type(node).__name__))
    # postfix order lists the leaves left to right: first appearance in the text
    names = dict.fromkeys(arg for kind, arg in program if kind == "var")
    return Expression(text, tuple(names), tuple(program))


def _number(text: str, node: ast.Constant) -> float:
    v = node.value
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        kind = "complex numbers" if isinstance(v, complex) else f"the constant {v!r}"
        if isinstance(v, (str, bytes)):
            kind = "strings"
        raise _refuse(text, node, kind)
    try:
        f = float(v)
    except OverflowError:
        f = math.inf
    if not math.isfinite(f):
        raise ExpressionError(
            f"the number {_show(ast.get_source_segment(text, node) or str(v), 20)} "
            f"in {_show(text)} is too large for a float"
        )
    return f


def _check_call(text: str, node: ast.Call) -> None:
    func = node.func
    if not isinstance(func, ast.Name):
        what = _WHAT.get(type(func), "a call of an expression")
        raise _refuse(text, func, what)
    if func.id not in FUNCTIONS:
        known = ", ".join(sorted(FUNCTIONS))
        raise ExpressionError(f"unknown function {func.id!r} in {_show(text)} (known: {known})")
    least, most = ARITY[func.id]
    n = len(node.args) + len(node.keywords)
    if node.keywords or not least <= n <= most or any(isinstance(a, ast.Starred) for a in node.args):
        extra = (
            " (keywords are not allowed)"
            if node.keywords
            else " (*args are not allowed)"
            if any(isinstance(a, ast.Starred) for a in node.args)
            else ""
        )
        words = {1: "one", 2: "two", 3: "three"}
        takes = (
            f"exactly {words[least]} argument{'s' if least > 1 else ''}"
            if least == most
            else f"{words[least]} or {words[most]} arguments"
        )
        raise ExpressionError(f"{func.id}() takes {takes}, got {n}{extra} in {_show(text)}")
