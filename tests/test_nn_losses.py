"""Losses: values against the formulas, gradients against central finite differences, stability."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_lite import Value
from nn import binary_cross_entropy, cross_entropy, hinge, l2_penalty, mse


def _finite_difference_check(f, xs, h=1e-6, rel=1e-5, abs_=1e-6):
    """Compare backward() of f(Values) with (f(x + h) - f(x - h)) / 2h for every input."""
    vs = [Value(x) for x in xs]
    f(vs).backward()
    for i, x in enumerate(xs):
        up = f([Value(x + h if j == i else xj) for j, xj in enumerate(xs)]).data
        down = f([Value(x - h if j == i else xj) for j, xj in enumerate(xs)]).data
        numeric = (up - down) / (2 * h)
        assert vs[i].grad == pytest.approx(numeric, rel=rel, abs=abs_), (i, xs)


def test_the_check_catches_a_wrong_gradient():
    """The helper is not vacuous: a loss whose graph hides a factor is caught."""

    def wrong(vs):
        s = vs[0]
        return (s * s).detach() + s  # d/ds should be 2s + 1; the graph says 1

    with pytest.raises(AssertionError):
        _finite_difference_check(wrong, [1.5])


scores = st.floats(-4, 4, allow_nan=False)
SETTINGS = settings(max_examples=40, deadline=None)


@SETTINGS
@given(st.lists(st.tuples(scores, scores), min_size=1, max_size=5))
def test_mse_gradient(pairs):
    ts = [t for _, t in pairs]
    _finite_difference_check(lambda vs: mse(vs, ts), [s for s, _ in pairs])


@SETTINGS
@given(st.lists(st.tuples(scores, st.sampled_from([-1, 1])), min_size=1, max_size=5))
def test_hinge_gradient_away_from_the_kink(pairs):
    assume(all(abs(1 - y * s) > 1e-3 for s, y in pairs))
    ys = [y for _, y in pairs]
    _finite_difference_check(lambda vs: hinge(vs, ys), [s for s, _ in pairs])


@SETTINGS
@given(st.lists(st.tuples(st.floats(-30, 30), st.floats(0, 1)), min_size=1, max_size=5))
def test_binary_cross_entropy_gradient(pairs):
    ts = [t for _, t in pairs]
    _finite_difference_check(lambda vs: binary_cross_entropy(vs, ts), [s for s, _ in pairs])


@SETTINGS
@given(
    st.integers(2, 5).flatmap(
        lambda k: st.lists(
            st.tuples(st.lists(st.floats(-20, 20), min_size=k, max_size=k), st.integers(0, k - 1)),
            min_size=1,
            max_size=3,
        )
    )
)
def test_cross_entropy_gradient(samples):
    k = len(samples[0][0])
    flat = [z for logits, _ in samples for z in logits]
    targets = [t for _, t in samples]

    def f(vs):
        return cross_entropy([vs[i * k : (i + 1) * k] for i in range(len(samples))], targets)

    _finite_difference_check(f, flat)


@SETTINGS
@given(st.lists(scores, min_size=1, max_size=6), st.floats(0, 3))
def test_l2_penalty_gradient(ps, alpha):
    _finite_difference_check(lambda vs: l2_penalty(vs, alpha), ps)


def test_values_match_the_formulas():
    s = [Value(0.5), Value(-2.0), Value(3.0)]
    assert mse(s, [1.0, 0.0, 3.0]).data == pytest.approx((0.25 + 4.0 + 0.0) / 3)
    assert hinge(s, [1, 1, -1]).data == pytest.approx((0.5 + 3.0 + 4.0) / 3)
    bce = [math.log(1 + math.exp(z)) - t * z for z, t in zip([0.5, -2.0, 3.0], [1, 0, 0.3])]
    assert binary_cross_entropy(s, [1, 0, 0.3]).data == pytest.approx(sum(bce) / 3)
    z = [0.5, -2.0, 3.0]
    ce = -z[2] + math.log(sum(math.exp(v) for v in z))
    assert cross_entropy(s, 2).data == pytest.approx(ce)
    assert l2_penalty(s, 0.1).data == pytest.approx(0.1 * (0.25 + 4 + 9))


def test_single_sample_and_list_agree():
    assert mse(Value(2.0), 1.0).data == mse([Value(2.0)], [1.0]).data == 1.0
    assert hinge(Value(0.25), 1).data == hinge([Value(0.25)], [1]).data == 0.75
    assert (
        cross_entropy([Value(1.0), Value(2.0)], 1).data == cross_entropy([[Value(1.0), Value(2.0)]], [1]).data
    )


@pytest.mark.parametrize(
    "logits,target,loss,grad",
    [
        ([1000.0, -1000.0, 0.0], 1, 2000.0, [1.0, -1.0, 0.0]),
        ([-1000.0, 1000.0, 0.0], 1, 0.0, [0.0, 0.0, 0.0]),
        ([1000.0, 1000.0], 0, math.log(2), [-0.5, 0.5]),
        ([-1000.0, -1000.0, -1000.0], 2, math.log(3), [1 / 3, 1 / 3, -2 / 3]),
        ([1e6, -1e6], 1, 2e6, [1.0, -1.0]),
    ],
)
def test_cross_entropy_stays_finite_at_huge_logits(logits, target, loss, grad):
    z = [Value(v) for v in logits]
    out = cross_entropy(z, target)
    assert out.data == pytest.approx(loss, rel=1e-12, abs=1e-300)
    out.backward()
    assert [v.grad for v in z] == pytest.approx(grad, abs=1e-12)


def test_cross_entropy_gradient_is_softmax_minus_one_hot():
    z = [Value(1.0), Value(2.0), Value(0.5)]
    cross_entropy(z, 0).backward()
    e = [math.exp(v) for v in (1.0, 2.0, 0.5)]
    p = [x / sum(e) for x in e]
    assert [v.grad for v in z] == pytest.approx([p[0] - 1, p[1], p[2]], rel=1e-12)


@pytest.mark.parametrize("z,t", [(1000.0, 1), (-1000.0, 0), (1000.0, 0), (-1000.0, 1)])
def test_binary_cross_entropy_stable_at_huge_logits(z, t):
    s = Value(z)
    loss = binary_cross_entropy(s, t)
    assert loss.data == (0.0 if (z > 0) == (t == 1) else 1000.0)
    loss.backward()
    assert s.grad == pytest.approx((1.0 if z > 0 else 0.0) - t)


@pytest.mark.parametrize("t", [0.0, 0.25, 1.0])
def test_binary_cross_entropy_gradient_at_zero_logit(t):
    """d/ds = sigmoid(s) - y, also at s = 0 exactly (no kink hides in the stable form)."""
    s = Value(0.0)
    binary_cross_entropy(s, t).backward()
    assert s.grad == pytest.approx(0.5 - t, abs=1e-15)


def test_hinge_has_no_gradient_beyond_the_margin():
    s = [Value(2.0), Value(-0.5)]
    hinge(s, [1, 1]).backward()
    assert [v.grad for v in s] == [0.0, -0.5]


@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda: hinge([Value(1.0)], [0]), ValueError, r"labels -1 or \+1, got 0"),
        (lambda: mse([Value(1.0)], [1.0, 2.0]), ValueError, "1 scores but 2 targets"),
        (lambda: mse([], []), ValueError, "at least one sample"),
        (lambda: mse([[Value(1.0)]], [1.0]), TypeError, "one Value or number"),
        (lambda: mse([Value(1.0)], ["1"]), TypeError, "targets must be numbers"),
        (lambda: mse(Value(1.0), [1.0]), TypeError, "one score, so its target must be one number"),
        (lambda: binary_cross_entropy([Value(1.0)], [2]), ValueError, "between 0 and 1"),
        (lambda: cross_entropy([Value(1.0), Value(2.0)], 2), ValueError, r"not a class index in 0..1"),
        (lambda: cross_entropy([[Value(1.0), Value(2.0)]], [0, 1]), ValueError, "1 samples but 2 targets"),
        (lambda: cross_entropy([Value(1.0)], 0), ValueError, "at least 2 logits"),
        (lambda: l2_penalty([1.0]), TypeError, "needs Values"),
        (lambda: l2_penalty([Value(1.0)], -1), ValueError, "alpha must be"),
    ],
)
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
