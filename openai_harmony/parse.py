"""Parsing completion tokens back into messages: ``StreamableParser`` and a batch helper.

The state machine follows the official parser token for token (including where invalid
UTF-8 turns into U+FFFD and which error is raised when); it lives in ``_parser_py.py``
(pure) and ``_parser_c.pyx`` (its compiled per-token step), and ``_backend`` picks one.
This module adds the official constructor and argument checks.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Optional

from ._backend import ParserCore
from ._compat.args import expected, listed
from ._parser_py import (  # the REASON_* texts are documented as this module's constants
    _ROLES,
    REASON_EOS_IN_HEADER,
    REASON_START_IN_CONTENT,
    REASON_START_IN_HEADER,
    REASON_STOP_IN_HEADER,
    ParseIssue,
    RecoveredMessages,
    StreamState,
    TokenSpan,
)
from ._tokens import check_token_list
from .chat import Message, Role

__all__ = [
    "REASON_EOS_IN_HEADER",
    "REASON_START_IN_CONTENT",
    "REASON_START_IN_HEADER",
    "REASON_STOP_IN_HEADER",
    "ParseIssue",
    "RecoveredMessages",
    "StreamState",
    "StreamableParser",
    "TokenSpan",
    "parse_messages_from_completion_tokens",
]


def _bool_arg(value: Any, name: str, default: bool) -> bool:
    # As the bindings convert an Option<bool>: None means the default, nothing else but a bool.
    if value is None:
        return default
    if value is True or value is False:
        return value
    raise TypeError(f"argument '{name}': '{type(value).__name__}' object cannot be converted to 'PyBool'")


def _role_arg(role: Any) -> Optional[str]:
    # Like the official wrapper: read ``role.value`` (an AttributeError there, for plain
    # strings too; here also a TypeError naming the argument).
    if role is None:
        return None
    try:
        value = role.value
    except AttributeError:
        raise expected("role", "Role or None", role) from None
    return str(value)


def _resolve_role(role_str: Optional[str]) -> Optional[Role]:
    if role_str is None:
        return None
    try:
        return _ROLES[role_str]
    except KeyError:
        raise ValueError(f"unknown role: {role_str}") from None



class StreamableParser(ParserCore):
    """Incremental parser over completion tokens (feed with ``process``).

    ``strict`` (default) and ``strict=False`` behave as in the official package.
    ``recover=True`` (opt-in; ``strict`` then has no effect) never raises on malformed
    model output; it keeps every token and records what it got past in ``errors``
    (``ParseIssue`` list) and how the tokens divide into messages and raw pieces in
    ``spans`` (``TokenSpan`` list):

    - a header strict parsing rejects at ``<|message|>`` (``to=`` twice, stray words,
      unknown role, empty channel, undecodable bytes) gives a message with the fields that
      can be read (first ``<|channel|>`` value, first ``to=`` word, first ``<|constrain|>``
      word, the role; assistant when no role can be read); its content is parsed as usual;
    - a header closed by a stop token, ``<|start|>`` or the end of the stream (no
      ``<|message|>``, e.g. a refusal written straight after ``<|start|>assistant``) gives
      a message whose content is the text after the header fields;
    - ``<|start|>`` inside content ends that message (the new one starts there);
    - tokens while a start is expected (``<|return|>`` or ``<|call|>`` after ``<|end|>``,
      text before ``<|start|>``) are kept as a raw piece up to the next ``<|start|>``.

    Token ids outside the vocabulary are model output too (U+FFFD in the text); only
    arguments that are no token ids at all (``"a"``, ``-1``, ``2**32``) still raise, as
    in strict mode.  On streams strict parsing accepts and that have no ``<|start|>`` or
    stop token inside a message, the messages are exactly those of strict mode (content
    cut off by the end of the stream is finished as there, without a record).  Call
    ``process_eos`` at the end: it closes an open header or raw piece without raising.
    An issue is recorded at the token that shows it; a span when its piece closes.
    """

    # No __slots__: instances have a __dict__, so tests can patch methods on one parser
    # (``mock.patch.object(p, "process")``) and ``vars(p)`` works, as with the official.

    def __init__(self, encoding: Any, role: Optional[Role], *, strict: bool = True, recover: bool = False) -> None:
        role_str = _role_arg(role)
        try:
            tokenizer = encoding._tokenizer
        except AttributeError:
            raise expected("encoding", "HarmonyEncoding", encoding) from None
        strict = _bool_arg(strict, "strict", True)
        recover = _bool_arg(recover, "recover", False)
        ParserCore.__init__(self, tokenizer, _resolve_role(role_str), strict, recover)


def parse_messages_from_completion_tokens(
    tokenizer: Any, tokens: Iterable[int], role: Optional[Role] = None, *, strict: bool = True,
    recover: bool = False,
) -> List[Message]:
    """Parse completion *tokens* into messages (*role*: the role already rendered, if any).

    With ``recover=True`` this never raises on malformed model output and returns a
    ``RecoveredMessages`` (a list of the messages, with ``errors`` and ``spans``); see
    ``StreamableParser``.
    """
    toks = listed(tokens, "tokens")
    role_str = _role_arg(role)
    toks = check_token_list(toks)
    strict = _bool_arg(strict, "strict", True)
    recover = _bool_arg(recover, "recover", False)
    parser = ParserCore(tokenizer, _resolve_role(role_str), strict, recover)
    parser.feed(toks)
    parser.process_eos()
    if recover:
        return RecoveredMessages(parser._messages, parser._issues, parser._spans)
    return parser._messages
