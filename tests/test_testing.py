"""The hypothesis strategies of autograd_lite.testing: values() and expressions()."""

import math
import pathlib
import re
import sys

import pytest
from hypothesis import find, given, settings

import autograd_lite as al
from autograd_lite import GradcheckError, Value, gradcheck
from autograd_lite.testing import (
    LIMIT,
    OPERATORS,
    Domain,
    Operator,
    assert_gradients_match,
    expressions,
    values,
)

pytestmark = pytest.mark.filterwarnings("ignore::autograd_lite.check.GradcheckWarning")
FIND = settings(database=None, max_examples=500)
# the names an expression's text may use: its variables, numbers, operators and autograd_lite functions
NAMES = set(al.ops.FUNCTIONS) | {"abs", "bias"}


# ------------------------------------------------------------------ values


@given(values(-3.0, 2.0))
def test_values_are_finite_normal_floats_in_range(x):
    assert isinstance(x, float) and -3.0 <= x <= 2.0
    assert x == 0.0 or abs(x) >= sys.float_info.min


@given(values(-1.0, 4.0, min_magnitude=0.5))
def test_values_keep_the_minimum_magnitude(x):
    assert abs(x) >= 0.5 and -1.0 <= x <= 4.0


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((2.0, 1.0), {}),
        ((math.nan, 1.0), {}),
        ((0.0, math.inf), {}),
        ((-1.0, 1.0), {"min_magnitude": 2.0}),
        ((-1.0, 1.0), {"min_magnitude": -1.0}),
    ],
)
def test_values_rejects_bad_bounds(args, kwargs):
    with pytest.raises(ValueError, match="values"):
        values(*args, **kwargs)


# ------------------------------------------------------------- expressions


@given(expressions(n_vars=3))
def test_an_expression_is_defined_and_differentiable_at_its_point(e):
    assert len(e.point) == e.n_vars == 3
    xs = [Value(x) for x in e.point]
    y = e(*xs)
    assert isinstance(y, Value) and abs(y.data) <= LIMIT
    report = gradcheck(e, e.point)
    assert not report.near_kinks and not report.failed
    for i in range(3):  # and stays defined a little way off, by the margins
        for d in (-0.01, 0.01):
            moved = list(e.point)
            moved[i] += d
            assert math.isfinite(e(*moved))


@given(expressions(n_vars=2))
def test_an_expression_on_floats_equals_the_data_of_it_on_values(e):
    on_floats = e(*e.point)
    assert isinstance(on_floats, float)
    assert on_floats == pytest.approx(e(*[Value(x) for x in e.point]).data, rel=1e-12, abs=1e-300)


@given(expressions(n_vars=3, max_depth=3))
def test_the_text_of_an_expression_is_python_that_computes_it(e):
    text = str(e)
    assert set(re.findall(r"[a-z_][a-z_0-9]*", text)) - {f"x{i}" for i in range(3)} <= NAMES | {"x"}
    names = {name: getattr(al, name) for name in NAMES - {"abs", "bias"}}
    names.update({f"x{i}": Value(x) for i, x in enumerate(e.point)})
    assert eval(text, {"__builtins__": {"abs": abs}}, names).data == pytest.approx(
        e(*e.point), rel=1e-12, abs=1e-300
    )
    assert repr(e).startswith(text + "  where x0=")


@given(expressions(n_vars=2, ops=["tanh", "mul"], max_depth=2))
def test_only_the_chosen_operators_are_used_with_the_domain_guards(e):
    assert set(e.operators) <= {"tanh", "mul", "add_const", "mul_const"}
    assert set(e.operators) & {"tanh", "mul"}  # the outermost operation is a chosen one (or scaled)


@given(expressions(n_vars=1, ops=["neg"], max_depth=2))
def test_operations_nest_at_most_max_depth_deep(e):
    assert str(e) in {"-x0", "-(-x0)"}


def test_shrinking_gives_the_smallest_readable_expression():
    e = find(expressions(n_vars=3), lambda e: "log" in e.operators, settings=FIND)
    assert repr(e) == "log(x0 + 1.0)  where x0=0.0, x1=0.0, x2=0.0"


def test_a_wrong_rule_shrinks_to_a_small_counterexample(mutate):
    mutate("tanh", "1.0 + out * out")
    ops = ["add", "mul", "sub_const", "exp", "sin", "log", "tanh", "sigmoid", "relu", "dot"]
    e = find(
        expressions(n_vars=3, ops=ops),
        lambda e: gradcheck(e, e.point, raise_exception=False).failed,
        settings=FIND,
    )
    assert re.fullmatch(r"tanh\(x[0-2]\)", str(e))


def test_a_user_defined_operator_can_be_drawn():
    cube = Operator("cube", 1, lambda a: a * a * a, "", "cube({0})", (Domain(bound=2.0),))
    e = find(expressions(n_vars=1, ops=[cube]), lambda e: True, settings=FIND)
    assert str(e) == "cube(x0)" and e(2.0) == 8.0


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        ({"n_vars": 0}, ValueError),
        ({"max_depth": 0}, ValueError),
        ({"ops": []}, ValueError),
        ({"ops": ["tangent"]}, ValueError),
        ({"ops": [len]}, TypeError),
    ],
)
def test_expressions_rejects_bad_arguments(kwargs, exc):
    with pytest.raises(exc, match="expressions"):
        expressions(**kwargs)


def test_calling_an_expression_with_the_wrong_number_of_arguments_is_a_type_error():
    e = find(expressions(n_vars=2), lambda e: True, settings=FIND)
    with pytest.raises(TypeError, match="takes 2 arguments"):
        e(1.0)


def test_every_operator_applies_to_values_and_floats_alike():
    for op in OPERATORS.values():
        c = op.constants[0] if op.constants else None
        candidates = [1.25 + 0.5 * k for k in range(op.arity)] + [0.75, 0.3, -0.7, 2.0]
        args = [
            next(
                x
                for x in candidates[k:]
                if d.contains(x) and all(abs(x - p) >= d.margin for p in op.kinks_for(c))
            )
            for k, d in enumerate(op.domain)
        ]
        on_values = op(*[Value(a) for a in args], c=c)
        assert isinstance(on_values, Value) and on_values.op
        assert op(*args, c=c) == pytest.approx(on_values.data, rel=1e-15), op.name


# -------------------------------------------------------------- for users


def test_the_readme_example_is_a_working_hypothesis_test():
    readme = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
    block = next(b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "assert_gradients_match" in b)
    scope = {}
    exec(block, scope)
    tests = [f for name, f in scope.items() if name.startswith("test_")]
    assert len(tests) == 1
    tests[0]()  # runs the hypothesis test


def test_assert_gradients_match_fails_on_a_wrong_user_gradient(mutate):
    mutate("log", "-1.0 / a")
    with pytest.raises(GradcheckError):
        assert_gradients_match(lambda x: (1 + x.exp()).log(), [0.5])
