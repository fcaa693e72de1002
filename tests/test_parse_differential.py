"""Differential fuzz test of the parser's two cores: ``parse.ParserCore`` vs ``_parser.ParserCore``.

Seeded random token streams (Harmony structure tokens, header words, partial/invalid UTF-8,
reserved and out-of-vocabulary ids) are fed to both cores (and the public parser) token by
token; after every step everything observable must be identical, including the error
(type and message).  Feeding continues after an error, as with the official parser.  The
batch path (``feed`` + ``process_eos``) is compared on the same streams.  Odd arguments to
``process`` (negative/huge ints, floats, ``__index__`` objects, re-entrant ones) and very
large inputs check that the compiled core fails exactly like the pure one and never crashes.

The compiled core must be importable unless OPENAI_HARMONY_PURE_PYTHON=1 is set (then the
tests are skipped if it is missing, and run against the pure tokenizer if it is present).
"""

from __future__ import annotations

import random
import warnings
from typing import Any, Callable, List, Optional

import pytest

from openai_harmony import HarmonyError, Role, StreamableParser, load_harmony_encoding
from openai_harmony import _parser_py as parse_mod
from openai_harmony import _backend
from openai_harmony.parse import parse_messages_from_completion_tokens
from conftest import NO_EXTENSIONS as PURE_PYTHON_FORCED
from openai_harmony._tokens import check_token_list
from openai_harmony._compat.args import ArgumentOverflowError

try:
    from openai_harmony import _parser_c as _compiled_mod

    _COMPILED_ERROR: Optional[str] = None
except ImportError as _exc:  # pragma: no cover - depends on the build
    _compiled_mod = None
    _COMPILED_ERROR = f"{type(_exc).__name__}: {_exc}"

START, CHANNEL, MESSAGE, END, CALL, RETURN, CONSTRAIN = 200006, 200005, 200008, 200007, 200012, 200002, 200003
STRUCTURE = [START, CHANNEL, MESSAGE, END, CALL, RETURN, CONSTRAIN]
STOPS = [END, CALL, RETURN]
RESERVED = [199998, 199999, 200000, 200001, 200004, 200013, 200500, 201087, 201088]
OOV = [201089, 201090, 2**31, 2**32 - 1]
ROLES = [None, Role.USER, Role.ASSISTANT, Role.SYSTEM, Role.DEVELOPER, Role.TOOL]

HEADER_WORDS = [
    "user", "assistant", "system", "developer", "tool", " user", "assistant ", "Assistant",
    "analysis", "final", "commentary", " to=functions.get_weather", " to=browser.search",
    "to=", " to=", "functions.lookup", " json", "json", " <|constrain|>json", "<|constrain|>",
    "<|channel|>", "<|channel|>final", "<|message|>", " ", "  ", "\n", "\t", "\x0b", "\x0c",
    "\x1c", "\u3000", "\u00a0", "\u2028", "<", " <x>", "unknownrole", "a b", "to=x<|constrain|>json",
    "\"quoted\\\"", "é", "ü", "中文", "😀", "\x00", "\x7f", "\u0301", "\ud7ff", " code",
]
CONTENT_WORDS = [
    "Hello", " world", "!", "\n", " ", "{\"a\": 1}", "é", "中文字符", "😀🤖", "\u200d", "\ufffd",
    "<|end|>", "<|start|>", " the", "\r\n", "a\x00b", "𝔘𝔫𝔦",
]


def _err(e: BaseException) -> tuple:
    return (type(e), str(e))


# --------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def compiled_core() -> Any:
    """The compiled ParserCore class; skip only in pure mode if it is not built."""
    if _compiled_mod is None:
        if PURE_PYTHON_FORCED:
            pytest.skip(f"compiled parser not built ({_COMPILED_ERROR}); pure mode")
        pytest.fail(f"compiled parser openai_harmony._parser_c not importable: {_COMPILED_ERROR}", pytrace=False)
    return _compiled_mod.ParserCore


@pytest.fixture(scope="module")
def enc() -> Any:
    return load_harmony_encoding("HarmonyGptOss")


class Pools:
    """Token pools used by the stream generator."""

    def __init__(self, enc: Any) -> None:
        tok = enc._tokenizer
        self.tok = tok
        self.header_words = [tok.encode_ordinary(w) for w in HEADER_WORDS]
        self.content_words = [tok.encode_ordinary(w) for w in CONTENT_WORDS]
        high = {}
        for i in range(3000):
            b = tok.token_bytes(i)
            if len(b) == 1 and b[0] >= 0x80:
                high[b[0]] = i
        assert len(high) == 128
        self.high_bytes = sorted(high.values())  # one token per byte 0x80..0xFF
        by_byte = {b: i for i, b in ((i, tok.token_bytes(i)[0]) for i in self.high_bytes)}
        # lead bytes followed by continuation bytes: sequences that (nearly) complete
        self.lead2 = [by_byte[b] for b in range(0xC2, 0xE0)]
        self.lead3 = [by_byte[b] for b in range(0xE0, 0xF0)]
        self.lead4 = [by_byte[b] for b in range(0xF0, 0xF5)]
        self.cont = [by_byte[b] for b in range(0x80, 0xC0)]
        self.bad_lead = [by_byte[b] for b in (0xC0, 0xC1, 0xF5, 0xF8, 0xFE, 0xFF)]
        # multi-byte tokens that are not valid UTF-8 on their own
        partial = []
        for i in range(3000, 60000):
            b = tok.token_bytes(i)
            if len(b) > 1:
                try:
                    b.decode("utf-8")
                except UnicodeDecodeError:
                    partial.append(i)
        assert len(partial) > 100
        self.partial = partial

    def utf8_seq(self, rng: random.Random) -> List[int]:
        """A short run of byte tokens: valid, truncated or malformed UTF-8."""
        kind = rng.randrange(6)
        if kind == 0:
            return [rng.choice(self.lead2), rng.choice(self.cont)]
        if kind == 1:
            return [rng.choice(self.lead3)] + [rng.choice(self.cont) for _ in range(rng.randrange(3))]
        if kind == 2:
            return [rng.choice(self.lead4)] + [rng.choice(self.cont) for _ in range(rng.randrange(4))]
        if kind == 3:
            return [rng.choice(self.bad_lead)]
        if kind == 4:
            return [rng.choice(self.partial) for _ in range(rng.randrange(1, 3))]
        return [rng.choice(self.high_bytes) for _ in range(rng.randrange(1, 4))]

    def content_token(self, rng: random.Random) -> List[int]:
        r = rng.random()
        if r < 0.35:
            return list(rng.choice(self.content_words))
        if r < 0.55:
            return [rng.randrange(0, 199998)]
        if r < 0.80:
            return self.utf8_seq(rng)
        if r < 0.88:
            return [rng.choice(RESERVED)]
        if r < 0.93:
            return [rng.choice(OOV)]
        if r < 0.97:
            return [rng.choice((START, CHANNEL, CONSTRAIN, MESSAGE))]
        return list(rng.choice(self.header_words))

    def header(self, rng: random.Random, with_role: bool) -> List[int]:
        out: List[int] = []
        if with_role:
            out += rng.choice(self.header_words[:8])
        if rng.random() < 0.6:
            out.append(CHANNEL)
            if rng.random() < 0.9:
                out += rng.choice(self.header_words[8:11])
        if rng.random() < 0.4:
            out += rng.choice(self.header_words[11:13])
        if rng.random() < 0.3:
            out += [CONSTRAIN] + rng.choice(self.header_words[16:18])
        for _ in range(rng.choice((0, 0, 0, 1, 2))):
            r = rng.random()
            if r < 0.6:
                seg = list(rng.choice(self.header_words))
            elif r < 0.75:
                seg = self.utf8_seq(rng)
            elif r < 0.85:
                seg = [rng.choice(RESERVED + OOV + [CHANNEL, CONSTRAIN])]
            else:
                seg = [rng.randrange(0, 199998)]
            pos = rng.randrange(len(out) + 1)
            out[pos:pos] = seg
        return out

    def soup_token(self, rng: random.Random) -> List[int]:
        r = rng.random()
        if r < 0.35:
            return [rng.choice(STRUCTURE)]
        if r < 0.55:
            return list(rng.choice(self.header_words))
        return self.content_token(rng)

    def stream(self, rng: random.Random, role: Optional[Role]) -> List[int]:
        """A random token stream: mostly mutated well-formed messages, sometimes soup."""
        out: List[int] = []
        if rng.random() < 0.2:
            while len(out) < rng.randrange(1, 40):
                out += self.soup_token(rng)
            return out
        for k in range(rng.randrange(1, 4)):
            if k > 0 or role is None or rng.random() < 0.2:
                out.append(START)
            out += self.header(rng, with_role=(k > 0 or role is None) and rng.random() < 0.9)
            if rng.random() < 0.93:
                out.append(MESSAGE)
            for _ in range(rng.randrange(0, 10)):
                out += self.content_token(rng)
            if rng.random() < 0.85:
                out.append(rng.choice(STOPS))
        # mutations: delete / replace / insert
        for _ in range(rng.choice((0, 0, 1, 2, 4))):
            if not out:
                break
            i = rng.randrange(len(out))
            op = rng.randrange(3)
            if op == 0:
                del out[i]
            elif op == 1:
                out[i:i + 1] = self.soup_token(rng)
            else:
                out[i:i] = self.soup_token(rng)
        return out


@pytest.fixture(scope="module")
def pools(enc: Any) -> Pools:
    return Pools(enc)


# --------------------------------------------------------------------------------------
# observing a parser


def _message_view(m: Any) -> tuple:
    return (
        type(m).__name__, type(m.author.role), m.author.role, m.author.name, m.channel, m.recipient,
        m.content_type, [(type(c).__name__, c.text) for c in m.content], m.to_dict(),
    )


def _safe(f: Callable[[], Any]) -> Any:
    try:
        return ("ok", f())
    except BaseException as e:  # noqa: BLE001 - any failure is an observation to compare
        return ("raised",) + _err(e)


def snapshot(p: Any) -> dict:
    """Everything observable about a parser (each access guarded, as an exception is data too)."""
    return {
        "state": _safe(lambda: p.state),
        "state_data": _safe(lambda: p.state_data),
        "current_role": _safe(lambda: (type(p.current_role), p.current_role)),
        "current_channel": _safe(lambda: p.current_channel),
        "current_recipient": _safe(lambda: p.current_recipient),
        "current_content_type": _safe(lambda: p.current_content_type),
        "current_content": _safe(lambda: p.current_content),
        "last_content_delta": _safe(lambda: p.last_content_delta),
        "messages": _safe(lambda: [_message_view(m) for m in p.messages]),
        "tokens": _safe(lambda: [(type(t), t) for t in p.tokens]),
    }


def call(p: Any, method: str, *args: Any) -> Any:
    """Run ``p.method(*args)``: the exception (type, message), or that it returned self."""
    with warnings.catch_warnings():
        # e.g. __index__ returning a bool subclass warns; the same in both cores
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            ret = getattr(p, method)(*args)
        except BaseException as e:  # noqa: BLE001
            return _err(e)
    return ("returned self" if ret is p else ("returned", ret))


def assert_same(parsers: List[Any], what: str, outcomes: List[Any], ctx: Callable[[], str]) -> None:
    ref_out = outcomes[0]
    ref_snap = snapshot(parsers[0])
    for p, out in zip(parsers[1:], outcomes[1:]):
        assert out == ref_out, f"{what}: outcome differs for {type(p).__name__}\n{ctx()}"
        snap = snapshot(p)
        if snap != ref_snap:
            diff = {k: (ref_snap[k], snap[k]) for k in ref_snap if ref_snap[k] != snap[k]}
            raise AssertionError(f"{what}: state differs for {type(p).__name__}: {diff}\n{ctx()}")


def make_parsers(enc: Any, compiled: Any, role: Optional[Role], strict: bool) -> List[Any]:
    tok = enc._tokenizer
    return [
        parse_mod.ParserCore(tok, role, strict),
        compiled(tok, role, strict),
        StreamableParser(enc, role, strict=strict),
    ]


def run_stream(enc: Any, compiled: Any, tokens: List[Any], role: Optional[Role], strict: bool) -> List[Any]:
    """Feed *tokens* one by one (then EOS) to every parser, comparing after each step."""
    parsers = make_parsers(enc, compiled, role, strict)

    def ctx(i: int = -1) -> Callable[[], str]:
        return lambda: f"role={role} strict={strict} step={i} tokens={tokens!r}"

    assert_same(parsers, "initial", [None] * len(parsers), ctx())
    errors = []
    for i, t in enumerate(tokens):
        outs = [call(p, "process", t) for p in parsers]
        assert_same(parsers, f"process #{i} ({t!r})", outs, ctx(i))
        if outs[0] != "returned self":
            errors.append(outs[0])
    outs = [call(p, "process_eos") for p in parsers]
    assert_same(parsers, "process_eos", outs, ctx())
    if outs[0] != "returned self":
        errors.append(outs[0])
    # EOS is repeatable (it is a no-op once the content is finished)
    outs = [call(p, "process_eos") for p in parsers]
    assert_same(parsers, "second process_eos", outs, ctx())
    return errors


def run_batch(enc: Any, compiled: Any, tokens: List[int], role: Optional[Role], strict: bool) -> Any:
    """The batch path on every core; returns the pure core's (error, messages)."""
    tok = enc._tokenizer
    checked = check_token_list(list(tokens))
    cores = [parse_mod.ParserCore(tok, role, strict), compiled(tok, role, strict)]
    outs = []
    for c in cores:
        try:
            c.feed(list(checked))
            c.process_eos()
            outs.append(None)
        except BaseException as e:  # noqa: BLE001
            outs.append(_err(e))
    assert_same(cores, "batch", outs, lambda: f"role={role} strict={strict} tokens={tokens!r}")
    # the public function (whichever core is active) agrees
    try:
        public = ("ok", [_message_view(m) for m in parse_messages_from_completion_tokens(tok, tokens, role, strict=strict)])
    except BaseException as e:  # noqa: BLE001
        public = ("raised",) + _err(e)
    expect = ("raised",) + outs[0] if outs[0] is not None else ("ok", [_message_view(m) for m in cores[0].messages])
    assert public == expect, f"public batch differs: role={role} strict={strict} tokens={tokens!r}"
    return outs[0], cores[0].messages


# --------------------------------------------------------------------------------------
# tests


def test_compiled_core_is_active_unless_pure(compiled_core: Any) -> None:
    if PURE_PYTHON_FORCED:
        assert _backend.ParserCore is parse_mod.ParserCore
        assert not issubclass(StreamableParser, compiled_core)
    else:
        assert _backend.ParserCore is compiled_core
        assert issubclass(StreamableParser, compiled_core)


N_SEEDS = 8
STREAMS_PER_SEED = 250


@pytest.mark.parametrize("seed", range(N_SEEDS))
def test_random_streams(enc: Any, pools: Pools, compiled_core: Any, seed: int) -> None:
    rng = random.Random(0x5EED0000 + seed)
    n_errors = n_clean = 0
    for _ in range(STREAMS_PER_SEED):
        role = rng.choice(ROLES)
        strict = rng.random() < 0.5
        tokens = pools.stream(rng, role)
        errors = run_stream(enc, compiled_core, tokens, role, strict)
        err, messages = run_batch(enc, compiled_core, tokens, role, strict)
        if errors:
            n_errors += 1
            # the batch path stops at the first error of the stream
            assert err == errors[0]
        else:
            n_clean += 1
            assert err is None
            p = parse_mod.ParserCore(enc._tokenizer, role, strict)
            for t in tokens:
                p.process(t)
            p.process_eos()
            assert [_message_view(m) for m in messages] == [_message_view(m) for m in p.messages]
    # the generator must exercise both outcomes
    assert n_errors > 5 and n_clean > 5, (n_errors, n_clean)


def test_random_soup_streams(enc: Any, pools: Pools, compiled_core: Any) -> None:
    rng = random.Random(1234)
    for _ in range(120):
        role = rng.choice(ROLES)
        strict = rng.random() < 0.5
        tokens: List[int] = []
        while len(tokens) < 30:
            tokens += pools.soup_token(rng)
        run_stream(enc, compiled_core, tokens, role, strict)
        run_batch(enc, compiled_core, tokens, role, strict)


# Streams that reach each state (and the content sub-states with pending bytes/ids).
def _prefixes(enc: Any, pools: Pools) -> List[tuple]:
    tok = enc._tokenizer
    asst = tok.encode_ordinary("assistant")
    hello = tok.encode_ordinary("Hello")
    return [
        ("empty", None, []),
        ("after-end", None, [START] + asst + [MESSAGE] + hello + [END]),
        ("header", None, [START] + asst),
        ("header-role", Role.ASSISTANT, []),
        ("content", None, [START] + asst + [MESSAGE] + hello),
        ("content-partial-utf8", Role.USER, [MESSAGE, pools.lead3[0], pools.cont[0]]),
        ("content-oov-pending", Role.USER, [MESSAGE] + hello + [201089]),
        ("after-error", None, [5, 6]),
    ]


class Idx:
    """An object converted through ``__index__`` (possibly returning junk or raising)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __index__(self) -> Any:
        if isinstance(self.value, BaseException):
            raise self.value
        return self.value

    def __repr__(self) -> str:
        return f"Idx({self.value!r})"


class IntSub(int):
    pass


class BoolIndex:
    def __index__(self) -> Any:
        return True


class Reentrant:
    """``__index__`` feeds the very parser being fed (a re-entrant call during conversion)."""

    def __init__(self, inner: List[Any], value: int) -> None:
        self.inner = inner
        self.value = value
        self.target: Any = None

    def bind(self, target: Any) -> "Reentrant":
        r = Reentrant(self.inner, self.value)
        r.target = target
        return r

    def __index__(self) -> int:
        for t in self.inner:
            try:
                self.target.process(t)
            except HarmonyError:
                pass
        return self.value

    def __repr__(self) -> str:
        return f"Reentrant({self.inner!r}, {self.value})"


def _odd_values() -> List[Any]:
    values: List[Any] = [
        -1, -2, -200006, -2**31, -2**32, -2**63, -2**63 - 1, -2**64, -2**70, -2**200,
        2**32, 2**32 + 200006, 2**33, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**64 + 200006, 2**70, 2**200,
        0, 2**32 - 1, 2**31, 201089, 201088,
        0.0, 1.0, -0.0, 200006.0, 1.5, float("nan"), float("inf"), -float("inf"),
        None, "200006", "", b"\x01", bytearray(b"\x01"), [200006], (200006,), {}, set(), 1j,
        True, False, IntSub(200006), IntSub(200008), IntSub(-1), IntSub(2**40), IntSub(2**70),
        Idx(200006), Idx(200008), Idx(200007), Idx(0), Idx(-1), Idx(2**32), Idx(2**64), Idx(-2**70),
        Idx("x"), Idx(1.0), Idx(None), Idx(ValueError("boom")), Idx(KeyboardInterrupt("ki")),
        Idx(OverflowError("custom overflow")), Idx(IntSub(200006)), BoolIndex(), Idx,
        object(), Ellipsis, NotImplemented, range(3), type,
    ]
    try:
        import decimal
        import fractions

        values += [decimal.Decimal(1), fractions.Fraction(200006, 1)]
    except ImportError:  # pragma: no cover
        pass
    try:
        import numpy as np  # optional: numpy scalars convert through __index__
    except ImportError:  # pragma: no cover
        return values
    values += [
        np.uint32(200006), np.int64(200008), np.int64(-1), np.uint64(2**64 - 1), np.int8(-5),
        np.uint8(7), np.float64(1.0), np.bool_(True), np.array(5), np.array([1, 2]),
    ]
    return values


def test_odd_process_arguments(enc: Any, pools: Pools, compiled_core: Any) -> None:
    rng = random.Random(99)
    tok = enc._tokenizer
    hello = tok.encode_ordinary("Hello")
    for name, role, prefix in _prefixes(enc, pools):
        for strict in (True, False):
            for value in _odd_values():
                parsers = make_parsers(enc, compiled_core, role, strict)

                def ctx(v: Any = value) -> str:
                    return f"prefix={name} role={role} strict={strict} value={v!r}"

                for t in prefix:
                    assert_same(parsers, "prefix", [call(p, "process", t) for p in parsers], ctx)
                outs = [call(p, "process", value) for p in parsers]
                assert_same(parsers, f"process({value!r})", outs, ctx)
                # the parser keeps working afterwards
                tail = [rng.choice(STRUCTURE)] + hello + [MESSAGE] + hello + [END]
                for t in tail:
                    assert_same(parsers, "after odd value", [call(p, "process", t) for p in parsers], ctx)
                assert_same(parsers, "eos", [call(p, "process_eos") for p in parsers], ctx)


def test_reentrant_index(enc: Any, pools: Pools, compiled_core: Any) -> None:
    """An ``__index__`` that feeds the same parser mid-conversion: same result, no crash."""
    tok = enc._tokenizer
    asst = tok.encode_ordinary("assistant")
    inners = [
        [START] + asst + [MESSAGE] + tok.encode_ordinary("x"),
        [END],
        [MESSAGE, pools.lead4[0]],
        [201089, 2**40],
        [START],
    ]
    for name, role, prefix in _prefixes(enc, pools):
        for strict in (True, False):
            for inner in inners:
                for value in (START, MESSAGE, END, pools.cont[3], 2**32):
                    proto = Reentrant(inner, value)
                    parsers = make_parsers(enc, compiled_core, role, strict)

                    def ctx(proto: Any = proto) -> str:
                        return f"prefix={name} role={role} strict={strict} value={proto!r}"

                    for t in prefix:
                        assert_same(parsers, "prefix", [call(p, "process", t) for p in parsers], ctx)
                    outs = [call(p, "process", proto.bind(p)) for p in parsers]
                    assert_same(parsers, "reentrant process", outs, ctx)
                    for t in [pools.cont[5], END, START] + asst + [MESSAGE]:
                        assert_same(parsers, "after", [call(p, "process", t) for p in parsers], ctx)
                    assert_same(parsers, "eos", [call(p, "process_eos") for p in parsers], ctx)


def test_constructor_arguments_agree(enc: Any, compiled_core: Any) -> None:
    tok = enc._tokenizer
    for role in ROLES:
        for strict in (True, False, 1, 0):
            a = parse_mod.ParserCore(tok, role, strict)
            b = compiled_core(tok, role, strict)
            assert snapshot(a) == snapshot(b)
            for t in (START, 1428, MESSAGE, 13225, END, 99):
                assert_same([a, b], "process", [call(a, "process", t), call(b, "process", t)], lambda: f"{role} {strict}")


def _huge(enc: Any, compiled: Any, role: Optional[Role], strict: bool, tokens: List[int], checkpoints: int = 4) -> List[Any]:
    """Feed a long stream token by token to both cores; compare at a few checkpoints."""
    tok = enc._tokenizer
    cores = [parse_mod.ParserCore(tok, role, strict), compiled(tok, role, strict)]
    step = max(1, len(tokens) // checkpoints)
    for start in range(0, len(tokens), step):
        chunk = tokens[start:start + step]
        outs = []
        for c in cores:
            errs = []
            for t in chunk:
                try:
                    c.process(t)
                except HarmonyError as e:
                    errs.append(str(e))
            outs.append(errs)
        assert_same(cores, f"chunk at {start}", outs, lambda: f"len={len(tokens)}")
    assert_same(cores, "eos", [call(c, "process_eos") for c in cores], lambda: f"len={len(tokens)}")
    # and the batch path on the same stream
    run_batch(enc, compiled, tokens, role, strict)
    return cores


def test_huge_content(enc: Any, pools: Pools, compiled_core: Any) -> None:
    rng = random.Random(7)
    tok = enc._tokenizer
    words = [t for w in CONTENT_WORDS for t in tok.encode_ordinary(w)] + [rng.randrange(0, 199998) for _ in range(50)]
    body = [rng.choice(words) for _ in range(200_000)]
    tokens = [START] + tok.encode_ordinary("assistant") + [CHANNEL] + tok.encode_ordinary("final") + [MESSAGE] + body + [END]
    cores = _huge(enc, compiled_core, None, True, tokens)
    (m,) = cores[0].messages
    assert m.content[0].text == tok.decode_bytes(body).decode("utf-8", "replace")
    # without the stop token the content is still open at each checkpoint
    _huge(enc, compiled_core, Role.ASSISTANT, False, [MESSAGE] + body[:100_000])


def test_huge_invalid_utf8_content(enc: Any, pools: Pools, compiled_core: Any) -> None:
    rng = random.Random(8)
    body: List[int] = []
    while len(body) < 200_000:
        body += pools.utf8_seq(rng) if rng.random() < 0.7 else [rng.randrange(0, 199998)]
    _huge(enc, compiled_core, Role.USER, True, [MESSAGE] + body + [CALL, START] + body[:1000])


def test_content_after_oov_id(enc: Any, pools: Pools, compiled_core: Any) -> None:
    # an unknown id keeps everything after it undecoded until the message ends
    rng = random.Random(9)
    body = [rng.choice(pools.high_bytes + [1428, 13225]) for _ in range(1500)]
    _huge(enc, compiled_core, Role.USER, True, [MESSAGE, 7, 201089] + body + [RETURN], checkpoints=3)
    _huge(enc, compiled_core, Role.USER, False, [MESSAGE, 2**31] + body, checkpoints=3)


def test_long_headers(enc: Any, pools: Pools, compiled_core: Any) -> None:
    tok = enc._tokenizer
    abc = tok.encode_ordinary("abc")
    assert len(abc) == 1
    space_x = tok.encode_ordinary(" x")
    asst = tok.encode_ordinary("assistant")
    cases = [
        # one very long channel name / recipient (a single header word)
        (None, True, [START] + asst + [CHANNEL] + abc * 60_000 + [MESSAGE] + abc + [END]),
        (None, True, [START] + asst + tok.encode_ordinary(" to=") + abc * 60_000 + [MESSAGE, END]),
        # many leftover words: the error message quotes them all
        (None, True, [START] + asst + space_x * 40_000 + [MESSAGE] + abc + [END]),
        # unknown long role word
        (None, False, [START] + abc * 60_000 + [MESSAGE, END]),
        # non-strict stop inside a long header, with a role: the header words become content
        (Role.ASSISTANT, False, space_x * 40_000 + [END, START] + asst + [MESSAGE, END]),
        # a header that never completes
        (Role.TOOL, True, space_x * 60_000),
        # invalid UTF-8 inside a long header
        (None, True, [START] + asst + space_x * 30_000 + [pools.lead3[1]] + [MESSAGE, END]),
    ]
    for role, strict, tokens in cases:
        _huge(enc, compiled_core, role, strict, tokens, checkpoints=2)


def test_batch_feed_matches_streaming_on_huge_messages(enc: Any, pools: Pools, compiled_core: Any) -> None:
    rng = random.Random(10)
    tok = enc._tokenizer
    tokens: List[int] = []
    for _ in range(2000):
        tokens += [START] + rng.choice(pools.header_words[:3]) + [MESSAGE]
        tokens += [rng.randrange(0, 199998) for _ in range(rng.randrange(0, 60))]
        tokens.append(rng.choice(STOPS))
    err, messages = run_batch(enc, compiled_core, tokens, None, False)
    p = compiled_core(tok, None, False)
    for t in tokens:
        try:
            p.process(t)
        except HarmonyError:
            pass
    p.process_eos()
    if err is None:
        assert [_message_view(m) for m in p.messages] == [_message_view(m) for m in messages]


def _process_until_error(core: Any, tokens: List[Any]) -> Any:
    for t in tokens:
        out = call(core, "process", t)
        if out != "returned self":
            return out
    return ("returned", None)


def test_feed_is_process_until_first_error(enc: Any, pools: Pools, compiled_core: Any) -> None:
    """``feed`` (the batch loop) on unchecked input behaves as ``process`` token by token."""
    rng = random.Random(11)
    tok = enc._tokenizer
    odd = [v for v in _odd_values() if not isinstance(v, Idx) or not isinstance(v.value, KeyboardInterrupt)]
    for i in range(300):
        role = rng.choice(ROLES)
        strict = rng.random() < 0.5
        tokens: List[Any] = pools.stream(rng, role)
        if i % 3:
            tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(odd))
        ref = parse_mod.ParserCore(tok, role, strict)
        want = _process_until_error(ref, tokens)
        for core in (parse_mod.ParserCore, compiled_core):
            for container in (list, tuple, iter):
                p = core(tok, role, strict)
                got = call(p, "feed", container(tokens))
                assert_same([ref, p], f"feed({container.__name__}) on {core.__name__}", [want, got],
                            lambda: f"role={role} strict={strict} tokens={tokens!r}")
        # an iterable that fails part way: the tokens before it are processed
        k = rng.randrange(len(tokens) + 1)
        ref = parse_mod.ParserCore(tok, role, strict)
        want = _process_until_error(ref, tokens[:k])
        if want == ("returned", None):
            want = (ValueError, "generator broke")
        for core in (parse_mod.ParserCore, compiled_core):
            p = core(tok, role, strict)
            got = call(p, "feed", _breaking(tokens, k))
            assert_same([ref, p], f"feed(generator) on {core.__name__}", [want, got],
                        lambda: f"role={role} strict={strict} k={k} tokens={tokens!r}")


def _breaking(tokens: List[Any], k: int) -> Any:
    yield from tokens[:k]
    raise ValueError("generator broke")


# Recorded from the official package (0.0.8): StreamableParser(enc, None).process(value) on a
# fresh parser, and parse_messages_from_completion_tokens([200006, value]).  PyO3 reads a C
# long first (its own overflow message), then narrows to u32.
# Ours: the same text after the argument's name, as an OverflowError that is also a
# ValueError (README "Errors").
_TOO_LARGE = (ArgumentOverflowError, "argument '{arg}': Python int too large to convert to C long")
_OUT_OF_RANGE = (ArgumentOverflowError, "argument '{arg}': out of range integral type conversion attempted")
OFFICIAL_ARG_ERRORS = [
    (-1, _OUT_OF_RANGE),
    (2**32, _OUT_OF_RANGE),
    (2**63 - 1, _OUT_OF_RANGE),
    (2**63, _TOO_LARGE),
    (-2**63, _OUT_OF_RANGE),
    (-2**63 - 1, _TOO_LARGE),
    (-2**64, _TOO_LARGE),
    (2**64, _TOO_LARGE),
    (2**100, _TOO_LARGE),
    (Idx(2**32), _OUT_OF_RANGE),
    (Idx(2**64), _TOO_LARGE),
    (Idx(-2**63 - 1), _TOO_LARGE),
    (1.5, (TypeError, "argument '{arg}': 'float' object cannot be interpreted as an integer")),
    (200006.0, (TypeError, "argument '{arg}': 'float' object cannot be interpreted as an integer")),
    (None, (TypeError, "argument '{arg}': 'NoneType' object cannot be interpreted as an integer")),
    ("1", (TypeError, "argument '{arg}': 'str' object cannot be interpreted as an integer")),
]


@pytest.mark.parametrize("value,expected", OFFICIAL_ARG_ERRORS, ids=[repr(v) for v, _ in OFFICIAL_ARG_ERRORS])
def test_argument_errors_match_official(enc: Any, compiled_core: Any, value: Any, expected: tuple) -> None:
    tok = enc._tokenizer
    for core in (parse_mod.ParserCore, compiled_core):
        p = core(tok, None, True)
        assert call(p, "process", value) == (expected[0], expected[1].format(arg="token"))
        assert p.tokens == [] and p.state_data == {"state": "ExpectStart"}
    want = (expected[0], expected[1].format(arg="tokens"))
    with pytest.raises(expected[0]) as info:
        enc.parse_messages_from_completion_tokens([200006, value])
    assert (type(info.value), str(info.value)) == want
    with pytest.raises(expected[0]) as info:
        parse_messages_from_completion_tokens(tok, [200006, value])
    assert (type(info.value), str(info.value)) == want


def test_bool_and_index_tokens_match_official(enc: Any, compiled_core: Any) -> None:
    # official: True is token 1; an __index__ object is converted
    tok = enc._tokenizer
    for core in (parse_mod.ParserCore, compiled_core):
        p = core(tok, None, True)
        assert call(p, "process", True) == (HarmonyError, "Unexpected token 1 while expecting start token 200006")
        assert p.tokens == [1] and type(p.tokens[0]) is int
        p = core(tok, None, True)
        assert call(p, "process", Idx(200006)) == "returned self"
        assert p.tokens == [200006] and p.state_data == {"state": "Header", "header_tokens": []}
    with pytest.raises(HarmonyError, match="^Unexpected EOS while waiting for message header to complete$"):
        enc.parse_messages_from_completion_tokens([200006, True])
