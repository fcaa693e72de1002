"""Pure-Python byte-pair encoder for o200k_harmony (the fallback backend).

``CoreBPE`` splits text with the o200k pre-tokenizer pattern (run by the standard library's
``re`` over the generated ``_o200k_re``; any other pattern by ``regex``), then merges each
piece's bytes with tiktoken's rule: repeatedly join the adjacent pair whose concatenation
has the lowest rank, leftmost first on ties.  The compiled backend (``_tokenizer_c.pyx``,
its twin) has the same class with the same results.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from itertools import accumulate, repeat
from operator import lshift, or_
from types import MappingProxyType
from typing import AbstractSet, Any, Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Tuple

import regex

from ._o200k_re import ASTRAL_STAND_INS, ASTRAL_STARTS, PATTERN
from ._tokens import U32_LIMIT, as_token_list, check_token, checked_vocabulary
from ._unicode_pin import pin_pattern
from .errors import HarmonyError
from .load import O200K_PATTERN

__all__ = ["CoreBPE"]

_NO_RANK = U32_LIMIT  # above every rank (checked_vocabulary keeps them below 2**32 - 1)
# Pieces at least this long are merged with a heap: the rescan of a list is O(n^2) and,
# measured on fresh multilingual text, already slower from about 24 bytes.
_HEAP_THRESHOLD = 24
_CACHE_LIMIT = 1 << 16


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_o200k_findall: Optional[Callable[[str], List[str]]] = None


def _stand_in(m: "re.Match[str]") -> str:
    return ASTRAL_STAND_INS[bisect_right(ASTRAL_STARTS, ord(m.group())) - 1]


def _split_o200k(text: str) -> List[str]:
    """``findall`` of the pinned o200k pattern (``_unicode_pin``), run by ``re``: 2-3x faster than ``regex``."""
    global _o200k_findall
    findall = _o200k_findall
    if findall is None:
        # compiled on first use, not at import: about 40 ms
        findall = _o200k_findall = re.compile(PATTERN).findall
    # (str's own methods: a subclass of str may override them)
    if str.isascii(text) or _ASTRAL.search(text) is None:
        return findall(text)
    # PATTERN spells out the classes over U+0000-U+FFFF only: split a copy in which each
    # character above that is replaced by a stand-in that every class treats alike, then cut
    # the text where the copy was cut (the pieces always cover the whole text).
    pieces = findall(_ASTRAL.sub(_stand_in, text))
    ends = list(accumulate(map(len, pieces)))
    return list(map(str.__getitem__, repeat(text, len(ends)), map(slice, [0] + ends[:-1], ends)))


def _check_str(text: object) -> None:
    # Checked here rather than left to ``regex``, whose wording changes between releases;
    # the compiled backend raises the same messages.
    if isinstance(text, str):
        return
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError("cannot use a string pattern on a bytes-like object")
    raise TypeError("expected string or buffer")


class CoreBPE:
    """Byte-pair encoder/decoder over a rank-ordered token list plus special tokens."""

    def __init__(
        self,
        mergeable_ranks: Iterable[bytes],
        special_tokens: Mapping[str, int],
        pattern: str = O200K_PATTERN,
    ) -> None:
        mergeable_ranks, specials, pattern = checked_vocabulary(mergeable_ranks, special_tokens, pattern)
        self._encoder: Dict[bytes, int] = {tok: rank for rank, tok in enumerate(mergeable_ranks)}
        if len(self._encoder) != len(mergeable_ranks):
            raise HarmonyError("vocabulary has duplicate tokens")
        # The merge works on token ids: the bytes of each id, the id of each single byte (a
        # byte the vocabulary lacks gets a stand-in id past its end, see _checked), and the
        # rank of each two-byte token by its two bytes.
        self._vocab_size = len(mergeable_ranks)
        self._tokens = list(mergeable_ranks)
        byte_ranks: List[int] = []
        for b in range(256):
            rank = self._encoder.get(bytes([b]))
            if rank is None:
                rank = len(self._tokens)
                self._tokens.append(bytes([b]))
            byte_ranks.append(rank)
        self._byte_stand_ins = len(self._tokens) > self._vocab_size
        pair_table = [_NO_RANK] * 65536
        for rank, tok in enumerate(mergeable_ranks):
            if len(tok) == 2:
                pair_table[tok[0] | tok[1] << 8] = rank
        # bound once: the merge loops call them for every piece
        self._pair_rank = pair_table.__getitem__
        self._byte_rank = byte_ranks.__getitem__
        self._rank_of = self._encoder.get
        # Most tokens are valid UTF-8 on their own; looking pieces up as str skips encoding
        # them, which is most of the per-piece cost for ordinary text.
        self._str_encoder: Dict[str, int] = {}
        for rank, tok in enumerate(mergeable_ranks):
            try:
                self._str_encoder[tok.decode("utf-8")] = rank
            except UnicodeDecodeError:
                pass
        # A list indexed by id: indexing rejects floats (as the bindings do) and huge ids; a
        # negative id would wrap around, so decode_bytes checks the minimum separately.
        size = max(len(mergeable_ranks), max(specials.values(), default=-1) + 1)
        decoder: List[Optional[bytes]] = [None] * size
        decoder[: len(mergeable_ranks)] = mergeable_ranks
        for text, token_id in specials.items():
            decoder[token_id] = text.encode("utf-8")
        self._decoder = decoder
        # set after the decoder, whose size may raise MemoryError: a half-built object has none
        self._specials = specials
        # read-only: the matchers and the decoder are built from it once
        self._specials_view: Mapping[str, int] = MappingProxyType(specials)
        self._special_ids = frozenset(specials.values())
        # o200k with the official tokenizer's Unicode version (see _unicode_pin)
        self._split: Callable[[str], List[str]]
        if pattern == O200K_PATTERN or pattern == pin_pattern(O200K_PATTERN):
            self._split = _split_o200k
        else:
            self._split = regex.compile(pattern).findall
        self._special_regex_cache: Dict[FrozenSet[str], "regex.Pattern[str]"] = {}
        self._piece_cache: Dict[str, List[int]] = {}
        self._pattern_text = pattern

    @property
    def special_tokens(self) -> Mapping[str, int]:
        """The special tokens, text to id (a read-only view)."""
        return self._specials_view

    def __reduce__(self) -> Tuple[Any, ...]:
        # the encoder was filled in rank order (a special id may override the decoder's entry)
        return (CoreBPE, (list(self._encoder), dict(self._specials), self._pattern_text))

    # -- encoding ---------------------------------------------------------------

    def _first_pairs(self, piece: bytes) -> List[int]:
        """The rank of each adjacent byte pair of *piece* (``_NO_RANK`` if none), plus ``_NO_RANK``.

        Read from a 65536-entry table indexed by ``first | second << 8``, computed by
        ``map`` over the bytes: no pair is sliced out or hashed.
        """
        pairs = list(map(self._pair_rank, map(or_, piece, map(lshift, piece[1:], repeat(8)))))
        pairs.append(_NO_RANK)
        return pairs

    def _merge(self, piece: bytes, no_rank: int = _NO_RANK) -> List[int]:
        """tiktoken's merge of one piece's bytes: its token ids.

        Parts are tracked by token id; the bytes of a candidate pair are the two tokens'
        bytes joined.  Short pieces rescan a list for the lowest pair; longer ones use a heap
        (the rescan is O(n^2), which a megabyte without whitespace would turn into hours).
        """
        n = len(piece)
        if n >= _HEAP_THRESHOLD:
            return self._merge_heap(piece, n)
        get = self._rank_of
        tokens = self._tokens
        ids = list(map(self._byte_rank, piece))
        pairs = self._first_pairs(piece)  # pairs[k]: rank of parts k and k+1 joined
        while True:
            best = min(pairs)
            if best == no_rank:
                break
            k = pairs.index(best)  # leftmost on ties
            # Part k absorbs part k+1; only the pairs touching the new part change rank.
            ids[k] = best
            del ids[k + 1]
            del pairs[k]
            merged = tokens[best]
            n -= 1
            if k + 1 < n:
                pairs[k] = get(merged + tokens[ids[k + 1]], no_rank)
            if k:
                pairs[k - 1] = get(tokens[ids[k - 1]] + merged, no_rank)
        return self._checked(ids) if self._byte_stand_ins else ids

    def _merge_heap(self, piece: bytes, n: int, no_rank: int = _NO_RANK) -> List[int]:
        get = self._rank_of
        tokens = self._tokens
        ids = list(map(self._byte_rank, piece))
        pairs = self._first_pairs(piece)
        # Parts form a linked list of start offsets; nxt[i] is where the part at i ends.
        nxt = list(range(1, n + 1))
        prv = list(range(-1, n - 1))
        # Heap entries are ints, rank << shift | offset (leftmost first on ties), not tuples:
        # a multi-MB piece would otherwise allocate millions of them.  An entry is current
        # while pairs[offset] still holds its rank (a part only grows, so the rank of the
        # pair at an offset never comes back); the _NO_RANK entry of the last part ends the
        # loop.
        shift = n.bit_length()
        mask = (1 << shift) - 1
        heap = list(map(or_, map(lshift, pairs, repeat(shift, n)), range(n)))
        heapq.heapify(heap)
        pop, push = heapq.heappop, heapq.heappush
        while True:
            key = pop(heap)
            r = key >> shift
            if r == no_rank:
                break
            i = key & mask
            if pairs[i] != r:
                continue  # stale: that pair was merged away or re-ranked
            j = nxt[i]
            pairs[j] = -1  # part j is gone
            ids[i] = r
            end = nxt[i] = nxt[j]
            merged = tokens[r]
            if end < n:
                prv[end] = i
                nr = pairs[i] = get(merged + tokens[ids[end]], no_rank)
                if nr != no_rank:
                    push(heap, nr << shift | i)
            else:
                pairs[i] = no_rank
            p = prv[i]
            if p >= 0:
                pr = pairs[p] = get(tokens[ids[p]] + merged, no_rank)
                if pr != no_rank:
                    push(heap, pr << shift | p)
        out = []
        i = 0
        while i < n:
            out.append(ids[i])
            i = nxt[i]
        return self._checked(out) if self._byte_stand_ins else out

    def _checked(self, ids: List[int]) -> List[int]:
        # A byte missing from the vocabulary has a stand-in id past its end; if one is left
        # unmerged, fail like a lookup of that byte (as the official tokenizer does).
        if max(ids) >= self._vocab_size:
            raise KeyError(self._tokens[next(i for i in ids if i >= self._vocab_size)])
        return ids

    def _encode_chunk(self, text: str, out: List[int]) -> None:
        # Look every piece up at C speed; only the misses (pieces that need merging) are
        # visited by Python code, found with list.index, which also runs at C speed.
        pieces = self._split(text)
        ranks = list(map(self._str_encoder.get, pieces))
        try:
            miss = ranks.index(None)
        except ValueError:
            out += ranks  # type: ignore[arg-type]  # no None: index() found none
            return
        cache = self._piece_cache
        start = 0
        while True:
            out += ranks[start:miss]  # type: ignore[arg-type]  # before the first None
            piece = pieces[miss]
            toks = cache.get(piece)
            if toks is None:
                toks = self._merge(piece.encode("utf-8"))
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                cache[piece] = toks
            out += toks
            start = miss + 1
            try:
                miss = ranks.index(None, start)
            except ValueError:
                out += ranks[start:]  # type: ignore[arg-type]  # no None left
                return

    def encode_ordinary(self, text: str) -> List[int]:
        """Encode *text* as ordinary text: special-token strings are split like any other."""
        if type(text) is not str:
            _check_str(text)
        out: List[int] = []
        self._encode_chunk(text, out)
        return out

    def _special_regex(self, allowed: FrozenSet[str]) -> "regex.Pattern[str]":
        pat = self._special_regex_cache.get(allowed)
        if pat is None:
            # Longest first so the alternation can never stop at a shorter prefix.
            alts = sorted(allowed, key=len, reverse=True)
            pat = regex.compile("|".join(regex.escape(s) for s in alts))
            if len(self._special_regex_cache) > 64:
                self._special_regex_cache.clear()
            self._special_regex_cache[allowed] = pat
        return pat

    def encode(self, text: str, allowed_special: AbstractSet[str]) -> List[int]:
        """Encode *text*, turning occurrences of the *allowed_special* strings into their ids."""
        if type(text) is not str:
            _check_str(text)
        specials = self._specials
        allowed = frozenset(s for s in allowed_special if s in specials)
        if not allowed:
            return self.encode_ordinary(text)
        out: List[int] = []
        start = 0
        for m in self._special_regex(allowed).finditer(text):
            self._encode_chunk(text[start : m.start()], out)
            out.append(specials[m.group()])
            start = m.end()
        self._encode_chunk(text[start:], out)
        return out

    # -- decoding ---------------------------------------------------------------

    def token_bytes(self, token: int) -> bytes:
        """Return the bytes of one token id."""
        # Anything but an exact int is converted first (like the bindings): comparing or
        # indexing with the object itself could disagree with its __index__.
        value = token if type(token) is int else check_token(token)
        if 0 <= value < len(self._decoder):
            tok = self._decoder[value]
            if tok is not None:
                return tok
        check_token(value)
        raise HarmonyError(f"Invalid token for decoding: {value}")

    def decode_bytes(self, tokens: Iterable[int]) -> bytes:
        """Concatenate the bytes of *tokens*; unknown ids raise ``HarmonyError``."""
        if not isinstance(tokens, list):
            tokens = as_token_list(tokens)
        if not tokens:
            return b""
        try:
            if min(tokens) >= 0:
                return b"".join(map(self._decoder.__getitem__, tokens))  # type: ignore[arg-type]  # None: TypeError
        except (IndexError, TypeError):
            pass
        # Slow path, only on bad input: report the first problem the way the official does
        # (argument conversion errors first, then the first id outside the vocabulary).
        # (Also the path of valid ids given as __index__ objects.)
        values = as_token_list(tokens)
        decoder = self._decoder
        for v in values:
            if v >= len(decoder) or decoder[v] is None:
                raise HarmonyError(f"Invalid token for decoding: {v}")
        return b"".join(map(decoder.__getitem__, values))  # type: ignore[arg-type]  # checked above

    def is_special_token(self, token: int) -> bool:
        """Return whether *token* is one of the special token ids."""
        if type(token) is not int or token < 0 or token >= U32_LIMIT:
            token = check_token(token)
        return token in self._special_ids
