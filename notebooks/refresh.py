"""Execute the notebooks in place and keep their outputs readable without a kernel.

    python notebooks/refresh.py [NOTEBOOK ...]      (default: every notebook here)

Each notebook runs top to bottom in a fresh kernel (as ``pytest --nbmake``
does) and is saved with its outputs.  The live widgets' own output (the
``application/vnd.jupyter.widget-view+json`` part, which only a running
kernel can draw) is left out of the saved file, as are the cells' execution
timings, and no widget state is stored: a Stepper's display keeps its kernel-free HTML stepper and the SVG of
its current frame, which is what GitHub, nbconvert's HTML, the documentation
site and a reopened notebook show.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
HERE = Path(__file__).resolve().parent


def refresh(path: Path) -> None:
    """Execute ``path`` in a fresh kernel and write it back with its outputs."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timings: the file changes only when outputs do
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


if __name__ == "__main__":
    for name in sys.argv[1:] or sorted(str(p) for p in HERE.glob("*.ipynb")):
        print(f"executing {name}")
        refresh(Path(name))
