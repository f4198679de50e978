"""Frames of a backward pass as files: :func:`save_trace` (``.html``, ``.gif``, ``.svg``, ``.png``, ``.pdf``).

All frames of a trace share one layout (:meth:`BackwardTrace.layout`), so
they are drawn by one run of ``neato -n2`` that reads every frame's DOT
source and writes the pictures one after the other (:func:`frame_pictures`).
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from ._graphviz import TIMEOUT, check_timeout, run, svg_element
from ._stepper_html import stepper_fragment, stepper_page


class _Trace(Protocol):
    """What exporting needs of a backward trace (a :class:`~autograd_lite.trace.BackwardTrace`)."""

    order: list
    names: dict
    root: Any

    def __len__(self) -> int: ...
    def frame(self, k: int, **draw_options: Any) -> Any: ...
    def explain(self, k: int) -> str: ...
    def row(self, k: int) -> str: ...


#: What :func:`save_trace` writes, by suffix.
STEP_FORMATS = {".html": "html", ".htm": "html", ".gif": "gif", ".svg": "svg", ".png": "png", ".pdf": "pdf"}
#: Resolution of PNG and GIF frames (dots per inch; 11 pt text is then 17 px tall).
DPI = 110
_GIF_INSTALL = 'pip install "autograd-lite[gif]"'
_BATCH = 25  # frames drawn by one run of Graphviz


def steps_format(path: str | os.PathLike[str], who: str = "save(): ") -> str:
    """The format :func:`save_trace` writes ``path`` in; ``ValueError`` naming the suffixes if unknown."""
    suffix = Path(path).suffix.lower()
    if suffix not in STEP_FORMATS:
        shown = repr(suffix) if suffix else "(none)"
        raise ValueError(
            f"{who}unknown file suffix {shown} in {str(path)!r}: use one of {', '.join(STEP_FORMATS)}"
        )
    return STEP_FORMATS[suffix]


def _split_pngs(data: bytes) -> list[bytes]:
    """Several PNG files written one after the other, split at their IEND chunks."""
    out, i = [], 0
    while i < len(data):
        start = i
        i += 8  # the signature
        while True:
            length, kind = struct.unpack(">I4s", data[i : i + 8])
            i += 12 + length  # length, type, data, CRC
            if kind == b"IEND":
                break
        out.append(data[start:i])
    return out


def frame_pictures(
    trace: _Trace, steps: Sequence[int], fmt: str, *, timeout: float | None = TIMEOUT, **draw_options: Any
) -> list[bytes]:
    """The frames of ``steps`` in format ``fmt`` (``svg`` or ``png``), from one run of Graphviz."""
    steps = list(steps)
    extra = [f"-Gdpi={DPI}"] if fmt == "png" else []
    pictures: list[bytes] = []
    for start in range(0, len(steps), _BATCH):  # each run of Graphviz gets the timeout
        sources = [trace.frame(k, **draw_options).source for k in steps[start : start + _BATCH]]
        out = run(
            ["neato", "-n2", f"-T{fmt}", *extra],
            "\n".join(sources),
            timeout=timeout,
            what=f"{len(sources)} frame(s) as .{fmt}",
        )
        if fmt == "svg":
            parts = [("<?xml" + p).encode("utf-8") for p in out.decode("utf-8").split("<?xml") if p.strip()]
        else:
            parts = _split_pngs(out)
        if len(parts) != len(sources):  # pragma: no cover - Graphviz changed its output
            raise RuntimeError(f"Graphviz wrote {len(parts)} pictures for {len(sources)} frames")
        pictures += parts
    return pictures


def stepper_html(
    trace: _Trace,
    start: int = -1,
    *,
    page: bool = False,
    timeout: float | None = TIMEOUT,
    svgs: Sequence[str] | None = None,
    **draw_options: Any,
) -> str:
    """The kernel-free stepper through every frame of ``trace`` (see :mod:`._stepper_html`).

    ``svgs``: Graphviz's SVG of every frame, when they are made already.
    """
    steps = range(-1, len(trace))
    if svgs is None:
        svgs = [
            s.decode("utf-8") for s in frame_pictures(trace, steps, "svg", timeout=timeout, **draw_options)
        ]
    svgs = [svg_element(s) for s in svgs]
    captions = [trace.explain(k) for k in steps]
    rows = ["" if k < 0 else trace.row(k) for k in steps]
    return stepper_fragment(svgs, captions, rows, start, page=page)


def _gif(trace: _Trace, timeout: float | None, **draw_options: Any) -> bytes:
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"writing a .gif needs Pillow, which is not installed: {_GIF_INSTALL}") from None
    pngs = frame_pictures(trace, range(-1, len(trace)), "png", timeout=timeout, **draw_options)
    frames = [Image.open(io.BytesIO(p)).convert("RGB") for p in pngs]
    buffer = io.BytesIO()
    durations = [2000] + [1400] * (len(frames) - 2) + [3000] if len(frames) > 1 else [3000]
    frames[0].save(
        buffer, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0, disposal=1
    )
    return buffer.getvalue()


def save_trace(
    trace: _Trace,
    path: str | os.PathLike[str],
    *,
    step: int | None = None,
    timeout: float | None = None,
    **draw_options: Any,
) -> Path:
    """Write ``trace`` to ``path`` (see :meth:`BackwardTrace.save`); returns ``path``."""
    from ._files import write_atomic as _write_atomic

    path = Path(path)
    fmt = steps_format(path)
    timeout = check_timeout(TIMEOUT if timeout is None else timeout, "save()")
    last = len(trace) - 1
    if step is not None and (isinstance(step, bool) or not isinstance(step, int) or not -1 <= step <= last):
        raise ValueError(f"save(): step {step!r} is out of range (-1 to {last})")
    trace.frame(-1, **draw_options)  # bad options fail before any work
    if fmt == "html":
        names = trace.names
        title = f"Backward pass of {names[trace.root]}: {len(trace)} steps over {len(trace.order)} nodes"
        body = stepper_html(trace, -1 if step is None else step, page=True, timeout=timeout, **draw_options)
        data = stepper_page(body, title).encode("utf-8")
    elif fmt == "gif":
        data = _gif(trace, timeout, **draw_options)
    else:
        k = last if step is None else step
        if fmt == "svg":
            data = svg_element(
                frame_pictures(trace, [k], "svg", timeout=timeout, **draw_options)[0].decode("utf-8")
            ).encode("utf-8")
        elif fmt == "png":
            data = frame_pictures(trace, [k], "png", timeout=timeout, **draw_options)[0]
        else:
            data = run(
                ["neato", "-n2", "-Tpdf"],
                trace.frame(k, **draw_options).source,
                timeout=timeout,
                what=repr(str(path)),
            )
    _write_atomic(path, data)
    return path
