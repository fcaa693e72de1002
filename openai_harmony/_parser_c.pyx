# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Compiled twin of ``parse._PyParserCore``: the token-by-token step of the parser.

``process``/``process_eos``/``feed`` and the incremental UTF-8 handling of message content
live here; the rare paths (header parsing, finishing a message) are the shared functions of
``parse.py``, looked up through the module at call time (parse.py imports this module, so no
import cycle at load).
"""

cimport cython
from cpython.long cimport PyLong_AsLongLongAndOverflow

from openai_harmony import _parser_py as _p
from openai_harmony.errors import HarmonyError

cdef str REPLACEMENT = "\ufffd"

cdef enum:
    EXPECT_START = 0
    HEADER = 1
    CONTENT = 2
    START_ID = 200006
    MESSAGE_ID = 200008
    RETURN_ID = 200002
    END_ID = 200007
    CALL_ID = 200012

cdef long long U32_LIMIT = 4294967296


@cython.boundscheck(True)
@cython.wraparound(True)
cdef inline object _field(object header, Py_ssize_t i):
    # _header and _state are public (writable) attributes: index with bounds checks, so
    # that a foreign value raises (as in the pure core) instead of reading past the end
    return header[i]


cdef inline bint _is_stop(long long t):
    return t == RETURN_ID or t == END_ID or t == CALL_ID


cdef class ParserCore:
    """Token-by-token state machine of the Harmony parser (compiled)."""

    cdef public object _tok
    cdef public bint _strict
    cdef public object _next_role
    cdef public list _tokens
    cdef public list _messages
    cdef public int _state
    cdef public list _header_tokens
    cdef public object _header
    cdef public list _pieces
    cdef public object _delta
    cdef public list _utoks
    cdef public bytes _ubytes
    cdef public bint _pending
    cdef public dict _cache
    cdef public list _ct
    cdef public Py_ssize_t _ct_n
    cdef public str _text
    cdef public Py_ssize_t _text_n
    cdef public bint _recover
    cdef public list _issues
    cdef public list _spans
    cdef public Py_ssize_t _seg
    cdef object __weakref__

    def __init__(self, tokenizer, role, strict, recover=False):
        _p._init_core(self, tokenizer, role, strict, recover)

    cdef int _step(self, object token, long long t) except -1:
        cdef object text
        if self._state == CONTENT:
            if _is_stop(t):
                _p._finish_message(self)
                return 0
            if not self._pending:
                text = self._cache.get(token)
                if text is not None:
                    self._pieces.append(text)
                    self._delta = text
                    return 0
            if t == START_ID and self._recover:
                # recovering parsers never cache <|start|>, so it always gets here
                _p._recover_content_start(self)
                return 0
            self._content_utf8(token)
        elif self._state == HEADER:
            if t == MESSAGE_ID:
                _p._enter_content(self)
            elif not self._strict and _is_stop(t):
                _p._recover_header(self)
            elif t == START_ID and self._recover:
                _p._recover_header_start(self)
            else:
                self._header_tokens.append(token)
        elif t == START_ID:
            self._state = HEADER
            self._header_tokens = []
            if self._recover:
                _p._open_message(self)
        else:
            _p._stray_token(self, token)
        return 0

    cdef int _content_utf8(self, object token) except -1:
        """Content token that is not plain cached text: incremental UTF-8 (``parse._content_slow``)."""
        cdef list utoks = self._utoks
        cdef bytes data, buf
        cdef str text, delta
        cdef Py_ssize_t valid
        if utoks:
            # utoks[0] is outside the vocabulary (see parse._content_slow): nothing decodes
            # until the message ends, so no re-decoding of a growing list per token.
            utoks.append(token)
            self._delta = None
            return 0
        utoks.append(token)
        try:
            data = self._tok.decode_bytes(utoks) if len(utoks) > 1 else self._tok.token_bytes(token)
        except HarmonyError:
            # an id outside the vocabulary: it stays undecoded until the message ends
            self._delta = None
            self._pending = True
            return 0
        if not self._ubytes and len(utoks) == 1:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                self._cache[token] = text
                self._pieces.append(text)
                self._delta = text
                utoks.clear()
                self._pending = False
                return 0
        buf = self._ubytes + data
        try:
            text = buf.decode("utf-8")
        except UnicodeDecodeError as e:
            delta = ""
            valid = e.start
            if valid:
                delta = buf[:valid].decode("utf-8")
                self._pieces.append(delta)
            if e.reason == "unexpected end of data" and e.end == len(buf):
                # the sequence may still complete with the next token
                self._delta = None
                buf = buf[valid:]
            else:
                # one invalid sequence is replaced per step; later bytes wait for the next token
                self._pieces.append(REPLACEMENT)
                delta += REPLACEMENT
                buf = buf[e.end:]
            if delta:
                self._delta = delta
            self._ubytes = buf
        else:
            self._pieces.append(text)
            self._delta = text
            self._ubytes = b""
        utoks.clear()
        self._pending = len(self._ubytes) > 0
        return 0

    def process(self, token):
        """Consume one token; returns self."""
        cdef long long t = -1
        cdef int overflow = 0
        if type(token) is int:
            t = PyLong_AsLongLongAndOverflow(token, &overflow)
        if overflow or t < 0 or t >= U32_LIMIT:
            # not a plain int in u32 range: convert or raise like the official bindings
            token = _p.check_token(token)
            t = token
        self._tokens.append(token)
        self._step(token, t)
        return self

    def process_eos(self):
        """Signal the end of the stream (finishes a message whose content was open); returns self."""
        _p._eos(self)
        return self

    def feed(self, tokens):
        """``process`` each of *tokens*, stopping at the first error."""
        cdef list toks
        cdef object token
        cdef long long t
        cdef int overflow = 0
        if type(tokens) is not list:
            # any iterable, consumed lazily like the pure core does
            for token in tokens:
                self.process(token)
            return
        toks = tokens
        for token in toks:
            if type(token) is int:
                t = PyLong_AsLongLongAndOverflow(token, &overflow)
                if not overflow and 0 <= t < U32_LIMIT:
                    self._tokens.append(token)
                    self._step(token, t)
                    continue
            # anything else converts (or fails) exactly as in process()
            self.process(token)

    # -- views (the same as the pure core's) -------------------------------------------

    @property
    def current_content(self):
        """Text of the message being parsed so far ("" outside message content)."""
        return _p._content_text(self) if self._state == CONTENT else ""

    @property
    def current_role(self):
        """Role of the current message (or the role given for the first one)."""
        if self._state == CONTENT:
            return _field(self._header, 0)
        return self._next_role

    @property
    def current_content_type(self):
        """Content type of the current message, if known."""
        return _field(self._header, 4) if self._state == CONTENT else None

    @property
    def last_content_delta(self):
        """Text added to the content by the last token (None if nothing was added)."""
        return self._delta

    @property
    def messages(self):
        """All completed messages."""
        return _p._messages_copy(self)

    @property
    def tokens(self):
        """All tokens fed so far."""
        return list(self._tokens)

    @property
    def state_data(self):
        """The parser state as a dict (same content as the official JSON)."""
        return _p._state_data(self)

    @property
    def state(self):
        """The current state (ExpectStart, Header or Content)."""
        return _field(_p._STATE_ENUMS, self._state)

    @property
    def current_recipient(self):
        """Recipient of the current message, if known."""
        return _field(self._header, 2) if self._state == CONTENT else None

    @property
    def current_channel(self):
        """Channel of the current message, if known."""
        return _field(self._header, 3) if self._state == CONTENT else None

    @property
    def errors(self):
        """Problems found so far (recovering mode; always empty otherwise)."""
        return list(self._issues)

    @property
    def spans(self):
        """Token spans of the messages and raw pieces closed so far (recovering mode)."""
        return list(self._spans)
