"""The functional API: grad, value_and_grad, jacobian, hessian, jvp, hvp and forward_sweep."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_lite as al
from autograd_lite import Value, grad, hessian, hvp, jacobian, jvp, no_grad, value_and_grad
from autograd_lite.graph import forward_sweep, reverse_sweep, topological_order


# ------------------------------------------------------------------ grad
def test_grad_of_a_plain_function_returns_floats():
    g = grad(lambda x: x * x + al.sin(x))
    out = g(0.5)
    assert isinstance(out, float)
    assert out == pytest.approx(2 * 0.5 + math.cos(0.5), rel=1e-15)
    assert g(2) == pytest.approx(4 + math.cos(2.0))  # ints are accepted


def test_value_and_grad_and_argnums():
    f = lambda x, y, z: x * y + z**2  # noqa: E731
    assert value_and_grad(f)(2.0, 3.0, 4.0) == (22.0, 3.0)
    assert value_and_grad(f, argnums=(0, 2))(2.0, 3.0, 4.0) == (22.0, (3.0, 8.0))
    assert grad(f, argnums=1)(2.0, 3.0, 4.0) == 2.0
    assert grad(f, argnums=-1)(2.0, 3.0, 4.0) == 8.0
    assert grad(f, argnums=[0, 1])(2.0, 3.0, 4.0) == (3.0, 2.0)


def test_keyword_arguments_are_constants():
    f = lambda x, scale=1.0: scale * x**2  # noqa: E731
    assert grad(f)(3.0, scale=0.5) == 3.0


def test_a_function_that_ignores_its_input_has_derivative_zero():
    assert grad(lambda x: 5.0)(1.0) == 0.0
    assert grad(lambda x: Value(5.0))(1.0) == 0.0
    assert grad(lambda x, y: y * y, argnums=(0, 1))(1.0, 3.0) == (0.0, 6.0)
    assert value_and_grad(lambda x: 7)(1.0) == (7.0, 0.0)


def test_grad_of_a_non_scalar_output_is_a_type_error():
    with pytest.raises(TypeError, match=r"grad\(\) needs f to return a scalar.*list of length 2.*jacobian"):
        grad(lambda x: [x, x])(1.0)
    with pytest.raises(TypeError, match="got str"):
        grad(lambda x: "x")(1.0)


def test_bad_arguments_name_the_transformation_and_the_value():
    with pytest.raises(TypeError, match=r"grad\(\) argument 0 needs a real number or a Value, got str"):
        grad(lambda x: x)("a")
    with pytest.raises(ValueError, match=r"argnums 2 is out of range for 2"):
        grad(lambda x, y: x, argnums=2)(1.0, 2.0)
    with pytest.raises(ValueError, match="names an argument twice"):
        grad(lambda x, y: x, argnums=(0, -2))(1.0, 2.0)
    with pytest.raises(TypeError, match="argnums must be"):
        grad(lambda x: x, argnums="0")
    with pytest.raises(TypeError, match="argnums must be"):
        grad(lambda x: x, argnums=True)
    with pytest.raises(ValueError, match="argnums is empty"):
        grad(lambda x: x, argnums=())
    with pytest.raises(TypeError, match="needs a function"):
        grad(3.0)
    with pytest.raises(TypeError, match="at least one argument"):
        grad(lambda: 1.0)()


def test_errors_from_f_are_raised_where_they_happen():
    with pytest.raises(ValueError, match=r"log\(\) of -1.0"):
        grad(al.log)(-1.0)


def test_grad_inside_no_grad_still_differentiates():
    with no_grad():
        assert grad(lambda x: x**3)(2.0) == 12.0
        assert not al.value.is_grad_enabled()


def test_no_grad_inside_f_makes_a_constant():
    def f(x):
        with no_grad():
            c = x * x  # not recorded: a constant
        return c * x

    assert grad(f)(3.0) == 9.0


def test_grad_leaves_the_callers_values_untouched():
    a = Value(2.0)
    g = grad(lambda x: x * a)(3.0)
    assert g == 2.0 and a.grad == 0.0


# ------------------------------------------------------------------ nesting
def test_grad_of_grad():
    f = lambda x: x**3 + 2 * x  # noqa: E731
    assert grad(grad(f))(2.0) == 12.0
    assert grad(grad(grad(f)))(2.0) == 6.0
    assert grad(grad(grad(grad(f))))(2.0) == 0.0


def test_grad_given_values_returns_differentiable_values():
    x = Value(0.5)
    g = grad(al.tanh)(x)
    assert isinstance(g, Value)
    assert g.data == pytest.approx(1 - math.tanh(0.5) ** 2)
    (g2,) = al.gradients(g, [x])
    assert g2 == pytest.approx(-2 * math.tanh(0.5) * (1 - math.tanh(0.5) ** 2))
    assert x.parents == () and x.grad == 0.0  # x itself is not changed
    assert isinstance(grad(lambda v: 3.0)(x), Value)  # constants come back as Values too


def test_no_perturbation_confusion():
    # d/dx [ x * d/dy (x + y) ] = d/dx [x * 1] = 1, not 2
    assert grad(lambda x: x * grad(lambda y: x + y)(x))(1.0) == 1.0
    # d/dx [ d/dy (x y) at y = x ] = d/dx [x] = 1, not 2
    assert grad(lambda x: grad(lambda y: x * y)(x))(3.0) == 1.0


def test_inner_grad_at_a_constant_point_still_sees_the_outer_variable():
    # d/dx [ d/dy (x y) at y = 2 ] = d/dx [x] = 1
    assert grad(lambda x: grad(lambda y: x * y)(2.0))(3.0) == 1.0
    # d/dx [ d/dy (x y^2) at y = 2 ] = d/dx [4x] = 4
    assert grad(lambda x: grad(lambda y: x * y**2)(2.0))(3.0) == 4.0


def test_forward_over_reverse_and_reverse_over_forward_agree():
    f = lambda x: al.sin(x) * x**2  # noqa: E731
    d2 = lambda x: (2 - x * x) * math.sin(x) + 4 * x * math.cos(x)  # noqa: E731
    assert jvp(grad(f), (0.8,), (1.0,))[1] == pytest.approx(d2(0.8), rel=1e-12)
    assert grad(lambda x: jvp(f, (x,), (1.0,))[1])(0.8) == pytest.approx(d2(0.8), rel=1e-12)


# ------------------------------------------------------------------ hessian, jacobian
def _analytic_hessian(x, y):
    s, c = math.sin(x * y), math.cos(x * y)
    fxy = 2 * x + c - x * y * s
    return [[2 * y - y * y * s, fxy], [fxy, -x * x * s]]


@pytest.mark.parametrize("point", [(0.7, -1.3), (2.0, 0.5), (-1.1, 0.0)])
def test_hessian_of_the_issue_example(point):
    H = hessian(lambda x, y: x**2 * y + al.sin(x * y))(*point)
    want = _analytic_hessian(*point)
    assert all(isinstance(h, float) for row in H for h in row)
    for i in range(2):
        assert H[i] == pytest.approx(want[i], rel=1e-12, abs=1e-14)
    assert H[0][1] == pytest.approx(H[1][0], rel=1e-14, abs=1e-15)


def test_hessian_of_three_variables_and_of_a_subset():
    f = lambda x, y, z: x * y * z + x**2  # noqa: E731
    H = hessian(f)(1.0, 2.0, 3.0)
    assert H == [[2.0, 3.0, 2.0], [3.0, 0.0, 1.0], [2.0, 1.0, 0.0]]
    assert hessian(f, argnums=(1, 2))(1.0, 2.0, 3.0) == [[0.0, 1.0], [1.0, 0.0]]
    assert hessian(lambda x: x**3)(2.0) == [[12.0]]


def test_hessian_of_a_non_scalar_function_is_a_type_error():
    with pytest.raises(TypeError, match=r"hessian\(\) needs f to return a scalar"):
        hessian(lambda x: [x, x])(1.0)


def test_jacobian_of_several_outputs():
    f = lambda x, y: (x * y, al.exp(x), 4.0, y)  # noqa: E731
    J = jacobian(f)(0.0, 3.0)
    assert J == [[3.0, 0.0], [1.0, 0.0], [0.0, 0.0], [0.0, 1.0]]
    assert jacobian(f, argnums=1)(0.0, 3.0) == [[0.0], [0.0], [0.0], [1.0]]
    assert jacobian(lambda x: x * x)(3.0) == [[6.0]]
    with pytest.raises(TypeError, match=r"jacobian\(\) needs f to return"):
        jacobian(lambda x: {"a": x})(1.0)


# ------------------------------------------------------------------ jvp, hvp
def test_jvp_gives_value_and_directional_derivative():
    f = lambda x, y: x * y + al.sin(x)  # noqa: E731
    value, tangent = jvp(f, (0.5, 2.0), (3.0, -1.0))
    assert value == pytest.approx(1.0 + math.sin(0.5))
    assert tangent == pytest.approx((2.0 + math.cos(0.5)) * 3.0 + 0.5 * -1.0, rel=1e-15)
    assert jvp(al.exp, 1.0, 2.0) == (math.e, 2 * math.e)  # one number for one argument
    assert jvp(lambda x: 3.0, (1.0,), (1.0,)) == (3.0, 0.0)
    assert jvp(lambda x: x, (1.0,), (5.0,)) == (1.0, 5.0)


def test_jvp_pushes_one_direction_through_every_output_in_one_sweep():
    values, tangents = jvp(lambda t: [al.cos(t), al.sin(t), t * t], (0.0,), (1.0,))
    assert values == [1.0, 0.0, 0.0]
    assert tangents == [-0.0, 1.0, 0.0]


def test_jvp_checks_its_arguments():
    with pytest.raises(ValueError, match="one tangent per primal"):
        jvp(lambda x, y: x, (1.0, 2.0), (1.0,))
    with pytest.raises(TypeError, match=r"jvp\(\): primals must be"):
        jvp(lambda x: x, {1.0}, (1.0,))
    with pytest.raises(TypeError, match=r"jvp\(\) tangent 0"):
        jvp(lambda x: x, (1.0,), ("a",))


def test_hvp_equals_the_hessian_times_the_vector():
    f = lambda x, y, z: x**2 * y + al.sin(x * z) + y * al.exp(z)  # noqa: E731
    point, v = (0.3, -1.2, 0.8), (1.0, 2.0, -0.5)
    H = hessian(f)(*point)
    want = [sum(H[i][j] * v[j] for j in range(3)) for i in range(3)]
    assert hvp(f, point, v) == pytest.approx(want, rel=1e-12)


# ------------------------------------------------------------------ forward_sweep
def test_forward_sweep_uses_the_same_rules_edge_by_edge():
    x, y = Value(3.0), Value(2.0)
    z = x * y + x.exp()
    order = topological_order(z)
    steps = []
    tans = forward_sweep(order, {x: 1.0}, steps=steps)
    assert tans[z] == pytest.approx(2.0 + math.exp(3.0))
    assert y not in tans  # nothing flows into y
    # one step per edge carrying a tangent: x->x*y, x->exp, (x*y)->z, exp->z
    assert len(steps) == 4
    assert all(s[4] == s[2] * s[3] for s in steps)  # contribution = local derivative * tangent


def test_a_seeded_node_keeps_its_seed():
    x = Value(2.0)
    h = x * x
    z = h + x
    tans = forward_sweep(topological_order(z), {h: 1.0})
    assert tans[z] == 1.0  # dz/dh, x's tangent is not pushed


def test_one_forward_sweep_per_input_vs_one_reverse_sweep():
    xs = [Value(0.1 * i) for i in range(1, 6)]
    y = al.sum([x * x.sin() for x in xs])
    order = topological_order(y)
    reverse = reverse_sweep(order)
    for x in xs:
        assert forward_sweep(order, {x: 1.0})[y] == pytest.approx(reverse[x], rel=1e-15)


# ------------------------------------------------------------------ random expressions
N_VARS = 3
_UNARY = ["neg", "tanh", "sin", "cos", "sigmoid", "exp_tanh", "log1p_sq", "sqrt1p_sq", "sq", "relu"]
_BINARY = ["+", "-", "*", "div", "pow", "rpow"]


def _apply(name, *a):
    if name == "neg":
        return -a[0]
    if name in ("tanh", "sin", "cos", "sigmoid"):
        return getattr(al, name)(a[0])
    if name == "exp_tanh":
        return al.exp(al.tanh(a[0]))
    if name == "log1p_sq":
        return al.log(1 + a[0] * a[0])
    if name == "sqrt1p_sq":
        return al.sqrt(1 + a[0] * a[0])
    if name == "sq":
        return a[0] ** 2
    if name == "relu":
        return al.relu(a[0])
    if name == "+":
        return a[0] + a[1]
    if name == "-":
        return a[0] - a[1]
    if name == "*":
        return a[0] * a[1]
    if name == "div":
        return a[0] / (1.5 + al.sin(a[1]))
    if name == "pow":
        return (1 + a[0] * a[0]) ** al.tanh(a[1])
    return 2 ** al.tanh(a[0])  # rpow


def _leaf():
    return st.one_of(
        st.integers(0, N_VARS - 1).map(lambda i: ("var", i)), st.floats(-2, 2).map(lambda c: ("const", c))
    )


def _extend(children):
    return st.one_of(
        st.tuples(st.sampled_from(_UNARY), children),
        st.tuples(st.sampled_from(_BINARY), children, children),
        st.tuples(st.just("sum"), st.lists(children, min_size=1, max_size=4)),
        st.tuples(st.just("dot"), st.lists(st.tuples(children, children), min_size=1, max_size=3)),
    )


expressions = st.recursive(_leaf(), _extend, max_leaves=12)


def _evaluate(tree, xs):
    kind = tree[0]
    if kind == "var":
        return xs[tree[1]]
    if kind == "const":
        return tree[1]
    if kind == "sum":
        terms = [_evaluate(t, xs) for t in tree[1]]
        return al.sum(terms) if any(isinstance(t, Value) for t in terms) else math.fsum(terms)
    if kind == "dot":
        pairs = [(_evaluate(a, xs), _evaluate(b, xs)) for a, b in tree[1]]
        if not any(isinstance(u, Value) or isinstance(v, Value) for u, v in pairs):
            return math.fsum(u * v for u, v in pairs)
        return al.dot([u for u, _ in pairs], [v for _, v in pairs])
    return _apply(kind, *[_evaluate(t, xs) for t in tree[1:]])


def _function(tree):
    return lambda *xs: _evaluate(tree, xs)


points = st.tuples(*[st.floats(-2, 2) for _ in range(N_VARS)])


@settings(max_examples=150, deadline=None)
@given(expressions, points)
def test_jvp_with_a_basis_tangent_equals_the_reverse_mode_gradient(tree, point):
    f = _function(tree)
    try:
        grads = grad(f, argnums=tuple(range(N_VARS)))(*point)
    except OverflowError:
        assume(False)
    for i in range(N_VARS):
        e_i = [1.0 if j == i else 0.0 for j in range(N_VARS)]
        value, tangent = jvp(f, point, e_i)
        assert tangent == pytest.approx(grads[i], rel=1e-9, abs=1e-12)


@settings(max_examples=75, deadline=None)
@given(expressions, points)
def test_forward_over_reverse_equals_reverse_over_reverse(tree, point):
    # H e_i from hvp (one reverse + one forward sweep) is the i-th column of hessian (reverse twice)
    f = _function(tree)
    try:
        H = hessian(f)(*point)
    except OverflowError:
        assume(False)
    for i in range(N_VARS):
        e_i = [1.0 if j == i else 0.0 for j in range(N_VARS)]
        column = hvp(f, point, e_i)
        assert column == pytest.approx([H[j][i] for j in range(N_VARS)], rel=1e-8, abs=1e-10)


def test_an_error_inside_a_transformation_leaves_no_state_behind():
    with no_grad():
        with pytest.raises(ZeroDivisionError):
            grad(grad(lambda x: 1 / (x - x)))(1.0)
        assert not al.value.is_grad_enabled()
    assert al.value.is_grad_enabled()
    assert isinstance(grad(lambda x: x * x)(1.0), float)  # back at the top level: floats
