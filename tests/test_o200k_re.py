"""The pure backend's pre-tokenizer (stdlib ``re`` over ``_o200k_re``) against the pinned ``regex`` pattern.

``_tokenizer_py._split_o200k`` must return exactly ``regex.findall`` of the pinned o200k
pattern (``_unicode_pin.pin_pattern``: Unicode 16.0, as tiktoken) for every string: checked
for every code point of the Basic Multilingual Plane in the contexts where the pattern
decides something, for every class membership of every stand-in of a character above
U+FFFF, on the edge cases of the two engines (``\\s`` vs White_Space, ``\\x1c``-``\\x1f``,
``\\x85``, the contractions' case folding with U+017F), by hypothesis, and on the fresh
benchmark corpus, where the pure backend's tokens must also equal the compiled backend's.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from types import ModuleType
from typing import List

import pytest
import regex
from conftest import compiled_module
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_harmony import _o200k_re
from openai_harmony import _tokenizer_py as pure
from openai_harmony._tokenizer_py import _ASTRAL, _split_o200k, _stand_in
from openai_harmony._unicode_pin import pin_pattern
from openai_harmony.load import O200K_PATTERN, harmony_special_tokens, load_mergeable_ranks

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
PINNED = regex.compile(pin_pattern(O200K_PATTERN))


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_o200k_re", os.path.join(ROOT, "scripts", "gen_o200k_re.py"))
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


GEN = _generator()


def _same(text: str) -> None:
    assert _split_o200k(text) == PINNED.findall(text), repr(text)


def test_generated_module_is_current() -> None:
    assert GEN.is_current(), "run scripts/gen_o200k_re.py"


# Contexts in which each code point meets every decision of the pattern: after and before
# letters of both cases (prefix, upper and lower runs), digits, spaces and newlines (the
# whitespace rules and the \S lookahead), punctuation runs, an apostrophe (contractions).
_CONTEXTS = ["a{}", "{}a", "A{}a", "{}A", "1{}1", " {}", "{} ", "{}\n", "\n{}", "\t{}x", "!{}!", "'{}", "x'{}", "{0}{0}", "{}'s"]


def test_every_bmp_code_point_in_context() -> None:
    for lo in range(0, 0x10000, 2048):
        text = "|".join(c.format(chr(cp)) for cp in range(lo, lo + 2048) for c in _CONTEXTS)
        _same(text)


def test_astral_stand_ins_match_every_class() -> None:
    # Every code point above U+FFFF against its stand-in, for every class and literal of the
    # pattern: the runs of matching characters must fall at the same offsets.
    astral = "".join(map(chr, range(0x10000, 0x110000)))
    stand = _ASTRAL.sub(_stand_in, astral)
    assert len(stand) == len(astral) and not _ASTRAL.search(stand)
    assert not regex.search(r"[\ud800-\udfff]", stand)
    for atom in GEN.profile_atoms(O200K_PATTERN):
        rx = regex.compile("(?:" + pin_pattern(atom) + ")+")
        assert [m.span() for m in rx.finditer(stand)] == [m.span() for m in rx.finditer(astral)], atom


def test_stand_in_table_is_sorted_and_total() -> None:
    starts = _o200k_re.ASTRAL_STARTS
    assert starts[0] == 0x10000 and list(starts) == sorted(set(starts))
    assert len(_o200k_re.ASTRAL_STAND_INS) == len(starts)
    assert all(ord(c) < 0x10000 for c in _o200k_re.ASTRAL_STAND_INS)


# White_Space (regex's \s) is not str.isspace (re's \s): \x1c-\x1f are spaces only to Python,
# U+180E only to old Unicode; U+0085, U+00A0, U+2028/9, U+3000 are both.  The contractions
# fold case: 'S, 'ſ (U+017F, long s) and 'K (no: Kelvin U+212A is not a contraction letter).
EDGE_CASES = [
    "", " ", "\n", "\r\n", "  \n\n  x", "a  b", "a \t\nb", "x   ", "   ", "\t\t\n ",
    "\x1c\x1d\x1e\x1fa", "a\x1cb", " \x1c", "\x1c ", "a\x85b", "\x85\x85 x", " \xa0x", "\u2028\u2029a",
    "\u180ex", " \u200bx", "\u3000\u3000中", "\x0b\x0cx", "\r\r\r", "a\rb", "/\n/", "!!!\n\n//",
    "don't", "DON'T", "I'M", "we'LL", "they'Re", "it'ſ", "IT'ſ", "o'K", "o'\u212a", "x'\u017ft",
    "'s", "''s", "a's's", "'", "a'", "a '", "A'D'S", "ﬁ's", "Σ's", "ǅ's", "ʰ's",
    "123456789", "1,234.5", "٣٤٥", "²³", "Ⅻ", "a1b2", "𝟘𝟙𝟚𝟛",
    "e\u0301", "\u0301\u0301a", " \u0301x", "A\u0301B\u0302c", "\u093f\u093f", "क्षि",
    "🚀🚀 x", "👍🏽", "a👍b", "\U0001F600's", " \U00010400\U00010428", "𝐀𝐛𝐂", "\U000e0001a", "\U0010fffd",
    "\ud800", "a\udfffb", "\ud83d\ude00",  # lone surrogates: what a str may hold
    "\u0558a\u0558", "\u1acf", "\U00011b60x",  # letters after Unicode 16.0: unassigned to tiktoken
    "日本語のテキスト、です。", "สวัสดีครับ", "Привет, мир!", "مرحبا بالعالم", "שלום", "नमस्ते",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases(text: str) -> None:
    _same(text)
    _same(text + text)
    _same(f" {text}\n")


_EDGE_CHARS = sorted({c for t in EDGE_CASES for c in t} | set(" \t\n\r'sSdDtTmMlLrReEvV\u017f"))


@settings(max_examples=400, deadline=None)
@given(st.text(st.one_of(st.sampled_from(_EDGE_CHARS), st.characters(codec=None)), max_size=60))
def test_hypothesis(text: str) -> None:
    _same(text)


@pytest.fixture(scope="module")
def fresh_documents() -> List[str]:
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    try:
        import fresh_corpus
    finally:
        sys.path.pop(0)
    return [d for cat in fresh_corpus.CATEGORIES for seed in (1, 2) for d in fresh_corpus.category_documents(cat, 60_000, seed)]


def test_fresh_corpus_pieces(fresh_documents: List[str]) -> None:
    for doc in fresh_documents:
        _same(doc)


def test_fresh_corpus_tokens_equal_compiled(fresh_documents: List[str]) -> None:
    compiled = compiled_module("_tokenizer_c")
    ranks, specials = load_mergeable_ranks(), harmony_special_tokens()
    a, b = pure.CoreBPE(ranks, specials), compiled.CoreBPE(ranks, specials)
    for doc in fresh_documents:
        assert a.encode_ordinary(doc) == b.encode_ordinary(doc)


def test_str_subclass_cannot_steer_the_split() -> None:
    # The ASCII shortcut and the cutting of astral text use str's own methods.
    class Lying(str):
        def isascii(self) -> bool:
            return True

        def __getitem__(self, index: object) -> str:
            return "X"

    for text in ("a\U0001F680 b", "日本 🚀🚀's", "x"):
        assert _split_o200k(Lying(text)) == PINNED.findall(text)
