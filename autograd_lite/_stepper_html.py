"""A stepper through the frames of a backward pass that needs no kernel: HTML and a little JavaScript.

:func:`stepper_fragment` is one ``<div>`` holding every frame of a trace
(as SVG), the sentence explaining each step and its row of the table, with a
slider, Previous/Next buttons and the arrow keys to move.  Where scripts do
not run (GitHub, an untrusted notebook) it still shows the frame it was made
at, its sentence and its row; the controls appear only when the script runs.
Every frame has the same size and positions, so only colours and numbers
change as you step; the edge of the step is scrolled into view when the
picture is wider or taller than its box.

:func:`stepper_page` wraps the fragment in a complete, self-contained page
(no network), the ``.html`` export of a trace.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Sequence

from ._graphviz import fit_img, fit_svg

_CSS = """
#ID {font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 100%;}
#ID .agl-controls {display: flex; align-items: center; gap: .5em; flex-wrap: wrap; margin: .3em 0;}
#ID .agl-controls button {font: inherit; padding: .2em .8em; cursor: pointer;}
#ID .agl-controls input[type=range] {flex: 1 1 12em; min-width: 8em;}
#ID .agl-frame {overflow: auto; max-height: 75vh; max-width: 100%; border: 1px solid #e4e4e4;
  border-radius: 4px; background: #fff;}
#ID .agl-caption {margin: .4em 0 .2em 0;}
#ID .agl-row {margin: 0; padding: .3em; background: #f6f6f6; overflow-x: auto; font-size: 90%;
  white-space: pre;}
"""

_JS = r"""
(function () {
  var root = document.getElementById("ID");
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "1";
  var data = JSON.parse(root.querySelector(".agl-data").textContent);
  var last = data.frames.length - 2;
  var q = function (s) { return root.querySelector(s); };
  var frame = q(".agl-frame"), caption = q(".agl-caption"), row = q(".agl-row");
  var controls = document.createElement("div");
  controls.className = "agl-controls";
  controls.innerHTML = data.controls;
  root.insertBefore(controls, frame);
  var slider = q("input"), prev = q(".agl-prev"), next = q(".agl-next"), where = q(".agl-where");
  var step = data.start;
  function keepInView() {
    var hot = frame.querySelector("g.hot");
    if (!hot) return;
    var f = frame.getBoundingClientRect(), h = hot.getBoundingClientRect();
    if (h.left < f.left || h.right > f.right)
      frame.scrollLeft += (h.left + h.right) / 2 - (f.left + f.right) / 2;
    if (h.top < f.top || h.bottom > f.bottom)
      frame.scrollTop += (h.top + h.bottom) / 2 - (f.top + f.bottom) / 2;
  }
  function show(k) {
    step = Math.max(-1, Math.min(last, k));
    slider.value = step;
    frame.innerHTML = data.frames[step + 1];
    caption.textContent = data.captions[step + 1];
    row.textContent = data.rows[step + 1];
    row.style.display = data.rows[step + 1] ? "" : "none";
    where.textContent = step < 0 ? "start" : "step " + step + " of 0-" + last;
    prev.disabled = step <= -1;
    next.disabled = step >= last;
    root.dataset.step = step;
    keepInView();
  }
  prev.addEventListener("click", function () { show(step - 1); });
  next.addEventListener("click", function () { show(step + 1); });
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  function key(e) {
    if (e.target && e.target.tagName === "INPUT" && e.target !== slider) return;
    if (e.key === "ArrowRight") { show(step + 1); e.preventDefault(); }
    else if (e.key === "ArrowLeft") { show(step - 1); e.preventDefault(); }
  }
  root.addEventListener("keydown", function (e) { if (e.target !== slider) key(e); });
  if (data.page) document.addEventListener("keydown", function (e) {
    if (!root.contains(e.target)) key(e);
  });
  show(step);
})();
"""


def _script_json(obj: object) -> str:
    """JSON safe to put inside a ``<script>`` element."""
    return json.dumps(obj).replace("</", "<\\/").replace("<!--", "<\\u0021--")


def stepper_fragment(
    frames: Sequence[str],
    captions: Sequence[str],
    rows: Sequence[str],
    start: int = -1,
    *,
    page: bool = False,
) -> str:
    """The stepper as one ``<div>``: ``frames[k + 1]`` is Graphviz's SVG of step ``k`` (k = -1 .. n-1).

    ``captions`` and ``rows`` are plain text, one per frame (a row may be
    empty).  ``start`` is the step shown first, and without scripts (as an
    image, which survives HTML cleaning; the controls are made by the script).
    ``page=True`` lets the arrow keys work anywhere on the page.
    """
    if not len(frames) == len(captions) == len(rows) or not frames:
        raise ValueError("stepper_fragment(): needs as many captions and rows as frames, at least one")
    if not -1 <= start <= len(frames) - 2:
        raise ValueError(f"stepper_fragment(): start {start} is out of range (-1 to {len(frames) - 2})")
    last = len(frames) - 2
    controls = (
        '<button type="button" class="agl-prev" title="previous step (left arrow)">&#9664; Previous</button>'
        f'<input type="range" min="-1" max="{last}" step="1" value="{start}" aria-label="step">'
        '<button type="button" class="agl-next" title="next step (right arrow)">Next &#9654;</button>'
        '<span class="agl-where"></span>'
    )
    data = {
        "frames": [fit_svg(f) for f in frames],
        "captions": list(captions),
        "rows": list(rows),
        "start": start,
        "page": page,
        "controls": controls,
    }
    payload = _script_json(data)
    uid = "agl-" + hashlib.sha1(payload.encode("utf-8")).hexdigest()[:12]  # the same page, the same id
    row = rows[start + 1]
    return (
        f'<div class="agl-stepper" id="{uid}" tabindex="0">'
        f"<style>{_CSS.replace('#ID', '#' + uid)}</style>"
        f'<div class="agl-frame">{fit_img(frames[start + 1], f"the graph at step {start}")}</div>'
        f'<p class="agl-caption">{html.escape(captions[start + 1])}</p>'
        f'<pre class="agl-row"{"" if row else " style=display:none"}>{html.escape(row)}</pre>'
        f'<script type="application/json" class="agl-data">{payload}</script>'
        f"<script>{_JS.replace('ID', uid, 1)}</script>"
        f"</div>"
    )


def stepper_page(fragment: str, title: str) -> str:
    """A complete HTML page around a stepper fragment."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body {margin: 1em auto; padding: 0 1em; max-width: 1100px;"
        " font-family: system-ui, Helvetica, Arial, sans-serif;}"
        " h1 {font-size: 1.2em;} .agl-help {color: #555; font-size: 90%;}</style>\n"
        f"</head>\n<body>\n<h1>{html.escape(title)}</h1>\n"
        '<p class="agl-help">Step through the backward pass with the slider, the buttons or the '
        "left/right arrow keys. The red edge is the step's: the node at its head passes its "
        "gradient back along it. Grey dashed nodes have not been reached yet (grad ?); a dashed "
        "amber border and \u2026 mean a gradient that is not complete yet.</p>\n"
        f"{fragment}\n</body>\n</html>\n"
    )
