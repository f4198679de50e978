"""numerical_grad and gradcheck: correct answers, readable failures, kinks, vacuity and hygiene."""

import math
import re
import sys
import warnings

import pytest

import autograd_lite as al
import autograd_lite.graph as G
from autograd_lite import GradcheckError, Value, gradcheck, numerical_grad
from autograd_lite.check import GradcheckWarning, assert_gradients_match, step_size

# ------------------------------------------------------------ numerical_grad


def test_numerical_grad_of_a_function_of_several_variables():
    d = numerical_grad(lambda x, y: x**3 * y + y.sin(), [2.0, 0.5])
    assert d[0] == pytest.approx(3 * 4.0 * 0.5, rel=1e-8)
    assert d[1] == pytest.approx(8.0 + math.cos(0.5), rel=1e-8)


def test_the_automatic_step_is_cbrt_eps_times_max_1_abs_x():
    calls = []

    def f(x):
        calls.append(x.data)
        return x * x

    numerical_grad(f, [1000.0])
    h = sys.float_info.epsilon ** (1 / 3) * 1000.0
    assert sorted(calls) == pytest.approx([1000.0 - h, 1000.0 + h], rel=1e-15)
    calls.clear()
    numerical_grad(f, [0.25])
    assert sorted(calls) == pytest.approx([0.25 - step_size(1.0), 0.25 + step_size(1.0)], rel=1e-15)


def test_eps_overrides_the_step():
    calls = []
    numerical_grad(lambda x: calls.append(x.data) or x, [3.0], eps=0.125)
    assert sorted(calls) == [2.875, 3.125]


def test_richardson_is_more_accurate_and_its_error_estimate_covers_its_error():
    exact = math.exp(1.0)
    central = numerical_grad(lambda x: x.exp(), [1.0], eps=1e-2)[0]
    est = numerical_grad(lambda x: x.exp(), [1.0], eps=1e-2, richardson=True)[0]
    assert abs(central - exact) > 1e-6  # O(h^2) = e * h^2 / 6
    assert abs(est.value - exact) < 1e-9  # O(h^4)
    assert abs(est.value - exact) <= est.error < 1e-4
    value, error = est  # an (estimate, error) pair
    assert value == est.value and error == est.error


def test_numerical_grad_accepts_values_and_a_single_number_and_plain_float_functions():
    assert numerical_grad(lambda x: x * x, 3.0)[0] == pytest.approx(6.0)
    assert numerical_grad(lambda x: x * x, [Value(3.0)])[0] == pytest.approx(6.0)
    assert numerical_grad(lambda x: math.sin(x), [0.0])[0] == pytest.approx(1.0)


@pytest.mark.parametrize("bad, exc", [([], ValueError), (["a"], TypeError), ([math.nan], TypeError)])
def test_numerical_grad_rejects_bad_inputs(bad, exc):
    with pytest.raises(exc, match="numerical_grad"):
        numerical_grad(lambda x: x, bad)


def test_numerical_grad_rejects_a_bad_step():
    with pytest.raises(ValueError, match="eps"):
        numerical_grad(lambda x: x, [1.0], eps=0.0)


# ----------------------------------------------------------------- gradcheck


def _neuron(w0, w1, b, x):
    return al.dot([w0, w1], [x, 2.0 * x], bias=b).tanh()


HAND_PICKED = {
    "x ** y": (lambda x, y: x**y, [1.7, 0.6]),
    "log(sigmoid(x))": (lambda x: x.sigmoid().log(), [-0.8]),
    "nested tanh": (lambda x, y: (x * (y * x.tanh()).tanh()).tanh(), [0.7, -1.3]),
    "x*y + y*z": (lambda x, y, z: x * y + y * z, [1.5, -2.0, 0.25]),
    "(x + y) / (x - y)": (lambda x, y: (x + y) / (x - y), [2.0, 0.5]),
    "exp(x) sin(y)": (lambda x, y: x.exp() * y.sin(), [0.3, 2.2]),
    "sqrt(x^2 + y^2)": (lambda x, y: (x * x + y * y).sqrt(), [3.0, -4.0]),
    "x^3 - 2xy": (lambda x, y: x**3 - 2 * x * y, [-1.2, 0.9]),
    "relu and abs away from 0": (lambda x, y: x.relu() * y + abs(y - x), [0.8, -0.4]),
    "a tanh neuron (dot)": (_neuron, [0.5, -0.3, 0.1, 1.2]),
    "sum(...) ** 2": (lambda x, y, z: al.sum([x, y, z, 1.0]) ** 2, [0.2, -0.7, 1.1]),
    "2 ** x * y": (lambda x, y: 2**x * y, [1.3, -0.6]),
    "softplus": (lambda x: (1 + x.exp()).log(), [0.4]),
    "x / y^2 - z": (lambda x, y, z: x / y**2 - z, [1.0, -1.5, 3.0]),
    "(xyz) ** 0.5": (lambda x, y, z: (x * y * z) ** 0.5, [1.0, 2.0, 0.5]),
    "gaussian bump": (lambda x, y: (-(x * x)).exp() * y.cos(), [0.6, 1.1]),
    "squared error": (lambda w, b, x, t: (w * x + b - t) ** 2, [0.4, -0.2, 1.5, 1.0]),
    "log-sum-exp": (lambda x, y, z: (x.exp() + y.exp() + z.exp()).log(), [0.1, -1.0, 2.0]),
    "-log(sigmoid(x - y))": (lambda x, y: -((x - y).sigmoid().log()), [0.3, 1.2]),
    "(x ** y) ** z": (lambda x, y, z: (x**y) ** z, [1.4, 0.8, -1.3]),
    "1 / (1 + x^2) - sin(x) cos(y)": (lambda x, y: 1 / (1 + x * x) - x.sin() * y.cos(), [0.9, -2.0]),
}


@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("name", list(HAND_PICKED))
def test_gradcheck_passes_on_hand_picked_functions(name, order):
    f, point = HAND_PICKED[name]
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always", GradcheckWarning)
        report = gradcheck(f, point, order=order)
    assert report.passed
    # every first derivative is far from 0; a second derivative is small only where it is 0
    assert all(abs(r.analytic) < 1e-12 and r.order == 2 for r in report.vacuous)
    assert len(report.rows) == len(point) + (len(point) ** 2 if order == 2 else 0)
    assert all(h.passed for h in report.hygiene) and len(report.hygiene) == 3


def test_there_are_at_least_twenty_hand_picked_functions():
    assert len(HAND_PICKED) >= 20


def test_a_wrong_rule_fails_with_a_readable_table_of_the_failing_inputs(mutate):
    mutate("tanh", "1.0 + out * out")  # should be 1 - out^2
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda w, b: w.tanh() * b + b, [Value(0.3, label="w"), Value(0.7, label="b")])
    text = str(info.value)
    assert "1 FAILED" in text
    header, *rows = [line for line in text.splitlines() if line.startswith("  ")]
    for column in ("derivative", "analytic", "numeric", "abs err", "rel err", "status"):
        assert column in header
    assert len(rows) == 1 and rows[0].split()[0] == "df/dw" and rows[0].endswith("FAIL")
    analytic, numeric = 1 + math.tanh(0.3) ** 2, 1 - math.tanh(0.3) ** 2
    cells = rows[0].split()
    assert float(cells[2]) == pytest.approx(analytic * 0.7, rel=1e-8)
    assert float(cells[3]) == pytest.approx(numeric * 0.7, rel=1e-8)
    report = info.value.report
    assert [r.name for r in report.failures] == ["df/dw"]
    assert report.rows[1].status == "ok"


def test_the_text_table_is_aligned():
    report = gradcheck(lambda x, y, z: x * y - z.exp(), [Value(0.5, label="x"), 123.25, -7.0])
    lines = str(report).splitlines()[1:5]
    header = lines[0]
    for col in ("analytic", "numeric", "abs err", "rel err"):  # right-aligned numbers end together
        end = header.index(col) + len(col)
        for line in lines[1:]:
            assert line[end - 1] != " " and (end == len(line) or line[end] == " ")
    status = header.index("status")
    assert all(line[status : status + 2] == "ok" for line in lines[1:])


@pytest.mark.filterwarnings("ignore::autograd_lite.check.GradcheckWarning")
def test_the_html_table_has_one_row_per_derivative_and_escapes_text():
    report = gradcheck(lambda x, y: x * y, [1.0, 2.0], order=2)
    page = report._repr_html_()
    assert page.count("<tr") == 1 + 6 and "<table>" in page
    assert "&lt;lambda&gt;" in page and "<lambda>" not in page


def test_gradcheck_without_raising_returns_the_failing_report(mutate):
    mutate("sin", "cos(a) * 1.01")
    report = gradcheck(lambda x: x.sin(), [0.4], raise_exception=False)
    assert report.failed and not report.passed and report.failures[0].status == "FAIL"


def test_a_subtly_wrong_rule_is_caught_at_the_default_tolerance(mutate):
    mutate("sin", "cos(a) * 1.001")
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: x.sin(), [0.4])


def test_order_two_catches_a_rule_that_is_right_only_on_floats(mutate, monkeypatch):
    # the first derivative is right, but it is built from floats, so it is not
    # differentiable again: its derivative (the second derivative) comes out as 0
    rec = mutate("tanh", "1.0 - out * out")
    monkeypatch.setattr(rec, "vrule", lambda out, a, c: 1.0 - out.data**2)
    f = lambda x, y: (x * y).tanh()  # noqa: E731
    assert gradcheck(f, [0.5, 0.8]).passed
    with pytest.raises(GradcheckError, match="d2f/dx0dx0"):
        gradcheck(f, [0.5, 0.8], order=2)


# ------------------------------------------------------------------- kinks


@pytest.mark.parametrize(
    "f, x, op",
    [
        (lambda x: x.relu(), 0.0, "relu"),
        (lambda x: abs(x), 1e-9, "abs"),
        (lambda x: (x - 1.0).relu() * 3.0, 1.0 + 2e-6, "relu"),
        (lambda x: x**0.5, 0.0, "**0.5"),
    ],
)
def test_a_point_near_a_kink_is_reported_neither_passed_nor_failed(f, x, op):
    report = gradcheck(f, [x])  # does not raise
    assert not report.failed and not report.passed
    assert [r.status for r in report.rows] == ["near kink"]
    assert "near a non-differentiable point" in str(report) and op in str(report)


def test_only_the_inputs_on_the_path_to_the_kink_are_reported():
    report = gradcheck(lambda x, y: x.relu() + y * y, [0.0, 1.5])
    assert [r.status for r in report.rows] == ["near kink", "ok"]


def test_a_point_a_few_steps_away_from_a_kink_is_checked():
    assert gradcheck(lambda x: x.relu(), [1e-3]).passed
    assert gradcheck(lambda x: abs(x), [-0.5]).passed


def test_the_edge_of_the_domain_and_a_branch_on_the_data_are_reported_as_kinks():
    edge = gradcheck(lambda x: x.log(), [1e-7])
    assert edge.rows[0].status == "near kink" and "not defined" in edge.rows[0].note
    branch = gradcheck(lambda x: x * 2 if x > 0.0 else -x, [1e-8])
    assert branch.rows[0].status == "near kink" and "branch" in branch.rows[0].note


def test_a_constant_taken_from_an_input_is_a_failure_not_a_branch():
    # y.data is a constant to the engine: df/dy misses the path through it
    with pytest.raises(GradcheckError, match="df/dx1"):
        gradcheck(lambda x, y: x * y.data + y, [1.5, 2.0])


@pytest.mark.filterwarnings("ignore::autograd_lite.check.GradcheckWarning")
def test_a_kink_is_also_reported_for_second_derivatives():
    report = gradcheck(lambda x, y: x.relu() * y, [0.0, 2.0], order=2)
    kinks = {r.name for r in report.near_kinks}
    assert kinks == {"df/dx0", "d2f/dx0dx0", "d2f/dx1dx0"}
    assert not report.failed


# ----------------------------------------------------------------- vacuity


def test_a_derivative_below_atol_passes_with_a_vacuity_warning():
    with pytest.warns(GradcheckWarning, match="vacuous"):
        report = gradcheck(lambda x, y: x * 1e-9 + y, [1.0, 2.0])
    assert [r.vacuous for r in report.rows] == [True, False]
    assert "ok (vacuous)" in str(report)


def test_the_vacuity_warning_is_right_a_wrong_rule_passes_there(mutate):
    mutate("mul_const", "-c")  # x * c has slope -c
    with pytest.warns(GradcheckWarning):
        assert not gradcheck(lambda x: x * 1e-9, [1.0]).failed
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: x * 2.0, [1.0])


def test_a_function_independent_of_an_input_is_vacuous_for_it():
    with pytest.warns(GradcheckWarning, match="df/dx1"):
        report = gradcheck(lambda x, y: x.exp(), [0.5, 3.0])
    assert report.rows[1].analytic == 0.0 and report.rows[1].vacuous


# ----------------------------------------------------------------- hygiene


def test_hygiene_fails_when_zero_grad_forgets_the_leaves(monkeypatch):
    real = G.zero_grad
    monkeypatch.setattr(G, "zero_grad", lambda v: real([n for n in G.topological_order(v) if n.parents]))
    with pytest.raises(GradcheckError, match="backward twice, zero_grad in between"):
        gradcheck(lambda x: x * x, [3.0])


def test_hygiene_fails_when_backward_ignores_its_seed(monkeypatch):
    real = G.backward
    monkeypatch.setattr(G, "backward", lambda root, grad=1.0, **kw: real(root, 1.0, **kw))
    with pytest.raises(GradcheckError, match="seed gradient of 2"):
        gradcheck(lambda x: x * x, [3.0])


def test_hygiene_fails_when_contributions_overwrite_instead_of_accumulating(monkeypatch):
    def overwriting_sweep(order, seed, create_graph, steps):
        for node in order:
            if node.parents:
                node.grad = 0.0
        root = order[-1]
        root.grad = seed if root.parents else root.grad + seed
        for node in reversed(order):
            for p, d in zip(node.parents, node.local_grads()):
                p.grad = d * node.grad  # the bug: = instead of +=

    monkeypatch.setattr(G, "_sweep", overwriting_sweep)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: x * y, [3.0, 2.0])  # no node reused: only hygiene can see it
    assert "a node used twice (y + y) accumulates" in str(info.value)
    assert not info.value.report.failures


# ------------------------------------------------------------------ misuse


def test_gradcheck_misuse_raises_clear_errors():
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda x: 1.0, [0.5])
    with pytest.raises(ValueError, match="order must be 1 or 2"):
        gradcheck(lambda x: x, [0.5], order=3)
    with pytest.raises(ValueError, match="atol"):
        gradcheck(lambda x: x, [0.5], atol=-1.0)
    with pytest.raises(ValueError, match="log"):
        gradcheck(lambda x: x.log(), [-1.0])  # the point itself is outside the domain


def test_assert_gradients_match_is_an_assertion_with_the_table(mutate):
    assert assert_gradients_match(lambda x: x.tanh(), [0.2]).passed
    mutate("exp", "2.0 * out")
    with pytest.raises(AssertionError, match=re.escape("df/dx0")):
        assert_gradients_match(lambda x: x.exp(), [0.2])


def test_gradcheck_is_exported_at_the_root():
    assert al.gradcheck is gradcheck and al.numerical_grad is numerical_grad
    assert issubclass(al.GradcheckError, AssertionError)
