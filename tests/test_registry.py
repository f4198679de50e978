"""The operator registry: every operator against an independent closed form, on every surface.

Adding an operator is its record plus one line in ORACLES below: the tests
here then check its value and derivatives (the second too, for one operand)
against that closed form at points inside its domain, and check that every
surface of the library offers it.
"""

import math
import re
import subprocess
import sys

import mpmath
import pytest
from hypothesis import find, settings

import autograd_lite as al
from autograd_lite import Value, custom, ops
from autograd_lite.cli import build_parser
from autograd_lite.expr import FUNCTIONS as EXPR_FUNCTIONS
from autograd_lite.expr import parse
from autograd_lite.testing import OPERATORS, expressions

mpmath.mp.dps = 30


def _s(x):
    return 1.0 / (1.0 + math.exp(-x))


def _phi(x):
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def _Phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _mp(f):
    return lambda *a: float(f(*a))


# form -> (value, first derivatives, second derivative of a one-operand form or None), as
# functions of the operands (and the constant c), written from textbook formulas only.
ORACLES = {
    "add": (lambda a, b: a + b, lambda a, b: (1, 1), None),
    "add_const": (lambda a, c: a + c, lambda a, c: (1,), lambda a, c: 0),
    "sub": (lambda a, b: a - b, lambda a, b: (1, -1), None),
    "sub_const": (lambda a, c: a - c, lambda a, c: (1,), lambda a, c: 0),
    "rsub": (lambda a, c: c - a, lambda a, c: (-1,), lambda a, c: 0),
    "mul": (lambda a, b: a * b, lambda a, b: (b, a), None),
    "mul_const": (lambda a, c: a * c, lambda a, c: (c,), lambda a, c: 0),
    "div": (lambda a, b: a / b, lambda a, b: (1 / b, -a / b**2), None),
    "div_const": (lambda a, c: a / c, lambda a, c: (1 / c,), lambda a, c: 0),
    "rdiv": (lambda a, c: c / a, lambda a, c: (-c / a**2,), lambda a, c: 2 * c / a**3),
    "pow": (lambda a, b: a**b, lambda a, b: (b * a ** (b - 1), a**b * math.log(a)), None),
    "pow_const": (
        lambda a, c: a**c,
        lambda a, c: (c * a ** (c - 1),),
        lambda a, c: c * (c - 1) * a ** (c - 2),
    ),
    "pow_frac": (
        lambda a, c: a**c,
        lambda a, c: (c * a ** (c - 1),),
        lambda a, c: c * (c - 1) * a ** (c - 2),
    ),
    "rpow": (lambda a, c: c**a, lambda a, c: (c**a * math.log(c),), lambda a, c: c**a * math.log(c) ** 2),
    "neg": (lambda a: -a, lambda a: (-1,), lambda a: 0),
    "abs": (abs, lambda a: (math.copysign(1, a),), lambda a: 0),
    "exp": (math.exp, lambda a: (math.exp(a),), math.exp),
    "exp2": (lambda a: 2**a, lambda a: (2**a * math.log(2),), lambda a: 2**a * math.log(2) ** 2),
    "expm1": (lambda a: math.exp(a) - 1, lambda a: (math.exp(a),), math.exp),
    "log": (math.log, lambda a: (1 / a,), lambda a: -1 / a**2),
    "log2": (
        lambda a: math.log(a) / math.log(2),
        lambda a: (1 / (a * math.log(2)),),
        lambda a: -1 / (a * a * math.log(2)),
    ),
    "log10": (
        lambda a: math.log(a) / math.log(10),
        lambda a: (1 / (a * math.log(10)),),
        lambda a: -1 / (a * a * math.log(10)),
    ),
    "log1p": (lambda a: math.log(1 + a), lambda a: (1 / (1 + a),), lambda a: -1 / (1 + a) ** 2),
    "sqrt": (math.sqrt, lambda a: (0.5 / math.sqrt(a),), lambda a: -0.25 * a**-1.5),
    "cbrt": (
        lambda a: math.copysign(abs(a) ** (1 / 3), a),
        lambda a: (abs(a) ** (-2 / 3) / 3,),
        lambda a: -2 / 9 * math.copysign(abs(a) ** (-5 / 3), a),
    ),
    "sin": (math.sin, lambda a: (math.cos(a),), lambda a: -math.sin(a)),
    "cos": (math.cos, lambda a: (-math.sin(a),), lambda a: -math.cos(a)),
    "tan": (math.tan, lambda a: (1 / math.cos(a) ** 2,), lambda a: 2 * math.sin(a) / math.cos(a) ** 3),
    "asin": (math.asin, lambda a: (1 / math.sqrt(1 - a * a),), lambda a: a / (1 - a * a) ** 1.5),
    "acos": (math.acos, lambda a: (-1 / math.sqrt(1 - a * a),), lambda a: -a / (1 - a * a) ** 1.5),
    "atan": (math.atan, lambda a: (1 / (1 + a * a),), lambda a: -2 * a / (1 + a * a) ** 2),
    "atan2": (math.atan2, lambda a, b: (b / (a * a + b * b), -a / (a * a + b * b)), None),
    "sinh": (math.sinh, lambda a: (math.cosh(a),), math.sinh),
    "cosh": (math.cosh, lambda a: (math.sinh(a),), math.cosh),
    "tanh": (math.tanh, lambda a: (1 / math.cosh(a) ** 2,), lambda a: -2 * math.tanh(a) / math.cosh(a) ** 2),
    "asinh": (math.asinh, lambda a: (1 / math.sqrt(a * a + 1),), lambda a: -a / (a * a + 1) ** 1.5),
    "acosh": (math.acosh, lambda a: (1 / math.sqrt(a * a - 1),), lambda a: -a / (a * a - 1) ** 1.5),
    "atanh": (math.atanh, lambda a: (1 / (1 - a * a),), lambda a: 2 * a / (1 - a * a) ** 2),
    "hypot": (
        lambda a, b: math.sqrt(a * a + b * b),
        lambda a, b: (a / math.sqrt(a * a + b * b), b / math.sqrt(a * a + b * b)),
        None,
    ),
    "erf": (
        math.erf,
        lambda a: (2 / math.sqrt(math.pi) * math.exp(-a * a),),
        lambda a: -4 * a / math.sqrt(math.pi) * math.exp(-a * a),
    ),
    "erfc": (
        math.erfc,
        lambda a: (-2 / math.sqrt(math.pi) * math.exp(-a * a),),
        lambda a: 4 * a / math.sqrt(math.pi) * math.exp(-a * a),
    ),
    "lgamma": (
        _mp(mpmath.loggamma),
        lambda a: (float(mpmath.digamma(a)),),
        _mp(lambda a: mpmath.polygamma(1, a)),
    ),
    "digamma": (
        _mp(mpmath.digamma),
        lambda a: (float(mpmath.polygamma(1, a)),),
        _mp(lambda a: mpmath.polygamma(2, a)),
    ),
    "polygamma": (
        lambda a, c: float(mpmath.polygamma(int(c), a)),
        lambda a, c: (float(mpmath.polygamma(int(c) + 1, a)),),
        lambda a, c: float(mpmath.polygamma(int(c) + 2, a)),
    ),
    "sigmoid": (_s, lambda a: (_s(a) * (1 - _s(a)),), lambda a: _s(a) * (1 - _s(a)) * (1 - 2 * _s(a))),
    "relu": (lambda a: max(a, 0.0), lambda a: (1.0 if a > 0 else 0.0,), lambda a: 0),
    "softplus": (lambda a: math.log(1 + math.exp(a)), lambda a: (_s(a),), lambda a: _s(a) * (1 - _s(a))),
    "silu": (
        lambda a: a * _s(a),
        lambda a: (_s(a) + a * _s(a) * (1 - _s(a)),),
        lambda a: _s(a) * (1 - _s(a)) * (2 + a * (1 - 2 * _s(a))),
    ),
    "gelu": (lambda a: a * _Phi(a), lambda a: (_Phi(a) + a * _phi(a),), lambda a: _phi(a) * (2 - a * a)),
    "elu": (
        lambda a: a if a > 0 else math.exp(a) - 1,
        lambda a: (1.0 if a > 0 else math.exp(a),),
        lambda a: 0 if a > 0 else math.exp(a),
    ),
    "leaky_relu": (lambda a, c: a if a > 0 else c * a, lambda a, c: (1.0 if a > 0 else c,), lambda a, c: 0),
    "clip": (
        lambda a, c: min(max(a, c[0]), c[1]),
        lambda a, c: (1.0 if c[0] <= a <= c[1] else 0.0,),
        lambda a, c: 0,
    ),
    "maximum": (max, lambda a, b: (1.0, 0.0) if a > b else (0.0, 1.0), None),
    "minimum": (min, lambda a, b: (1.0, 0.0) if a < b else (0.0, 1.0), None),
    "sum": (lambda a, b, c: a + b + c, lambda a, b, c: (1, 1, 1), None),
    "dot": (lambda a, b, c, d: a * c + b * d, lambda a, b, c, d: (c, d, a, b), None),
    "dot_bias": (lambda a, b, c, d, e: a * c + b * d + e, lambda a, b, c, d, e: (c, d, a, b, 1), None),
    "dot_const": (lambda a, b, e, c: a * c[0] + b * c[1] + e, lambda a, b, e, c: (c[0], c[1], 1), None),
    "dot_mixed": (lambda a, b, x, c: a * x + b * c, lambda a, b, x, c: (x, c, a), None),
}

CANDIDATES = [0.7, -0.6, 1.3, 2.2, -1.7, 0.35, 3.1]


def _points(form, c):
    """A few points inside the form's domain, away from its kinks."""
    kinks = form.kinks_for(c)
    ok = [
        [x for x in CANDIDATES if d.contains(x) and all(abs(x - k) >= d.margin for k in kinks)]
        for d in form.domain
    ]
    points = []
    for shift in range(3):
        p = [xs[(shift + i) % len(xs)] for i, xs in enumerate(ok)]
        if form.apart and abs(p[0] - p[1]) < 0.5:
            continue
        points.append(p)
    return points


def _cases():
    for name, form in OPERATORS.items():
        for c in form.constants or (None,):
            for p in _points(form, c):
                yield pytest.param(name, c, p, id=f"{name}-{c}-{p}")


def test_every_form_of_every_operator_has_an_oracle_and_no_oracle_is_stale():
    assert set(ORACLES) == set(OPERATORS)


@pytest.mark.parametrize("name, c, point", list(_cases()))
def test_value_and_derivatives_match_the_closed_form(name, c, point):
    form = OPERATORS[name]
    f, df, d2f = ORACLES[name]
    args = (*point, c) if form.constants else tuple(point)
    xs = [Value(x) for x in point]
    y = form(*xs, c=c)
    y.backward()
    assert y.data == pytest.approx(f(*args), rel=1e-12, abs=1e-14)
    assert [x.grad for x in xs] == pytest.approx(list(df(*args)), rel=1e-11, abs=1e-13)
    assert form(*point, c=c) == pytest.approx(y.data, rel=1e-15, abs=1e-300)  # floats in: the same number
    if d2f is not None:
        second = al.derivative(lambda v: form(v, c=c), 2)(point[0])
        assert second == pytest.approx(d2f(*args), rel=1e-9, abs=1e-11)


# ------------------------------------------------------------- every surface

FUNCTION_RECORDS = [r for r in ops.REGISTRY.values() if r.function]


def test_every_operator_has_a_form_of_its_own_name():
    assert set(ops.REGISTRY) <= set(OPERATORS)


@pytest.mark.parametrize("rec", FUNCTION_RECORDS, ids=lambda r: r.name)
def test_every_function_is_exported_documented_and_callable_on_numbers(rec):
    fn = getattr(al, rec.function)
    assert fn is ops.FUNCTIONS[rec.function] and rec.function in al.__all__
    assert fn.__doc__ and rec.doc.split(";")[0] in fn.__doc__


@pytest.mark.parametrize("rec", [r for r in ops.REGISTRY.values() if r.method], ids=lambda r: r.name)
def test_every_method_is_on_value(rec):
    assert callable(getattr(Value, rec.method))


@pytest.mark.parametrize(
    "rec", [r for r in FUNCTION_RECORDS if r.arity != ops.VARIADIC], ids=lambda r: r.name
)
def test_every_function_is_in_the_cli_whitelist_its_help_and_reserved_for_custom_ops(rec):
    assert rec.function in EXPR_FUNCTIONS
    graph = build_parser()._subparsers._group_actions[0].choices["graph"]
    assert re.search(rf"\b{rec.function}\b", graph.description)
    assert rec.function in custom.reserved_names()
    with pytest.raises(ValueError, match="built-in"):
        al.op(lambda out, x: (1.0,), name=rec.function)(lambda x: x)


@pytest.mark.parametrize("name", sorted(ops.REGISTRY))
def test_every_operator_is_drawn_by_the_strategy(name):
    e = find(
        expressions(n_vars=2, ops=[name], max_depth=1),
        lambda e: True,
        settings=settings(database=None, max_examples=50),
    )
    assert ops.REGISTRY[name].forms[0].name in e.operators or name in e.operators


def test_every_operator_is_in_the_docs_table():
    table = ops.operator_table()
    for rec in ops.REGISTRY.values():
        assert f"`{rec.name}`" in table


def test_the_cli_evaluates_every_function():
    for name in EXPR_FUNCTIONS:
        least, _ = __import__("autograd_lite.expr", fromlist=["ARITY"]).ARITY[name]
        args = ["x"] + ["0.5"] * (least - 1)
        if name == "polygamma":
            args = ["1", "x"]
        if name == "clip":
            args = ["x", "-1", "1"]
        e = parse(f"{name}({', '.join(args)})")
        x = (
            0.6
            if name in ("abs", "clip")
            else _points(OPERATORS[name], None if name != "polygamma" else 1.0)[0][0]
        )
        out = e.evaluate({"x": Value(x)})
        assert isinstance(out, Value)


def test_cli_graph_and_check_accept_new_operators(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograd_lite",
            "check",
            "atan2(y, x) * tan(x) + lgamma(y)",
            "--at",
            "x=0.4",
            "y=1.5",
            "--order",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr + r.stdout
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograd_lite",
            "graph",
            "maximum(softplus(x), gelu(x))",
            "--at",
            "x=0.4",
            "-o",
            str(tmp_path / "g.dot"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr


# ---------------------------------------------------------------- fast paths


@pytest.mark.parametrize("rec", [r for r in ops.REGISTRY.values() if r.fast and r.d], ids=lambda r: r.name)
def test_every_fast_path_builds_what_its_record_says(rec):
    form = rec.forms[0]
    c = form.constants[0] if form.constants else None
    point = _points(form, c)[0]
    y = form(*[Value(x) for x in point], c=c)
    assert y._op is rec
    args = (*point, c) if rec.params else tuple(point)
    assert y.data == rec.kernel(*args)
    ds = y.local_grads()
    if rec.kind == "fn":
        expected = rec.rule(y.data, *point) if rec.arity == 2 else (rec.rule(y.data, point[0], c),)
    elif rec.kind == "of_c":
        expected = (rec.rule(c),)
    else:
        expected = rec.rule if isinstance(rec.rule, tuple) else (rec.rule,)
    assert ds == tuple(expected)


def test_source_forms_compute_what_the_rules_compute():
    for name, form in OPERATORS.items():
        c = form.constants[0] if form.constants else None
        point = _points(form, c)[0]
        y = form(*[Value(x) for x in point], c=c)
        fwd, ds = ops.source_of(y)
        env = {**ops.FLOAT_NS, "P": [p.data for p in y.parents], "out": y.data}
        assert eval(re.sub(r"\{p(\d+)\}", r"P[\1]", fwd).replace("{out}", "out"), env) == pytest.approx(
            y.data, rel=1e-15
        ), name
        got = [eval(re.sub(r"\{p(\d+)\}", r"P[\1]", d).replace("{out}", "out"), env) for d in ds]
        assert got == pytest.approx(list(y.local_grads()), rel=1e-15), name


@pytest.mark.parametrize("a", [-2.0, -1e-300, -0.0, 0.0, 5e-324, 0.5, 3.0])
def test_the_relu_fast_path_stores_the_rule_evaluated_on_its_side(a):
    rec = ops.record("relu")
    y = Value(a).relu()
    assert (y.data, y.local_grads()) == (rec.kernel(a), (rec.rule(y.data, a, None),))
    assert al.relu(Value(a)).local_grads() == y.local_grads()


def test_the_relu_fast_path_follows_a_replaced_rule(mutate):
    mutate("relu", "2.0")
    assert Value(-1.0).relu().local_grads() == (2.0,)


@pytest.mark.parametrize("values", [True, False])
@pytest.mark.parametrize("bias", [True, False])
def test_dot_rows_is_one_dot_per_row(values, bias):
    from autograd_lite.ops.fused import dot_rows

    xs = [Value(0.5), Value(-1.5), Value(2.0)] if values else [0.5, -1.5, 2.0]
    rows = [[Value(0.1 * (i + j) - 0.2) for j in range(3)] for i in range(4)]
    biases = [Value(0.3 * i) if bias else None for i in range(4)]
    zs = dot_rows(rows, biases, xs, values, 0.25)
    for z, ws, b in zip(zs, rows, biases):
        one = al.dot(ws, xs, 0.25 if b is None else b + 0.25)
        assert z.data == pytest.approx(one.data, rel=1e-15)
        want = al.gradients(one, [*ws, *(xs if values else []), *([b] if bias else [])])
        got = al.gradients(z, [*ws, *(xs if values else []), *([b] if bias else [])])
        assert got == pytest.approx(want, rel=1e-15)
        (g,) = al.gradients(z, [ws[0]], create_graph=True)  # dz/dw0 = x0: the Value x0, or the number
        assert (al.gradients(g, [xs[0]]) == [1.0]) if values else (g == xs[0])
