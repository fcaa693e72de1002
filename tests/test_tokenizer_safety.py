"""``CoreBPE`` is safe on hostile input: lying objects, mutation mid-call, memory pressure.

Issue 13's memory-safety findings in the compiled tokenizer, each as a regression test.
Every case that crashed runs in a subprocess, so that a regression fails the test instead
of killing pytest; each prints what it observed and the test compares that line.  The
constructor validation is shared by both backends, so the same bad input gets the same
error from each (checked differentially).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any, Callable, Dict, List, Tuple

import pytest

from openai_harmony import HarmonyError
from openai_harmony import _tokenizer_py as pure

from conftest import NO_EXTENSIONS, compiled_module

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BYTES = [bytes([b]) for b in range(256)]

# The compiled twin must be there in the compiled run (conftest owns the switch).
compiled = None if NO_EXTENSIONS else compiled_module("_tokenizer_c")
BACKENDS = ["pure"] if compiled is None else ["pure", "compiled"]

_PRELUDE = """
import gc, os, resource, sys
from openai_harmony import _tokenizer_py as pure
mod = pure if sys.argv[1] == "pure" else __import__("openai_harmony._tokenizer_c", fromlist=["x"])
CoreBPE = mod.CoreBPE
BYTES = [bytes([b]) for b in range(256)]

def outcome(fn):
    try:
        return repr(fn())
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
"""


def run_case(backend: str, code: str, timeout: float = 120) -> str:
    """Run *code* after the prelude in a fresh interpreter; its stdout (exit status 0 asserted)."""
    env = {**os.environ, "PYTHONPATH": ROOT}
    # Under AddressSanitizer (LD_PRELOAD) an address-space limit cannot be used: make huge
    # allocations fail instead of being mapped.
    env["ASAN_OPTIONS"] = ":".join(
        x for x in (env.get("ASAN_OPTIONS", ""), "allocator_may_return_null=1", "max_allocation_size_mb=2048") if x)
    try:
        proc = subprocess.run([sys.executable, "-c", _PRELUDE + code, backend], capture_output=True, text=True,
                              timeout=timeout, cwd=ROOT, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{backend}: hung (killed after {timeout} s)")
    assert proc.returncode == 0, f"{backend}: exit status {proc.returncode}\n{proc.stdout}\n{proc.stderr[-3000:]}"
    return proc.stdout.strip()


@pytest.mark.parametrize("backend", BACKENDS)
def test_lying_len_of_the_vocabulary(backend: str) -> None:
    # __len__ says 100000, iteration yields 3 tokens: the compiled backend read 99997
    # list items past the end (segfault); the pure one called the vocabulary duplicated.
    out = run_case(backend, """
class Lying:
    def __init__(self, items): self.items = items
    def __len__(self): return 100000
    def __iter__(self): return iter(self.items)
    def __getitem__(self, i): return self.items[i]
tok = CoreBPE(Lying(BYTES + [b"ab", b"abc"]), {"<x>": 500})
print(tok.encode_ordinary("abc"), tok.decode_bytes([256, 257, 500]))
""")
    assert out == "[257] b'ababc<x>'"


@pytest.mark.parametrize("backend", BACKENDS)
def test_growing_bytes_token_is_rejected(backend: str) -> None:
    # a token whose __bytes__ grows between calls: the compiled backend sized its buffer
    # from the first call and copied the second (heap overflow); only bytes-like tokens are
    # accepted now, and each is copied once
    out = run_case(backend, """
class Growing:
    n = 0
    def __bytes__(self):
        Growing.n += 1
        return b"x" * (1 if Growing.n == 1 else 50_000_000)
print(outcome(lambda: CoreBPE(BYTES + [Growing()], {})))
""")
    assert out == "TypeError: argument 'mergeable_ranks': item 256 is Growing, not bytes"


@pytest.mark.parametrize("backend", BACKENDS)
def test_bytearray_token_extended_while_reading_the_specials(backend: str) -> None:
    # keys() of the specials mapping grows a bytearray token after its size was taken
    # (heap overflow); the tokens are now copied before the mapping is read
    out = run_case(backend, """
tok_ba = bytearray(b"ab")
class Specials:
    def keys(self):
        tok_ba.extend(b"y" * 50_000_000)
        return ["<x>"]
    def __getitem__(self, key): return 300
tok = CoreBPE(BYTES + [tok_ba, memoryview(b"abc")], Specials())
print(tok.encode_ordinary("abc"), tok.decode_bytes([256, 300]), len(tok_ba))
""")
    assert out == "[257] b'ab<x>' 50000002"


@pytest.mark.parametrize("backend", BACKENDS)
def test_half_built_object_after_memory_error(backend: str) -> None:
    # a special token id near 2**32 makes the decoder table too large for the memory
    # limit: __init__ raises MemoryError, and every method of the half-built object must
    # raise too (the compiled one dereferenced its NULL tables)
    out = run_case(backend, """
with open("/proc/self/status") as f:
    vm = next(int(line.split()[1]) for line in f if line.startswith("VmSize:")) * 1024
if "asan" not in os.environ.get("LD_PRELOAD", ""):
    resource.setrlimit(resource.RLIMIT_AS, (vm + (1 << 30), resource.getrlimit(resource.RLIMIT_AS)[1]))
tok = CoreBPE.__new__(CoreBPE)
print(outcome(lambda: tok.__init__(BYTES, {"<x>": 2**32 - 1})))
results = set()
for call in (lambda: tok.decode_bytes([0]), lambda: tok.decode_bytes([97, 2**32 - 1]), lambda: tok.token_bytes(0),
             lambda: tok.token_bytes(2**32 - 1), lambda: tok.is_special_token(2**32 - 1),
             lambda: tok.encode_ordinary("a"), lambda: tok.encode("a<x>", {"<x>"}),
             lambda: tok.encode_batch(["a"]), lambda: tok.__reduce__(), lambda: tok.special_tokens):
    results.add(outcome(call).split(":")[0])
print(sorted(results))
""")
    first, second = out.splitlines()
    assert first == "MemoryError: "
    if backend == "compiled":
        assert second == "['RuntimeError']"
    else:  # a plain Python object: its methods fail on the missing attributes
        assert second == "['AttributeError']"


@pytest.mark.skipif("compiled" not in BACKENDS, reason="pure-Python run")
def test_reinitialising_is_refused() -> None:
    tok = compiled.CoreBPE(BYTES, {"<x>": 256})
    with pytest.raises(RuntimeError, match="already initialized"):
        tok.__init__([b"a"], {})
    assert tok.encode("a<x>", {"<x>"}) == [97, 256]


@pytest.mark.skipif("compiled" not in BACKENDS, reason="pure-Python run")
def test_encode_batch_texts_freed_by_num_threads() -> None:
    # num_threads.__index__ finds the tokenizer's copy of the texts and empties it: the
    # compiled backend had taken their UTF-8 pointers already (use after free: it encoded
    # whatever reused the memory); arguments are now converted before any pointer is taken
    # (encode_batch is a method of the compiled tokenizer only)
    backend = "compiled"
    out = run_case(backend, """
class Evil:
    def __index__(self):
        for o in gc.get_objects():
            if type(o) in (list, tuple) and o and type(o[0]) is str and o[0].startswith("MARK"):
                if type(o) is list:
                    o.clear()
        globals()["junk"] = ["Q" * 20009 for _ in range(200)]
        return 2
tok = CoreBPE(BYTES + [b"ab", b"abab"], {})
expect = [tok.encode_ordinary("MARK" + "ab" * 10000 + str(i)) for i in range(3)]
# fresh strings: the tokenizer's copy of the batch is their only owner
got = tok.encode_batch(("MARK" + "ab" * 10000 + str(i) for i in range(3)), num_threads=Evil())
print(got == expect, len(got))
""")
    assert out == "True 3"


@pytest.mark.parametrize("backend", BACKENDS)
def test_empty_special_token_cannot_be_added(backend: str) -> None:
    # "" added to the writable special_tokens dict: the compiled matcher found it at every
    # position without advancing (endless loop until out of memory); the pure backend
    # accepted "" from the constructor.  The mapping is read-only now, "" rejected.
    out = run_case(backend, """
resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
tok = CoreBPE(BYTES, {"<x>": 256})
def add_empty():
    tok.special_tokens[""] = 257
print(outcome(add_empty))
print(outcome(lambda: setattr(tok, "special_tokens", {"": 257, "<x>": 256})))
print(outcome(lambda: tok.encode("a<x>", {"", "<x>"})), dict(tok.special_tokens))
print(outcome(lambda: CoreBPE(BYTES, {"": 257})))
""", timeout=90)
    lines = out.splitlines()
    assert lines[0] == "TypeError: 'mappingproxy' object does not support item assignment"
    assert lines[1].startswith("AttributeError: ")
    assert lines[2] == "[97, 256] {'<x>': 256}"
    assert lines[3] == "ValueError: argument 'special_tokens': a special token cannot be empty"


@pytest.mark.skipif("compiled" not in BACKENDS, reason="pure-Python run")
def test_batch_size_is_checked() -> None:
    # n + 1 overflowed Py_ssize_t (undefined behaviour, UBSan) before calloc
    for n in (2**63 - 1, 2**62, -1):
        with pytest.raises(ValueError, match=f"batch size {n} out of range"):
            compiled._Batch(n)
    assert compiled._Batch(0) is not None


@pytest.mark.skipif("compiled" not in BACKENDS, reason="pure-Python run")
def test_str_subclass_in_allowed_special_cannot_change_the_special_bytes() -> None:
    # the matcher took each allowed special's UTF-8 from the caller's object: a str
    # subclass equal to "<x>" whose encode() returns b"" made a zero-length special
    class Sneaky(str):
        def encode(self, *args: Any, **kwargs: Any) -> bytes:  # type: ignore[override]
            return b""

    tok = compiled.CoreBPE(BYTES, {"<x>": 256})
    assert tok.encode("a<x>b", frozenset([Sneaky("<x>")])) == [97, 256, 98]
    assert tok.encode_batch(["a<x>b"], {Sneaky("<x>")}) == [[97, 256, 98]]


# -- the same errors from both constructors -------------------------------------------------


def error(fn: Callable[[], Any]) -> Tuple[str, str]:
    try:
        fn()
        return ("ok", "")
    except Exception as exc:  # noqa: BLE001 - the exception is the observation
        return (type(exc).__name__, str(exc))


class Idx:
    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


BAD: List[Tuple[Any, ...]] = [
    (None, {}),
    (5, {}),
    ([b"a", "b"], {}),
    ([b"a", 1], {}),
    ([b"a", None], {}),
    ([b"a", b"a"], {}),
    ([b"a", bytearray(b"a")], {}),
    (BYTES, None),
    (BYTES, 5),
    (BYTES, [1, 2]),
    (BYTES, {"": 3}),
    (BYTES, {1: 300}),
    (BYTES, {b"<x>": 300}),
    (BYTES, {"<x>": -1}),
    (BYTES, {"<x>": 2**32}),
    (BYTES, {"<x>": "300"}),
    (BYTES, {"<x>": 300.0}),
    (BYTES, {"<x>": None}),
    (BYTES, {"\ud800": 300}),
    (BYTES, {}, None),
    (BYTES, {}, b"\\w+"),
    (BYTES, {}, "("),
]
GOOD: List[Tuple[Any, ...]] = [
    ([bytearray(b"a"), memoryview(b"b"), b"ab"], {"<x>": Idx(7), "<y>": True}),
    (iter(BYTES), [("<x>", 256)]),
    (tuple(BYTES), {"<x>": 1}),
    (BYTES + [b""], {}),
]


@pytest.mark.skipif("compiled" not in BACKENDS, reason="pure-Python run")
@pytest.mark.parametrize("args", BAD + GOOD, ids=range(len(BAD + GOOD)))
def test_constructors_agree(args: Tuple[Any, ...]) -> None:
    def fresh() -> Tuple[Any, ...]:
        return tuple(iter(BYTES) if type(a) is type(iter(BYTES)) else a for a in args)

    p = error(lambda: pure.CoreBPE(*fresh()))
    c = error(lambda: compiled.CoreBPE(*fresh()))
    assert c == p
    assert (p[0] == "ok") == (args in GOOD)


def test_constructor_errors() -> None:
    def msg(*args: Any) -> Tuple[str, str]:
        return error(lambda: pure.CoreBPE(*args))

    assert msg(None, {}) == ("TypeError", "argument 'mergeable_ranks': 'NoneType' object is not iterable")
    assert msg([b"a", "b"], {}) == ("TypeError", "argument 'mergeable_ranks': item 1 is str, not bytes")
    assert msg([b"a", b"a"], {}) == ("HarmonyError", "vocabulary has duplicate tokens")
    assert msg(BYTES, 5) == ("TypeError", "argument 'special_tokens': 'int' object is not iterable")
    assert msg(BYTES, {1: 300}) == ("TypeError", "argument 'special_tokens': key 1 is int, not str")
    assert msg(BYTES, {"<x>": -1}) == ("ValueError", "argument 'special_tokens': id -1 of '<x>' is outside 0..2**32-1")
    assert msg(BYTES, {"<x>": "300"}) == ("TypeError", "argument 'special_tokens': id of '<x>' is str, not int")
    assert msg(BYTES, {"\ud800": 300}) == (
        "ValueError", "argument 'special_tokens': '\\ud800' is not encodable as UTF-8 (lone surrogate)")
    assert msg(BYTES, {}, None) == ("TypeError", "argument 'pattern': expected str, got NoneType")


@pytest.mark.parametrize("backend", BACKENDS)
def test_special_tokens_is_a_read_only_view(backend: str) -> None:
    import pickle

    mod = pure if backend == "pure" else compiled
    source: Dict[str, int] = {"<x>": 256}
    tok = mod.CoreBPE(BYTES, source)
    source["<y>"] = 257  # the caller's dict was copied
    assert dict(tok.special_tokens) == {"<x>": 256}
    assert tok.special_tokens is tok.special_tokens
    with pytest.raises(TypeError):
        tok.special_tokens["<y>"] = 257  # type: ignore[index]
    tok2 = pickle.loads(pickle.dumps(tok))
    assert dict(tok2.special_tokens) == {"<x>": 256}
    assert tok2.encode("a<x>", tok2.special_tokens) == [97, 256]
    with pytest.raises(HarmonyError):
        tok2.decode_bytes([257])
