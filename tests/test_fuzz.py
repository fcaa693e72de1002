"""The compiled-backend fuzzer (scripts/fuzz_compiled.py) and the bugs it found.

A short, fixed-seed run of the fuzzer (in a subprocess, as in CI, where it runs longer),
a check that the driver reports crashes, mismatches and hangs as failures, and regression
tests for what it found (expected values recorded with the official package 0.0.8).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any, List

import pytest
from conftest import NO_EXTENSIONS

from openai_harmony import HarmonyError, load_harmony_encoding

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, "scripts", "fuzz_compiled.py")
ENC = load_harmony_encoding("HarmonyGptOss")


def run_fuzzer(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, FUZZ, *args], capture_output=True, text=True, timeout=300)


def test_fuzzer_short_run() -> None:
    # bounded by count (same cases every run), the time limit only as a backstop
    proc = run_fuzzer("--seed", "20261125", "--iterations", "200", "--seconds", "120")
    if proc.returncode == 2 and NO_EXTENSIONS:
        pytest.skip("compiled modules not built (pure-Python run)")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "fuzz_compiled: seed=20261125 " in proc.stdout
    assert ("fuzz_compiled: 200 cases without failure "
            "(abuse 33, constructor 33, decode 34, encode 34, parser 33, small_vocab 33)") in proc.stdout


@pytest.mark.parametrize("what,report", [
    ("crash", "fuzz_compiled: CRASH (SIGSEGV) in case 3, seed 5"),
    ("mismatch", "fuzz_compiled: FAILED in case 3, seed 5; replay: "),
    ("hang", "fuzz_compiled: HANG (killed) in case 3, seed 5"),
])
def test_fuzzer_reports_failures(what: str, report: str) -> None:
    # (no real cases run before the injected one: the child does not even load the backends)
    proc = run_fuzzer("--seed", "5", "--seconds", "0.5", "--grace", "2", "--inject", what, "--inject-case", "3")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert report in proc.stdout


# -- regressions ------------------------------------------------------------------------


class Idx:
    """A token id given as an object with ``__index__`` only (no comparisons)."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value

    def __repr__(self) -> str:
        return f"Idx({self.value})"


def error(fn: Any) -> Any:
    try:
        return ("ok", fn())
    except Exception as exc:  # noqa: BLE001
        return (type(exc).__name__, str(exc))


def test_index_objects_decode() -> None:
    # official: '&(' and '<|start|>' (the pure backend raised TypeError comparing Idx >= int)
    assert ENC.decode([5, Idx(7)]) == "&("
    assert ENC.decode_utf8([Idx(200006)]) == "<|start|>"
    assert ENC.decode_bytes((Idx(5), 7)) == b"&("
    assert ENC._tokenizer.token_bytes(Idx(7)) == b"("


def test_index_objects_errors_name_the_int() -> None:
    # official: the converted id, not the object's str ("Idx(201089)")
    assert error(lambda: ENC.decode([Idx(201089)])) == ("HarmonyError", "Invalid token for decoding: 201089")
    assert error(lambda: ENC.decode_utf8([5, Idx(201089)])) == (
        "HarmonyError", "Could not decode tokens: Invalid token error: Invalid token for decoding: 201089")
    assert error(lambda: ENC._tokenizer.token_bytes(Idx(201090))) == ("HarmonyError", "Invalid token for decoding: 201090")
    with pytest.raises(HarmonyError):
        ENC.decode_bytes([Idx(2**32 - 1)])


def test_index_objects_special() -> None:
    # official: True, True, False (an __index__ object is its int)
    class IntSub(int):
        pass

    assert [ENC.is_special_token(x) for x in (Idx(200006), IntSub(200006), Idx(5))] == [True, True, False]
    with pytest.raises(OverflowError):
        ENC.is_special_token(Idx(-1))


def test_both_tokenizers_agree_on_index_objects() -> None:
    from openai_harmony import _tokenizer_py as pure
    from openai_harmony.load import harmony_special_tokens, load_mergeable_ranks

    try:
        from openai_harmony import _tokenizer_c as compiled
    except ImportError:  # pragma: no cover - depends on the build
        pytest.skip("compiled tokenizer not built")
    ranks, specials = load_mergeable_ranks(), harmony_special_tokens()
    p, c = pure.CoreBPE(ranks, specials), compiled.CoreBPE(ranks, specials)
    cases: List[Any] = [[Idx(5)], [5, Idx(7)], [Idx(201089)], [Idx(-1)], [Idx(2**40)], (Idx(3),), [True, Idx(200007)]]
    for toks in cases:
        assert error(lambda: c.decode_bytes(toks)) == error(lambda: p.decode_bytes(toks)), toks
    for t in (Idx(5), Idx(200006), Idx(201089), Idx(-1), Idx(2**40), True):
        assert error(lambda: c.token_bytes(t)) == error(lambda: p.token_bytes(t)), t
        assert error(lambda: c.is_special_token(t)) == error(lambda: p.is_special_token(t)), t


_TAMPER = r"""
import sys
from openai_harmony import _parser_c as _parser, load_harmony_encoding, _parser_py as parse
tok = load_harmony_encoding("HarmonyGptOss")._tokenizer
core = _parser.ParserCore if sys.argv[1] == "compiled" else parse.ParserCore
results = []
for attr, value in [("_header", ()), ("_header", (1,)), ("_header", []), ("_state", 3), ("_state", 2**31 - 1)]:
    p = core(tok, None, True)
    for t in (200006, 173781, 200008, 5):  # <|start|>assistant<|message|>&
        p.process(t)
    setattr(p, attr, value)
    for name in ("current_role", "current_channel", "current_recipient", "current_content_type", "state"):
        try:
            getattr(p, name)
            results.append("ok")
        except Exception as exc:
            results.append(type(exc).__name__)
print(" ".join(results))
"""


def test_junk_in_private_parser_fields_raises_instead_of_crashing() -> None:
    # found by the fuzzer: the compiled parser indexed _header and its state table without
    # bounds checks (a segfault); in a subprocess, so that a regression cannot kill pytest
    try:
        import openai_harmony._parser_c  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the build
        pytest.skip("compiled parser not built")
    out = {}
    for core in ("compiled", "pure"):
        proc = subprocess.run([sys.executable, "-c", _TAMPER, core], capture_output=True, text=True, timeout=120,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT})
        assert proc.returncode == 0, proc.stderr
        out[core] = proc.stdout.split()
    assert out["compiled"] == out["pure"]
    assert out["pure"][:10] == ["IndexError"] * 4 + ["ok"] + ["ok"] + ["IndexError"] * 3 + ["ok"]
    assert out["pure"][-5:] == ["ok"] * 4 + ["IndexError"]
