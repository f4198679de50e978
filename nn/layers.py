"""Neuron, Layer and MLP: a multi-layer perceptron built only from Values.

A neuron computes ``a = phi(w . x + b)``; its pre-activation ``w . x + b`` is
ONE fused ``dot`` node of the graph (with parents w_1..w_n, the inputs that
are Values, and b), and ``phi`` is one of

=========  ================================  =========================
name       phi(z)                            phi'(z)
=========  ================================  =========================
tanh       tanh z                            1 - tanh^2 z
relu       max(0, z)                         1 if z > 0 else 0
sigmoid    1 / (1 + e^-z)                    phi(z) (1 - phi(z))
linear     z                                 1
=========  ================================  =========================

Initialisation (seeded, scaled by fan-in): each weight of a neuron with
``nin`` inputs is drawn from Uniform(-g sqrt(3/nin), +g sqrt(3/nin)), so its
variance is g^2 / nin: the sum ``w . x`` then keeps roughly the variance of
one input, however wide the layer.  The gain is g = sqrt(2) for relu (He
initialisation: relu zeroes half its inputs) and g = 1 otherwise (LeCun).
Biases start at 0.  Random numbers come from a ``random.Random(seed)`` of
the model's own, never from the global random state: the same seed gives
the same weights; ``seed=None`` draws a fresh seed from the system.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from numbers import Real
from operator import attrgetter

from autograd_lite import Value, dot
from autograd_lite.ops.fused import dot_rows

from .module import Module

Input = Value | float | int
Output = Value | list[Value]

#: Activation functions by name: phi applied to the pre-activation node.
ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "linear": lambda z: z,
}


_VALUES, _FLOATS = {Value}, {float}
_get_w, _get_b = attrgetter("w"), attrgetter("b")


def _activation(name: str, who: str) -> str:
    if name not in ACTIVATIONS:
        raise ValueError(f"{who}: unknown activation {name!r} (choose from {', '.join(ACTIVATIONS)})")
    return name


def _count(n: object, who: str, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{who}: {what} must be a positive integer, got {n!r}")
    return n


def _rng(seed: int | None, rng: random.Random | None, who: str) -> random.Random:
    if rng is not None:
        if seed is not None:
            raise ValueError(f"{who}: give seed or rng, not both")
        if not isinstance(rng, random.Random):
            raise TypeError(f"{who}: rng must be a random.Random, got {type(rng).__name__}")
        return rng
    return random.Random(seed)


def _inputs(x: Sequence[Input], nin: int, who: str) -> list:
    """Check an input vector; numbers become floats (constants), Values stay."""
    if isinstance(x, (Value, Real)) or not hasattr(x, "__len__"):
        raise TypeError(f"{who} takes a sequence of {nin} inputs, got {type(x).__name__} {x!r}")
    if len(x) != nin:
        raise ValueError(f"{who} takes {nin} inputs, got {len(x)}")
    out = []
    for xi in x:
        if isinstance(xi, Value):
            out.append(xi)
        elif isinstance(xi, Real) and not isinstance(xi, bool):
            f = float(xi)
            if not math.isfinite(f):
                raise ValueError(f"{who}: input {xi!r} is not a finite number")
            out.append(f)
        else:
            raise TypeError(f"{who}: inputs must be numbers or Values, got {type(xi).__name__} {xi!r}")
    return out


class Neuron(Module):
    """One neuron: ``a = phi(w . x + b)``, with ``w`` a list of ``nin`` weights.

    ``bias=False`` drops ``b``.  Parameters: ``w.0`` ... ``w.{nin-1}``, then ``b``.

    >>> n = Neuron(2, activation="linear", seed=0)
    >>> [round(w.data, 4) for w in n.w]
    [0.8437, 0.6319]
    >>> z = n([1.0, 2.0])              # one dot node: w . x + b
    >>> z.op, round(z.data, 4)
    ('dot', 2.1074)
    >>> n
    Neuron(2, activation='linear')
    """

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        bias: bool = True,
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._nin = _count(nin, "Neuron()", "nin")
        self._activation = _activation(activation, "Neuron()")
        self._phi = ACTIVATIONS[activation]
        rng = _rng(seed, rng, "Neuron()")
        gain = math.sqrt(2.0) if activation == "relu" else 1.0
        bound = gain * math.sqrt(3.0 / nin)
        self.w: list[Value] = [Value(rng.uniform(-bound, bound)) for _ in range(nin)]
        self.b: Value | None = Value(0.0) if bias else None

    def __call__(self, x: Sequence[Input]) -> Value:
        """phi(w . x + b) for one input vector ``x`` (numbers or Values)."""
        return self._forward(_inputs(x, self._nin, "Neuron"))

    def _forward(self, x: list) -> Value:
        """phi(w . x + b) for checked inputs."""
        b = self.b
        return self._phi(dot(self.w, x, bias=0.0 if b is None else b))

    def __repr__(self) -> str:
        bias = "" if self.b is not None else ", bias=False"
        return f"Neuron({self._nin}, activation={self._activation!r}{bias})"


class Layer(Module):
    """``nout`` neurons that read the same ``nin`` inputs; returns a list of ``nout`` Values.

    The list is returned even when ``nout == 1``, so layers always chain.

    >>> layer = Layer(3, 2, activation="tanh", seed=1)
    >>> out = layer([0.5, -1.0, 2.0])
    >>> len(out), layer.num_parameters()
    (2, 8)
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        bias: bool = True,
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._nin = _count(nin, "Layer()", "nin")
        _count(nout, "Layer()", "nout")
        self._activation = _activation(activation, "Layer()")
        rng = _rng(seed, rng, "Layer()")
        self.neurons: list[Neuron] = [Neuron(nin, activation, bias, rng=rng) for _ in range(nout)]
        self._memo: list = [None]  # the weights' data, read once per step (see dot_rows)

    def __call__(self, x: Sequence[Input]) -> list[Value]:
        """[phi(w_j . x + b_j) for each neuron j]."""
        return self._forward(_inputs(x, self._nin, "Layer"))

    def _forward(self, x: list) -> list[Value]:
        kinds = set(map(type, x))  # checked once per layer
        neurons = self.neurons
        if kinds in (_VALUES, _FLOATS):
            rows, biases = list(map(_get_w, neurons)), list(map(_get_b, neurons))
            zs = dot_rows(rows, biases, x, kinds == _VALUES, 0.0, self._memo, "Layer")
            return [n._phi(z) for n, z in zip(neurons, zs)]
        return [n._forward(x) for n in neurons]  # Values and numbers mixed

    def __repr__(self) -> str:
        bias = "" if self.neurons[0].b is not None else ", bias=False"
        return f"Layer({self._nin}, {len(self.neurons)}, activation={self._activation!r}{bias})"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(nin, [n_1, ..., n_L])`` has L layers.

    Hidden layers use ``activation``, the last layer ``output_activation``
    (``"linear"`` by default: raw scores, as the losses expect).  Any sizes
    work, a width-1 layer in the middle included.  A model with one output
    returns a Value, with several a list of Values.  ``seed`` seeds every
    weight of the model (see the initialisation scheme above); after
    building, each parameter's ``label`` is its name, e.g.
    ``layers.0.neurons.3.w.1``.

    >>> model = MLP(2, [16, 16, 1], seed=0)
    >>> model
    MLP(2, [16, 16, 1], activation='relu', output_activation='linear')
    >>> model.num_parameters()                 # (2+1)*16 + (16+1)*16 + (16+1)*1
    337
    >>> model.parameters()[0].label
    'layers.0.neurons.0.w.0'
    >>> type(model([0.5, -0.5])).__name__
    'Value'
    >>> len(MLP(2, [4, 3], seed=0)([0.5, -0.5]))
    3
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        bias: bool = True,
        *,
        seed: int | None = None,
    ) -> None:
        self._nin = _count(nin, "MLP()", "nin")
        if isinstance(sizes, (int, str)) or not hasattr(sizes, "__iter__"):
            raise TypeError(f"MLP(): sizes must be a list of layer widths, got {sizes!r}")
        self._sizes = [_count(s, "MLP()", "each layer size") for s in sizes]
        if not self._sizes:
            raise ValueError("MLP(): sizes must name at least one layer")
        self._activation = _activation(activation, "MLP()")
        self._output_activation = _activation(output_activation, "MLP()")
        self._bias = bool(bias)
        rng = random.Random(seed)
        widths = [nin, *self._sizes]
        last = len(self._sizes) - 1
        self.layers: list[Layer] = [
            Layer(widths[i], widths[i + 1], output_activation if i == last else activation, bias, rng=rng)
            for i in range(len(self._sizes))
        ]

    def __call__(self, x: Sequence[Input]) -> Output:
        """The network's output for one input vector: a Value, or a list if several outputs."""
        h = _inputs(x, self._nin, "MLP")
        for layer in self.layers:
            h = layer._forward(h)
        return h[0] if len(h) == 1 else h

    def __repr__(self) -> str:
        bias = "" if self._bias else ", bias=False"
        return (
            f"MLP({self._nin}, {self._sizes}, activation={self._activation!r}, "
            f"output_activation={self._output_activation!r}{bias})"
        )
