"""Property-based tests (hypothesis) of the public API, in whichever backend is active.

Properties, stated exactly:

render -> parse
    For a conversation whose messages have "round-trippable headers" (see ``messages``
    below: a channel without whitespace or "<", a recipient without whitespace, channel or
    constrain markers and other than "all", a content type only together with a recipient,
    tool messages named and addressed, no author name on other roles), parsing
    ``render_conversation`` (auto-drop off) gives back every message with its role, tool
    name, channel, recipient and content type, and the concatenation of its text contents
    as one ``TextContent``.  Text can be anything without lone surrogates, including
    special-token strings (encoded as ordinary text).  System and developer contents come
    back as the text they render to, and rendering the parsed conversation again gives the
    same tokens (a fixpoint).  With auto-drop on, exactly the analysis messages before the
    first final-channel message disappear when the last assistant message is final.  The
    tokens after a ``render_conversation_for_completion`` prompt parse, with the prompt's
    role, to the completion's messages.  ``StreamableParser`` fed token by token reports
    deltas whose concatenation is each message's content.

training masks and batches
    ``render_conversation_for_training_with_mask`` gives the training tokens and a mask that
    is 1 exactly from after ``<|start|>assistant`` through the end token of each assistant
    message that is rendered (with ``train_on="last"``: only those after the last
    non-assistant message); every batch function equals its single-item function.

encode / decode
    ``decode(encode_ordinary(s)) == decode_utf8(...) == s`` for any str without lone
    surrogates (and the U+FFFD repair of them otherwise); ``encode(s, allowed_special="all")``
    is the ordinary encoding of the text between special-token strings with those strings'
    ids in between; the default ``encode`` raises ``HarmonyError`` naming the leftmost
    special-token string iff ``s`` contains one; ids are in range; the compiled and the
    pure-Python tokenizers give the same tokens.

random token lists
    Any list of ints given to ``decode_bytes``/``decode``/``decode_utf8``, to
    ``parse_messages_from_completion_tokens`` (strict or not) or to a ``StreamableParser``
    either succeeds or raises: ``OverflowError`` if an item is outside u32 (message of the
    first such item, as the official bindings), else ``HarmonyError`` (for decoding: exactly
    when an id is outside the vocabulary 0..201088, naming the first one).  The streaming
    parser and the batch function agree (messages, or the first error).

Examples are derandomized (same examples every run) and bounded; nothing is written to
disk.  ``HARMONY_HYPOTHESIS_PROFILE=explore`` runs more, random examples.
"""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any, List, Optional, Tuple

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from openai_harmony import (
    Author,
    ChannelConfig,
    Conversation,
    DeveloperContent,
    HarmonyError,
    Message,
    ReasoningEffort,
    RenderConversationConfig,
    Role,
    StreamableParser,
    SystemContent,
    TextContent,
    ToolDescription,
    ToolNamespaceConfig,
    load_harmony_encoding,
)
from openai_harmony import _tokenizer_py as pure_tokenizer
from conftest import compiled_module
from openai_harmony.load import harmony_special_tokens, load_mergeable_ranks

# Hypothesis caches Unicode tables and source constants in ./.hypothesis even without an
# example database; keep the checkout clean (CI also runs with -p no:cacheprovider).
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "openai-harmony-hypothesis"))

settings.register_profile(
    "harmony",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "explore",
    parent=settings.get_profile("harmony"),
    max_examples=2000,
    derandomize=False,
)
# Applied per test rather than loaded globally, so other test modules are not affected.
PROFILE = settings.get_profile(os.environ.get("HARMONY_HYPOTHESIS_PROFILE", "harmony"))
EXPLORE = os.environ.get("HARMONY_HYPOTHESIS_PROFILE") == "explore"


def examples(n: int) -> settings:
    """The profile with *n* examples (the explore profile keeps its own, larger count)."""
    return PROFILE if EXPLORE else settings(PROFILE, max_examples=n)


ENC = load_harmony_encoding("HarmonyGptOss")
TOK = ENC._tokenizer
NO_DROP = RenderConversationConfig(auto_drop_analysis=False)

START, END, MESSAGE, CHANNEL, CONSTRAIN, RETURN, CALL = 200006, 200007, 200008, 200005, 200003, 200002, 200012
VOCAB_SIZE = 201089  # ordinary 0..199997, special (named and reserved) 199998..201088
ORDINARY_SIZE = 199998
U32 = 1 << 32
I64 = 1 << 63

# Rust's char::is_whitespace: what the header parser trims and splits at (channel values
# end at any of these; words are split at the ASCII ones).
RUST_WS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

SPECIAL_STRINGS = sorted(ENC.special_tokens_set)
NAMED_SPECIALS = [
    "<|start|>", "<|end|>", "<|message|>", "<|channel|>", "<|constrain|>", "<|return|>", "<|call|>",
    "<|startoftext|>", "<|endoftext|>", "<|reserved_200000|>", "<|reserved_200100|>", "<|reserved_201088|>",
]
# Look like special tokens but are not in this vocabulary (ordinary text even with "all").
NOT_SPECIALS = ["<|refusal|>", "<|endofprompt|>", "<|reserved_201089|>", "<|Start|>", "<|start|", "<|start"]
FRAGMENTS = [
    "<|", "|>", "<", ">", "|", "\n", "\r\n", "\n\n", " ", "  ", "\t", "\x0b", "\x1c", "'s", "'LL", "\u2019t",
    "\U0001F600", "\U0001F44D\U0001F3FD", "\U0001F468\u200d\U0001F469\u200d\U0001F467", "\u00e9", "e\u0301",
    "\u4e2d\u6587", "\u00a0", "\u2028", "\u3000", "\ufeff", "\ufffd", "\x00", "0123456789", "\u0660\u00b2",
    '{"a": [1, 2]}', "to=functions.x", "analysis", "final", "assistant", "user", "\U0010fffd", "\ue000",
]

# -- text strategies -----------------------------------------------------------------

pieces = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6),
    st.text(alphabet=st.sampled_from(" \n\tab1'!.<|>"), max_size=12),
    st.sampled_from(NAMED_SPECIALS + NOT_SPECIALS + FRAGMENTS),
)
#: Any str without lone surrogates, rich in special-token strings, emoji and whitespace.
texts = st.lists(pieces, max_size=10).map("".join)
specialful_texts = st.lists(st.one_of(pieces, st.sampled_from(SPECIAL_STRINGS)), max_size=10).map("".join)
lone_surrogates = st.characters(categories=["Cs"])


def _word(exclude: str) -> st.SearchStrategy[str]:
    return st.text(
        alphabet=st.characters(exclude_categories=["Cs"], exclude_characters=exclude), min_size=1, max_size=12
    )


def _no_markers(s: str) -> bool:
    return "<|channel|>" not in s and "<|constrain|>" not in s


ROLE_VALUES = {r.value for r in Role}
channels = st.one_of(st.sampled_from(["analysis", "commentary", "final"]), _word(RUST_WS + "<"))
recipients = st.one_of(
    st.sampled_from(["functions.get_weather", "browser.search", "python", "functions.x-y_z", "assistant"]),
    _word(RUST_WS).filter(_no_markers),
).filter(lambda r: r != "all")
_ct_words = _word(RUST_WS).filter(lambda w: _no_markers(w) and not w.startswith("to="))
content_types = st.one_of(
    st.sampled_from(["<|constrain|>json", "json", "<|constrain|>", "code", "text/plain"]),
    _ct_words,
    _ct_words.map(lambda w: "<|constrain|>" + w),
)
tool_names = st.one_of(
    st.sampled_from(["functions.get_weather", "browser", "python", "functions.lookup"]),
    _word(RUST_WS).filter(lambda w: _no_markers(w) and w not in ROLE_VALUES),
)


@st.composite
def text_messages(draw: Any, role: Optional[Role] = None) -> Message:
    """A message with text contents whose header round-trips through the parser."""
    if role is None:
        role = draw(st.sampled_from(list(Role)))
    if role is Role.TOOL:
        author = Author.new(Role.TOOL, draw(tool_names))
        recipient: Optional[str] = draw(recipients)  # a tool message without one reads as a role word
    else:
        author = Author(role=role)
        recipient = draw(st.none() | recipients)
    contents = [TextContent(text=t) for t in draw(st.lists(texts, max_size=3))]
    msg = Message(author=author, content=contents)
    channel = draw(st.none() | channels)
    if channel is not None:
        msg.channel = channel
    msg.recipient = recipient
    if recipient is not None and draw(st.booleans()):
        msg.content_type = draw(content_types)
    return msg


@st.composite
def system_messages(draw: Any) -> Message:
    sys = SystemContent.new()
    sys.model_identity = draw(st.none() | texts)
    sys.knowledge_cutoff = draw(st.none() | st.sampled_from(["2024-06", "2021-09"]) | texts)
    sys.conversation_start_date = draw(st.none() | st.sampled_from(["2025-06-28"]) | texts)
    sys.reasoning_effort = draw(st.none() | st.sampled_from(list(ReasoningEffort)))
    if draw(st.booleans()):
        sys = sys.with_channel_config(ChannelConfig(
            valid_channels=draw(st.lists(st.sampled_from(["analysis", "commentary", "final"]), min_size=1, max_size=3)),
            channel_required=draw(st.booleans()),
        ))
    else:
        sys.channel_config = None
    if draw(st.booleans()):
        sys = sys.with_browser_tool()
    if draw(st.booleans()):
        sys = sys.with_python_tool()
    return Message.from_role_and_content(Role.SYSTEM, sys)


_json_scalars = st.sampled_from([{"type": "string"}, {"type": "number"}, {"type": "boolean"},
                                 {"type": "string", "enum": ["a", "b"]}, {"type": "array", "items": {"type": "integer"}}])


@st.composite
def developer_messages(draw: Any) -> Message:
    dev = DeveloperContent.new()
    instructions = draw(st.none() | texts)
    if instructions is not None:
        dev = dev.with_instructions(instructions)
    if draw(st.booleans()):
        tools = []
        for name in draw(st.lists(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=3, unique=True)):
            params = None
            if draw(st.booleans()):
                props = draw(st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), _json_scalars, max_size=3))
                params = {"type": "object", "properties": props, "required": sorted(props)[:1]}
            tools.append(ToolDescription.new(name, draw(texts), parameters=params))
        dev = dev.with_function_tools(tools)
    return Message.from_role_and_content(Role.DEVELOPER, dev)


any_messages = st.one_of(text_messages(), text_messages(Role.ASSISTANT), system_messages(), developer_messages())


def expected_message(msg: Message, text: Optional[str] = None) -> Message:
    """What the parser gives back for *msg*: same header, contents as one text."""
    if text is None:
        text = "".join(c.text for c in msg.content)  # type: ignore[attr-defined]
    out = Message(author=Author(role=msg.author.role, name=msg.author.name), content=[TextContent(text=text)])
    out.channel = msg.channel
    out.recipient = msg.recipient
    out.content_type = msg.content_type
    return out


def header_of(m: Message) -> Tuple[Any, ...]:
    return (m.author.role, m.author.name, m.channel, m.recipient, m.content_type)


def parse(tokens: List[int], role: Optional[Role] = None, strict: bool = True) -> List[Message]:
    return ENC.parse_messages_from_completion_tokens(tokens, role, strict=strict)


def check_tiling(spans: List[Any], n_tokens: int, n_messages: int) -> None:
    """Spans tile the tokens in order; each message has exactly one span, in order."""
    assert [s.start for s in spans[1:]] == [s.end for s in spans[:-1]]
    assert (spans[0].start, spans[-1].end) == (0, n_tokens) if spans else n_tokens == 0
    assert all(s.start < s.end for s in spans)
    assert [s.message for s in spans if s.message is not None] == list(range(n_messages))


def check_recovered(tokens: List[int], role: Optional[Role], expected: List[Message]) -> None:
    """On a well-formed stream the recovering parser gives strict mode's messages, no errors,
    and one span per message from its <|start|> (or the stream's start) to its stop token."""
    rec = ENC.parse_messages_from_completion_tokens(tokens, role, recover=True)
    assert list(rec) == expected
    assert rec.errors == []
    check_tiling(rec.spans, len(tokens), len(expected))
    assert all(tokens[s.end - 1] in (END, CALL, RETURN) for s in rec.spans)
    assert all(tokens[s.start] == START for s in rec.spans[1 if role is not None else 0:])


# -- render -> parse -------------------------------------------------------------------


@examples(150)
@given(st.lists(text_messages(), min_size=1, max_size=5))
def test_text_conversation_round_trips(msgs: List[Message]) -> None:
    tokens = ENC.render_conversation(Conversation.from_messages(msgs), NO_DROP)
    expected = [expected_message(m) for m in msgs]
    assert parse(tokens) == expected
    assert parse(tokens, strict=False) == expected
    check_recovered(tokens, None, expected)
    # for training, a final assistant message ends in <|return|> instead: same messages
    assert parse(ENC.render_conversation_for_training(Conversation.from_messages(msgs), NO_DROP)) == expected


@examples(80)
@given(st.lists(any_messages, min_size=1, max_size=5))
def test_any_conversation_round_trips_and_rerenders(msgs: List[Message]) -> None:
    conv = Conversation.from_messages(msgs)
    tokens = ENC.render_conversation(conv, NO_DROP)
    parsed = parse(tokens)
    assert [header_of(m) for m in parsed] == [header_of(m) for m in msgs]
    for m, p in zip(msgs, parsed):
        assert len(p.content) == 1 and type(p.content[0]) is TextContent
        if all(type(c) is TextContent for c in m.content):
            assert p == expected_message(m)
    # System/developer contents come back as the text they render to: rendering that text
    # gives the same tokens (the renderer encodes their sections in chunks).  Single text
    # contents re-render identically too; several may tokenize differently once joined.
    if all(len(m.content) == 1 for m in msgs):
        assert ENC.render_conversation(Conversation.from_messages(parsed), NO_DROP) == tokens


def dropped_by_default(msgs: List[Message]) -> List[Message]:
    """The messages render_conversation keeps with auto_drop_analysis on (official rule)."""
    last_assistant = next((m for m in reversed(msgs) if m.author.role is Role.ASSISTANT), None)
    if last_assistant is None or last_assistant.channel != "final":
        return msgs
    first_final = next((i for i, m in enumerate(msgs) if m.channel == "final"), None)
    if first_final is None:
        return msgs
    return [m for i, m in enumerate(msgs) if not (i < first_final and m.channel == "analysis")]


channel_heavy = st.one_of(
    text_messages(Role.ASSISTANT).map(lambda m: m.with_channel("analysis")),
    text_messages(Role.ASSISTANT).map(lambda m: m.with_channel("final")),
    text_messages(),
)


@examples(100)
@given(st.lists(channel_heavy, min_size=1, max_size=6))
def test_auto_drop_analysis(msgs: List[Message]) -> None:
    conv = Conversation.from_messages(msgs)
    kept = dropped_by_default(msgs)
    assert parse(ENC.render_conversation(conv)) == [expected_message(m) for m in kept]
    assert ENC.render_conversation(conv) == ENC.render_conversation(Conversation.from_messages(kept), NO_DROP)


@examples(100)
@given(
    st.lists(st.one_of(text_messages(), system_messages()), max_size=3),
    st.lists(text_messages(Role.ASSISTANT), min_size=1, max_size=3),
)
def test_completion_after_prompt_round_trips(prompt_msgs: List[Message], completion: List[Message]) -> None:
    prompt = ENC.render_conversation_for_completion(Conversation.from_messages(prompt_msgs), Role.ASSISTANT, NO_DROP)
    full = ENC.render_conversation(Conversation.from_messages(prompt_msgs + completion), NO_DROP)
    assert full[: len(prompt)] == prompt
    rest = full[len(prompt):]
    expected = [expected_message(m) for m in completion]
    assert parse(rest, Role.ASSISTANT) == expected
    assert parse(rest, Role.ASSISTANT, strict=False) == expected
    check_recovered(rest, Role.ASSISTANT, expected)
    # the model stops at its first stop token: that prefix parses to the first message
    first_stop = next(i for i, t in enumerate(rest) if t in (END, CALL, RETURN))
    assert parse(rest[: first_stop + 1], Role.ASSISTANT) == expected[:1]


def stream(tokens: List[int], role: Optional[Role], expected: List[Message]) -> None:
    parser = StreamableParser(ENC, role)
    acc: List[str] = []
    done = 0
    for token in tokens:
        parser.process(token)
        delta = parser.last_content_delta
        if delta is not None:
            acc.append(delta)
        if len(parser.messages) > done:
            assert len(parser.messages) == done + 1
            assert "".join(acc) == expected[done].content[0].text  # type: ignore[attr-defined]
            assert parser.messages[done] == expected[done]
            done += 1
            acc = []
        elif parser.state_data["state"] == "Content":
            cur = expected[done]
            assert parser.current_content == "".join(acc)
            assert (parser.current_role, parser.current_channel, parser.current_recipient,
                    parser.current_content_type) == (cur.author.role, cur.channel, cur.recipient, cur.content_type)
            assert cur.content[0].text.startswith(parser.current_content)  # type: ignore[attr-defined]
    assert done == len(expected)
    assert parser.state_data == {"state": "ExpectStart"}
    parser.process_eos()
    assert parser.messages == expected
    assert parser.tokens == tokens


@examples(80)
@given(st.lists(text_messages(), min_size=1, max_size=4))
def test_streaming_deltas_concatenate_to_content(msgs: List[Message]) -> None:
    tokens = ENC.render_conversation(Conversation.from_messages(msgs), NO_DROP)
    stream(tokens, None, [expected_message(m) for m in msgs])


@examples(60)
@given(st.lists(text_messages(Role.ASSISTANT), min_size=1, max_size=3))
def test_streaming_after_prompt(completion: List[Message]) -> None:
    prompt = ENC.render_conversation_for_completion(Conversation.from_messages([]), Role.ASSISTANT)
    full = ENC.render_conversation(Conversation.from_messages(completion), NO_DROP)
    assert full[: len(prompt)] == prompt
    stream(full[len(prompt):], Role.ASSISTANT, [expected_message(m) for m in completion])


def expected_mask(msgs: List[Message], tokens: List[int], kept: List[int], train_on: str) -> List[int]:
    """The documented loss mask: 1 from after ``<|start|>assistant`` to the end token of each
    assistant message (with "last": only those after the last non-assistant message)."""
    starts = [i for i, t in enumerate(tokens) if t == START]  # content never holds <|start|>
    assert len(starts) == len(kept)
    first = 0
    if train_on == "last":
        first = max((j + 1 for j, m in enumerate(msgs) if m.author.role is not Role.ASSISTANT), default=0)
    mask: List[int] = []
    for j, lo, hi in zip(kept, starts, starts[1:] + [len(tokens)]):
        if msgs[j].author.role is Role.ASSISTANT and j >= first:
            assert tokens[lo + 1] == ENC.encode_ordinary("assistant")[0]
            mask += [0, 0] + [1] * (hi - lo - 2)
        else:
            mask += [0] * (hi - lo)
    return mask


@examples(80)
@given(
    st.lists(st.one_of(channel_heavy, any_messages), min_size=1, max_size=6),
    st.sampled_from(["all", "last"]),
    st.booleans(),
)
def test_training_mask(msgs: List[Message], train_on: str, drop: bool) -> None:
    conv = Conversation.from_messages(msgs)
    config = None if drop else NO_DROP
    tokens, mask = ENC.render_conversation_for_training_with_mask(conv, config, train_on=train_on)
    assert tokens == ENC.render_conversation_for_training(conv, config)
    kept_msgs = dropped_by_default(msgs) if drop else msgs
    kept = [j for j, m in enumerate(msgs) if any(m is k for k in kept_msgs)]
    assert mask == expected_mask(msgs, tokens, kept, train_on)
    # the batch versions (texts encoded in parallel threads) give the same
    convs = [conv, Conversation.from_messages(msgs[::-1])]
    assert ENC.render_conversations_for_training_with_mask(convs, config, train_on=train_on, num_threads=2) == [
        ENC.render_conversation_for_training_with_mask(c, config, train_on=train_on) for c in convs]
    assert ENC.render_conversations_for_training(convs, config, num_threads=2) == [
        ENC.render_conversation_for_training(c, config) for c in convs]
    assert ENC.render_conversations_for_completion(convs, Role.ASSISTANT, config, num_threads=2) == [
        ENC.render_conversation_for_completion(c, Role.ASSISTANT, config) for c in convs]


# -- encode / decode ---------------------------------------------------------------------

_SPECIAL_RE = re.compile("|".join(re.escape(s) for s in sorted(SPECIAL_STRINGS, key=len, reverse=True)))


def split_specials(text: str) -> List[Tuple[bool, str]]:
    """*text* as (is_special, piece) runs: leftmost special-token strings and the text between."""
    out: List[Tuple[bool, str]] = []
    pos = 0
    for m in _SPECIAL_RE.finditer(text):
        out.append((False, text[pos:m.start()]))
        out.append((True, m.group()))
        pos = m.end()
    out.append((False, text[pos:]))
    return out


@examples(300)
@given(specialful_texts)
def test_encode_ordinary_round_trips(text: str) -> None:
    tokens = ENC.encode_ordinary(text)
    assert all(type(t) is int and 0 <= t < ORDINARY_SIZE for t in tokens)
    assert ENC.decode(tokens) == text
    assert ENC.decode_utf8(tokens) == text
    assert ENC.decode_bytes(tokens) == text.encode("utf-8")
    assert ENC.encode(text, disallowed_special=()) == tokens
    assert (len(tokens) == 0) == (text == "")


@examples(300)
@given(specialful_texts)
def test_encode_all_specials(text: str) -> None:
    tokens = ENC.encode(text, allowed_special="all")
    expected: List[int] = []
    for is_special, piece in split_specials(text):
        expected += [TOK.special_tokens[piece]] if is_special else ENC.encode_ordinary(piece)
    assert tokens == expected
    assert all(0 <= t < VOCAB_SIZE for t in tokens)
    assert ENC.decode(tokens) == ENC.decode_utf8(tokens) == text
    assert ENC.encode(text, allowed_special=ENC.special_tokens_set) == tokens


@examples(300)
@given(specialful_texts)
def test_default_encode_rejects_exactly_special_strings(text: str) -> None:
    found = _SPECIAL_RE.search(text)
    assert (found is not None) == any(s in text for s in SPECIAL_STRINGS)
    if found is None:
        assert ENC.encode(text) == ENC.encode_ordinary(text)
        return
    with pytest.raises(HarmonyError) as info:
        ENC.encode(text)
    token = found.group()
    assert str(info.value).startswith(f"Encountered text corresponding to disallowed special token {token!r}.\n")
    # allowing exactly the specials present makes it succeed, with their ids
    present = {m.group() for m in _SPECIAL_RE.finditer(text)}
    # (disallowed_special=() because every distinct disallowed set costs a regex compile)
    tokens = ENC.encode(text, allowed_special=present, disallowed_special=())
    assert tokens == ENC.encode(text, allowed_special="all")


@examples(100)
@given(st.lists(specialful_texts, max_size=6), st.sampled_from([1, 2, 8]))
def test_batches_equal_single_calls(batch: List[str], threads: int) -> None:
    assert ENC.encode_batch(batch, num_threads=threads, disallowed_special=()) == [ENC.encode_ordinary(t) for t in batch]
    assert ENC.encode_batch(batch, num_threads=threads, allowed_special="all") == [
        ENC.encode(t, allowed_special="all") for t in batch]
    lists = [ENC.encode(t, allowed_special="all") for t in batch]
    assert ENC.decode_batch(lists, num_threads=threads) == batch


@examples(150)
@given(st.lists(st.one_of(pieces, lone_surrogates), max_size=10).map("".join))
def test_lone_surrogates_become_replacement_characters(text: str) -> None:
    repaired = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    assert ENC.encode_ordinary(text) == ENC.encode_ordinary(repaired)
    assert ENC.decode(ENC.encode_ordinary(text)) == repaired
    assert ENC.encode(text, allowed_special="all") == ENC.encode(repaired, allowed_special="all")


@pytest.fixture(scope="module")
def both_tokenizers() -> Tuple[Any, Any]:
    compiled = compiled_module("_tokenizer_c")
    ranks = load_mergeable_ranks()
    specials = harmony_special_tokens()
    return pure_tokenizer.CoreBPE(ranks, specials), compiled.CoreBPE(ranks, specials)


@examples(300)
@given(text=specialful_texts, allowed=st.sets(st.sampled_from(NAMED_SPECIALS + NOT_SPECIALS), max_size=4))
def test_compiled_and_pure_tokenizers_agree(both_tokenizers: Tuple[Any, Any], text: str, allowed: set) -> None:
    pure, compiled = both_tokenizers
    assert compiled.encode_ordinary(text) == pure.encode_ordinary(text)
    assert compiled.encode(text, allowed) == pure.encode(text, allowed)
    tokens = pure.encode(text, allowed)
    assert compiled.decode_bytes(tokens) == pure.decode_bytes(tokens) == text.encode("utf-8")


# -- random token lists -------------------------------------------------------------------

in_vocab = st.one_of(
    st.integers(0, VOCAB_SIZE - 1),
    st.integers(0, 300),
    st.sampled_from([START, END, MESSAGE, CHANNEL, CONSTRAIN, RETURN, CALL, 199998, 199999, 200000, 201088]),
)
u32_ids = st.one_of(in_vocab, in_vocab, in_vocab, st.integers(VOCAB_SIZE, U32 - 1))
any_ints = st.one_of(u32_ids, u32_ids, u32_ids, st.integers(-(2**70), -1), st.integers(U32, 2**70))


def conversion_error(tokens: List[int], arg: str = "tokens") -> Optional[str]:
    """The OverflowError message for the first non-u32 item: the official bindings' text,
    after the argument's name (a deliberate addition, see the README's argument errors)."""
    for t in tokens:
        if t < 0 or t >= U32:
            text = "Python int too large to convert to C long" if t < -I64 or t >= I64 else \
                "out of range integral type conversion attempted"
            return f"argument '{arg}': {text}"
    return None


def first_invalid(tokens: List[int]) -> Optional[int]:
    return next((t for t in tokens if t >= VOCAB_SIZE), None)


@examples(300)
@given(st.lists(any_ints, max_size=30))
def test_decoding_random_ints(tokens: List[int]) -> None:
    overflow = conversion_error(tokens)
    bad = first_invalid(tokens)
    for fn in (ENC.decode_bytes, ENC.decode, ENC.decode_utf8):
        if overflow is not None:
            with pytest.raises(OverflowError) as info:
                fn(tokens)
            assert str(info.value) == overflow
        elif bad is not None:
            with pytest.raises(HarmonyError) as info:
                fn(tokens)
            assert str(info.value).endswith(f"Invalid token for decoding: {bad}")
    if overflow is not None or bad is not None:
        return
    data = ENC.decode_bytes(tokens)
    assert data == b"".join(TOK.token_bytes(t) for t in tokens)
    assert ENC.decode(tokens) == data.decode("utf-8", "replace")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        with pytest.raises(HarmonyError) as info:
            ENC.decode_utf8(tokens)
        assert str(info.value).startswith("Could not decode tokens: Invalid utf-8 sequence: ")
    else:
        assert ENC.decode_utf8(tokens) == text


def outcome(fn: Any) -> Tuple[str, Any]:
    try:
        return ("ok", fn())
    except HarmonyError as exc:
        return ("HarmonyError", str(exc))


# Structure-heavy streams: random tokens are mostly rejected at once, these get further.
header_tokens = st.sampled_from([ENC.encode_ordinary(w) for w in [
    "assistant", "user", "system", "developer", "tool", "functions.x", " to=functions.x", " json", "analysis",
    "final", "commentary", " ", "\n", "x y", "\u00e9", "to=", "<|constrain|>", "Assistant",
]])
structured_streams = st.lists(
    st.one_of(
        st.sampled_from([START, END, MESSAGE, CHANNEL, CONSTRAIN, RETURN, CALL]).map(lambda t: [t]),
        header_tokens,
        st.lists(u32_ids, max_size=3),
        texts.map(ENC.encode_ordinary),
    ),
    max_size=25,
).map(lambda parts: [t for p in parts for t in p])




@st.composite
def mutated_renders(draw: Any) -> List[int]:
    """A rendered conversation with a few tokens replaced, inserted or deleted."""
    msgs = draw(st.lists(text_messages(), min_size=1, max_size=3))
    tokens = ENC.render_conversation(Conversation.from_messages(msgs), NO_DROP)
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(tokens)))
        op = draw(st.sampled_from(["replace", "insert", "delete", "truncate"]))
        if op == "insert" or (op == "replace" and i == len(tokens)):
            tokens.insert(i, draw(u32_ids))
        elif op == "replace":
            tokens[i] = draw(u32_ids)
        elif op == "delete" and i < len(tokens):
            del tokens[i]
        else:
            del tokens[i:]
    return tokens


@examples(400)
@given(
    tokens=st.one_of(structured_streams, mutated_renders(), st.lists(u32_ids, max_size=20), st.lists(any_ints, max_size=10)),
    role=st.sampled_from([None, Role.ASSISTANT, Role.USER, Role.TOOL, Role.SYSTEM]),
    strict=st.booleans(),
)
def test_parsing_random_tokens(tokens: List[int], role: Optional[Role], strict: bool) -> None:
    overflow = conversion_error(tokens)
    if overflow is not None:
        event("OverflowError")
        with pytest.raises(OverflowError) as info:
            parse(tokens, role, strict)
        assert str(info.value) == overflow
        # the streaming parser rejects exactly the non-u32 items, leaving its state alone
        parser = StreamableParser(ENC, role, strict=strict)
        for token in tokens:
            before = (parser.tokens, parser.state_data)
            if 0 <= token < U32:
                outcome(lambda: parser.process(token))
            else:
                with pytest.raises(OverflowError) as info:
                    parser.process(token)
                assert str(info.value) == conversion_error([token], "token")
                assert (parser.tokens, parser.state_data) == before
        return
    batch = outcome(lambda: parse(tokens, role, strict))
    event(f"batch: {batch[0]}" + (f", {len(batch[1])} messages" if batch[0] == "ok" else ""))
    # the same tokens one by one: the first error is the batch's error (the parser may be
    # fed on afterwards, and must keep failing or succeeding only with HarmonyError)
    parser = StreamableParser(ENC, role, strict=strict)
    first_error = None
    for token in tokens:
        result = outcome(lambda: parser.process(token))
        if result[0] == "ok":
            assert result[1] is parser
        elif first_error is None:
            first_error = result
    eos = outcome(parser.process_eos)
    if first_error is None:
        first_error = None if eos[0] == "ok" else eos
    if first_error is not None:
        assert batch == first_error
    else:
        assert batch == ("ok", parser.messages)
        for m in batch[1]:
            assert len(m.content) == 1 and type(m.content[0]) is TextContent
    # recovering mode: never raises on u32 ids, keeps every token (spans tile the stream),
    # and streaming gives what the batch function gives
    rec = ENC.parse_messages_from_completion_tokens(tokens, role, strict=strict, recover=True)
    check_tiling(rec.spans, len(tokens), len(rec))
    assert all(0 <= e.position <= len(tokens) and (e.message is None or e.message < len(rec)) for e in rec.errors)
    streaming = StreamableParser(ENC, role, strict=strict, recover=True)
    for token in tokens:
        streaming.process(token)
    streaming.process_eos()
    assert (streaming.messages, streaming.errors, streaming.spans) == (list(rec), rec.errors, rec.spans)
    if batch[0] == "HarmonyError":
        assert rec.errors  # what strict/non-strict parsing rejects is reported
