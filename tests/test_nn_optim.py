"""SGD, Adam and LinearDecay: the update formulas, state, atomic steps, errors."""

import math

import pytest

from autograd_lite import Value
from nn import MLP, SGD, Adam, LinearDecay, mse


def _params(*pairs):
    """Values with given data and grad."""
    out = []
    for data, grad in pairs:
        v = Value(data)
        v.grad = grad
        out.append(v)
    return out


def test_sgd_step_is_p_minus_lr_grad():
    ps = _params((1.0, 0.5), (-2.0, -1.0))
    SGD(ps, lr=0.1).step()
    assert [p.data for p in ps] == pytest.approx([0.95, -1.9])


def test_sgd_momentum_accumulates_velocity():
    (p,) = _params((1.0, 1.0))
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()  # v = 1,            p = 1 - 0.1
    assert p.data == pytest.approx(0.9)
    p.grad = 2.0
    opt.step()  # v = 0.9 * 1 + 2,  p = 0.9 - 0.29
    assert p.data == pytest.approx(0.9 - 0.1 * 2.9)


def test_sgd_weight_decay_adds_wd_times_p():
    (p,) = _params((2.0, 0.5))
    SGD([p], lr=0.1, weight_decay=0.25).step()
    assert p.data == pytest.approx(2.0 - 0.1 * (0.5 + 0.25 * 2.0))


def test_adam_matches_the_formulas_over_three_steps():
    lr, b1, b2, eps, wd = 0.05, 0.8, 0.9, 1e-8, 0.1
    (p,) = _params((1.0, 0.0))
    opt = Adam([p], lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)
    x, m, v = 1.0, 0.0, 0.0
    for t, g in enumerate([0.3, -1.2, 0.7], start=1):
        p.grad = g
        opt.step()
        g = g + wd * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        x -= lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
        assert p.data == pytest.approx(x, rel=1e-12)


def test_adam_first_step_moves_by_about_lr_whatever_the_gradient_size():
    ps = _params((0.0, 1e-3), (0.0, -50.0), (0.0, 0.0))
    Adam(ps, lr=0.01).step()
    assert [p.data for p in ps] == pytest.approx([-0.01, 0.01, 0.0], rel=1e-4)


def test_linear_decay_schedule():
    opt = SGD(_params((0.0, 0.0)), lr=1.0)
    sched = LinearDecay(opt, total_steps=100, end_factor=0.1)
    lrs = []
    for _ in range(120):
        lrs.append(opt.lr)
        sched.step()
    assert lrs[0] == 1.0
    assert lrs[50] == pytest.approx(1.0 - 0.9 * 50 / 100)
    assert lrs[100:] == pytest.approx([0.1] * 20)
    assert all(a >= b for a, b in zip(lrs, lrs[1:]))


def test_step_is_all_or_nothing_when_a_value_would_overflow():
    ps = _params((1.0, 1.0), (1.0, 1e308))
    ps[1].label = "big"
    opt = SGD(ps, lr=1e10, momentum=0.5)
    with pytest.raises(OverflowError, match="parameter big would become"):
        opt.step()
    assert [p.data for p in ps] == [1.0, 1.0]
    ps[1].grad = 1.0
    opt.step()  # the failed step left no velocity behind
    assert [p.data for p in ps] == pytest.approx([1.0 - 1e10, 1.0 - 1e10])


def test_zero_grad_and_duplicates():
    ps = _params((1.0, 3.0), (2.0, 4.0))
    opt = SGD([*ps, ps[0]], lr=0.1)
    assert len(opt.params) == 2  # a parameter listed twice is stepped once
    opt.zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


def test_gradients_that_are_values_are_used_by_their_data():
    (p,) = _params((1.0, 0.0))
    p.grad = Value(0.5)  # as left by backward(create_graph=True)
    SGD([p], lr=1.0).step()
    assert p.data == 0.5


def test_training_a_model_lowers_the_loss_and_records_no_graph():
    model = MLP(1, [8, 1], activation="tanh", seed=0)
    X = [[x / 10] for x in range(-10, 11)]
    Y = [x[0] ** 2 for x in X]
    opt = Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(60):
        loss = mse([model(x) for x in X], Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.data)
    assert losses[-1] < 0.2 * losses[0]
    assert all(p.parents == () for p in model.parameters())


@pytest.mark.parametrize(
    "make,error,match",
    [
        (lambda p: SGD(p, lr=0), ValueError, "lr must be a number in"),
        (lambda p: SGD(p, lr=float("nan")), ValueError, "lr must be"),
        (lambda p: SGD(p, lr=0.1, momentum=1.0), ValueError, "momentum"),
        (lambda p: SGD(p, lr=0.1, weight_decay=-1), ValueError, "weight_decay"),
        (lambda p: Adam(p, betas=(0.9,)), ValueError, "betas must be a pair"),
        (lambda p: Adam(p, betas=(0.9, 1.0)), ValueError, "each beta"),
        (lambda p: Adam(p, eps=0), ValueError, "eps"),
        (lambda p: SGD([], lr=0.1), ValueError, "no parameters"),
        (lambda p: SGD([1.0], lr=0.1), TypeError, "parameters must be Values"),
        (lambda p: SGD(p[0], lr=0.1), TypeError, "got one Value"),
        (lambda p: LinearDecay(SGD(p), total_steps=0), ValueError, "total_steps"),
        (lambda p: LinearDecay(SGD(p), 10, end_factor=2), ValueError, "end_factor"),
        (lambda p: LinearDecay("sgd", 10), TypeError, "needs an optimizer"),
    ],
)
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make(_params((1.0, 0.0)))
