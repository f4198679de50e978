"""One sweep rule in every mode: the fast loop equals the reference loop, dead branches give 0.

The contribution rule: an exact-zero upstream gradient or an exact-zero local
derivative contributes nothing (so 0 * inf never makes a NaN), in plain
backward, with ``create_graph``, in the trace and in forward mode.
"""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd_lite as al
from autograd_lite import Value
from autograd_lite.graph import StaleGraphError, forward_sweep, reverse_sweep, topological_order
from autograd_lite.testing import expressions

# ------------------------------------------------------------ dead branches


@pytest.mark.parametrize(
    "f", [lambda r: r.sqrt(), lambda r: r**0.5, lambda r: r**0.3, al.cbrt, lambda r: r.sqrt() * 2.0]
)
def test_a_dead_relu_feeding_an_infinite_slope_gives_zero_not_nan(f):
    x = Value(-1.0)
    f(x.relu()).backward()
    assert x.grad == 0.0  # the function is identically 0 near -1, as in PyTorch
    x2 = Value(-1.0)
    y = f(x2.relu())
    y.backward(create_graph=True)
    assert al.ops.relu(0.0) == 0.0 and float(x2.grad) == 0.0


def test_a_dead_branch_gives_the_same_gradient_with_and_without_create_graph():
    for create_graph in (False, True):
        x = Value(0.0)
        y = x.sqrt() * 0.0 + x
        y.backward(create_graph=create_graph)
        assert float(x.grad) == 1.0
    assert al.grad(lambda x: x.sqrt() * 0.0 + x)(0.0) == 1.0
    assert al.grad(al.grad(lambda x: x.sqrt() * 0.0 + x * x))(0.0) == 2.0


def test_an_infinite_gradient_through_a_differentiable_rule_is_a_number_with_create_graph():
    for point in (0.0,):
        x = Value(point)
        y = x.elu().sqrt()  # elu(0) = 0 and sqrt has an infinite slope there
        y.backward()
        fast = x.grad
        cg = reverse_sweep(topological_order(y), 1.0, create_graph=True)[x]
        assert fast == math.inf and cg == math.inf
        assert forward_sweep(topological_order(y), {x: 1.0})[y] == math.inf


def test_forward_mode_follows_the_same_rule():
    x = Value(-1.0)
    y = x.relu().sqrt()
    assert forward_sweep(topological_order(y), {x: 1.0})[y] == 0.0
    assert al.jvp(lambda x: x.relu().sqrt(), (-1.0,), (1.0,))[1] == 0.0


# ------------------------------------------------------- fast == reference


def _same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


KINKY = [
    "relu",
    "abs",
    "sqrt",
    "maximum",
    "minimum",
    "clip",
    "leaky_relu",
    "mul",
    "add",
    "pow_frac",
    "tanh",
    "exp",
    "sub",
    "cbrt",
    "elu",
    "dot",
    "sum",
]


@given(
    expressions(n_vars=3, ops=KINKY, max_depth=3),
    st.lists(st.sampled_from([0.0, -1.0, 1.0, 0.5, -0.5, 2.0]), min_size=3, max_size=3),
)
def test_the_fast_loop_equals_the_reference_loop_dead_branches_and_kinks_included(e, at):
    for point in (e.point, tuple(at)):  # inside the domain, and on kinks and dead branches
        xs = [Value(x) for x in point]
        try:
            y = e(*xs)
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        assume(isinstance(y, Value))
        y.backward()  # the fast loop
        fast = [x.grad for x in xs]
        ref = reverse_sweep(topological_order(y), 1.0, steps=[])  # the reference loop
        assert all(_same(a, ref.get(x, 0.0)) for a, x in zip(fast, xs)), (point, fast, ref)
        cg = reverse_sweep(topological_order(y), 1.0, create_graph=True)
        assert all(_same(a, float(cg.get(x, 0.0))) for a, x in zip(fast, xs)), point
        for i, x in enumerate(xs):  # forward mode, one direction each
            t = forward_sweep(topological_order(y), {x: 1.0}).get(y, 0.0)
            if math.isfinite(fast[i]) and math.isfinite(t):
                assert t == pytest.approx(fast[i], rel=1e-9, abs=1e-12), (point, i)


# -------------------------------------------------------------- overflow


def test_an_overflowing_derivative_gives_ieee_infinity_not_a_bare_error():
    x = Value(1e-200)
    (x**-1.5).backward()
    assert x.grad == -math.inf
    x = Value(1e-309)
    (x**x).backward()
    assert x.grad == math.inf


def test_a_failed_backward_changes_no_gradient():
    w = Value(2.0, label="w")
    w.grad = 0.25

    def rule(out, a, b):
        raise RuntimeError("boom")

    bad = al.op(rule, name="boom")(lambda a, b: a + b)
    z = bad(w * 3.0, w)
    y = z * w
    with pytest.raises(RuntimeError, match="boom"):
        y.backward()
    assert w.grad == 0.25
    assert y.grad == 0.0 and z.grad == 0.0


def test_a_nan_result_is_reported_as_nan():
    nan_op = al.op(lambda out, a: (1.0,), name="nan_op")(lambda a: math.inf - math.inf)
    with pytest.raises(ValueError, match=r"nan_op of \(1.0\) is not a number: the result is nan"):
        nan_op(Value(1.0))
    with pytest.raises(ValueError, match=r"finite"):
        Value(math.nan)
    with pytest.raises(OverflowError, match=r"\* 10.0 of \(1e\+308\) overflows"):
        Value(1e308) * 10.0


# ------------------------------------------------------------ conventions


def test_bool_of_a_value_is_that_of_its_data():
    assert bool(Value(2.0)) and not bool(Value(0.0)) and bool(Value(-0.5))
    assert next(v for v in (Value(0.0), Value(1.0)) if v).data == 1.0


def test_real_numbers_of_any_type_become_python_floats():
    x = Value(1.5)
    for y in (
        x + np.float32(2.5),
        x - np.float32(0.5),
        x / np.float32(2.0),
        np.float32(2.0) * x,
        x * np.float64(2.0),
        x ** np.float32(2.0),
        Value(np.float32(2.0)),
    ):
        assert type(y.data) is float
    y = x * 2.0
    y.backward(np.float32(2.0))
    assert type(x.grad) is float and x.grad == 4.0


def test_huge_integers_name_the_operation():
    with pytest.raises(OverflowError, match=r"Value\(\) got an integer of about 401 digits"):
        Value(10**400)
    with pytest.raises(OverflowError, match=r"\+ got an integer of about 401 digits"):
        Value(1.0) + 10**400


def test_changing_data_after_building_is_detected_and_names_the_node():
    x = Value(2.0, label="x")
    y = x * x
    x.data = 3.0
    with pytest.raises(StaleGraphError, match="'x'"):
        y.backward()
    assert x.grad == 0.0
    y = x * x  # built again after the change: fine
    y.backward()
    assert x.grad == 6.0


def test_an_optimizer_step_after_backward_is_fine():
    w = Value(1.0)
    for _ in range(3):
        loss = (w * 3.0 - 1.0) ** 2
        w.grad = 0.0
        loss.backward()
        w.data -= 0.01 * w.grad
    assert w.data < 1.0
