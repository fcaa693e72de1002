"""The one import switch between the compiled and the pure-Python hot paths.

Like msgpack-python: use the Cython extension modules when they import, else the
pure-Python modules; ``OPENAI_HARMONY_PURE_PYTHON=1`` forces the pure-Python ones.
``BACKEND`` says which one is active ("cython" or "python").
"""

from __future__ import annotations

import os

__all__ = ["BACKEND", "CoreBPE", "EXTENSION_ERROR"]

#: Why the compiled backend is not active (None when it is, or when pure Python was forced).
EXTENSION_ERROR = None

if os.environ.get("OPENAI_HARMONY_PURE_PYTHON", "").strip() not in ("", "0"):
    from .tokenizer import CoreBPE

    BACKEND = "python"
else:
    try:
        from ._tokenizer import CoreBPE  # type: ignore[no-redef]

        BACKEND = "cython"
    except ImportError as exc:
        EXTENSION_ERROR = f"{type(exc).__name__}: {exc}"
        from .tokenizer import CoreBPE  # type: ignore[no-redef]

        BACKEND = "python"
