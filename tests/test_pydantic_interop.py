"""The data model where code treats it as pydantic models: fields, unions, TypeAdapter, FastAPI.

Every case of pydantic_cases.py is compared with what the official 0.0.8 gives
(golden/pydantic_cases.json, recorded by scripts/gen_pydantic_goldens.py): values, printing,
pydantic's error types, locations, messages and counts, warnings, JSON schemas, the OpenAPI
document of a FastAPI app.  The cases in ``pydantic_cases.LOSSLESS`` differ on purpose: the
official loses message contents (``[{}]``, ``Content()``, NotImplementedError); ours must
equal the official's output once the lost data is dropped again, and must keep the data.

Skipped when pydantic (or FastAPI, for its cases) is not installed, except under
OPENAI_HARMONY_REQUIRE_ENGINES=1 (CI), where they must run.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import pickle
import re
import subprocess
import sys
from typing import Any, Dict
from unittest import mock

import pytest

import pydantic_cases as pc

_REQUIRED = os.environ.get("OPENAI_HARMONY_REQUIRE_ENGINES") == "1"
_HERE = os.path.dirname(os.path.abspath(__file__))

try:
    import pydantic
except ImportError:  # pragma: no cover - the test extra installs it
    if _REQUIRED:
        raise
    pytest.skip("pydantic is not installed", allow_module_level=True)

try:
    import fastapi  # noqa: F401
    import httpx  # noqa: F401
except ImportError:  # pragma: no cover
    if _REQUIRED:
        raise
    HAVE_FASTAPI = False
else:
    HAVE_FASTAPI = True

import openai_harmony as H

with open(os.path.join(_HERE, "golden", "pydantic_cases.json"), encoding="utf-8") as _fh:
    GOLDEN = json.load(_fh)


@pytest.fixture(scope="module")
def ns() -> Dict[str, Any]:
    namespace: Dict[str, Any] = {}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's httpx notice, FastAPI's alias notice
        exec(pc.SETUP, namespace)
    return namespace


def _neutral(value: Any) -> Any:
    # pydantic's texts link to the docs of its minor version (goldens: 2.14).
    if isinstance(value, str):
        return re.sub(r"errors\.pydantic\.dev/\d+\.\d+/", "errors.pydantic.dev/2.14/", value)
    if isinstance(value, list):
        return [_neutral(v) for v in value]
    if isinstance(value, dict):
        return {k: _neutral(v) for k, v in value.items()}
    return value


_TAGS = {"text", "system_content", "developer_content"}
# The contents the cases build from dicts (pc.MSG and friends) all have the text 'x'.
_CONTENT_REPR = re.compile(r"TextContent\(text='x'\)")


def _lossy_json(v: Any) -> Any:
    # Plain JSON data as the official dumps it: each message content as {}.
    if isinstance(v, dict):
        return {k: ([{} for _ in x] if k == "content" and isinstance(x, list) and all(
            isinstance(c, dict) and c.get("type") in _TAGS for c in x) and x else _lossy_json(x))
            for k, x in v.items()}
    if isinstance(v, list):
        return [_lossy_json(x) for x in v]
    return v


def _lossy(v: Any) -> Any:
    """Our canonical outcome with the message contents dropped as the official drops them."""
    if isinstance(v, dict) and set(v) == {"dict"}:
        pairs = []
        for k, x in v["dict"]:
            if k == "content" and isinstance(x, list) and x and all(
                isinstance(c, dict) and c.get("dict", [[None]])[0][:1] == ["type"] for c in x
            ):
                x = [{"dict": []} for _ in x]
            pairs.append([k, _lossy(x)])
        return {"dict": pairs}
    if isinstance(v, dict) and set(v) == {"repr"}:
        return {"repr": _CONTENT_REPR.sub("Content()", v["repr"])}
    if isinstance(v, dict) and set(v) == {"bytes"}:
        return {"json": _lossy_json(json.loads(v["bytes"]))}
    if isinstance(v, list):
        return [_lossy(x) for x in v]
    if isinstance(v, str):
        if v in ("TextContent", "SystemContent", "DeveloperContent"):
            return "Content"
        if v[:1] in "{[":
            try:
                return {"json": _lossy_json(json.loads(v))}
            except ValueError:
                pass
    return v


def _as_official(v: Any) -> Any:
    # The golden's JSON strings compared as data, like ours after _lossy.
    if isinstance(v, dict) and set(v) == {"bytes"}:
        return {"json": json.loads(v["bytes"])}
    if isinstance(v, dict) and set(v) == {"dict"}:
        return {"dict": [[k, _as_official(x)] for k, x in v["dict"]]}
    if isinstance(v, list):
        return [_as_official(x) for x in v]
    if isinstance(v, str) and v[:1] in "{[":
        try:
            return {"json": json.loads(v)}
        except ValueError:
            pass
    return v


def _needs_fastapi(case_id: str) -> None:
    if case_id.startswith("api_") and not HAVE_FASTAPI:
        pytest.skip("FastAPI is not installed")


@pytest.mark.parametrize("case_id,expr", pc.CASES, ids=[c[0] for c in pc.CASES])
def test_case_matches_official(case_id: str, expr: str, ns: Dict[str, Any]) -> None:
    _needs_fastapi(case_id)
    expected = GOLDEN["cases"][case_id]
    got = _neutral(pc.outcome(expr, ns))
    if case_id not in pc.LOSSLESS:
        assert got == expected
        return
    # Where the official loses the contents, ours keeps them ...
    assert got != expected
    assert "error" not in got, got
    # ... and is otherwise the same.
    if "error" not in expected:
        assert _lossy(got["value"]) == _as_official(expected["value"])


def test_lossless_round_trips(ns: Dict[str, Any]) -> None:
    # The official raises NotImplementedError on both (README "pydantic").
    assert GOLDEN["cases"]["roundtrip_message"]["error"] == "NotImplementedError"
    m, conv = ns["m"], ns["conv"]
    assert H.Message.model_validate(m.model_dump()) == m
    assert H.Message.model_validate(m.model_dump()).to_dict() == m.to_dict()
    assert H.Conversation.model_validate_json(conv.model_dump_json()) == conv
    assert H.Conversation.model_validate(conv.model_dump(mode="json")).to_json() == conv.to_json()
    assert m.model_dump()["content"] == [{"type": "text", "text": "hi \u00e9"}]
    # The official makes a field-less Content of any dict: ours a TextContent when it has a text.
    assert ns["Message"].model_validate({"author": {"role": "user"}, "content": [{"text": "t"}]}).content == [
        H.TextContent(text="t")]
    assert type(H.Message.model_validate({"author": {"role": "user"}, "content": [{}]}).content[0]) is H.Content


def test_lossless_api_echo(ns: Dict[str, Any]) -> None:
    if not HAVE_FASTAPI:
        pytest.skip("FastAPI is not installed")
    # The official's response body has the message without its content: [{}].
    assert "['content', [{'dict': []}]]" in str(GOLDEN["cases"]["api_echo"]["value"])
    status, body = ns["post"]("/echo", {"previous_input_messages": [pc.MSG, ns["m"].to_dict()]})
    assert status == 200
    assert body["message"]["content"] == [{"type": "text", "text": "hi \u00e9"}]
    assert body["config"] == {"auto_drop_analysis": True}


def test_unknown_content_tag_is_an_error() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        H.Message.model_validate({"author": {"role": "user"}, "content": [{"type": "image", "url": "u"}, 3]})
    assert [(e["type"], e["loc"]) for e in info.value.errors()] == [
        ("union_tag_invalid", ("content", 0)), ("model_type", ("content", 1))]


@pytest.mark.parametrize("cls,field,value", pc.fields_table(), ids=lambda x: str(x)[:40])
def test_coercion_table(cls: str, field: str, value: str, ns: Dict[str, Any]) -> None:
    expected = GOLDEN["coercions"][f"{cls}.{field}={value}"]
    got = pc.coercion_outcome(pc.field_expr(cls, field, value), ns)
    if (cls, field) == ("Message", "content") and value == "[{'type': 'text', 'text': 'x'}]":
        # The official drops the text (Content()); ours keeps it.
        assert expected == {"value": [{"repr": "Content()"}]}
        assert got == {"value": [{"repr": "TextContent(text='x')"}]}
        return
    assert got == expected


def test_coercion_table_without_pydantic(ns: Dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback validation (no pydantic) accepts and rejects like pydantic's lax mode."""
    from openai_harmony import _model

    monkeypatch.setattr(_model, "_PYDANTIC", False)
    mismatches = []
    for cls, field, value in pc.fields_table():
        expected = GOLDEN["coercions"][f"{cls}.{field}={value}"]
        got = pc.outcome(pc.field_expr(cls, field, value), ns)
        if "error" in expected:
            if "error" not in got or not got["error"].endswith("Error"):
                mismatches.append((cls, field, value, got))
        elif got != expected and not (field == "content" and "TextContent" in str(got)):
            mismatches.append((cls, field, value, got, expected))
    assert mismatches == []


def test_public_names_cover_the_official() -> None:
    for name, official in GOLDEN["public_names"].items():
        ours = {n for n in dir(getattr(H, name)) if not n.startswith("_")}
        assert set(official) <= ours, (name, set(official) - ours)
        # Ours adds only to_dict (used by the renderer on every nested model) and the
        # chat-layout bridge on Conversation (documented additions).
        extra = {"to_dict"} | ({"from_chat_messages", "to_chat_messages"} if name == "Conversation" else set())
        assert ours - set(official) <= extra, (name, ours - set(official))


@pytest.mark.parametrize("name", sorted(GOLDEN["schemas"]))
def test_json_schema_is_the_official(name: str) -> None:
    assert getattr(H, name).model_json_schema() == GOLDEN["schemas"][name]


def test_official_pickles_load_here() -> None:
    for key, entry in GOLDEN["pickles"]["official"].items():
        for blob in entry["pickles"]:
            obj = pickle.loads(base64.b64decode(blob))
            assert type(obj).__module__ == "openai_harmony"
            assert {"repr": repr(obj), "fields_set": sorted(obj.model_fields_set)} == entry["state"], key


def test_our_pickles_loaded_by_the_official() -> None:
    # Recorded by the goldens script: the official loaded pickles made by this package.
    official = GOLDEN["pickles"]["official"]
    for key, results in GOLDEN["pickles"]["ours_loaded_by_official"].items():
        assert results == [official[key]["state"]] * 2, key


class _Recorder(pickle.Unpickler):
    """Loads a pickle without either package: classes become stand-ins that keep their state."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "openai_harmony":
            return type(name, (_Stand,), {})
        return super().find_class(module, name)


class _Stand:
    def __init__(self, *args: Any) -> None:  # enums are pickled as Role('user')
        self.args = args

    def __setstate__(self, state: Any) -> None:
        self.state = state

    def __reduce_ex__(self, _protocol: Any) -> Any:  # pragma: no cover - never pickled
        raise TypeError

    def __eq__(self, other: Any) -> bool:
        return type(self).__name__ == type(other).__name__ and vars(self) == vars(other)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({vars(self)!r})"


def test_our_pickles_have_the_official_shape(ns: Dict[str, Any]) -> None:
    """Same classes, same state dicts (``__dict__``, fields set, extra, private) as the official."""
    for key, expr in pc.PICKLES:
        blob = GOLDEN["pickles"]["official"][key]["pickles"][0]
        official = _Recorder(__import__("io").BytesIO(base64.b64decode(blob))).load()
        ours = _Recorder(__import__("io").BytesIO(pickle.dumps(eval(expr, ns), 2))).load()
        assert ours == official, key


def test_pickles_in_a_fresh_interpreter(ns: Dict[str, Any]) -> None:
    blob = pickle.dumps(ns["conv"])
    code = ("import pickle, sys; c = pickle.loads(sys.stdin.buffer.read()); "
            "print(type(c).__module__, c.to_json() == %r)" % (ns["conv"].to_json(),))
    root = os.path.dirname(_HERE)
    out = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True, check=True,
                         env={**os.environ, "PYTHONPATH": root}).stdout
    assert out.decode().split() == ["openai_harmony", "True"]


def test_validation_error_is_pydantics() -> None:
    # harmony's own test_conversation_from_messages_invalid catches pydantic.ValidationError.
    with pytest.raises(pydantic.ValidationError) as info:
        H.Conversation.from_messages([H.SystemContent.new()])
    assert info.value.title == "Conversation"
    assert [(e["type"], e["loc"]) for e in info.value.errors()] == [("model_type", ("messages", 0))]
    assert info.value.errors()[0]["msg"] == "Input should be a valid dictionary or instance of Message"
    assert isinstance(info.value, ValueError)


def test_without_pydantic_own_validation_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from openai_harmony import _model, chat

    monkeypatch.setattr(_model, "_PYDANTIC", False)
    with pytest.raises(chat.ValidationError, match=r"Conversation\.messages\[0\]: expected a Message"):
        H.Conversation.from_messages([H.SystemContent.new()])
    with pytest.raises(ImportError, match="needs pydantic"):
        H.Author.model_json_schema()
    assert H.Message.from_role_and_content(H.Role.USER, "x").model_dump(mode="json")["content"] == [
        {"type": "text", "text": "x"}]


def test_fast_path_equals_validated_path() -> None:
    # Exact types skip pydantic; the result (values, copies, fields set) is what it gives.
    tools = [H.ToolDescription.new("f", "d")]
    fast = H.ToolNamespaceConfig(name="n", tools=tools)
    slow = H.ToolNamespaceConfig(name=b"n", tools=tuple(tools))
    assert fast == slow and fast.tools is not tools
    assert fast.model_fields_set == slow.model_fields_set == {"name", "tools"}
    assert vars(fast) == vars(slow)


def test_parser_instances_accept_attributes() -> None:
    enc = H.load_harmony_encoding(H.HarmonyEncodingName.HARMONY_GPT_OSS)
    p = H.StreamableParser(enc, H.Role.ASSISTANT)
    seen = []
    with mock.patch.object(p, "process", side_effect=seen.append) as fake:
        p.process(5)
    assert fake.call_count == 1 and seen == [5]
    p.process = lambda token: ("mine", token)  # type: ignore[method-assign]
    assert p.process(1) == ("mine", 1)
    del p.process
    assert isinstance(vars(p), dict)
    p.extra = 1
    assert vars(p)["extra"] == 1
    tokens = enc.encode("<|start|>assistant<|message|>hi<|end|>", allowed_special="all")
    q = H.StreamableParser(enc, None)
    for t in tokens:
        q.process(t)
    assert [m.content[0].text for m in q.messages] == ["hi"]


def test_copy_module_copies_fields_set() -> None:
    a = H.Author(role="user")
    b = copy.copy(a)
    b.name = "x"
    assert a.model_fields_set == {"role"} and b.model_fields_set == {"role", "name"}
    assert a.name is None
