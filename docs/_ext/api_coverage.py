"""Sphinx extension: the API reference covers every public name, visibly.

The reference documents the ``__all__`` of each package in
``api_coverage_packages``. This extension makes gaps fail the strict build
(``-W``) instead of vanishing:

* a public name without a docstring is shown anyway and reported (autodoc
  would silently leave it out);
* a public name missing from the reference is reported;
* a public package with public names but no ``__all__`` is reported;
* a reference to a public name through the submodule that defines it
  (``:func:`backward``` written inside ``autograd_lite.graph``) resolves to
  where the name is documented, ``autograd_lite.backward``.
"""

from __future__ import annotations

import __future__
import importlib
import inspect

from sphinx.util import logging

logger = logging.getLogger(__name__)


def public_names(packages) -> dict[str, list[str]]:
    """``{package: its __all__}`` (empty for a package without ``__all__``)."""
    return {pkg: list(getattr(importlib.import_module(pkg), "__all__", [])) for pkg in packages}


def _skip_member(app, what, name, obj, skip, options):
    if what != "module" or not skip or name.startswith("_"):
        return None
    owners = [pkg for pkg, names in public_names(app.config.api_coverage_packages).items()
              if name in names]
    if not owners:
        return None
    logger.warning("public name %s.%s has no docstring: document its math, errors and an example",
                   owners[0], name, type="api_coverage", subtype="undocumented")
    return False


def _check_consistency(app, env) -> None:
    objects = env.get_domain("py").objects
    for pkg, names in public_names(app.config.api_coverage_packages).items():
        for name in names:
            if f"{pkg}.{name}" not in objects:
                logger.warning("public name %s.%s is missing from the API reference", pkg, name,
                               type="api_coverage", subtype="missing")
        mod = importlib.import_module(pkg)
        if not hasattr(mod, "__all__"):
            loose = [n for n, v in vars(mod).items() if not n.startswith("_")
                     and not inspect.ismodule(v) and not isinstance(v, __future__._Feature)]
            if loose:
                logger.warning("package %s defines public names %s but no __all__: list them in "
                               "__all__ to put them in the API reference", pkg, ", ".join(loose),
                               type="api_coverage", subtype="no_all")


def _missing_reference(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    context = node.get("py:module") or ""
    for pkg, names in public_names(app.config.api_coverage_packages).items():
        inside = context == pkg or context.startswith(pkg + ".")
        name = target.rsplit(".", 1)[-1]
        prefix = target[: -len(name)].rstrip(".")
        if name not in names or not (prefix == pkg or prefix.startswith(pkg + ".")
                                     or (prefix == "" and inside)):
            continue
        new = node.deepcopy()
        new["reftarget"] = f"{pkg}.{name}"
        return env.get_domain("py").resolve_xref(
            env, node.get("refdoc", ""), app.builder, node["reftype"], new["reftarget"], new,
            contnode)
    return None


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    app.add_config_value("api_coverage_packages", [], "env")
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("env-check-consistency", _check_consistency)
    app.connect("missing-reference", _missing_reference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
