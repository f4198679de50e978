"""Sphinx extension: the repository's notebooks as pages of the site.

The notebooks live outside the documentation's source directory, in
``notebook_pages_source`` (the repository's ``notebooks/``). At every build
they are copied into ``<srcdir>/notebooks/`` (a generated, git-ignored
folder) and listed in a toctree that replaces the marker
``<!-- NOTEBOOKS -->`` of the page ``notebooks``. Without any notebook the
page says so and has no toctree, so the build does not fail on an empty list.
"""

from __future__ import annotations

import shutil
from pathlib import Path

MARKER = "<!-- NOTEBOOKS -->"
PAGE = "notebooks"


def sync_notebooks(src: Path, dst: Path) -> list[str]:
    """Copy ``src/*.ipynb`` into ``dst``; return their docnames, sorted.

    Copies keep their modification time, so an unchanged notebook is not read
    again; copies of notebooks that no longer exist are removed, and ``dst``
    itself when there is none.
    """
    wanted = sorted(src.glob("*.ipynb")) if src.is_dir() else []
    if not wanted:
        shutil.rmtree(dst, ignore_errors=True)
        return []
    dst.mkdir(exist_ok=True)
    names = {nb.name for nb in wanted}
    for stale in dst.iterdir():
        if stale.name not in names:
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    for nb in wanted:
        copy = dst / nb.name
        st = nb.stat()
        if not copy.exists() or (copy.stat().st_mtime, copy.stat().st_size) != (st.st_mtime, st.st_size):
            shutil.copy2(nb, copy)
    return [f"{dst.name}/{nb.stem}" for nb in wanted]


def notebooks_block(docnames: list[str]) -> str:
    """The MyST text that lists the notebooks on the notebooks page."""
    if not docnames:
        return "*No notebook has been committed yet.*\n"
    entries = "\n".join(docnames)
    return f"```{{toctree}}\n:maxdepth: 1\n\n{entries}\n```\n"


def _builder_inited(app) -> None:
    src = Path(app.config.notebook_pages_source)
    app.env.notebook_pages = sync_notebooks(src, Path(app.srcdir) / "notebooks")


def _source_read(app, docname: str, source: list[str]) -> None:
    if docname == PAGE:
        source[0] = source[0].replace(MARKER, notebooks_block(app.env.notebook_pages))


def _env_get_outdated(app, env, added, changed, removed) -> list[str]:
    # the page lists files outside it: read it again on every build
    return [PAGE] if PAGE in env.found_docs else []


def setup(app):
    app.add_config_value("notebook_pages_source", "../notebooks", "env")
    app.connect("builder-inited", _builder_inited)
    app.connect("source-read", _source_read)
    app.connect("env-get-outdated", _env_get_outdated)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
