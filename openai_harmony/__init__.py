"""openai-harmony for Python: OpenAI's Harmony chat format for the gpt-oss models.

A drop-in replacement for the official ``openai-harmony`` package (same names, defaults,
errors, and byte-identical tokens) that installs without Rust: hot paths are compiled
with Cython when possible, with a pure-Python fallback (``BACKEND`` says which is active;
``OPENAI_HARMONY_NO_EXTENSIONS=1`` forces the fallback).
"""

from __future__ import annotations

from . import _backend
from ._version import __version__ as __version__
from .chat import (
    Author,
    ChannelConfig,
    Content,
    Conversation,
    DeveloperContent,
    Message,
    ReasoningEffort,
    RenderConversationConfig,
    RenderOptions,
    Role,
    SystemContent,
    TextContent,
    ToolDescription,
    ToolNamespaceConfig,
)
from .encoding import (
    HarmonyEncoding,
    HarmonyEncodingName,
    load_harmony_encoding,
)

# public in the official package, but not in its __all__
from .encoding import raise_disallowed_special_token as raise_disallowed_special_token  # noqa: I001
from .errors import HarmonyError
from .parse import ParseIssue, RecoveredMessages, StreamableParser, StreamState, TokenSpan

#: Which implementation of the hot paths is active: "cython" (every compiled module
#: loaded) or "python" (forced with OPENAI_HARMONY_NO_EXTENSIONS=1, or not compiled).
BACKEND: str = _backend.backend()


__all__ = [
    "BACKEND",
    "Author",
    "ChannelConfig",
    "Content",
    "Conversation",
    "DeveloperContent",
    "HarmonyEncoding",
    "HarmonyEncodingName",
    "HarmonyError",
    "Message",
    "ParseIssue",
    "ReasoningEffort",
    "RecoveredMessages",
    "RenderConversationConfig",
    "RenderOptions",
    "Role",
    "StreamState",
    "StreamableParser",
    "SystemContent",
    "TextContent",
    "TokenSpan",
    "ToolDescription",
    "ToolNamespaceConfig",
    "load_harmony_encoding",
]
