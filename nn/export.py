"""A way out: an :class:`~nn.MLP` to and from PyTorch and numpy, weights copied exactly.

Layer l of an MLP with ``n_in`` inputs and ``n_out`` neurons computes

    a^l = phi_l(W^l a^{l-1} + b^l),   W^l of shape (n_out, n_in),  b^l of shape (n_out,)

where row j of ``W^l`` is neuron j's weights ``w.0 .. w.{n_in-1}`` and
``b^l_j`` its bias.  That is exactly ``torch.nn.Linear(n_in, n_out)``, whose
``weight`` is (out, in) and ``bias`` (out,), followed by the activation
module: ``relu`` -> ``torch.nn.ReLU``, ``tanh`` -> ``torch.nn.Tanh``,
``sigmoid`` -> ``torch.nn.Sigmoid``, ``linear`` -> nothing.  So

* :func:`to_torch` gives a ``torch.nn.Sequential`` of ``Linear`` and activation
  modules, whose state-dict names are ``"0.weight"``, ``"0.bias"``, ``"2.weight"``...
  as torch numbers them; :func:`from_torch` reads such a Sequential back;
* :func:`to_numpy` gives one ``(W, b)`` pair of arrays per layer (``b`` is
  ``None`` for a model without biases); :func:`from_numpy` builds the MLP back.

Weights are float64 on both sides, so outputs and gradients agree to rounding.
PyTorch and numpy are imported only when these functions run
(``pip install 'autograd-lite[torch]'``, ``pip install numpy``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .layers import MLP, Layer, _activation

if TYPE_CHECKING:  # pragma: no cover - typing only
    import numpy
    import torch

__all__ = ["to_torch", "from_torch", "to_numpy", "from_numpy"]

#: Activation name -> the name of the torch.nn module that computes it ("linear" has none).
_TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}
_FROM_TORCH = {v: k for k, v in _TORCH_ACTIVATIONS.items()} | {"Identity": "linear"}


def _import(name: str, who: str) -> Any:
    """Import torch or numpy, or say how to install it."""
    try:
        return __import__(name)
    except ImportError:
        extra = "pip install 'autograd-lite[torch]'" if name == "torch" else "pip install numpy"
        raise ImportError(f"{who} needs {name}: {extra}") from None


def _check_mlp(model: object, who: str) -> MLP:
    if not isinstance(model, MLP):
        raise TypeError(f"{who} takes an nn.MLP, got {type(model).__name__}")
    return model


def _layer_arrays(layer: Layer) -> tuple[list[list[float]], list[float] | None]:
    """The layer's weight rows (one per neuron) and biases (None without biases), as floats."""
    rows = [[w.data for w in n.w] for n in layer.neurons]
    biases = [n.b.data for n in layer.neurons if n.b is not None]
    return rows, (biases if biases else None)


def _activations(model: MLP) -> list[str]:
    return [layer._activation for layer in model.layers]


# ------------------------------------------------------------------ torch
def to_torch(model: MLP, *, dtype: torch.dtype | None = None) -> torch.nn.Sequential:
    """The same network as a ``torch.nn.Sequential`` of ``Linear`` + activation modules.

    Weights are copied (not shared): ``Linear.weight[j, i]`` is neuron j's
    ``w.i``, ``Linear.bias[j]`` its ``b``.  ``dtype`` defaults to
    ``torch.float64``, which keeps every weight exactly.

    Raises ``TypeError`` for anything but an :class:`~nn.MLP`, ``ImportError``
    (saying how to install it) without PyTorch.
    """
    torch = _import("torch", "to_torch()")
    model = _check_mlp(model, "to_torch()")
    dtype = torch.float64 if dtype is None else dtype
    modules: list[Any] = []
    for layer, act in zip(model.layers, _activations(model)):
        rows, biases = _layer_arrays(layer)
        linear = torch.nn.Linear(len(rows[0]), len(rows), bias=biases is not None, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(rows, dtype=dtype))
            if biases is not None:
                linear.bias.copy_(torch.tensor(biases, dtype=dtype))
        modules.append(linear)
        if act != "linear":
            modules.append(getattr(torch.nn, _TORCH_ACTIVATIONS[act])())
    return torch.nn.Sequential(*modules)


def from_torch(seq: torch.nn.Sequential) -> MLP:
    """An :class:`~nn.MLP` with the weights of a ``torch.nn.Sequential`` of ``Linear`` + activations.

    The Sequential must be ``Linear`` modules, each followed by at most one of
    ``ReLU``, ``Tanh``, ``Sigmoid``, ``Identity`` (none: linear).  All hidden
    layers must share one activation (the MLP's ``activation``); the last
    layer's is its ``output_activation``; either all ``Linear`` modules have
    a bias or none.  Anything else raises ``ValueError`` naming the module
    that does not fit; no model is built then.
    """
    torch = _import("torch", "from_torch()")
    if not isinstance(seq, torch.nn.Sequential):
        raise TypeError(f"from_torch() takes a torch.nn.Sequential, got {type(seq).__name__}")
    linears: list[Any] = []
    acts: list[str] = []
    after_linear = False
    for i, module in enumerate(seq):
        kind = type(module).__name__
        if isinstance(module, torch.nn.Linear):
            linears.append(module)
            acts.append("linear")
            after_linear = True
        elif kind in _FROM_TORCH and type(module) is getattr(torch.nn, kind):
            if not after_linear:
                raise ValueError(
                    f"from_torch(): module {i} ({kind}) does not directly follow a Linear module"
                )
            acts[-1] = _FROM_TORCH[kind]
            after_linear = False
        else:
            raise ValueError(
                f"from_torch(): module {i} is {kind}; only Linear, "
                f"{', '.join(_FROM_TORCH)} can be read into an MLP"
            )
    if not linears:
        raise ValueError("from_torch(): the Sequential has no Linear module")
    layers = []
    for lin in linears:
        w = lin.weight.detach().to(torch.float64).cpu().tolist()
        b = None if lin.bias is None else lin.bias.detach().to(torch.float64).cpu().tolist()
        layers.append((w, b))
    return _build(layers, acts, "from_torch()")


# ------------------------------------------------------------------ numpy
def to_numpy(model: MLP) -> list[tuple[numpy.ndarray, numpy.ndarray | None]]:
    """One ``(W, b)`` pair of float64 arrays per layer: ``W`` (n_out, n_in), ``b`` (n_out,) or None.

    Layer l computes ``phi_l(W @ a + b)``; the activations are the model's
    (``model`` repr shows them); :func:`from_numpy` takes them back.  For
    ``MLP(3, [4, 1])`` the shapes are ``[((4, 3), (4,)), ((1, 4), (1,))]``.
    """
    np = _import("numpy", "to_numpy()")
    model = _check_mlp(model, "to_numpy()")
    out = []
    for layer in model.layers:
        rows, biases = _layer_arrays(layer)
        out.append(
            (np.array(rows, dtype=np.float64), None if biases is None else np.array(biases, dtype=np.float64))
        )
    return out


def from_numpy(
    layers: Sequence[tuple[Any, Any]], activation: str = "relu", output_activation: str = "linear"
) -> MLP:
    """An :class:`~nn.MLP` whose layer l has weights ``layers[l] = (W, b)`` (as :func:`to_numpy` gives).

    ``W`` is (n_out, n_in) and each layer's ``n_in`` is the previous ``n_out``;
    ``b`` is (n_out,), or None in every layer for a model without biases.
    Anything array-like (numpy arrays, nested lists) is read; shapes that do
    not chain and values that are not finite raise ``ValueError``.
    ``from_numpy(to_numpy(m), activation, output_activation)`` has exactly the
    weights of ``m``.
    """
    np = _import("numpy", "from_numpy()")
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence) or not layers:
        raise ValueError("from_numpy() takes a non-empty list of (W, b) pairs")
    plain = []
    for i, pair in enumerate(layers):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"from_numpy(): layer {i} must be a (W, b) pair")
        W = np.asarray(pair[0], dtype=np.float64)
        b = None if pair[1] is None else np.asarray(pair[1], dtype=np.float64)
        if W.ndim != 2 or 0 in W.shape:
            raise ValueError(f"from_numpy(): layer {i}: W must be a non-empty 2-d array, got shape {W.shape}")
        if b is not None and b.shape != (W.shape[0],):
            raise ValueError(f"from_numpy(): layer {i}: b has shape {b.shape}, expected ({W.shape[0]},)")
        plain.append((W.tolist(), None if b is None else b.tolist()))
    _activation(activation, "from_numpy()")
    _activation(output_activation, "from_numpy()")
    last = len(plain) - 1
    acts = [output_activation if i == last else activation for i in range(len(plain))]
    return _build(plain, acts, "from_numpy()")


# ------------------------------------------------------------------ shared
def _build(layers: list[tuple[list[list[float]], list[float] | None]], acts: list[str], who: str) -> MLP:
    """Check that the layers chain and are finite, then make the MLP and set its weights."""
    nin = len(layers[0][0][0])
    prev = nin
    for i, (w, b) in enumerate(layers):
        if len(w[0]) != prev:
            raise ValueError(f"{who}: layer {i} takes {len(w[0])} inputs, but the layer before gives {prev}")
        if (b is None) != (layers[0][1] is None):
            raise ValueError(
                f"{who}: layer {i} {'has no' if b is None else 'has a'} bias, layer 0 "
                f"{'has' if layers[0][1] is not None else 'has none'}; an MLP needs "
                "biases in every layer or in none"
            )
        for x in [v for row in w for v in row] + (b or []):
            if not math.isfinite(x):
                raise ValueError(f"{who}: layer {i} holds {x!r}, not a finite number")
        prev = len(w)
    hidden = set(acts[:-1])
    if len(hidden) > 1:
        raise ValueError(
            f"{who}: the hidden layers use different activations {acts[:-1]}; "
            "an MLP has one activation for all hidden layers"
        )
    activation = acts[0] if len(acts) > 1 else "relu"
    model = MLP(
        nin,
        [len(w) for w, _ in layers],
        activation=activation,
        output_activation=acts[-1],
        bias=layers[0][1] is not None,
        seed=0,
    )
    for layer, (w, b) in zip(model.layers, layers):
        for j, neuron in enumerate(layer.neurons):
            for p, x in zip(neuron.w, w[j]):
                p.data = float(x)
            if neuron.b is not None and b is not None:
                neuron.b.data = float(b[j])
    return model
