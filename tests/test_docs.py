"""Documentation that cannot rot: examples in docstrings run, and every public function says what it does."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import factdb

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(factdb.__path__, "factdb.")
    if not info.name.startswith(("factdb.migrations", "factdb.cli"))
)


@pytest.mark.parametrize("name", MODULES + ["factdb"])
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0


@pytest.mark.parametrize("name", MODULES)
def test_every_public_function_and_class_has_a_docstring(name):
    module = importlib.import_module(name)
    assert module.__doc__, f"{name} has no module docstring"
    undocumented = [
        f"{name}.{attr}"
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and getattr(value, "__module__", None) == name
        and not inspect.getdoc(value)
    ]
    assert not undocumented, f"missing docstrings: {undocumented}"
