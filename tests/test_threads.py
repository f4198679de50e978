"""Nothing one thread does changes what another computes: grad mode, transforms, walks, the collector.

Every test is bounded in time (joins with a timeout) and forces interleaving
with a tiny switch interval rather than relying on luck.
"""

import asyncio
import gc
import sys
import threading

import pytest

import autograd_lite as al
from autograd_lite import Value, no_grad


@pytest.fixture(autouse=True)
def _switch_often():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def _run(*targets, timeout=60):
    errors = []

    def wrap(t):
        def run():
            try:
                t()
            except BaseException as e:
                errors.append(e)

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "a thread did not finish in time"
    if errors:
        raise errors[0]


def test_no_grad_in_one_thread_does_not_stop_another_from_recording():
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def evaluator():
        with no_grad():
            inside.set()
            done.wait(30)

    def trainer():
        inside.wait(30)
        x = Value(3.0)
        (x * x).backward()
        seen["grad"] = x.grad
        done.set()

    _run(evaluator, trainer)
    assert seen["grad"] == 6.0


def test_overlapping_no_grad_blocks_in_two_threads_leave_recording_on():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a():
        with no_grad():
            a_in.set()
            b_in.wait(30)
        a_out.set()

    def b():
        a_in.wait(30)
        with no_grad():
            b_in.set()
            a_out.wait(30)

    _run(a, b)
    assert al.graph.topological_order(Value(1.0) * 2.0)[0].data == 1.0
    assert (Value(1.0) * 2.0).parents


def test_grad_nesting_is_per_thread():
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def outer():
        def f(x):
            inside.set()
            done.wait(30)
            return x * x

        al.grad(f)(1.0)

    def other():
        inside.wait(30)
        seen["g"] = al.grad(lambda x: x * x)(0.3)
        done.set()

    _run(outer, other)
    assert type(seen["g"]) is float and seen["g"] == pytest.approx(0.6)


def test_no_grad_is_per_asyncio_task():
    async def evaluate(started, release):
        with no_grad():
            started.set()
            await release.wait()

    async def train(started, release):
        await started.wait()
        x = Value(2.0)
        (x * x).backward()
        release.set()
        return x.grad

    async def main():
        started, release = asyncio.Event(), asyncio.Event()
        _, g = await asyncio.gather(evaluate(started, release), train(started, release))
        return g

    assert asyncio.run(main()) == 4.0


def test_concurrent_backward_through_a_shared_node_sums_exactly():
    x, y = Value(2.0), Value(3.0)
    shared = x * y
    n, rounds = 4, 150

    def worker(k):
        def run():
            for _ in range(rounds):
                (shared * float(k + 1)).backward()

        return run

    _run(*[worker(k) for k in range(n)])
    total = rounds * sum(range(1, n + 1))
    assert x.grad == total * 3.0 and y.grad == total * 2.0


def test_gradients_never_erase_another_threads_backward():
    w = Value(1.5)
    loss = w * w
    rounds = 200

    def trainer():
        for _ in range(rounds):
            loss.backward()

    def inspector():
        for _ in range(rounds):
            assert al.gradients(loss, [w]) == [3.0]

    _run(trainer, inspector)
    assert w.grad == rounds * 3.0


def test_one_model_evaluated_in_threads_gives_each_thread_its_own_answer():
    from nn import MLP

    model = MLP(3, [8, 8, 1], activation="tanh", seed=2)
    inputs = [[0.1 * k, -0.2 * k, 0.3] for k in range(4)]
    with no_grad():
        want = [model(x).data for x in inputs]
    got: dict = {}

    def worker(k):
        def run():
            got[k] = {model(inputs[k]).data for _ in range(100)}

        return run

    _run(*[worker(k) for k in range(4)])
    assert [got[k] for k in range(4)] == [{w} for w in want]


def test_walks_never_touch_the_collector_settings():
    gc.disable()
    try:
        x = Value(1.0)
        y = x
        for _ in range(1000):
            y = y * 1.0001
        y.backward()
        al.gradients(y, [x])
        assert not gc.isenabled()
    finally:
        gc.enable()
    y.backward()
    assert gc.isenabled()


def test_the_opt_in_collector_pause_restores_what_it_found():
    from autograd_lite.graph import collector_paused

    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # the application's own setting is kept
    finally:
        gc.enable()
