"""The compiled tokenizer (``_tokenizer.CoreBPE``) against the pure-Python one and ``regex``.

Seeded random inputs (Unicode from every class the o200k pattern distinguishes, random
bytes decoded lossily, realistic mixed text, long runs) go to both backends, which must
return identical tokens; the compiled scanner's pieces must equal
``regex.findall(O200K_PATTERN, text)``.  Skipped only in a pure-Python run where the
extension was not built.
"""

from __future__ import annotations

import random
from types import MappingProxyType
import sys
import threading
import unicodedata
from typing import Dict, List

import pytest
from conftest import NO_EXTENSIONS, compiled_module
import regex

from openai_harmony import _tokenizer_py as pure
from openai_harmony._unicode_pin import UNASSIGNED_IN_ORACLE, pin_pattern
from openai_harmony.load import O200K_PATTERN, harmony_special_tokens, load_mergeable_ranks

compiled = compiled_module("_tokenizer_c", module_level=True)

# The o200k pattern pinned to the official tokenizer's Unicode version (16.0): what both
# backends must implement.
PINNED = pin_pattern(O200K_PATTERN)
PATTERN = regex.compile(PINNED)


@pytest.fixture(scope="module")
def backends():
    ranks = load_mergeable_ranks()
    specials = harmony_special_tokens()
    return pure.CoreBPE(ranks, specials), compiled.CoreBPE(ranks, specials)


# -- input generators -------------------------------------------------------------------

# Characters that sit on the pattern's decision points.
_EDGE = list(
    " \t\n\r\x0b\x0c\x1c\x85\xa0\u1680\u2000\u2028\u2029\u202f\u3000"  # whitespace (and \x1c: not \s)
    "'\u2019sStTdDmMlLrReEvV\u017f\u212a"  # contractions; long s and Kelvin sign
    "/!?.,;:-_()[]{}<>|\"#$%&*+=@\\^`~"
    "0123456789\u0660\u00b2\u2155\u2167"  # Nd, No, Nl
    "aAzZ\u00e9\u00c9\u01c5\u02b0\u00aa\u4e00\u3042"  # Ll Lu Lt Lm Lo
    "\u0301\u0308\u093f\u20dd"  # Mn Mc Me
    "\U0001F600\U0001F44D\U0001F3FD\u200d\ufe0f\ufffd"  # emoji, ZWJ, VS16, U+FFFD
    "\u00ad\u200b\ue000\U000e0001\U0010fffd"  # Cf, Co, unassigned-ish planes
)


def _buckets() -> Dict[str, List[str]]:
    """Code points grouped by general category (sampled from every plane)."""
    out: Dict[str, List[str]] = {}
    for cp in list(range(0, 0x3400)) + list(range(0x3400, 0x110000, 61)):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        out.setdefault(unicodedata.category(ch), []).append(ch)
    return out


_BUCKETS = _buckets()
_CATEGORIES = sorted(_BUCKETS)


def random_unicode(rng: random.Random, length: int) -> str:
    chars = []
    for _ in range(length):
        r = rng.random()
        if r < 0.5:
            chars.append(rng.choice(_EDGE))
        elif r < 0.9:
            chars.append(rng.choice(_BUCKETS[rng.choice(_CATEGORIES)]))
        else:
            chars.append(chr(rng.randrange(0x110000)) if rng.random() < 0.5 else rng.choice("aA '1 \n"))
    text = "".join(chars)
    # lone surrogates are checked separately
    return text.encode("utf-8", "replace").decode("utf-8")


def random_bytes_text(rng: random.Random, length: int, errors: str) -> str:
    raw = bytes(rng.randrange(256) for _ in range(length))
    if rng.random() < 0.5:
        # mostly-valid UTF-8 with damage
        raw = random_unicode(rng, length // 2).encode("utf-8")
        raw = bytearray(raw)
        for _ in range(rng.randint(0, 3)):
            if raw:
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        raw = bytes(raw)
    return raw.decode("utf-8", errors)


_WORDS = (
    "the of and to in is that for it as was with be by on not he this are or his from at "
    "tokenizer encoding parser stream message channel Hello World API JSON HTTP naïve café "
    "résumé Zürich São Paulo Straße größer ÉCOLE DON'T can't I'M we'LL they'Ve She'S x'd "
    "東京 日本語のテキスト 中文分词 한국어 문장 Русский текст عربي हिन्दी ελληνικά עברית ไทย "
    "😀 👍🏽 👩‍💻 🇫🇷 ❤️ 1 12 123 1234 12345 3.14159 1,000,000 0x1F 2026-11-25"
).split(" ")
_PUNCT = [" ", " ", " ", "  ", "\n", "\n\n", " \n", "\r\n", "\t", ", ", ". ", "! ", "? ", " - ", "/",
          "//", "://", "...", " (", ") ", "\"", "'", "`", "```\n", " = ", " == ", "->", "=>", "{", "}",
          "[", "]", ";\n", ":\n    ", "    ", "\n\t\t", " \u00a0", "\u3000"]


def realistic_text(rng: random.Random, n_items: int) -> str:
    parts = []
    for _ in range(n_items):
        parts.append(rng.choice(_WORDS))
        parts.append(rng.choice(_PUNCT) if rng.random() < 0.35 else " ")
    return "".join(parts)


def long_runs(rng: random.Random) -> List[str]:
    out = []
    for unit in ["a", "ab", "xyz", "A", "Ab", "1", "12", " ", "  \n", "\n", "!", "!?", "/", "é", "日本",
                 "\u0301", "\U0001F600", "aé", "'s", "a'", "-_", "\t", "ſ"]:
        n = rng.choice([31, 63, 64, 65, 127, 128, 129, 257, 1000, 4099])
        out.append(unit * (n // len(unit) + 1))
    # base64-like and hex-like blobs: long pieces that need many merges
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out.append("".join(rng.choice(alphabet) for _ in range(3000)))
    out.append("".join(rng.choice("0123456789abcdef") for _ in range(2000)))
    out.append("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(5000)))
    out.append("".join(rng.choice("日本語中文한국어") for _ in range(700)))
    return out


def _corpus() -> List[str]:
    rng = random.Random(20261125)
    texts = ["", " ", "a", "\n", "'s", " 's", "I'm", "ÉTÉ'S", "x\u017f", "a'\u017f", "a'\u212a"]
    texts += [random_unicode(rng, rng.randint(1, 40)) for _ in range(2500)]
    texts += [random_bytes_text(rng, rng.randint(1, 80), "replace") for _ in range(600)]
    texts += [realistic_text(rng, rng.randint(1, 200)) for _ in range(300)]
    texts += long_runs(rng)
    return texts


CORPUS = _corpus()

# -- the scanner ------------------------------------------------------------------------


def test_scanner_matches_regex_on_corpus():
    for text in CORPUS:
        assert compiled.o200k_split(text) == PATTERN.findall(text), text


def test_scanner_matches_regex_on_random_code_points():
    # Many short strings over a small alphabet of every class: dense in decision points.
    rng = random.Random(7)
    alphabet = _EDGE + [rng.choice(_BUCKETS[c]) for c in _CATEGORIES for _ in range(3)]
    total = 0
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
        total += len(text)
        assert compiled.o200k_split(text) == PATTERN.findall(text), text
    assert total > 200000


def test_scanner_class_of_sampled_code_points():
    # Each sampled code point in contexts that expose every class the pattern uses.
    probes = ["a{c}", "A{c}a", "{c}a", " {c}", "{c}{c}", "1{c}1", "{c}\n", "{c} x", "{c}'s", "!{c}"]
    cps = [cp for cp in range(0, 0x110000, 3) if not 0xD800 <= cp <= 0xDFFF]
    rng = random.Random(3)
    rng.shuffle(cps)
    for i in range(0, 60000, 500):
        chunk = cps[i : i + 500]
        text = "|".join(rng.choice(probes).format(c=chr(cp)) for cp in chunk)
        assert compiled.o200k_split(text) == PATTERN.findall(text)


def test_scanner_newer_unicode_is_unassigned():
    # Characters added after Unicode 16.0 split like unassigned code points, as in tiktoken.
    rng = random.Random(23)
    for lo, hi in UNASSIGNED_IN_ORACLE:
        for cp in {lo, hi, rng.randint(lo, hi)}:
            c = chr(cp)
            text = f"x{c}'s A{c}a 1{c}1 {c}{c}"
            assert compiled.o200k_split(text) == PATTERN.findall(text)
            as_unassigned = compiled.o200k_split(text.replace(c, "\u0378"))
            assert [len(p) for p in compiled.o200k_split(text)] == [len(p) for p in as_unassigned]
    assert compiled.o200k_split("x\ua7ce's") == ["x", "\ua7ce'", "s"]


def test_pinned_pattern_is_recognized():
    ranks = [bytes([b]) for b in range(256)]
    tok = compiled.CoreBPE(ranks, {}, PINNED)
    assert tok.encode_ordinary("x\ua7ce's") == compiled.CoreBPE(ranks, {}).encode_ordinary("x\ua7ce's")


def test_scanner_surrogates_raise_like_utf8_encoding():
    with pytest.raises(UnicodeEncodeError):
        compiled.o200k_split("a\ud800b")


# -- encoding ---------------------------------------------------------------------------


def test_encode_ordinary_identical(backends):
    p, c = backends
    for text in CORPUS:
        assert c.encode_ordinary(text) == p.encode_ordinary(text), text


def test_encode_with_specials_identical(backends):
    p, c = backends
    rng = random.Random(11)
    names = sorted(p.special_tokens)
    allowed_sets = [set(), {"<|start|>"}, {"<|end|>", "<|message|>", "<|reserved_200013|>"}, set(names),
                    {"<|endoftext|>", "not a special", 5}, "<|start|>"]
    for text in CORPUS[:1500]:
        if rng.random() < 0.6:
            pieces = [text]
            for _ in range(rng.randint(1, 4)):
                pieces.insert(rng.randrange(len(pieces) + 1), rng.choice(names + ["<|", "|>", "<|start", "<<|end|>>"]))
            text = "".join(pieces)
        allowed = rng.choice(allowed_sets)
        assert c.encode(text, allowed) == p.encode(text, allowed), (text, allowed)


def test_long_pieces_identical(backends):
    # Long pieces take the heap merge in both backends (from different lengths).
    p, c = backends
    rng = random.Random(5)
    for n in [2, 3, 50, 63, 64, 65, 100, 127, 128, 129, 300, 2000, 20000]:
        for alphabet in ["ab", "abcdefghijklmnopqrstuvwxyz", "0123456789abcdef!", "日本語", "é"]:
            text = "".join(rng.choice(alphabet) for _ in range(n))
            assert c.encode_ordinary(text) == p.encode_ordinary(text), text[:80]


def test_surrogates_raise_unicode_encode_error_in_both(backends):
    p, c = backends
    rng = random.Random(13)
    for _ in range(200):
        text = random_bytes_text(rng, rng.randint(1, 60), "surrogateescape")
        try:
            expected = p.encode_ordinary(text)
        except UnicodeEncodeError:
            with pytest.raises(UnicodeEncodeError):
                c.encode_ordinary(text)
            with pytest.raises(UnicodeEncodeError):
                c.encode(text, {"<|start|>"})
            fixed = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            assert c.encode_ordinary(fixed) == p.encode_ordinary(fixed)
            assert compiled.o200k_split(fixed) == PATTERN.findall(fixed)
        else:
            assert c.encode_ordinary(text) == expected


def test_decode_round_trip_identical(backends):
    p, c = backends
    for text in CORPUS[::3]:
        toks = p.encode(text, set(p.special_tokens))
        assert c.decode_bytes(toks) == p.decode_bytes(toks) == text.encode("utf-8")
        for t in toks[:5]:
            assert c.token_bytes(t) == p.token_bytes(t)
            assert c.is_special_token(t) == p.is_special_token(t)


def test_every_token_decodes_identically(backends):
    p, c = backends
    ids = list(range(201089))
    assert c.decode_bytes(ids) == p.decode_bytes(ids)
    for t in range(0, 201089, 97):
        assert c.token_bytes(t) == p.token_bytes(t)
    assert [c.is_special_token(t) for t in range(199990, 201095)] == [
        p.is_special_token(t) for t in range(199990, 201095)
    ]


def test_special_tokens_attribute(backends):
    p, c = backends
    assert c.special_tokens == p.special_tokens
    # read-only in both (issue 13: an added "" made the compiled matcher loop forever)
    assert type(c.special_tokens) is type(p.special_tokens) is MappingProxyType


# -- batch ------------------------------------------------------------------------------


def test_encode_batch_matches_serial(backends):
    p, c = backends
    rng = random.Random(17)
    texts = [realistic_text(rng, rng.randint(0, 3000)) for _ in range(40)] + CORPUS[:200]
    expected = [p.encode_ordinary(t) for t in texts]
    for threads in [1, 2, 3, 8]:
        assert c.encode_batch(texts, frozenset(), threads) == expected
    with_specials = [t + "<|end|>" + t[:10] for t in texts]
    allowed = {"<|end|>"}
    assert c.encode_batch(with_specials, allowed, 4) == [p.encode(t, allowed) for t in with_specials]
    assert c.encode_batch([], frozenset(), 4) == []
    assert c.encode_batch(iter(["a b", "c"]), num_threads=0) == [p.encode_ordinary("a b"), p.encode_ordinary("c")]


def test_encode_batch_errors(backends):
    _, c = backends
    with pytest.raises(UnicodeEncodeError):
        c.encode_batch(["ok", "bad\udc80"], frozenset(), 2)
    with pytest.raises(TypeError):
        c.encode_batch(["ok", b"bytes"], frozenset(), 2)


def test_threads_share_one_tokenizer(backends):
    p, c = backends
    rng = random.Random(19)
    texts = [realistic_text(rng, 2000) for _ in range(4)]
    expected = [p.encode_ordinary(t) for t in texts]
    results: Dict[int, List[List[int]]] = {}

    def work(k: int) -> None:
        results[k] = [c.encode_ordinary(t) for t in texts for _ in range(3)][::3]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(results[k] == expected for k in range(4))


# -- construction -----------------------------------------------------------------------


def test_small_custom_vocabulary_identical():
    ranks = [bytes([b]) for b in range(256)] + [b"ab", b"abab", b" a", b"cd", b"abcd", b"ababab"]
    specials = {"<s>": 262, "</s>": 263, "<pad>": 300}
    p = pure.CoreBPE(ranks, specials)
    c = compiled.CoreBPE(ranks, specials)
    for text in ["abababab cd abcd", "<s>ab</s>", "<pad><s></s>", "ab" * 200, ""]:
        for allowed in [set(), {"<s>"}, {"<s>", "</s>", "<pad>"}]:
            assert c.encode(text, allowed) == p.encode(text, allowed)
    assert c.decode_bytes([262, 300, 0]) == p.decode_bytes([262, 300, 0])
    for bad in [264, 299, 301]:
        with pytest.raises(Exception) as e1:
            p.decode_bytes([bad])
        with pytest.raises(Exception) as e2:
            c.decode_bytes([bad])
        assert (type(e1.value), str(e1.value)) == (type(e2.value), str(e2.value))


def test_custom_pattern_uses_regex():
    ranks = [bytes([b]) for b in range(256)] + [b"ab", b"abab"]
    p = pure.CoreBPE(ranks, {}, r"\S+|\s+")
    c = compiled.CoreBPE(ranks, {}, r"\S+|\s+")
    for text in ["abab ab  x", "a'b\n\nc", ""]:
        assert c.encode_ordinary(text) == p.encode_ordinary(text)


def test_missing_byte_raises_key_error_like_pure():
    ranks = [b"a", b"b", b"ab"]
    p = pure.CoreBPE(ranks, {})
    c = compiled.CoreBPE(ranks, {})
    assert c.encode_ordinary("abab") == p.encode_ordinary("abab")
    for text in ["c", "abc"]:
        with pytest.raises(KeyError) as e1:
            p.encode_ordinary(text)
        with pytest.raises(KeyError) as e2:
            c.encode_ordinary(text)
        assert e1.value.args == e2.value.args


def test_duplicate_vocabulary_rejected_like_pure():
    for mod in (pure, compiled):
        with pytest.raises(Exception) as e:
            mod.CoreBPE([b"a", b"a"], {})
        assert (type(e.value).__name__, str(e.value)) == ("HarmonyError", "vocabulary has duplicate tokens")


def test_backend_switch_picks_compiled():
    if not NO_EXTENSIONS:
        from openai_harmony import _backend

        assert _backend.CoreBPE is compiled.CoreBPE
    assert sys.modules["openai_harmony._tokenizer_c"] is compiled


def test_all_specials_by_dict_identity(backends):
    # Passing the tokenizer's own special_tokens dict means "all of them" (fast path).
    p, c = backends
    text = "a<|start|>b<|reserved_200100|><|end|>c<|endoftext|>"
    assert c.encode(text, c.special_tokens) == p.encode(text, p.special_tokens)
    assert c.encode(text, c.special_tokens) == c.encode(text, set(c.special_tokens))


def test_pickle_round_trip(backends):
    import pickle

    p, c = backends
    c2 = pickle.loads(pickle.dumps(c))
    text = CORPUS[-5] + "<|start|>"
    assert c2.encode(text, {"<|start|>"}) == c.encode(text, {"<|start|>"})
    assert c2.special_tokens == c.special_tokens


def test_uninitialized_object_raises_cleanly():
    tok = compiled.CoreBPE.__new__(compiled.CoreBPE)
    for call in (lambda: tok.encode_ordinary("x"), lambda: tok.encode("x", {"a"}), lambda: tok.encode_batch(["x"])):
        with pytest.raises(RuntimeError):
            call()
    with pytest.raises(Exception):
        tok.decode_bytes([1])


def test_repeated_pieces_in_long_text(backends):
    # Long texts reuse the tokens of pieces merged earlier in the same call.
    p, c = backends
    rng = random.Random(29)
    rare = ["".join(rng.choice("qxzjkvw") for _ in range(rng.randint(3, 12))) for _ in range(300)]
    rare += ["日本語" * k for k in range(1, 9)] + ["x" * k for k in range(3, 90, 7)]
    for _ in range(5):
        text = " ".join(rng.choice(rare) for _ in range(3000))
        assert c.encode_ordinary(text) == p.encode_ordinary(text)
        spliced = text[:5000] + "<|end|>" + text[5000:]
        assert c.encode(spliced, {"<|end|>"}) == p.encode(spliced, {"<|end|>"})


def test_many_special_lengths_and_prefixes():
    ranks = [bytes([b]) for b in range(256)]
    specials = {"<" + "x" * k + ">": 256 + k for k in range(100)}
    specials.update({"ab": 400, "abc": 401, "é!": 402})
    p = pure.CoreBPE(ranks, specials)
    c = compiled.CoreBPE(ranks, specials)
    rng = random.Random(31)
    names = sorted(specials)
    for _ in range(300):
        text = "".join(rng.choice(names + ["a", "b", "c", "<", ">", "x", " ", "é"]) for _ in range(rng.randint(0, 30)))
        allowed = set(rng.sample(names, rng.randint(1, len(names))))
        assert c.encode(text, allowed) == p.encode(text, allowed), (text, allowed)


def test_short_tokens_with_nul_bytes_keep_their_length():
    # Short tokens (1-8 bytes) are looked up by their bytes packed into one integer, where
    # "a" and "a\0" pack alike: the length must tell them apart.
    ranks = [bytes([b]) for b in range(256)] + [b"a\x00", b"a\x00\x00", b"\x00a", b"\x00\x00\x00\x00a\x00\x00\x00",
                                                 b"\x00\x00", b"a\x00\x00\x00\x00\x00\x00\x00", b"aa", b"aaaa"]
    p = pure.CoreBPE(ranks, {})
    c = compiled.CoreBPE(ranks, {})
    rng = random.Random(16)
    for _ in range(300):
        text = "".join(rng.choice(["a", "\x00", "aa", "\x00a", " "]) for _ in range(rng.randint(1, 24)))
        assert c.encode_ordinary(text) == p.encode_ordinary(text), repr(text)
    for k in range(1, 12):
        assert c.encode_ordinary("a" + "\x00" * k) == p.encode_ordinary("a" + "\x00" * k)


def test_merge_memo_gives_the_same_tokens_every_time(backends):
    # Merges are memoized by token-id pair across calls and threads (_bpe_core.h,
    # oh_pair_rank): first (memo cold) and later (memo warm) calls must agree with the pure
    # backend, also for pieces long enough for the heap merge.
    p, c = backends
    rng = random.Random(1616)
    scripts = [(0x4E00, 0x9FFF), (0x3041, 0x30FF), (0x0E01, 0x0E4B), (0xAC00, 0xD7A3), (0x0430, 0x044F)]
    texts = []
    for _ in range(60):
        lo, hi = rng.choice(scripts)
        texts.append("".join(chr(rng.randint(lo, hi)) for _ in range(rng.choice([2, 7, 20, 90]))))
    expected = [p.encode_ordinary(t) for t in texts]
    for _ in range(2):
        assert [c.encode_ordinary(t) for t in texts] == expected
    assert c.encode_batch(texts * 4, frozenset(), 2) == expected * 4


def test_piece_cache_keeps_pieces_apart_across_calls_and_tokenizers():
    # Merged pieces of up to 24 bytes and 6 tokens are remembered across calls, one cache
    # per tokenizer (_bpe_core.h, the piece cache), overwritten on collision; a call that
    # finds it taken by another thread falls back to its own.  Two vocabularies split the
    # same pieces differently; pieces are reused across calls, near both limits, and in
    # numbers far beyond the cache's 8,192 entries (collisions).
    letters = [bytes([b]) for b in range(256)]
    ranks_a = letters + [b"ab", b"abab", b"cd", b"abcd", b"dd"]
    ranks_b = letters + [b"ba", b"cd", b"dc", b"bab", b"dcd"]
    pa, ca = pure.CoreBPE(ranks_a, {}), compiled.CoreBPE(ranks_a, {})
    pb, cb = pure.CoreBPE(ranks_b, {}), compiled.CoreBPE(ranks_b, {})
    rng = random.Random(2416)
    words = ["".join(rng.choice("abcd") for _ in range(rng.choice([3, 5, 8, 12, 23, 24, 25, 30])))
             for _ in range(400)]
    texts = [" ".join(rng.sample(words, 12)) for _ in range(300)]
    for _ in range(2):
        for t in texts:
            assert ca.encode_ordinary(t) == pa.encode_ordinary(t), t
            assert cb.encode_ordinary(t) == pb.encode_ordinary(t), t
    many = [" ".join("".join(rng.choice("abcd") for _ in range(9)) for _ in range(500)) for _ in range(60)]
    for t in many + texts[:50]:
        assert ca.encode_ordinary(t) == pa.encode_ordinary(t)
    assert ca.encode_batch(texts * 3 + many, frozenset(), 2) == [pa.encode_ordinary(t) for t in texts * 3 + many]


def test_encode_batch_threads_keep_order_and_raise_the_first_error():
    # encode_batch hands out chunks of texts to threads that take the next one as they
    # finish, and the caller turns finished chunks into lists while the others encode:
    # results stay in input order, and the error raised is the first failing text's by
    # position, wherever its chunk was encoded.
    ranks = [bytes([b]) for b in range(256) if b not in b"qz"] + [b"ab", b"abab", b"cd", b" a"]
    p, c = pure.CoreBPE(ranks, {}), compiled.CoreBPE(ranks, {})
    rng = random.Random(1700)
    texts = [" ".join("".join(rng.choice("abcdxy\u00e9") for _ in range(rng.randint(1, 12)))
                      for _ in range(rng.randint(50, 1500))) for _ in range(120)]
    expected = [p.encode_ordinary(t) for t in texts]
    for threads in (1, 2, 3, 8):
        assert c.encode_batch(texts, frozenset(), threads) == expected
        for first, second in ((70, 90), (7, 118), (119, 3)):
            bad = list(texts)
            bad[first] += " q"
            bad[second] += " z"
            letter = b"q" if first < second else b"z"
            with pytest.raises(KeyError) as info:
                p.encode_ordinary(bad[min(first, second)])
            assert info.value.args == (letter,)
            with pytest.raises(KeyError) as info:
                c.encode_batch(bad, frozenset(), threads)
            assert info.value.args == (letter,), (threads, first, second)
