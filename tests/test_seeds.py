"""The worked examples of the seed texts, computed through Values and backward()."""

import math

import pytest

from autograd_lite import Value


@pytest.mark.parametrize("x0", [-1.3, 0.5, 2.0])
def test_exp_sin_square_chain_rule(x0):
    """y = exp(sin(x^2)): dy/dx = exp(sin(x^2)) * cos(x^2) * 2x."""
    x = Value(x0)
    y = (x**2).sin().exp()
    y.backward()
    assert x.grad == pytest.approx(math.exp(math.sin(x0**2)) * math.cos(x0**2) * 2 * x0, rel=1e-12)


def test_one_hidden_unit_sigmoid_example():
    """Two inputs, one sigmoid hidden unit, one sigmoid output, target 1, learning rate 0.5.

    The error terms are the gradients of E = 0.5 (y - y_hat)^2 with the sign
    flipped: delta_o = -dE/d(W a), delta_h = -dE/dh, and the steps are
    -eta dE/dw.
    """
    x = [0.1, 0.3]
    w = [Value(0.4, label="w1"), Value(-0.2, label="w2")]
    W = Value(0.1, label="W")
    eta, target = 0.5, 1.0

    h = w[0] * x[0] + w[1] * x[1]
    a = h.sigmoid()
    z = W * a
    y_hat = z.sigmoid()
    loss = 0.5 * (target - y_hat) ** 2
    loss.backward()

    assert round(h.data, 2) == -0.02
    assert round(a.data, 3) == 0.495
    assert round(y_hat.data, 3) == 0.512
    assert round(-z.grad, 3) == 0.122  # delta_o
    assert round(-h.grad, 3) == 0.003  # delta_h
    assert round(-eta * W.grad, 4) == 0.0302  # hidden-to-output step
    # The seed prints 0.00015 and 0.00045 because it rounded delta_h to 0.003
    # before multiplying; unrounded, the steps are 0.000152 and 0.000457.
    steps = [-eta * wi.grad for wi in w]
    assert [round(s, 6) for s in steps] == [0.000152, 0.000457]
    assert [round(0.5 * 0.003 * xi, 5) for xi in x] == [0.00015, 0.00045]
