"""What the command line's subcommands share: the error types and their one-line texts,
JSON to ``Conversation``, the ``dataset`` output line format and the lazily loaded encoding.

Imported by ``cli`` and ``_cli_dataset``; it imports neither, so the imports run one way.
"""

from __future__ import annotations

import re
from typing import Any, List, Sequence

from .chat import Conversation, Message

PROG = "openai-harmony"

# Library errors that describe bad input (a malformed conversation, an unknown token id, ...);
# anything else escaping a command is a bug and keeps its traceback. Rendering reports some
# failures as a plain RuntimeError, as the official package does (HarmonyError is one too).
_INPUT_ERRORS = (RuntimeError, ValueError, TypeError, KeyError, OverflowError)


class CLIError(Exception):
    """A user-facing failure: printed as one line, exit status ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class _UsageError(Exception):
    """Bad usage: printed as one line with a pointer to --help, exit status 2."""


def _one_line(message: str, limit: int = 500) -> str:
    """*message* on one line, cut to *limit* characters."""
    text = re.sub(r"\s*\n\s*", " ", str(message)).strip()
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def _error_text(exc: BaseException) -> str:
    """The user-facing one-line reason for a library error."""
    if isinstance(exc, KeyError) and exc.args:
        return f"missing {exc.args[0]!r}"
    if isinstance(exc, RecursionError):
        return "input nested too deeply"
    if type(exc).__name__ == "ValidationError" and callable(getattr(exc, "errors", None)):
        # pydantic's (multi-line): one "Model.field: reason" per error.
        return "; ".join(_pydantic_error_text(exc.title, e) for e in exc.errors())  # type: ignore[attr-defined]
    text = _one_line(str(exc))
    if text.startswith("invalid conversation JSON: "):
        # The position is in the library's internal serialisation, not in the user's file.
        text = re.sub(r" at line \d+ column \d+$", "", text)
    return text or type(exc).__name__


def _pydantic_error_text(title: str, error: Any) -> str:
    where = ".".join([title, *(str(x) for x in error["loc"])])
    if error["type"] == "missing":
        return f"{where}: {error['msg']}"
    return f"{where}: {error['msg']}, got {error['input']!r:.80}"


def _os_error_text(verb: str, path: str, exc: OSError) -> str:
    """``cannot read PATH: reason`` (or write)."""
    return f"cannot {verb} {path}: {exc.strerror or exc}"


def _utf8_error_text(data: bytes, exc: UnicodeDecodeError) -> str:
    """Where *data* stops being UTF-8, as the messages of every command put it."""
    return f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"


def _where(path: str) -> str:
    """How messages name an input path (``-`` is stdin)."""
    return "stdin" if path == "-" else path


def _json_type(value: Any) -> str:
    """The JSON type of *value*, with its article, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def conversation_from_json(value: Any) -> Conversation:
    """Build a ``Conversation`` from decoded JSON: ``{"messages": [...]}`` or a bare list of messages.

    Raises ``ValueError`` with a short, user-facing reason when the value is not a conversation.
    """
    if isinstance(value, dict):
        if "messages" not in value:
            raise ValueError('expected a conversation {"messages": [...]}: no "messages" key')
        messages = value["messages"]
        if not isinstance(messages, list):
            raise ValueError(f'"messages" must be a list, got {_json_type(messages)}')
    elif isinstance(value, list):
        messages = value
    else:
        raise ValueError(
            f'expected a conversation {{"messages": [...]}} or a list of messages, got {_json_type(value)}'
        )
    return Conversation.from_messages([_message_from_json(i, raw) for i, raw in enumerate(messages, 1)])


def _message_from_json(i: int, raw: Any) -> Message:
    """Message number *i* of a conversation, with the same checks and reasons as the official model."""
    if not isinstance(raw, dict):
        raise ValueError(f"message {i}: expected an object, got {_json_type(raw)}")
    for key in ("role", "content"):
        if key not in raw:
            raise ValueError(f'message {i}: missing "{key}"')
    content = raw["content"]
    if not isinstance(content, (str, list)) or (
        isinstance(content, list) and not all(isinstance(c, dict) for c in content)
    ):
        raise ValueError(f'message {i}: "content" must be a string or a list of objects')
    for key in ("role", "name", "channel", "recipient", "content_type"):
        field = raw.get(key)
        if field is not None and not isinstance(field, str):
            raise ValueError(f'message {i}: "{key}" must be a string, got {_json_type(field)}')
    try:
        return Message.from_dict(raw)
    except _INPUT_ERRORS as e:
        raise ValueError(f"message {i}: {_error_text(e)}") from None


def _example_line(tokens: Sequence[int], mask: Sequence[int], labels: bool) -> bytes:
    """One ``dataset`` output line: input_ids with their "mask" (or "labels", -100 = masked)."""
    ids = ",".join(map(str, tokens))
    if labels:
        rest = ',"labels":[' + ",".join([str(t) if m else "-100" for t, m in zip(tokens, mask)])
    else:
        rest = ',"mask":[' + ",".join(["1" if m else "0" for m in mask])
    return ('{"input_ids":[' + ids + "]" + rest + "]}\n").encode("ascii")


_enc_cache: List[Any] = []


def _encoding() -> Any:
    """The gpt-oss encoding, loaded on first use."""
    # Loaded on demand so that --help and usage errors never read the vocabulary.
    if not _enc_cache:
        from .encoding import HarmonyEncodingName, load_harmony_encoding

        _enc_cache.append(load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS))
    return _enc_cache[0]
