"""Stepping through backprop in Jupyter: :class:`Stepper`.

``Stepper(root)`` runs :func:`autograd_lite.trace_backward` on ``root`` and
shows one frame of the backward pass at a time -- the graph as it stands
after step *k* (:meth:`autograd_lite.trace.BackwardTrace.frame`) above the row of the trace's
table for step *k*::

    contribution = d(node)/d(parent) * upstream       grad(parent) += contribution

A slider and Previous/Next buttons choose *k*; the picture and the row are
updated in place.  Step -1 is the state before the first step: only the root
holds its gradient, the seed d(root)/d(root) = 1.

It needs ipywidgets (``pip install "autograd-lite[notebook]"``) and
Graphviz's ``dot`` program for the pictures.  :meth:`Stepper.frames` gives
every frame as SVG text, for pages that are read without a running kernel.
"""

from __future__ import annotations

import html
from typing import Any

from ._export import frame_pictures, stepper_html
from ._graphviz import fit_svg, svg_element
from .trace import BackwardTrace, trace_backward
from .value import Value
from .viz import check_size

__all__ = ["Stepper"]

_INSTALL = 'pip install "autograd-lite[notebook]"'
#: A backward pass of fewer steps than this carries every frame in its display (kernel-free stepper).
STATIC_STEPS = 150


def _ipywidgets() -> Any:
    """The ipywidgets module, or an ImportError that says how to install it."""
    try:
        import ipywidgets
    except ImportError as exc:
        raise ImportError(f"Stepper needs ipywidgets, which is not installed: {_INSTALL}") from exc
    return ipywidgets


def _frame_box(svg: str, uid: str = "") -> str:
    """A frame in a box that scrolls (the picture only) when it is larger than the output."""
    ident = f' id="{uid}"' if uid else ""
    return f'<div class="agl-frame"{ident} style="overflow:auto;max-height:75vh;max-width:100%">{svg}</div>'


#: Run by the live widget's front end after each step: scroll the frame's box so that the
#: step's edge is in view (the box is only as large as the output; the picture may be larger).
_KEEP_IN_VIEW = """
(function (tries) {
  function go() {
    var box = document.getElementById("%s");
    var hot = box && box.querySelector("g.hot");
    if (!box || !hot || box.dataset.step !== "%d") { if (tries-- > 0) setTimeout(go, 60); return; }
    var b = box.getBoundingClientRect(), h = hot.getBoundingClientRect();
    if (h.left < b.left || h.right > b.right) box.scrollLeft += (h.left + h.right - b.left - b.right) / 2;
    if (h.top < b.top || h.bottom > b.bottom) box.scrollTop += (h.top + h.bottom - b.top - b.bottom) / 2;
  }
  go();
})(30);
"""


class Stepper:
    """A widget stepping through the backward pass of ``root``, one edge at a time.

    ``draw_options`` go to :func:`autograd_lite.draw_graph` (``rankdir``,
    ``digits``, ``color_by_grad``, ...); ``seed`` is d(root)/d(root).  No
    ``.grad`` field is touched.  Every frame is drawn at the same positions
    (one layout per trace), scaled to the width of the output.

    Wherever it is shown it carries its own fallbacks: besides the live
    widget, its display holds a stepper made of HTML and JavaScript that needs
    no kernel (for a saved notebook reopened, nbconvert's HTML, the
    documentation site) and an SVG image of the current frame (for viewers
    that run no scripts, such as GitHub).

    Attributes: ``trace`` (the :class:`~autograd_lite.trace.BackwardTrace`),
    ``slider`` (an ``IntSlider`` from -1 to ``len(trace) - 1``), ``previous``
    and ``next`` (Buttons), ``picture`` (HTML widget holding the SVG frame),
    ``row`` (HTML widget holding the step's row) and ``widget`` (the whole box).
    Set ``stepper.step = k`` (or ``stepper.slider.value = k``) to move.

    Raises ``ImportError`` when ipywidgets is missing, naming the install
    command, ``TypeError`` if ``root`` is not a Value, and
    :class:`~autograd_lite.viz.GraphTooLargeError` (a ``ValueError``) for a
    graph of more than ``max_nodes`` nodes -- before tracing it.
    """

    draw_options: dict[str, Any]
    slider: Any
    previous: Any
    next: Any
    picture: Any
    row: Any
    widget: Any

    def __init__(
        self,
        root: Value,
        *,
        seed: float = 1.0,
        digits: int = 6,
        max_nodes: int | None = 500,
        **draw_options: Any,
    ) -> None:
        widgets = _ipywidgets()
        if not isinstance(root, Value):
            raise TypeError(f"Stepper() needs a Value, got {type(root).__name__}")
        check_size(root, max_nodes, "Stepper()")
        self.trace: BackwardTrace = trace_backward(root, seed, digits=digits, max_nodes=None)
        self.draw_options = {"max_nodes": max_nodes, **draw_options}
        self.trace.frame(-1, **self.draw_options)  # bad options fail here, not in a callback
        self._svgs: list[str] | None = None
        self._one: dict[int, str] = {}
        last = len(self.trace) - 1
        self.slider = widgets.IntSlider(
            value=-1, min=-1, max=last, step=1, description="step", continuous_update=True
        )
        self.previous = widgets.Button(description="Previous", icon="step-backward")
        self.next = widgets.Button(description="Next", icon="step-forward")
        self.picture = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.row = widgets.HTML()
        self._uid = f"agl-live-{id(self):x}"
        self._scroller = widgets.Output(layout=widgets.Layout(display="none"))
        self.previous.on_click(lambda _: self._move(-1))
        self.next.on_click(lambda _: self._move(+1))
        self.slider.observe(lambda _: self._show(), names="value")
        self.widget = widgets.VBox(
            [widgets.HBox([self.previous, self.slider, self.next]), self.picture, self.row, self._scroller],
            layout=widgets.Layout(width="100%"),
        )
        self._show()

    # ------------------------------------------------------------ moving

    @property
    def step(self) -> int:
        """The step shown: -1 (before the first) to ``len(trace) - 1``."""
        return int(self.slider.value)

    @step.setter
    def step(self, k: int) -> None:
        if not -1 <= k < len(self.trace):
            raise IndexError(f"Stepper: step {k} is out of range (-1 to {len(self.trace) - 1})")
        self.slider.value = k

    def _move(self, delta: int) -> None:
        self.slider.value = min(max(self.slider.value + delta, self.slider.min), self.slider.max)

    def _show(self) -> None:
        k = self.step
        box = _frame_box(self.svg(k), self._uid)
        self.picture.value = box.replace(" style=", f' data-step="{k}" style=', 1)
        self.row.value = self.row_html(k)
        self.previous.disabled = k <= self.slider.min
        self.next.disabled = k >= self.slider.max
        self._keep_in_view(k)

    def _keep_in_view(self, k: int) -> None:
        """In a running notebook, have the front end scroll the frame's box to the step's edge."""
        try:
            from IPython import get_ipython
            from IPython.display import Javascript, display
        except ImportError:  # pragma: no cover - ipywidgets needs IPython
            return
        if k < 0 or get_ipython() is None:
            return
        with self._scroller:
            self._scroller.clear_output()
            display(Javascript(_KEEP_IN_VIEW % (self._uid, k)))

    # ------------------------------------------------------------ content

    def _raw(self) -> list[str]:
        """Graphviz's SVG of every frame, made by one run of Graphviz on first use."""
        if self._svgs is None:
            pictures = frame_pictures(self.trace, range(-1, len(self.trace)), "svg", **self.draw_options)
            self._svgs = [svg_element(p.decode("utf-8")) for p in pictures]
        return self._svgs

    def _frame(self, k: int) -> str:
        """Graphviz's SVG of frame ``k``: from every frame when they are made, else drawn alone."""
        if self._svgs is not None:
            return self._svgs[k + 1]
        if k not in self._one:
            [picture] = frame_pictures(self.trace, [k], "svg", **self.draw_options)
            self._one[k] = svg_element(picture.decode("utf-8"))
        return self._one[k]

    def svg(self, k: int) -> str:
        """Frame ``k`` (-1 .. len(trace)-1) as an SVG element that scales to its container's width."""
        if not -1 <= k < len(self.trace):
            raise IndexError(f"Stepper: step {k} is out of range (-1 to {len(self.trace) - 1})")
        return fit_svg(self._frame(k))

    def frames(self, format: str = "svg") -> list[str]:
        """Every frame, from step -1 (only the seed) to the last step: ``len(trace) + 1`` SVG texts."""
        if format != "svg":
            raise ValueError(f"Stepper.frames(): format must be 'svg', got {format!r}")
        return [self.svg(k) for k in range(-1, len(self.trace))]

    def caption(self, k: int) -> str:
        """One sentence saying what step ``k`` does.

        The trace's :meth:`~autograd_lite.trace.BackwardTrace.explain`.
        """
        return self.trace.explain(k)

    def row_html(self, k: int) -> str:
        """The caption of step ``k`` and its row of the trace's table, as HTML."""
        text = html.escape(self.caption(k))
        table = "" if k == -1 else f"<pre>{html.escape(self.trace.row(k))}</pre>"
        return f"<p>{text}</p>{table}"

    def static_html(self, k: int | None = None) -> str:
        """The stepper as HTML and JavaScript that need no kernel, starting at step ``k``.

        ``k`` defaults to the step shown.

        Without scripts it shows frame ``k``, its sentence and its row.
        """
        k = self.step if k is None else k
        if len(self.trace) >= STATIC_STEPS:
            return (
                f"{_frame_box(self.svg(k))}{self.row_html(k)}"
                f"<p><em>Stepping without a kernel holds at most {STATIC_STEPS - 1} steps; this "
                f"backward pass has {len(self.trace)}: write it to a page with "
                f'<code>stepper.trace.save("steps.html")</code>.</em></p>'
            )
        return stepper_html(self.trace, k, svgs=self._raw(), **self.draw_options)

    # ------------------------------------------------------------ display

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """The live widget, with a kernel-free stepper (HTML) and the current frame (SVG) as fallbacks."""
        bundle: dict[str, Any] = {
            "text/plain": repr(self),
            "text/html": self.static_html(),
            "image/svg+xml": self._frame(self.step),
        }
        live = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        if live:
            bundle.update({k: v for k, v in live.items() if k != "text/plain"})
        return bundle

    def __repr__(self) -> str:
        return f"<Stepper at step {self.step} of {len(self.trace)} steps over {len(self.trace.order)} nodes>"
