"""What the installed distribution says about itself: one version, the licence, types, versions."""

from importlib.metadata import metadata, version
from pathlib import Path

import autograd_lite
import nn


def test_the_version_has_one_source():
    assert version("autograd-lite") == autograd_lite.__version__


def test_the_metadata_states_the_licence_python_versions_and_types():
    meta = metadata("autograd-lite")
    assert meta["License-Expression"] == "MIT"
    classifiers = meta.get_all("Classifier")
    for minor in (10, 11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    assert "Typing :: Typed" in classifiers
    assert meta["Requires-Python"] == ">=3.10"


def test_both_packages_are_marked_typed():
    for package in (autograd_lite, nn):
        assert (Path(package.__file__).parent / "py.typed").is_file()
