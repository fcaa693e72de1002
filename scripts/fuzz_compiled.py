#!/usr/bin/env python3
"""Bounded, seeded random fuzzer of the compiled backend (``_tokenizer``, ``_parser``).

Drives the compiled modules with adversarial input and compares them with the pure-Python
modules wherever the result is defined (differential): same value, or the same exception
type and message.  Inputs: random text with lone surrogates, random bytes decoded every
which way, special-token fragments and very long pieces (encoders, ``encode_batch``, the
o200k scanner); token lists with ids in and out of the vocabulary, negative and huge
ints, floats, int subclasses, ``__index__`` objects that raise, return junk or mutate the
list being read, odd containers (decoders); random Harmony token streams with split and
invalid UTF-8 (parser cores, step by step and in batch); ``CoreBPE`` constructor arguments
that lie or change while they are read (a ``__len__`` that disagrees with iteration,
bytearray tokens grown or emptied from the special-token mapping's callbacks, ``__bytes__``
objects, str subclasses, ``__index__`` ids, junk keys, values and patterns), compared with
the pure constructor (same error, or tokenizers that behave the same).

The fuzzing runs in a child process, so a crash of the extension (a signal) is reported
as a failure instead of killing the driver.  Every case is generated from (seed, case
number) alone, so a failure is reproducible: the driver prints the seed, the case and its
input, and the command that replays it.

    python scripts/fuzz_compiled.py --seconds 60            # CI: bounded by time
    python scripts/fuzz_compiled.py --seconds 3600 --seed 7 # longer, fixed seed
    python scripts/fuzz_compiled.py --seed 7 --case 1234    # replay one case in-process

Exit status: 0 no failure, 1 mismatch/crash/hang, 2 the compiled modules did not import.
"""

from __future__ import annotations

import argparse
import array
import faulthandler
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the checkout's package, also when not installed

START, CHANNEL, MESSAGE, END, CALL, RETURN, CONSTRAIN = 200006, 200005, 200008, 200007, 200012, 200002, 200003
VOCAB = 201089
SPECIAL_IDS = [199998, 199999, 200000, 200001, 200002, 200003, 200004, 200005, 200006, 200007, 200008, 200012,
               200013, 200500, 201087, 201088]
SPECIAL_TEXTS = ["<|start|>", "<|end|>", "<|message|>", "<|channel|>", "<|constrain|>", "<|return|>", "<|call|>",
                 "<|startoftext|>", "<|endoftext|>", "<|reserved_200000|>", "<|reserved_201088|>"]
FRAGMENTS = ["<|", "|>", "<|start", "start|>", "<|reserved_", "<|refusal|>", "<|endofprompt|>", "<|reserved_201089|>",
             "<", "|", ">", "'s", "'LL", "\u2019re", " ", "  ", "\n", "\r\n", "\t", "\x0b", "\x1c", "\x85", "\xa0",
             "\u3000", "\u2028", "0", "123", "\u0660\u00b2", "a", "Z", "\u00e9", "e\u0301", "\u4e2d", "\U0001F600",
             "\U0001F44D\U0001F3FD", "\u200d", "\ufe0f", "\ufffd", "\ufeff", "\x00", "\U0010ffff", "\ue000",
             "\U000e0001", "\u0301", "\u093f", "\u01c5", "\u02b0"]
HEADER_WORDS = ["user", "assistant", "system", "developer", "tool", " to=functions.get_weather", "to=", " json",
                "<|constrain|>json", "analysis", "final", "commentary", " ", "\n", "\t", "\x0b", "\u3000", "<",
                "unknown", "a b", "functions.x", "\u00e9", "\U0001F600"]
CONTENT_WORDS = ["Hello", " world", "\n", "{\"a\": 1}", "\u00e9", "\u4e2d\u6587", "\U0001F600\U0001F916",
                 "<|end|>", "\ufffd", " the", "a\x00b"]
EXC_TYPES = {"ValueError": ValueError, "TypeError": TypeError, "OverflowError": OverflowError,
             "ZeroDivisionError": ZeroDivisionError, "RuntimeError": RuntimeError, "IndexError": IndexError}


class Failure(Exception):
    """A mismatch between the backends, or an outcome that is not allowed."""


# --------------------------------------------------------------------------------------
# odd token values, built fresh from a plain description (so each backend gets its own)


class IntSub(int):
    """An int subclass (honest comparisons)."""


class Idx:
    """Converted through ``__index__``: returns *value* or raises an exception of type *exc*."""

    def __init__(self, value: Any = 0, exc: Optional[str] = None, owner: Optional[list] = None,
                 mutate: Optional[str] = None) -> None:
        self.value, self.exc, self.owner, self.mutate = value, exc, owner, mutate

    def __index__(self) -> Any:
        if self.owner is not None and self.mutate is not None:
            lst = self.owner
            # once only: an insert before itself would otherwise meet itself again forever
            self.owner = None
            if self.mutate == "clear":
                lst.clear()
            elif self.mutate == "extend":
                lst.extend(range(1000, 3000))
            elif self.mutate == "pop":
                if lst:
                    lst.pop()
            elif self.mutate == "replace":
                lst[:] = [object()] * len(lst)
            elif self.mutate == "insert":
                lst.insert(0, Idx(5))
        if self.exc is not None:
            raise EXC_TYPES[self.exc]("raised by __index__")
        return self.value

    def __repr__(self) -> str:
        return f"Idx({self.value!r})"


class Liar(int):
    """An int subclass whose comparisons always say "in range" (mutation runs only)."""

    def __lt__(self, other: Any) -> bool:
        return False

    def __gt__(self, other: Any) -> bool:
        return True

    __le__ = __lt__
    __ge__ = __gt__


def build_value(spec: Tuple, owner: Optional[list]) -> Any:
    kind = spec[0]
    if kind == "int":
        return spec[1]
    if kind == "bool":
        return bool(spec[1])
    if kind == "float":
        return float(spec[1])
    if kind == "intsub":
        return IntSub(spec[1])
    if kind == "liar":
        return Liar(spec[1])
    if kind == "idx":
        return Idx(spec[1])
    if kind == "idx_raise":
        return Idx(exc=spec[1])
    if kind == "idx_mutate":
        return Idx(spec[1], owner=owner, mutate=spec[2])
    if kind == "none":
        return None
    if kind == "str":
        return spec[1]
    if kind == "bytes":
        return spec[1]
    if kind == "tuple":
        return (spec[1],)
    if kind == "object":
        return object()
    raise AssertionError(kind)


def build_tokens(specs: List[Tuple], container: str) -> Any:
    """A fresh container of fresh values (mutating values get the list they live in)."""
    if container == "list":
        lst: List[Any] = []
        lst.extend(build_value(s, lst) for s in specs)
        return lst
    values = [build_value(s, None) for s in specs]
    if container == "tuple":
        return tuple(values)
    if container == "generator":
        return (v for v in values)
    if container == "raising_iter":
        def gen() -> Any:
            yield from values[: len(values) // 2]
            raise RuntimeError("iterator failed")
        return gen()
    if container == "array":
        return array.array("I", [v for v in values if type(v) is int and 0 <= v < 2**32])
    if container == "range":
        ints = [v for v in values if type(v) is int]
        return range(min(ints, default=0), min(ints, default=0) + len(ints))
    if container == "dict":
        try:
            return dict.fromkeys(values)
        except TypeError:
            return {}
    if container == "str":
        return "".join(str(v) for v in values)[:20]
    raise AssertionError(container)


def outcome(fn: Callable[[], Any]) -> Tuple:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. __index__ returning an int subclass
        try:
            return ("ok", fn())
        except Exception as exc:  # noqa: BLE001 - the exception is the observation
            return ("raise", type(exc).__name__, str(exc))


# --------------------------------------------------------------------------------------
# the backends


def small_vocab(rng: random.Random) -> Tuple[List[bytes], Dict[str, int]]:
    """A random byte-level BPE vocabulary (some bytes possibly missing) and special tokens."""
    order = list(range(256))
    rng.shuffle(order)
    missing = set(rng.sample(range(256), rng.choice([0, 0, 1, 3])))
    ranks = [bytes([b]) for b in order if b not in missing]
    seen = set(ranks)
    common = [t for t in ranks if t.isalnum() or t in (b" ", b"\n", b"'", b"<", b"|", b">")] or ranks
    for _ in range(rng.randint(20, 600)):
        a = rng.choice(common if rng.random() < 0.7 else ranks)
        b = rng.choice(common if rng.random() < 0.7 else ranks)
        t = a + b
        if t not in seen and len(t) <= 24:
            seen.add(t)
            ranks.append(t)
            if rng.random() < 0.5:
                common.append(t)
    specials: Dict[str, int] = {}
    for name in rng.sample(["<|x|>", "<|end|>", "<|start|>", "ab", "<|", "\u00e9", "<|long_special_token|>"],
                           rng.randint(0, 4)):
        tid = len(ranks) + rng.randrange(5) if rng.random() < 0.9 else rng.randrange(len(ranks))
        if tid not in specials.values():
            specials[name] = tid
    return ranks, specials


class Ctx:
    """Both backends' objects, built once per process."""

    def __init__(self, seed: int) -> None:
        from openai_harmony import _parser_c as _parser, _tokenizer_c as _tokenizer, _parser_py as parse, _tokenizer_py as tokenizer
        from openai_harmony._unicode_pin import pin_pattern
        from openai_harmony.load import O200K_PATTERN, harmony_special_tokens, load_mergeable_ranks

        import regex

        ranks = load_mergeable_ranks()
        specials = harmony_special_tokens()
        self.pure = tokenizer.CoreBPE(ranks, specials)
        self.comp = _tokenizer.CoreBPE(ranks, specials)
        # the misuse target's own tokenizer: the parsers' text caches are per tokenizer, and
        # a tampered parser may write junk into them
        self.abuse_tok = _tokenizer.CoreBPE(ranks, specials)
        self.tokenizer_mod = tokenizer
        from openai_harmony import _tokens
        self.tokens_mod = _tokens
        self.compiled_tokenizer_mod = _tokenizer
        self.parse = parse
        self.PyCore = parse.ParserCore
        self.CCore = _parser.ParserCore
        import inspect

        self.has_recover = "recover" in inspect.signature(parse.ParserCore.__init__).parameters
        self.split = regex.compile(pin_pattern(O200K_PATTERN)).findall
        self.o200k_pattern = O200K_PATTERN
        self.pinned_pattern = pin_pattern(O200K_PATTERN)
        from openai_harmony.chat import Role

        self.roles = [None, Role.USER, Role.ASSISTANT, Role.SYSTEM, Role.DEVELOPER, Role.TOOL]
        tok = self.comp
        self.header_words = [tok.encode_ordinary(w) for w in HEADER_WORDS]
        self.content_words = [tok.encode_ordinary(w) for w in CONTENT_WORDS]
        by_byte: Dict[int, int] = {}
        for i in range(3000):
            b = tok.token_bytes(i)
            if len(b) == 1:
                by_byte.setdefault(b[0], i)
        self.byte_token = by_byte  # every byte value has a one-byte token
        partial = []
        for i in range(3000, 40000, 7):
            try:
                tok.token_bytes(i).decode("utf-8")
            except UnicodeDecodeError:
                partial.append(i)
        self.partial = partial  # multi-byte tokens that are not UTF-8 on their own
        # a few small random vocabularies, both backends (the pure one is slow to build)
        self.small = []
        for k in range(4):
            ranks, specials = small_vocab(random.Random(f"{seed}:vocab:{k}"))
            self.small.append((ranks, specials, tokenizer.CoreBPE(ranks, specials),
                               _tokenizer.CoreBPE(ranks, specials)))


# --------------------------------------------------------------------------------------
# generators: each returns a printable description and a check to run


SYLLABLES = ["str", "ai", "ck", "qu", "ou", "zh", "x", "\u00e9", "\u4e2d", "\u0430\u0431", "th", "ng"]


def random_text(rng: random.Random) -> str:
    parts: List[str] = []
    for _ in range(rng.randint(0, 12)):
        r = rng.random()
        if r < 0.2:
            parts.append(rng.choice(FRAGMENTS))
        elif r < 0.32:
            parts.append(rng.choice(SPECIAL_TEXTS))
        elif r < 0.45:
            raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 24)))
            parts.append(raw.decode("utf-8", rng.choice(["surrogateescape", "replace", "ignore", "backslashreplace"])))
        elif r < 0.55:
            # any code point, lone surrogates included
            parts.append("".join(chr(rng.randrange(0x110000)) for _ in range(rng.randint(1, 6))))
        elif r < 0.62:
            parts.append(rng.choice(["\ud800", "\udfff", "\udc80", "\ud83d\ude00", "\ud83d", "\ude00"]))
        elif r < 0.66:
            # a long piece: runs without whitespace, digits, spaces, emoji
            unit = rng.choice(["a", "ab", "1", " ", "\n", "\U0001F600", "\u00e9", "'", "!", "\u4e2d", "x\u0301"])
            parts.append(unit * rng.randint(100, 6000))
        elif r < 0.74:
            # runs of one script without spaces (Han, Kana, Thai, Hangul, Cyrillic): many
            # merges per piece, through the merge memo shared across calls (oh_pair_rank)
            lo, hi = rng.choice([(0x4E00, 0x9FFF), (0x3041, 0x30FF), (0x0E01, 0x0E4B), (0xAC00, 0xD7A3), (0x0430, 0x044F)])
            parts.append("".join(chr(rng.randint(lo, hi)) for _ in range(rng.choice([2, 5, 12, 40, 200]))))
        elif r < 0.82:
            # words made of a few syllables, which recur across cases: pieces that need
            # merging, served from the piece cache kept across calls (_bpe_core.h), near
            # its limits of 24 bytes and 6 tokens and colliding in its slots
            parts.append(" ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 9)))
                                  for _ in range(rng.randint(1, 30))))
        else:
            parts.append("".join(rng.choice(FRAGMENTS + ["a", "b", "x", " ", "1"]) for _ in range(rng.randint(1, 8))))
    return "".join(parts)


def random_allowed(rng: random.Random, ctx: Ctx) -> Tuple[str, Any]:
    r = rng.random()
    if r < 0.15:
        return "all(dict)", None  # each backend's own special_tokens dict
    pool = SPECIAL_TEXTS + ["<|refusal|>", "<|reserved_200100|>", "x", ""]
    chosen = rng.sample(pool, rng.randint(0, 5))
    kind = rng.choice(["set", "frozenset", "list", "tuple", "dict"])
    if rng.random() < 0.05:
        chosen.append(rng.choice([1, None, b"<|end|>"]))
    return kind, chosen


def make_allowed(desc: Tuple[str, Any], tok: Any) -> Any:
    kind, chosen = desc
    if kind == "all(dict)":
        return tok.special_tokens
    return {"set": set, "frozenset": frozenset, "list": list, "tuple": tuple, "dict": dict.fromkeys}[kind](chosen)


def case_encode(rng: random.Random, ctx: Ctx) -> Tuple[str, Callable[[], None]]:
    text = random_text(rng)
    allowed = random_allowed(rng, ctx)
    batch = [random_text(rng) for _ in range(rng.randint(0, 4))] + [text]
    threads = rng.choice([1, 2, 3, 8, 64])

    def check() -> None:
        p, c = ctx.pure, ctx.comp
        same("encode_ordinary", outcome(lambda: p.encode_ordinary(text)), outcome(lambda: c.encode_ordinary(text)))
        ref = outcome(lambda: p.encode(text, make_allowed(allowed, p)))
        same("encode", ref, outcome(lambda: c.encode(text, make_allowed(allowed, c))))
        # encode_batch (compiled only): each text as encode, the first failure raised
        expect: Tuple = ("ok", [])
        for t in batch:
            o = outcome(lambda: p.encode(t, make_allowed(allowed, p)))
            if o[0] != "ok":
                expect = o
                break
            expect[1].append(o[1])
        same("encode_batch", expect, outcome(lambda: c.encode_batch(batch, make_allowed(allowed, c), threads)))
        if ref[0] == "ok":
            same("decode_bytes(encode)", ("ok", p.decode_bytes(ref[1])), outcome(lambda: c.decode_bytes(ref[1])))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return
        same("o200k_split", ("ok", ctx.split(text)),
             outcome(lambda: ctx.compiled_tokenizer_mod.o200k_split(text)))

    return f"text={text!r}\nallowed={allowed!r}\nbatch={batch!r} num_threads={threads}", check


def case_small_vocab(rng: random.Random, ctx: Ctx) -> Tuple[str, Callable[[], None]]:
    k = rng.randrange(len(ctx.small))
    ranks, specials, p, c = ctx.small[k]
    text = random_text(rng)
    allowed = rng.sample(sorted(specials), rng.randint(0, len(specials)))
    size = max(len(ranks), max(specials.values(), default=0) + 1)
    ids = [rng.randrange(size + 2) for _ in range(rng.randint(0, 30))]

    try:
        text.encode("utf-8")
        loose = False
    except UnicodeEncodeError:
        # a missing byte (KeyError) and a lone surrogate: which is reported first is not
        # defined (the compiled backend checks the whole text's UTF-8 first)
        loose = any(len(r) == 1 for r in ranks) and len({r for r in ranks if len(r) == 1}) < 256

    def compare(what: str, a: Tuple, b: Tuple) -> None:
        if loose and a[0] == b[0] == "raise" and {a[1], b[1]} <= {"KeyError", "UnicodeEncodeError"}:
            return
        same(what, a, b)

    def check() -> None:
        compare("encode_ordinary", outcome(lambda: p.encode_ordinary(text)), outcome(lambda: c.encode_ordinary(text)))
        ref = outcome(lambda: p.encode(text, set(allowed)))
        compare("encode", ref, outcome(lambda: c.encode(text, set(allowed))))
        if ref[0] == "ok":
            same("decode_bytes(encode)", ("ok", p.decode_bytes(ref[1])), outcome(lambda: c.decode_bytes(ref[1])))
        same("decode_bytes", outcome(lambda: p.decode_bytes(ids)), outcome(lambda: c.decode_bytes(ids)))

    return (f"vocabulary #{k}: {len(ranks)} tokens, missing bytes "
            f"{sorted(set(range(256)) - {r[0] for r in ranks if len(r) == 1})}, specials {specials!r}\n"
            f"text={text!r}\nallowed={allowed!r}\nids={ids!r}"), check


PARSER_ATTRS = ["_tok", "_strict", "_next_role", "_tokens", "_messages", "_state", "_header_tokens", "_header",
                "_pieces", "_delta", "_utoks", "_ubytes", "_pending", "_cache", "_ct", "_ct_n", "_text", "_text_n",
                "_recover", "_issues", "_spans", "_seg"]
PARSER_VIEWS = ["current_content", "current_role", "current_content_type", "last_content_delta", "messages",
                "tokens", "state_data", "state", "current_recipient", "current_channel", "errors", "spans"]
JUNK = ["None", "0", "1", "2", "3", "-1", "2**31", "2**63", "[]", "{}", "b''", "''", "()", "(1, 2, 3)", "('x',) * 5",
        "True", "[200006]", "{5: 'x'}", "b'\\xff'", "'\\ud800'"]


def case_abuse(rng: random.Random, ctx: Ctx) -> Tuple[str, Callable[[], None]]:
    """Misuse of the compiled objects (crash-freedom only): junk in their writable private
    attributes, methods of objects whose __init__ never ran."""
    kind = rng.choice(["tamper", "uninit_parser", "uninit_tokenizer", "specials"])
    prefix = [START] + rng.choice(ctx.header_words) + rng.choice([[MESSAGE], [MESSAGE] + rng.choice(ctx.content_words), []])
    edits = [(rng.choice(PARSER_ATTRS), rng.choice(JUNK)) for _ in range(rng.randint(1, 3))]
    after = [t for _ in range(rng.randint(1, 6)) for t in rng.choice(
        [[START], [MESSAGE], [END], [RETURN], [ctx.byte_token[0xE4]], [ctx.byte_token[0x80]], [VOCAB]] + ctx.content_words)]
    specials_junk = rng.choice(["{'<|x|>': 10**6}", "{'<|x|>': 2**32 + 5}", "{'ab': 300, 'a': -1}", "None", "{}",
                                "{'<|x|>': 'y'}", "{1: 2}"])
    small = ctx.small[rng.randrange(len(ctx.small))]
    text = random_text(rng)
    role = rng.choice(ctx.roles)
    recover = ctx.has_recover and rng.random() < 0.5

    def views(p: Any) -> None:
        for name in PARSER_VIEWS:
            outcome(lambda: getattr(p, name))

    def check() -> None:
        if kind == "tamper":
            p = ctx.CCore(ctx.abuse_tok, role, True, recover) if recover else ctx.CCore(ctx.abuse_tok, role, True)
            for t in prefix:
                outcome(lambda: p.process(t))
            for attr, junk in edits:
                outcome(lambda: setattr(p, attr, eval(junk)))  # noqa: S307 - our own literals
            for t in after:
                outcome(lambda: p.process(t))
            views(p)
            outcome(lambda: p.feed(list(after)))
            outcome(p.process_eos)
            views(p)
        elif kind == "uninit_parser":
            p = ctx.CCore.__new__(ctx.CCore)
            views(p)
            for t in prefix + after:
                outcome(lambda: p.process(t))
            outcome(lambda: p.feed(prefix))
            outcome(p.process_eos)
            views(p)
        elif kind == "uninit_tokenizer":
            cls = type(ctx.comp)
            t = cls.__new__(cls)
            for call in (lambda: t.encode_ordinary(text), lambda: t.encode(text, {"<|end|>"}),
                         lambda: t.encode_batch([text, "a"]), lambda: t.decode_bytes(after),
                         lambda: t.token_bytes(after[0]), lambda: t.is_special_token(5), lambda: t.__reduce__(),
                         lambda: ctx.compiled_tokenizer_mod.o200k_split(text)):
                outcome(call)
        else:
            # a fresh small tokenizer whose (public) special_tokens dict is replaced
            t = ctx.compiled_tokenizer_mod.CoreBPE(small[0], small[1])
            outcome(lambda: setattr(t, "special_tokens", eval(specials_junk)))  # noqa: S307
            for call in (lambda: t.encode(text, {"<|x|>", "ab", "a"}), lambda: t.encode(text, t.special_tokens or {}),
                         lambda: t.encode_batch([text], {"<|x|>"}), lambda: t.encode_ordinary(text),
                         lambda: t.decode_bytes([0, 1, 2]), lambda: t.is_special_token(300)):
                outcome(call)

    return (f"kind={kind} role={role} recover={recover} prefix={prefix} edits={edits} after={after} specials={specials_junk}\n"
            f"text={text!r}"), check


def random_value_spec(rng: random.Random, mutating: bool) -> Tuple:
    r = rng.random()
    if r < 0.55:
        return ("int", rng.randrange(VOCAB))
    if r < 0.65:
        return ("int", rng.choice(SPECIAL_IDS))
    if r < 0.72:
        return ("int", rng.choice([VOCAB, VOCAB + 1, 2**31, 2**32 - 1, rng.randrange(VOCAB, 2**32)]))
    if r < 0.78:
        return ("int", rng.choice([-1, -(2**31), -(2**32), -(2**63), -(2**63) - 1, 2**32, 2**63 - 1, 2**63, 2**64,
                                   2**100, -(2**200), rng.randrange(-(2**70), 2**70)]))
    if r < 0.81:
        return ("bool", rng.randrange(2))
    if r < 0.83:
        return ("float", rng.choice([1.0, 0.5, -1.0, float("nan"), float("inf"), 200006.0]))
    if r < 0.86:
        return ("intsub", rng.choice([5, 200006, -1, 2**40, 201089]))
    if r < 0.90:
        return ("idx", rng.choice([0, 7, 200007, -1, 2**32, 2**64, 201089, "x", 1.5, None, True]))
    if r < 0.92:
        return ("idx_raise", rng.choice(sorted(EXC_TYPES)))
    if mutating and r < 0.96:
        return ("idx_mutate", rng.randrange(VOCAB), rng.choice(["clear", "extend", "pop", "replace", "insert"]))
    if mutating and r < 0.98:
        return ("liar", rng.choice([-1, -5, -(2**40)]))
    return rng.choice([("none",), ("str", "1"), ("bytes", b"\x01"), ("tuple", 1), ("object",)])


def random_token_specs(rng: random.Random, ctx: Ctx, mutating: bool) -> List[Tuple]:
    n = rng.choice([0, 1, 2, 3, 5, 10, 40, 200])
    odd = rng.random() < 0.5
    specs: List[Tuple] = []
    while len(specs) < n:
        r = rng.random()
        if r < 0.25:
            # split or invalid UTF-8 from single-byte tokens
            for b in rng.choice([[0xE4, 0xB8, 0xAD], [0xE4, 0xB8], [0xF0, 0x9F, 0x98, 0x80], [0xC3], [0x80], [0xFF],
                                 [0xED, 0xA0, 0x80], [0xC0, 0xAF], [rng.randrange(256)]]):
                specs.append(("int", ctx.byte_token[b]))
        elif r < 0.35:
            specs.append(("int", rng.choice(ctx.partial)))
        elif odd:
            specs.append(random_value_spec(rng, mutating))
        else:
            specs.append(("int", rng.randrange(VOCAB + 3)))
    return specs


def case_decode(rng: random.Random, ctx: Ctx) -> Tuple[str, Callable[[], None]]:
    mutating = rng.random() < 0.15
    specs = random_token_specs(rng, ctx, mutating)
    container = "list" if rng.random() < 0.8 else rng.choice(
        ["tuple", "generator", "raising_iter", "array", "range", "dict", "str"])

    def check() -> None:
        p, c = ctx.pure, ctx.comp
        decode_utf8 = ctx.tokens_mod.decode_utf8
        if mutating:
            # results may legitimately differ (the values change the list while it is read);
            # the compiled backend must only fail cleanly
            for fn in (lambda: c.decode_bytes(build_tokens(specs, container)),
                       lambda: decode_utf8(c, build_tokens(specs, "list"))):
                o = outcome(fn)
                if o[0] == "ok" and not isinstance(o[1], (bytes, str)):
                    raise Failure(f"unexpected result {o!r}")
            return
        same("decode_bytes", outcome(lambda: p.decode_bytes(build_tokens(specs, container))),
             outcome(lambda: c.decode_bytes(build_tokens(specs, container))))
        same("decode_utf8", outcome(lambda: decode_utf8(p, build_tokens(specs, "list"))),
             outcome(lambda: decode_utf8(c, build_tokens(specs, "list"))))
        for spec in specs[:8]:
            for method in ("token_bytes", "is_special_token"):
                same(f"{method}({spec!r})", outcome(lambda: getattr(p, method)(build_value(spec, None))),
                     outcome(lambda: getattr(c, method)(build_value(spec, None))))

    return f"tokens={specs!r}\ncontainer={container} mutating={mutating}", check


def random_stream(rng: random.Random, ctx: Ctx, mutating: bool) -> List[Tuple]:
    out: List[Tuple] = []
    for _ in range(rng.randint(0, 30)):
        r = rng.random()
        if r < 0.25:
            out.append(("int", rng.choice([START, MESSAGE, END, CALL, RETURN, CHANNEL, CONSTRAIN])))
        elif r < 0.45:
            out += [("int", t) for t in rng.choice(ctx.header_words)]
        elif r < 0.65:
            out += [("int", t) for t in rng.choice(ctx.content_words)]
        elif r < 0.75:
            out += [("int", ctx.byte_token[b]) for b in
                    rng.choice([[0xE4, 0xB8], [0xAD], [0xF0, 0x9F], [0x98, 0x80], [0xC3], [0xFF], [0xED, 0xA0, 0x80]])]
        elif r < 0.8:
            out.append(("int", rng.choice(ctx.partial)))
        elif r < 0.88:
            out.append(("int", rng.choice(SPECIAL_IDS + [VOCAB, 2**31, 2**32 - 1])))
        elif r < 0.95:
            out.append(("int", rng.randrange(VOCAB)))
        else:
            out.append(random_value_spec(rng, mutating))
    if rng.random() < 0.5:
        # most streams start like a real completion
        out[:0] = [("int", START)] + [("int", t) for t in rng.choice(ctx.header_words)]
    return out


def parser_view(p: Any) -> Tuple:
    def msgs() -> Any:
        return [(m.author.role, m.author.name, m.channel, m.recipient, m.content_type,
                 [(type(x).__name__, x.text) for x in m.content]) for m in p.messages]

    return tuple(outcome(f) for f in (
        lambda: p.state, lambda: p.state_data, lambda: p.current_role, lambda: p.current_channel,
        lambda: p.current_recipient, lambda: p.current_content_type, lambda: p.current_content,
        lambda: p.last_content_delta, msgs, lambda: [(type(t), t) for t in p.tokens],
        lambda: getattr(p, "errors", None), lambda: getattr(p, "spans", None)))


def case_parser(rng: random.Random, ctx: Ctx) -> Tuple[str, Callable[[], None]]:
    mutating = rng.random() < 0.1
    specs = random_stream(rng, ctx, mutating)
    role = rng.choice(ctx.roles)
    strict = rng.random() < 0.6
    # the recovering mode (an addition of this package), where the cores have it
    recover = ctx.has_recover and rng.random() < 0.35

    def make(core: Any, tok: Any) -> Any:
        return core(tok, role, strict, recover) if recover else core(tok, role, strict)

    def check() -> None:
        # reference: pure core on the pure tokenizer; tested: compiled core, compiled tokenizer
        ref = make(ctx.PyCore, ctx.pure)
        got = make(ctx.CCore, ctx.comp)
        if not mutating:
            for i, spec in enumerate(specs):
                a = outcome(lambda: ref.process(build_value(spec, None)) is ref)
                b = outcome(lambda: got.process(build_value(spec, None)) is got)
                same(f"process #{i} {spec!r}", a, b)
                same(f"state after #{i}", parser_view(ref), parser_view(got))
            same("process_eos", outcome(lambda: ref.process_eos() is ref), outcome(lambda: got.process_eos() is got))
            same("state after eos", parser_view(ref), parser_view(got))
        # batch: feed() a fresh list, then EOS
        for container in ("list", "tuple"):
            ref = make(ctx.PyCore, ctx.pure)
            got = make(ctx.CCore, ctx.comp)
            a = outcome(lambda: (ref.feed(build_tokens(specs, container)), ref.process_eos()) and None)
            b = outcome(lambda: (got.feed(build_tokens(specs, container)), got.process_eos()) and None)
            if mutating:
                parser_view(got)  # only: no crash, clean exceptions
                continue
            same(f"feed({container})", a, b)
            same(f"state after feed({container})", parser_view(ref), parser_view(got))

    return f"stream={specs!r}\nrole={role} strict={strict} recover={recover} mutating={mutating}", check


# -- CoreBPE constructor -------------------------------------------------------------------


class StrSub(str):
    """A special token's text as a str subclass whose encode() lies."""

    def encode(self, *args: Any, **kwargs: Any) -> bytes:  # type: ignore[override]
        return b""


class BytesSub(bytes):
    """A token as a bytes subclass whose __bytes__ says something else."""

    def __bytes__(self) -> bytes:
        return b"other" * 1000


class Growing:
    """Not bytes-like: a __bytes__ that grows with every call."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __bytes__(self) -> bytes:
        self.data += self.data or b"x"
        return self.data


class LyingRanks:
    """Iterates over *items*, but __len__ and __getitem__ lie."""

    def __init__(self, items: List[Any], length: int) -> None:
        self.items, self.length = items, length

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Any:
        return iter(self.items)

    def __getitem__(self, i: int) -> Any:
        return b"lie"


class SpecialsMapping:
    """keys() / __getitem__ only; its callbacks mutate the bytearray tokens (*arrays*)."""

    def __init__(self, items: List[Tuple[Any, Any]], arrays: List[bytearray], mutate: Optional[str],
                 drift: bool) -> None:
        self.items, self.arrays, self.mutate, self.drift, self.calls = items, arrays, mutate, drift, 0

    def _mutate(self) -> None:
        for a in self.arrays:
            if self.mutate == "grow":
                a.extend(b"\xff" * 100000)
            elif self.mutate == "clear":
                a.clear()
            elif self.mutate == "shrink":
                del a[1:]

    def keys(self) -> List[Any]:
        self._mutate()
        return [k for k, _ in self.items]

    def __getitem__(self, key: Any) -> Any:
        self._mutate()
        self.calls += 1
        for k, v in self.items:
            if k == key:
                return v + self.calls if self.drift and type(v) is int else v
        raise KeyError(key)


def build_ctor_value(spec: Tuple) -> Any:
    kind = spec[0]
    if kind == "idx":
        return Idx(spec[1])
    if kind == "strsub":
        return StrSub(spec[1])
    return spec[1]


def build_ctor_args(spec: Tuple) -> Tuple[Any, ...]:
    """Fresh constructor arguments from a plain description (each backend gets its own)."""
    (container, toks), (skind, items, mutate, drift), pattern = spec
    arrays: List[bytearray] = []
    ranks: List[Any] = []
    for kind, data in toks:
        if kind == "bytes":
            ranks.append(data)
        elif kind == "bytearray":
            arrays.append(bytearray(data))
            ranks.append(arrays[-1])
        elif kind == "memoryview":
            ranks.append(memoryview(data))
        elif kind == "bytessub":
            ranks.append(BytesSub(data))
        elif kind == "growing":
            ranks.append(Growing(data))
        else:
            ranks.append(data)  # junk: str, int, None
    source: Any = ranks
    if container == "tuple":
        source = tuple(ranks)
    elif container == "generator":
        source = (r for r in ranks)
    elif container.startswith("lying"):
        source = LyingRanks(ranks, int(container[5:]))
    elif container == "raising":
        def gen() -> Any:
            yield from ranks[: len(ranks) // 2]
            raise ValueError("iterator failed")
        source = gen()
    pairs = [] if skind == "junk" else [(build_ctor_value(k), build_ctor_value(v)) for k, v in items]
    specials: Any
    if skind == "dict":
        try:
            specials = dict(pairs)
        except TypeError:
            specials = pairs
    elif skind == "mapping":
        specials = SpecialsMapping(pairs, arrays, mutate, drift)
    elif skind == "pairs":
        specials = pairs
    else:
        specials = items  # junk
    if type(pattern) is tuple:
        pattern = StrSub(pattern[1])
    return source, specials, pattern


def random_ctor_spec(rng: random.Random, ctx: Ctx) -> Tuple:
    ranks, specials = small_vocab(rng)
    toks: List[Tuple[str, Any]] = [("bytes", r) for r in ranks]
    for _ in range(rng.choice([0, 0, 1, 3, 10])):
        i = rng.randrange(len(toks))
        r = rng.random()
        data = toks[i][1] if toks[i][0] == "bytes" else b"q"
        if r < 0.4:
            toks[i] = ("bytearray", data)
        elif r < 0.6:
            toks[i] = ("memoryview", data)
        elif r < 0.72:
            toks[i] = ("bytessub", data)
        elif r < 0.75:
            toks[i] = ("growing", data)
        elif r < 0.95:
            toks.append(("bytes", rng.choice([b"", data, b"\xff\xfe"])))  # empty, duplicate, new
        else:
            toks[i] = ("junk", rng.choice(["a", 7, None, 1.5]))
    container = rng.choice(["list"] * 4 + ["tuple", "generator", "raising", "lying0", "lying100000",
                                           f"lying{len(toks) + 1}", f"lying{max(0, len(toks) - 1)}"])
    items: List[Tuple[Tuple, Tuple]] = [(("str", k), ("int", v)) for k, v in specials.items()]
    for _ in range(rng.choice([0, 0, 1, 2])):
        r = rng.random()
        key: Tuple = ("str", rng.choice(["<|y|>", "z", "\u00e9\u00e9", "<|end|>"]))
        value: Tuple = ("int", len(ranks) + rng.randrange(8))
        if r < 0.15:
            key = ("str", rng.choice(["", "\ud800", "<|\udfff|>"]))
        elif r < 0.3:
            key = ("strsub", rng.choice(["<|y|>", "ab", "<|x|>"]))
        elif r < 0.4:
            key = ("junk", rng.choice([1, None, b"<|y|>", 2.5]))
        elif r < 0.55:
            value = ("idx", rng.choice([3, len(ranks) + 2, -1, 2**32]))
        elif r < 0.7:
            # (not 2**32 - 1: a valid id whose dense decoder table would take 32 GiB)
            value = ("int", rng.choice([-1, len(ranks) + 2**16, 2**32, 2**64, True, rng.randrange(len(ranks))]))
        elif r < 0.8:
            value = ("junk", rng.choice(["5", 5.0, None, [5]]))
        items.append((key, value))
    skind = rng.choice(["dict"] * 5 + ["mapping"] * 4 + ["pairs", "junk"])
    if skind == "junk":
        items = rng.choice([None, 5, "abc", [1, 2], [("a",)]])  # type: ignore[assignment]
    mutate = rng.choice([None, "grow", "clear", "shrink"]) if skind == "mapping" else None
    drift = skind == "mapping" and rng.random() < 0.2
    pattern = rng.choice(["o200k"] * 12 + ["pinned", "simple", "strsub", "none", "bytes", "bad"])
    pattern = {"o200k": ctx.o200k_pattern, "pinned": ctx.pinned_pattern, "simple": r"\S+|\s+", "strsub": ("strsub", ctx.o200k_pattern),
               "none": None, "bytes": rb"\S+", "bad": "("}[pattern]
    return ((container, toks), (skind, items, mutate, drift), pattern)


def case_constructor(rng: random.Random, ctx: Ctx) -> Tuple[str, Callable[[], None]]:
    spec = random_ctor_spec(rng, ctx)
    text = random_text(rng)[:400].encode("utf-8", "replace").decode("utf-8")
    ids = [rng.randrange(-2, 700) for _ in range(rng.randint(0, 20))]
    P, C = ctx.tokenizer_mod.CoreBPE, ctx.compiled_tokenizer_mod.CoreBPE

    def make(cls: Any) -> Tuple[Any, Tuple]:
        obj = cls.__new__(cls)
        return obj, outcome(lambda: obj.__init__(*build_ctor_args(spec)))

    def check() -> None:
        p, po = make(P)
        c, co = make(C)
        same("CoreBPE()", po, co)
        if co[0] != "ok":
            # a half-built compiled object refuses every method
            for call in (lambda: c.encode_ordinary(text), lambda: c.encode(text, {"<|x|>"}),
                         lambda: c.encode_batch([text]), lambda: c.decode_bytes(ids), lambda: c.token_bytes(0),
                         lambda: c.is_special_token(0), lambda: c.special_tokens, lambda: c.__reduce__()):
                o = outcome(call)
                if o[:2] != ("raise", "RuntimeError"):
                    raise Failure(f"half-built CoreBPE: {o!r}")
            return
        same("__init__ again", ("raise", "RuntimeError", "CoreBPE is already initialized"),
             outcome(lambda: c.__init__(*build_ctor_args(spec))))
        same("special_tokens", dict(p.special_tokens), dict(c.special_tokens))
        everything = set(p.special_tokens) | {StrSub("<|x|>"), "ab"}
        for what, fn in (("encode_ordinary", lambda t: t.encode_ordinary(text)),
                         ("encode(all)", lambda t: t.encode(text, t.special_tokens)),
                         ("encode(set)", lambda t: t.encode(text, everything)),
                         ("decode_bytes", lambda t: t.decode_bytes(ids)),
                         ("token_bytes", lambda t: [outcome(lambda: t.token_bytes(i)) for i in ids]),
                         ("is_special_token", lambda t: [outcome(lambda: t.is_special_token(i)) for i in ids])):
            same(what, outcome(lambda: fn(p)), outcome(lambda: fn(c)))
        expect = outcome(lambda: [p.encode(x, everything) for x in (text, text[::-1])])
        same("encode_batch", expect, outcome(lambda: c.encode_batch([text, text[::-1]], everything, 2)))
        import pickle

        same("pickled", outcome(lambda: p.encode(text, p.special_tokens)),
             outcome(lambda: (lambda t: t.encode(text, t.special_tokens))(pickle.loads(pickle.dumps(c)))))

    return f"spec={short(spec, 4000)}\ntext={text!r}\nids={ids!r}", check


CASES: List[Tuple[str, Callable[[random.Random, Ctx], Tuple[str, Callable[[], None]]]]] = [
    ("encode", case_encode),
    ("decode", case_decode),
    ("parser", case_parser),
    ("small_vocab", case_small_vocab),
    ("abuse", case_abuse),
    ("constructor", case_constructor),
]


def same(what: str, expected: Any, got: Any) -> None:
    if expected != got:
        raise Failure(f"{what}: pure-Python {short(expected)} != compiled {short(got)}")


def short(v: Any, limit: int = 600) -> str:
    s = repr(v)
    return s if len(s) <= limit else s[:limit] + f"... ({len(s)} chars)"


def make_case(seed: int, index: int, ctx: Ctx) -> Tuple[str, str, Callable[[], None]]:
    rng = random.Random(f"{seed}:{index}")
    name, gen = CASES[index % len(CASES)]
    desc, check = gen(rng, ctx)
    return name, desc, check


# --------------------------------------------------------------------------------------
# child: run cases; parent: run the child and report


def child(args: argparse.Namespace) -> int:
    faulthandler.enable()
    ctx: Any = None
    if args.inject is None or args.case is not None:
        try:
            ctx = Ctx(args.seed)
        except ImportError as exc:
            print(f"fuzz_compiled: the compiled modules did not import: {exc}", file=sys.stderr)
            return 2
    if args.case is not None:
        name, desc, check = make_case(args.seed, args.case, ctx)
        print(f"case {args.case} ({name}), seed {args.seed}:\n{desc}", flush=True)
        if args.show:
            return 0
        try:
            check()
        except Failure as exc:
            print(f"FAILED: {exc}", flush=True)
            return 1
        print("ok")
        return 0
    state = os.open(args.state_file, os.O_WRONLY | os.O_CREAT, 0o600) if args.state_file else None
    deadline = time.monotonic() + args.seconds
    counts: Dict[str, int] = {}
    index = 0
    while index < args.iterations and time.monotonic() < deadline:
        if state is not None:
            os.pwrite(state, f"{index:<20}".encode(), 0)
        if args.inject is not None and index == args.inject_case:
            try:
                inject(args.inject)
            except Failure as exc:
                print(f"FAILED case {index} (injected), seed {args.seed}: {exc}", flush=True)
                return 1
        if ctx is None:
            index += 1  # (an injection run: no real cases)
            continue
        name, desc, check = make_case(args.seed, index, ctx)
        try:
            check()
        except Failure as exc:
            print(f"FAILED case {index} ({name}), seed {args.seed}: {exc}\ninput:\n{short(desc, 20000)}", flush=True)
            return 1
        except Exception:  # noqa: BLE001 - an error of the harness or an unexpected exception
            print(f"ERROR in case {index} ({name}), seed {args.seed}:\n{traceback.format_exc()}"
                  f"input:\n{short(desc, 20000)}", flush=True)
            return 1
        counts[name] = counts.get(name, 0) + 1
        index += 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"fuzz_compiled: {index} cases without failure ({summary})", flush=True)
    return 0


def inject(what: str) -> None:
    """Self-test of the driver: fail the way a broken extension would."""
    if what == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif what == "abort":
        os.abort()
    elif what == "mismatch":
        raise Failure("injected mismatch")
    elif what == "hang":
        time.sleep(10**6)


def parent(args: argparse.Namespace) -> int:
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    print(f"fuzz_compiled: seed={seed} seconds={args.seconds} iterations={args.iterations}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        state_file = os.path.join(tmp, "case")
        cmd = [sys.executable, os.path.abspath(__file__), "--child", "--seed", str(seed), "--seconds",
               str(args.seconds), "--iterations", str(args.iterations), "--state-file", state_file]
        if args.inject is not None:
            cmd += ["--inject", args.inject, "--inject-case", str(args.inject_case)]
        started = time.monotonic()
        proc = subprocess.Popen(cmd)
        try:
            # generous: loading both backends takes a few seconds, one case far less than this
            rc = proc.wait(timeout=args.seconds + args.grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            rc = None
        case = None
        try:
            with open(state_file, "rb") as f:
                case = int(f.read().strip() or b"-1")
        except (OSError, ValueError):
            pass
    elapsed = time.monotonic() - started
    if rc == 0:
        print(f"fuzz_compiled: ok ({elapsed:.0f} s)", flush=True)
        return 0
    if rc == 1:
        print(f"fuzz_compiled: FAILED in case {case}, seed {seed}; replay: "
              f"{sys.executable} {__file__} --seed {seed} --case {case}", flush=True)
        return 1
    if rc == 2:
        return 2
    what = "HANG (killed)" if rc is None else (
        f"CRASH ({signal.Signals(-rc).name})" if rc < 0 else f"CRASH (exit status {rc})")
    print(f"fuzz_compiled: {what} in case {case}, seed {seed}", flush=True)
    if case is not None and case >= 0:
        # print the input without running it (it may crash again)
        subprocess.run([sys.executable, os.path.abspath(__file__), "--child", "--seed", str(seed), "--case",
                        str(case), "--show"], timeout=120)
        print(f"replay: {sys.executable} {__file__} --seed {seed} --case {case}")
    return 1


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="time budget (default 60)")
    ap.add_argument("--iterations", type=int, default=10**12, help="at most this many cases")
    ap.add_argument("--seed", type=int, default=None, help="seed (default: random, printed)")
    ap.add_argument("--case", type=int, default=None, help="replay one case of --seed, in this process")
    ap.add_argument("--show", action="store_true", help="with --case: only print the input")
    ap.add_argument("--grace", type=float, default=120.0,
                    help="seconds beyond --seconds before the run counts as hung (default 120)")
    ap.add_argument("--inject", choices=["crash", "abort", "mismatch", "hang"], default=None, help=argparse.SUPPRESS)
    ap.add_argument("--inject-case", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--state-file", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.case is not None:
        if args.seed is None:
            ap.error("--case needs --seed")
        return child(args)
    if args.child:
        return child(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
