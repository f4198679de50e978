"""Sphinx extension: the API reference covers every public name, visibly.

The reference documents the ``__all__`` of each package in
``api_coverage_packages`` and, on the page ``api``, in place of the marker
``<!-- MODULES -->``, every public submodule with its public names that are
not already exported by the package (so a public type such as a function's
return type is documented somewhere even when the package does not export
it). This extension also makes gaps fail the strict build (``-W``) instead
of vanishing:

* a public name without a docstring is shown anyway and reported (autodoc
  would silently leave it out);
* a public name missing from the reference is reported;
* a public package with public names but no ``__all__`` is reported;
* a reference to a public name through the submodule that defines it
  (``:func:`backward``` written inside ``autograd_lite.graph``) resolves to
  where the name is documented, ``autograd_lite.backward``;
* a standard-library type named in a signature (``argparse.Namespace``)
  links to the Python documentation, and a third-party one
  (``graphviz.Digraph``) to its own when ``api_coverage_external`` maps it to
  a URL: intersphinx for a handful of names, without fetching an inventory,
  so the build needs no network;
* a bare name in the docstring of a function that the package re-exports
  (``:class:`GradcheckReport``` in ``autograd_lite.gradcheck``) resolves to
  the one public submodule that documents it (``autograd_lite.check``);
* a standard-library module (``:mod:`ast```) links to the Python documentation;
* a ``TypeVar`` in a signature is shown as its name (it has no page).
"""

from __future__ import annotations
import __future__

import importlib
import inspect
import pkgutil
import sys
import typing

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)


def public_names(packages) -> dict[str, list[str]]:
    """``{package: its __all__}`` (empty for a package without ``__all__``)."""
    return {pkg: list(getattr(importlib.import_module(pkg), "__all__", [])) for pkg in packages}


MARKER = "<!-- MODULES -->"
PAGE = "api"


def public_submodules(package: str) -> list[str]:
    """The importable submodules of ``package`` whose names do not start with ``_``."""
    pkg = importlib.import_module(package)
    return [f"{package}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_")]


def modules_block(packages) -> str:
    """MyST text documenting each public submodule, minus the names its package exports."""
    parts = []
    for pkg, names in public_names(packages).items():
        exclude = ", ".join(names)
        for mod in public_submodules(pkg):
            options = "   :members:\n" + (f"   :exclude-members: {exclude}\n" if exclude else "")
            short = mod.rsplit(".", 1)[1]
            if short in names and not inspect.ismodule(getattr(importlib.import_module(pkg), short)):
                # a module shadowed by the function it defines (autograd_lite.compile):
                # one index entry, the function's
                options += "   :no-index:\n"
            parts.append(f"### `{mod}`\n\n```{{eval-rst}}\n.. automodule:: {mod}\n{options}```\n")
    return "\n".join(parts)


def _source_read(app, docname: str, source: list[str]) -> None:
    if docname == PAGE and MARKER in source[0]:
        source[0] = source[0].replace(MARKER, modules_block(app.config.api_coverage_packages))


def _skip_member(app, what, name, obj, skip, options):
    if what != "module" or not skip or name.startswith("_"):
        return None
    if name in (getattr(options, "exclude_members", None) or ()):
        return None  # left out on purpose (a submodule's names that the package exports)
    owners = [
        pkg
        for pkg, names in public_names(app.config.api_coverage_packages).items()
        if name in names and getattr(importlib.import_module(pkg), name, None) is obj
    ]
    if not owners:
        return None
    logger.warning(
        "public name %s.%s has no docstring: document its math, errors and an example",
        owners[0],
        name,
        type="api_coverage",
        subtype="undocumented",
    )
    return False


def _check_consistency(app, env) -> None:
    objects = env.get_domain("py").objects
    for pkg, names in public_names(app.config.api_coverage_packages).items():
        for name in names:
            if f"{pkg}.{name}" not in objects:
                logger.warning(
                    "public name %s.%s is missing from the API reference",
                    pkg,
                    name,
                    type="api_coverage",
                    subtype="missing",
                )
        mod = importlib.import_module(pkg)
        if not hasattr(mod, "__all__"):
            loose = [
                n
                for n, v in vars(mod).items()
                if not n.startswith("_")
                and not inspect.ismodule(v)
                and not isinstance(v, __future__._Feature)
            ]
            if loose:
                logger.warning(
                    "package %s defines public names %s but no __all__: list them in "
                    "__all__ to put them in the API reference",
                    pkg,
                    ", ".join(loose),
                    type="api_coverage",
                    subtype="no_all",
                )


def _missing_reference(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    url = app.config.api_coverage_external.get(target) or _stdlib_url(target)
    if url is not None:
        return nodes.reference("", "", contnode, internal=False, refuri=url, reftitle=f"(external) {target}")
    if _is_type_variable(target):
        return contnode  # a TypeVar has no page of its own: its name is the whole story
    if node.get("reftype") == "mod" and target in sys.stdlib_module_names:
        return nodes.reference(
            "",
            "",
            contnode,
            internal=False,
            refuri=f"https://docs.python.org/3/library/{target}.html",
            reftitle=f"(external) {target}",
        )
    context = node.get("py:module") or ""
    parts = target.split(".")
    for pkg, names in public_names(app.config.api_coverage_packages).items():
        inside = context == pkg or context.startswith(pkg + ".")
        for i, part in enumerate(parts):
            if part not in names:
                continue
            prefix = ".".join(parts[:i])
            # "backward" or "Module.load" written inside the package, or
            # "pkg.backward", "pkg.graph.backward", "pkg.module.Module.load" anywhere
            if (prefix == "" and inside) or prefix == pkg or prefix.startswith(pkg + "."):
                new = node.deepcopy()
                new["reftarget"] = ".".join([pkg, *parts[i:]])
                return env.get_domain("py").resolve_xref(
                    env, node.get("refdoc", ""), app.builder, node["reftype"], new["reftarget"], new, contnode
                )
    return _in_submodule(app, env, node, contnode, context)


def _in_submodule(app, env, node, contnode, context: str):
    """A bare name written in a docstring that the package re-exports, found in its submodule.

    ``gradcheck`` is defined in ``autograd_lite.check`` and documented as
    ``autograd_lite.gradcheck``; its docstring's ``:class:`GradcheckReport```
    then looks in ``autograd_lite``, but the class is documented (as a public
    name of the submodule) as ``autograd_lite.check.GradcheckReport``.  The
    reference resolves when exactly one public submodule of the package
    documents a name so spelled; otherwise it stays unresolved (and fails the
    strict build).
    """
    target = node["reftarget"]
    for pkg in app.config.api_coverage_packages:
        if not (context == pkg or context.startswith(pkg + ".")):
            continue
        candidates = [f"{mod}.{target}" for mod in public_submodules(pkg)]
        found = [c for c in candidates if c in env.get_domain("py").objects]
        if len(found) == 1:
            new = node.deepcopy()
            new["reftarget"] = found[0]
            return env.get_domain("py").resolve_xref(
                env, node.get("refdoc", ""), app.builder, node["reftype"], found[0], new, contnode
            )
    return None


def _stdlib_url(target: str) -> str | None:
    """The Python documentation's URL of a standard-library name, e.g. ``argparse.Namespace``."""
    parts = target.split(".")
    if len(parts) < 2 or parts[0] not in sys.stdlib_module_names:
        return None
    module = parts[0]
    for i in range(len(parts) - 1, 1, -1):  # the longest importable prefix: os.path, not os
        candidate = ".".join(parts[:i])
        try:
            importlib.import_module(candidate)
        except ImportError:
            continue
        module = candidate
        break
    return f"https://docs.python.org/3/library/{module}.html#{target}"


def _is_type_variable(target: str) -> bool:
    """Whether ``target`` (``package.module.T``) names a ``typing.TypeVar``."""
    module, _, name = target.rpartition(".")
    if not module:
        return False
    try:
        return isinstance(getattr(importlib.import_module(module), name, None), typing.TypeVar)
    except ImportError:
        return False


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    app.add_config_value("api_coverage_packages", [], "env")
    app.add_config_value("api_coverage_external", {}, "env")
    app.connect("source-read", _source_read)
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("env-check-consistency", _check_consistency)
    app.connect("missing-reference", _missing_reference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
