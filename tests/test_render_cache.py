"""The renderer's caches never serve stale tokens after objects are mutated."""

from __future__ import annotations

import copy

import pytest

from openai_harmony.chat import (
    Author,
    Conversation,
    DeveloperContent,
    Message,
    ReasoningEffort,
    Role,
    SystemContent,
    ToolDescription,
)
from openai_harmony.encoding import HarmonyEncodingName, load_harmony_encoding
from openai_harmony.render import Renderer


@pytest.fixture(scope="module")
def enc():
    return load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)


def _conv():
    params = {"type": "object", "properties": {"a": {"type": "string", "default": "x"}}, "required": ["a"]}
    return Conversation.from_messages(
        [
            Message.from_role_and_content(Role.SYSTEM, SystemContent.new().with_browser_tool()),
            Message.from_role_and_content(
                Role.DEVELOPER,
                DeveloperContent.new().with_instructions("i").with_function_tools([ToolDescription.new("f", "d", params)]),
            ),
            Message.from_role_and_content(Role.USER, "hello"),
            Message.from_role_and_content(Role.ASSISTANT, "hi").with_channel("final"),
        ]
    )


MUTATIONS = [
    lambda c: c.messages[1].content[0].tools["functions"].tools[0].parameters["properties"]["a"].__setitem__("default", "y"),
    lambda c: c.messages[1].content[0].tools["functions"].tools[0].parameters["properties"].__setitem__("b", {"type": "number"}),
    lambda c: c.messages[1].content[0].tools["functions"].tools[0].parameters.__setitem__("required", []),
    lambda c: c.messages[1].content[0].tools["functions"].tools[0].parameters["properties"]["a"].__setitem__("default", 1),
    lambda c: c.messages[1].content[0].tools["functions"].tools[0].parameters["properties"]["a"].__setitem__("default", 1.0),
    lambda c: c.messages[1].content[0].tools["functions"].tools[0].parameters["properties"]["a"].__setitem__("default", True),
    lambda c: setattr(c.messages[1].content[0].tools["functions"].tools[0], "description", "changed"),
    lambda c: setattr(c.messages[1].content[0].tools["functions"], "description", "ns desc"),
    lambda c: c.messages[0].content[0].tools["browser"].tools.pop(),
    lambda c: c.messages[0].content[0].with_reasoning_effort(ReasoningEffort.LOW),
    lambda c: c.messages[0].content[0].channel_config.valid_channels.append("extra"),
    lambda c: setattr(c.messages[2].content[0], "text", "changed"),
    lambda c: setattr(c.messages[2], "author", Author.new(Role.USER, "bob")),
    lambda c: setattr(c.messages[3], "recipient", "functions.f"),
    lambda c: setattr(c.messages[3], "content_type", "<|constrain|>json"),
]


@pytest.mark.parametrize("idx", range(len(MUTATIONS)))
def test_mutation_after_render(idx, enc):
    conv = _conv()
    renderer = Renderer(enc._tokenizer)
    # Twice: some caches keep an entry only from the second sighting on.
    renderer.render_conversation(conv)
    before = renderer.render_conversation(conv)
    assert before == Renderer(enc._tokenizer).render_conversation(copy.deepcopy(conv))
    MUTATIONS[idx](conv)
    after = renderer.render_conversation(conv)
    fresh = Renderer(enc._tokenizer).render_conversation(copy.deepcopy(conv))
    assert after == fresh
    assert after != before



def test_equal_but_differently_typed_parameters_are_not_confused(enc):
    # Values Python calls equal (1 == 1.0 == True, 0.0 == -0.0) render differently; the
    # namespace cache must tell them apart, whatever was rendered before.
    renderer = Renderer(enc._tokenizer)
    values = ["x", 1, 1.0, True, 0.0, -0.0, 0.0, ["x", "y"], ("x", "y"), ["x", "y"], 2**63, float(2**63)]
    for value in values * 2:
        conv = _conv()
        conv.messages[1].content[0].tools["functions"].tools[0].parameters["properties"]["a"]["default"] = value
        assert renderer.render_conversation(conv) == Renderer(enc._tokenizer).render_conversation(conv), value



def test_first_second_and_later_renders_agree(enc):
    # The caches fill on the first or second sighting (texts, namespaces): every render
    # of the same conversation, through each of those stages, gives the same tokens.
    renderer = Renderer(enc._tokenizer)
    conv = _conv()
    expected = Renderer(enc._tokenizer).render_conversation_for_training(copy.deepcopy(conv))
    for _ in range(4):
        assert renderer.render_conversation_for_training(conv) == expected
        assert renderer.render_conversation_for_training(copy.deepcopy(conv)) == expected


PIECES = [
    "", " ", "\n", "\r\n", "/", "//x", "#", "# Tools", "## ns\n", "x.", "x.\n", "x;", "123", "456abc", "a b ", "  ",
    "Reasoning: high", "ÉCOLE", "ǅungla", "日本語", "\u0301accent", "²", "٣", "\u00a0nbsp", "\x1cfs", "\x85nel",
    "it's", "'s", "'S", "<|end|>", "😀", "\t", "end\n\n", "x/", "x\n/", "\u2028", "Ⅻ", "ℌ", "_x", "-x", "(x)",
]


@pytest.mark.parametrize("seed", range(40))
def test_section_chunking_matches_whole_text(seed, enc):
    import random

    rng = random.Random(seed)
    renderer = Renderer(enc._tokenizer)
    for _ in range(50):
        sections = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 3))) for _ in range(rng.randint(1, 6))]
        assert renderer._sections(sections) == enc._tokenizer.encode_ordinary("\n\n".join(sections)), sections


def test_plain_string_role_after_cached_enum_role():
    # "assistant" hashes like Role.ASSISTANT, so the header cache must not let a plain
    # string role through the fast path: the official renders via JSON, where it is the
    # assistant role, and the final message of a training render ends in <|return|>.
    enc = load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)
    msg = Message.from_role_and_content(Role.ASSISTANT, "hi").with_channel("final")
    convo = Conversation.from_messages([Message.from_role_and_content(Role.USER, "q"), msg])
    expected = enc.render_conversation_for_training(convo)
    assert expected[-1] == 200002
    msg.author.role = "assistant"
    assert enc.render_conversation_for_training(convo) == expected
