"""Training: the acceptance problems (moons, XOR, spirals), the seeds' worked example, fit()."""

import random

import pytest

from nn import (
    MLP,
    SGD,
    Adam,
    History,
    LinearDecay,
    accuracy,
    cross_entropy,
    fit,
    hinge,
    make_moons,
    make_spirals,
    make_xor,
    mse,
    predict,
)
from nn.demo import train_moons


def test_moons_demo_model_reaches_98_percent_within_100_steps():
    """The demo's exact settings: MLP(2, [16, 16, 1]), 100 moons (noise 0.1), hinge + L2."""
    model, X, labels, history = train_moons(steps=100, seed=0, progress=False)
    assert len(X) == 100 and repr(model).startswith("MLP(2, [16, 16, 1]")
    assert len(history) == 100
    assert accuracy(predict(model, X), labels) >= 0.98
    assert max(history.accuracy) >= 0.98


def test_xor_is_learned_for_at_least_9_of_10_seeds():
    X, y = make_xor()
    labels = [2 * t - 1 for t in y]
    solved = 0
    for seed in range(10):
        model = MLP(2, [4, 1], activation="tanh", seed=seed)
        fit(model, X, labels, loss=mse, optimizer=SGD(model.parameters(), lr=0.1), steps=200, progress=False)
        solved += accuracy(predict(model, X), labels) == 1.0
    assert solved >= 9


def test_three_spirals_with_cross_entropy_reach_90_percent():
    X, y = make_spirals(90, classes=3, seed=0)
    model = MLP(2, [16, 3], activation="relu", seed=0)
    history = fit(
        model,
        X,
        y,
        loss=cross_entropy,
        optimizer=Adam(model.parameters(), lr=0.05),
        steps=150,
        progress=False,
    )
    assert accuracy(predict(model, X), y) >= 0.9
    assert history.loss[-1] < 0.5 * history.loss[0]


def test_seed_worked_example_rebuilt_with_nn():
    """Two inputs, one sigmoid hidden unit, one sigmoid output, no biases, target 1, lr 0.5.

    E = 0.5 (y - y_hat)^2; one SGD step moves the hidden-to-output weight by
    eta delta_o a = 0.0302 and the input weights by eta delta_h x_i =
    0.000152 and 0.000457 (0.00015 and 0.00045 with delta_h rounded to 0.003).
    """
    model = MLP(2, [1, 1], activation="sigmoid", output_activation="sigmoid", bias=False, seed=0)
    model.load_state_dict(
        {"layers.0.neurons.0.w.0": 0.4, "layers.0.neurons.0.w.1": -0.2, "layers.1.neurons.0.w.0": 0.1}
    )
    w1, w2, W = model.parameters()
    opt = SGD(model.parameters(), lr=0.5)
    y_hat = model([0.1, 0.3])
    assert round(y_hat.data, 3) == 0.512
    loss = 0.5 * mse(y_hat, 1.0)
    opt.zero_grad()
    loss.backward()
    before = [w1.data, w2.data, W.data]
    opt.step()
    steps = [p.data - b for p, b in zip((w1, w2, W), before)]
    assert round(steps[2], 4) == 0.0302
    assert [round(s, 6) for s in steps[:2]] == [0.000152, 0.000457]


def test_fit_records_history_and_uses_the_schedule():
    X, y = make_moons(20, noise=0.1, seed=0)
    labels = [2 * t - 1 for t in y]
    model = MLP(2, [4, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.5)
    h = fit(
        model,
        X,
        labels,
        optimizer=opt,
        schedule=LinearDecay(opt, 10, 0.1),
        steps=10,
        alpha=1e-3,
        progress=False,
    )
    assert isinstance(h, History) and len(h) == len(h.accuracy) == len(h.lr) == 10
    assert h.lr[0] == 0.5 and h.lr[-1] == pytest.approx(0.5 * (1 - 0.9 * 9 / 10))
    assert all(0.0 <= a <= 1.0 for a in h.accuracy)
    assert all(loss > 0 for loss in h.loss)


def test_fit_mini_batches_cover_every_sample_each_epoch():
    X = [[float(i), 0.0] for i in range(10)]
    y = [1] * 10
    seen = []

    def recording_hinge(outputs, targets):
        seen.append(len(outputs))
        return hinge(outputs, targets)

    model = MLP(2, [2, 1], seed=0)
    fit(model, X, y, loss=recording_hinge, batch_size=4, steps=6, progress=False, metric=None)
    assert seen == [4, 4, 2, 4, 4, 2]


def test_fit_is_reproducible_and_leaves_the_global_random_state_alone():
    X, y = make_moons(24, noise=0.2, seed=1)
    labels = [2 * t - 1 for t in y]
    random.seed(5)
    state = random.getstate()
    runs = []
    for _ in range(2):
        model = MLP(2, [4, 1], seed=3)
        runs.append(fit(model, X, labels, batch_size=5, steps=8, seed=11, progress=False).loss)
    assert runs[0] == runs[1]
    assert random.getstate() == state


def test_progress_bar_shows_loss_and_accuracy(capsys):
    X, y = make_xor()
    model = MLP(2, [3, 1], seed=0)
    fit(model, X, [2 * t - 1 for t in y], steps=3, progress=True, desc="xor")
    err = capsys.readouterr().err
    assert "xor" in err and "loss=" in err and "acc=" in err and "3/3" in err


def test_progress_false_prints_nothing(capsys):
    X, y = make_xor()
    fit(MLP(2, [3, 1], seed=0), X, [2 * t - 1 for t in y], steps=3, progress=False)
    assert capsys.readouterr() == ("", "")


def test_accuracy_rules():
    assert accuracy([0.5, -0.5, 0.2, -1.0], [1, -1, 0, 0]) == 0.75  # +-1 and 0/1 labels
    assert accuracy([[0.1, 0.7, 0.2], [3.0, 1.0, 2.0]], [1, 2]) == 0.5  # argmax
    with pytest.raises(ValueError, match="2 outputs but 1 targets"):
        accuracy([1.0, 2.0], [1])


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"steps": 0}, "steps must be a positive integer"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"alpha": -1.0}, "alpha must be"),
    ],
)
def test_fit_bad_arguments(kwargs, match):
    X, y = make_xor()
    with pytest.raises(ValueError, match=match):
        fit(MLP(2, [2, 1], seed=0), X, y, progress=False, **kwargs)


def test_fit_needs_matching_samples_and_targets():
    with pytest.raises(ValueError, match="X has 4 samples but y has 3"):
        fit(MLP(2, [2, 1], seed=0), make_xor()[0], [1, -1, 1], progress=False)
    with pytest.raises(TypeError, match="needs a Module"):
        fit(lambda x: x, [[0.0, 0.0]], [1], progress=False)


def test_the_progress_bar_is_tqdm_auto():
    """A widget in Jupyter, text on stderr elsewhere."""
    import tqdm.auto

    import nn.train

    assert nn.train.tqdm is tqdm.auto.tqdm
