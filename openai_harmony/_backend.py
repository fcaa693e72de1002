"""Picks, once, the implementation of both hot paths: the compiled twins or the pure ones.

Each hot path is a pair of files: ``_tokenizer_py.py`` / ``_tokenizer_c.pyx`` (``CoreBPE``)
and ``_parser_py.py`` / ``_parser_c.pyx`` (``ParserCore``).  This module is the only place
that chooses between them: the compiled module when it imports, else the pure one.

One switch, read by ``setup.py`` (do not build the extensions) and here (do not load them):
``OPENAI_HARMONY_NO_EXTENSIONS`` set to anything but "" or "0"; ``OPENAI_HARMONY_PURE_PYTHON``
is an alias.  Type checkers always see the pure classes, which are the typed reference.
"""

from __future__ import annotations

import importlib
import os
import warnings
from types import ModuleType
from typing import TYPE_CHECKING, Dict, Mapping, Optional

__all__ = [
    "EXTENSION_ERRORS",
    "NO_EXTENSIONS",
    "PURE_PYTHON_FORCED",
    "SWITCHES",
    "CoreBPE",
    "ExtensionWarning",
    "ParserCore",
    "backend",
    "backend_reason",
    "switch_set",
]

#: The environment variables that turn the compiled extensions off (the first is the
#: documented one, the second an alias), for the build and at run time.
SWITCHES = ("OPENAI_HARMONY_NO_EXTENSIONS", "OPENAI_HARMONY_PURE_PYTHON")


def switch_set(environ: Mapping[str, str] = os.environ) -> Optional[str]:
    """Name of the switch variable that is set (to anything but "" or "0"), or None."""
    for name in SWITCHES:
        if environ.get(name, "").strip() not in ("", "0"):
            return name
    return None


class ExtensionWarning(RuntimeWarning):
    """The compiled extensions are missing or failed to import: running in pure Python."""


_SWITCH = switch_set()
#: True when the switch asks for pure Python.
NO_EXTENSIONS = _SWITCH is not None
#: Old name of ``NO_EXTENSIONS``.
PURE_PYTHON_FORCED = NO_EXTENSIONS

#: For each compiled module that was wanted but did not import: why.
EXTENSION_ERRORS: Dict[str, str] = {}
_loaded: Dict[str, bool] = {}


def _load(name: str) -> Optional[ModuleType]:
    if NO_EXTENSIONS:
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


def backend_reason() -> str:
    """One line: which backend is active and why."""
    if NO_EXTENSIONS:
        return f"python ({_SWITCH} is set)"
    if not EXTENSION_ERRORS:
        return "cython (compiled extensions loaded)"
    why = "; ".join(f"{name}: {err}" for name, err in sorted(EXTENSION_ERRORS.items()))
    return f"python (compiled extensions not available: {why})"


if TYPE_CHECKING:
    from ._parser_py import ParserCore
    from ._tokenizer_py import CoreBPE
else:
    _tokenizer_c = _load("_tokenizer_c")
    if _tokenizer_c is not None:
        CoreBPE = _tokenizer_c.CoreBPE
    else:
        from ._tokenizer_py import CoreBPE

    _parser_c = _load("_parser_c")
    if _parser_c is not None:
        ParserCore = _parser_c.ParserCore
    else:
        from ._parser_py import ParserCore

    if EXTENSION_ERRORS:
        # Once per process (module import): silenced by setting the switch, which also
        # documents that pure Python is wanted.
        warnings.warn(
            f"openai_harmony: {backend_reason()}; results are the same, only slower. "
            f"Set {SWITCHES[0]}=1 to choose pure Python and silence this warning.",
            ExtensionWarning,
            stacklevel=2,
        )
