"""Recovering parser (``recover=True``): malformed model output never raises, no token is lost.

The failure shapes are those servers running gpt-oss report (openai/harmony#38, #60, #80,
vllm-project/vllm#22519, #23567, #37072, #43408, #51977, sgl-project/sglang#35299,
hiyouga/LlamaFactory#9151, ai-dynamo/frontend-crates#237); each stream is built by
encoding the text the model really emitted (or, for #80, the reported token ids).  Every
check runs on the active core (public ``StreamableParser`` and the batch function) and on
the pure-Python core, token by token and in one batch.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest

import goldens

from openai_harmony import (
    HarmonyError,
    ParseIssue,
    RecoveredMessages,
    Role,
    StreamableParser,
    TokenSpan,
    load_harmony_encoding,
)
from openai_harmony import _parser_py as parse_mod
from openai_harmony.parse import parse_messages_from_completion_tokens

ENC = load_harmony_encoding("HarmonyGptOss")
TOK = ENC._tokenizer
A = Role.ASSISTANT

START, END, MESSAGE, CHANNEL, CONSTRAIN = 200006, 200007, 200008, 200005, 200003
RETURN, CALL = 200002, 200012
STOPS = (RETURN, END, CALL)

STOP_IN_HEADER = "message header ended by stop token {} before <|message|>"
START_IN_HEADER = "message header ended by start token 200006 before <|message|>"
START_IN_CONTENT = "start token 200006 in message content: message ended without a stop token"
EOS_IN_HEADER = "Unexpected EOS while waiting for message header to complete"


def enc(text: str) -> List[int]:
    return ENC.encode(text, allowed_special="all")


def dicts(messages: Any) -> list:
    return [m.to_dict() for m in messages]


def msg(text: str, channel: Optional[str] = None, recipient: Optional[str] = None,
        content_type: Optional[str] = None, role: Role = A, name: Optional[str] = None) -> dict:
    d: dict = {"role": role, "name": name, "content": [{"type": "text", "text": text}]}
    if channel is not None:
        d["channel"] = channel
    if recipient is not None:
        d["recipient"] = recipient
    if content_type is not None:
        d["content_type"] = content_type
    return d


Result = Tuple[list, List[ParseIssue], List[TokenSpan]]


def run_stream(tokens: List[int], role: Optional[Role], core: str) -> Result:
    if core == "pure":
        p: Any = parse_mod.ParserCore(TOK, role, True, True)
    else:
        p = StreamableParser(ENC, role, recover=True)
    for t in tokens:
        p.process(t)
    p.process_eos()
    assert p.tokens == tokens
    return dicts(p.messages), p.errors, p.spans


def run_all(tokens: List[int], role: Optional[Role]) -> Result:
    """Batch (facade and module function), streaming and the pure core must all agree."""
    batch = ENC.parse_messages_from_completion_tokens(tokens, role, recover=True)
    assert isinstance(batch, RecoveredMessages)
    got = (dicts(batch), batch.errors, batch.spans)
    mod = parse_messages_from_completion_tokens(TOK, tokens, role, recover=True)
    assert (dicts(mod), mod.errors, mod.spans) == got
    for core in ("public", "pure"):
        assert run_stream(tokens, role, core) == got, core
    pure = parse_mod.ParserCore(TOK, role, True, True)
    pure.feed(tokens)
    pure.process_eos()
    assert (dicts(pure.messages), pure.errors, pure.spans) == got
    check_accounting(tokens, *got)
    return got


def lossy(tokens: List[int]) -> str:
    return parse_mod._decode_lossy(TOK, tokens)


def check_accounting(tokens: List[int], messages: list, errors: List[ParseIssue], spans: List[TokenSpan]) -> None:
    """No token and no text is lost: the spans tile the tokens, every message has one span,
    and a message's content is the whole text of its span after the header."""
    pos = 0
    seen = []
    for s in spans:
        assert s.start == pos and s.end > s.start
        pos = s.end
        if s.message is not None:
            seen.append(s.message)
            part = tokens[s.start:s.end]
            if part[-1] in STOPS:
                part = part[:-1]
            text = messages[s.message]["content"][0]["text"]
            if "\ufffd" not in text:
                assert lossy(part).endswith(text)
    assert pos == len(tokens)
    assert seen == list(range(len(messages)))
    for e in errors:
        assert 0 <= e.position <= len(tokens)
        assert e.token == (tokens[e.position] if e.position < len(tokens) else None)
        assert e.message is None or 0 <= e.message < len(messages)
    assert [e.position for e in errors] == sorted(e.position for e in errors)


# --------------------------------------------------------------------------------------
# the failure shapes


def test_recipient_twice():
    # sgl-project/sglang#35299, vllm-project/vllm#51977: `to=` repeated in a tool-call header
    toks = enc('<|channel|>analysis<|message|>Need the weather.<|end|><|start|>assistant<|channel|>commentary '
               'to=functions.get_weather to=functions.get_weather<|constrain|>json<|message|>{"location":"Tokyo"}<|call|>')
    with pytest.raises(HarmonyError, match='remaining in message header: Some\\("to=functions.get_weather"\\)'):
        ENC.parse_messages_from_completion_tokens(toks, A)
    msgs, errors, spans = run_all(toks, A)
    assert msgs == [
        msg("Need the weather.", "analysis"),
        msg('{"location":"Tokyo"}', "commentary", "functions.get_weather", "<|constrain|>json"),
    ]
    at = toks.index(MESSAGE, 5)
    assert errors == [ParseIssue(at, MESSAGE, 'unexpected tokens remaining in message header: Some("to=functions.get_weather")', 1)]
    e = toks.index(END) + 1
    assert spans == [TokenSpan(0, e, 0), TokenSpan(e, len(toks), 1)]


def test_junk_word_in_header():
    # openai/harmony#38: `––commentary` left over in the header
    toks = enc('<|channel|>commentary ––commentary to=functions.search <|constrain|>json<|message|>{"q":"harmony"}<|call|>')
    msgs, errors, spans = run_all(toks, A)
    assert msgs == [msg('{"q":"harmony"}', "commentary", "functions.search", "<|constrain|>json")]
    assert errors == [ParseIssue(toks.index(MESSAGE), MESSAGE,
                                 'unexpected tokens remaining in message header: Some("––commentary")', 0)]
    assert spans == [TokenSpan(0, len(toks), 0)]


def test_refusal_without_message_token():
    # openai/harmony#80: the refusal reasoning written straight after <|start|>assistant,
    # no <|channel|>...<|message|>; token ids as reported (vLLM), completed with " that."
    toks = [2161, 976, 1825, 382, 57246, 15543, 316, 2338, 261, 4232, 13790, 350, 72, 2560, 4213, 187928, 11,
            23802, 8110, 741, 1328, 382, 829, 32510, 3100, 25, 15543, 97471, 198937, 13, 20953, 41897, 13, 16344,
            316, 7562, 11, 581, 2804, 41897, 13, 200007, 200006, 173781, 200005, 35644, 200008, 2167, 2804, 41897,
            13, 200007, 200006, 173781, 200005, 17196, 200008, 40, 4572, 23045, 11, 889, 357, 665, 1573, 1652,
            483] + enc(" that.<|return|>")
    with pytest.raises(HarmonyError, match="unexpected tokens remaining in message header"):
        ENC.parse_messages_from_completion_tokens(toks, A)
    msgs, errors, spans = run_all(toks, A)
    assert msgs == [
        msg("...\n\nThe user is requesting instructions to break a food truck (i.e., sabotage, illegal activity). "
            "This is disallowed content: instructions facilitating wrongdoing. Must refuse. According to policy, "
            "we must refuse."),
        msg("We must refuse.", "analysis"),
        msg("I’m sorry, but I can’t help with that.", "final"),
    ]
    assert errors == [ParseIssue(41, END, STOP_IN_HEADER.format(END), 0)]
    assert spans == [TokenSpan(0, 42, 0), TokenSpan(42, 52, 1), TokenSpan(52, len(toks), 2)]


def test_channel_then_text_without_message_token():
    # ai-dynamo/frontend-crates#237, vllm-project/vllm#47062: `<|channel|>final` then the answer
    toks = enc("<|channel|>analysis<|message|>Simple sum.<|end|><|start|>assistant<|channel|>final The answer is 4.<|return|>")
    msgs, errors, spans = run_all(toks, A)
    assert msgs == [msg("Simple sum.", "analysis"), msg("The answer is 4.", "final")]
    assert errors == [ParseIssue(len(toks) - 1, RETURN, STOP_IN_HEADER.format(RETURN), 1)]
    e = toks.index(END) + 1
    assert spans == [TokenSpan(0, e, 0), TokenSpan(e, len(toks), 1)]


def test_eos_inside_header():
    # the same output cut off (max_tokens) before any stop token
    toks = enc("<|channel|>analysis<|message|>Simple sum.<|end|><|start|>assistant<|channel|>final The answer is 4.")
    p = StreamableParser(ENC, A)
    for t in toks:
        p.process(t)
    with pytest.raises(HarmonyError, match=EOS_IN_HEADER):
        p.process_eos()
    msgs, errors, spans = run_all(toks, A)
    assert msgs == [msg("Simple sum.", "analysis"), msg("The answer is 4.", "final")]
    assert errors == [ParseIssue(len(toks), None, EOS_IN_HEADER, 1)]
    e = toks.index(END) + 1
    assert spans == [TokenSpan(0, e, 0), TokenSpan(e, len(toks), 1)]
    # only a header came: a message with what it says and no content
    toks = enc("<|channel|>analysis<|message|>ok<|end|><|start|>assistant<|channel|>commentary to=functions.lookup")
    msgs, errors, spans = run_all(toks, A)
    assert msgs[1] == msg("", "commentary", "functions.lookup")
    assert errors == [ParseIssue(len(toks), None, EOS_IN_HEADER, 1)]


def test_return_after_end():
    # hiyouga/LlamaFactory#9151: fine-tuned model ends with <|end|><|return|>
    toks = enc("<|channel|>final<|message|>Hello! How can I help?<|end|><|return|>")
    with pytest.raises(HarmonyError, match="Unexpected token 200002 while expecting start token 200006"):
        ENC.parse_messages_from_completion_tokens(toks, A)
    msgs, errors, spans = run_all(toks, A)
    assert msgs == [msg("Hello! How can I help?", "final")]
    n = len(toks)
    assert errors == [ParseIssue(n - 1, RETURN, "Unexpected token 200002 while expecting start token 200006", None)]
    assert spans == [TokenSpan(0, n - 1, 0), TokenSpan(n - 1, n, None)]


def test_call_after_end_then_more():
    # vllm-project/vllm#37072: <|call|> while a start is expected; parsing goes on at <|start|>
    toks = enc('<|channel|>commentary to=functions.f <|constrain|>json<|message|>{}<|end|><|call|><|end|>'
               '<|start|>assistant<|channel|>final<|message|>Done.<|return|>')
    msgs, errors, spans = run_all(toks, A)
    assert msgs == [msg("{}", "commentary", "functions.f", "<|constrain|>json"), msg("Done.", "final")]
    i = toks.index(CALL)
    # one issue and one raw piece for the run of stray tokens
    assert errors == [ParseIssue(i, CALL, "Unexpected token 200012 while expecting start token 200006", None)]
    assert spans == [TokenSpan(0, i, 0), TokenSpan(i, i + 2, None), TokenSpan(i + 2, len(toks), 1)]


def test_text_while_start_expected():
    # vllm-project/vllm#22519, openai/harmony#60: "commentary ..." (12606 = "comment") after <|end|>
    toks = enc('<|channel|>analysis<|message|>Call the tool.<|end|>commentary to=functions.get_weather '
               '<|constrain|>json<|message|>{"location":"Paris"}<|call|>')
    with pytest.raises(HarmonyError, match="Unexpected token 12606 while expecting start token 200006"):
        ENC.parse_messages_from_completion_tokens(toks, A)
    msgs, errors, spans = run_all(toks, A)
    assert msgs == [msg("Call the tool.", "analysis")]
    e = toks.index(END) + 1
    assert toks[e] == 12606
    assert errors == [ParseIssue(e, 12606, "Unexpected token 12606 while expecting start token 200006", None)]
    assert spans == [TokenSpan(0, e, 0), TokenSpan(e, len(toks), None)]
    assert lossy(toks[e:]) == 'commentary to=functions.get_weather <|constrain|>json<|message|>{"location":"Paris"}<|call|>'


def test_text_before_first_start():
    toks = enc("Sure!<|start|>assistant<|channel|>final<|message|>4<|return|>")
    msgs, errors, spans = run_all(toks, None)
    assert msgs == [msg("4", "final")]
    assert errors == [ParseIssue(0, toks[0], f"Unexpected token {toks[0]} while expecting start token 200006", None)]
    assert spans == [TokenSpan(0, 2, None), TokenSpan(2, len(toks), 0)]


def test_start_twice():
    # vllm-project/vllm#43408, tenstorrent/vllm#386: "Unknown role: <|start|>assistant"
    toks = enc("<|start|>assistant<|channel|>analysis<|message|>2+2.<|end|><|start|><|start|>assistant<|channel|>final<|message|>4<|return|>")
    with pytest.raises(HarmonyError, match="Unknown role: <|start|>assistant"):
        ENC.parse_messages_from_completion_tokens(toks)
    msgs, errors, spans = run_all(toks, None)
    assert msgs == [msg("2+2.", "analysis"), msg("4", "final")]
    i = toks.index(START, 1)
    assert errors == [ParseIssue(i + 1, START, START_IN_HEADER, None)]
    assert spans == [TokenSpan(0, i, 0), TokenSpan(i, i + 1, None), TokenSpan(i + 1, len(toks), 1)]


def test_empty_channel():
    # vllm-project/vllm#43408, openai/harmony#48: `<|channel|><|message|>`
    toks = enc("<|start|>assistant<|channel|><|message|>4<|end|>")
    msgs, errors, spans = run_all(toks, None)
    assert msgs == [msg("4")]
    assert errors == [ParseIssue(3, MESSAGE, "channel marker present but no channel value found in header", 0)]
    assert spans == [TokenSpan(0, 6, 0)]


def test_unknown_role():
    # tenstorrent/vllm#386: "Unknown role: assistantassistant"
    toks = enc("<|start|>assistantassistant<|channel|>final<|message|>Hi<|end|>")
    msgs, errors, spans = run_all(toks, None)
    assert msgs == [msg("Hi", "final")]
    assert errors == [ParseIssue(5, MESSAGE, "Unknown role: assistantassistant", 0)]


def test_tool_message_recipient_twice():
    toks = enc('<|start|>functions.get_weather to=assistant to=assistant<|channel|>commentary<|message|>{"temp": 20}<|end|>')
    msgs, errors, spans = run_all(toks, None)
    assert msgs == [msg('{"temp": 20}', "commentary", "assistant", role=Role.TOOL, name="functions.get_weather")]
    assert errors == [ParseIssue(13, MESSAGE, 'unexpected tokens remaining in message header: Some("to=assistant")', 0)]


def test_start_inside_content():
    # <|end|> missing: strict mode keeps "<|start|>assistant..." as text of the first message
    toks = enc("<|channel|>analysis<|message|>thinking<|start|>assistant<|channel|>final<|message|>Answer<|return|>")
    strict = ENC.parse_messages_from_completion_tokens(toks, A)
    assert dicts(strict) == [msg("thinking<|start|>assistant<|channel|>final<|message|>Answer", "analysis")]
    msgs, errors, spans = run_all(toks, A)
    assert msgs == [msg("thinking", "analysis"), msg("Answer", "final")]
    i = toks.index(START)
    assert errors == [ParseIssue(i, START, START_IN_CONTENT, 0)]
    assert spans == [TokenSpan(0, i, 0), TokenSpan(i, len(toks), 1)]


def test_start_inside_content_after_strict_parser_cached_it():
    # a strict parser caches the text of <|start|> seen in content; recovering ones must not use it
    toks = enc("<|channel|>final<|message|>a<|start|>b<|end|>")
    ENC.parse_messages_from_completion_tokens(toks, A)
    msgs, errors, _ = run_all(toks, A)
    assert msgs == [msg("a", "final"), msg("b")]
    assert [e.reason for e in errors] == [START_IN_CONTENT, "message header ended by stop token 200007 before <|message|>"]


def test_invalid_utf8_and_unknown_ids():
    # header bytes that are not UTF-8 ("could not decode header"), an id outside the
    # vocabulary in content and one while a start is expected: never raised, never dropped
    toks = [START, 173781, CHANNEL, 17196, 220, 94, MESSAGE, 12194, 300000, END, 999999]
    with pytest.raises(HarmonyError, match="could not decode header"):
        ENC.parse_messages_from_completion_tokens(toks)
    msgs, errors, spans = run_all(toks, None)
    assert msgs == [msg("Hi\ufffd", "final")]
    assert errors == [
        ParseIssue(6, MESSAGE, "could not decode header", 0),
        ParseIssue(10, 999999, "Unexpected token 999999 while expecting start token 200006", None),
    ]
    assert spans == [TokenSpan(0, 10, 0), TokenSpan(10, 11, None)]


def test_empty_and_role_mismatch():
    assert run_all([], A) == ([], [ParseIssue(0, None, EOS_IN_HEADER, None)], [])
    assert run_all([], None) == ([], [], [])
    # role given, but the completion starts with its own <|start|>
    toks = enc("<|start|>assistant<|channel|>final<|message|>Hi<|return|>")
    assert run_all(toks, A) == ([msg("Hi", "final")], [ParseIssue(0, START, START_IN_HEADER, None)],
                                [TokenSpan(0, len(toks), 0)])


def test_errors_as_they_happen():
    # issues are recorded at the token that shows them; spans when a piece closes
    p = StreamableParser(ENC, A, recover=True)
    toks = enc("<|channel|>commentary to=f to=f<|message|>{}")
    for t in toks:
        p.process(t)
    assert [e.position for e in p.errors] == [toks.index(MESSAGE)]
    assert p.current_recipient == "f" and p.current_content == "{}" and p.spans == []
    p.process(CALL)
    assert p.spans == [TokenSpan(0, len(toks) + 1, 0)]


# --------------------------------------------------------------------------------------
# modes and arguments


def test_default_and_strict_modes_unchanged():
    toks = enc("<|channel|>final<|message|>Hi<|end|><|return|>")
    for strict in (True, False):
        p = StreamableParser(ENC, A, strict=strict)
        for t in toks[:-1]:
            p.process(t)
        with pytest.raises(HarmonyError, match="Unexpected token 200002"):
            p.process(toks[-1])
        assert p.errors == [] and p.spans == []
        assert type(ENC.parse_messages_from_completion_tokens(toks[:-1], A, strict=strict)) is list


def test_recover_ignores_strict():
    toks = enc("<|channel|>final Hi<|end|>")
    # non-strict: the header's words become the content, whitespace folded, no record
    assert dicts(ENC.parse_messages_from_completion_tokens(toks, A, strict=False)) == [msg("Hi", "final")]
    for strict in (True, False):
        got = ENC.parse_messages_from_completion_tokens(toks, A, strict=strict, recover=True)
        assert dicts(got) == [msg("Hi", "final")]
        assert got.errors == [ParseIssue(3, END, STOP_IN_HEADER.format(END), 0)]


def test_recover_argument():
    with pytest.raises(TypeError, match="argument 'recover': 'int' object cannot be converted to 'PyBool'"):
        StreamableParser(ENC, A, recover=1)
    with pytest.raises(TypeError, match="argument 'recover': 'str' object cannot be converted to 'PyBool'"):
        ENC.parse_messages_from_completion_tokens([], A, recover="yes")
    assert ENC.parse_messages_from_completion_tokens([], None, recover=None) == []


def test_arguments_that_are_no_token_ids_still_raise():
    # malformed model output never raises; a caller passing something that is no token id does
    p = StreamableParser(ENC, A, recover=True)
    with pytest.raises(OverflowError):
        p.process(-1)
    with pytest.raises(TypeError):
        p.process("a")
    with pytest.raises(OverflowError):
        ENC.parse_messages_from_completion_tokens([2 ** 32], A, recover=True)


def test_recovered_messages_is_a_list():
    got = ENC.parse_messages_from_completion_tokens(enc("<|channel|>final<|message|>Hi<|end|>"), A, recover=True)
    assert isinstance(got, list) and got == ENC.parse_messages_from_completion_tokens(
        enc("<|channel|>final<|message|>Hi<|end|>"), A)
    assert got.errors == [] and got.spans == [TokenSpan(0, 5, 0)]
    import pickle

    again = pickle.loads(pickle.dumps(got))
    assert type(again) is RecoveredMessages and again == got and again.spans == got.spans
    assert RecoveredMessages().errors == [] and RecoveredMessages().spans == []


# --------------------------------------------------------------------------------------
# properties: every golden stream, and random streams


CASES = goldens.load("parse_streams")["cases"]
# issues strict parsing does not raise for (it keeps those tokens inside a message)
_NOT_STRICT_ERRORS = (START_IN_HEADER, START_IN_CONTENT)


def _strict(tokens: List[int], role: Optional[Role]) -> Optional[list]:
    try:
        return dicts(ENC.parse_messages_from_completion_tokens(tokens, role))
    except HarmonyError:
        return None


def check_against_strict(tokens: List[int], role: Optional[Role]) -> None:
    got = run_all(tokens, role)
    strict = _strict(tokens, role)
    if strict is None:
        assert got[1], "strict parsing failed but nothing was recorded"
    elif not got[1]:
        assert got[0] == strict
    else:
        # strict parsing accepted a start or stop token inside a message; up to there
        # both parse alike, so that is the first issue
        first = got[1][0].reason
        assert first in _NOT_STRICT_ERRORS or first.startswith("message header ended by stop token")


def test_golden_streams():
    # 1062 recorded streams (well-formed conversations and completions, bad headers, noise,
    # truncations, invalid UTF-8): never raises, same messages as strict when nothing is wrong
    n_clean = 0
    for case in CASES:
        role = None if case["role"] is None else Role(case["role"])
        check_against_strict(case["tokens"], role)
        if case["source"] in ("conversation", "completion"):
            got = ENC.parse_messages_from_completion_tokens(case["tokens"], role, recover=True)
            if "error" not in case["parse"]:
                n_clean += 1
                assert got.errors == [] and dicts(got) == _strict(case["tokens"], role)
    assert n_clean >= 100


_WORDS = ["assistant", "user", "tool", "system", "developer", "functions.get_weather", "to=functions.f",
          "to=", "json", "analysis", "final", "commentary", "––commentary", "Hello", " world", "\n", " ",
          "{\"a\": 1}", "é", "日本", "🙂", "<", "|", "to=assistant"]
_SPECIALS = [START, END, MESSAGE, CHANNEL, CONSTRAIN, RETURN, CALL, 200000, 200017, 199999]
_ODD = [94, 95, 300000, 2 ** 31]  # lone UTF-8 continuation bytes, ids outside the vocabulary


def random_stream(rng: random.Random) -> List[int]:
    out: List[int] = []
    for _ in range(rng.randrange(0, 40)):
        r = rng.random()
        if r < 0.35:
            out.append(rng.choice(_SPECIALS))
        elif r < 0.45:
            out.append(rng.choice(_ODD))
        elif r < 0.55:
            out.append(rng.randrange(0, 200000))
        else:
            out.extend(enc(rng.choice(_WORDS)))
    if rng.random() < 0.5:
        # splice in a well-formed message now and then
        frag = enc(rng.choice([
            "<|start|>assistant<|channel|>final<|message|>Hi<|return|>",
            "<|start|>assistant<|channel|>commentary to=functions.f <|constrain|>json<|message|>{}<|call|>",
            "<|channel|>analysis<|message|>think<|end|>",
        ]))
        i = rng.randrange(0, len(out) + 1)
        out[i:i] = frag
    return out


def test_random_streams():
    rng = random.Random(20261125)
    for _ in range(1500):
        toks = random_stream(rng)
        role = rng.choice([None, None, A, Role.USER, Role.TOOL])
        check_against_strict(toks, role)


def test_random_streams_split_anywhere():
    # streaming in chunks, with views read between them, gives what one batch gives
    rng = random.Random(7)
    for _ in range(300):
        toks = random_stream(rng)
        batch = ENC.parse_messages_from_completion_tokens(toks, A, recover=True)
        p = StreamableParser(ENC, A, recover=True)
        i = 0
        while i < len(toks):
            j = i + rng.randrange(1, 6)
            p.feed(toks[i:j])
            p.current_content, p.state_data, p.messages  # noqa: B018 - views must not disturb the state
            i = j
        p.process_eos()
        assert (dicts(p.messages), p.errors, p.spans) == (dicts(batch), batch.errors, batch.spans)


def test_readme_section(capsys):
    import re

    section = (Path(__file__).parent.parent / "docs" / "recovering-parser.md").read_text(encoding="utf-8")
    code, shown = re.findall(r"```(?:python)?\n(.*?)```", section, re.S)[:2]
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own README
    assert capsys.readouterr().out == shown
