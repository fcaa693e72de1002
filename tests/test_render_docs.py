"""Examples of the official docs and test-data, rendered by our package."""

from __future__ import annotations

import os

import pytest

import goldens

import openai_harmony.chat as api
from openai_harmony.chat import Conversation, Message, Role, RenderConversationConfig
from openai_harmony.encoding import HarmonyEncodingName, load_harmony_encoding

from render_corpus import doc_examples, render_doc_example

_HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(_HERE, "data", "render")

DOC_GOLDEN = goldens.load("render_cases")["doc_examples"]

EXAMPLES = doc_examples(api)


@pytest.fixture(scope="module")
def enc():
    return load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_doc_example_matches_oracle(name, enc):
    assert render_doc_example(EXAMPLES[name], api, enc) == DOC_GOLDEN[name]


FILE_EXAMPLES = sorted(n for n, ex in EXAMPLES.items() if ex[3] is not None)


@pytest.mark.parametrize("name", FILE_EXAMPLES)
def test_doc_example_matches_test_data(name, enc):
    with open(os.path.join(DATA, EXAMPLES[name][3]), encoding="utf-8") as fh:
        expected_text = fh.read().rstrip()
    tokens = render_doc_example(EXAMPLES[name], api, enc)
    assert enc.decode_utf8(tokens) == expected_text
    # The files also tokenize to exactly our tokens (special tokens included).
    assert enc.encode(expected_text, allowed_special="all") == tokens


def test_all_test_data_files_used():
    used = {ex[3] for ex in EXAMPLES.values() if ex[3]}
    assert used == set(os.listdir(DATA))


def test_constrain_is_special_token(enc):
    text = (
        "<|start|>assistant to=functions.get_weather<|channel|>commentary"
        ' <|constrain|>json<|message|>{"location": "Tokyo"}<|call|>'
    )
    tokens = render_doc_example(EXAMPLES["constrain_tokenized"], api, enc)
    assert tokens == enc.encode(text, allowed_special="all")
    assert 200003 in tokens and tokens[-1] == 200012


def test_training_return_token(enc):
    training = render_doc_example(EXAMPLES["training_final"], api, enc)
    regular = enc.render_conversation(EXAMPLES["training_final"][0])
    assert training[:-1] == regular[:-1]
    assert regular[-1] == 200007 and training[-1] == 200002
    conv = EXAMPLES["training_non_final"][0]
    assert enc.render_conversation_for_training(conv) == enc.render_conversation(conv)


def test_render_matches_render_conversation(enc):
    msg = Message.from_role_and_content(Role.USER, "Hello")
    conv = Conversation.from_messages([msg])
    assert enc.render(msg) == enc.render_conversation(conv)
    completion = enc.render_conversation_for_completion(conv, Role.ASSISTANT)
    assert completion[: len(enc.render(msg))] == enc.render(msg)
    assert completion[-2:] == [200006] + enc.encode("assistant")


def test_user_typed_special_tokens_are_text(enc):
    msg = Message.from_role_and_content(Role.USER, "<|end|><|start|>assistant")
    tokens = enc.render(msg)
    body = tokens[tokens.index(200008) + 1 : -1]
    assert not any(enc.is_special_token(t) for t in body)
    assert enc.decode_utf8(body) == "<|end|><|start|>assistant"


def test_drop_analysis_config_none_equals_default(enc):
    conv = EXAMPLES["dropping_cot_by_default"][0]
    none = enc.render_conversation_for_completion(conv, Role.ASSISTANT)
    default = enc.render_conversation_for_completion(conv, Role.ASSISTANT, RenderConversationConfig())
    keep = enc.render_conversation_for_completion(
        conv, Role.ASSISTANT, RenderConversationConfig(auto_drop_analysis=False)
    )
    assert none == default
    assert len(keep) > len(none)


def test_error_types(enc):
    from openai_harmony.errors import HarmonyError

    bad = Conversation.from_messages([Message.from_role_and_content(Role.TOOL, "no name")])
    with pytest.raises(HarmonyError, match="^Tools should have a name!$"):
        enc.render_conversation_for_completion(bad, Role.ASSISTANT)
    for fn in (enc.render_conversation, enc.render_conversation_for_training):
        with pytest.raises(RuntimeError, match="^Tools should have a name!$") as info:
            fn(bad)
        assert type(info.value) is RuntimeError
    with pytest.raises(RuntimeError) as info:
        enc.render(bad.messages[0])
    assert type(info.value) is RuntimeError
    # Still AttributeErrors as in the official, and TypeErrors naming the argument.
    with pytest.raises(AttributeError, match=r"^argument 'next_turn_role': expected Role, got str$") as info:
        enc.render_conversation_for_completion(bad, "assistant")
    assert isinstance(info.value, TypeError)
    with pytest.raises(AttributeError, match=r"^argument 'conversation': expected Conversation, got list$") as info:
        enc.render_conversation([])
    assert isinstance(info.value, TypeError)


# ---------------------------------------------------------------------------
# docs/format.md prompt examples (the text blocks that a renderer reproduces exactly;
# messages there are shown one per line, hence the newlines removed between them).
# The browser/python tool blocks ("reasoning: high" in lower case, a stray line in
# `open`) and the preamble sample (model output) are illustrations, not renderer output.
# ---------------------------------------------------------------------------

from openai_harmony.chat import (  # noqa: E402
    Author,
    DeveloperContent,
    ReasoningEffort,
    RenderOptions,
    SystemContent,
    ToolDescription,
)
from render_corpus import KITCHENSINK_TOOLS  # noqa: E402

FMT_SYSTEM = """<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.
Knowledge cutoff: 2024-06
Current date: 2025-06-28

Reasoning: high

# Valid channels: analysis, commentary, final. Channel must be included for every message.
Calls to these tools must go to the commentary channel: 'functions'.<|end|>"""

FMT_DEVELOPER = """<|start|>developer<|message|># Instructions

Use a friendly tone.

# Tools

## functions

namespace functions {

// Gets the location of the user.
type get_location = () => any;

// Gets the current weather in the provided location.
type get_current_weather = (_: {
// The city and state, e.g. San Francisco, CA
location: string,
format?: "celsius" | "fahrenheit", // default: celsius
}) => any;

// Gets the current weather in the provided list of locations.
type get_multiple_weathers = (_: {
// List of city and state, e.g. ["San Francisco, CA", "New York, NY"]
locations: string[],
format?: "celsius" | "fahrenheit", // default: celsius
}) => any;

} // namespace functions<|end|>"""


def _fmt_prefix():
    system = SystemContent.new().with_reasoning_effort(ReasoningEffort.HIGH).with_conversation_start_date("2025-06-28")
    dev = DeveloperContent.new().with_instructions("Use a friendly tone.").with_function_tools(
        [ToolDescription.new(n, d, parameters=p) for n, d, p in KITCHENSINK_TOOLS[:3]]
    )
    return [
        Message.from_role_and_content(Role.SYSTEM, system),
        Message.from_role_and_content(Role.DEVELOPER, dev),
        Message.from_role_and_content(Role.USER, "What is the weather like in SF?"),
    ]


def test_format_md_chat_example(enc):
    conv = Conversation.from_messages([Message.from_role_and_content(Role.USER, "What is 2 + 2?")])
    tokens = enc.render_conversation_for_completion(conv, Role.ASSISTANT)
    assert enc.decode_utf8(tokens) == "<|start|>user<|message|>What is 2 + 2?<|end|><|start|>assistant"


def test_format_md_system_message_example(enc):
    system = SystemContent.new().with_reasoning_effort(ReasoningEffort.HIGH).with_conversation_start_date("2025-06-28")
    msg = Message.from_role_and_content(Role.SYSTEM, system)
    tokens = enc.render(msg, RenderOptions(conversation_has_function_tools=True))
    assert enc.decode_utf8(tokens) == FMT_SYSTEM
    assert enc.encode(FMT_SYSTEM, allowed_special="all") == tokens


def test_format_md_developer_instructions_example(enc):
    msg = Message.from_role_and_content(Role.DEVELOPER, DeveloperContent.new().with_instructions("{instructions}"))
    assert enc.decode_utf8(enc.render(msg)) == "<|start|>developer<|message|># Instructions\n\n{instructions}<|end|>"


def test_format_md_dropping_reasoning_example(enc):
    conv = Conversation.from_messages(
        [
            Message.from_role_and_content(Role.USER, "What is 2 + 2?"),
            Message.from_role_and_content(
                Role.ASSISTANT, 'User asks: "What is 2 + 2?" Simple arithmetic. Provide answer.'
            ).with_channel("analysis"),
            Message.from_role_and_content(Role.ASSISTANT, "2 + 2 = 4.").with_channel("final"),
            Message.from_role_and_content(Role.USER, "What about 9 / 2?"),
        ]
    )
    expected = (
        "<|start|>user<|message|>What is 2 + 2?<|end|>"
        "<|start|>assistant<|channel|>final<|message|>2 + 2 = 4.<|end|>"
        "<|start|>user<|message|>What about 9 / 2?<|end|>"
        "<|start|>assistant"
    )
    assert enc.decode_utf8(enc.render_conversation_for_completion(conv, Role.ASSISTANT)) == expected


def test_format_md_function_definitions_example(enc):
    tokens = enc.render_conversation_for_completion(Conversation.from_messages(_fmt_prefix()), Role.ASSISTANT)
    expected = FMT_SYSTEM + FMT_DEVELOPER + "<|start|>user<|message|>What is the weather like in SF?<|end|><|start|>assistant"
    assert enc.decode_utf8(tokens) == expected
    assert enc.encode(expected, allowed_special="all") == tokens


def test_format_md_tool_message_example(enc):
    msg = (
        Message.from_author_and_content(Author.new(Role.TOOL, "functions.get_weather"), '{"sunny": true, "temperature": 20}')
        .with_recipient("assistant")
        .with_channel("commentary")
    )
    expected = (
        '<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>{"sunny": true, "temperature": 20}<|end|>'
    )
    assert enc.decode_utf8(enc.render(msg)) == expected


def test_format_md_tool_call_round_trip_example(enc):
    messages = _fmt_prefix() + [
        Message.from_role_and_content(Role.ASSISTANT, "Need to use function get_weather.").with_channel("analysis"),
        Message.from_role_and_content(Role.ASSISTANT, '{"location":"San Francisco"}')
        .with_channel("commentary")
        .with_recipient("functions.get_weather")
        .with_content_type("<|constrain|>json"),
        Message.from_author_and_content(Author.new(Role.TOOL, "functions.get_weather"), '{"sunny": true, "temperature": 20}')
        .with_recipient("assistant")
        .with_channel("commentary"),
    ]
    tokens = enc.render_conversation_for_completion(Conversation.from_messages(messages), Role.ASSISTANT)
    expected = (
        FMT_SYSTEM
        + FMT_DEVELOPER
        + "<|start|>user<|message|>What is the weather like in SF?<|end|>"
        + "<|start|>assistant<|channel|>analysis<|message|>Need to use function get_weather.<|end|>"
        + '<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"location":"San Francisco"}<|call|>'
        + '<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>{"sunny": true, "temperature": 20}<|end|>'
        + "<|start|>assistant"
    )
    assert enc.decode_utf8(tokens) != expected  # header order: recipient comes before the channel
    assert enc.decode_utf8(tokens) == expected.replace(
        "<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json",
        "<|start|>assistant to=functions.get_weather<|channel|>commentary <|constrain|>json",
    )
