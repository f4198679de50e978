"""compile(): the replayed code computes what eager mode computes, to the last digits.

Every test runs a function eagerly and through compile() from the same
leaves and compares the results and every leaf's gradient (1e-12 relative).
"""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as al
from autograd_lite import Value
from nn import MLP, fit, hinge, l2_penalty, make_moons, mse


def close(a: float, b: float, tol: float = 1e-12) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def eager_and_compiled(f, leaves, calls: int = 3, change=None):
    """Run f eagerly and compiled `calls` times (changing the leaves between calls); compare everything."""
    cf = al.compile(f)
    for call in range(calls):
        for v in leaves:
            v.grad = 0.0
        want = f()
        want.backward()
        want_grads = [v.grad for v in leaves]
        for v in leaves:
            v.grad = 0.0
        got = cf()
        got.backward()
        got_grads = [v.grad for v in leaves]
        assert close(got.data, want.data), (call, got.data, want.data)
        assert all(close(g, w) for g, w in zip(got_grads, want_grads)), (call, got_grads, want_grads)
        if change is not None:
            change(call)
    return cf


# --------------------------------------------------------------------- models
@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(1, 12),
    sizes=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    activation=st.sampled_from(["relu", "tanh", "sigmoid"]),
    loss=st.sampled_from(["hinge", "mse"]),
    alpha=st.sampled_from([0.0, 1e-3]),
)
def test_compiled_training_step_equals_eager_on_random_models_and_data(
    seed, n, sizes, activation, loss, alpha
):
    rng = random.Random(seed)
    model = MLP(2, [*sizes, 1], activation=activation, seed=seed)
    params = model.parameters()
    X = [(rng.uniform(-2, 2), rng.uniform(-2, 2)) for _ in range(n)]
    y = [rng.choice([-1.0, 1.0]) for _ in range(n)]
    lossf = hinge if loss == "hinge" else mse

    def f():
        total = lossf([model(x) for x in X], y)
        return total + l2_penalty(params, alpha) if alpha else total

    def step(call):  # an SGD step: the compiled code must see the new weights
        for p in params:
            p.data -= 0.1 * p.grad

    eager_and_compiled(f, params, calls=3, change=step)


def test_the_mlp_step_becomes_a_loop_over_the_samples():
    X, y = make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    params = model.parameters()
    labels = [2 * t - 1 for t in y]
    cf = eager_and_compiled(
        lambda: hinge([model(x) for x in X], labels) + l2_penalty(params, 1e-4), params, 2
    )
    src = cf.source
    assert "for _c, _l in zip(_T, _L):" in src and "for _i in range(99, -1, -1):" in src
    assert len(src.splitlines()) < 3000  # not 100 samples written out


def test_values_passed_as_arguments_are_inputs_read_at_every_call():
    f = al.compile(lambda a, b: (a * b + a.sin()) / b)
    for da, db in [(0.5, 2.0), (1.5, -3.0), (-0.7, 0.25)]:
        a, b = Value(da), Value(db)
        got = f(a, b)
        got.backward()
        ea, eb = Value(da), Value(db)
        want = (ea * eb + ea.sin()) / eb
        want.backward()
        assert close(got.data, want.data) and close(a.grad, ea.grad) and close(b.grad, eb.grad)
    assert f.traces == 1


def test_numbers_passed_as_arguments_are_constants_and_a_new_number_traces_again():
    x = Value(0.3)
    f = al.compile(lambda c: (x * c).tanh())
    assert close(f(2.0).data, math.tanh(0.6)) and close(f(2.0).data, math.tanh(0.6))
    assert f.traces == 1
    assert close(f(3.0).data, math.tanh(0.9)) and f.traces == 2


def test_leaves_accumulate_and_the_seed_scales_like_backward():
    x = Value(1.5)
    f = al.compile(lambda: x * x * x)
    f()
    x.grad = 1.0
    y = f()
    y.backward(2.0)
    assert close(x.grad, 1.0 + 2.0 * 3 * 1.5**2)
    y.backward()  # a second backward adds the same again, as eager mode does
    assert close(x.grad, 1.0 + 3.0 * 3 * 1.5**2)


def test_other_outputs_come_back_with_their_data():
    x = Value(0.5)
    f = al.compile(lambda: (x.exp(), [x * 2.0, 7.0]))
    f()
    loss, (twice, seven) = f()
    assert close(loss.data, math.exp(0.5)) and twice.data == 1.0 and seven == 7.0
    loss.backward()
    assert close(x.grad, math.exp(0.5))


# ------------------------------------------------------------------ operators
def _operator_cases():
    """(form name, f(*leaves), leaf data) for every expression form of every registered operator."""
    from autograd_lite.ops import REGISTRY

    cases = []
    grid = [0.7, 1.3, -0.6, 2.2, -1.9, 0.35]
    for rec in REGISTRY.values():
        assert rec.forms, f"operator {rec.name} has no expression form to test"
        for form in rec.forms:
            xs = []
            for dom in form.domain:  # inside the domain, the operands apart from each other
                pick = [v for v in grid if dom.contains(v) and v not in xs] or [
                    dom.margin + 0.25 * (1 + len(xs))
                ]
                xs.append(pick[0])
            c = form.constants[0] if form.constants else None
            cases.append((form.name, (lambda *v, form=form, c=c: form(*v, c=c)), xs))
    return cases


@pytest.mark.parametrize("name, fn, xs", _operator_cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_operator_compiles_to_what_eager_mode_computes(name, fn, xs):
    leaves = [Value(x) for x in xs]

    def f():  # the operator inside a small expression, so its derivative meets the chain rule
        return (fn(*leaves) * leaves[0]).sin()

    def nudge(call):
        for v in leaves:
            v.data = v.data * 1.05

    eager_and_compiled(f, leaves, calls=2, change=nudge)


# --------------------------------------------------------- branches and kinks
def test_a_changed_branch_traces_again_and_gives_the_eager_answer():
    x = Value(1.0)

    def f():
        y = x * 2.0
        return y.tanh() if y > 1.0 else y * y

    def flip(call):
        x.data = -x.data * 0.4

    cf = eager_and_compiled(f, [x], calls=4, change=flip)
    assert cf.traces >= 2


def test_per_sample_branches_ride_in_the_loop():
    xs = [Value(0.1 * i - 0.55) for i in range(12)]
    w = Value(0.8)

    def f():
        terms = [(w * x).tanh() if w * x > 0.0 else (w * x) * 0.5 for x in xs]
        return al.sum([t * t for t in terms])

    def move(call):
        w.data = -w.data * 1.1

    cf = eager_and_compiled(f, [w, *xs], calls=3, change=move)
    assert cf.traces >= 2


def test_a_kink_needs_no_retrace():
    x = Value(0.5)
    cf = eager_and_compiled(
        lambda: (x - 0.5).relu() + abs(x - 0.5),
        [x],
        calls=3,
        change=lambda call: setattr(x, "data", [0.5, -0.25, 1.0][call]),
    )
    assert cf.traces == 1


# --------------------------------------------------------------------- errors
def _raises_same(f, setup_bad):
    cf = al.compile(f)
    cf()
    setup_bad()
    with pytest.raises(Exception) as eager:
        f()
    with pytest.raises(type(eager.value)) as compiled:
        cf()
    assert str(compiled.value) == str(eager.value)


def test_a_domain_error_is_the_eager_error():
    x = Value(2.0)
    _raises_same(lambda: (x - 1.0).log(), lambda: setattr(x, "data", 0.5))


def test_an_overflow_is_the_eager_error():
    x = Value(2.0)
    _raises_same(lambda: (x * x).exp() * 2.0, lambda: setattr(x, "data", 30.0))


def test_a_silent_float_overflow_is_caught_like_eager_mode():
    x = Value(2.0)
    _raises_same(lambda: (x * x * x).tanh(), lambda: setattr(x, "data", 1e120))


def test_division_by_zero_is_the_eager_error():
    x, y = Value(2.0), Value(1.0)
    _raises_same(lambda: x / (y - 1.5), lambda: setattr(y, "data", 1.5))


def test_create_graph_is_refused_clearly():
    x = Value(2.0)
    f = al.compile(lambda: x * x)
    f()
    with pytest.raises(ValueError, match="create_graph"):
        f().backward(create_graph=True)


def test_unrolled_code_is_capped_with_a_clear_error():
    x = Value(0.5)

    def chain():
        y = x
        for i in range(200):
            y = y * 0.999 if i % 2 else y.sin()
        return y

    with pytest.raises(ValueError, match="max_lines=100"):
        al.compile(chain, max_lines=100)()


def test_source_needs_a_call_first_and_shows_python():
    x = Value(0.5, label="x")
    f = al.compile(lambda: x * x)
    with pytest.raises(ValueError, match="call the compiled function once"):
        f.source
    f()
    assert f.source.startswith("def _run(") and "# x" in f.source
    compile(f.source, "<test>", "exec")


def test_no_grad_runs_the_function_as_is():
    x = Value(0.5)
    f = al.compile(lambda: x * 3.0)
    with al.no_grad():
        out = f()
    assert out.data == 1.5 and not out.parents and f.traces == 0


# ------------------------------------------------------------------------ fit
def test_fit_with_compile_trains_exactly_as_without():
    X, y = make_moons(30, noise=0.1, seed=1)
    labels = [2 * t - 1 for t in y]
    histories = []
    for flag in (False, True):
        model = MLP(2, [6, 1], seed=3)
        histories.append(
            (
                fit(model, X, labels, steps=8, alpha=1e-3, progress=False, compile=flag),
                [p.data for p in model.parameters()],
            )
        )
    (h1, w1), (h2, w2) = histories
    assert all(close(a, b) for a, b in zip(h1.loss, h2.loss)) and h1.accuracy == h2.accuracy
    assert all(close(a, b) for a, b in zip(w1, w2))


def test_fit_with_compile_and_mini_batches_trains_as_without():
    X, y = make_moons(20, noise=0.1, seed=2)
    labels = [2 * t - 1 for t in y]
    runs = []
    for flag in (False, True):
        model = MLP(2, [4, 1], seed=1)
        runs.append(fit(model, X, labels, steps=6, batch_size=10, progress=False, compile=flag).loss)
    assert all(close(a, b) for a, b in zip(*runs))


def test_a_branch_on_a_sample_that_keeps_the_shape_stays_in_the_loop():
    xs = [Value(0.1 * i - 0.55) for i in range(12)]
    w = Value(0.8)

    def f():  # a validation-like check per sample: the graph keeps its shape
        terms = [(w * x) * 0.5 if w * x > -10.0 else w * x for x in xs]
        return al.sum([t * t for t in terms])

    cf = eager_and_compiled(f, [w, *xs], calls=3, change=lambda call: setattr(w, "data", w.data * 1.5))
    assert "for _l in _L:" in cf.source and cf.traces == 1


def test_per_sample_branch_outcomes_ride_in_the_loops_table():
    xs = [Value(0.1 * i - 0.55) for i in range(12)]
    w = Value(0.8)

    def f():  # a leaky relu written as a branch: both sides have the same shape, other constants
        zs = [w * x for x in xs]
        return al.sum([(z * 1.0 if z > 0.0 else z * 0.1).tanh() for z in zs])

    def move(call):
        w.data = [0.9, -0.7, 1.2][call]

    cf = eager_and_compiled(f, [w, *xs], calls=3, change=move)
    assert "for _c, _l in zip(_T, _L):" in cf.source and "raise _Retrace" in cf.source
    assert cf.traces == 2  # w = 0.8 and 0.9 take the same branches; -0.7 flips them all


def test_a_dead_branch_into_an_infinite_slope_gives_the_eager_gradient_not_nan():
    x = Value(0.5)  # relu(x - 1) is 0: sqrt's slope there is inf, relu's is 0, and 0 * inf passes nothing
    cf = eager_and_compiled(lambda: (x - 1.0).relu().sqrt() + x * 2.0, [x], calls=2)
    assert cf.traces == 1 and x.grad == 2.0


def test_changing_a_leaf_before_backward_is_refused_as_in_eager_mode():
    x = Value(0.5, label="x")
    f = al.compile(lambda: x * x)
    f()
    for y in (f(), x * x):  # compiled, then eager
        x.data = 0.75
        with pytest.raises(al.StaleGraphError, match="'x' was changed"):
            y.backward()


def test_inside_a_transformation_the_function_runs_eagerly():
    f = lambda x: (x * x).sin()  # noqa: E731
    cf = al.compile(f)
    for x in (0.3, 1.1):
        assert close(al.grad(cf)(x), al.grad(f)(x)) and close(al.derivative(cf, 2)(x), al.derivative(f, 2)(x))
    assert cf.traces == 0


def test_a_function_that_traces_on_most_calls_stops_tracing():
    x = Value(0.5)
    f = al.compile(lambda c: x * c)
    for i in range(40):
        assert f(float(i)).data == 0.5 * i
    assert f.traces == al.compile(lambda: x).GIVE_UP and f.calls == 40 and f.gave_up


def test_the_result_is_a_node_every_walk_goes_through():
    x, w = Value(0.5), Value(2.0)
    f = al.compile(lambda: (x * w).exp())
    f()
    y = f()  # a replay
    want = [w.data * math.exp(x.data * w.data), x.data * math.exp(x.data * w.data)]
    assert y.op == "compiled" and set(y.parents) == {x, w}
    assert all(close(g, v) for g, v in zip(al.gradients(y, [x, w]), want))
    assert (x.grad, w.grad) == (0.0, 0.0)  # gradients() leaves .grad alone
    al.backward(y)
    assert close(x.grad, want[0]) and close(w.grad, want[1])
    x.grad = w.grad = 0.0
    (3.0 * y + x).backward()  # a graph built on the compiled result
    assert close(x.grad, 3.0 * want[0] + 1.0) and close(w.grad, 3.0 * want[1])
    with pytest.raises(ValueError, match="not supported in compile mode"):
        al.gradients(y, [x], create_graph=True)


def test_custom_operators_compile_with_their_checks():
    @al.custom.op(lambda out, a, b: (b, a), domain=lambda a, b: a > 0, domain_text="a must be > 0")
    def times(a, b):
        return a * b

    @al.custom.op(lambda out, a: (2.0 * a,))
    def square(a):
        return a * a

    x, y = Value(0.5), Value(1.5)
    cf = eager_and_compiled(lambda: square(x).exp() + times(x, 3.0) + times(y, x), [x, y], calls=3)
    assert cf.traces == 1 and "_custom_" in cf.source
    y.data = -1.0
    with pytest.raises(ValueError, match=r"times\(\) of \(-1.0, 0.5\) is outside its domain: a must be > 0"):
        cf()


def test_a_compiled_function_inside_another_is_traced_as_part_of_it():
    x, w = Value(0.5), Value(2.0)
    inner = al.compile(lambda: (x * w).exp())
    outer = eager_and_compiled(lambda: inner() * 3.0 + x, [x, w], calls=3)
    assert outer.traces == 1 and "_k_exp" in outer.source  # inner's own graph, written out
