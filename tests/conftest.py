"""Backend selection for the whole suite, and the skips that depend on it.

The suite runs twice: with the compiled backend, and with ``OPENAI_HARMONY_NO_EXTENSIONS=1``
(alias ``OPENAI_HARMONY_PURE_PYTHON=1``), which ``openai_harmony._backend`` reads; subprocesses
inherit it.  Tests that compare the compiled twins with the pure ones get the compiled
modules from ``compiled_module``: when one is not built, the pure run skips them and the
compiled run fails them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

from openai_harmony import _backend

#: True in the pure-Python run (the switch is set).
NO_EXTENSIONS = _backend.NO_EXTENSIONS


def compiled_module(name: str, *, module_level: bool = False) -> ModuleType:
    """Import the compiled ``openai_harmony.<name>``; skip if it is missing in the pure run."""
    try:
        return importlib.import_module(f"openai_harmony.{name}")
    except ImportError as exc:
        if not NO_EXTENSIONS:
            raise
        pytest.skip(f"openai_harmony.{name} not built (pure-Python run): {exc}", allow_module_level=module_level)


def pytest_report_header(config: pytest.Config) -> str:
    return f"openai_harmony backend: {_backend.backend_reason()}"
