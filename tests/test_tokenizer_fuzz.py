"""Hostile input to the compiled tokenizer: clean exceptions, the same as the pure backend.

Random token lists (ids outside the vocabulary, negative and huge ints, floats, None,
strings, int-likes), random argument types and random bytes go to both backends; each
call must return the same value or raise the same exception type with the same message,
and the compiled one must never crash.  Bounded in count, no timing.
"""

from __future__ import annotations

import array
import operator
import random
from fractions import Fraction
from typing import Any, Callable

import pytest
from conftest import compiled_module

from openai_harmony import _tokenizer_py as pure
from openai_harmony.errors import HarmonyError
from openai_harmony.load import harmony_special_tokens, load_mergeable_ranks

compiled = compiled_module("_tokenizer_c", module_level=True)


@pytest.fixture(scope="module")
def backends():
    ranks = load_mergeable_ranks()
    specials = harmony_special_tokens()
    return pure.CoreBPE(ranks, specials), compiled.CoreBPE(ranks, specials)


def outcome(fn: Callable[[], Any]):
    try:
        return ("ok", fn())
    except Exception as exc:  # noqa: BLE001 - the exception is the result under test
        return ("raise", type(exc), str(exc))


def same(p, c, method: str, *args):
    expected = outcome(lambda: getattr(p, method)(*args))
    got = outcome(lambda: getattr(c, method)(*args))
    assert got == expected, (method, args)
    return got


class IntLike:
    """Has __index__, like numpy integers."""

    def __init__(self, v: int) -> None:
        self.v = v

    def __index__(self) -> int:
        return self.v

    def __str__(self) -> str:
        return f"IntLike{self.v}"

    def _cmp(self, other: Any, op: Callable[[int, int], bool]) -> Any:
        try:
            return op(self.v, operator.index(other))
        except TypeError:
            return NotImplemented

    def __lt__(self, other: Any) -> Any:
        return self._cmp(other, operator.lt)

    def __gt__(self, other: Any) -> Any:
        return self._cmp(other, operator.gt)

    def __ge__(self, other: Any) -> Any:
        return self._cmp(other, operator.ge)

    __int__ = __index__


_WEIRD = [-1, -(2**31), -(2**63), 2**31, 2**32 - 1, 2**32, 2**63, 2**64, 2**100, 201089, 201088, 199997,
          199998, 300000, 1.0, 0.5, float("nan"), None, "1", b"1", [], (1,), True, False, Fraction(3, 1),
          IntLike(5), IntLike(-3), IntLike(2**40), IntLike(250000), object()]


def random_token(rng: random.Random) -> Any:
    r = rng.random()
    if r < 0.7:
        return rng.randrange(201089)
    if r < 0.8:
        return rng.randrange(-10, 2**33)
    return rng.choice(_WEIRD)


def test_decode_bytes_random_lists(backends):
    p, c = backends
    rng = random.Random(1)
    for _ in range(3000):
        n = rng.choice([0, 1, 2, 3, 10, 50])
        toks = [random_token(rng) if rng.random() < 0.15 else rng.randrange(201089) for _ in range(n)]
        same(p, c, "decode_bytes", toks)


def test_decode_bytes_containers(backends):
    p, c = backends
    for make in [lambda: iter([1, 2]), lambda: (x for x in [3, 4, 201089]), lambda: map(int, "123")]:
        assert outcome(lambda: c.decode_bytes(make())) == outcome(lambda: p.decode_bytes(make()))
    for arg in [(), (1, 2, 3), range(5), range(201080, 201095), "abc", b"abc",
                bytearray(b"ab"), {1: 2}, {5}, array.array("I", [1, 2, 3]), 5, None, 1.5, [[1]],
                [1, [2]], [IntLike(1), IntLike(2)], [True, False], [2**32, "x"], ["x", 2**32],
                [300000, "x"], [300000, 2**32], [-1], [201089], [10**30]]:
        same(p, c, "decode_bytes", arg)


def test_token_bytes_and_is_special_weird(backends):
    p, c = backends
    for t in _WEIRD + [0, 1, 200006, 200001, 201088, 199999]:
        same(p, c, "token_bytes", t)
        same(p, c, "is_special_token", t)


def test_token_bytes_random(backends):
    p, c = backends
    rng = random.Random(2)
    for _ in range(3000):
        t = random_token(rng)
        same(p, c, "token_bytes", t)
        same(p, c, "is_special_token", t)


def test_invalid_token_message(backends):
    _, c = backends
    with pytest.raises(HarmonyError) as e:
        c.decode_bytes([1, 2, 201089, 5])
    assert str(e.value) == "Invalid token for decoding: 201089"
    with pytest.raises(HarmonyError) as e:
        c.token_bytes(2**32 - 1)
    assert str(e.value) == "Invalid token for decoding: 4294967295"
    with pytest.raises(OverflowError):
        c.decode_bytes([1, -1])
    with pytest.raises(TypeError) as e:
        c.decode_bytes([1, 2.0])
    assert str(e.value) == "argument 'tokens': 'float' object cannot be interpreted as an integer"


def test_decode_mutating_list_is_safe(backends):
    p, c = backends
    toks = [1, 2, 3]

    class Shrinker:
        def __index__(self) -> int:
            toks.clear()
            return 7

        def __ge__(self, other: Any) -> bool:
            return True

        def __lt__(self, other: Any) -> bool:
            return False

    toks.extend([Shrinker(), 4, 5])
    # whatever it returns, the compiled backend must not read freed or missing items
    result = outcome(lambda: c.decode_bytes(toks))
    assert result[0] in ("ok", "raise")


def test_encode_argument_types(backends):
    p, c = backends
    for text in ["x", "", "<|start|>"]:
        for allowed in [set(), {"<|start|>"}, ["<|start|>"], "<|start|>", (), {1, 2}, frozenset({None}), {"<|end|>": 1}]:
            same(p, c, "encode", text, allowed)
    for bad_allowed in [5, None, [["<|start|>"]], [{}]]:
        same(p, c, "encode", "x", bad_allowed)
    for bad_text in [b"abc", bytearray(b"x"), 5, None, ["a"]]:
        assert type(outcome(lambda: c.encode_ordinary(bad_text))[1]) is type and outcome(
            lambda: c.encode_ordinary(bad_text)
        ) == outcome(lambda: p.encode_ordinary(bad_text))


def test_random_bytes_encode_decode(backends):
    p, c = backends
    rng = random.Random(3)
    for _ in range(1500):
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
        for errors in ("replace", "ignore", "backslashreplace", "surrogateescape"):
            text = raw.decode("utf-8", errors)
            got = same(p, c, "encode_ordinary", text)
            if got[0] == "ok":
                assert c.decode_bytes(got[1]) == text.encode("utf-8")
            else:
                assert got[1] is UnicodeEncodeError


def test_surrogate_errors_with_specials(backends):
    p, c = backends
    rng = random.Random(6)
    allowed = {"<|start|>", "<|end|>"}
    for _ in range(400):
        parts = []
        for _ in range(rng.randint(1, 6)):
            r = rng.random()
            if r < 0.3:
                parts.append(rng.choice(["<|start|>", "<|end|>", "<|message|>"]))
            elif r < 0.6:
                parts.append(rng.choice(["\ud800", "\udc80\udcff", "\udfff"]))
            else:
                parts.append(rng.choice(["ab", " x", "!!", "  ", "\n", "12345", "\u00e9t\u00e9", "'s"]))
        text = "".join(parts)
        same(p, c, "encode", text, allowed)
        same(p, c, "encode_ordinary", text)


def test_random_token_streams_decode(backends):
    # valid ids in random order: arbitrary (often invalid UTF-8) byte strings
    p, c = backends
    rng = random.Random(4)
    for _ in range(500):
        toks = [rng.randrange(201089) for _ in range(rng.randint(0, 200))]
        assert c.decode_bytes(toks) == p.decode_bytes(toks)


def test_large_inputs(backends):
    p, c = backends
    toks = list(range(199998)) * 3
    assert c.decode_bytes(toks) == p.decode_bytes(toks)
    big = "word " * 200000 + "x" * 300000
    assert c.encode_ordinary(big) == p.encode_ordinary(big)
    with pytest.raises(HarmonyError):
        c.decode_bytes([0] * 500000 + [201089])
    with pytest.raises(TypeError):
        c.decode_bytes([0] * 500000 + [None])


def test_constructor_rejects_bad_input():
    with pytest.raises(TypeError):
        compiled.CoreBPE([b"a", "b"], {})
    with pytest.raises(TypeError):
        compiled.CoreBPE(None, {})
    with pytest.raises(ValueError):
        compiled.CoreBPE([b"a"], {"": 3})
    with pytest.raises(ValueError):
        compiled.CoreBPE([b"a"], {"<x>": -1})
    tok = compiled.CoreBPE([b"a", b"b"], {"<x>": 5})
    assert tok.decode_bytes([0, 5, 1]) == b"a<x>b"
    for bad in [2, 3, 4, 6]:
        with pytest.raises(HarmonyError):
            tok.decode_bytes([bad])
