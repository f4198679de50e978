"""Running Graphviz's programs, bounded in time, and fitting their SVG to a page.

Every picture the package makes goes through :func:`run`: the program
(``dot``, or ``neato -n2`` for a picture whose positions are already fixed)
runs in a process group of its own with a timeout.  On a timeout, a
``KeyboardInterrupt`` or any other exception, and when the Python process
exits, the whole group is killed, so no ``dot`` keeps burning CPU after we
gave up on it; on Linux the kernel also kills it when our process is killed
outright (``kill -9``), which no exit handler sees.

:func:`fit_svg` turns Graphviz's SVG (whose size is fixed in points) into one
that scales to the width of where it is shown: ``width="100%"`` with the
natural size as the largest width, and a smallest width at which the text is
still :data:`MIN_TEXT_PX` pixels tall (a wider picture scrolls sideways
inside its own box instead of shrinking its text to nothing).
"""

from __future__ import annotations

import atexit
import base64
import html
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import Any

import graphviz

#: How long one run of a Graphviz program may take by default, in seconds.
TIMEOUT = 30.0

#: The smallest text height, in CSS pixels, a fitted picture is shrunk to.
MIN_TEXT_PX = 9.0

#: The font size of the pictures, in points (SVG user units).
FONT_PT = 11.0

#: How to install Graphviz, in one line.
INSTALL_HINT = (
    "install it with `sudo apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS) or `conda install -c conda-forge graphviz`"
)


class GraphvizError(OSError):
    """Graphviz's ``dot`` program failed or is missing (an ``OSError``, like a missing file)."""


class GraphvizNotFoundError(GraphvizError):
    """The ``dot`` program is not installed; the message says how to install it."""


class GraphvizTimeoutError(GraphvizError):
    """Graphviz took longer than the timeout; it was stopped.  ``timeout`` is the limit in seconds."""

    def __init__(self, message: str, timeout: float) -> None:
        super().__init__(message)
        self.timeout = timeout


def missing(what: str) -> GraphvizNotFoundError:
    """The error for a missing ``dot``, saying what could not be made and how to install it."""
    return GraphvizNotFoundError(
        f"Graphviz's `dot` program was not found on PATH, so {what} cannot be made "
        f"(.dot files still can): {INSTALL_HINT}"
    )


_running: set[subprocess.Popen] = set()
_lock = threading.Lock()


def _kill(proc: subprocess.Popen) -> None:
    """Kill ``proc``'s whole process group (it leads one of its own) and reap it."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=5)
    except Exception:  # pragma: no cover - already gone or unkillable
        pass


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    """Linux: have the kernel kill this process when the process that started it dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


_PREEXEC = _die_with_parent if sys.platform.startswith("linux") else None


@atexit.register
def _kill_all() -> None:
    """At exit, stop every Graphviz program still running for us."""
    with _lock:
        procs = list(_running)
    for proc in procs:
        _kill(proc)


def check_timeout(timeout: float | None, who: str) -> float | None:
    """``timeout`` checked: a positive finite number of seconds, or None for no limit."""
    if timeout is None:
        return None
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise ValueError(f"{who}: timeout must be a positive number of seconds or None, got {timeout!r}")
    return float(timeout)


def run(
    args: Sequence[str], source: str, *, timeout: float | None = TIMEOUT, what: str = "the picture"
) -> bytes:
    """Run a Graphviz program (``args[0]`` is ``dot`` or ``neato``) on the DOT ``source``.

    Returns what it writes on stdout.  Raises :class:`GraphvizNotFoundError`
    when the program is missing, :class:`GraphvizTimeoutError` after
    ``timeout`` seconds (None: no limit), :class:`GraphvizError` when it
    fails (the first line of its error output).
    """
    exe = shutil.which(args[0])
    if exe is None:
        raise missing(what)
    try:
        proc = subprocess.Popen(
            [exe, *args[1:]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=_PREEXEC,
        )
    except FileNotFoundError:
        raise missing(what) from None
    with _lock:
        _running.add(proc)
    try:
        out, err = proc.communicate(source.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise GraphvizTimeoutError(
            f"Graphviz's {args[0]} took longer than {timeout:g} s to make {what} and was stopped "
            f"(the graph is too large or too tangled to lay out quickly); pass a larger timeout "
            f"(timeout=SECONDS in Python, --timeout SECONDS on the command line) to wait longer, "
            f"or draw a smaller graph",
            float(timeout or 0.0),
        ) from None
    except BaseException:
        _kill(proc)
        raise
    finally:
        with _lock:
            _running.discard(proc)
    if proc.returncode != 0:
        text = err.decode("utf-8", "replace").strip()
        first = text.splitlines()[0] if text else f"exit status {proc.returncode}"
        raise GraphvizError(f"Graphviz's {args[0]} failed to make {what}: {first}")
    return out


_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def svg_element(svg: str) -> str:
    """The ``<svg>`` element of Graphviz's output (no XML prologue or doctype)."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def fit_svg(svg: str, *, css_class: str = "agl-picture") -> str:
    """Graphviz's SVG made to scale with its container's width.

    The picture is at most its natural size (1 pt = 4/3 px) and at least as
    wide as keeps text :data:`MIN_TEXT_PX` pixels tall; its height follows
    from the viewBox.  Links (tooltips) are not underlined.
    """
    svg = svg_element(svg)
    m = _SIZE.search(svg)
    if not m:
        return svg
    w_pt = float(m.group(1))
    natural = math.ceil(w_pt * 4 / 3)
    smallest = min(natural, math.ceil(w_pt * MIN_TEXT_PX / FONT_PT))
    head = (
        f'<svg class="{css_class}" width="100%" '
        f'style="display:block;height:auto;max-width:{natural}px;min-width:{smallest}px"'
    )
    svg = svg[: m.start()] + head + svg[m.end() :]
    style = f"<style>svg.{css_class} a {{text-decoration:none !important}}</style>"
    close = svg.find(">", len(head)) + 1
    return svg[:close] + style + svg[close:]


def fit_img(svg: str, alt: str = "computation graph", *, css_class: str = "agl-picture") -> str:
    """Graphviz's SVG as an ``<img>`` (a data URI) that scales like :func:`fit_svg`.

    For HTML that is shown without scripts and cleaned of inline SVG (an
    untrusted notebook): an image survives where an ``<svg>`` element does not.
    """
    svg = svg_element(svg)
    m = _SIZE.search(svg)
    w_pt = float(m.group(1)) if m else 0.0
    natural = math.ceil(w_pt * 4 / 3)
    smallest = min(natural, math.ceil(w_pt * MIN_TEXT_PX / FONT_PT))
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    size = f"max-width:{natural}px;min-width:{smallest}px;" if m else ""
    return (
        f'<img class="{css_class}" alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{data}" '
        f'style="display:block;width:100%;{size}height:auto">'
    )


def natural_width_px(svg: str) -> int:
    """The width of Graphviz's SVG at its natural size, in CSS pixels."""
    m = _SIZE.search(svg)
    return math.ceil(float(m.group(1)) * 4 / 3) if m else 0


class Picture(graphviz.Digraph):
    """A ``graphviz.Digraph`` that shows itself at the width of where it is shown.

    In Jupyter (and on the documentation site) it displays as an SVG image that
    scales with the output's width, never shrinking its text below about 9 px
    (a wider picture scrolls sideways in its own box); an image, not inline
    SVG, so that an untrusted notebook, whose HTML is cleaned, still shows it.  Without Graphviz's ``dot`` it
    shows how to install it and the DOT source instead of a traceback.  A
    picture whose positions are fixed (a frame of a backward pass) is drawn by
    ``neato -n2``, which keeps them.
    """

    #: The Graphviz program and options that draw this picture.
    program: tuple = ("dot",)

    def pipe(
        self,
        format: str | None = None,
        renderer: str | None = None,  # type: ignore[override]
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
        timeout: float | None = TIMEOUT,
    ) -> bytes | str:
        """The picture in ``format``, made by :attr:`program` within ``timeout`` seconds.

        As ``graphviz.Digraph.pipe``, bounded in time.

        With a renderer, formatter, engine or ``neato_no_op`` of its own it is
        graphviz's ``pipe`` unchanged.
        """
        if renderer or formatter or engine or neato_no_op is not None:
            return super().pipe(
                format, renderer, formatter, neato_no_op, quiet, engine=engine, encoding=encoding
            )
        fmt = format or self.format
        data = run([*self.program, f"-T{fmt}"], self.source, timeout=timeout, what=f"a .{fmt} picture")
        return data.decode(encoding) if encoding else data

    def pipe_svg(self, timeout: float | None = TIMEOUT) -> str:
        """The picture as SVG text (Graphviz's own, with its fixed size)."""
        return run([*self.program, "-Tsvg"], self.source, timeout=timeout, what="an .svg picture").decode(
            "utf-8"
        )

    def fitted_svg(self, timeout: float | None = TIMEOUT) -> str:
        """The picture as an ``<svg>`` element that scales with its container."""
        return fit_svg(self.pipe_svg(timeout))

    def _value_count(self) -> int:
        """How many value records the picture draws."""
        return sum(1 for b in self.body if b.lstrip().startswith("v") and " [label=" in b)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict[str, str]:
        try:
            svg = self.pipe_svg()
        except GraphvizError as exc:
            text = f"{exc}\n\nThe graph in DOT source:\n{self.source}"
            return {
                "text/plain": text,
                "text/html": f"<p>{html.escape(str(exc))}</p><p>The graph in DOT source:</p>"
                f"<pre>{html.escape(self.source)}</pre>",
            }
        return {
            "image/svg+xml": svg_element(svg),
            "text/html": f'<div style="overflow-x:auto;max-width:100%">{fit_img(svg)}</div>',
            "text/plain": f"<graph of {self._value_count()} values>",
        }
