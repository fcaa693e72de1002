"""Find the code points whose o200k pre-tokenization differs between tiktoken and ``regex``.

tiktoken 0.14 (inside the official package) classifies characters with the Unicode tables
of its Rust regex engine, which predate the ``regex`` module's; characters added since are
unassigned to it.  This script encodes, for every code point the ``regex`` module calls a
letter, mark or number, a probe string that puts it in every context the pattern cares
about, once with tiktoken and once with our pure tokenizer, and prints the ranges that
differ in the form ``openai_harmony/_unicode_pin.py`` records.  Then it checks that the
pinned pattern removes every difference.

Run with the oracle interpreter (tiktoken installed, vocabulary offline):

    /work/.oracle/bin/python scripts/probe_oracle_unicode.py
"""

from __future__ import annotations

import os
import sys
import unittest.mock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import regex  # noqa: E402
import tiktoken  # noqa: E402
from tiktoken.load import load_tiktoken_bpe  # noqa: E402
from tiktoken_ext import openai_public  # noqa: E402

from openai_harmony import _tokenizer_py as pure  # noqa: E402
from openai_harmony.load import O200K_PATTERN, harmony_special_tokens, load_mergeable_ranks  # noqa: E402

VOCAB = os.environ.get("TIKTOKEN_ENCODINGS_BASE", "/work/shared/vocab") + "/o200k_base.tiktoken"
PROBE = "\n{c}'s\na{c}b\nA{c}a\nA{c}A'S\n1{c}1\n {c} x\n{c}{c}!\n!{c}a\nx{c}\n  {c}\n{c}  \n{c}\n\n\u0301{c}a\n{c}"


def tiktoken_o200k() -> "tiktoken.Encoding":
    ranks = load_tiktoken_bpe(VOCAB)
    with unittest.mock.patch.object(openai_public, "load_tiktoken_bpe", lambda *a, **k: ranks):
        params = openai_public.o200k_base()
    assert params["pat_str"] == O200K_PATTERN
    return tiktoken.Encoding(**params)


def to_ranges(cps):
    out = []
    for c in cps:
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return [tuple(r) for r in out]


def main() -> int:
    tt = tiktoken_o200k()
    ranks = load_mergeable_ranks()
    # a pattern string other than O200K_PATTERN is compiled as is, i.e. unpinned
    plain = pure.CoreBPE(ranks, harmony_special_tokens(), pattern=f"(?:{O200K_PATTERN})")
    pinned = pure.CoreBPE(ranks, harmony_special_tokens())
    interesting = regex.compile(r"[\p{L}\p{M}\p{N}\s]")
    cands = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and interesting.match(chr(c))]
    differ, still = [], []
    for c in cands:
        probe = PROBE.format(c=chr(c))
        expected = tt.encode_ordinary(probe)
        if plain.encode_ordinary(probe) != expected:
            differ.append(c)
        if pinned.encode_ordinary(probe) != expected:
            still.append(c)
    print(f"regex module {regex.__version__}: {len(cands)} letters/marks/numbers/spaces probed")
    print(f"{len(differ)} differ from tiktoken unpinned; ranges:")
    for lo, hi in to_ranges(differ):
        print(f"    (0x{lo:04X}, 0x{hi:04X}),")
    print(f"with the pinned pattern: {len(still)} differ")
    for lo, hi in to_ranges(still):
        print(f"    (0x{lo:04X}, 0x{hi:04X}),")
    bad = len(still)
    try:
        from openai_harmony import _tokenizer_c as _tokenizer
    except ImportError:
        print("compiled tokenizer not built: skipping its check")
    else:
        # the compiled scanner's class table, on every code point
        compiled = _tokenizer.CoreBPE(ranks, harmony_special_tokens())
        wrong = [
            c
            for c in range(0x110000)
            if not 0xD800 <= c <= 0xDFFF
            and compiled.encode_ordinary(PROBE.format(c=chr(c))) != tt.encode_ordinary(PROBE.format(c=chr(c)))
        ]
        print(f"compiled tokenizer: {len(wrong)} of all code points differ {to_ranges(wrong)[:20]}")
        bad += len(wrong)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
