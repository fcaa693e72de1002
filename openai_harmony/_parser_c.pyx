# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Compiled twin of ``_parser_py.ParserCore``: only the per-token step of the parser.

``process``/``process_eos``/``feed`` are compiled; everything else (the UTF-8 handling of
uncached content tokens, headers, finishing a message, recovering mode) is the pure core's
module-level functions, and the views are its ``ParserViews`` mixin, so they exist once.
"""

from cpython.long cimport PyLong_AsLongLongAndOverflow

from openai_harmony import _parser_py as _p
from openai_harmony._tokens import check_token

cdef enum:
    EXPECT_START = 0
    HEADER = 1
    CONTENT = 2

cdef long long U32_LIMIT = 4294967296


cdef class _Step:
    """State and per-token step of the Harmony parser (compiled)."""

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
    # the ids as the slow paths read them (set by _init_core) and as C values for the step
    cdef public object _start_id
    cdef public object _message_id
    cdef public object _stop_ids
    cdef long long start_id, message_id, return_id, end_id, call_id
    cdef object __weakref__

    def __init__(self, tokenizer, role, strict, recover=False):
        _p._init_core(self, tokenizer, role, strict, recover)
        self.start_id = self._start_id
        self.message_id = self._message_id
        self.return_id, self.end_id, self.call_id = self._stop_ids

    cdef inline bint _is_stop(self, long long t):
        return t == self.return_id or t == self.end_id or t == self.call_id

    cdef int _step(self, object token, long long t) except -1:
        cdef object text
        if self._state == CONTENT:
            if self._is_stop(t):
                _p._finish_message(self)
                return 0
            if not self._pending:
                text = self._cache.get(token)
                if text is not None:
                    self._pieces.append(text)
                    self._delta = text
                    return 0
            _p._content_slow(self, token)
        elif self._state == HEADER:
            if t == self.message_id:
                _p._enter_content(self)
            elif not self._strict and self._is_stop(t):
                _p._recover_header(self)
            elif t == self.start_id and self._recover:
                _p._recover_header_start(self)
            else:
                self._header_tokens.append(token)
        elif t == self.start_id:
            self._state = HEADER
            self._header_tokens = []
            if self._recover:
                _p._open_message(self)
        else:
            _p._stray_token(self, token)
        return 0

    def process(self, token):
        """Consume one token; returns self."""
        cdef long long t = -1
        cdef int overflow = 0
        if type(token) is int:
            t = PyLong_AsLongLongAndOverflow(token, &overflow)
        if overflow or t < 0 or t >= U32_LIMIT:
            # not a plain int in u32 range: convert or raise like the official bindings
            token = check_token(token)
            t = token
        self._tokens.append(token)
        self._step(token, t)
        return self

    @property
    def last_content_delta(self):
        """Text added to the content by the last token (None if nothing was added)."""
        # the one view defined here too (ParserViews has it): streaming reads it per token
        return self._delta

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


class ParserCore(_Step, _p.ParserViews):
    """Token-by-token state machine of the Harmony parser (compiled step, shared views)."""

    __slots__ = ()
