# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled byte-pair encoder for o200k_harmony: same API and results as ``_tokenizer_py.py``.

The o200k pre-tokenizer is a hand-written scanner over UTF-8 (``_bpe_core.h``) whose
character classes come from the ``regex`` module's own tables, pinned like the pure
backend's pattern to the official tokenizer's Unicode version (``_unicode_classes.h``,
``_unicode_pin.py``), so both backends split text identically.  Ranks live in a C hash
table; encoding runs without the GIL, and ``encode_batch`` encodes many texts in parallel
threads.
"""

import re
import threading
from types import MappingProxyType

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.list cimport PyList_New
from cpython.pythread cimport (PyThread_acquire_lock, PyThread_allocate_lock, PyThread_free_lock,
                               PyThread_release_lock, PyThread_type_lock, WAIT_LOCK)
from cpython.ref cimport PyObject
from libc.stdint cimport int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc
from libc.string cimport memcpy, memset

from .errors import HarmonyError
from ._unicode_pin import pin_pattern
from .load import O200K_PATTERN
# Argument checks are the error path only: one implementation, shared with the pure backend.
from ._tokens import as_token_list, check_token as _check_token, checked_vocabulary

__all__ = ["CoreBPE"]

cdef extern from "Python.h":
    const char *PyUnicode_AsUTF8AndSize(object, Py_ssize_t *) except NULL
    long long PyLong_AsLongLongAndOverflow(PyObject *, int *)
    bint PyLong_CheckExact(PyObject *)
    Py_ssize_t PyList_GET_SIZE(object)
    PyObject *PyList_GET_ITEM(object, Py_ssize_t)
    void PyList_SET_ITEM(object, Py_ssize_t, PyObject *)
    PyObject *PyLong_FromUnsignedLong(unsigned long) except NULL
    PyObject *PyTuple_GET_ITEM(object, Py_ssize_t)
    Py_ssize_t PyTuple_GET_SIZE(object)
    void Py_INCREF(PyObject *)
    void PyErr_Clear()

cdef extern from "_bpe_core.h" nogil:
    uint32_t OH_NO_RANK
    int OH_ENOMEM
    int OH_EBYTE
    size_t OH_MEMO_SIZE
    int OH_MEMO_IDBITS

    ctypedef struct oh_vocab:
        uint32_t n_tokens
        uint8_t *data
        uint64_t *off
        uint64_t *slots
        uint64_t mask
        uint32_t byte_rank[256]
        uint32_t *pair_rank
        uint64_t *memo
        void *short_tab
        void *pieces

    ctypedef struct oh_vec:
        uint32_t *data
        size_t len
        size_t cap

    ctypedef struct oh_err:
        int code
        int byte

    ctypedef struct oh_specials:
        uint8_t first[256]
        uint32_t nlens
        uint32_t *lens
        uint32_t count
        uint8_t *data
        uint64_t *off
        uint32_t *ids
        uint64_t *slots
        uint64_t mask
        int single_first

    uint64_t oh_hash_bytes(const uint8_t *p, size_t n)
    int oh_short_build(oh_vocab *v)
    void *oh_piece_cache_new()
    int oh_vocab_insert(oh_vocab *v, uint32_t r)
    uint32_t oh_rank(const oh_vocab *v, const uint8_t *p, size_t n)
    int oh_bpe_piece(const oh_vocab *v, const uint8_t *p, size_t n, oh_vec *out, oh_err *err)
    size_t oh_scan(const uint8_t *s, size_t n, size_t p)
    int oh_encode_ordinary(const oh_vocab *v, const uint8_t *s, size_t n, oh_vec *out, oh_err *err)
    int oh_encode_with_specials(const oh_vocab *v, const oh_specials *m, const uint8_t *s, size_t n,
                                oh_vec *out, oh_err *err)
    int64_t oh_special_lookup(const oh_specials *m, const uint8_t *p, size_t n)
    size_t oh_find_special(const oh_specials *m, const uint8_t *s, size_t n, size_t start,
                           size_t *len, uint32_t *id)

cdef object U32_LIMIT = 1 << 32
cdef object I64_LIMIT = 1 << 63
cdef enum:
    # Texts shorter than this are encoded without releasing the GIL (not worth the switch).
    NOGIL_BYTES = 2048
    # encode_batch starts at most one thread per this many bytes,
    BATCH_BYTES_PER_THREAD = 32768
    # and hands them out in chunks of at least this many bytes.
    BATCH_CHUNK_BYTES = 16384

cdef object _SURROGATE = re.compile("[\ud800-\udfff]")


cdef inline const uint8_t *_utf8(object text, Py_ssize_t *n) except NULL:
    if not isinstance(text, str):
        # the messages the regex module gives the pure backend
        if isinstance(text, (bytes, bytearray, memoryview)):
            raise TypeError("cannot use a string pattern on a bytes-like object")
        raise TypeError("expected string or buffer")
    # Raises UnicodeEncodeError for lone surrogates, like the pure backend (the facade
    # repairs the text and retries).
    return <const uint8_t *>PyUnicode_AsUTF8AndSize(text, n)


cdef object _vec_to_list(oh_vec *v, tuple ints):
    """The ids as a list of ints, shared from *ints* (all ids, prebuilt) where possible."""
    cdef Py_ssize_t i, n = <Py_ssize_t>v.len, m = PyTuple_GET_SIZE(ints)
    cdef uint32_t x
    cdef PyObject *o
    cdef object lst = PyList_New(n)
    for i in range(n):
        x = v.data[i]
        if x < m:
            o = PyTuple_GET_ITEM(ints, x)
            Py_INCREF(o)
        else:
            o = PyLong_FromUnsignedLong(x)
        PyList_SET_ITEM(lst, i, o)
    return lst


cdef void _raise_core_error(oh_err *err) except *:
    if err.code == OH_ENOMEM:
        raise MemoryError()
    if err.code == OH_EBYTE:
        # the pure backend's dict lookup of an unmergeable single byte
        raise KeyError(bytes([err.byte]))
    raise RuntimeError(f"tokenizer core error {err.code}")


cdef class _Specials:
    """A C matcher for one set of allowed special tokens (leftmost, longest first)."""

    cdef oh_specials m

    def __cinit__(self):
        memset(&self.m, 0, sizeof(oh_specials))
        self.m.single_first = -1

    def __dealloc__(self):
        free(self.m.data)
        free(self.m.lens)
        free(self.m.off)
        free(self.m.ids)
        free(self.m.slots)

    cdef int build(self, list items) except -1:
        """*items*: (utf8 bytes, id) pairs, none empty, no duplicates."""
        cdef Py_ssize_t count = len(items), total = 0, i
        cdef uint64_t size = 16, h, slot
        cdef bytes b
        cdef uint32_t L
        for b, _ in items:
            total += len(b)
        while size < <uint64_t>(2 * count):
            size *= 2
        self.m.count = <uint32_t>count
        self.m.data = <uint8_t *>malloc(total + 1)
        self.m.off = <uint64_t *>malloc((count + 1) * sizeof(uint64_t))
        self.m.ids = <uint32_t *>malloc((count + 1) * sizeof(uint32_t))
        self.m.slots = <uint64_t *>calloc(size, sizeof(uint64_t))
        if not (self.m.data and self.m.off and self.m.ids and self.m.slots):
            raise MemoryError()
        self.m.mask = size - 1
        lens = sorted({len(b) for b, _ in items}, reverse=True)
        self.m.lens = <uint32_t *>malloc((len(lens) + 1) * sizeof(uint32_t))
        if self.m.lens == NULL:
            raise MemoryError()
        self.m.nlens = len(lens)
        for i, L in enumerate(lens):
            self.m.lens[i] = L
        firsts = {b[0] for b, _ in items}
        for c in firsts:
            self.m.first[c] = 1
        if len(firsts) == 1:
            self.m.single_first = next(iter(firsts))
        cdef uint64_t pos = 0
        for i in range(count):
            b, tid = items[i]
            self.m.off[i] = pos
            memcpy(self.m.data + pos, PyBytes_AS_STRING(b), len(b))
            pos += len(b)
            self.m.ids[i] = tid
        self.m.off[count] = pos
        for i in range(count):
            L = <uint32_t>(self.m.off[i + 1] - self.m.off[i])
            h = oh_hash_bytes(self.m.data + self.m.off[i], L)
            slot = h & self.m.mask
            while self.m.slots[slot] != 0:
                slot = (slot + 1) & self.m.mask
            self.m.slots[slot] = ((h >> 32) << 32) | <uint64_t>(i + 1)
        return 0


cdef class _Batch:
    """C buffers for encode_batch, handed out in chunks of texts to the encoding threads.

    Threads take the next chunk under a lock and encode it without the GIL, so faster
    threads take more chunks; the calling thread also turns finished chunks into lists
    (which needs the GIL) while the others still encode, instead of after them all.
    """

    cdef const uint8_t **texts
    cdef size_t *lens
    cdef oh_vec *outs
    cdef oh_err *errs
    cdef int *rcs
    cdef Py_ssize_t n
    cdef const oh_vocab *vocab
    cdef const oh_specials *specials
    # chunk c is texts chunk_start[c] .. chunk_start[c + 1] - 1; chunks below next_chunk
    # are taken, chunk_done[c] is set when chunk c is encoded (both under lock)
    cdef Py_ssize_t *chunk_start
    cdef char *chunk_done
    cdef Py_ssize_t nchunks
    cdef Py_ssize_t next_chunk
    cdef PyThread_type_lock lock
    # the texts (owners of the UTF-8 buffers: a tuple, which no callback can empty) and the
    # objects owning vocab/specials, kept alive for as long as any worker thread can still
    # hold this batch
    cdef object keep

    def __cinit__(self, Py_ssize_t n):
        # (n + 1) * the largest item must not overflow
        if n < 0 or <size_t>n >= (<size_t>-1) // (2 * sizeof(oh_vec)):
            raise ValueError(f"batch size {n} out of range")
        self.n = n
        self.texts = <const uint8_t **>calloc(n + 1, sizeof(uint8_t *))
        self.lens = <size_t *>calloc(n + 1, sizeof(size_t))
        self.outs = <oh_vec *>calloc(n + 1, sizeof(oh_vec))
        self.errs = <oh_err *>calloc(n + 1, sizeof(oh_err))
        self.rcs = <int *>calloc(n + 1, sizeof(int))
        self.chunk_start = <Py_ssize_t *>calloc(n + 2, sizeof(Py_ssize_t))
        self.chunk_done = <char *>calloc(n + 1, 1)
        self.lock = PyThread_allocate_lock()
        if not (self.texts and self.lens and self.outs and self.errs and self.rcs
                and self.chunk_start and self.chunk_done and self.lock):
            raise MemoryError()

    def __dealloc__(self):
        cdef Py_ssize_t i
        if self.outs:
            for i in range(self.n):
                free(self.outs[i].data)
        free(self.texts)
        free(self.lens)
        free(self.outs)
        free(self.errs)
        free(self.rcs)
        free(self.chunk_start)
        free(self.chunk_done)
        if self.lock:
            PyThread_free_lock(self.lock)

    cdef void split(self, size_t chunk_bytes):
        """Cut the texts into chunks of about *chunk_bytes* UTF-8 bytes (at least one text each)."""
        cdef Py_ssize_t i, c = 0
        cdef size_t acc = 0
        self.chunk_start[0] = 0
        for i in range(self.n):
            acc += self.lens[i]
            if acc >= chunk_bytes or i == self.n - 1:
                c += 1
                self.chunk_start[c] = i + 1
                acc = 0
        self.nchunks = c
        self.next_chunk = 0

    cdef Py_ssize_t take(self) noexcept nogil:
        """The next chunk to encode, or nchunks when none is left."""
        cdef Py_ssize_t c
        PyThread_acquire_lock(self.lock, WAIT_LOCK)
        c = self.next_chunk
        if c < self.nchunks:
            self.next_chunk = c + 1
        PyThread_release_lock(self.lock)
        return c

    cdef void encode_chunk(self, Py_ssize_t c) noexcept nogil:
        cdef Py_ssize_t i
        for i in range(self.chunk_start[c], self.chunk_start[c + 1]):
            if self.specials != NULL:
                self.rcs[i] = oh_encode_with_specials(self.vocab, self.specials, self.texts[i],
                                                      self.lens[i], &self.outs[i], &self.errs[i])
            else:
                self.rcs[i] = oh_encode_ordinary(self.vocab, self.texts[i], self.lens[i],
                                                 &self.outs[i], &self.errs[i])
        PyThread_acquire_lock(self.lock, WAIT_LOCK)
        self.chunk_done[c] = 1
        PyThread_release_lock(self.lock)

    cdef bint done(self, Py_ssize_t c) noexcept nogil:
        cdef bint d
        PyThread_acquire_lock(self.lock, WAIT_LOCK)
        d = self.chunk_done[c]
        PyThread_release_lock(self.lock)
        return d

    cdef void stop(self) noexcept nogil:
        """Hand out no more chunks (the caller is about to raise)."""
        PyThread_acquire_lock(self.lock, WAIT_LOCK)
        self.next_chunk = self.nchunks
        PyThread_release_lock(self.lock)

    def work(self):
        """Encode chunks until none is left (the body of each extra thread)."""
        cdef Py_ssize_t c
        if self.vocab == NULL:
            raise RuntimeError("batch is not set up")
        with nogil:
            while True:
                c = self.take()
                if c >= self.nchunks:
                    break
                self.encode_chunk(c)


cdef class CoreBPE:
    """Byte-pair encoder/decoder over a rank-ordered token list plus special tokens."""

    cdef oh_vocab vocab
    # decoder: ids 0..dec_size-1, bytes at dec_data[dec_off[i]:dec_off[i+1]] when dec_ok[i]
    cdef uint8_t *dec_data
    cdef uint64_t *dec_off
    cdef uint8_t *dec_ok
    cdef Py_ssize_t dec_size
    # __init__ started / completed: a failed __init__ (MemoryError) leaves a half-built
    # object whose every method must refuse to run, and __init__ runs only once
    cdef bint _started
    cdef bint _initialized
    cdef dict _specials
    # the UTF-8 of each special token, owned (never the caller's objects' encode())
    cdef dict _special_utf8
    cdef object _specials_view
    cdef object _special_ids
    cdef dict _matchers
    cdef object _regex
    cdef dict _special_regex_cache
    # every id as a ready int: building result lists then allocates nothing per token
    cdef tuple _ints
    cdef frozenset _special_keys
    cdef object _pattern_text

    def __cinit__(self, *args, **kwargs):
        memset(&self.vocab, 0, sizeof(oh_vocab))
        self._ints = ()
        self.dec_data = NULL
        self.dec_off = NULL
        self.dec_ok = NULL
        self.dec_size = 0
        self._started = False
        self._initialized = False

    def __dealloc__(self):
        free(self.vocab.data)
        free(self.vocab.off)
        free(self.vocab.slots)
        free(self.vocab.pair_rank)
        free(self.vocab.memo)
        free(self.vocab.short_tab)
        free(self.vocab.pieces)
        free(self.dec_data)
        free(self.dec_off)
        free(self.dec_ok)

    def __init__(self, mergeable_ranks, special_tokens, pattern=O200K_PATTERN):
        cdef Py_ssize_t n, i, total = 0, size, tid
        cdef uint64_t slots = 16, pos
        cdef const uint8_t *first
        cdef int rc
        cdef bytes tok
        if self._started:
            raise RuntimeError("CoreBPE is already initialized")
        self._started = True
        # Owned copies of exact types (list of bytes, dict of str -> int, str): from here on
        # no caller code runs, so sizes taken below stay true while the tables are filled.
        ranks, specials, pattern = checked_vocabulary(mergeable_ranks, special_tokens, pattern)
        n = len(ranks)
        for tok in ranks:
            total += PyBytes_GET_SIZE(tok)
        self._specials = specials
        self._specials_view = MappingProxyType(specials)
        self._special_ids = frozenset(specials.values())
        self._special_keys = frozenset(specials)

        # rank table
        while slots < <uint64_t>(2 * n):
            slots *= 2
        self.vocab.n_tokens = <uint32_t>n
        self.vocab.data = <uint8_t *>malloc(total + 1)
        self.vocab.off = <uint64_t *>malloc((n + 1) * sizeof(uint64_t))
        self.vocab.slots = <uint64_t *>calloc(slots, sizeof(uint64_t))
        if not (self.vocab.data and self.vocab.off and self.vocab.slots):
            raise MemoryError()
        self.vocab.mask = slots - 1
        pos = 0
        for i in range(n):
            tok = ranks[i]
            self.vocab.off[i] = pos
            memcpy(self.vocab.data + pos, PyBytes_AS_STRING(tok), PyBytes_GET_SIZE(tok))
            pos += PyBytes_GET_SIZE(tok)
        self.vocab.off[n] = pos
        for i in range(256):
            self.vocab.byte_rank[i] = OH_NO_RANK
        self.vocab.pair_rank = <uint32_t *>malloc(65536 * sizeof(uint32_t))
        if self.vocab.pair_rank == NULL:
            raise MemoryError()
        for i in range(65536):
            self.vocab.pair_rank[i] = OH_NO_RANK
        for i in range(n):
            rc = oh_vocab_insert(&self.vocab, <uint32_t>i)
            if rc == 1:
                raise HarmonyError("vocabulary has duplicate tokens")
            if rc < 0:
                raise MemoryError()
            if self.vocab.off[i + 1] - self.vocab.off[i] == 1:
                self.vocab.byte_rank[self.vocab.data[self.vocab.off[i]]] = <uint32_t>i
            elif self.vocab.off[i + 1] - self.vocab.off[i] == 2:
                first = &self.vocab.data[self.vocab.off[i]]
                self.vocab.pair_rank[(<uint32_t>first[0] << 8) | first[1]] = <uint32_t>i
        if n < (1 << OH_MEMO_IDBITS):
            # merge memo (_bpe_core.h oh_pair_rank); without it, merging looks ranks up by bytes
            self.vocab.memo = <uint64_t *>calloc(OH_MEMO_SIZE, sizeof(uint64_t))
        if oh_short_build(&self.vocab) < 0:
            raise MemoryError()
        # merged pieces remembered across calls (_bpe_core.h); NULL (no cache) is fine
        self.vocab.pieces = oh_piece_cache_new()

        # decoder: ranks, then special tokens on top (as the pure backend's list does)
        size = max(n, max(specials.values(), default=-1) + 1)
        self._special_utf8 = {text: text.encode("utf-8") for text in specials}
        special_bytes = {tid: self._special_utf8[text] for text, tid in specials.items()}
        total = <Py_ssize_t>self.vocab.off[n] + sum(len(b) for b in special_bytes.values())
        self.dec_size = size
        self.dec_data = <uint8_t *>malloc(total + 1)
        self.dec_off = <uint64_t *>malloc((size + 1) * sizeof(uint64_t))
        self.dec_ok = <uint8_t *>calloc(size + 1, 1)
        if not (self.dec_data and self.dec_off and self.dec_ok):
            raise MemoryError()
        pos = 0
        for i in range(size):
            self.dec_off[i] = pos
            b = special_bytes.get(i)
            if b is not None:
                memcpy(self.dec_data + pos, PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b))
                pos += PyBytes_GET_SIZE(b)
                self.dec_ok[i] = 1
            elif i < n:
                memcpy(self.dec_data + pos, self.vocab.data + self.vocab.off[i],
                       self.vocab.off[i + 1] - self.vocab.off[i])
                pos += self.vocab.off[i + 1] - self.vocab.off[i]
                self.dec_ok[i] = 1
        self.dec_off[size] = pos

        # (ids beyond it, e.g. a far-away special id, get a new int each time)
        self._ints = tuple(range(min(size, n + 65536)))
        self._matchers = {}
        self._special_regex_cache = {}
        # The scanner implements exactly the o200k pattern (with the official tokenizer's
        # Unicode version, see _unicode_pin); any other pattern is run with the regex
        # module, as in the pure backend.
        if pattern == O200K_PATTERN or pattern == pin_pattern(O200K_PATTERN):
            self._regex = None
        else:
            import regex

            self._regex = regex.compile(pattern)
        self._pattern_text = pattern
        self._initialized = True

    @property
    def special_tokens(self):
        """The special tokens, text to id (a read-only view)."""
        self._ready()
        return self._specials_view

    def __reduce__(self):
        self._ready()
        ranks = [PyBytes_FromStringAndSize(<const char *>self.vocab.data + self.vocab.off[i],
                                          <Py_ssize_t>(self.vocab.off[i + 1] - self.vocab.off[i]))
                 for i in range(self.vocab.n_tokens)]
        return (CoreBPE, (ranks, dict(self._specials), self._pattern_text))

    cdef inline int _ready(self) except -1:
        if not self._initialized:
            raise RuntimeError("CoreBPE is not initialized")
        return 0

    # -- encoding ---------------------------------------------------------------

    cdef int _encode_pieces_regex(self, str text, oh_vec *out, oh_err *err) except -1:
        cdef Py_ssize_t n = 0
        cdef const uint8_t *s
        for piece in self._regex.findall(text):
            s = <const uint8_t *>PyUnicode_AsUTF8AndSize(piece, &n)
            if n and oh_bpe_piece(&self.vocab, s, n, out, err):
                _raise_core_error(err)
        return 0

    cdef const uint8_t *_text_utf8(self, object text, Py_ssize_t *n, _Specials m) except NULL:
        try:
            return _utf8(text, n)
        except UnicodeEncodeError:
            self._raise_from_piece(text, m)
            raise

    cdef _raise_from_piece(self, str text, _Specials m):
        """Raise a lone surrogate's UnicodeEncodeError as the pure backend does: from the piece holding it."""
        found = _SURROGATE.search(text)
        if found is None:
            return
        cdef bytes raw = text.encode("utf-8", "surrogatepass")
        cdef const uint8_t *s = <const uint8_t *>PyBytes_AS_STRING(raw)
        cdef size_t n = <size_t>PyBytes_GET_SIZE(raw), seg = 0, seg_end = n, p, e, slen = 0
        cdef size_t off = len(text[: found.start()].encode("utf-8"))
        cdef uint32_t sid = 0
        # surrogatepass bytes decode to D800..DFFF, which the class table knows (like regex)
        if m is not None:
            while True:
                seg_end = oh_find_special(&m.m, s, n, seg, &slen, &sid)
                if seg_end >= n or seg_end > off:
                    break
                seg = seg_end + slen
        p = seg
        while p < seg_end:
            e = oh_scan(s, seg_end, p)
            if p <= off < e:
                raw[p:e].decode("utf-8", "surrogatepass").encode("utf-8")
            p = e

    def encode_ordinary(self, text):
        """Encode *text* as ordinary text: special-token strings are split like any other."""
        cdef Py_ssize_t n = 0
        cdef const uint8_t *s = NULL
        cdef oh_vec out
        cdef oh_err err
        cdef int rc = 0
        self._ready()
        if self._regex is None:
            s = self._text_utf8(text, &n, None)
        elif not isinstance(text, str):
            _utf8(text, &n)  # the pure backend's TypeError
        out.data = NULL
        out.len = out.cap = 0
        err.code = 0
        try:
            if self._regex is not None:
                self._encode_pieces_regex(text, &out, &err)
            else:
                if n < NOGIL_BYTES:
                    rc = oh_encode_ordinary(&self.vocab, s, n, &out, &err)
                else:
                    with nogil:
                        rc = oh_encode_ordinary(&self.vocab, s, n, &out, &err)
                if rc:
                    _raise_core_error(&err)
            return _vec_to_list(&out, self._ints)
        finally:
            free(out.data)

    cdef _Specials _matcher(self, frozenset allowed):
        cdef _Specials m = self._matchers.get(allowed)
        if m is None:
            m = _Specials()
            m.build([(self._special_utf8[s], self._specials[s]) for s in allowed])
            if len(self._matchers) > 64:
                self._matchers.clear()
            self._matchers[allowed] = m
        return m

    cdef object _allowed(self, allowed_special):
        # Same result and errors as frozenset(s for s in allowed_special if s in specials),
        # in C set operations: the "all specials" case comes as a 1091-item list each call.
        # (the special tokens are fixed at construction)
        cdef frozenset keys = self._special_keys
        if allowed_special is self._specials_view:
            # "all special tokens" without building a set per call (frozensets cache
            # their hash, so the matcher lookup is O(1) too)
            return keys
        cdef frozenset allowed = frozenset(allowed_special)
        if allowed <= keys:
            return allowed
        return allowed & keys

    def encode(self, text, allowed_special):
        """Encode *text*, turning occurrences of the *allowed_special* strings into their ids."""
        self._ready()
        cdef frozenset allowed = self._allowed(allowed_special)
        if not allowed:
            return self.encode_ordinary(text)
        cdef Py_ssize_t n = 0
        cdef const uint8_t *s = NULL
        cdef _Specials m = self._matcher(allowed)
        cdef oh_vec out
        cdef oh_err err
        cdef int rc = 0
        if self._regex is None:
            s = self._text_utf8(text, &n, m)
        elif not isinstance(text, str):
            _utf8(text, &n)
        out.data = NULL
        out.len = out.cap = 0
        err.code = 0
        try:
            if self._regex is not None:
                self._encode_regex_specials(text, allowed, &out, &err)
            else:
                if n < NOGIL_BYTES:
                    rc = oh_encode_with_specials(&self.vocab, &m.m, s, n, &out, &err)
                else:
                    with nogil:
                        rc = oh_encode_with_specials(&self.vocab, &m.m, s, n, &out, &err)
                if rc:
                    _raise_core_error(&err)
            return _vec_to_list(&out, self._ints)
        finally:
            free(out.data)

    cdef int _encode_regex_specials(self, str text, frozenset allowed, oh_vec *out, oh_err *err) except -1:
        import regex

        pat = self._special_regex_cache.get(allowed)
        if pat is None:
            alts = sorted(allowed, key=len, reverse=True)
            pat = regex.compile("|".join(regex.escape(a) for a in alts))
            if len(self._special_regex_cache) > 64:
                self._special_regex_cache.clear()
            self._special_regex_cache[allowed] = pat
        start = 0
        for mt in pat.finditer(text):
            self._encode_pieces_regex(text[start : mt.start()], out, err)
            oh_vec_push_checked(out, self._specials[mt.group()])
            start = mt.end()
        self._encode_pieces_regex(text[start:], out, err)
        return 0

    def encode_batch(self, texts, allowed_special=frozenset(), num_threads=8):
        """Encode each of *texts* like ``encode``; large batches run in parallel threads."""
        self._ready()
        cdef Py_ssize_t n, i, t, nthreads
        # Every argument is converted before any UTF-8 pointer is taken: the conversions
        # run caller code (__index__, __iter__, __hash__), which could free the texts.
        try:
            threads = int(num_threads)
        except (TypeError, ValueError):
            raise TypeError(f"num_threads must be an integer, got {type(num_threads).__name__}") from None
        nthreads = max(1, min(threads, 1 << 30))
        cdef frozenset allowed = self._allowed(allowed_special)
        cdef tuple owned = tuple(texts)
        n = len(owned)
        if self._regex is not None:
            return [self.encode(x, allowed) for x in owned]
        cdef _Batch batch = _Batch(n)
        cdef Py_ssize_t blen = 0
        cdef size_t total = 0
        cdef _Specials m = None
        batch.vocab = &self.vocab
        if allowed:
            m = self._matcher(allowed)
            batch.specials = &m.m
        batch.keep = (owned, self, m)
        for i in range(n):
            batch.texts[i] = self._text_utf8(owned[i], &blen, m)
            batch.lens[i] = <size_t>blen
            total += <size_t>blen
        nthreads = min(nthreads, n, <Py_ssize_t>(total // BATCH_BYTES_PER_THREAD) + 1)
        # chunks small enough to balance the threads, large enough to make the lock rare
        batch.split(max(<size_t>BATCH_CHUNK_BYTES, total // <size_t>(64 * nthreads)) if nthreads > 1 else total + 1)
        workers = []
        for t in range(1, nthreads):
            th = threading.Thread(target=batch.work, daemon=True)
            th.start()
            workers.append(th)
        out = [None] * n
        cdef Py_ssize_t c, ready = 0  # chunks before `ready` are lists in `out`
        try:
            while True:
                with nogil:
                    c = batch.take()
                    if c < batch.nchunks:
                        batch.encode_chunk(c)
                while ready < batch.nchunks and batch.done(ready):
                    self._batch_lists(batch, ready, out)
                    ready += 1
                if c >= batch.nchunks:
                    break
        except BaseException:
            with nogil:
                batch.stop()
            raise
        finally:
            for th in workers:
                th.join()
        while ready < batch.nchunks:
            self._batch_lists(batch, ready, out)
            ready += 1
        return out

    cdef int _batch_lists(self, _Batch batch, Py_ssize_t c, list out) except -1:
        """Chunk *c*'s results as lists in *out* (its buffers freed), or its first error raised."""
        cdef Py_ssize_t i
        for i in range(batch.chunk_start[c], batch.chunk_start[c + 1]):
            if batch.rcs[i]:
                _raise_core_error(&batch.errs[i])
            out[i] = _vec_to_list(&batch.outs[i], self._ints)
            free(batch.outs[i].data)
            batch.outs[i].data = NULL
        return 0

    # -- decoding ---------------------------------------------------------------

    cdef bytes _decode_ids(self, list tokens):
        """Fast path: every item an exact int naming a known id, else None."""
        cdef Py_ssize_t n = PyList_GET_SIZE(tokens), i
        cdef uint32_t *ids = <uint32_t *>malloc(n * sizeof(uint32_t) + 1)
        cdef PyObject *o
        cdef long long v
        cdef int overflow = 0
        cdef uint64_t total = 0, a, b
        cdef bytes out
        cdef char *dst
        if ids == NULL:
            raise MemoryError()
        try:
            for i in range(n):
                o = PyList_GET_ITEM(tokens, i)
                if not PyLong_CheckExact(o):
                    return None
                v = PyLong_AsLongLongAndOverflow(o, &overflow)
                if overflow or v < 0 or v >= self.dec_size or not self.dec_ok[v]:
                    return None
                ids[i] = <uint32_t>v
                total += self.dec_off[v + 1] - self.dec_off[v]
            out = PyBytes_FromStringAndSize(NULL, <Py_ssize_t>total)
            dst = PyBytes_AS_STRING(out)
            for i in range(n):
                a = self.dec_off[ids[i]]
                b = self.dec_off[ids[i] + 1]
                memcpy(dst, self.dec_data + a, b - a)
                dst += b - a
            return out
        finally:
            free(ids)

    def decode_bytes(self, tokens):
        """Concatenate the bytes of *tokens*; unknown ids raise ``HarmonyError``."""
        self._ready()
        if not isinstance(tokens, list):
            tokens = as_token_list(tokens)
        if not tokens:
            return b""
        cdef bytes out = self._decode_ids(tokens)
        if out is not None:
            return out
        # Slow path: other int-like types, or bad input reported the way the pure backend
        # does (argument conversion errors first, then the first id outside the vocabulary).
        values = as_token_list(tokens)  # exact ints (the converted values), also for bools on 3.9
        for v in values:
            if v >= self.dec_size or not self.dec_ok[<Py_ssize_t>v]:
                # the converted value, as the official reports it (not the object's str)
                raise HarmonyError(f"Invalid token for decoding: {v}")
        out = self._decode_ids(values)
        if out is None:  # pragma: no cover - values are exact, valid ints here
            raise RuntimeError("decode_bytes: inconsistent token list")
        return out

    def token_bytes(self, token):
        """Return the bytes of one token id."""
        cdef long long v
        cdef int overflow = 0
        cdef uint64_t a
        self._ready()
        if PyLong_CheckExact(<PyObject *>token):
            v = PyLong_AsLongLongAndOverflow(<PyObject *>token, &overflow)
            if not overflow and 0 <= v < self.dec_size and self.dec_ok[v]:
                a = self.dec_off[v]
                return PyBytes_FromStringAndSize(<char *>self.dec_data + a, self.dec_off[v + 1] - a)
        value = _check_token(token)
        if value < self.dec_size and self.dec_ok[<Py_ssize_t>value]:
            return self.token_bytes(int(value))
        raise HarmonyError(f"Invalid token for decoding: {value}")

    def is_special_token(self, token):
        """Return whether *token* is one of the special token ids."""
        self._ready()
        if type(token) is not int or token < 0 or token >= U32_LIMIT:
            token = _check_token(token)
        return token in self._special_ids


cdef int oh_vec_push_checked(oh_vec *o, uint32_t x) except -1:
    cdef size_t cap
    cdef uint32_t *d
    if o.len == o.cap:
        cap = o.cap * 2 if o.cap else 16
        d = <uint32_t *>realloc_u32(o.data, cap)
        if d == NULL:
            raise MemoryError()
        o.data = d
        o.cap = cap
    o.data[o.len] = x
    o.len += 1
    return 0


cdef extern from *:
    """
    static void *realloc_u32(void *p, size_t n) { return realloc(p, n * sizeof(uint32_t)); }
    """
    void *realloc_u32(void *p, size_t n)


def o200k_split(text):
    """The compiled scanner's pieces of *text*: ``regex.findall`` of the pinned o200k pattern."""
    cdef Py_ssize_t n = 0
    cdef const uint8_t *s = _utf8(text, &n)
    cdef size_t p = 0, e
    cdef bytes raw = PyBytes_FromStringAndSize(<const char *>s, n)
    out = []
    while p < <size_t>n:
        e = oh_scan(s, n, p)
        out.append(raw[p:e].decode("utf-8"))
        p = e
    return out
