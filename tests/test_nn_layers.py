"""Neuron, Layer, MLP and the Module base: structure, names, labels, seeding, init, errors."""

import math
import random

import pytest

from autograd_lite import Value
from nn import MLP, Layer, Module, Neuron

ACTS = {
    "tanh": math.tanh,
    "relu": lambda z: max(0.0, z),
    "sigmoid": lambda z: 1 / (1 + math.exp(-z)),
    "linear": lambda z: z,
}


@pytest.mark.parametrize("act", sorted(ACTS))
def test_neuron_computes_phi_of_w_dot_x_plus_b(act):
    n = Neuron(3, activation=act, seed=1)
    n.b.data = 0.25
    x = [0.5, -1.5, 2.0]
    z = sum(w.data * xi for w, xi in zip(n.w, x)) + 0.25
    assert n(x).data == pytest.approx(ACTS[act](z), rel=1e-12)


def test_pre_activation_is_one_dot_node_with_weights_inputs_and_bias():
    n = Neuron(3, activation="tanh", seed=0)
    xs = [Value(1.0), Value(2.0), Value(-1.0)]
    out = n(xs)
    assert out.op == "tanh"
    (z,) = out.parents
    assert z.op == "dot"
    assert set(z.parents) == set(n.w) | set(xs) | {n.b}
    # with plain numbers as inputs (a first layer) the inputs are constants, not parents
    z2 = Neuron(3, activation="linear", seed=0)([1.0, 2, -1.0])
    assert z2.op == "dot" and len(z2.parents) == 4


def test_neuron_without_bias():
    n = Neuron(2, activation="linear", bias=False, seed=0)
    assert n.b is None
    assert [name for name, _ in n.named_parameters()] == ["w.0", "w.1"]
    z = n([2.0, 3.0])
    assert set(z.parents) == set(n.w)
    assert z.data == pytest.approx(2 * n.w[0].data + 3 * n.w[1].data)
    assert repr(n) == "Neuron(2, activation='linear', bias=False)"


def test_named_parameters_are_stable_dotted_names_and_labels():
    model = MLP(2, [3, 2], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:4] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert names[-1] == "layers.1.neurons.1.b"
    assert len(names) == len(set(names)) == model.num_parameters() == 3 * 3 + 2 * 4
    for name, p in model.named_parameters():
        assert p.label == name
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert MLP(2, [3, 2], seed=5).named_parameters()[7][0] == names[7]


def test_demo_model_shape_and_repr():
    model = MLP(2, [16, 16, 1], seed=0)
    assert model.num_parameters() == 3 * 16 + 17 * 16 + 17
    assert repr(model) == "MLP(2, [16, 16, 1], activation='relu', output_activation='linear')"
    assert repr(model.layers[1]) == "Layer(16, 16, activation='relu')"
    assert repr(model.layers[2]) == "Layer(16, 1, activation='linear')"
    assert isinstance(model([0.1, 0.2]), Value)


def test_width_one_layer_in_the_middle():
    model = MLP(2, [16, 1, 1], activation="tanh", seed=3)
    out = model([0.3, -0.7])
    assert isinstance(out, Value)
    out.backward()
    assert any(p.grad != 0.0 for p in model.layers[0].parameters())


def test_several_outputs_give_a_list_and_layers_always_give_lists():
    out = MLP(2, [4, 3], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3 and all(isinstance(v, Value) for v in out)
    one = Layer(2, 1, seed=0)([1.0, 2.0])
    assert isinstance(one, list) and len(one) == 1


def test_backward_reaches_every_weight():
    model = MLP(2, [5, 5, 1], activation="tanh", seed=2)
    model([0.4, -0.9]).backward()
    assert all(p.grad != 0.0 for p in model.parameters())  # tanh never stops a gradient
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = MLP(2, [8, 1], seed=7), MLP(2, [8, 1], seed=7), MLP(2, [8, 1], seed=8)
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()
    rng1, rng2 = random.Random(4), random.Random(4)
    assert [w.data for w in Neuron(3, rng=rng1).w] == [w.data for w in Neuron(3, rng=rng2).w]


def test_building_models_leaves_the_global_random_state_alone():
    random.seed(123)
    state = random.getstate()
    MLP(2, [8, 8, 1], seed=1)
    MLP(2, [4, 1])
    Neuron(3)
    assert random.getstate() == state


@pytest.mark.parametrize("act,gain", [("relu", math.sqrt(2.0)), ("tanh", 1.0), ("sigmoid", 1.0)])
def test_init_is_scaled_by_fan_in(act, gain):
    nin = 3000
    ws = [w.data for w in Neuron(nin, activation=act, seed=0).w]
    bound = gain * math.sqrt(3.0 / nin)
    assert all(-bound <= w <= bound for w in ws)
    var = sum(w * w for w in ws) / nin
    assert var == pytest.approx(gain**2 / nin, rel=0.1)
    assert max(abs(w) for w in ws) > 0.95 * bound
    assert all(n.b.data == 0.0 for n in Layer(4, 3, activation=act, seed=0).neurons)


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: Neuron(0), "nin must be a positive integer"),
        (lambda: Neuron(2, activation="softmax"), "unknown activation 'softmax'"),
        (lambda: Layer(2, 0), "nout must be a positive integer"),
        (lambda: MLP(2, []), "at least one layer"),
        (lambda: MLP(2, [4, 0]), "each layer size must be a positive integer"),
        (lambda: MLP(2, [4], output_activation="nope"), "unknown activation 'nope'"),
        (lambda: Neuron(2, seed=1, rng=random.Random(1)), "seed or rng"),
    ],
)
def test_bad_construction(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_inputs_are_named():
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="MLP takes 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="inputs must be numbers or Values, got str"):
        model([1.0, "2"])
    with pytest.raises(TypeError, match="sequence of 2 inputs"):
        model(1.0)
    with pytest.raises(ValueError, match="not a finite number"):
        model([1.0, float("nan")])
    with pytest.raises(ValueError, match="Neuron takes 3 inputs, got 2"):
        Neuron(3)([1.0, 2.0])


def test_custom_module_gets_labels_and_shared_values_count_once():
    class Pair(Module):
        def __init__(self):
            self.first = Neuron(2, seed=0)
            self.scale = Value(2.0)
            self.same = self.scale  # shared: one parameter
            self._hidden = Value(9.0)  # private attributes are not parameters

        def __call__(self, x):
            return self.scale * self.first(x)

    m = Pair()
    assert [n for n, _ in m.named_parameters()] == ["first.w.0", "first.w.1", "first.b", "scale"]
    assert m.scale.label == "scale" and m.first.w[1].label == "first.w.1"
    assert m._hidden.label is None


def test_ints_and_values_as_inputs_agree():
    model = MLP(2, [4, 1], seed=0)
    a = model([1, 2]).data
    b = model([1.0, 2.0]).data
    c = model([Value(1.0), Value(2.0)]).data
    assert a == b == pytest.approx(c, rel=1e-15)


def _by_hand(layer, x):
    """The layer's outputs computed from its neurons' current Values, one dot() each."""
    import autograd_lite as al

    out = []
    for n in layer.neurons:
        z = al.dot(n.w, x, n.b if n.b is not None else 0.0)
        out.append(n._phi(z))
    return out


def test_a_layer_reads_its_weights_as_they_are_now_after_any_change():
    layer = Layer(3, 4, activation="tanh", seed=5)
    x = [Value(0.5), Value(-1.0), Value(2.0)]
    changes = [
        lambda: setattr(layer.neurons[1].w[2], "data", 0.75),  # a write
        lambda: layer.neurons[2].w.__setitem__(0, Value(-0.3)),  # a Value replaced inside the list
        lambda: setattr(layer.neurons[3], "w", [Value(0.1), Value(0.2), Value(0.3)]),  # the list
        lambda: setattr(layer.neurons[0], "b", Value(1.5)),  # the bias
    ]
    before = [v.data for v in layer(x)]
    for change in changes:
        change()
        now = layer(x)
        assert [v.data for v in now] == pytest.approx([v.data for v in _by_hand(layer, x)], rel=1e-15)
        assert [v.data for v in now] != before
        before = [v.data for v in now]
    sum(now, Value(0.0)).backward()
    for n in layer.neurons:  # the gradients reach the Values the neurons hold now
        assert n.b.grad != 0.0 and all(w.grad != 0.0 for w in n.w)


def test_layer_nodes_list_their_parents_in_order():
    model = MLP(2, [3, 2], activation="relu", seed=1)
    out = model([0.5, -0.25])  # two linear outputs: dot nodes of the 3 hidden relus
    for z, n in zip(out, model.layers[1].neurons):
        hidden = z.parents[3:6]
        assert z.op == "dot" and all(h.op == "relu" for h in hidden)
        assert z.parents == (*n.w, *hidden, n.b)
        assert z.local_grads() == (*[h.data for h in hidden], *[w.data for w in n.w], 1.0)
    first = model.layers[0].neurons[0]
    z0 = out[0].parents[3].parents[0]
    assert z0.parents == (*first.w, first.b) and z0.local_grads() == (0.5, -0.25, 1.0)


def test_a_neuron_changed_into_nonsense_is_named_not_silently_cut():
    model = MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[1].w.append(Value(1.0))
    with pytest.raises(ValueError, match="Layer: rows of 2 or 3 weights for 2 inputs"):
        model([0.1, 0.2])
    model = MLP(2, [3, 1], seed=0)
    model.layers[1].neurons[0].w[0] = 2.0
    with pytest.raises(TypeError, match="Layer: the weights and bias of row 0 must be Values, got float 2.0"):
        model([0.1, 0.2])
