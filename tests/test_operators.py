"""Each operator's value and derivative equal their closed forms, in every form."""

import math

import pytest

import autograd_lite as al
from autograd_lite import Value

# name -> (f on Values, f on floats, df/dx closed form, points inside the domain)
UNARY = {
    "neg": (lambda v: -v, lambda x: -x, lambda x: -1.0, [-2.0, 0.3, 4.0]),
    "abs": (abs, abs, lambda x: math.copysign(1.0, x), [-2.5, 0.7]),
    "exp": (lambda v: v.exp(), math.exp, math.exp, [-3.0, 0.0, 1.5]),
    "log": (lambda v: v.log(), math.log, lambda x: 1 / x, [0.1, 1.0, 7.0]),
    "sqrt": (lambda v: v.sqrt(), math.sqrt, lambda x: 0.5 / math.sqrt(x), [0.04, 1.0, 9.0]),
    "tanh": (lambda v: v.tanh(), math.tanh, lambda x: 1 - math.tanh(x) ** 2, [-2.0, 0.0, 0.5]),
    "sigmoid": (
        lambda v: v.sigmoid(),
        lambda x: 1 / (1 + math.exp(-x)),
        lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2,
        [-4.0, 0.0, 2.0],
    ),
    "relu": (lambda v: v.relu(), lambda x: max(0.0, x), lambda x: 1.0 if x > 0 else 0.0, [-1.0, 2.0]),
    "sin": (lambda v: v.sin(), math.sin, math.cos, [-1.0, 0.0, 2.0]),
    "cos": (lambda v: v.cos(), math.cos, lambda x: -math.sin(x), [-1.0, 0.0, 2.0]),
    "square": (lambda v: v**2, lambda x: x**2, lambda x: 2 * x, [-3.0, 0.5]),
    "cube": (lambda v: v**3, lambda x: x**3, lambda x: 3 * x**2, [-2.0, 1.5]),
    "pow_half": (lambda v: v**0.5, math.sqrt, lambda x: 0.5 / math.sqrt(x), [0.25, 4.0]),
    "pow_neg": (lambda v: v**-2, lambda x: x**-2, lambda x: -2 * x**-3, [-2.0, 0.5]),
    "rpow": (lambda v: 2**v, lambda x: 2**x, lambda x: 2**x * math.log(2), [-1.0, 3.0]),
    "radd": (lambda v: 2 + v, lambda x: 2 + x, lambda x: 1.0, [1.0]),
    "add_c": (lambda v: v + 2, lambda x: x + 2, lambda x: 1.0, [1.0]),
    "rsub": (lambda v: 1 - v, lambda x: 1 - x, lambda x: -1.0, [3.0]),
    "sub_c": (lambda v: v - 1, lambda x: x - 1, lambda x: 1.0, [3.0]),
    "rmul": (lambda v: 2 * v, lambda x: 2 * x, lambda x: 2.0, [3.0]),
    "mul_c": (lambda v: v * 2, lambda x: x * 2, lambda x: 2.0, [3.0]),
    "rdiv": (lambda v: 2 / v, lambda x: 2 / x, lambda x: -2 / x**2, [-0.5, 4.0]),
    "div_c": (lambda v: v / 4, lambda x: x / 4, lambda x: 0.25, [3.0]),
}

# name -> (f on Values, f on floats, (df/dx, df/dy), points)
BINARY = {
    "add": (lambda a, b: a + b, lambda x, y: x + y, lambda x, y: (1.0, 1.0), [(1.0, 2.0)]),
    "sub": (lambda a, b: a - b, lambda x, y: x - y, lambda x, y: (1.0, -1.0), [(1.0, 2.0)]),
    "mul": (lambda a, b: a * b, lambda x, y: x * y, lambda x, y: (y, x), [(1.5, -2.0)]),
    "div": (lambda a, b: a / b, lambda x, y: x / y, lambda x, y: (1 / y, -x / y**2), [(1.5, -2.0)]),
    "pow": (
        lambda a, b: a**b,
        lambda x, y: x**y,
        lambda x, y: (y * x ** (y - 1), x**y * math.log(x)),
        [(1.5, 2.5), (0.3, -1.2)],
    ),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_value_and_derivative(name):
    f, ff, df, points = UNARY[name]
    for x0 in points:
        x = Value(x0)
        y = f(x)
        y.backward()
        assert y.data == pytest.approx(ff(x0), rel=1e-12)
        assert x.grad == pytest.approx(df(x0), rel=1e-12, abs=1e-15), (name, x0)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_value_and_derivatives(name):
    f, ff, df, points = BINARY[name]
    for x0, y0 in points:
        a, b = Value(x0), Value(y0)
        out = f(a, b)
        out.backward()
        assert out.data == pytest.approx(ff(x0, y0), rel=1e-12)
        assert (a.grad, b.grad) == pytest.approx(df(x0, y0), rel=1e-12)


@pytest.mark.parametrize("fn", ["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos"])
def test_module_functions_accept_values_and_numbers(fn):
    f = getattr(al, fn)
    x = Value(0.7)
    y = f(x)
    assert isinstance(y, Value) and y.op == fn
    assert y.data == getattr(x, fn)().data
    assert isinstance(f(0.7), float) and f(0.7) == y.data
    assert f(1) == f(1.0)


def test_kinks_follow_the_documented_convention():
    for f in (lambda v: v.relu(), abs):
        x = Value(0.0)
        f(x).backward()
        assert x.grad == 0.0


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0


def test_sum_is_one_node_with_every_value_as_parent():
    xs = [Value(float(i)) for i in range(5)]
    s = al.sum([*xs, 10])
    assert s.data == 20.0 and s.parents == tuple(xs) and s.op == "sum"
    s.backward()
    assert [x.grad for x in xs] == [1.0] * 5


@pytest.mark.parametrize("case", ["values", "constant_inputs", "mixed"])
def test_dot_is_one_node_with_the_product_rule(case):
    ws = [Value(0.5), Value(-2.0), Value(3.0)]
    if case == "values":
        xs = [Value(1.0), Value(4.0), Value(-1.0)]
    elif case == "constant_inputs":
        xs = [1.0, 4.0, -1.0]
    else:
        xs = [Value(1.0), 4.0, Value(-1.0)]
    b = Value(0.25)
    z = al.dot(ws, xs, bias=b)
    x_data = [x.data if isinstance(x, Value) else x for x in xs]
    assert z.data == 0.5 - 8.0 - 3.0 + 0.25
    assert z.op == "dot"
    n_values = 3 + sum(isinstance(x, Value) for x in xs) + 1
    assert len(z.parents) == n_values
    z.backward()
    assert [w.grad for w in ws] == x_data
    assert b.grad == 1.0
    for x, w in zip(xs, ws):
        if isinstance(x, Value):
            assert x.grad == w.data


def test_dot_with_a_shared_node_accumulates():
    a = Value(3.0)
    z = al.dot([a, a], [a, 2.0])  # a*a + 2a
    z.backward()
    assert z.data == 15.0 and a.grad == 2 * 3.0 + 2.0


def test_repr_and_float():
    assert repr(Value(0.5)) == "Value(data=0.5, grad=0.0)"
    assert repr(Value(2, label="w")) == "Value(data=2.0, grad=0.0, label='w')"
    assert float(Value(1.5)) == 1.5


def test_values_hash_by_identity_and_compare_by_data():
    a, b = Value(1.0), Value(1.0)
    assert a != b and len({a, b}) == 2 and {a: 1}[a] == 1
    assert a <= b and not a < b and Value(2.0) > 1


def test_op_names_show_constant_operands():
    x = Value(2.0)
    ops = [v.op for v in (x + 1, x - 1, 1 - x, 2 * x, x / 4, 2 / x, x**3, 2**x, x * x, -x)]
    assert ops == ["+ 1.0", "- 1.0", "1.0 -", "* 2.0", "/ 4.0", "2.0 /", "**3.0", "2.0**", "*", "neg"]
