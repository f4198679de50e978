"""Sphinx configuration of the autograd-lite documentation.

The site is built strictly: ``sphinx-build -W --keep-going -n`` (every warning,
broken link or unresolved reference is an error).  Pages written as MyST
text notebooks (``.md`` with a ``kernelspec``) are executed at every build, so
every number they print comes from the engine as it is now.  The committed
notebooks of ``../notebooks`` are shown with the outputs stored in them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Document and execute the package as checked out: autodoc imports it from
# ROOT, and the kernels that run the pages inherit PYTHONPATH.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)

import autograd_lite  # noqa: E402

project = "autograd-lite"
author = "autograd-lite contributors"
copyright = "autograd-lite contributors"
release = version = autograd_lite.__version__

extensions = [
    "myst_nb",  # MyST Markdown; text notebooks executed at build time; .ipynb pages
    "sphinx.ext.autodoc",  # the API reference, from the docstrings
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",  # links from the reference to the source
    "notebook_pages",  # _ext/: ../notebooks/*.ipynb as pages
    "api_coverage",  # _ext/: every public name in the reference, documented
]

exclude_patterns = ["_build", "_ext", "**/.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
nitpicky = True  # as -n: a bare sphinx-build is as strict as the one in `make test`

# ------------------------------------------------------------------- MyST
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# -------------------------------------------------------------- execution
# Text notebooks (concept pages, guides) run at every build: "force", not
# "cache", because a cache keyed on the cells alone would keep showing old
# numbers after the engine changed.  Stored notebooks (*.ipynb) are shown as
# committed: the test suite executes them, the docs build does not.
nb_execution_mode = "force"
nb_execution_excludepatterns = ["*.ipynb"]
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 120
nb_merge_streams = True
nb_render_markdown_format = "myst"  # Markdown outputs (the operator table) are parsed as MyST: tables work
# A page has no kernel: a live widget cannot be drawn, so its output shows
# what it carries for that case (the Stepper's HTML stepper, which runs in the
# browser), and no widget library is fetched from the network.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_ipywidgets_js = {}

notebook_pages_source = str(ROOT / "notebooks")

# ---------------------------------------------------------------- autodoc
# Signatures keep their type hints; aliases such as Operand are expanded
# (Value | int | float), which every reader can resolve.  A class documented
# at the package root (autograd_lite.Value) gets autodoc's :canonical: link
# from its defining module, and api_coverage resolves references to public
# functions made through their submodules, so nitpicky mode needs no
# exceptions.
autodoc_member_order = "bysource"  # for a package with __all__: the order of __all__
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True

api_coverage_packages = ["autograd_lite", "nn"]
# Third-party types that appear in our signatures, linked to their own docs.
api_coverage_external = {
    "graphviz.Digraph": "https://graphviz.readthedocs.io/en/stable/api.html#graphviz.Digraph",
    "graphviz.graphs.Digraph": "https://graphviz.readthedocs.io/en/stable/api.html#graphviz.Digraph",
    "graphviz.Graph": "https://graphviz.readthedocs.io/en/stable/api.html#graphviz.Graph",
    "graphviz.graphs.Graph": "https://graphviz.readthedocs.io/en/stable/api.html#graphviz.Graph",
    "graphviz.Source": "https://graphviz.readthedocs.io/en/stable/api.html#graphviz.Source",
    "graphviz.sources.Source": "https://graphviz.readthedocs.io/en/stable/api.html#graphviz.Source",
    "hypothesis.strategies.SearchStrategy": "https://hypothesis.readthedocs.io/en/latest/reference/api.html#hypothesis.strategies.SearchStrategy",
    "torch.dtype": "https://docs.pytorch.org/docs/stable/tensor_attributes.html#torch.dtype",
    "torch.nn.Sequential": "https://docs.pytorch.org/docs/stable/generated/torch.nn.Sequential.html",
    "numpy.ndarray": "https://numpy.org/doc/stable/reference/generated/numpy.ndarray.html",
}

# ------------------------------------------------------------------- HTML
html_theme = "furo"
html_title = "autograd-lite"
html_theme_options = {"navigation_with_keys": True}

# Build matplotlib's font cache here, once, rather than inside the first page
# that plots (where its one-time notice would end up in the page's output).
try:
    import matplotlib.font_manager  # noqa: F401
except ImportError:  # the plotting page then fails with a clear ImportError
    pass
