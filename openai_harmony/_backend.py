"""The one import switch between the compiled and the pure-Python hot paths.

Like msgpack-python: use the Cython extension modules when they import, else the
pure-Python modules; ``OPENAI_HARMONY_PURE_PYTHON=1`` forces the pure-Python ones.
Every hot-path module asks ``load_extension`` for its compiled twin, so this file alone
decides; ``backend()`` reports the outcome ("cython" only if every extension loaded).
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import Dict, Optional

__all__ = ["CoreBPE", "EXTENSION_ERRORS", "PURE_PYTHON_FORCED", "backend", "load_extension"]

#: True when OPENAI_HARMONY_PURE_PYTHON is set to anything but "" or "0".
PURE_PYTHON_FORCED = os.environ.get("OPENAI_HARMONY_PURE_PYTHON", "").strip() not in ("", "0")

#: For each compiled module that was wanted but did not import: why.
EXTENSION_ERRORS: Dict[str, str] = {}
_loaded: Dict[str, bool] = {}


def load_extension(name: str) -> Optional[ModuleType]:
    """Import the compiled module ``openai_harmony.<name>``, or return None to fall back."""
    if PURE_PYTHON_FORCED:
        _loaded[name] = False
        return None
    try:
        module = importlib.import_module(f"openai_harmony.{name}")
    except ImportError as exc:
        EXTENSION_ERRORS[name] = f"{type(exc).__name__}: {exc}"
        _loaded[name] = False
        return None
    _loaded[name] = True
    return module


def backend() -> str:
    """Return "cython" if every compiled hot path is active, else "python"."""
    return "cython" if _loaded and all(_loaded.values()) else "python"


_compiled_tokenizer = load_extension("_tokenizer_c")
if _compiled_tokenizer is not None:
    CoreBPE = _compiled_tokenizer.CoreBPE
else:
    from ._tokenizer_py import CoreBPE  # noqa: F401
