"""Atomic file writes for ``nn``: the engine's helper (see :mod:`autograd_lite._files`).

A temp file in the same directory, then ``os.replace``: a reader (or a crash)
never sees a half-written file, and when anything fails the temp file is
removed.  ``nn`` may import the engine, never the reverse, so the one
implementation lives in ``autograd_lite`` and is shared by both packages.
"""

from __future__ import annotations

from autograd_lite._files import PathLike, atomic_open, read_limited

__all__ = ["PathLike", "atomic_open", "read_limited"]
