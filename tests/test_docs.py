"""The API reference's promises: every public name is documented and its examples run.

The reference (docs/api.md) is generated from the ``__all__`` of the public
packages; these tests check, without building the site, that each of those
names has a docstring and that every example in those docstrings passes, and
they exercise the documentation build's notebook collection.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import inspect
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd_lite", "nn")
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _public_objects():
    """(qualified name, object) for each public name and each public member of a public class."""
    for pkg_name in PACKAGES:
        pkg = importlib.import_module(pkg_name)
        yield pkg_name, pkg
        for name in getattr(pkg, "__all__", []):
            obj = getattr(pkg, name)
            yield f"{pkg_name}.{name}", obj
            if inspect.isclass(obj):
                for member, value in vars(obj).items():
                    if not member.startswith("_") and (
                        inspect.isfunction(value) or isinstance(value, property)
                    ):
                        yield f"{pkg_name}.{name}.{member}", value


def _documentable(obj) -> bool:
    """Objects that carry their own docstring (constants are checked by the docs build)."""
    return (
        inspect.ismodule(obj) or inspect.isclass(obj) or inspect.isroutine(obj) or isinstance(obj, property)
    )


@pytest.mark.parametrize(
    "name, obj",
    [p for p in _public_objects() if _documentable(p[1])],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_public_name_has_a_docstring(name, obj):
    assert (obj.__doc__ or "").strip(), f"{name} has no docstring"


def test_every_public_name_is_reachable():
    for pkg_name in PACKAGES:
        pkg = importlib.import_module(pkg_name)
        missing = [n for n in getattr(pkg, "__all__", []) if not hasattr(pkg, n)]
        assert not missing, f"{pkg_name}.__all__ names what it does not define: {missing}"


def _examples():
    """One doctest per public docstring that has examples, run in its defining module."""
    parser = doctest.DocTestParser()
    for name, obj in _public_objects():
        doc = obj.__doc__ if _documentable(obj) else None
        if not doc or ">>>" not in doc:
            continue
        target = obj.fget if isinstance(obj, property) else obj
        module = target if inspect.ismodule(target) else sys.modules[target.__module__]
        yield parser.get_doctest(doc, dict(vars(module)), name, module.__file__, 0)


def test_docstring_examples_of_the_public_names_pass():
    """The examples shown in the API reference are the code's actual behaviour."""
    tests = list(_examples())
    assert tests, "no public docstring has an example"
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    failed = [t.name for t in tests if runner.run(t, out=lambda s: None).failed]
    assert not failed, f"docstring examples fail in: {failed}"


def test_a_wrong_docstring_example_is_caught():
    """The check above can fail: a docstring whose example is wrong is reported."""
    bad = doctest.DocTestParser().get_doctest(">>> 1 + 1\n3\n", {}, "bad", None, 0)
    assert doctest.DocTestRunner(optionflags=FLAGS).run(bad, out=lambda s: None).failed == 1


# ----------------------------------------------------------- notebook pages
def _load(name: str):
    """A module of docs/_ext, loaded from its file (it has no side effects on import)."""
    spec = importlib.util.spec_from_file_location(f"_docs_{name}", ROOT / "docs" / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pages():
    return _load("notebook_pages")


def test_notebooks_are_copied_listed_and_pruned(pages, tmp_path):
    src, dst = tmp_path / "notebooks", tmp_path / "docs" / "notebooks"
    src.mkdir()
    (tmp_path / "docs").mkdir()
    (src / "02_b.ipynb").write_text("{}")
    (src / "01_a.ipynb").write_text("{}")
    (src / "notes.txt").write_text("not a notebook")

    assert pages.sync_notebooks(src, dst) == ["notebooks/01_a", "notebooks/02_b"]
    assert sorted(p.name for p in dst.iterdir()) == ["01_a.ipynb", "02_b.ipynb"]
    block = pages.notebooks_block(["notebooks/01_a", "notebooks/02_b"])
    assert "{toctree}" in block and "notebooks/01_a\nnotebooks/02_b" in block

    (src / "02_b.ipynb").unlink()
    (src / "01_a.ipynb").write_text('{"changed": 1}')
    assert pages.sync_notebooks(src, dst) == ["notebooks/01_a"]
    assert [p.name for p in dst.iterdir()] == ["01_a.ipynb"]
    assert (dst / "01_a.ipynb").read_text() == '{"changed": 1}'


def test_no_notebooks_makes_no_toctree(pages, tmp_path):
    dst = tmp_path / "notebooks"
    dst.mkdir()
    (dst / "old.ipynb").write_text("{}")
    assert pages.sync_notebooks(tmp_path / "missing", dst) == []
    assert not dst.exists()
    assert "toctree" not in pages.notebooks_block([])


# ------------------------------------------------------------ API reference
@pytest.fixture(scope="module")
def coverage():
    pytest.importorskip("sphinx")
    return _load("api_coverage")


def test_modules_section_documents_submodules_without_the_exported_names(coverage):
    block = coverage.modules_block(["autograd_lite"])
    assert ".. automodule:: autograd_lite.graph" in block
    assert ".. automodule:: autograd_lite.value" in block
    assert "autograd_lite.__main__" not in block  # private: importing it runs the CLI
    excluded = block.split(":exclude-members:")[1].splitlines()[0]
    assert {n.strip() for n in excluded.split(",")} == set(importlib.import_module("autograd_lite").__all__)


def test_standard_library_types_link_to_the_python_documentation(coverage):
    assert (
        coverage._stdlib_url("argparse.Namespace")
        == "https://docs.python.org/3/library/argparse.html#argparse.Namespace"
    )
    assert (
        coverage._stdlib_url("collections.abc.Iterable")
        == "https://docs.python.org/3/library/collections.abc.html#collections.abc.Iterable"
    )
    assert coverage._stdlib_url("autograd_lite.Value") is None
    assert coverage._stdlib_url("Namespace") is None
