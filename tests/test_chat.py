"""Data model: same values, reprs, JSON and errors as the official package."""

from __future__ import annotations

import copy
import json
import os

import pytest

import openai_harmony.chat as chat
from openai_harmony.chat import (
    Author,
    ChannelConfig,
    Conversation,
    DeveloperContent,
    Message,
    ReasoningEffort,
    Role,
    SystemContent,
    TextContent,
    ToolDescription,
    ToolNamespaceConfig,
    ValidationError,
)

from chat_expressions import EXPRESSIONS, INVALID
import deliberate_errors

_HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(_HERE, "golden", "render_chat.json"), encoding="utf-8") as _fh:
    GOLDEN = json.load(_fh)


def _namespace() -> dict:
    ns = {name: getattr(chat, name) for name in chat.__all__}
    ns["json"] = json
    return ns


# Where the official loses data: it dumps every message content as the field-less base
# class, ``[{}]``; ours dumps each content with its "type" tag (README "pydantic").
LOSSLESS_DUMPS = {
    "Message.from_role_and_content(Role.USER, 'hi \u00e9').model_dump()": "{'author': {'role': <Role.USER: 'user'>, 'name': None}, 'content': [{'type': 'text', 'text': 'hi \u00e9'}], 'channel': None, 'recipient': None, 'content_type': None}",
    "Message.from_role_and_content(Role.USER, 'hi \u00e9').model_dump(exclude_none=True)": "{'author': {'role': <Role.USER: 'user'>}, 'content': [{'type': 'text', 'text': 'hi \u00e9'}]}",
    "Message.from_role_and_content(Role.USER, 'hi \u00e9').model_dump(mode='json')": "{'author': {'role': 'user', 'name': None}, 'content': [{'type': 'text', 'text': 'hi \u00e9'}], 'channel': None, 'recipient': None, 'content_type': None}",
    "Message.from_role_and_content(Role.USER, 'hi \u00e9').model_dump_json()": '\'{"author":{"role":"user","name":null},"content":[{"type":"text","text":"hi \u00e9"}],"channel":null,"recipient":null,"content_type":null}\'',
    "Conversation.from_messages([Message.from_role_and_content(Role.USER, 'x')]).model_dump()": "{'messages': [{'author': {'role': <Role.USER: 'user'>, 'name': None}, 'content': [{'type': 'text', 'text': 'x'}], 'channel': None, 'recipient': None, 'content_type': None}]}",
}


@pytest.fixture(params=["pydantic", "no-pydantic"])
def pydantic_mode(request, monkeypatch):
    """Run a test with pydantic's validators (when installed) and with the fallback."""
    from openai_harmony import _model

    if request.param == "no-pydantic":
        monkeypatch.setattr(_model, "_PYDANTIC", False)
    elif _model.pydantic_support() is None:
        pytest.skip("pydantic is not installed")
    return request.param


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_expression_matches_oracle(expr, pydantic_mode):
    expected = GOLDEN["expressions"][expr]
    if expr in LOSSLESS_DUMPS:
        assert "[{}]" in expected["value"]  # what the official gives
        expected = {"value": LOSSLESS_DUMPS[expr]}
    try:
        got = {"value": repr(eval(expr, _namespace()))}
    except Exception as exc:
        got = {"error": type(exc).__name__, "message": str(exc)}
    if "error" in expected:
        # from_dict / from_json errors name their argument (README "Errors").
        arg = "payload" if expr.startswith("Conversation.from_json") else "data"
        tp, message = deliberate_errors.ours(expected["error"], expected["message"], arg)
        if expected["error"] == "JSONDecodeError":
            message = f"argument '{arg}': {message}"
        expected = {"error": tp, "message": message}
    assert got == expected


@pytest.mark.parametrize("expr", INVALID)
def test_invalid_construction_raises_value_error(expr, pydantic_mode):
    assert GOLDEN["invalid"][expr] == "ValueError"
    with pytest.raises(ValueError):
        eval(expr, _namespace())


def test_validation_error_is_type_and_value_error(monkeypatch):
    # Without pydantic (with it, pydantic's ValidationError is raised: test_pydantic_interop).
    from openai_harmony import _model

    monkeypatch.setattr(_model, "_PYDANTIC", False)
    with pytest.raises(TypeError):
        TextContent(text=5)
    with pytest.raises(ValidationError, match="Message.content"):
        Message(author=Author(role=Role.USER), content=["hi"])
    with pytest.raises(ValidationError, match="Conversation.messages\\[0\\]: expected a Message"):
        Conversation.from_messages([SystemContent.new()])


def test_role_unknown_message():
    with pytest.raises(ValueError, match="^Unknown role: 'x'$"):
        Role("x")


def test_builtin_namespaces_are_fresh_copies():
    a = ToolNamespaceConfig.browser()
    a.tools.clear()
    b = ToolNamespaceConfig.browser()
    assert [t.name for t in b.tools] == ["search", "open", "find"]
    assert ToolNamespaceConfig.python().tools == []


def test_builtin_namespaces_match_data_file():
    path = os.path.join(os.path.dirname(chat.__file__), "data", "tool_namespaces.json")
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    assert ToolNamespaceConfig.browser() == ToolNamespaceConfig(**data["browser"])
    assert ToolNamespaceConfig.python().description == data["python"]["description"]


def test_fluent_helpers_mutate_and_return_self():
    s = SystemContent.new()
    assert s.with_browser_tool() is s and s.tools is not None and "browser" in s.tools
    d = DeveloperContent.new()
    assert d.with_function_tools([ToolDescription.new("f", "d")]) is d
    assert d.tools["functions"].tools[0].name == "f"
    m = Message.from_role_and_content(Role.USER, "a")
    assert m.with_content_type("json") is m and m.content_type == "json"


def test_json_round_trip_is_lossless():
    sys_content = (
        SystemContent.new()
        .with_conversation_start_date("2025-01-01")
        .with_browser_tool()
        .with_python_tool()
        .with_reasoning_effort(ReasoningEffort.HIGH)
    )
    dev = DeveloperContent.new().with_instructions("x").with_function_tools(
        [ToolDescription.new("f", "d", {"type": "object", "properties": {"z": {"default": 1.0}, "a": {}}})]
    )
    conv = Conversation.from_messages(
        [
            Message.from_role_and_content(Role.SYSTEM, sys_content),
            Message.from_role_and_content(Role.DEVELOPER, dev),
            Message.from_author_and_content(Author.new(Role.TOOL, "functions.f"), "ok")
            .with_channel("commentary")
            .with_recipient("assistant"),
            Message.from_role_and_contents(Role.ASSISTANT, [TextContent(text="a"), TextContent(text="b")]),
        ]
    )
    again = Conversation.from_json(conv.to_json())
    assert again == conv
    assert again.to_json() == conv.to_json()
    assert Message.from_dict(conv.messages[2].to_dict()) == conv.messages[2]
    assert copy.deepcopy(conv) == conv


def test_to_dict_key_order():
    m = Message.from_author_and_content(Author.new(Role.TOOL, "t"), "x").with_content_type("c").with_recipient("r").with_channel("ch")
    assert list(m.to_dict()) == ["role", "name", "content", "channel", "recipient", "content_type"]
    assert list(SystemContent.new().with_python_tool().with_conversation_start_date("d").to_dict()) == [
        "model_identity",
        "reasoning_effort",
        "conversation_start_date",
        "knowledge_cutoff",
        "channel_config",
        "tools",
        "type",
    ]


def test_conversation_iteration():
    msgs = [Message.from_role_and_content(Role.USER, str(i)) for i in range(3)]
    conv = Conversation.from_messages(msgs)
    assert list(conv) == msgs
    assert conv.messages is not msgs


def test_str_role_accepted_like_pydantic():
    assert Author(role="assistant").role is Role.ASSISTANT
    assert Message.from_role_and_content("user", "x").author.role is Role.USER


def test_hashing_disabled_like_pydantic():
    with pytest.raises(TypeError):
        hash(Message.from_role_and_content(Role.USER, "x"))


def test_channel_config_require_channels():
    cc = ChannelConfig.require_channels(["final"])
    assert cc == ChannelConfig(valid_channels=["final"], channel_required=True)
