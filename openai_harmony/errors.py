"""The exception type raised for Harmony-specific failures."""

from __future__ import annotations

__all__ = ["HarmonyError"]


class HarmonyError(RuntimeError):
    """Raised when tokenizing, rendering or parsing fails (subclass of RuntimeError)."""


# The official package defines the exception in its extension module named
# ``openai_harmony``; matching the module keeps reprs and pickles identical.
HarmonyError.__module__ = "openai_harmony"
