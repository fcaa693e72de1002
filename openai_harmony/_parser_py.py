"""The parser's pure core: the Harmony state machine over completion tokens, in Python.

The state machine follows the official parser token for token (including where invalid
UTF-8 turns into U+FFFD and which error is raised when).  Content is decoded
incrementally: each token's text is appended as one piece, so the per-token step costs a
dict lookup in the common case.  The tokens of the current content (the official keeps
them re-encoded) are only computed when ``state_data`` asks.

This is the pure core, ``ParserCore`` (state machine) and ``ParserViews`` (its read-only
views); ``_parser_c.pyx`` compiles only the per-token step and reuses everything else here.
``_backend`` picks the core, and ``parse.StreamableParser`` adds the official constructor.

Recovering mode (``recover=True``, an addition) lives in the rare paths only: the places
where strict parsing raises or meets ``<|start|>`` call the ``_recover*``/``_close*``
helpers below, so the per-token step is the same code in every mode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ._compat.rustfmt import rust_debug_str
from ._tokens import U32_LIMIT, check_token, decode_utf8
from .chat import Author, Message, Role, TextContent
from .errors import HarmonyError

__all__ = [
    "ParseIssue",
    "ParserCore",
    "ParserViews",
    "RecoveredMessages",
    "StreamState",
    "TokenSpan",
    "special_ids",
]

# o200k_harmony's ids, for the documented REASON_* texts and tokenizers without these
# special tokens; a parser reads the ids from its tokenizer (``special_ids``).
START_ID = 200006
MESSAGE_ID = 200008
# <|return|>, <|end|>, <|call|>: the encoding's stop tokens (HarmonyGptOss).
STOP_IDS = frozenset((200002, 200007, 200012))
_SPECIAL_DEFAULTS = (("<|start|>", START_ID), ("<|message|>", MESSAGE_ID),
                     ("<|return|>", 200002), ("<|end|>", 200007), ("<|call|>", 200012))
REPLACEMENT = "\ufffd"
_CHANNEL_MARKER = "<|channel|>"
_CONSTRAIN_MARKER = "<|constrain|>"

# State codes of the machine (kept as small ints for the hot path).
EXPECT_START = 0
HEADER = 1
CONTENT = 2

_ROLES: Dict[str, Role] = {r.value: r for r in Role}

# Rust's char::is_whitespace (Unicode White_Space); str.isspace() differs (e.g. \x1c..\x1f).
_RUST_WS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_RUST_WS_SET = frozenset(_RUST_WS)
# Rust's split_ascii_whitespace separators (no vertical tab).
_ASCII_WS = " \t\n\x0c\r"


class StreamState(Enum):
    """State of an incremental parser."""

    EXPECT_START = "ExpectStart"
    HEADER = "Header"
    CONTENT = "Content"


_STATE_ENUMS = (StreamState.EXPECT_START, StreamState.HEADER, StreamState.CONTENT)


# --------------------------------------------------------------------------------------
# small helpers


def special_ids(tokenizer: Any) -> Tuple[int, int, int, int, int]:
    """Ids of <|start|>, <|message|>, <|return|>, <|end|>, <|call|> in *tokenizer*."""
    table = getattr(tokenizer, "special_tokens", None) or {}
    return tuple(table.get(name, default) for name, default in _SPECIAL_DEFAULTS)


def _find_ws_or_lt(s: str) -> int:
    for i, c in enumerate(s):
        if c == "<" or c in _RUST_WS_SET:
            return i
    return len(s)


def _split_ascii_ws(s: str) -> List[str]:
    if "\x0b" not in s and "\x1c" not in s and "\x1d" not in s and "\x1e" not in s and "\x1f" not in s and s.isascii():
        return s.split()
    parts: List[str] = []
    cur: List[str] = []
    for c in s:
        if c in _ASCII_WS:
            if cur:
                parts.append("".join(cur))
                cur = []
        else:
            cur.append(c)
    if cur:
        parts.append("".join(cur))
    return parts


# A parsed header: (role, name, recipient, channel, content_type).
Header = Tuple[Role, Optional[str], Optional[str], Optional[str], Optional[str]]


def parse_header(header: str, role: Optional[Role], with_recipient_and_type: bool) -> Tuple[Header, Optional[str]]:
    """Split a decoded header into its fields; returns the header and leftover text."""
    channel = None
    idx = header.find(_CHANNEL_MARKER)
    if idx >= 0:
        after = header[idx + len(_CHANNEL_MARKER):]
        end = _find_ws_or_lt(after)
        if end == 0:
            raise HarmonyError("channel marker present but no channel value found in header")
        channel = after[:end]
        header = header[:idx] + after[end:]
    header = header.strip(_RUST_WS)
    if _CONSTRAIN_MARKER in header:
        # "to=x<|constrain|>json" must split into two parts
        header = header.replace(_CONSTRAIN_MARKER, " " + _CONSTRAIN_MARKER).strip(_RUST_WS)
    parts = _split_ascii_ws(header)

    name = None
    if role is None:
        if not parts:
            raise HarmonyError("message header did not contain a role")
        first = parts[0]
        role = _ROLES.get(first)
        if role is None:
            if len(parts) > 1 or first.startswith("to="):
                del parts[0]
                role = Role.TOOL
            else:
                raise HarmonyError(f"Unknown role: {first}")
        if role is Role.TOOL:
            name = first
    if parts and parts[0] == role.value:
        del parts[0]

    recipient = None
    content_type = None
    if with_recipient_and_type and parts:
        n = len(parts)
        last = parts.pop()
        if last.startswith("to="):
            recipient = last[3:]
        elif n == 1:
            recipient = last
        else:
            content_type = last
            raw = parts.pop()
            recipient = raw[3:] if raw.startswith("to=") else raw
    rest = " ".join(parts) if parts else None
    return (role, name, recipient, channel, content_type), rest


def _make_message(h: Header, text: str) -> Message:
    # Fields are known-valid here; skip the validating constructors and the models'
    # __setattr__ (object.__setattr__ keeps CPython's fast inline attribute storage).
    author = _new(Author)
    _set(author, "role", h[0])
    _set(author, "name", h[1])
    content = _new(TextContent)
    _set(content, "text", text)
    msg = _new(Message)
    _set(msg, "author", author)
    _set(msg, "content", [content])
    _set(msg, "channel", h[3])
    _set(msg, "recipient", h[2])
    _set(msg, "content_type", h[4])
    return msg


_new = object.__new__
_set = object.__setattr__


def _copy_message(m: Message) -> Message:
    return _make_message(
        (m.author.role, m.author.name, m.recipient, m.channel, m.content_type), m.content[0].text  # type: ignore[attr-defined]
    )


# Per-tokenizer cache: token id -> its text when the token's bytes are valid UTF-8 alone.
# Recovering parsers get a second dict that never holds <|start|>, so that token always
# leaves the fast content path (it ends the message there).
# The entry also holds the tokenizer's <|start|>, <|message|> and stop-token ids.
_TEXT_CACHES: Dict[int, Tuple[Any, Dict[int, str], Dict[int, str], Tuple[int, int, Tuple[int, int, int]]]] = {}


def _tokenizer_entry(tokenizer: Any) -> Tuple[Any, Dict[int, str], Dict[int, str], Tuple[int, int, Tuple[int, int, int]]]:
    entry = _TEXT_CACHES.get(id(tokenizer))
    if entry is None or entry[0] is not tokenizer:
        if len(_TEXT_CACHES) >= 8:
            # encodings are shared, so this only happens with hand-made tokenizers: don't pin them all
            _TEXT_CACHES.clear()
        start, message, ret, end, call = special_ids(tokenizer)
        entry = (tokenizer, {}, {}, (start, message, (ret, end, call)))
        _TEXT_CACHES[id(tokenizer)] = entry
    return entry


def _text_cache(tokenizer: Any, recover: bool = False) -> Dict[int, str]:
    entry = _tokenizer_entry(tokenizer)
    return entry[2] if recover else entry[1]


# --------------------------------------------------------------------------------------
# recovering mode: records and helpers


@dataclass(frozen=True)
class ParseIssue:
    """One problem a recovering parser found in the token stream (and got past).

    ``position`` is the index in ``parser.tokens`` of the token at which the problem
    showed (``len(parser.tokens)`` for the end of the stream), ``token`` that token (None
    at the end of the stream).  ``reason`` says what was wrong: where strict parsing
    raises ``HarmonyError`` at that token, it is that error's text, word for word;
    otherwise one of ``REASON_*`` (module constants).  ``message`` is the index in
    ``parser.messages`` of the message the affected tokens went to (it is there once that
    message is finished), or None when they were kept as a raw piece (a ``TokenSpan``
    without a message).
    """

    position: int
    token: Optional[int]
    reason: str
    message: Optional[int]


@dataclass(frozen=True)
class TokenSpan:
    """Tokens ``parser.tokens[start:end]``: one message (``message``: its index in
    ``parser.messages``) or, with ``message`` None, a raw piece that belongs to no message.

    In recovering mode the spans of a finished stream tile its tokens in order, so no token
    is ever lost: a message's span runs from its ``<|start|>`` to its stop token.
    """

    start: int
    end: int
    message: Optional[int]


class RecoveredMessages(List[Message]):
    """The messages of a recovering parse (a plain list of ``Message``), with the problems
    found (``errors``: ``ParseIssue`` list) and how the tokens divide (``spans``)."""

    errors: List[ParseIssue]
    spans: List[TokenSpan]

    def __init__(self, messages: Iterable[Message] = (), errors: Iterable[ParseIssue] = (),
                 spans: Iterable[TokenSpan] = ()) -> None:
        super().__init__(messages)
        self.errors = list(errors)
        self.spans = list(spans)


#: ``ParseIssue.reason`` for a stop token (``<|end|>``, ``<|return|>``, ``<|call|>``) in a
#: header, before ``<|message|>`` (``{}``: the token id).
REASON_STOP_IN_HEADER = "message header ended by stop token {} before <|message|>"
#: ``ParseIssue.reason`` for ``<|start|>`` in a header, before ``<|message|>``.
REASON_START_IN_HEADER = f"message header ended by start token {START_ID} before <|message|>"
#: ``ParseIssue.reason`` for ``<|start|>`` in message content (no stop token before it).
REASON_START_IN_CONTENT = f"start token {START_ID} in message content: message ended without a stop token"
#: ``ParseIssue.reason`` for the end of the stream inside a header (strict mode's error text).
REASON_EOS_IN_HEADER = "Unexpected EOS while waiting for message header to complete"

# One item of a header: a channel or constrain marker with its value, another special
# token's text, or a word.
_HEADER_ITEM = re.compile(r"<\|channel\|>[^\s<]*|<\|constrain\|>[^\s<]*|<\|[^\s|]*\|>|[^\s<]+|<")


def _lenient_header(text: str, role: Optional[Role], complete: bool) -> Tuple[Header, str]:
    """Read the fields of a header strict parsing rejected, as far as they can be read.

    The first ``<|channel|>`` value, ``to=`` word and ``<|constrain|>`` word give channel,
    recipient and content type; a role name as first word gives the role (default: the role
    the parser was given, else assistant).  A *complete* header (``<|message|>`` came)
    ignores what it cannot place.  An incomplete one (closed by a stop token, ``<|start|>``
    or the end of the stream) stops at the first item that is not a new header field: the
    text from there on is returned as the message content, verbatim.
    """
    name = channel = recipient = ctype = None
    items = list(_HEADER_ITEM.finditer(text))
    n_words = sum(1 for m in items if not m.group().startswith(_CHANNEL_MARKER))
    rest_at = 0 if not complete else len(text)
    first = True
    consumed = False
    for idx, m in enumerate(items):
        w = m.group()
        if w.startswith(_CHANNEL_MARKER):
            ok = channel is None and len(w) > len(_CHANNEL_MARKER)
            if ok:
                channel = w[len(_CHANNEL_MARKER):]
            was_first = first
        else:
            was_first = first
            first = False
            if w.startswith(_CONSTRAIN_MARKER):
                ok = ctype is None
                if ok:
                    ctype = w
            elif w.startswith("to=") and len(w) > 3:
                ok = recipient is None
                if ok:
                    recipient = w[3:]
            elif was_first and w in _ROLES and (role is None or _ROLES[w] is role):
                ok = True
                role = _ROLES[w]
            elif complete and was_first and role is None and n_words > 1:
                # as strict parsing does: a first word that is no role names a tool
                ok = True
                role, name = Role.TOOL, w
            elif complete and recipient is not None and ctype is None and idx + 1 == len(items):
                ok = True
                ctype = w
            else:
                ok = False
        if not complete:
            if not ok:
                rest_at = m.start() if consumed else 0
                break
            consumed = True
    else:
        if not complete:
            rest_at = len(text)
    if role is None:
        role = Role.ASSISTANT
    return (role, name, recipient, channel, ctype), ("" if complete else text[rest_at:])


def _decode_lossy(tok: Any, tokens: List[int]) -> str:
    """Text of *tokens*: invalid UTF-8 and ids outside the vocabulary become U+FFFD."""
    try:
        data: bytes = tok.decode_bytes(tokens)
        return data.decode("utf-8", "replace")
    except HarmonyError:
        pass
    parts = []
    buf = b""
    for t in tokens:
        try:
            buf += tok.token_bytes(t)
        except HarmonyError:
            parts.append(buf.decode("utf-8", "replace") + REPLACEMENT)
            buf = b""
    parts.append(buf.decode("utf-8", "replace"))
    return "".join(parts)


def _add_issue(p: Any, position: int, token: Optional[int], reason: str, message: Optional[int]) -> None:
    p._issues.append(ParseIssue(position, token, reason, message))


def _close_span(p: Any, end: int, message: Optional[int]) -> None:
    if p._seg >= 0 and end > p._seg:
        p._spans.append(TokenSpan(p._seg, end, message))
    p._seg = -1


def _close_header(p: Any, pos: int, token: Optional[int], reason: str, end: int) -> None:
    # A header that never reached <|message|>: surfaced as a message (content: the text
    # after its fields) unless it is empty; its tokens up to *end* become the span.
    htoks = p._header_tokens
    role = p._next_role
    p._header_tokens = []
    p._next_role = None
    p._state = EXPECT_START
    index = None
    if htoks:
        header, rest = _lenient_header(_decode_lossy(p._tok, htoks), role, False)
        index = len(p._messages)
        p._messages.append(_make_message(header, rest))
    _add_issue(p, pos, token, reason, index)
    _close_span(p, end, index)


def _stray_token(p: Any, token: int) -> None:
    """A token other than ``<|start|>`` while a start is expected."""
    if not p._recover:
        raise _unexpected_token(p, token)
    if p._seg < 0:
        # a raw piece starts here and runs to the next <|start|> (or the end)
        pos = len(p._tokens) - 1
        p._seg = pos
        _add_issue(p, pos, token, str(_unexpected_token(p, token)), None)


def _open_message(p: Any) -> None:
    # recover: <|start|> while a start is expected (closes a raw piece before it)
    pos = len(p._tokens) - 1
    if p._seg >= 0:
        _close_span(p, pos, None)
    p._seg = pos


def _recover_header_start(p: Any) -> None:
    # recover: <|start|> inside a header closes it; a new header begins at this token
    pos = len(p._tokens) - 1
    _close_header(p, pos, p._start_id, REASON_START_IN_HEADER, pos)
    p._state = HEADER
    p._seg = pos


def _recover_content_start(p: Any) -> None:
    # recover: <|start|> inside content ends the message (its text as far as it came)
    pos = len(p._tokens) - 1
    _add_issue(p, pos, p._start_id, REASON_START_IN_CONTENT, len(p._messages))
    _finish_message(p, pos)
    p._state = HEADER
    p._header_tokens = []
    p._seg = pos


# --------------------------------------------------------------------------------------
# the state machine
#
# The rare paths are module-level functions of the parser object so that the pure core
# below and the compiled one (``_parser_c.pyx``) share them: the compiled twin holds only
# the per-token step (``process``/``feed``); the views are ``ParserViews``, defined once.


def _init_core(p: Any, tokenizer: Any, role: Optional[Role], strict: bool, recover: bool = False) -> None:
    p._tok = tokenizer
    entry = _tokenizer_entry(tokenizer)
    p._start_id, p._message_id, p._stop_ids = entry[3]
    # recovering mode takes the non-strict branch for stop tokens in a header (and handles them itself)
    p._strict = strict and not recover
    p._recover = recover
    p._issues = []
    p._spans = []
    p._seg = 0 if role is not None else -1  # start of the open message or raw piece (recover)
    p._next_role = role
    p._tokens = []
    p._messages = []
    p._state = HEADER if role is not None else EXPECT_START
    p._header_tokens = []
    p._header = None
    p._pieces = []  # decoded content, as rendered piece by piece
    p._delta = None
    p._utoks = []  # tokens not decodable yet (an invalid id is among them)
    p._ubytes = b""  # bytes of an incomplete (or not yet reported) UTF-8 sequence
    p._pending = False  # _utoks or _ubytes non-empty
    p._cache = _text_cache(tokenizer, recover)
    p._ct = []  # re-encoded content tokens, for state_data
    p._ct_n = 0
    p._text = ""
    p._text_n = 0


def _content_slow(p: Any, token: int) -> None:
    if p._recover and token == p._start_id:
        _recover_content_start(p)
        return
    utoks = p._utoks
    if utoks:
        # utoks[0] is outside the vocabulary (every decode that succeeds empties the list),
        # so nothing decodes until the message ends: don't re-decode a growing list per token.
        utoks.append(token)
        p._delta = None
        return
    utoks.append(token)
    try:
        data = p._tok.decode_bytes(utoks) if len(utoks) > 1 else p._tok.token_bytes(token)
    except HarmonyError:
        # an id outside the vocabulary: it stays undecoded until the message ends
        p._delta = None
        p._pending = True
        return
    if not p._ubytes and len(utoks) == 1:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            p._cache[token] = text
            p._pieces.append(text)
            p._delta = text
            utoks.clear()
            p._pending = False
            return
    buf = p._ubytes + data
    try:
        text = buf.decode("utf-8")
    except UnicodeDecodeError as e:
        delta = ""
        valid = e.start
        if valid:
            delta = buf[:valid].decode("utf-8")
            p._pieces.append(delta)
        if e.reason == "unexpected end of data" and e.end == len(buf):
            # the sequence may still complete with the next token
            p._delta = None
            buf = buf[valid:]
        else:
            # one invalid sequence is replaced per step; later bytes wait for the next token
            p._pieces.append(REPLACEMENT)
            delta += REPLACEMENT
            buf = buf[e.end:]
        if delta:
            p._delta = delta
        p._ubytes = buf
    else:
        p._pieces.append(text)
        p._delta = text
        p._ubytes = b""
    utoks.clear()
    p._pending = bool(p._ubytes)


def _finish_message(p: Any, end: Optional[int] = None) -> None:
    text = "".join(p._pieces)
    if p._utoks:
        try:
            text += decode_utf8(p._tok, p._utoks)
        except HarmonyError:
            text += REPLACEMENT
    if p._ubytes:
        text += p._ubytes.decode("utf-8", "replace")
    p._messages.append(_make_message(p._header, text))
    p._state = EXPECT_START
    p._delta = None
    p._utoks = []
    p._ubytes = b""
    p._pending = False
    if p._recover:
        _close_span(p, len(p._tokens) if end is None else end, len(p._messages) - 1)


def _enter_content(p: Any) -> None:
    header_tokens = p._header_tokens
    # on a header error the parser is left expecting a start token
    p._state = EXPECT_START
    p._header_tokens = []
    try:
        try:
            text = p._tok.decode_bytes(header_tokens).decode("utf-8")
        except (HarmonyError, UnicodeDecodeError):
            raise HarmonyError("could not decode header") from None
        header, rest = parse_header(text, p._next_role, True)
        if rest is not None:
            raise HarmonyError(f"unexpected tokens remaining in message header: Some({rust_debug_str(rest)})")
    except HarmonyError as e:
        if not p._recover:
            raise
        # keep the message: its header fields as far as they can be read, its content as usual
        header = _lenient_header(_decode_lossy(p._tok, header_tokens), p._next_role, True)[0]
        _add_issue(p, len(p._tokens) - 1, p._message_id, str(e), len(p._messages))
    p._next_role = None
    p._header = header
    p._pieces = []
    p._ct = []
    p._ct_n = 0
    p._text = ""
    p._text_n = 0
    p._state = CONTENT


def _recover_header(p: Any) -> None:
    # Non-strict: a stop token before <|message|>. With a known role the header text
    # becomes a message (its leftover words are the content).
    if p._recover:
        pos = len(p._tokens) - 1
        token = p._tokens[pos]
        _close_header(p, pos, token, REASON_STOP_IN_HEADER.format(token), pos + 1)
        return
    role = p._next_role
    if role is not None and p._header_tokens:
        text = decode_utf8(p._tok, p._header_tokens)
        header, rest = parse_header(text, role, False)
        p._messages.append(_make_message(header, rest or ""))
    p._state = EXPECT_START
    p._next_role = None


def _unexpected_token(p: Any, token: int) -> HarmonyError:
    return HarmonyError(f"Unexpected token {token} while expecting start token {p._start_id}")


def _eos(p: Any) -> None:
    if p._state == CONTENT:
        _finish_message(p)
    elif p._state == HEADER:
        if p._recover:
            n = len(p._tokens)
            _close_header(p, n, None, REASON_EOS_IN_HEADER, n)
            return
        raise HarmonyError(REASON_EOS_IN_HEADER)
    elif p._recover and p._seg >= 0:
        _close_span(p, len(p._tokens), None)


def _content_text(p: Any) -> str:
    pieces = p._pieces
    if p._text_n != len(pieces):
        p._text = "".join(pieces)
        p._text_n = len(pieces)
    text: str = p._text
    return text


def _content_tokens(p: Any) -> List[int]:
    pieces = p._pieces
    n = p._ct_n
    if n != len(pieces):
        enc = p._tok.encode_ordinary
        ct = p._ct
        for piece in pieces[n:]:
            ct.extend(enc(piece))
        p._ct_n = len(pieces)
    ct_all: List[int] = p._ct
    return ct_all


def _messages_copy(p: Any) -> List[Message]:
    return [_copy_message(m) for m in p._messages]


def _state_data(p: Any) -> Dict[str, Any]:
    """The parser state as a dict (same content as the official JSON)."""
    st = p._state
    if st == EXPECT_START:
        return {"state": "ExpectStart"}
    if st == HEADER:
        return {"state": "Header", "header_tokens": list(p._header_tokens)}
    h = p._header
    author: Dict[str, Any] = {"role": h[0].value}
    if h[1] is not None:
        author["name"] = h[1]
    return {
        "state": "Content",
        "header": {"author": author, "recipient": h[2], "channel": h[3], "content_type": h[4]},
        "content_tokens": list(_content_tokens(p)),
    }


class ParserViews:
    """The parser's read-only views, shared by the pure and the compiled core (defined once)."""

    __slots__ = ()

    # Each view reads the state fields both cores define (``_state``, ``_header``, ...).
    _state: int
    _header: Optional[Header]
    _next_role: Optional[Role]
    _delta: Optional[str]
    _tokens: List[int]
    _issues: List[ParseIssue]
    _spans: List[TokenSpan]

    @property
    def current_content(self) -> str:
        """Text of the message being parsed so far ("" outside message content)."""
        return _content_text(self) if self._state == CONTENT else ""

    @property
    def current_role(self) -> Optional[Role]:
        """Role of the current message (or the role given for the first one)."""
        if self._state == CONTENT:
            return self._header[0]  # type: ignore[index]
        return self._next_role

    @property
    def current_content_type(self) -> Optional[str]:
        """Content type of the current message, if known."""
        return self._header[4] if self._state == CONTENT else None  # type: ignore[index]

    # (the compiled core overrides this one view: streaming reads it after every token)
    @property
    def last_content_delta(self) -> Optional[str]:
        """Text added to the content by the last token (None if nothing was added)."""
        return self._delta

    @property
    def messages(self) -> List[Message]:
        """All completed messages."""
        return _messages_copy(self)

    @property
    def tokens(self) -> List[int]:
        """All tokens fed so far."""
        return list(self._tokens)

    @property
    def state_data(self) -> Dict[str, Any]:
        """The parser state as a dict (same content as the official JSON)."""
        return _state_data(self)

    @property
    def state(self) -> StreamState:
        """The current state (ExpectStart, Header or Content)."""
        return _STATE_ENUMS[self._state]

    @property
    def current_recipient(self) -> Optional[str]:
        """Recipient of the current message, if known."""
        return self._header[2] if self._state == CONTENT else None  # type: ignore[index]

    @property
    def current_channel(self) -> Optional[str]:
        """Channel of the current message, if known."""
        return self._header[3] if self._state == CONTENT else None  # type: ignore[index]

    @property
    def errors(self) -> List[ParseIssue]:
        """Problems found so far (recovering mode; always empty otherwise)."""
        return list(self._issues)

    @property
    def spans(self) -> List[TokenSpan]:
        """Token spans of the messages and raw pieces closed so far (recovering mode)."""
        return list(self._spans)


class ParserCore(ParserViews):
    """Token-by-token state machine (pure Python; ``_parser_c.pyx`` has the compiled twin)."""

    __slots__ = (
        "__weakref__", "_cache", "_ct", "_ct_n", "_delta", "_header", "_header_tokens", "_issues",
        "_message_id", "_messages", "_next_role", "_pending", "_pieces", "_recover", "_seg", "_spans",
        "_start_id", "_state", "_stop_ids", "_strict", "_text", "_text_n", "_tok", "_tokens", "_ubytes",
        "_utoks",
    )

    _tok: Any
    _strict: bool
    _recover: bool
    _messages: List[Message]
    _header_tokens: List[int]
    _pieces: List[str]
    _utoks: List[int]
    _ubytes: bytes
    _pending: bool
    _cache: Dict[int, str]
    _ct: List[int]
    _ct_n: int
    _text: str
    _text_n: int
    _seg: int
    _start_id: int
    _message_id: int
    _stop_ids: Tuple[int, int, int]

    def __init__(self, tokenizer: Any, role: Optional[Role], strict: bool, recover: bool = False) -> None:
        _init_core(self, tokenizer, role, strict, recover)

    def process(self, token: int) -> Any:
        """Consume one token; returns self."""
        if type(token) is not int or token < 0 or token >= U32_LIMIT:
            token = check_token(token)
        self._tokens.append(token)
        if self._state == CONTENT:
            if token in self._stop_ids:
                _finish_message(self)
                return self
            if not self._pending:
                text = self._cache.get(token)
                if text is not None:
                    self._pieces.append(text)
                    self._delta = text
                    return self
            _content_slow(self, token)
        elif self._state == HEADER:
            if token == self._message_id:
                _enter_content(self)
            elif not self._strict and token in self._stop_ids:
                _recover_header(self)
            elif token == self._start_id and self._recover:
                _recover_header_start(self)
            else:
                self._header_tokens.append(token)
        elif token == self._start_id:
            self._state = HEADER
            self._header_tokens = []
            if self._recover:
                _open_message(self)
        else:
            _stray_token(self, token)
        return self

    def process_eos(self) -> Any:
        """Signal the end of the stream (finishes a message whose content was open); returns self."""
        _eos(self)
        return self

    def feed(self, tokens: Iterable[int]) -> None:
        """``process`` each of *tokens*, stopping at the first error."""
        process = self.process
        cache = self._cache
        stops = self._stop_ids
        for token in tokens:
            # inline the common step: plain content text with nothing pending (anything but
            # an exact int, e.g. True, 5.0 or an unhashable, takes process()'s conversion)
            if self._state == CONTENT and not self._pending and type(token) is int and token not in stops:
                text = cache.get(token)
                if text is not None:
                    self._tokens.append(token)
                    self._pieces.append(text)
                    self._delta = text
                    continue
            process(token)
