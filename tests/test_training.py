"""Training helpers: loss masks, batch rendering, pickling, and use from many threads."""

from __future__ import annotations

import copy
import json
import os
import pickle
import random
import threading

import pytest

import openai_harmony.chat as api
from openai_harmony import (
    Author,
    Conversation,
    DeveloperContent,
    HarmonyError,
    Message,
    RenderConversationConfig,
    Role,
    StreamableParser,
    SystemContent,
    TextContent,
    ToolDescription,
    load_harmony_encoding,
)

import deliberate_errors
from render_corpus import build, config_obj

import goldens

CASES = goldens.load("render_cases")["cases"]

START, MESSAGE, END, RETURN, CALL = 200006, 200008, 200007, 200002, 200012


@pytest.fixture(scope="module")
def enc():
    return load_harmony_encoding("HarmonyGptOss")


def _msg(role, text, channel=None, recipient=None, content_type=None, name=None):
    m = Message(author=Author(role=role, name=name), content=[TextContent(text=text)])
    return m.with_channel(channel).with_recipient(recipient).with_content_type(content_type)


def tool_conversation():
    dev = DeveloperContent.new().with_instructions("Be brief.").with_function_tools(
        [ToolDescription.new("lookup", "Looks a word up.", {"type": "object", "properties": {"w": {"type": "string"}}})]
    )
    return Conversation.from_messages(
        [
            Message.from_role_and_content(Role.SYSTEM, SystemContent.new().with_conversation_start_date("2026-11-25")),
            Message.from_role_and_content(Role.DEVELOPER, dev),
            _msg(Role.USER, "Define harmony."),
            _msg(Role.ASSISTANT, "Need the tool.", channel="analysis"),
            _msg(Role.ASSISTANT, '{"w":"harmony"}', "commentary", "functions.lookup", "<|constrain|>json"),
            _msg(Role.TOOL, '"agreement"', channel="commentary", name="functions.lookup"),
            _msg(Role.ASSISTANT, "Agreement.", channel="final"),
            _msg(Role.USER, "Thanks!"),
            _msg(Role.ASSISTANT, "You are welcome.", channel="final"),
        ]
    )


def bracketed(enc, tokens, mask):
    """Decoded text with the trained tokens in brackets (what the README shows)."""
    return "".join(("[%s]" if m else "%s") % enc.decode([t]) for t, m in zip(tokens, mask))


# -- loss masks ----------------------------------------------------------------------


def test_mask_exact_small(enc):
    convo = Conversation.from_messages(
        [
            _msg(Role.USER, "2+2?"),
            _msg(Role.ASSISTANT, "Easy.", channel="analysis"),
            _msg(Role.ASSISTANT, "4", channel="final"),
        ]
    )
    tokens, mask = enc.render_conversation_for_training_with_mask(convo)
    assert tokens == enc.render_conversation_for_training(convo)
    # auto_drop_analysis drops the analysis before the final answer, as in training data.
    assert bracketed(enc, tokens, mask) == (
        "<|start|>user<|message|>2+2?<|end|>"
        "<|start|>assistant[<|channel|>][final][<|message|>][4][<|return|>]"
    )
    tokens, mask = enc.render_conversation_for_training_with_mask(
        convo, RenderConversationConfig(auto_drop_analysis=False)
    )
    assert bracketed(enc, tokens, mask) == (
        "<|start|>user<|message|>2+2?<|end|>"
        "<|start|>assistant[<|channel|>][analysis][<|message|>][Easy][.][<|end|>]"
        "<|start|>assistant[<|channel|>][final][<|message|>][4][<|return|>]"
    )


def test_mask_tool_call_and_last_turn(enc):
    convo = tool_conversation()
    tokens, mask = enc.render_conversation_for_training_with_mask(convo)
    assert tokens == enc.render_conversation_for_training(convo)
    text = bracketed(enc, tokens, mask)
    tail = text[text.index("<|start|>user<|message|>Define harmony.") :]
    assert tail == (
        "<|start|>user<|message|>Define harmony.<|end|>"
        "<|start|>assistant[ to][=][functions][.lookup][<|channel|>][comment][ary][ ][<|constrain|>][json]"
        '[<|message|>][{"][w][":"][h][armony]["}][<|call|>]'
        '<|start|>functions.lookup<|channel|>commentary<|message|>"agreement"<|end|>'
        "<|start|>assistant[<|channel|>][final][<|message|>][Agreement][.][<|end|>]"
        "<|start|>user<|message|>Thanks!<|end|>"
        "<|start|>assistant[<|channel|>][final][<|message|>][You][ are][ welcome][.][<|return|>]"
    )
    last_tokens, last_mask = enc.render_conversation_for_training_with_mask(convo, train_on="last")
    assert last_tokens == tokens
    assert bracketed(enc, last_tokens, last_mask).endswith(
        "<|start|>user<|message|>Thanks!<|end|>"
        "<|start|>assistant[<|channel|>][final][<|message|>][You][ are][ welcome][.][<|return|>]"
    )
    assert sum(last_mask) == 8
    # No system/developer/user/tool token is ever trained.
    assert all(m == 0 for m in mask[: tokens.index(START, 1)])


def test_mask_no_assistant(enc):
    convo = Conversation.from_messages([_msg(Role.USER, "hi"), _msg(Role.USER, "anyone?")])
    tokens, mask = enc.render_conversation_for_training_with_mask(convo)
    assert tokens == enc.render_conversation_for_training(convo)
    assert mask == [0] * len(tokens)
    convo = Conversation.from_messages([_msg(Role.ASSISTANT, "a", channel="final"), _msg(Role.USER, "b")])
    assert sum(enc.render_conversation_for_training_with_mask(convo, train_on="last")[1]) == 0
    assert sum(enc.render_conversation_for_training_with_mask(convo, train_on="all")[1]) == 5
    assert enc.render_conversation_for_training_with_mask(Conversation.from_messages([])) == ([], [])


def test_mask_named_assistant(enc):
    convo = Conversation.from_messages([_msg(Role.USER, "x"), _msg(Role.ASSISTANT, "y", name="bot")])
    tokens, mask = enc.render_conversation_for_training_with_mask(convo)
    # The author name comes after the prompt's "<|start|>assistant", so the model writes it.
    assert bracketed(enc, tokens, mask) == "<|start|>user<|message|>x<|end|><|start|>assistant[:][bot][<|message|>][y][<|end|>]"


def test_mask_bad_train_on(enc):
    with pytest.raises(ValueError, match=r"^train_on must be 'all' or 'last', got 'final'$"):
        enc.render_conversation_for_training_with_mask(tool_conversation(), train_on="final")
    with pytest.raises(ValueError, match=r"^train_on must be 'all' or 'last', got None$"):
        enc.render_conversations_for_training_with_mask([tool_conversation()], train_on=None)


def _scan_mask(enc, tokens, train_on):
    """The mask rebuilt from the tokens alone: an independent reading of the definition."""
    assistant = enc.encode_ordinary("assistant")
    spans = []  # (start, end, is_assistant)
    i = 0
    while i < len(tokens):
        assert tokens[i] == START
        j = tokens.index(MESSAGE, i)
        k = j + 1
        while tokens[k] not in (END, RETURN, CALL):
            k += 1
        header = enc.decode(tokens[i + 1 : j])
        role = header
        for sep in (":", " ", "<|"):
            role = role.split(sep)[0]
        is_assistant = role == "assistant" and tokens[i + 1 : i + 1 + len(assistant)] == assistant
        spans.append((i, k + 1, is_assistant))
        i = k + 1
    first = 0
    if train_on == "last":
        for n, (_, _, a) in enumerate(spans):
            if not a:
                first = n + 1
    mask = [0] * len(tokens)
    for n, (s, e, a) in enumerate(spans):
        if a and n >= first:
            for p in range(s + 1 + len(assistant), e):
                mask[p] = 1
    return mask


def _tool_named_like_assistant(spec):
    return any((m.get("name") or "").startswith("assistant") for m in spec["messages"])


@pytest.mark.parametrize("train_on", ["all", "last"])
def test_mask_on_recorded_corpus(enc, train_on):
    checked = errors = 0
    for case in CASES:
        spec = case["spec"]
        for cfg in ("none", "keep"):
            # with our deliberate argument-naming errors (README "Errors")
            expected = deliberate_errors.ours_recorded(case["results"]["training"][cfg], "conversation")
            try:
                tokens, mask = enc.render_conversation_for_training_with_mask(
                    build(spec, api), config_obj(cfg, api), train_on=train_on
                )
            except Exception as exc:
                # Same error as render_conversation_for_training, as recorded from the official.
                message = str(exc)
                # Python 3.13 words some AttributeErrors longer; the goldens come from 3.11.
                message = message.replace(" and no __dict__ for setting new attributes", "")
                assert {"error": type(exc).__name__, "message": message} == expected, case["id"]
                errors += 1
                continue
            assert tokens == expected, case["id"]
            assert len(mask) == len(tokens) and set(mask) <= {0, 1}
            if not _tool_named_like_assistant(spec):
                assert mask == _scan_mask(enc, tokens, train_on), case["id"]
            checked += 1
    assert checked > 800 and errors > 100


# -- batches -------------------------------------------------------------------------


def _random_conversations(n, seed=7):
    rnd = random.Random(seed)
    words = ["harmony", "token", "héllo", "数据", "🙂", "\n", "  ", "<|end|>", "x" * 40, "1234567"]

    def text():
        return " ".join(rnd.choice(words) for _ in range(rnd.randint(0, 300)))

    convs = []
    for i in range(n):
        msgs = [Message.from_role_and_content(Role.SYSTEM, SystemContent.new())]
        for _ in range(rnd.randint(0, 4)):
            msgs.append(_msg(Role.USER, text()))
            if rnd.random() < 0.5:
                msgs.append(_msg(Role.ASSISTANT, text(), channel="analysis"))
            msgs.append(_msg(Role.ASSISTANT, text(), channel=rnd.choice(["final", "commentary", None])))
        convs.append(Conversation.from_messages(msgs))
    return convs


def test_batch_render_equals_single(enc):
    convs = _random_conversations(300)
    cfg = RenderConversationConfig(auto_drop_analysis=False)
    enc._renderer._text_cache.clear()  # make the batch encode its texts itself
    assert enc.render_conversations_for_training(convs) == [enc.render_conversation_for_training(c) for c in convs]
    enc._renderer._text_cache.clear()
    assert enc.render_conversations_for_training(convs, cfg, num_threads=2) == [
        enc.render_conversation_for_training(c, cfg) for c in convs
    ]
    enc._renderer._text_cache.clear()
    assert enc.render_conversations_for_completion(iter(convs), Role.ASSISTANT) == [
        enc.render_conversation_for_completion(c, Role.ASSISTANT) for c in convs
    ]
    enc._renderer._text_cache.clear()
    assert enc.render_conversations_for_training_with_mask(convs, train_on="last") == [
        enc.render_conversation_for_training_with_mask(c, train_on="last") for c in convs
    ]
    assert enc.render_conversations_for_training([]) == []


def test_batch_render_errors(enc):
    good = _random_conversations(2)
    bad = Conversation.from_messages([Message(author=Author(role=Role.TOOL), content=[TextContent(text="x")])])
    with pytest.raises(RuntimeError) as err:
        enc.render_conversations_for_training(good + [bad])
    with pytest.raises(RuntimeError) as single:
        enc.render_conversation_for_training(bad)
    assert str(err.value) == str(single.value) == "Tools should have a name!"
    # Surrogates take the official slow path, batch or not.
    odd = Conversation.from_messages([_msg(Role.USER, "\ud83d\ude42 pair " * 5000)])
    assert enc.render_conversations_for_training([odd] * 3) == [enc.render_conversation_for_training(odd)] * 3
    with pytest.raises(TypeError, match=r"^argument 'conversations': expected an iterable of Conversation objects, got str$"):
        enc.render_conversations_for_training("not a list")
    with pytest.raises(TypeError, match=r"^argument 'num_threads': expected int, got float$"):
        enc.render_conversations_for_training(good, num_threads=2.0)
    with pytest.raises(ValueError, match=r"^argument 'num_threads': must be at least 1, got 0$"):
        enc.render_conversations_for_completion(good, Role.ASSISTANT, num_threads=0)


def test_decode_batch(enc):
    texts = ["hello", "", "数据 🙂", "<|start|> plain"]
    batch = enc.encode_batch(texts, disallowed_special=())
    assert enc.decode_batch(batch) == texts
    assert enc.decode_batch([[200006], (104, 105)]) == ["<|start|>", enc.decode([104, 105])]
    # A lone byte token of a multibyte character: invalid UTF-8 on its own.
    broken = [127]
    assert enc.decode_bytes(broken) == b"\xc3"
    assert enc.decode_batch([broken]) == [enc.decode(broken)]
    assert enc.decode_batch([broken], errors="ignore") == [""]
    with pytest.raises(HarmonyError, match=r"^Invalid token for decoding: 300000$"):
        enc.decode_batch([[1], [300000]])
    with pytest.raises(TypeError, match=r"^argument 'batch': expected a sequence of token lists, got str$"):
        enc.decode_batch("abc")


# -- pickling ------------------------------------------------------------------------


def test_pickle_by_name(enc):
    for proto in range(2, pickle.HIGHEST_PROTOCOL + 1):
        data = pickle.dumps(enc, protocol=proto)
        assert len(data) < 200  # the name, not the vocabulary
        assert pickle.loads(data) is enc
    assert copy.copy(enc) is enc and copy.deepcopy(enc) is enc
    # Inside other objects, e.g. a dataset transform's closure state.
    holder = pickle.loads(pickle.dumps({"enc": enc, "convo": tool_conversation()}))
    assert holder["enc"] is enc
    assert holder["convo"] == tool_conversation()


# -- threads -------------------------------------------------------------------------


def _workload(enc, convs, seed):
    """A deterministic mix of encode/render/parse calls; returns every result in order."""
    rnd = random.Random(seed)
    out = []
    for c in rnd.sample(convs, len(convs)):
        text = "\n".join(m.content[0].text for m in c.messages[1:]) or "empty"
        out.append(enc.encode(text, allowed_special="all"))
        out.append(enc.encode_ordinary(text))
        out.append(enc.render_conversation_for_completion(c, Role.ASSISTANT))
        tokens, mask = enc.render_conversation_for_training_with_mask(c)
        out.append((tokens, mask))
        prompt = enc.render_conversation(c)
        out.append(enc.decode(prompt))
        out.append([m.to_dict() for m in enc.parse_messages_from_completion_tokens(prompt, strict=False)])
        parser = StreamableParser(enc, None, strict=False)
        deltas = []
        for t in prompt:
            parser.process(t)
            deltas.append(parser.last_content_delta)
        out.append(deltas)
    out.append(enc.render_conversations_for_training(convs[:20], num_threads=2))
    out.append(enc.encode_batch([enc.decode(enc.render_conversation(c)) for c in convs[:20]], num_threads=2, allowed_special="all"))
    return out


def test_eight_threads_same_as_one(enc):
    convs = _random_conversations(40, seed=11)
    expected = {seed: _workload(enc, convs, seed) for seed in range(8)}
    results = {}
    errors = []
    barrier = threading.Barrier(8)

    def run(seed):
        try:
            barrier.wait()
            results[seed] = _workload(enc, convs, seed)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    enc._renderer._text_cache.clear()  # the threads fill the shared caches concurrently
    threads = [threading.Thread(target=run, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == expected
