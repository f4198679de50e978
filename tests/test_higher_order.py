"""Second (and higher) derivatives of every operator, from the same rules called with Values.

Each operator's second derivative is checked two independent ways: against its
closed form, and against central finite differences of the first derivative.
"""

import math

import pytest

import autograd_lite as al
from autograd_lite import Value, derivative, grad, hessian
from autograd_lite.graph import backward, gradients


def _sig(x):
    return 1.0 / (1.0 + math.exp(-x))


LN2 = math.log(2.0)

# name -> (f, f'' closed form, points); f uses engine operations only
UNARY = {
    "neg": (lambda x: -x, lambda x: 0.0, [-2.0, 0.3]),
    "abs": (abs, lambda x: 0.0, [-2.5, 0.7]),
    "exp": (al.exp, math.exp, [-3.0, 0.0, 1.5]),
    "log": (al.log, lambda x: -1.0 / x**2, [0.1, 1.0, 7.0]),
    "sqrt": (al.sqrt, lambda x: -0.25 * x**-1.5, [0.04, 1.0, 9.0]),
    "tanh": (al.tanh, lambda x: -2.0 * math.tanh(x) * (1.0 - math.tanh(x) ** 2), [-2.0, 0.0, 0.5]),
    "sigmoid": (al.sigmoid, lambda x: _sig(x) * (1 - _sig(x)) * (1 - 2 * _sig(x)), [-4.0, 0.0, 2.0]),
    "relu": (al.relu, lambda x: 0.0, [-1.0, 2.0]),
    "sin": (al.sin, lambda x: -math.sin(x), [-1.0, 0.0, 2.0]),
    "cos": (al.cos, lambda x: -math.cos(x), [-1.0, 0.0, 2.0]),
    "x**0": (lambda x: x**0, lambda x: 0.0, [1.5]),
    "x**1": (lambda x: x**1, lambda x: 0.0, [1.5]),
    "x**2": (lambda x: x**2, lambda x: 2.0, [-3.0, 0.5]),
    "x**3": (lambda x: x**3, lambda x: 6.0 * x, [-2.0, 1.5]),
    "x**0.5": (lambda x: x**0.5, lambda x: -0.25 * x**-1.5, [0.25, 4.0]),
    "x**-2": (lambda x: x**-2, lambda x: 6.0 * x**-4, [-2.0, 0.5]),
    "2**x": (lambda x: 2**x, lambda x: 2.0**x * LN2**2, [-1.0, 3.0]),
    "2+x": (lambda x: 2 + x, lambda x: 0.0, [1.0]),
    "x+2": (lambda x: x + 2, lambda x: 0.0, [1.0]),
    "1-x": (lambda x: 1 - x, lambda x: 0.0, [3.0]),
    "x-1": (lambda x: x - 1, lambda x: 0.0, [3.0]),
    "2*x": (lambda x: 2 * x, lambda x: 0.0, [3.0]),
    "x*2": (lambda x: x * 2, lambda x: 0.0, [3.0]),
    "2/x": (lambda x: 2 / x, lambda x: 4.0 / x**3, [-0.5, 4.0]),
    "x/4": (lambda x: x / 4, lambda x: 0.0, [3.0]),
    # one Value used twice in a binary operator
    "x*x": (lambda x: x * x, lambda x: 2.0, [-1.5, 2.0]),
    "x/x": (lambda x: x / x, lambda x: 0.0, [0.7]),
    "x**x": (lambda x: x**x, lambda x: x**x * ((math.log(x) + 1.0) ** 2 + 1.0 / x), [0.5, 1.7]),
    "sum": (lambda x: al.sum([x, x * x, 3.0]), lambda x: 2.0, [0.4]),
}


def _fd(df, x, h=1e-5):
    """Central finite difference of the first derivative df."""
    return (df(x + h) - df(x - h)) / (2 * h)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_second_derivative_equals_closed_form_and_finite_differences(name):
    f, d2, points = UNARY[name]
    for x0 in points:
        got = derivative(f, 2)(x0)
        assert isinstance(got, float)
        assert got == pytest.approx(d2(x0), rel=1e-12, abs=1e-12), (name, x0)
        assert got == pytest.approx(_fd(grad(f), x0), rel=1e-6, abs=1e-6), (name, x0)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_differentiable_gradient_agrees_with_the_float_gradient(name):
    f, _, points = UNARY[name]
    for x0 in points:
        x = Value(x0)
        y = f(x)
        (g_float,) = gradients(y, [x])
        (g_value,) = gradients(y, [x], create_graph=True)
        assert float(g_value) == pytest.approx(g_float, rel=1e-15, abs=0.0)


def test_backward_with_create_graph_gives_a_differentiable_grad():
    x = Value(0.5)
    y = x.tanh()
    backward(y, create_graph=True)
    g = x.grad
    assert isinstance(g, Value) and g.parents  # 1 - tanh^2 x, as a graph
    t = math.tanh(0.5)
    assert g.data == pytest.approx(1 - t * t)
    x.grad = 0.0
    g.backward()
    assert x.grad == pytest.approx(-2 * t * (1 - t * t), rel=1e-12)


# name -> (f(a, b), Hessian closed form, points)
BINARY = {
    "add": (lambda a, b: a + b, lambda x, y: [[0, 0], [0, 0]], [(1.0, 2.0)]),
    "sub": (lambda a, b: a - b, lambda x, y: [[0, 0], [0, 0]], [(1.0, 2.0)]),
    "mul": (lambda a, b: a * b, lambda x, y: [[0, 1], [1, 0]], [(1.5, -2.0)]),
    "div": (
        lambda a, b: a / b,
        lambda x, y: [[0, -1 / y**2], [-1 / y**2, 2 * x / y**3]],
        [(1.5, -2.0), (0.3, 0.7)],
    ),
    "pow": (
        lambda a, b: a**b,
        lambda x, y: [
            [y * (y - 1) * x ** (y - 2), x ** (y - 1) * (1 + y * math.log(x))],
            [x ** (y - 1) * (1 + y * math.log(x)), x**y * math.log(x) ** 2],
        ],
        [(1.5, 2.5), (0.3, -1.2), (2.0, 3.0)],
    ),
    "dot": (
        lambda a, b: al.dot([a, b], [b, a]),  # 2ab
        lambda x, y: [[0, 2], [2, 0]],
        [(1.5, -2.0)],
    ),
    "dot_bias": (
        lambda a, b: al.dot([a], [a], bias=b * b),  # a^2 + b^2
        lambda x, y: [[2, 0], [0, 2]],
        [(1.5, -2.0)],
    ),
    "dot_const": (
        lambda a, b: al.dot([a, b], [2.0, 3.0], bias=1.0),
        lambda x, y: [[0, 0], [0, 0]],
        [(1.5, -2.0)],
    ),
    "dot_mixed": (
        lambda a, b: al.dot([a, 2.0, a], [b, b, 0.5]),  # ab + 2b + a/2
        lambda x, y: [[0, 1], [1, 0]],
        [(1.5, -2.0)],
    ),
    "dot_nonlinear": (
        lambda a, b: al.dot([a.sin(), b], [b, a.exp()]),  # b sin a + b e^a
        lambda x, y: [
            [-y * math.sin(x) + y * math.exp(x), math.cos(x) + math.exp(x)],
            [math.cos(x) + math.exp(x), 0],
        ],
        [(0.3, -1.1)],
    ),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_hessian_equals_closed_form_and_finite_differences(name):
    f, h2, points = BINARY[name]
    for x0, y0 in points:
        got = hessian(f)(x0, y0)
        want = h2(x0, y0)
        for i in range(2):
            assert got[i] == pytest.approx(want[i], rel=1e-12, abs=1e-12), (name, x0, y0)
        g = grad(f, argnums=(0, 1))
        h = 1e-5
        fd_x = [(p - m) / (2 * h) for p, m in zip(g(x0 + h, y0), g(x0 - h, y0))]
        fd_y = [(p - m) / (2 * h) for p, m in zip(g(x0, y0 + h), g(x0, y0 - h))]
        assert [got[0][0], got[1][0]] == pytest.approx(fd_x, rel=1e-6, abs=1e-6)
        assert [got[0][1], got[1][1]] == pytest.approx(fd_y, rel=1e-6, abs=1e-6)


def test_mixed_partial_of_pow_is_symmetric_whichever_way_it_is_taken():
    f = lambda x, y: x**y  # noqa: E731
    dxdy = grad(grad(f, argnums=0), argnums=1)(1.3, 0.7)
    dydx = grad(grad(f, argnums=1), argnums=0)(1.3, 0.7)
    want = 1.3 ** (0.7 - 1) * (1 + 0.7 * math.log(1.3))
    assert dxdy == pytest.approx(want, rel=1e-12)
    assert dydx == pytest.approx(want, rel=1e-12)


def test_sum_and_dot_of_many_terms_have_the_right_hessian():
    # f(w, x) = sum_i w_i x_i + sum_i w_i^2 : H = [[2I, I], [I, 0]]
    n = 3
    f = lambda *v: al.dot(v[:n], v[n:]) + al.sum([w * w for w in v[:n]])  # noqa: E731
    H = hessian(f)(*[0.5, -1.0, 2.0, 3.0, 0.25, -0.75])
    for i in range(2 * n):
        for j in range(2 * n):
            want = 0.0
            if i < n and j < n and i == j:
                want = 2.0
            elif abs(i - j) == n:
                want = 1.0
            assert H[i][j] == want, (i, j)


@pytest.mark.parametrize(
    "f, derivs, x0",
    [
        (al.exp, [math.exp] * 5, 0.7),
        (al.sin, [math.sin, math.cos, lambda x: -math.sin(x), lambda x: -math.cos(x), math.sin], 0.9),
        (
            lambda x: x**4,
            [lambda x: x**4, lambda x: 4 * x**3, lambda x: 12 * x**2, lambda x: 24 * x, lambda x: 24.0],
            -1.3,
        ),
        (
            al.tanh,
            [
                math.tanh,
                lambda x: 1 - math.tanh(x) ** 2,
                lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2),
                lambda x: (-2 + 6 * math.tanh(x) ** 2) * (1 - math.tanh(x) ** 2),
                lambda x: 8 * math.tanh(x) * (1 - math.tanh(x) ** 2) * (2 - 3 * math.tanh(x) ** 2),
            ],
            0.4,
        ),
        (
            al.log,
            [math.log, lambda x: 1 / x, lambda x: -1 / x**2, lambda x: 2 / x**3, lambda x: -6 / x**4],
            1.7,
        ),
    ],
)
def test_derivatives_of_order_up_to_four(f, derivs, x0):
    for n, d in enumerate(derivs):
        assert derivative(f, n)(x0) == pytest.approx(d(x0), rel=1e-10, abs=1e-12), n


def test_derivative_rejects_a_bad_order():
    with pytest.raises(ValueError, match="order n must be an int >= 0"):
        derivative(al.sin, -1)
    with pytest.raises(ValueError, match="order n"):
        derivative(al.sin, 1.5)
    with pytest.raises(TypeError, match="needs a function"):
        derivative(3.0, 1)


def test_kink_operators_have_zero_second_derivative_everywhere_defined():
    # relu and abs are piecewise linear: f'' = 0 on both sides, and f' is a constant (not a graph)
    for f in (al.relu, abs):
        for x0 in (-1.0, 0.0, 2.0):
            assert derivative(f, 2)(x0) == 0.0


def test_an_infinite_derivative_cannot_be_differentiated_again():
    assert grad(al.sqrt)(0.0) == math.inf
    with pytest.raises(OverflowError, match=r"grad\(\): a derivative is inf at this point"):
        derivative(al.sqrt, 2)(0.0)
    with pytest.raises(OverflowError, match="a derivative is inf"):
        derivative(lambda x: x**0.5, 2)(0.0)
