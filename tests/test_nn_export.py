"""nn models to and from PyTorch and numpy: same weights, same outputs, same gradients.

The torch tests run where torch is installed (the ``torch`` extra; CI installs it).
"""

import math
import random

import pytest

from nn import MLP, from_numpy, from_torch, to_numpy, to_torch

ACTS = ["relu", "tanh", "sigmoid", "linear"]


def _random_model(rng: random.Random) -> MLP:
    nin = rng.randint(1, 5)
    sizes = [rng.randint(1, 6) for _ in range(rng.randint(1, 4))]
    return MLP(
        nin,
        sizes,
        activation=rng.choice(ACTS),
        output_activation=rng.choice(ACTS),
        bias=rng.random() < 0.8,
        seed=rng.randrange(10**6),
    )


def _outputs(model, x):
    out = model(x)
    return out if isinstance(out, list) else [out]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


# ------------------------------------------------------------------ torch
@pytest.fixture(scope="module")
def torch():
    torch = pytest.importorskip("torch")
    return torch


@pytest.mark.parametrize("seed", range(25))
def test_torch_gives_the_same_outputs_and_parameter_gradients(torch, seed):
    rng = random.Random(seed)
    model = _random_model(rng)
    seq = to_torch(model)
    nin = model.layers[0]._nin
    x = [rng.uniform(-2, 2) for _ in range(nin)]
    coef = [rng.uniform(-1, 1) for _ in range(len(model.layers[-1].neurons))]

    outs = _outputs(model, x)  # loss = sum_k c_k * out_k
    loss = sum((c * o for c, o in zip(coef, outs)), start=0.0)
    model.zero_grad()
    loss.backward()

    t_out = seq(torch.tensor([x], dtype=torch.float64))[0]
    t_loss = (t_out * torch.tensor(coef, dtype=torch.float64)).sum()
    t_loss.backward()

    assert all(_close(o.data, t) for o, t in zip(outs, t_out.tolist()))
    assert _close(loss.data, t_loss.item())
    linears = [m for m in seq if isinstance(m, torch.nn.Linear)]
    assert len(linears) == len(model.layers)
    for layer, lin in zip(model.layers, linears):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                assert lin.weight[j, i].item() == w.data
                assert _close(w.grad, lin.weight.grad[j, i].item()), (seed, j, i)
            if neuron.b is not None:
                assert lin.bias[j].item() == neuron.b.data
                assert _close(neuron.b.grad, lin.bias.grad[j].item())
            else:
                assert lin.bias is None


def test_state_dict_names_and_shapes_are_torchs(torch):
    seq = to_torch(MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=0))
    assert [type(m).__name__ for m in seq] == ["Linear", "Tanh", "Linear", "Sigmoid"]
    shapes = {k: tuple(v.shape) for k, v in seq.state_dict().items()}
    assert shapes == {"0.weight": (4, 3), "0.bias": (4,), "2.weight": (2, 4), "2.bias": (2,)}
    assert seq[0].weight.dtype == torch.float64
    assert to_torch(MLP(2, [1], seed=0), dtype=torch.float32)[0].weight.dtype == torch.float32


def test_a_linear_output_has_no_activation_module(torch):
    seq = to_torch(MLP(2, [3, 1], activation="relu", seed=0))
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear"]


@pytest.mark.parametrize("seed", range(10))
def test_from_torch_round_trips_exactly(torch, seed):
    model = _random_model(random.Random(seed))
    back = from_torch(to_torch(model))
    assert repr(back) == repr(model) or len(model.layers) == 1
    assert back.state_dict() == model.state_dict()


def test_from_torch_reads_a_model_built_in_torch(torch):
    torch.manual_seed(0)
    seq = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
    model = from_torch(seq)
    assert repr(model) == "MLP(3, [5, 2], activation='tanh', output_activation='linear')"
    x = [0.3, -1.2, 0.7]
    want = seq(torch.tensor([x])).tolist()[0]  # float32 in torch
    assert [o.data for o in model(x)] == pytest.approx(want, rel=1e-5, abs=1e-6)
    assert seq[0].weight.dtype == torch.float32  # the Sequential is left as it was


@pytest.mark.parametrize(
    "modules, message",
    [
        (lambda nn: [nn.Linear(2, 3), nn.LeakyReLU(), nn.Linear(3, 1)], "module 1 is LeakyReLU"),
        (lambda nn: [nn.ReLU(), nn.Linear(2, 1)], r"module 0 \(ReLU\) does not directly follow"),
        (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Tanh()], r"module 2 \(Tanh\) does not directly follow"),
        (
            lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)],
            "different activations",
        ),
        (lambda nn: [nn.Linear(2, 3), nn.Linear(4, 1)], "layer 1 takes 4 inputs"),
        (lambda nn: [nn.Linear(2, 3), nn.Linear(3, 1, bias=False)], "biases in every layer or in none"),
        (lambda nn: [], "no Linear module"),
    ],
)
def test_from_torch_refuses_what_an_mlp_cannot_hold(torch, modules, message):
    with pytest.raises(ValueError, match=message):
        from_torch(torch.nn.Sequential(*modules(torch.nn)))


def test_from_torch_refuses_non_finite_weights(torch):
    seq = torch.nn.Sequential(torch.nn.Linear(2, 1))
    with torch.no_grad():
        seq[0].weight[0, 1] = float("nan")
    with pytest.raises(ValueError, match="layer 0 holds nan"):
        from_torch(seq)


def test_wrong_types_are_named(torch):
    with pytest.raises(TypeError, match=r"to_torch\(\) takes an nn.MLP, got Layer"):
        to_torch(MLP(2, [1], seed=0).layers[0])
    with pytest.raises(TypeError, match=r"from_torch\(\) takes a torch.nn.Sequential, got Linear"):
        from_torch(torch.nn.Linear(2, 1))


def test_without_torch_the_error_says_how_to_install_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"autograd-lite\[torch\]"):
        to_torch(MLP(2, [1], seed=0))


# ------------------------------------------------------------------ numpy
@pytest.fixture(scope="module")
def np():
    return pytest.importorskip("numpy")


@pytest.mark.parametrize("seed", range(10))
def test_numpy_arrays_compute_the_same_outputs(np, seed):
    rng = random.Random(seed)
    model = _random_model(rng)
    phi = {
        "relu": lambda z: np.maximum(z, 0.0),
        "tanh": np.tanh,
        "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
        "linear": lambda z: z,
    }
    arrays = to_numpy(model)
    x = [rng.uniform(-2, 2) for _ in range(model.layers[0]._nin)]
    a = np.array(x)
    for layer, (W, b) in zip(model.layers, arrays):
        assert W.dtype == np.float64 and W.shape == (len(layer.neurons), a.shape[0])
        a = phi[layer._activation](W @ a + (0.0 if b is None else b))
    assert all(_close(o.data, float(t)) for o, t in zip(_outputs(model, x), a))


@pytest.mark.parametrize("seed", range(10))
def test_from_numpy_round_trips_exactly(np, seed):
    model = _random_model(random.Random(seed))
    acts = [layer._activation for layer in model.layers]
    back = from_numpy(
        to_numpy(model), activation=acts[0] if len(acts) > 1 else "relu", output_activation=acts[-1]
    )
    assert back.state_dict() == model.state_dict()
    assert len(back.layers) == len(model.layers)


def test_from_numpy_takes_nested_lists(np):
    model = from_numpy([([[1.0, 2.0]], [0.5])], output_activation="linear")
    assert model([1.0, 1.0]).data == 3.5


@pytest.mark.parametrize(
    "layers, message",
    [
        ([], "non-empty list"),
        (
            [([[1.0, 2.0]], [0.0]), ([[1.0, 2.0]], [0.0])],
            "layer 1 takes 2 inputs, but the layer before gives 1",
        ),
        ([([1.0, 2.0], [0.0])], "2-d array"),
        ([([[1.0, 2.0]], [0.0, 1.0])], "b has shape"),
        ([([[1.0, float("inf")]], [0.0])], "holds inf"),
        ([([[1.0]], [0.0]), ([[1.0]], None)], "biases in every layer or in none"),
        ([([[1.0]],)], r"layer 0 must be a \(W, b\) pair"),
    ],
)
def test_from_numpy_refuses_bad_arrays(np, layers, message):
    with pytest.raises(ValueError, match=message):
        from_numpy(layers)


def test_from_numpy_refuses_an_unknown_activation(np):
    with pytest.raises(ValueError, match=r"from_numpy\(\): unknown activation 'gelu'"):
        from_numpy([([[1.0]], [0.0])], activation="gelu")
