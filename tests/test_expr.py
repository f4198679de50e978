"""The safe expression parser: a whitelist over Python's ast, never eval."""

import builtins
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as al
from autograd_lite import ExpressionError, Value, gradients, topological_order
from autograd_lite.expr import MAX_LENGTH, parse

# (text, the same function written with the engine, point)
CASES = [
    ("exp(sin(x**2))", lambda x: (x**2).sin().exp(), {"x": 0.5}),
    ("x*y + y/x - 3", lambda x, y: x * y + y / x - 3, {"x": 1.5, "y": -2.0}),
    ("-x + +y", lambda x, y: -x + y, {"x": 1.0, "y": 2.0}),
    ("tanh(w*x + b)", lambda w, x, b: (w * x + b).tanh(), {"w": 0.3, "x": -1.2, "b": 0.1}),
    (
        "sigmoid(x) * relu(y) + abs(z)",
        lambda x, y, z: x.sigmoid() * y.relu() + abs(z),
        {"x": 0.2, "y": 1.5, "z": -0.7},
    ),
    ("log(x) + sqrt(x) + cos(x)", lambda x: x.log() + x.sqrt() + x.cos(), {"x": 2.0}),
    ("x ** y", lambda x, y: x**y, {"x": 1.7, "y": 0.4}),
    ("2 ** x / (1 + x)**3", lambda x: 2**x / (1 + x) ** 3, {"x": 0.9}),
    ("x*x*x", lambda x: x * x * x, {"x": 3.0}),
    ("x - (y - z)", lambda x, y, z: x - (y - z), {"x": 1.0, "y": 2.0, "z": 4.0}),
    ("-x ** 2", lambda x: -(x**2), {"x": 3.0}),  # ** binds tighter than unary -
    ("2 ** 3 ** 2 * x", lambda x: 512.0 * x, {"x": 1.0}),  # ** is right-associative
]


@pytest.mark.parametrize("text, fn, point", CASES, ids=[c[0] for c in CASES])
def test_expressions_match_the_engine(text, fn, point):
    e = parse(text)
    assert list(e.variables) == [n for n in point if n in e.variables]
    mine = {n: Value(v, label=n) for n, v in point.items()}
    ref = {n: Value(v) for n, v in point.items()}
    got = e.evaluate(mine)
    want = fn(*ref.values())
    assert got.data == pytest.approx(want.data, rel=1e-12)
    g_got = gradients(got, mine.values())
    g_want = gradients(want, ref.values())
    assert g_got == pytest.approx(g_want, rel=1e-12)


def test_variables_are_listed_once_in_order_of_first_appearance():
    assert parse("b * exp(a) + b - c / a").variables == ("b", "a", "c")
    assert parse("3 + 4").variables == ()


def test_numbers_are_floats_and_constant_parts_make_no_nodes():
    assert parse("7 / 2").evaluate({}) == 3.5
    assert parse("2 ** 100").evaluate({}) == 2.0**100
    assert isinstance(parse("1 + 2").evaluate({}), float)
    x = Value(2.0)
    y = parse("x * (2 + 3)").evaluate({"x": x})
    assert y.data == 10.0 and len(topological_order(y)) == 2
    assert parse("+x").evaluate({"x": x}) is x
    assert parse("-x").evaluate({"x": x}).op == "neg"


def test_numbers_in_env_are_constants():
    assert parse("x * y").evaluate({"x": 2, "y": 3.5}) == 7.0


@pytest.mark.parametrize(
    "text, pattern",
    [
        ("__import__('os')", "unknown function '__import__'"),
        ("__import__('os').system('true')", "attribute access"),
        ("x.real", "attribute access"),
        ("(lambda: 1)()", "lambda"),
        ("(lambda: 1)", "lambda"),
        ("x[0]", "subscripts"),
        ("x < 1", "comparisons"),
        ("x and y", "and/or"),
        ("x if y else z", "if-else"),
        ("(y := 2)", "assignment"),
        ("[x]", "lists"),
        ("(x, y)", "tuples"),
        ("{x}", "sets"),
        ("{}", "dicts"),
        ("[i for i in x]", "comprehensions"),
        ("f'{x}'", "f-strings"),
        ("'abc'", "strings"),
        ("b'abc'", "strings"),
        ("1j", "complex numbers"),
        ("True", "the constant True"),
        ("None", "the constant None"),
        ("...", "the constant Ellipsis"),
        ("x // 2", "the operator //"),
        ("x % 2", "the operator %"),
        ("x @ y", "the operator @"),
        ("x ^ y", "the operator \\^"),
        ("~x", "the operator ~"),
        ("not x", "the operator not"),
        ("foo(x)", "unknown function 'foo'"),
        ("eval('1')", "unknown function 'eval'"),
        ("exp(x, y)", "exp\\(\\) takes exactly one argument, got 2"),
        ("exp()", "exp\\(\\) takes exactly one argument, got 0"),
        ("exp(x=1)", "keywords are not allowed"),
        ("exp(*x)", "\\*args are not allowed"),
        ("exp", "the function name 'exp' without a call"),
        ("exp.__globals__", "attribute access"),
        ("x(1)", "unknown function 'x'"),
        ("1e999", "too large for a float"),
        ("9" * 400, "too large for a float"),
        ("1" * 5000, "too many digits"),
        ("x +", "invalid expression"),
        ("x = 1", "invalid expression"),
        ("import os", "invalid expression"),
        ("x\0", "invalid expression"),
        ("", "empty expression"),
        ("   ", "empty expression"),
        ("(" * 300 + "x" + ")" * 300, "nested|invalid"),
        ("-" * 5000 + "x", "nested too deeply"),
        ("-" * 1000 + "x", "nested too deeply"),  # every Python version, its parser or not
        ("x+" * 1000 + "x", "nested too deeply"),
        ("x+" * 5000 + "x", "too long"),
    ],
)
def test_everything_outside_the_whitelist_is_refused(text, pattern):
    with pytest.raises(ExpressionError, match=pattern) as info:
        parse(text)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "text, point, cause, pattern",
    [
        ("log(x)", {"x": -1.0}, ValueError, r"log\(\) of -1.0 is undefined"),
        ("log(-1)", {}, ValueError, r"log\(\) of -1.0"),
        ("sqrt(x - 2)", {"x": 1.0}, ValueError, r"sqrt\(\) of -1.0"),
        ("1 / (x - x)", {"x": 1.0}, ZeroDivisionError, "division of 1.0 by a Value equal to zero"),
        ("1 / 0", {}, ZeroDivisionError, "division of 1.0 by zero"),
        ("0 ** -1", {}, ZeroDivisionError, "negative power"),
        ("10**10**10", {}, OverflowError, "overflows"),
        ("exp(x)", {"x": 1000.0}, OverflowError, r"exp\(\) of 1000.0 overflows"),
        ("x ** 0.5", {"x": -4.0}, ValueError, "negative base"),
        ("(-2) ** x", {"x": 0.5}, ValueError, "base > 0"),
        ("x * y", {"x": 1.0, "y": "2"}, TypeError, "needs a real number"),
    ],
)
def test_engine_errors_are_wrapped_with_the_engines_message(text, point, cause, pattern):
    env = {n: Value(v) if isinstance(v, float) else v for n, v in point.items()}
    with pytest.raises(ExpressionError, match=pattern) as info:
        parse(text).evaluate(env)
    assert isinstance(info.value.__cause__, cause)


def test_a_missing_variable_is_named():
    with pytest.raises(ExpressionError, match="no value for variables 'y', 'z'"):
        parse("x + y * z").evaluate({"x": 1.0})


def test_length_limit_is_the_documented_one():
    parse("x" * MAX_LENGTH)  # one long name is fine
    with pytest.raises(ExpressionError, match=f"{MAX_LENGTH + 1} characters"):
        parse("x" * (MAX_LENGTH + 1))


def test_parse_never_calls_eval_or_exec(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    assert parse("exp(x) * 2").evaluate({"x": 0.0}) == 2.0
    with pytest.raises(ExpressionError):
        parse("__import__('os').system('echo hacked')")


# ------------------------------------------------------- random input

TOKENS = [
    "x",
    "y",
    "z",
    "0",
    "1",
    "2.5",
    "1e308",
    "1e-320",
    "10",
    "+",
    "-",
    "*",
    "/",
    "**",
    "(",
    ")",
    "(",
    ")",
    "exp",
    "log",
    "sqrt",
    "tanh",
    "sigmoid",
    "relu",
    "sin",
    "cos",
    "abs",
    ",",
    ".",
    "[",
    "]",
    "lambda",
    ":",
    "<",
    "==",
    "__import__",
    "'s'",
    "foo",
    "=",
    "%",
    "//",
    "@",
    "~",
    "not",
    "and",
    "if",
    "else",
    "j",
    "_",
    "9" * 30,
    " ",
    "\n",
    "\\",
    "#",
    "\0",
    "é",
]


def _run(text, values):
    """Parse and evaluate ``text``; only ExpressionError may escape."""
    try:
        e = parse(text)
    except ExpressionError as exc:
        assert "\n" not in str(exc)
        return
    env = {name: Value(v, label=name) for name, v in zip(e.variables, values + [1.0] * 99)}
    try:
        out = e.evaluate(env)
    except ExpressionError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(out, (Value, float))
    assert math.isfinite(out.data if isinstance(out, Value) else out)


_values = st.lists(st.floats(-1e3, 1e3), min_size=3, max_size=3)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200), st.text(st.characters(blacklist_categories=()), max_size=50)
    ),  # surrogates too
    _values,
)
def test_random_text_only_ever_raises_expression_error(text, values):
    _run(text, values)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.booleans(), _values)
def test_random_token_soup_only_ever_raises_expression_error(tokens, spaced, values):
    _run((" " if spaced else "").join(tokens), values)


def _grammar(depth=4):
    leaf = st.sampled_from(["x", "y", "z", "0", "1", "0.5", "3", "1e3", "700"])
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(
                st.sampled_from(["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos", "abs"]), inner
            ).map(lambda t: f"{t[0]}({t[1]})"),
            inner.map(lambda s: f"-{s}"),
        ),
        max_leaves=12,
    )


@settings(max_examples=300, deadline=None)
@given(_grammar(), _values)
def test_random_valid_expressions_parse_and_evaluate_or_raise_expression_error(text, values):
    parse(text)  # always parses
    _run(text, values)


def test_module_functions_are_the_engines():
    from autograd_lite.expr import FUNCTIONS

    for name in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos"):
        assert FUNCTIONS[name] is getattr(al, name)


def test_parsing_emits_no_warnings(recwarn):
    for text in ("1if x else 2", "x is 1", "0x", "'\\d'"):
        with pytest.raises(ExpressionError):
            parse(text)
    assert len(recwarn) == 0


def test_nesting_up_to_the_limit_is_read_the_same_on_every_version():
    assert parse("-" * 998 + "x").evaluate({"x": Value(2.0)}).data == 2.0  # 999 deep, even signs
    assert parse("x+" * 999 + "x").evaluate({"x": Value(1.0)}).data == 1000.0
    assert parse("exp(" * 100 + "x" + ")" * 100).variables == ("x",)
