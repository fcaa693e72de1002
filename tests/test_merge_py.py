"""The pure backend's merge (list rescan below ``_HEAP_THRESHOLD`` bytes, heap from there) against
tiktoken's algorithm written out plainly: repeatedly join the adjacent parts whose
concatenation has the lowest rank, leftmost first on ties.  Small vocabularies make ties,
overlaps (``aaaa``) and ranks that go down after a merge (a token ranked below one of its
parts) common; the o200k vocabulary checks real pieces around the threshold.
"""

from __future__ import annotations

import random
from typing import Dict, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_harmony import _tokenizer_py as pure
from openai_harmony.load import harmony_special_tokens, load_mergeable_ranks


def reference(encoder: Dict[bytes, int], piece: bytes) -> List[int]:
    parts = [piece[i : i + 1] for i in range(len(piece))]
    while len(parts) > 1:
        ranks = [encoder.get(parts[i] + parts[i + 1]) for i in range(len(parts) - 1)]
        best = min((r for r in ranks if r is not None), default=None)
        if best is None:
            break
        k = ranks.index(best)
        parts[k : k + 2] = [parts[k] + parts[k + 1]]
    return [encoder[p] for p in parts]


ALPHABET = b"ab\x00\xff"


def _vocab(seed: int) -> List[bytes]:
    """All 256 bytes, then random multi-byte tokens over a 4-byte alphabet in random order,
    some inserted among the single bytes so that a merged token can outrank its parts."""
    rng = random.Random(seed)
    extra = {bytes(rng.choice(ALPHABET) for _ in range(rng.randint(2, 6))) for _ in range(40)}
    tokens = [bytes([b]) for b in range(256)]
    for tok in sorted(extra):
        tokens.insert(rng.randint(0, len(tokens)), tok)
    return tokens


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10_000), st.binary(min_size=1, max_size=80).map(lambda b: bytes(ALPHABET[x % 4] for x in b)))
def test_small_vocabularies(seed: int, piece: bytes) -> None:
    tokens = _vocab(seed)
    bpe = pure.CoreBPE(tokens, {})
    encoder = {t: i for i, t in enumerate(tokens)}
    assert bpe._merge(piece) == reference(encoder, piece)


@pytest.mark.parametrize("length", [1, 2, 3, pure._HEAP_THRESHOLD - 1, pure._HEAP_THRESHOLD, pure._HEAP_THRESHOLD + 1, 300])
def test_runs_of_one_byte(length: int) -> None:
    # Overlapping equal pairs: "aaaa" merges leftmost first.
    tokens = [bytes([b]) for b in range(256)] + [b"aa", b"aaa", b"aaaa"]
    bpe = pure.CoreBPE(tokens, {})
    encoder = {t: i for i, t in enumerate(tokens)}
    assert bpe._merge(b"a" * length) == reference(encoder, b"a" * length)


def test_missing_byte_raises_key_error_unless_merged() -> None:
    # b"c" is no token, but b"ac" is: a c left alone fails like the official lookup.
    bpe = pure.CoreBPE([b"a", b"b", b"ab", b"ac"], {})
    assert bpe._merge(b"ac") == [3]
    assert bpe._merge(b"a" * 30 + b"c") == reference({b"a": 0, b"b": 1, b"ab": 2, b"ac": 3}, b"a" * 30 + b"c")
    for piece in (b"c", b"abc", b"ab" * 20 + b"cc"):
        with pytest.raises(KeyError) as e:
            bpe._merge(piece)
        assert e.value.args == (b"c",)


@pytest.fixture(scope="module")
def o200k() -> pure.CoreBPE:
    return pure.CoreBPE(load_mergeable_ranks(), harmony_special_tokens())


def test_o200k_pieces(o200k: pure.CoreBPE) -> None:
    rng = random.Random(3)
    encoder = o200k._encoder
    alphabet = "abcdefgh xyz日本語のテキストสวัสดีПриветक्षि\u0301é🚀"
    for _ in range(1500):
        piece = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))).encode()
        assert o200k._merge(piece) == reference(encoder, piece), piece
