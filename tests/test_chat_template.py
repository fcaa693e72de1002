"""apply_chat_template against transformers' rendering of the gpt-oss template (goldens), and the
chat-layout <-> Harmony conversion."""

from __future__ import annotations

import copy
import datetime
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_harmony import (
    Author,
    Conversation,
    Message,
    RenderConversationConfig,
    Role,
    load_harmony_encoding,
)
from openai_harmony.chat_template import (
    GPT_OSS_TEMPLATE_SHA256,
    GPT_OSS_TRAINING_TEMPLATE_SHA256,
    ChatTemplateError,
    conversation_to_chat,
    to_chat_message,
)

import goldens

DATA = goldens.load("chat_template")
CASES = DATA["cases"]
DATE = DATA["date"]
enc = load_harmony_encoding("HarmonyGptOss")


def _runs(mask):
    out, start = [], None
    for i, m in enumerate(list(mask) + [0]):
        if m and start is None:
            start = i
        elif not m and start is not None:
            out.append([start, i])
            start = None
    return out


def _call(case, **kw):
    return enc.apply_chat_template(
        copy.deepcopy(case["messages"]),
        copy.deepcopy(case["tools"]),
        add_generation_prompt=case["add_generation_prompt"],
        conversation_start_date=DATE,
        **case["kwargs"],
        **kw,
    )


def test_golden_is_from_the_matched_templates():
    assert DATA["sha256"] == {"template": GPT_OSS_TEMPLATE_SHA256, "training": GPT_OSS_TRAINING_TEMPLATE_SHA256}
    accepted = [c for c in CASES if "error" not in c["expected"]]
    assert len(accepted) >= 1000


@pytest.mark.parametrize("chunk", range(8))
def test_tokens_text_and_masks_match_transformers(chunk):
    for n, case in enumerate(CASES[chunk::8]):
        exp = case["expected"]
        if "error" in exp or case["deliberate"]:
            continue
        assert _call(case, tokenize=False) == exp["text"], n
        assert _call(case) == exp["input_ids"], n
        out = _call(case, return_dict=True, return_assistant_tokens_mask=True)
        assert out["input_ids"] == exp["input_ids"]
        assert out["attention_mask"] == [1] * len(exp["input_ids"])
        assert _runs(out["assistant_masks"]) == exp["mask_runs"], n


def test_template_errors_are_reproduced():
    checked = 0
    for case in CASES:
        exp = case["expected"]
        if "error" not in exp:
            continue
        with pytest.raises(ChatTemplateError) as info:
            _call(case)
        if exp["error"]["type"] in ("TemplateError", "ValueError"):
            # raise_exception texts (and transformers' empty-conversation error): the exact words
            assert str(info.value) == exp["error"]["message"]
            checked += 1
    assert checked >= 8


def test_deliberate_rejections_name_the_message():
    deliberate = [c for c in CASES if c["deliberate"]]
    assert len(deliberate) >= 9
    for case in deliberate:
        assert "error" not in case["expected"]  # the template accepts (and drops or garbles) these
        with pytest.raises(ChatTemplateError, match=r"messages\[\d+\]|builtin_tools"):
            _call(case)


def test_generated_mask_style_leaves_out_start_assistant():
    start = enc.encode("<|start|>", allowed_special="all")
    head = start + enc.encode("assistant")
    for case in CASES[:300]:
        if "error" in case["expected"] or case["deliberate"]:
            continue
        trl = _call(case, return_dict=True, return_assistant_tokens_mask=True)
        gen = _call(case, return_dict=True, return_assistant_tokens_mask=True, mask_style="generated")
        ids, expected = trl["input_ids"], list(trl["assistant_masks"])
        for i in range(len(ids)):
            if expected[i] and ids[i : i + len(head)] == head:
                expected[i : i + len(head)] = [0] * len(head)
        assert gen["assistant_masks"] == expected
        assert gen["input_ids"] == ids


def test_return_shapes_and_argument_errors():
    msgs = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
    text = enc.apply_chat_template(msgs, tokenize=False, conversation_start_date=DATE)
    assert text.endswith("<|start|>user<|message|>Hi<|end|><|start|>assistant<|channel|>final<|message|>Hello<|return|>")
    ids = enc.apply_chat_template(msgs, conversation_start_date=DATE)
    assert ids == enc.encode(text, allowed_special="all")
    assert enc.apply_chat_template([msgs, msgs], conversation_start_date=DATE) == [ids, ids]
    assert enc.apply_chat_template(msgs, tokenize=False, return_dict=True, conversation_start_date=DATE) == text
    with pytest.raises(ValueError, match="requires `return_dict=True` and `tokenize=True`"):
        enc.apply_chat_template(msgs, return_assistant_tokens_mask=True)
    with pytest.raises(ValueError, match="mask_style"):
        enc.apply_chat_template(msgs, mask_style="all")
    with pytest.raises(ChatTemplateError, match="reasoning_effort must be a string"):
        enc.apply_chat_template(msgs, reasoning_effort=3)


def test_default_date_is_today():
    msgs = [{"role": "user", "content": "Hi"}]
    before = datetime.datetime.now().strftime("%Y-%m-%d")
    text = enc.apply_chat_template(msgs, tokenize=False)
    after = datetime.datetime.now().strftime("%Y-%m-%d")
    assert f"Current date: {before}\n" in text or f"Current date: {after}\n" in text


# -- bad input: index and field named ----------------------------------------------------------

U = {"role": "user", "content": "Hi"}
CALL = {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": {}}}]}


@pytest.mark.parametrize("template", ["gpt-oss", "harmony"])
@pytest.mark.parametrize(
    "messages, pattern",
    [
        ([U, CALL, {"role": "tool", "tool_call_id": "zz", "content": "r"}], r"messages\[2\]\.tool_call_id 'zz'"),
        ([U, {"role": "wizard", "content": "x"}], r"messages\[1\]\.role: unknown role 'wizard'"),
        ([U, {"role": "user", "content": [{"type": "text", "text": "x"}]}], r"messages\[1\]\.content is a list"),
        ([U, {"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "{oops"}}]}],
         r"messages\[1\]\.tool_calls\[0\]\.function\.arguments is not valid JSON"),
        ([U, {"role": "assistant", "content": "<|channel|>final<|message|>x"}], r"<\|channel\|>"),
        ([U, {"role": "assistant", "content": 3}], r"messages\[1\]\.content must be a string"),
        ([U, "not a dict"], r"messages\[1\] must be a dict"),
    ],
)
def test_bad_input_is_named(template, messages, pattern):
    with pytest.raises(ChatTemplateError, match=pattern):
        enc.apply_chat_template(messages, template=template, conversation_start_date=DATE)


def test_tool_message_without_call():
    with pytest.raises(ChatTemplateError, match="no previous assistant message with a tool call"):
        enc.apply_chat_template([U, {"role": "tool", "content": "r"}])
    with pytest.raises(ChatTemplateError, match=r"messages\[1\]: tool message with no preceding tool call"):
        Conversation.from_chat_messages([U, {"role": "tool", "content": "r"}])


# -- Harmony conversion -------------------------------------------------------------------------

TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather.",
                                           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
AGENT = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Weather in Oslo and Rome?"},
    {"role": "assistant", "reasoning_content": "Two calls.", "content": "Checking.", "tool_calls": [
        {"id": "a", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Oslo"}}},
        {"id": "b", "type": "function", "function": {"name": "lookup", "arguments": "{\"city\": \"Rome\"}"}}]},
    {"role": "tool", "tool_call_id": "b", "content": "warm"},
    {"role": "tool", "tool_call_id": "a", "content": "cold"},
    {"role": "assistant", "thinking": "Answer.", "content": "Oslo cold, Rome warm."},
]


def test_from_chat_messages_builds_harmony_messages():
    conv = Conversation.from_chat_messages(AGENT, TOOLS, reasoning_effort="high", conversation_start_date=DATE)
    m = conv.messages
    assert [x.author.role for x in m] == [Role.SYSTEM, Role.DEVELOPER, Role.USER] + [Role.ASSISTANT] * 4 + [Role.TOOL] * 2 + [Role.ASSISTANT] * 2
    sys_c, dev_c = m[0].content[0], m[1].content[0]
    assert sys_c.reasoning_effort.value == "High" and sys_c.conversation_start_date == DATE
    assert dev_c.instructions == "Be brief." and [t.name for t in dev_c.tools["functions"].tools] == ["get_weather"]
    assert (m[3].channel, m[3].content[0].text) == ("analysis", "Two calls.")
    assert (m[4].channel, m[4].content[0].text) == ("commentary", "Checking.")
    assert (m[5].recipient, m[5].content_type, m[5].content[0].text) == ("functions.get_weather", "<|constrain|>json", '{"city": "Oslo"}')
    assert (m[6].recipient, m[6].content[0].text) == ("functions.lookup", '{"city": "Rome"}')
    # tool authors come from the matching tool_call_id, not the order
    assert [(x.author.name, x.content[0].text) for x in m[7:9]] == [("functions.lookup", "warm"), ("functions.get_weather", "cold")]
    assert m[9].channel == "analysis" and m[10].channel == "final"
    tokens, mask = enc.render_conversation_for_training_with_mask(conv)
    assert tokens == enc.render_conversation_for_training(conv)
    text = enc.decode_utf8(tokens)
    assert text.endswith("<|start|>assistant<|channel|>final<|message|>Oslo cold, Rome warm.<|return|>")
    assert "<|start|>functions.lookup to=assistant<|channel|>commentary<|message|>warm<|end|>" in text
    assert sum(mask) > 0


def test_harmony_template_option_is_the_harmony_renderer():
    msgs = AGENT[:2] + [{"role": "assistant", "content": "Hi"}]
    conv = Conversation.from_chat_messages(msgs, conversation_start_date=DATE)
    assert enc.apply_chat_template(msgs, template="harmony", conversation_start_date=DATE) == enc.render_conversation_for_training(conv)
    kw = dict(template="harmony", return_dict=True, return_assistant_tokens_mask=True, conversation_start_date=DATE)
    gen = enc.apply_chat_template(msgs, mask_style="generated", **kw)
    tokens, mask = enc.render_conversation_for_training_with_mask(conv)
    assert (gen["input_ids"], gen["assistant_masks"]) == (tokens, mask)
    # mask_style="trl" adds the turn's <|start|>assistant (2 tokens) in front of the generated part
    trl = enc.apply_chat_template(msgs, **kw)["assistant_masks"]
    first = mask.index(1)
    assert trl == mask[: first - 2] + [1, 1] + mask[first:]
    assert tokens[first - 2 : first] == enc.encode("<|start|>assistant", allowed_special="all")
    with pytest.raises(ChatTemplateError, match="low, medium or high"):
        Conversation.from_chat_messages(msgs, reasoning_effort="extreme")


def test_parsed_completion_to_chat_message():
    conv = Conversation.from_chat_messages(AGENT, TOOLS, conversation_start_date=DATE)
    completion = enc.render_conversation(Conversation.from_messages(conv.messages[3:7]))
    parsed = enc.parse_messages_from_completion_tokens(completion[2:], Role.ASSISTANT)  # after <|start|>assistant
    d = to_chat_message(parsed)
    assert d["role"] == "assistant" and d["thinking"] == d["reasoning_content"] == "Two calls."
    assert d["content"] == "Checking."
    assert [(c["function"]["name"], c["function"]["arguments"]) for c in d["tool_calls"]] == [
        ("get_weather", '{"city": "Oslo"}'), ("lookup", '{"city": "Rome"}')]
    assert len({c["id"] for c in d["tool_calls"]}) == 2
    with pytest.raises(ChatTemplateError, match="takes assistant messages"):
        to_chat_message([Message.from_author_and_content(Author(role=Role.USER), "x")])


# -- round trip: messages -> Harmony -> messages ------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20).filter(lambda s: "<|" not in s)
_args = st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), _text, st.booleans()), max_size=3)


@st.composite
def _chats(draw):
    msgs = []
    if draw(st.booleans()):
        msgs.append({"role": "system", "content": draw(_text.filter(bool))})
    n_calls = 0
    for _ in range(draw(st.integers(1, 3))):
        msgs.append({"role": "user", "content": draw(_text)})
        if draw(st.booleans()):
            k = draw(st.integers(1, 2))
            calls = []
            for _ in range(k):
                n_calls += 1
                calls.append({"id": f"id{n_calls}", "type": "function",
                              "function": {"name": draw(st.sampled_from(["f", "g"])), "arguments": json.dumps(draw(_args))}})
            a = {"role": "assistant", "content": None, "tool_calls": calls}
            if draw(st.booleans()):
                a["thinking"] = a["reasoning_content"] = draw(_text)
            msgs.append(a)
            for c in calls:
                msgs.append({"role": "tool", "content": draw(_text), "tool_call_id": c["id"]})
        a = {"role": "assistant", "content": draw(_text)}
        if draw(st.booleans()):
            a["thinking"] = a["reasoning_content"] = draw(_text)
        msgs.append(a)
    return msgs


def _without_ids(msgs):
    out = []
    for m in msgs:
        m = {k: v for k, v in m.items() if k not in ("tool_call_id",)}
        if "tool_calls" in m:
            m["tool_calls"] = [{k: v for k, v in c.items() if k != "id"} for c in m["tool_calls"]]
        out.append(m)
    return out


@settings(max_examples=150, deadline=None)
@given(_chats())
def test_round_trip_is_identity(msgs):
    back = Conversation.from_chat_messages(msgs, conversation_start_date=DATE).to_chat_messages()
    assert _without_ids(back) == _without_ids(msgs)
    # the generated ids pair each tool result with its call
    names = {c["id"]: c["function"]["name"] for m in back for c in m.get("tool_calls", ())}
    orig = {c["id"]: c["function"]["name"] for m in msgs for c in m.get("tool_calls", ())}
    for m0, m1 in zip(msgs, back):
        if m0["role"] == "tool":
            assert names[m1["tool_call_id"]] == orig[m0["tool_call_id"]]


def test_round_trip_keeps_tools_and_settings():
    msgs = AGENT[:2] + [{"role": "assistant", "content": "x"}]
    kw = dict(reasoning_effort="low", conversation_start_date=DATE, model_identity="Me.", builtin_tools=["browser", "python"])
    chat = conversation_to_chat(Conversation.from_chat_messages(msgs, TOOLS, **kw))
    assert chat == {"messages": msgs, "tools": TOOLS, **kw}
    again = Conversation.from_chat_messages(chat["messages"], chat["tools"], **kw)
    assert again.to_json() == Conversation.from_chat_messages(msgs, TOOLS, **kw).to_json()


def test_keep_analysis_config_still_applies():
    msgs = [U, {"role": "assistant", "thinking": "T", "content": "A"}]
    conv = Conversation.from_chat_messages(msgs, conversation_start_date=DATE)
    kept = enc.decode_utf8(enc.render_conversation_for_training(conv, RenderConversationConfig(auto_drop_analysis=False)))
    assert "<|channel|>analysis<|message|>T<|end|>" in kept
