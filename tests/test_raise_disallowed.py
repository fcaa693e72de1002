"""``openai_harmony.raise_disallowed_special_token`` as the official package has it
(recorded by scripts/gen_raise_disallowed_goldens.py in tests/golden/raise_disallowed.json)."""

from __future__ import annotations

import inspect
import json
import os
import pickle

import pytest

import openai_harmony
from openai_harmony import HarmonyEncodingName, HarmonyError, load_harmony_encoding

_HERE = os.path.dirname(os.path.abspath(__file__))

with open(os.path.join(_HERE, "golden", "raise_disallowed.json"), encoding="utf-8") as _fh:
    GOLDEN = json.load(_fh)


def _outcome(fn, *args, **kwargs):
    # As the recording script describes an exception.
    try:
        fn(*args, **kwargs)
    except BaseException as exc:
        return {
            "type": type(exc).__name__,
            "mro": [c.__name__ for c in type(exc).__mro__],
            "message": str(exc),
            "args": [repr(a) for a in exc.args],
        }
    return {"returned": True}


def test_where_it_lives():
    fn = openai_harmony.raise_disallowed_special_token
    params = [[p.name, str(p.kind)] for p in inspect.signature(fn).parameters.values()]
    assert (fn.__module__, fn.__qualname__, params) == (GOLDEN["module"], GOLDEN["qualname"], GOLDEN["parameters"])
    # Importable by name, but not exported by ``import *`` (the official's __all__ omits it).
    assert ("raise_disallowed_special_token" in openai_harmony.__all__) is GOLDEN["in_all"] is False
    assert pickle.loads(pickle.dumps(fn)) is fn


@pytest.mark.parametrize("call", GOLDEN["calls"], ids=[c["arg"] for c in GOLDEN["calls"]])
def test_raises_like_official(call):
    assert _outcome(openai_harmony.raise_disallowed_special_token, eval(call["arg"])) == call["outcome"]


@pytest.mark.parametrize("call", GOLDEN["bad_calls"], ids=[c["args"] + c["kwargs"] for c in GOLDEN["bad_calls"]])
def test_bad_calls(call):
    outcome = _outcome(openai_harmony.raise_disallowed_special_token, *eval(call["args"]), **eval(call["kwargs"]))
    assert outcome == call["outcome"]


def test_same_error_as_encode():
    """The function raises exactly what ``encode`` raises for that token."""
    enc = load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)
    with pytest.raises(HarmonyError) as from_encode:
        enc.encode("x <|end|> y")
    with pytest.raises(HarmonyError) as from_function:
        openai_harmony.raise_disallowed_special_token("<|end|>")
    assert str(from_function.value) == str(from_encode.value)
