"""``autograd-lite demo``: train a small network on two moons and draw what it learned.

The model is MLP(2, [16, 16, 1]) (relu hidden layers, a linear output score
s), trained on 100 noisy moons with the hinge loss plus an L2 penalty:

    loss = (1/N) sum_i max(0, 1 - y_i s(x_i)) + 1e-4 sum_p p^2,   y_i = -1 or +1

by SGD with momentum 0.9 and a learning rate decaying linearly from 0.2 to
0.02.  It writes to the output folder (``out/`` by default):

* ``decision_boundary.png``: the regions where s > 0 and s < 0, and the data;
* ``loss.png``: the loss and accuracy at every step;
* ``neuron.svg``: the computation graph of one neuron's output (``neuron.dot``,
  its DOT source, when Graphviz is not installed);
* ``model.json``: the trained weights (see :meth:`nn.Module.save`).

Every file is written atomically.  The pictures need matplotlib
(``pip install autograd-lite[plot]``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from autograd_lite import Value, render
from autograd_lite.viz import GraphvizNotFoundError

from ._atomic import atomic_open
from .data import make_moons
from .layers import MLP
from .losses import hinge
from .optim import SGD, LinearDecay
from .train import History, accuracy, fit, predict

#: The demo's settings: data, model, loss and optimizer.
N_POINTS, NOISE, SIZES, ALPHA, LR, MOMENTUM = 100, 0.1, [16, 16, 1], 1e-4, 0.2, 0.9
GRAPH_FILE = "neuron.svg"  # the computation graph of one neuron's output
PLOT_HINT = "the demo's pictures need matplotlib: pip install autograd-lite[plot]"


def train_moons(
    steps: int = 100, seed: int = 0, progress: bool = True
) -> tuple[MLP, list[list[float]], list[int], History]:
    """Train the demo's model; return ``(model, X, labels, history)`` with labels -1/+1."""
    X, y = make_moons(N_POINTS, noise=NOISE, seed=seed)
    labels = [2 * t - 1 for t in y]
    model = MLP(2, SIZES, activation="relu", output_activation="linear", seed=seed)
    opt = SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    schedule = LinearDecay(opt, total_steps=steps, end_factor=0.1)
    history = fit(
        model,
        X,
        labels,
        loss=hinge,
        optimizer=opt,
        schedule=schedule,
        steps=steps,
        alpha=ALPHA,
        seed=seed,
        progress=progress,
        desc="moons",
    )
    return model, X, labels, history


def _matplotlib() -> Any:
    """``matplotlib.figure.Figure`` with the Agg canvas, or ImportError saying how to install it."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(PLOT_HINT) from None

    def new_figure(**kw: Any) -> Any:
        fig = Figure(**kw)
        FigureCanvasAgg(fig)
        return fig

    return new_figure


def _save_png(fig: Any, path: str) -> None:
    with atomic_open(path, "wb") as f:
        fig.savefig(f, format="png", dpi=100)


def _plot_decision_boundary(
    new_figure: Callable, model: MLP, X: list, labels: list, path: str, grid: int = 60
) -> None:
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    x0, x1, y0, y1 = min(xs) - 0.5, max(xs) + 0.5, min(ys) - 0.5, max(ys) + 0.5
    gx = [x0 + (x1 - x0) * i / (grid - 1) for i in range(grid)]
    gy = [y0 + (y1 - y0) * j / (grid - 1) for j in range(grid)]
    scores = predict(model, [[a, b] for b in gy for a in gx])
    zz = [scores[j * grid : (j + 1) * grid] for j in range(grid)]
    fig = new_figure(figsize=(5.5, 4.5))
    ax = fig.add_subplot()
    lo, hi = min([*scores, -1.0]) - 1.0, max([*scores, 1.0]) + 1.0
    ax.contourf(gx, gy, zz, levels=[lo, 0.0, hi], colors=["#f4c7c3", "#c6dbef"])
    ax.contour(gx, gy, zz, levels=[0.0], colors="k", linewidths=1.0)
    for cls, color in ((-1, "#d62728"), (1, "#1f77b4")):
        pts = [p for p, t in zip(X, labels) if t == cls]
        ax.scatter(
            [p[0] for p in pts],
            [p[1] for p in pts],
            s=18,
            c=color,
            edgecolors="k",
            linewidths=0.4,
            label=f"y = {cls:+d}",
        )
    ax.set_title("decision boundary s(x) = 0")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    _save_png(fig, path)


def _plot_loss(new_figure: Callable, history: History, path: str) -> None:
    steps = list(range(1, len(history) + 1))
    fig = new_figure(figsize=(5.5, 3.5))
    ax = fig.add_subplot()
    ax.plot(steps, history.loss, color="#1f77b4", label="loss")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (hinge + L2)")
    ax.set_yscale("log")
    acc = ax.twinx()
    acc.plot(steps, history.accuracy, color="#ff7f0e", label="accuracy")
    acc.set_ylabel("training accuracy")
    acc.set_ylim(0.0, 1.05)
    ax.set_title("training")
    handles = ax.get_lines() + acc.get_lines()
    acc.legend(handles, [h.get_label() for h in handles], loc="center right", fontsize=8)
    fig.tight_layout()
    _save_png(fig, path)


def _write_graph(root: Value, out: str, parameters: list[Value] | None = None) -> str:
    """Render the computation graph of ``root`` to ``out/neuron.svg``; return the path.

    The graph is drawn grouped by module (a box for the layer, one for the
    neuron), with ``parameters`` drawn as parameters and every other leaf as
    an input.  Without Graphviz's ``dot`` program it writes the DOT source
    (``neuron.dot``) instead and says how to install Graphviz.
    """
    options: dict[str, Any] = {"group": "module", "parameters": parameters}
    try:
        return str(render(root, os.path.join(out, GRAPH_FILE), **options))
    except GraphvizNotFoundError as exc:
        print(f"autograd-lite demo: {exc}; writing DOT source instead", file=sys.stderr)
        return str(render(root, os.path.join(out, "neuron.dot"), **options))


def _neuron_output(model: MLP, x: list) -> Value:
    """One neuron's output a = relu(w . x + b) for input ``x``, with the gradients filled."""
    neuron = model.layers[0].neurons[0]
    inputs = [Value(v, label=f"x.{i}") for i, v in enumerate(x)]
    model.zero_grad()
    a = neuron(inputs)
    a.label = "a"
    a.parents[0].label = "z = w . x + b"
    a.backward()
    return a


def _prepare_out(out: str) -> None:
    """Create the output folder and check that files can be written there."""
    try:
        os.makedirs(out, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise OSError(f"cannot write to the output folder {out!r}: {exc.strerror or exc}") from None


def run_demo(
    out: str = "out",
    steps: int = 100,
    seed: int = 0,
    progress: bool = True,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train, then write the pictures to ``out``; return the accuracy and the files written."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"demo: steps must be a positive integer, got {steps!r}")
    new_figure = _matplotlib()
    _prepare_out(out)
    if progress:
        say(f"training MLP(2, {SIZES}) on {N_POINTS} noisy moons (hinge loss + L2), {steps} steps")
    start = time.perf_counter()
    model, X, labels, history = train_moons(steps, seed, progress)
    seconds = time.perf_counter() - start
    acc = accuracy(predict(model, X), labels)
    say(
        f"training accuracy: {acc:.1%} after {steps} steps ({seconds:.1f} s), "
        f"final loss {history.loss[-1]:.4f}"
    )
    files = {name: os.path.join(out, name) for name in ("decision_boundary.png", "loss.png", "model.json")}
    _plot_decision_boundary(new_figure, model, X, labels, files["decision_boundary.png"])
    _plot_loss(new_figure, history, files["loss.png"])
    files[GRAPH_FILE] = _write_graph(_neuron_output(model, X[0]), out, model.parameters())
    model.save(files["model.json"])
    say("wrote " + ", ".join(files.values()))
    return {"accuracy": acc, "files": list(files.values()), "history": history}


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return n


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None


def run(args: argparse.Namespace) -> int:
    """The ``demo`` subcommand: returns the exit status (2 when matplotlib is missing)."""
    try:
        run_demo(args.out, args.steps, args.seed, progress=not args.quiet)
    except ImportError as exc:
        print(f"autograd-lite demo: error: {exc}", file=sys.stderr)
        return 2
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` subcommand to the command line's subparsers."""
    p = sub.add_parser(
        "demo",
        help="train a small network on two moons and draw what it learned",
        description="Train MLP(2, [16, 16, 1]) on 100 noisy moons (hinge loss + L2) and write "
        "decision_boundary.png, loss.png, neuron.svg and model.json to the output folder.",
    )
    p.add_argument("--out", default="out", metavar="DIR", help="output folder (default: out)")
    p.add_argument(
        "--steps", type=_positive_int, default=100, metavar="N", help="optimizer steps (default: 100)"
    )
    p.add_argument(
        "--seed",
        type=_int,
        default=0,
        metavar="S",
        help="seed of the data, the weights and the shuffling (default: 0)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)
