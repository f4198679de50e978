"""nn: a tiny neural-network layer built only from :class:`autograd_lite.Value`.

Everything a PyTorch user expects, small enough to read in one sitting:

* :class:`Module` (parameters, named_parameters, zero_grad, state_dict, save/load),
  :class:`Neuron`, :class:`Layer`, :class:`MLP`;
* losses :func:`mse`, :func:`hinge`, :func:`binary_cross_entropy`,
  :func:`cross_entropy` and the penalty :func:`l2_penalty`;
* optimizers :class:`SGD`, :class:`Adam` and the schedule :class:`LinearDecay`;
* toy data :func:`make_moons`, :func:`make_circles`, :func:`make_xor`,
  :func:`make_spirals` and :func:`train_test_split`;
* the training loop :func:`fit` (returns a :class:`History`), :func:`accuracy`
  and :func:`predict`;
* a way out: :func:`to_torch` / :func:`from_torch` (a ``torch.nn.Sequential``)
  and :func:`to_numpy` / :func:`from_numpy` (one ``(W, b)`` pair per layer).

>>> from nn import MLP, SGD, hinge, make_moons
>>> X, y = make_moons(20, noise=0.1, seed=0)
>>> model = MLP(2, [8, 1], seed=0)
>>> loss = hinge([model(x) for x in X], [2 * t - 1 for t in y])
>>> model.zero_grad(); loss.backward()
>>> SGD(model.parameters(), lr=0.1).step()
"""

from .data import make_circles, make_moons, make_spirals, make_xor, train_test_split
from .export import from_numpy, from_torch, to_numpy, to_torch
from .layers import MLP, Layer, Neuron
from .losses import binary_cross_entropy, cross_entropy, hinge, l2_penalty, mse
from .module import Module
from .optim import SGD, Adam, LinearDecay
from .train import History, accuracy, fit, predict

__all__ = [
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "mse",
    "hinge",
    "binary_cross_entropy",
    "cross_entropy",
    "l2_penalty",
    "SGD",
    "Adam",
    "LinearDecay",
    "make_moons",
    "make_circles",
    "make_xor",
    "make_spirals",
    "train_test_split",
    "fit",
    "History",
    "accuracy",
    "predict",
    "to_torch",
    "from_torch",
    "to_numpy",
    "from_numpy",
]
