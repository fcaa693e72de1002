"""Tokenizer goldens: our encoder against tiktoken o200k_base / official openai-harmony 0.0.8.

tests/golden/tokenizer_corpus.jsonl holds ~2 MB of generated text (scripts/corpus.py) with
the tokens recorded by scripts/gen_tokenizer_goldens.py.  One test per corpus category, so
a failure names the category and the report lists every failing case with the first
differing token and the text around it.
"""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

import goldens

from openai_harmony import HarmonyEncodingName, load_harmony_encoding

def _load() -> Dict[str, Any]:
    return goldens.load("tokenizer_corpus")


DATA = _load()
CASES: List[Dict[str, Any]] = DATA["cases"]
CATEGORIES = sorted({c["cat"] for c in CASES})


@pytest.fixture(scope="module")
def enc():
    return load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)


def _describe(enc, case: Dict[str, Any], expected: List[int], got: List[int], what: str) -> str:
    i = 0
    while i < min(len(expected), len(got)) and expected[i] == got[i]:
        i += 1
    lo = max(0, i - 3)
    ctx_exp = [(t, enc.decode_bytes([t])) for t in expected[lo : i + 4]]
    ctx_got = [(t, enc.decode_bytes([t])) for t in got[lo : i + 4]]
    prefix = enc.decode_bytes(expected[:i]).decode("utf-8", "replace")
    return (
        f"{case['cat']}/{case['name']} {what}: first difference at token {i} "
        f"(len expected {len(expected)}, got {len(got)}); text there: {prefix[-40:]!r}+"
        f"{case['text'][len(prefix):len(prefix) + 20]!r}\n"
        f"    expected {ctx_exp}\n    got      {ctx_got}"
    )


def _by_cat(cat: str) -> List[Dict[str, Any]]:
    return [c for c in CASES if c["cat"] == cat]


def test_golden_is_large_and_oracle_consistent():
    meta = DATA["meta"]
    assert meta["n_bytes"] >= 1_000_000
    assert len(CATEGORIES) >= 12
    # The official harmony encoder agreed with tiktoken on every case when recorded.
    assert meta["harmony_differences"] == []


@pytest.mark.parametrize("cat", CATEGORIES)
def test_encode_ordinary(enc, cat):
    failures = []
    for case in _by_cat(cat):
        got = enc.encode_ordinary(case["text"])
        if got != case["tokens"]:
            failures.append(_describe(enc, case, case["tokens"], got, "encode_ordinary"))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("cat", CATEGORIES)
def test_encode_without_special_check(enc, cat):
    failures = []
    for case in _by_cat(cat):
        expected = case.get("harmony_tokens", case["tokens"])
        got = enc.encode(case["text"], disallowed_special=())
        if got != expected:
            failures.append(_describe(enc, case, expected, got, "encode(disallowed_special=())"))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("cat", CATEGORIES)
def test_decode_round_trip(enc, cat):
    failures = []
    for case in _by_cat(cat):
        expected = case.get("decoded", case["text"])
        tokens = case["tokens"]
        if enc.decode_utf8(tokens) != expected:
            failures.append(f"{cat}/{case['name']}: decode_utf8")
        if enc.decode(tokens) != expected:
            failures.append(f"{cat}/{case['name']}: decode")
        if enc.decode_bytes(tokens) != expected.encode("utf-8"):
            failures.append(f"{cat}/{case['name']}: decode_bytes")
    assert not failures, "\n".join(failures)


def test_special_like_with_all_specials_allowed(enc):
    failures = []
    for case in _by_cat("special_like"):
        got = enc.encode(case["text"], allowed_special="all")
        if got != case["tokens_all_special"]:
            failures.append(_describe(enc, case, case["tokens_all_special"], got, "encode(allowed_special='all')"))
    assert not failures, "\n".join(failures)


def test_encode_ordinary_never_emits_special_tokens(enc):
    for case in _by_cat("special_like"):
        assert not any(enc.is_special_token(t) for t in enc.encode_ordinary(case["text"]))
