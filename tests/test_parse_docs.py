"""Parsing examples from the official docs and tests, plus argument handling.

Sources: docs/format.md and docs/python.md (parsing examples), the official Python and Rust
tests about parsing, test-data/test_streamable_parser.txt etc.  Expected values are the
ones the official package produces (checked against it).
"""

from __future__ import annotations

import pytest

from openai_harmony import (
    Author,
    Conversation,
    HarmonyEncodingName,
    HarmonyError,
    Message,
    RenderConversationConfig,
    Role,
    StreamableParser,
    StreamState,
    SystemContent,
    load_harmony_encoding,
)
from openai_harmony.parse import parse_messages_from_completion_tokens

import deliberate_errors

# test-data files (token ids as text / harmony text), inlined so the tests are self-contained
SIMPLE_REASONING_RESPONSE = [
    200005, 35644, 200008, 1844, 31064, 25, 392, 4827, 382, 220,
    17, 659, 220, 17, 16842, 12295, 81645, 13, 51441, 6052,
    13, 200002, 200006, 173781, 200005, 17196, 200008, 17, 659, 220,
    17, 314, 220, 19, 13,
]
SIMPLE_TOOL_CALL = [
    200005, 35644, 200008, 1844, 31064, 25, 392, 4827, 382, 290,
    11122, 306, 40510, 16842, 1416, 1309, 316, 1199, 37342, 170154,
    4584, 13, 200002, 200006, 173781, 316, 28, 29712, 170154, 200005,
    35644, 3490, 200008, 10848, 7693, 1243, 392, 173844, 18583,
]
STREAMABLE_PARSER_TXT = (
    '<|channel|>analysis<|message|>User asks "Who is the current US president?" It\'s 2025, '
    "presumably current president is Joe Biden? Actually as of 2025-07-28, there was a 2024 "
    "election. In 2024, President is probably President Biden still? But w\ne need up to date "
    "info. Let's browse to confirm.<|end|><|start|>assistant<|channel|>commentary "
    'to=browser.search code<|message|>{"query": "current US president July 2025", "topn": 10, '
    '"source": "news"}<|call|><|start|>browser.search to=assistant<|channel|>commentary'
    '<|message|>{"result": "https://openai.com/"}<|end|>'
)
TOOL_RESPONSE_PARSING_TXT = (
    '<|start|>browser.search to=assistant<|channel|>commentary<|message|>{"result": "https://openai.com/"}'
)
FORMAT_MD_STREAM = [
    200005, 35644, 200008, 1844, 31064, 25, 392, 4827, 382, 220, 17, 659, 220, 17, 16842,
    12295, 81645, 13, 51441, 6052, 13, 200007, 200006, 173781, 200005, 17196, 200008, 17, 659,
    220, 17, 314, 220, 19, 13, 200002,
]


@pytest.fixture(scope="module")
def enc():
    return load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)


def assistant(text: str) -> Message:
    return Message.from_role_and_content(Role.ASSISTANT, text)


def special(enc, text):
    return enc.encode(text, allowed_special="all")


# --------------------------------------------------------------------------------------
# docs/format.md


def test_format_md_streamable_parser_example(enc):
    stream = StreamableParser(enc, role=Role.ASSISTANT)
    seen = []
    for token in FORMAT_MD_STREAM:
        stream.process(token)
        seen.append((stream.current_role, stream.current_channel, stream.last_content_delta,
                     stream.current_content_type, stream.current_recipient, stream.current_content))
    A = Role.ASSISTANT
    analysis = 'User asks: "What is 2 + 2?" Simple arithmetic. Provide answer.'
    assert seen[0] == (A, None, None, None, None, "")
    assert seen[1] == (A, None, None, None, None, "")
    assert seen[2] == (A, "analysis", None, None, None, "")
    assert seen[3] == (A, "analysis", "User", None, None, "User")
    assert seen[4] == (A, "analysis", " asks", None, None, "User asks")
    assert seen[20] == (A, "analysis", ".", None, None, analysis)
    # <|end|>, then the next header: no role known until <|message|>
    for i in range(21, 26):
        assert seen[i] == (None, None, None, None, None, "")
    assert seen[26] == (A, "final", None, None, None, "")
    assert seen[27] == (A, "final", "2", None, None, "2")
    assert seen[34] == (A, "final", ".", None, None, "2 + 2 = 4.")
    assert seen[35] == (None, None, None, None, None, "")
    assert [d[2] for d in seen[3:21]] == [
        "User", " asks", ":", ' "', "What", " is", " ", "2", " +", " ", "2", '?"', " Simple",
        " arithmetic", ".", " Provide", " answer", ".",
    ]
    assert stream.messages == [assistant(analysis).with_channel("analysis"), assistant("2 + 2 = 4.").with_channel("final")]
    assert stream.state is StreamState.EXPECT_START
    assert stream.tokens == FORMAT_MD_STREAM


def test_format_md_parse_completion_strict(enc):
    # "Do not pass in the stop token": the reply of the example, without <|return|>
    parsed = enc.parse_messages_from_completion_tokens(FORMAT_MD_STREAM[:-1], Role.ASSISTANT, strict=True)
    assert parsed == [
        assistant('User asks: "What is 2 + 2?" Simple arithmetic. Provide answer.').with_channel("analysis"),
        assistant("2 + 2 = 4.").with_channel("final"),
    ]


# --------------------------------------------------------------------------------------
# docs/python.md: render a prompt and parse it "back" with role=assistant


def test_python_md_usage_example(enc):
    system = Message.from_role_and_content(Role.SYSTEM, SystemContent.new())
    user = Message.from_role_and_content(Role.USER, "What is 2 + 2?")
    convo = Conversation.from_messages([system, user])
    tokens = enc.render_conversation_for_completion(convo, Role.ASSISTANT)
    # the prompt ends with "<|start|>assistant": the header never completes
    with pytest.raises(HarmonyError, match="^Unexpected EOS while waiting for message header to complete$"):
        enc.parse_messages_from_completion_tokens(tokens, role=Role.ASSISTANT)
    # the exceptions section catches it as RuntimeError
    with pytest.raises(RuntimeError):
        enc.parse_messages_from_completion_tokens(tokens, Role.ASSISTANT)
    # without the trailing "<|start|>assistant", role=None gives the two messages back
    parsed = enc.parse_messages_from_completion_tokens(tokens[:-2], role=None)
    assert [m.author.role for m in parsed] == [Role.SYSTEM, Role.USER]
    assert parsed[1] == Message.from_role_and_content(Role.USER, "What is 2 + 2?")
    assert parsed[0].content[0].text.startswith("You are ChatGPT, a large language model trained by OpenAI.\n")


# --------------------------------------------------------------------------------------
# official tests


def test_simple_reasoning_response(enc):
    messages = enc.parse_messages_from_completion_tokens(SIMPLE_REASONING_RESPONSE, role=Role.ASSISTANT)
    assert messages == [
        assistant('User asks: "What is 2 + 2?" Simple arithmetic. Provide answer.').with_channel("analysis"),
        assistant("2 + 2 = 4.").with_channel("final"),
    ]


def test_simple_tool_call(enc):
    parsed = enc.parse_messages_from_completion_tokens(SIMPLE_TOOL_CALL, role=Role.ASSISTANT)
    assert parsed == [
        assistant('User asks: "What is the weather in Tokyo?" We need to use lookup_weather tool.').with_channel("analysis"),
        assistant('{"location": "Tokyo"}').with_channel("analysis").with_recipient("lookup_weather").with_content_type("code"),
    ]


TOOL_CALL = (
    Message.from_role_and_content(Role.ASSISTANT, '{"location": "Tokyo"}')
    .with_channel("commentary").with_recipient("functions.get_weather").with_content_type("<|constrain|>json")
)


@pytest.mark.parametrize("stop", ["<|call|>", "<|end|>"])
@pytest.mark.parametrize("sep", [" ", ""])
def test_tool_call_with_constrain(enc, sep, stop):
    text = (
        "<|start|>assistant to=functions.get_weather<|channel|>commentary"
        f'{sep}<|constrain|>json<|message|>{{"location": "Tokyo"}}{stop}'
    )
    tokens = special(enc, text)
    parsed = enc.parse_messages_from_completion_tokens(tokens, role=None)
    assert parsed == [TOOL_CALL]
    if sep == " " and stop == "<|call|>":
        assert enc.decode_utf8(tokens) == text
        assert enc.render_conversation(Conversation.from_messages(parsed)) == tokens


def test_tool_call_with_channel_before_recipient_and_constrain_adjacent(enc):
    text = (
        "<|start|>assistant<|channel|>commentary to=functions.get_weather"
        '<|constrain|>json<|message|>{"latitude":48.8566,"longitude":2.3522}<|call|>'
    )
    expected = [
        assistant('{"latitude":48.8566,"longitude":2.3522}').with_channel("commentary")
        .with_recipient("functions.get_weather").with_content_type("<|constrain|>json")
    ]
    assert enc.parse_messages_from_completion_tokens(special(enc, text), role=None) == expected
    parser = StreamableParser(enc, None)
    for token in special(enc, text):
        parser.process(token)
    assert parser.messages == expected


def test_tool_response_parsing(enc):
    expected = (
        Message.from_author_and_content(Author.new(Role.TOOL, "browser.search"), '{"result": "https://openai.com/"}')
        .with_channel("commentary").with_recipient("assistant")
    )
    output_tokens = enc.render(expected)[:-1]  # without <|end|>
    messages = enc.parse_messages_from_completion_tokens(output_tokens, None)
    assert messages == [expected]
    assert enc.decode_utf8(output_tokens) == TOOL_RESPONSE_PARSING_TXT


def test_streamable_parser_test_data(enc):
    tokens = special(enc, STREAMABLE_PARSER_TXT)
    parser = StreamableParser(enc, Role.ASSISTANT)
    for token in tokens:
        parser.process(token)
    msgs = parser.messages
    assert len(msgs) == 3
    assert msgs[0].channel == "analysis" and msgs[0].content[0].text.startswith('User asks "Who')
    assert msgs[1] == (
        assistant('{"query": "current US president July 2025", "topn": 10, "source": "news"}')
        .with_channel("commentary").with_recipient("browser.search").with_content_type("code")
    )
    assert msgs[2] == (
        Message.from_author_and_content(Author.new(Role.TOOL, "browser.search"), '{"result": "https://openai.com/"}')
        .with_channel("commentary").with_recipient("assistant")
    )


MISSING_MESSAGE = {
    "plain": (
        "I must refuse<|end|>",
        [assistant("I must refuse")],
    ),
    "channel": (
        "<|channel|>analysis I must refuse<|end|>",
        [assistant("I must refuse").with_channel("analysis")],
    ),
    "tool": (
        "... Let's use the tool.<|end|>",
        [assistant("... Let's use the tool.")],
    ),
}


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("kind", sorted(MISSING_MESSAGE))
def test_streamable_parser_missing_message_token(enc, kind, strict):
    first, expected_first = MISSING_MESSAGE[kind]
    if kind == "tool":
        rest = (
            "<|start|>assistant to=functions.get_weather<|channel|>commentary json"
            '<|message|>{"location": "Tokyo"}<|call|>'
        )
        expected_rest = [
            assistant('{"location": "Tokyo"}').with_channel("commentary")
            .with_recipient("functions.get_weather").with_content_type("json")
        ]
    else:
        rest = (
            "<|start|>assistant<|channel|>analysis<|message|>We must refuse<|end|>"
            "<|start|>assistant<|channel|>final<|message|>I'm sorry, but I can't help with that.<|return|>"
        )
        expected_rest = [
            assistant("We must refuse").with_channel("analysis"),
            assistant("I'm sorry, but I can't help with that.").with_channel("final"),
        ]
    tokens = special(enc, first + rest)
    parser = StreamableParser(enc, Role.ASSISTANT, strict=strict)
    if strict:
        with pytest.raises(HarmonyError, match="^unexpected tokens remaining in message header: Some"):
            for token in tokens:
                parser.process(token)
        return
    for token in tokens:
        parser.process(token)
    assert parser.messages == expected_first + expected_rest


def test_missing_message_token_requires_non_strict_mode(enc):
    tokens = special(enc, "<|channel|>commentary Hello<|end|>")
    with pytest.raises(HarmonyError):
        enc.parse_messages_from_completion_tokens(tokens, Role.ASSISTANT)
    parsed = enc.parse_messages_from_completion_tokens(tokens, Role.ASSISTANT, strict=False)
    assert parsed == [assistant("Hello").with_channel("commentary")]


def _utf8_run(enc, content_tokens, suffix="<|end|>"):
    tokens = special(enc, "<|start|>assistant<|message|>") + content_tokens + special(enc, suffix)
    parser = StreamableParser(enc, None)
    deltas = []
    for token in tokens:
        parser.process(token)
        if parser.last_content_delta is not None:
            deltas.append(parser.last_content_delta)
    return parser, deltas


def test_streamable_parser_invalid_utf8_decoding(enc):
    with pytest.raises(HarmonyError):
        enc.decode_utf8([9552, 9552])  # bytes " \xf0\x9f" twice
    parser, _ = _utf8_run(enc, [9552, 9552], "worked<|end|>")
    assert parser.messages == [assistant(" \uFFFD \uFFFDworked")]


def test_streamable_parser_invalid_utf8_split_across_tokens(enc):
    parser, _ = _utf8_run(enc, [9552] + enc.encode("XY"))
    assert parser.messages == [assistant(" \uFFFDXY")]


def test_streamable_parser_invalid_utf8_multi_byte_token(enc):
    parser, _ = _utf8_run(enc, [9552] + enc.encode(" interesting"))
    assert parser.messages == [assistant(" \uFFFD interesting")]


def test_streamable_parser_invalid_utf8_no_eos_marker(enc):
    parser, deltas = _utf8_run(enc, [9552] + enc.encode(" interesting"), " story")
    assert parser.current_content == " \uFFFD interesting story"
    assert "".join(deltas) == " \uFFFD interesting story"
    parser.process(enc.encode("Y")[0])
    assert parser.last_content_delta == "Y"
    assert parser.current_content == " \uFFFD interesting storyY"
    assert parser.messages == []


def test_streamable_parser_tricky_utf8_decoding(enc):
    text = (
        "Hello Müller, Γειά σου, Привет, שלום, مرحبا, नमस्ते, こんにちは, 안녕하세요,"
        " 你好. Normalized (naïve) vs. decomposed (naïve) characters. "
        "Some emojis: 😊👋🏾👨‍👩‍👧‍👦🇺🇸."
    )
    parser, deltas = _utf8_run(enc, enc.encode(text))
    assert parser.messages == [assistant(text)]
    assert "".join(deltas) == text


def test_streamable_parser_does_not_leak_bytes_between_messages(enc):
    tokens = (
        special(enc, "<|start|>assistant<|message|>") + [9552, 9552] + special(enc, "<|end|>")
        + special(enc, "<|start|>assistant<|message|>Hi<|end|>")
    )
    parser = StreamableParser(enc, None)
    for t in tokens:
        parser.process(t)
    assert len(parser.messages) == 2
    assert parser.messages[1] == assistant("Hi")


def test_streamable_parser_flushes_partial_bytes_on_eos(enc):
    tokens = special(enc, "<|start|>assistant<|message|>") + [9552] + enc.encode("Hi")
    parser = StreamableParser(enc, None)
    for t in tokens:
        parser.process(t)
    parser.process_eos()
    assert parser.messages == [assistant(" \uFFFDHi")]
    assert parser.last_content_delta is None
    assert parser.current_content == ""


def test_streamable_parser_waits_for_multi_token_utf8_sequence(enc):
    parser = StreamableParser(enc, None)
    for t in special(enc, "<|start|>assistant<|message|>"):
        parser.process(t)
    emoji = enc.encode("💖")
    assert len(emoji) >= 2
    parser.process(emoji[0])
    assert parser.last_content_delta is None
    assert parser.current_content == ""
    parser.process(emoji[1])
    assert parser.last_content_delta == "💖"
    assert parser.current_content == "💖"
    for t in special(enc, "<|end|>"):
        parser.process(t)
    assert parser.messages == [assistant("💖")]


def test_invalid_content_token_becomes_replacement_on_eos(enc):
    parser = StreamableParser(enc, None)
    for t in special(enc, "<|start|>assistant<|channel|>analysis<|message|>Practice invalid token handling."):
        parser.process(t)
    parser.process(2**32 - 1)
    assert parser.last_content_delta is None
    parser.process_eos()
    assert parser.messages == [assistant("Practice invalid token handling.\uFFFD").with_channel("analysis")]


# --------------------------------------------------------------------------------------
# states, errors and argument handling (all checked against the official package)


def test_state_data_and_enum(enc):
    p = StreamableParser(enc, None)
    assert p.state is StreamState.EXPECT_START and p.state_data == {"state": "ExpectStart"}
    assert p.process(200006) is p
    assert p.state_data == {"state": "Header", "header_tokens": []}
    for t in special(enc, "functions.x to=assistant<|channel|>commentary"):
        p.process(t)
    assert p.state is StreamState.HEADER
    p.process(200008)
    assert p.state_data == {
        "state": "Content",
        "header": {"author": {"role": "tool", "name": "functions.x"}, "recipient": "assistant",
                   "channel": "commentary", "content_type": None},
        "content_tokens": [],
    }
    p.process(12194)
    assert p.state_data["content_tokens"] == [12194]
    assert p.current_role is Role.TOOL
    assert p.process_eos() is p
    assert p.messages[0].author == Author.new(Role.TOOL, "functions.x")
    assert [s.value for s in StreamState] == ["ExpectStart", "Header", "Content"]


@pytest.mark.parametrize(
    "text, role, error",
    [
        ("<|start|>functions.x to=assistant<|channel|>commentary<|message|>hi", None, None),
        ("hello", None, "Unexpected token 24912 while expecting start token 200006"),
        ("<|start|>foo<|message|>x", None, "Unknown role: foo"),
        ("<|start|><|message|>x", None, "message header did not contain a role"),
        ("<|start|>assistant<|channel|><|message|>x", None, "channel marker present but no channel value found in header"),
        ("<|start|>assistant a b c<|message|>x", None, 'unexpected tokens remaining in message header: Some("a")'),
        ("<|start|>assistant", None, "Unexpected EOS while waiting for message header to complete"),
        ("<|channel|>final", Role.ASSISTANT, "Unexpected EOS while waiting for message header to complete"),
    ],
)
def test_errors(enc, text, role, error):
    tokens = special(enc, text)
    if error is None:
        assert enc.parse_messages_from_completion_tokens(tokens, role)
        return
    with pytest.raises(HarmonyError) as info:
        enc.parse_messages_from_completion_tokens(tokens, role)
    assert str(info.value) == error
    assert type(info.value) is HarmonyError and isinstance(info.value, RuntimeError)


class _FakeRole:
    value = "foo"


@pytest.mark.parametrize(
    "kwargs, exc, msg",
    [
        (dict(tokens=[-1]), OverflowError, "out of range integral type conversion attempted"),
        (dict(tokens=[2**32]), OverflowError, "out of range integral type conversion attempted"),
        (dict(tokens=["a"]), TypeError, "argument 'tokens': 'str' object cannot be interpreted as an integer"),
        (dict(tokens="abc"), TypeError, "argument 'tokens': 'str' object cannot be interpreted as an integer"),
        (dict(tokens=[200006, 1.5]), TypeError, "argument 'tokens': 'float' object cannot be interpreted as an integer"),
        (dict(tokens=None), TypeError, "'NoneType' object is not iterable"),
        (dict(tokens=5), TypeError, "'int' object is not iterable"),
        (dict(tokens=[True]), HarmonyError, "Unexpected token 1 while expecting start token 200006"),
        (dict(tokens=b"ab"), HarmonyError, "Unexpected token 97 while expecting start token 200006"),
        (dict(role="assistant"), AttributeError, "'str' object has no attribute 'value'"),
        (dict(role=_FakeRole()), ValueError, "unknown role: foo"),
        (dict(strict=1), TypeError, "argument 'strict': 'int' object cannot be converted to 'PyBool'"),
        (dict(strict="x"), TypeError, "argument 'strict': 'str' object cannot be converted to 'PyBool'"),
        (dict(strict=None), None, None),
        (dict(tokens=[-1], role="assistant"), AttributeError, "'str' object has no attribute 'value'"),
        (dict(tokens=[-1], strict=1), OverflowError, "out of range integral type conversion attempted"),
        (dict(role=_FakeRole(), strict=1), TypeError, "argument 'strict': 'int' object cannot be converted to 'PyBool'"),
    ],
)
def test_parse_argument_errors(enc, kwargs, exc, msg):
    tokens = kwargs.pop("tokens", special(enc, "<|start|>assistant<|message|>hi<|end|>"))
    if exc is None:
        assert enc.parse_messages_from_completion_tokens(tokens, **kwargs) == [assistant("hi")]
        return
    arg = "role" if exc is AttributeError else "tokens"
    tp, msg = deliberate_errors.ours(exc.__name__, msg, arg)
    with pytest.raises(exc) as info:
        enc.parse_messages_from_completion_tokens(tokens, **kwargs)
    assert type(info.value).__name__ == tp
    assert str(info.value) == msg
    # the module-level function behaves the same
    with pytest.raises(exc):
        parse_messages_from_completion_tokens(enc._tokenizer, tokens, **kwargs)


@pytest.mark.parametrize(
    "token, exc, msg",
    [
        ("assistant", TypeError, "argument 'token': 'str' object cannot be interpreted as an integer"),
        (3.0, TypeError, "argument 'token': 'float' object cannot be interpreted as an integer"),
        (None, TypeError, "argument 'token': 'NoneType' object cannot be interpreted as an integer"),
        (-1, OverflowError, "out of range integral type conversion attempted"),
        (2**32, OverflowError, "out of range integral type conversion attempted"),
        (True, HarmonyError, "Unexpected token 1 while expecting start token 200006"),
    ],
)
def test_process_argument_errors(enc, token, exc, msg):
    tp, msg = deliberate_errors.ours(exc.__name__, msg, "token")
    p = StreamableParser(enc, None)
    with pytest.raises(exc) as info:
        p.process(token)
    assert type(info.value).__name__ == tp and str(info.value) == msg
    assert p.tokens == ([1] if token is True else [])


def test_parser_constructor_errors(enc):
    with pytest.raises(AttributeError, match=r"^argument 'role': expected Role or None, got str$"):
        StreamableParser(enc, "assistant")
    with pytest.raises(TypeError, match=r"^argument 'encoding': expected HarmonyEncoding, got NoneType$"):
        StreamableParser(None, Role.USER)
    with pytest.raises(ValueError, match="^unknown role: foo$"):
        StreamableParser(enc, _FakeRole())
    with pytest.raises(TypeError, match=r"^argument 'strict': 'int' object cannot be converted to 'PyBool'$"):
        StreamableParser(enc, None, strict=1)
    StreamableParser(enc, None, strict=None)
    for role in Role:
        p = StreamableParser(enc, role)
        assert p.current_role is role and p.state is StreamState.HEADER


def test_error_leaves_parser_usable(enc):
    p = StreamableParser(enc, Role.ASSISTANT)
    tokens = special(enc, "<|channel|><|message|>x<|end|><|start|>user<|message|>ok<|end|>")
    with pytest.raises(HarmonyError, match="channel marker present"):
        for t in tokens:
            p.process(t)
    # the failed header is dropped; the parser waits for <|start|>, role still pending
    assert p.state is StreamState.EXPECT_START and p.current_role is Role.ASSISTANT
    with pytest.raises(HarmonyError, match="^Unexpected token"):
        p.process(tokens[len(p.tokens)])
    rest = special(enc, "<|start|>user<|message|>ok<|end|>")
    for t in rest:
        p.process(t)
    # the role given at construction still applies: "user" is read as a recipient
    assert p.messages == [assistant("ok").with_recipient("user")]


def test_messages_are_copies(enc):
    p = StreamableParser(enc, None)
    for t in special(enc, "<|start|>assistant<|message|>hi<|end|>"):
        p.process(t)
    m = p.messages[0]
    m.content[0].text = "changed"
    m.channel = "x"
    assert p.messages == [assistant("hi")]
    p.tokens.append(5)
    assert len(p.tokens) == 5


def test_round_trip_rendered_conversation(enc):
    msgs = [
        Message.from_role_and_content(Role.USER, "What's the weather in Tōkyō? 😊"),
        assistant("Need to call the tool.").with_channel("analysis"),
        TOOL_CALL,
        Message.from_author_and_content(Author.new(Role.TOOL, "functions.get_weather"), '{"t": 20}')
        .with_channel("commentary").with_recipient("assistant"),
        assistant("It is 20 °C.").with_channel("final"),
        Message.from_role_and_content(Role.DEVELOPER, "# Instructions\n\nBe brief."),
    ]
    config = RenderConversationConfig(auto_drop_analysis=False)
    tokens = enc.render_conversation(Conversation.from_messages(msgs), config)
    assert enc.parse_messages_from_completion_tokens(tokens) == msgs
    p = StreamableParser(enc, None)
    for t in tokens:
        p.process(t)
    assert p.process_eos().messages == msgs


def test_compiled_core_used_when_built():
    import openai_harmony
    from openai_harmony import _backend, _parser_py

    if _backend.NO_EXTENSIONS:
        assert _backend.ParserCore is _parser_py.ParserCore
    elif openai_harmony.BACKEND == "cython":
        assert _backend.ParserCore.__module__ == "openai_harmony._parser_c"
    assert issubclass(StreamableParser, _backend.ParserCore)


def _random_text_conversation(rng):
    words = ["hello", "world", "Tōkyō", "😊", "日本語", "{\"a\": 1}", "<|end|>", "a\nb", "  ", "x"]

    def text():
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))

    msgs = [Message.from_role_and_content(Role.USER, text())]
    for _ in range(rng.randint(1, 6)):
        kind = rng.randrange(5)
        if kind == 0:
            msgs.append(Message.from_role_and_content(Role.USER, text()))
        elif kind == 1:
            msgs.append(assistant(text()).with_channel(rng.choice(["analysis", "commentary", "final"])))
        elif kind == 2:
            m = assistant(text()).with_channel("commentary").with_recipient(rng.choice(["functions.f", "browser.search", "python"]))
            ct = rng.choice([None, "json", "<|constrain|>json", "code"])
            msgs.append(m if ct is None else m.with_content_type(ct))
        elif kind == 3:
            msgs.append(
                Message.from_author_and_content(Author.new(Role.TOOL, rng.choice(["functions.f", "browser.search"])), text())
                .with_channel("commentary").with_recipient("assistant")
            )
        else:
            msgs.append(Message.from_role_and_content(Role.DEVELOPER, text()))
    return msgs


def test_round_trip_many_conversations(enc):
    import random

    rng = random.Random(5)
    config = RenderConversationConfig(auto_drop_analysis=False)
    for _ in range(60):
        msgs = _random_text_conversation(rng)
        tokens = enc.render_conversation(Conversation.from_messages(msgs), config)
        assert enc.parse_messages_from_completion_tokens(tokens) == msgs
        # and as a completion: everything after the last "<|start|>assistant" with role=assistant
        last = msgs[-1]
        if last.author.role is Role.ASSISTANT:
            tail = enc.render(last)[2:]
            assert enc.parse_messages_from_completion_tokens(tail, Role.ASSISTANT) == [last]
