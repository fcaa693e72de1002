"""The HarmonyEncoding tokenizer API, including every error path, against the official 0.0.8.

Two parts:
- explicit tests with the official results and messages written out (readable spec);
- a replay of tests/golden/tokenizer_api.jsonl: ~1000 expressions recorded with the
  official package by scripts/gen_tokenizer_goldens.py (result, or exception type+message).
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest

import goldens

import openai_harmony
from openai_harmony import HarmonyEncodingName, HarmonyError, load_harmony_encoding

import deliberate_errors

GOLDEN = Path(__file__).parent / "golden" / "tokenizer_api.jsonl"

ENC = load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)

SPECIAL_IDS = {
    "<|startoftext|>": 199998, "<|endoftext|>": 199999, "<|return|>": 200002, "<|constrain|>": 200003,
    "<|channel|>": 200005, "<|start|>": 200006, "<|end|>": 200007, "<|message|>": 200008, "<|call|>": 200012,
}
# Single-byte tokens used to build invalid UTF-8.
B_C3, B_A9, B_80, B_E4, B_B8 = 127, 102, 222, 160, 116


def disallowed_message(token: str) -> str:
    return (
        f"Encountered text corresponding to disallowed special token {token!r}.\n"
        "If you want this text to be encoded as a special token, pass it to `allowed_special`, "
        f"e.g. `allowed_special={{'{token}', ...}}`.\n"
        "If you want this text to be encoded as normal text, disable the check for this token "
        f"by passing `disallowed_special=(enc.special_tokens_set - {{'{token}'}})`.\n"
        "To disable this check for all special tokens, pass `disallowed_special=()`.\n"
    )


# --------------------------------------------------------------------------------------
# Explicit spec
# --------------------------------------------------------------------------------------


def test_load_and_name():
    assert ENC.name == "HarmonyGptOss"
    assert load_harmony_encoding("HarmonyGptOss").name == "HarmonyGptOss"


def test_special_tokens_set():
    specials = ENC.special_tokens_set
    assert isinstance(specials, set)
    assert len(specials) == 1091  # 199998..201088
    for name in SPECIAL_IDS:
        assert name in specials
    assert "<|reserved_200100|>" in specials
    assert "<|endofprompt|>" not in specials and "<|refusal|>" not in specials
    assert "<|reserved_200006|>" not in specials  # 200006 is <|start|>


def test_stop_tokens():
    stop = ENC.stop_tokens()
    assert isinstance(stop, list) and sorted(stop) == [200002, 200007, 200012]
    actions = ENC.stop_tokens_for_assistant_actions()
    assert isinstance(actions, list) and sorted(actions) == [200002, 200012]


def test_is_special_token():
    assert [t for t in range(199990, 201100) if ENC.is_special_token(t)] == list(range(199998, 201089))
    for t in (0, 1, 199997, 201089, 300000, 2**32 - 1):
        assert ENC.is_special_token(t) is False
    assert ENC.is_special_token(True) is False  # bool is an int: token 1
    # OverflowError as the official, and a ValueError naming the argument (README "Errors").
    for bad in (-1, 2**32):
        with pytest.raises(OverflowError) as info:
            ENC.is_special_token(bad)
        assert isinstance(info.value, ValueError)
        assert str(info.value) == "argument 'token': out of range integral type conversion attempted"
    with pytest.raises(TypeError) as info:
        ENC.is_special_token("a")
    assert str(info.value) == "argument 'token': 'str' object cannot be interpreted as an integer"
    with pytest.raises(TypeError) as info:
        ENC.is_special_token(1.5)
    assert str(info.value) == "argument 'token': 'float' object cannot be interpreted as an integer"


def test_encode_plain_and_specials():
    assert ENC.encode("hello world") == [24912, 2375]
    assert ENC.encode("") == []
    assert ENC.encode("<|start|>user<|message|>hi<|end|>", allowed_special="all") == [200006, 1428, 200008, 3686, 200007]
    assert ENC.encode("<|reserved_200100|>", allowed_special="all") == [200100]
    # Not special tokens of this vocabulary: ordinary text even with "all".
    assert ENC.encode("<|endofprompt|>") == ENC.encode_ordinary("<|endofprompt|>")
    assert ENC.encode("<|refusal|>", allowed_special="all") == ENC.encode_ordinary("<|refusal|>")
    assert 200007 not in ENC.encode("<|end|>", disallowed_special=())
    assert ENC.encode("<|end|>", disallowed_special=()) == ENC.encode_ordinary("<|end|>")
    assert ENC.encode("<|end|><|start|>", allowed_special={"<|end|>"}, disallowed_special=()) == [200007] + ENC.encode_ordinary("<|start|>")


def test_encode_disallowed_special_messages():
    with pytest.raises(HarmonyError) as info:
        ENC.encode("<|end|>")
    assert str(info.value) == disallowed_message("<|end|>")
    assert isinstance(info.value, RuntimeError)
    # The leftmost disallowed token is reported.
    with pytest.raises(HarmonyError) as info:
        ENC.encode("a <|start|> b <|end|>")
    assert str(info.value) == disallowed_message("<|start|>")
    with pytest.raises(HarmonyError) as info:
        ENC.encode("<|end|><|start|>", allowed_special={"<|end|>"})
    assert str(info.value) == disallowed_message("<|start|>")
    with pytest.raises(HarmonyError) as info:
        ENC.encode("x<|reserved_201088|>", disallowed_special={"<|reserved_201088|>"})
    assert str(info.value) == disallowed_message("<|reserved_201088|>")
    # Disallowed wins over allowed.
    with pytest.raises(HarmonyError) as info:
        ENC.encode("<|end|>", allowed_special={"<|end|>"}, disallowed_special={"<|end|>"})
    assert str(info.value) == disallowed_message("<|end|>")
    # A string is a collection of characters.
    with pytest.raises(HarmonyError) as info:
        ENC.encode("hello", disallowed_special="<|end|>")
    assert str(info.value) == disallowed_message("e")


def test_encode_bad_arguments():
    with pytest.raises(TypeError) as info:
        ENC.encode(123)
    assert str(info.value) == "argument 'text': expected string or bytes-like object, got 'int'"
    with pytest.raises(TypeError) as info:
        ENC.encode(123, disallowed_special=())
    assert str(info.value) == "argument 'text': 'int' object cannot be converted to 'PyString'"
    with pytest.raises(TypeError) as info:
        ENC.encode(b"<|end|>")
    assert str(info.value) == "argument 'text': cannot use a string pattern on a bytes-like object"
    with pytest.raises(ValueError) as info:
        ENC.encode("x", allowed_special={1})
    assert str(info.value) == "invalid allowed_special: TypeError: 'int' object cannot be converted to 'PyString'"
    with pytest.raises(TypeError) as info:
        ENC.encode("x", set())
    assert _signature_message(str(info.value)) == "encode() takes 2 positional arguments but 3 were given"
    with pytest.raises(TypeError) as info:
        ENC.encode("x", allowed_special=None)
    assert str(info.value) == "argument 'allowed_special': 'NoneType' object is not iterable"


def test_encode_lone_surrogates_are_replaced():
    assert ENC.encode("a\ud800b") == ENC.encode("a\ufffdb") == [64, 3251, 65]
    assert ENC.encode("\ud800<|end|>", allowed_special="all") == ENC.encode("\ufffd") + [200007]
    assert ENC.encode_ordinary("x\ud83d\ude00y") == ENC.encode_ordinary("x\U0001f600y")


def test_encode_ordinary_never_special():
    text = "".join(SPECIAL_IDS) + "<|reserved_200100|>"
    tokens = ENC.encode_ordinary(text)
    assert not any(ENC.is_special_token(t) for t in tokens)
    assert ENC.decode_utf8(tokens) == text
    with pytest.raises(TypeError):
        ENC.encode_ordinary(123)
    with pytest.raises(TypeError):
        ENC.encode_ordinary(b"x")


def test_decode_invalid_ids():
    for bad in (201089, 300000, 2**31, 2**32 - 1):
        with pytest.raises(HarmonyError) as info:
            ENC.decode([1, bad])
        assert str(info.value) == f"Invalid token for decoding: {bad}"
        with pytest.raises(HarmonyError) as info:
            ENC.decode_bytes([bad])
        assert str(info.value) == f"Invalid token for decoding: {bad}"
        with pytest.raises(HarmonyError) as info:
            ENC.decode_utf8([bad])
        assert str(info.value) == f"Could not decode tokens: Invalid token error: Invalid token for decoding: {bad}"
    for bad in (-1, 2**32):
        for fn in (ENC.decode, ENC.decode_utf8, ENC.decode_bytes):
            with pytest.raises(OverflowError) as info:
                fn([bad])
            assert isinstance(info.value, ValueError)
            assert str(info.value) == "argument 'tokens': out of range integral type conversion attempted"


def test_decode_invalid_utf8():
    assert ENC.decode([B_C3]) == "\ufffd"
    assert ENC.decode([B_C3, B_A9]) == "\u00e9"
    assert ENC.decode([B_E4, B_B8, 32]) == "\ufffdA"
    assert ENC.decode([B_C3], errors="ignore") == ""
    assert ENC.decode([B_C3], errors="backslashreplace") == "\\xc3"
    assert ENC.decode([B_C3], errors="surrogateescape") == "\udcc3"
    with pytest.raises(UnicodeDecodeError) as info:
        ENC.decode([B_C3], errors="strict")
    assert str(info.value) == "'utf-8' codec can't decode byte 0xc3 in position 0: unexpected end of data"
    with pytest.raises(LookupError) as info:
        ENC.decode([B_C3], errors="bogus")
    assert isinstance(info.value, ValueError)
    assert str(info.value) == "argument 'errors': unknown error handler name 'bogus'"
    assert ENC.decode_bytes([B_C3, 200007]) == b"\xc3<|end|>"
    with pytest.raises(HarmonyError) as info:
        ENC.decode_utf8([B_C3])
    assert str(info.value) == "Could not decode tokens: Invalid utf-8 sequence: incomplete utf-8 byte sequence from index 0"
    with pytest.raises(HarmonyError) as info:
        ENC.decode_utf8([B_E4, B_B8, 32])  # 32 is "A"
    assert str(info.value) == "Could not decode tokens: Invalid utf-8 sequence: invalid utf-8 sequence of 2 bytes from index 0"
    with pytest.raises(HarmonyError) as info:
        ENC.decode_utf8([B_80])
    assert str(info.value) == "Could not decode tokens: Invalid utf-8 sequence: invalid utf-8 sequence of 1 bytes from index 0"


def test_decode_special_and_bad_types():
    assert ENC.decode([200006, 1428, 200008]) == "<|start|>user<|message|>"
    assert ENC.decode_utf8([200100]) == "<|reserved_200100|>"
    assert ENC.decode([True]) == '"'
    assert ENC.decode(range(24912, 24913)) == "hello"
    with pytest.raises(TypeError) as info:
        ENC.decode(["a"])
    assert str(info.value) == "argument 'tokens': 'str' object cannot be interpreted as an integer"
    with pytest.raises(TypeError) as info:
        ENC.decode_utf8([1.5])
    assert str(info.value) == "argument 'tokens': 'float' object cannot be interpreted as an integer"
    with pytest.raises(TypeError) as info:
        ENC.decode(None)
    assert str(info.value) == "argument 'tokens': 'NoneType' object is not iterable"


# --------------------------------------------------------------------------------------
# Golden replay
# --------------------------------------------------------------------------------------


def _load() -> List[Dict[str, Any]]:
    records: List[Dict[str, Any]] = goldens.load("tokenizer_api")["records"]
    return records


RECORDS = _load()


def _from_json(v: Dict[str, Any]) -> Any:
    t = v["t"]
    if t == "none":
        return None
    if t in ("bool", "int", "str"):
        return v["v"]
    if t == "bytes":
        return base64.b64decode(v["v"])
    if t == "list":
        return [_from_json(x) for x in v["v"]]
    raise AssertionError(f"unknown tag {t}")


def _namespace() -> Dict[str, Any]:
    return {"enc": ENC, "decode_bytes": ENC.decode_bytes, "encode_ordinary": ENC.encode_ordinary}


def _id(rec: Dict[str, Any]) -> str:
    expr = rec["expr"]
    return expr if len(expr) <= 70 else expr[:67] + "..."


def test_golden_records_cover_api():
    exprs = " ".join(r["expr"] for r in RECORDS)
    for name in ("enc.encode(", "encode_ordinary(", "enc.decode(", "enc.decode_utf8(", "decode_bytes(",
                 "enc.is_special_token(", "enc.special_tokens_set", "enc.stop_tokens()", "enc.stop_tokens_for_assistant_actions()"):
        assert name in exprs
    assert len(RECORDS) > 900


def _signature_message(message: str) -> str:
    # Python 3.10+ names the class in call-signature errors ("HarmonyEncoding.encode() takes
    # ..."); 3.9 does not. The goldens come from 3.11, so compare without the qualifier.
    return re.sub(r"^[A-Za-z_]\w*\.(?=\w+\(\) )", "", message)


def _argument(expr: str, expected: Dict[str, Any]) -> str:
    """The argument an official error of ``expr`` is about (for deliberate_errors)."""
    if expected["type"] == "LookupError":
        return "errors"
    if expr.startswith("enc.is_special_token"):
        return "token"
    if expr.startswith(("enc.decode", "decode_bytes")):
        return "tokens"
    message = expected["message"]
    if message.startswith("decoding to str"):
        return "disallowed_special"
    if message.endswith("object is not iterable"):
        return "allowed_special" if re.search(r"(?<!dis)allowed_special=", expr) else "disallowed_special"
    return "text"


@pytest.mark.parametrize("rec", RECORDS, ids=[_id(r) for r in RECORDS])
def test_golden_record(rec):
    expected = rec["result"]
    try:
        got = eval(rec["expr"], _namespace())  # noqa: S307 - expressions from our own goldens
    except Exception as exc:  # noqa: BLE001
        if expected["t"] != "error":
            raise
        tp, message = deliberate_errors.ours(expected["type"], expected["message"], _argument(rec["expr"], expected))
        assert type(exc).__name__ == tp, f"{type(exc).__name__}: {exc}"
        # A deliberate difference is still an instance of the official type.
        assert expected["type"] in {c.__name__ for c in type(exc).__mro__}
        if expected["type"] == "HarmonyError":
            assert isinstance(exc, openai_harmony.HarmonyError)
        if not rec.get("type_only"):
            assert _signature_message(str(exc)) == _signature_message(message)
        return
    assert expected["t"] != "error", f"expected {expected['type']}: {expected['message']!r}, got {got!r}"
    if isinstance(got, bytes):
        assert expected["t"] == "bytes"
    assert got == _from_json(expected)
