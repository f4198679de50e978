"""Custom operators made with autograd_lite.op work like the built-in ones in every mode."""

import math

import pytest

import autograd_lite as al
from autograd_lite import Value, derivative, grad, jvp, op, sigmoid
from autograd_lite.graph import reverse_sweep, topological_order
from autograd_lite.ops import kinks_of_node


def _softplus_forward(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


softplus = op(lambda out, x: (sigmoid(x),), name="my_softplus")(_softplus_forward)
softplus_wrong = op(lambda out, x: (sigmoid(x) * 1.01,), name="softplus_wrong")(_softplus_forward)


def _fd_check(f, point, h=1e-6, rtol=1e-6, atol=1e-8):
    """Whether reverse-mode partials of f match central finite differences at ``point``."""
    n = len(point)
    analytic = grad(f, argnums=tuple(range(n)))(*point)
    for i in range(n):
        plus = list(point)
        minus = list(point)
        plus[i] += h
        minus[i] -= h
        numeric = (f(*plus) - f(*minus)) / (2 * h)
        if abs(analytic[i] - numeric) > atol + rtol * abs(numeric):
            return False
    return True


POINTS = [-30.0, -3.0, -0.5, 0.0, 0.7, 4.0, 30.0]


def test_softplus_defined_by_its_rule_passes_the_finite_difference_check():
    for x0 in POINTS:
        assert _fd_check(softplus, [x0]), x0
    assert _fd_check(lambda x, y: softplus(x * y) + softplus(x - y), [0.3, -1.2])


def test_an_operator_with_a_wrong_rule_fails_the_check():
    assert not _fd_check(softplus_wrong, [0.7])
    assert not _fd_check(lambda x, y: softplus_wrong(x * y), [0.3, -1.2])


def test_the_check_itself_can_tell_a_wrong_builtin_from_a_right_one():
    assert _fd_check(lambda x: al.tanh(x), [0.3])
    assert not _fd_check(lambda x: al.tanh(x) + 1e-3 * x * x if isinstance(x, float) else al.tanh(x), [0.3])


def test_a_custom_operator_is_one_node_and_numbers_give_floats():
    x = Value(1.5)
    y = softplus(x)
    assert isinstance(y, Value) and y.op == "my_softplus" and y.parents == (x,)
    assert y.data == pytest.approx(math.log1p(math.exp(1.5)), rel=1e-15)
    assert isinstance(softplus(1.5), float) and softplus(1.5) == y.data
    assert softplus(1000.0) == 1000.0  # the forward function is stable
    assert softplus.name == "my_softplus" and softplus.forward is _softplus_forward


def test_backward_and_the_reverse_sweep_steps_use_the_rule():
    x = Value(0.4)
    y = softplus(x) * 2
    y.backward()
    assert x.grad == pytest.approx(2 / (1 + math.exp(-0.4)), rel=1e-15)
    steps = []
    reverse_sweep(topological_order(y), steps=steps)
    (step,) = [s for s in steps if s[0].op == "my_softplus"]
    node, parent, local, upstream, contribution, _ = step
    assert parent is x and local == pytest.approx(1 / (1 + math.exp(-0.4)))
    assert upstream == 2.0 and contribution == pytest.approx(2 * local)


def test_jvp_and_higher_order_through_a_custom_operator():
    s = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    assert jvp(softplus, (0.3,), (2.0,))[1] == pytest.approx(2 * s(0.3), rel=1e-15)
    assert derivative(softplus, 2)(0.3) == pytest.approx(s(0.3) * (1 - s(0.3)), rel=1e-12)
    assert derivative(softplus, 3)(0.3) == pytest.approx(s(0.3) * (1 - s(0.3)) * (1 - 2 * s(0.3)), rel=1e-12)


def _smooth_max_forward(a, b, k):
    # (1/k) log(e^(k a) + e^(k b))
    m = max(a, b)
    return m + math.log(math.exp(k * (a - m)) + math.exp(k * (b - m))) / k


def _smooth_max_rule(out, a, b, k):
    wa = al.exp(k * (a - out))
    wb = al.exp(k * (b - out))
    return (wa, wb, (a * wa + b * wb - out) / k)


smooth_max = op(_smooth_max_rule, name="smooth_max")(_smooth_max_forward)


def test_values_and_numbers_mixed_numbers_are_constants_not_parents():
    a, b = Value(0.5), Value(-0.2)
    y = smooth_max(a, b, 3.0)
    assert y.parents == (a, b)
    y.backward()
    ea, eb = math.exp(3 * 0.5), math.exp(3 * -0.2)
    assert (a.grad, b.grad) == pytest.approx((ea / (ea + eb), eb / (ea + eb)), rel=1e-12)
    c = Value(0.5)
    z = smooth_max(1.0, c, 2.0)
    assert z.parents == (c,)
    assert _fd_check(lambda u, v, k: smooth_max(u, v, k), [0.5, -0.2, 3.0])
    assert _fd_check(lambda v: smooth_max(1.0, v, 2.0), [0.5])
    H = al.hessian(lambda u, v: smooth_max(u, v, 2.0))(0.5, -0.2)
    assert H[0][1] == pytest.approx(H[1][0], rel=1e-12) and H[0][0] == pytest.approx(-H[0][1], rel=1e-12)


def test_kinks_are_kept_with_the_operator_and_found_on_its_nodes():
    hinge = op(lambda out, x: (1.0 if x > 1.0 else 0.0,), name="hinge1", kinks=[1.0])(
        lambda x: max(x - 1.0, 0.0)
    )
    y = hinge(Value(3.0))
    assert y.op == "hinge1" and kinks_of_node(y) == (1.0,)
    plain = op(lambda out, x: (1.0,), name="hinge1")(lambda x: x)  # redefined without kinks
    assert kinks_of_node(plain(Value(3.0))) == ()
    assert kinks_of_node(y) == (1.0,)  # nodes made before keep theirs
    assert kinks_of_node(Value(2.0).relu()) == (0.0,)  # built-ins untouched


def test_domain_and_forward_errors_name_the_operator_and_the_value():
    mylog = op(
        lambda out, x: (1.0 / x,), name="mylog", domain=lambda x: x > 0, domain_text="input must be > 0"
    )(math.log)
    with pytest.raises(ValueError, match=r"mylog\(\) of \(-2.0\) is outside its domain: input must be > 0"):
        mylog(Value(-2.0))
    with pytest.raises(ValueError, match=r"mylog\(\) of \(0.0\)"):
        mylog(0.0)
    raw = op(lambda out, x: (1.0 / x,), name="rawlog")(math.log)
    with pytest.raises(ValueError, match=r"rawlog\(\) of \(-1.0\) failed: math domain error"):
        raw(Value(-1.0))
    big = op(lambda out, x: (out,), name="bigexp")(math.exp)
    with pytest.raises(OverflowError, match=r"bigexp\(\) of \(1000.0\) failed"):
        big(Value(1000.0))
    inf = op(lambda out, x: (0.0,), name="toinf")(lambda x: math.inf)
    with pytest.raises(OverflowError, match="toinf of .* not a finite float"):
        inf(Value(1.0))
    with pytest.raises(TypeError, match=r"my_softplus\(\) needs a real number or a Value, got str"):
        softplus("a")
    with pytest.raises(TypeError, match="at least one argument"):
        softplus()


def test_bad_definitions_are_rejected_clearly():
    with pytest.raises(ValueError, match="built-in operator"):
        op(lambda out, x: (1.0,), name="relu")(lambda x: x)
    with pytest.raises(ValueError, match="needs a name"):
        op(lambda out, x: (1.0,))(lambda x: x)
    with pytest.raises(TypeError, match="needs a rule function"):
        op(3)
    strings = op(lambda out, x: (1.0,), name="strings")(lambda x: "no")
    with pytest.raises(TypeError, match="forward function of strings must return a number, got str"):
        strings(1.0)


def test_a_rule_with_the_wrong_number_of_derivatives_fails_at_backward_naming_the_operator():
    bad = op(lambda out, x, y: (1.0,), name="bad2")(lambda x, y: x + y)
    z = bad(Value(1.0), Value(2.0))
    with pytest.raises(
        TypeError, match=r"rule of bad2 must return a tuple of 2 local derivative\(s\).*length 1"
    ):
        z.backward()
    single = op(lambda out, x: sigmoid(x), name="bare")(_softplus_forward)
    with pytest.raises(TypeError, match="rule of bare must return a tuple of 1"):
        single(Value(1.0)).backward()


def test_no_grad_applies_to_custom_operators():
    with al.no_grad():
        y = softplus(Value(1.0))
    assert y.parents == () and y.op == ""
