"""Record the official tokenizer's behaviour (tokenizer goldens).

Run with the oracle interpreter (tiktoken 0.14 + official openai-harmony 0.0.8), from a
directory where ``openai_harmony`` is not the source tree (scripts/ is fine):

    TIKTOKEN_ENCODINGS_BASE=/work/shared/vocab /work/.oracle/bin/python scripts/gen_tokenizer_goldens.py

Writes
- tests/golden/tokenizer_corpus.jsonl: every case of ``corpus.generate_cases()`` with
  tiktoken's o200k_base ``encode_ordinary`` tokens.  The script checks that the official
  ``HarmonyEncoding.encode(text, disallowed_special=())`` gives the same tokens (a
  difference is stored as ``harmony_tokens`` and listed in ``meta.harmony_differences``),
  and that ``decode_utf8`` gives the text back (``decoded`` when it does not, e.g. for
  lone surrogates).  special_like cases also get ``tokens_all_special``, the result of
  ``encode(text, allowed_special="all")``.
- tests/golden/tokenizer_api.jsonl: Python expressions over the encoding API (encode,
  decode, decode_utf8, decode_bytes, is_special_token, ...) with the official result or
  exception (type and message).  tests/test_encoding_api.py evaluates each expression
  against our package.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, List

import tiktoken
from tiktoken.load import load_tiktoken_bpe

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import tokenizer_corpus as corpus  # noqa: E402

import openai_harmony  # noqa: E402

if not Path(openai_harmony.__file__).resolve().parent.parent.name == "site-packages":
    raise SystemExit("run with the oracle venv, not the source tree: %s" % openai_harmony.__file__)

ROOT = HERE.parent
OUT_CORPUS = ROOT / "tests" / "golden" / "tokenizer_corpus.jsonl"
OUT_API = ROOT / "tests" / "golden" / "tokenizer_api.jsonl"
VOCAB = Path(os.environ.get("TIKTOKEN_ENCODINGS_BASE", "/work/shared/vocab")) / "o200k_base.tiktoken"
VOCAB_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"

# The o200k_base pre-tokenizer, exactly as tiktoken_ext.openai_public builds it (that module
# would download the vocabulary; we load the local copy instead).
O200K_PAT = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)

tik = tiktoken.Encoding(
    "o200k_base",
    pat_str=O200K_PAT,
    mergeable_ranks=load_tiktoken_bpe(str(VOCAB), expected_hash=VOCAB_SHA256),
    special_tokens={"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
)
enc = openai_harmony.load_harmony_encoding(openai_harmony.HarmonyEncodingName.HARMONY_GPT_OSS)


def repaired(text: str) -> str:
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


# --------------------------------------------------------------------------------------
# Corpus goldens
# --------------------------------------------------------------------------------------


def build_corpus() -> Dict[str, Any]:
    cases = []
    differences = []
    for cat, name, text in corpus.generate_cases():
        toks = tik.encode_ordinary(text)
        case: Dict[str, Any] = {"cat": cat, "name": name, "text": text, "tokens": toks}
        htoks = enc.encode(text, disallowed_special=())
        if htoks != toks:
            case["harmony_tokens"] = htoks
            differences.append(name)
        dec = enc.decode_utf8(toks)
        if dec != text:
            case["decoded"] = dec
            assert dec == repaired(text), name
        assert bytes(enc._inner.decode_bytes(toks)) == repaired(text).encode("utf-8"), name
        if cat == "special_like":
            case["tokens_all_special"] = enc.encode(text, allowed_special="all")
        cases.append(case)
    meta = {
        "oracle": "tiktoken %s (o200k_base encode_ordinary) + openai-harmony 0.0.8" % tiktoken.__version__,
        "script": "scripts/gen_tokenizer_goldens.py",
        "harmony_differences": differences,
        "n_cases": len(cases),
        "n_bytes": sum(len(c["text"].encode("utf-8", "surrogatepass")) for c in cases),
        "n_tokens": sum(len(c["tokens"]) for c in cases),
    }
    return {"meta": meta, "cases": cases}


# --------------------------------------------------------------------------------------
# API goldens
# --------------------------------------------------------------------------------------


def tok(b: bytes) -> int:
    return tik.encode_single_token(b)


def api_expressions() -> List[Dict[str, Any]]:
    """Expressions evaluated with ``enc``, ``decode_bytes`` and ``encode_ordinary`` bound."""
    out: List[Dict[str, Any]] = []

    def add(expr: str, type_only: bool = False) -> None:
        out.append({"expr": expr, "type_only": type_only})

    # Identity and special token tables.
    add("enc.name")
    add("sorted(enc.special_tokens_set)")
    add("type(enc.special_tokens_set).__name__")
    add("len(enc.special_tokens_set)")
    add("sorted(enc.stop_tokens())")
    add("type(enc.stop_tokens()).__name__")
    add("sorted(enc.stop_tokens_for_assistant_actions())")
    add("type(enc.stop_tokens_for_assistant_actions()).__name__")
    add("[t for t in range(199980, 201110) if enc.is_special_token(t)]")
    add("[t for t in range(0, 200) if enc.is_special_token(t)]")
    for t in [0, 1, 100, 199997, 199998, 199999, 200000, 200002, 200006, 200012, 200018, 201088,
              201089, 201090, 300000, 2**31 - 1, 2**31, 2**32 - 1]:
        add("enc.is_special_token(%d)" % t)
    for bad in ["-1", "2**32", "2**64", "'a'", "1.5", "None", "True", "[1]", "b'1'"]:
        add("enc.is_special_token(%s)" % bad)

    # encode: specials allowed, disallowed, ignored.
    texts = list(corpus.SPECIAL_LIKE) + [
        "hello world", "", "a <|start|> b <|end|>", "x<|end|>y<|start|>z", "<|end|><|end|>",
        "<|start|>user<|message|>What is 2+2?<|end|><|start|>assistant<|channel|>final<|message|>4<|return|>",
        "<|reserved_200100|><|reserved_200101|>", "abc<|endoftext|>def", "\ud800<|end|>\udc00",
        "it's<|end|>'s", "<|end|>\n\n<|start|>",
    ]
    for t in texts:
        r = repr(t)
        add("enc.encode(%s)" % r)
        add("enc.encode(%s, allowed_special='all')" % r)
        add("enc.encode(%s, disallowed_special=())" % r)
        add("enc.encode(%s, allowed_special='all', disallowed_special=())" % r)
        add("enc.encode(%s, allowed_special={'<|end|>'})" % r)
        add("enc.encode(%s, allowed_special={'<|end|>'}, disallowed_special=())" % r)
        add("enc.encode(%s, allowed_special={'<|start|>', '<|message|>'}, disallowed_special={'<|end|>'})" % r)
        add("enc.encode(%s, disallowed_special={'<|start|>'})" % r)
        add("encode_ordinary(%s)" % r)
    sets = [
        "{'<|end|>'}", "frozenset({'<|end|>'})", "['<|end|>']", "('<|end|>',)", "{'<|end|>': 1}",
        "{'hello'}", "{'<|end|>', 'hello'}", "set()", "frozenset()", "[]", "()", "'all'",
        "{'<|endofprompt|>'}", "{'<|refusal|>'}", "{'<|reserved_200100|>'}", "iter(['<|end|>'])",
    ]
    for s in sets:
        add("enc.encode('a<|end|>b', allowed_special=%s)" % s)
        add("enc.encode('a<|end|>b<|reserved_200100|>', allowed_special=%s, disallowed_special=())" % s)
        add("enc.encode('a<|end|>b', disallowed_special=%s)" % s)
        add("enc.encode('<|end|>', allowed_special=%s, disallowed_special=%s)" % (s, s))
    add("enc.encode('<|end|>', allowed_special={'<|end|>'}, disallowed_special={'<|end|>'})")
    add("enc.encode('hello', disallowed_special='<|end|>')")
    add("enc.encode('xyz', disallowed_special='<|end|>')")
    add("enc.encode('<|end|>', allowed_special='ALL')")
    add("enc.encode('<|end|>', disallowed_special='ALL')")
    add("enc.encode('<|end|>', disallowed_special=None)")
    add("enc.encode('<|end|>', allowed_special=None)")
    add("enc.encode('x', allowed_special=None, disallowed_special=())")
    add("enc.encode('x', allowed_special={1})")
    add("enc.encode('x', allowed_special={1}, disallowed_special=())")
    add("enc.encode('x', allowed_special=[None], disallowed_special=())")
    add("enc.encode('x', allowed_special=1)")
    add("enc.encode('x', disallowed_special=1)")
    add("enc.encode('x', disallowed_special={1})")
    add("enc.encode('x', set())")
    add("enc.encode('x', foo=1)")
    add("enc.encode()")
    for bad in ["123", "b'<|end|>'", "b'x'", "None", "['a']", "1.5", "bytearray(b'x')"]:
        add("enc.encode(%s)" % bad)
        add("enc.encode(%s, disallowed_special=())" % bad)
        add("enc.encode(%s, allowed_special='all', disallowed_special=())" % bad)
        add("encode_ordinary(%s)" % bad, type_only=True)

    # decode / decode_utf8 / decode_bytes.
    hello = tik.encode_ordinary("hello world")
    e_acute = list(b"\xc3\xa9")
    cjk = list("中".encode())
    emoji = list("😀".encode())
    byte_tok = {b: tok(bytes([b])) for b in range(256)}
    invalid_seqs = {
        "lone_cont": [0x80], "trunc2": [0xC3], "trunc3": cjk[:2], "trunc4": emoji[:3],
        "trunc3_ascii": cjk[:2] + [0x41], "trunc4_ascii": emoji[:2] + [0x41], "overlong": [0xC0, 0x80],
        "overlong3": [0xE0, 0x80, 0x80], "surrogate": [0xED, 0xA0, 0x80], "too_big": [0xF4, 0x90, 0x80, 0x80],
        "f5": [0xF5, 0x80, 0x80, 0x80], "ff": [0xFF], "fe": [0xFE, 0xFF], "mid_valid": list(b"ab") + [0xC3] + list(b"cd"),
        "cont_after_valid": e_acute + [0xA9], "two_errors": [0x80, 0x41, 0xC3], "split_e_acute": e_acute,
        "split_cjk": cjk, "split_emoji": emoji, "after_text": list(b"hello ") + cjk[:1],
    }
    token_lists: Dict[str, List[int]] = {"empty": [], "hello": hello,
                                         "specials": [200006, 1428, 200008, 12194, 200007, 200012, 200002],
                                         "reserved": [200000, 200001, 200004, 200100, 201088],
                                         "sot_eot": [199998, 199999], "max_normal": [199997, 0, 1, 255],
                                         "endofprompt_id": [200018]}
    for k, bs in invalid_seqs.items():
        token_lists["bytes_" + k] = [byte_tok[b] for b in bs]
    token_lists["mixed_invalid"] = hello + [byte_tok[0xE4]] + [200007] + [byte_tok[0xB8]]
    for k, ids in token_lists.items():
        add("enc.decode(%r)" % ids)
        add("enc.decode_utf8(%r)" % ids)
        add("decode_bytes(%r)" % ids)
        for errors in ["strict", "ignore", "replace", "backslashreplace", "surrogateescape", "surrogatepass", "bogus"]:
            add("enc.decode(%r, errors=%r)" % (ids, errors))
    for ids in ["[201089]", "[300000]", "[2**31]", "[2**32 - 1]", "[-1]", "[2**32]", "[2**64]", "[1, 201089, 2]",
                "[201089, 300000]", "[201089, -1]", "[-1, 201089]", "[0x80]", "['a']", "[1.5]", "[None]", "[True, False]",
                "'abc'", "b'ab'", "bytearray(b'ab')", "None", "5", "(1, 2)", "range(100, 110)", "(t for t in [1, 2])",
                "{1: 'x'}", "[1, '2']", "[[1]]", "[" + str(byte_tok[0xC3]) + ", 201089]"]:
        add("enc.decode(%s)" % ids)
        add("enc.decode_utf8(%s)" % ids)
        # The official wrapper has no decode_bytes (ours follows its inner binding); only
        # list arguments are compared, the inner's container checks are not API.
        if ids.startswith("["):
            add("decode_bytes(%s)" % ids)
    add("enc.decode([1], errors=None)")
    add("enc.decode([%d], errors=None)" % byte_tok[0xC3])
    add("enc.decode([%d], errors=1)" % byte_tok[0xC3])
    add("enc.decode([1], 'strict')")
    add("enc.decode_utf8()")
    add("enc.decode()")
    return out


def to_json(v: Any) -> Any:
    if v is None:
        return {"t": "none"}
    if isinstance(v, bool):
        return {"t": "bool", "v": v}
    if isinstance(v, int):
        return {"t": "int", "v": v}
    if isinstance(v, str):
        return {"t": "str", "v": v}
    if isinstance(v, (bytes, bytearray)):
        return {"t": "bytes", "v": base64.b64encode(bytes(v)).decode()}
    if isinstance(v, list):
        return {"t": "list", "v": [to_json(x) for x in v]}
    raise TypeError("cannot record %r" % (v,))


def build_api() -> Dict[str, Any]:
    ns = {
        "enc": enc,
        "decode_bytes": lambda tokens: bytes(enc._inner.decode_bytes(tokens)),
        "encode_ordinary": tik.encode_ordinary,
    }
    records = []
    for item in api_expressions():
        try:
            value = eval(item["expr"], dict(ns))  # noqa: S307 - our own expressions
            result = to_json(value)
        except Exception as exc:  # noqa: BLE001 - recording every failure is the point
            result = {"t": "error", "type": type(exc).__name__, "message": str(exc)}
        rec = dict(item, result=result)
        if not rec["type_only"]:
            del rec["type_only"]
        records.append(rec)
    return {"meta": {"oracle": "openai-harmony 0.0.8 (decode_bytes: its PyHarmonyEncoding.decode_bytes; "
                               "encode_ordinary: tiktoken %s)" % tiktoken.__version__},
            "records": records}


def write(path: Path, data: Dict[str, Any]) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    import goldens  # tests/goldens.py: the golden file format

    goldens.write(path, data)


def main() -> None:
    api = build_api()
    write(OUT_API, api)
    print("api records:", len(api["records"]), OUT_API.stat().st_size, "bytes")
    data = build_corpus()
    write(OUT_CORPUS, data)
    print("corpus:", json.dumps(data["meta"])[:2000], OUT_CORPUS.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
