"""Hostile inputs, scaled down (benchmarks/limits.py has the full sizes and timings):
each completes with the official result or fails with a clear error; no RecursionError,
no quadratic blow-up.  Official results recorded by scripts/gen_limit_goldens.py."""

from __future__ import annotations

import json
import os

import pytest

import openai_harmony as api
from openai_harmony import HarmonyError, Role, StreamableParser

import limits_inputs as li

_HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(_HERE, "golden", "limits.json"), encoding="utf-8") as _fh:
    GOLDEN = json.load(_fh)


@pytest.fixture(scope="module")
def enc():
    return api.load_harmony_encoding(api.HarmonyEncodingName.HARMONY_GPT_OSS)


def test_single_piece_of_letters(enc):
    text = li.run_of(li.LETTERS, li.LETTERS_PIECE)
    tokens = enc.encode(text)
    assert li.digest(tokens) == GOLDEN["letters_piece"]
    assert enc.decode(tokens) == text


def test_long_base64_run(enc):
    text = li.run_of(li.BASE64, li.BASE64_RUN)
    tokens = enc.encode(text)
    assert li.digest(tokens) == GOLDEN["base64_run"]
    assert enc.decode(tokens) == text


def _special(enc, text):
    return enc.encode(text, allowed_special="all")


def test_stream_long_content(enc):
    body = li.body_tokens(enc, li.STREAM_TOKENS)
    p = StreamableParser(enc, None)
    for t in _special(enc, "<|start|>assistant<|channel|>final<|message|>") + body:
        p.process(t)
    assert p.current_content == enc.decode(body)
    p.process(200002)  # <|return|>
    (msg,) = p.messages
    assert msg.content[0].text == enc.decode(body) and msg.channel == "final"


def test_header_that_never_ends(enc):
    p = StreamableParser(enc, None)
    for t in _special(enc, "<|start|>") + enc.encode("assistant") + li.body_tokens(enc, li.HEADER_TOKENS):
        p.process(t)
    with pytest.raises(HarmonyError) as info:
        p.process_eos()
    assert {"type": "HarmonyError", "message": str(info.value)} == GOLDEN["header_eos"]


def test_long_header_then_message(enc):
    tokens = _special(enc, "<|start|>") + enc.encode("assistant") + li.body_tokens(enc, li.HEADER_TOKENS)
    p = StreamableParser(enc, None)
    with pytest.raises(HarmonyError) as info:
        for t in tokens + _special(enc, "<|message|>"):
            p.process(t)
    assert {"type": "HarmonyError", **li.text_digest(str(info.value))} == GOLDEN["header_message"]
    assert p.state_data == {"state": "ExpectStart"}


def test_content_after_an_unknown_id(enc):
    # Everything after an id outside the vocabulary waits undecoded until the message ends
    # (then U+FFFD, as the official); this must not re-decode a growing list per token.
    body = li.body_tokens(enc, li.STREAM_TOKENS)
    p = StreamableParser(enc, None)
    for t in _special(enc, "<|start|>assistant<|channel|>final<|message|>") + [li.BAD_ID] + body:
        p.process(t)
    assert p.last_content_delta is None
    p.process(200007)
    assert p.messages[0].content[0].text == GOLDEN["bad_id_text"]


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_deep_tool_schema(enc, depth):
    msg = li.deep_developer_message(api, depth)
    conv = api.Conversation.from_messages([msg])
    # The official hits Python's recursion limit in json.dumps (RecursionError); we give
    # serde_json's error, which it gives when Python's limit is out of the way.
    official = GOLDEN["deep"]["1000"]
    assert official["default"]["completion"]["type"] == "RecursionError"
    for call, key in (
        (lambda: enc.render_conversation_for_completion(conv, Role.ASSISTANT), "completion"),
        (lambda: enc.render(msg), "render"),
    ):
        with pytest.raises(ValueError) as info:
            call()
        assert isinstance(info.value, RecursionError)
        assert type(info.value).__name__ == "JsonDepthError"
        assert str(info.value) == official["unlimited"][key]["message"]
    for fn in (enc.render_conversation, enc.render_conversation_for_training):
        with pytest.raises(ValueError) as info:
            fn(conv)
        assert str(info.value) == official["unlimited"]["completion"]["message"]


def test_depth_recorded_both_ways():
    # Same serde_json error at depth 1000 and 10000 (only the text before level 128 counts).
    assert GOLDEN["deep"]["1000"]["unlimited"] == GOLDEN["deep"]["10000"]["unlimited"]


def _conversation(n):
    msgs = []
    for i in range(n):
        text = f"message {i}: " + "lorem ipsum 数据 🙂 " * (i % 7)
        k = i % 4
        if k == 0:
            m = api.Message.from_role_and_content(Role.USER, text)
        elif k == 1:
            m = (api.Message.from_role_and_content(Role.ASSISTANT, '{"q": %d}' % i)
                 .with_channel("commentary").with_recipient("functions.lookup")
                 .with_content_type("<|constrain|>json"))
        elif k == 2:
            m = (api.Message.from_author_and_content(api.Author.new(Role.TOOL, "functions.lookup"), text)
                 .with_channel("commentary").with_recipient("assistant"))
        else:
            m = api.Message.from_role_and_content(Role.ASSISTANT, text).with_channel("final")
        msgs.append(m)
    return api.Conversation.from_messages(msgs)


def test_twenty_thousand_messages(enc):
    conv = _conversation(20_000)
    keep = api.RenderConversationConfig(auto_drop_analysis=False)
    per_message = []
    for m in conv.messages:
        per_message += enc.render(m)
    assert enc.render_conversation(conv, keep) == per_message
    completion = enc.render_conversation_for_completion(conv, Role.ASSISTANT, keep)
    assert completion == per_message + _special(enc, "<|start|>assistant")
    training = enc.render_conversation_for_training(conv, keep)
    assert training == per_message[:-1] + [200002]  # the final answer ends in <|return|>
    assert enc.parse_messages_from_completion_tokens(per_message) == conv.messages
