"""Parsing must match the official parser exactly on the recorded streams.

Goldens: tests/golden/parse_streams.jsonl, made by scripts/gen_parse_goldens.py with the
official package.  Each case is checked twice: the batch parse (messages or error) and a
StreamableParser trace after every token and after process_eos.
"""

from __future__ import annotations

import json

import pytest

import goldens

from openai_harmony import HarmonyError, Role, StreamableParser, load_harmony_encoding
from openai_harmony import _parser_py as parse_mod

CASES = goldens.load("parse_streams")["cases"]


@pytest.fixture(scope="module")
def enc():
    return load_harmony_encoding("HarmonyGptOss")


def expand(prev: dict | None, diff: dict) -> dict:
    """Inverse of ``compact`` in the generator."""
    if prev is None:
        return {k: v for k, v in diff.items() if k != "error"}
    cur = dict(prev)
    for k, v in diff.items():
        if k == "error":
            continue
        if isinstance(v, dict) and set(v) == {"+"}:
            add = v["+"]
            if k == "state":
                st = dict(prev[k])
                lk = "header_tokens" if st["state"] == "Header" else "content_tokens"
                st[lk] = st[lk] + add
                cur[k] = st
            else:
                cur[k] = prev[k] + add
        else:
            cur[k] = v
    return cur


def snapshot(p: StreamableParser) -> dict:
    role = p.current_role
    return {
        "state": p.state_data,
        "state_enum": p.state.name,
        "last_content_delta": p.last_content_delta,
        "current_content": p.current_content,
        "current_role": None if role is None else role.value,
        "current_channel": p.current_channel,
        "current_recipient": p.current_recipient,
        "current_content_type": p.current_content_type,
        "n_messages": len(p.messages),
    }


def err(e: BaseException) -> list:
    return [type(e).__name__, str(e)]


def as_json(x):
    return json.loads(json.dumps(x))


IDS = [f"{i}-{c['source']}" for i, c in enumerate(CASES)]


def test_golden_size():
    assert len(CASES) >= 400


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_parse_batch(enc, case):
    role = None if case["role"] is None else Role(case["role"])
    try:
        got = {"messages": as_json([m.to_dict() for m in enc.parse_messages_from_completion_tokens(case["tokens"], role, strict=case["strict"])])}
    except HarmonyError as e:
        got = {"error": err(e)}
    assert got == case["parse"]


def make_parser(enc, role, strict, core="public"):
    if core == "pure":
        # the pure-Python core, also when the compiled one is active
        return parse_mod.ParserCore(enc._tokenizer, role, strict)
    return StreamableParser(enc, role, strict=strict)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_parse_batch_pure_core(enc, case):
    role = None if case["role"] is None else Role(case["role"])
    p = parse_mod.ParserCore(enc._tokenizer, role, case["strict"])
    try:
        p.feed(case["tokens"])
        p.process_eos()
        got = {"messages": as_json([m.to_dict() for m in p.messages])}
    except HarmonyError as e:
        got = {"error": err(e)}
    assert got == case["parse"]


@pytest.mark.parametrize("core", ["public", "pure"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_streamable_trace(enc, case, core):
    role = None if case["role"] is None else Role(case["role"])
    p = make_parser(enc, role, case["strict"], core)
    prev = None
    steps = case["steps"]
    feed = case["tokens"] + [None]
    for i, (tok, diff) in enumerate(zip(feed, steps)):
        try:
            if tok is None:
                p.process_eos()
            else:
                p.process(tok)
            e = None
        except HarmonyError as ex:
            e = err(ex)
        want = expand(prev, diff)
        got = snapshot(p)
        assert (i, e) == (i, diff.get("error")), f"error at step {i}"
        assert (i, as_json(got)) == (i, want), f"state at step {i}"
        prev = want
    assert as_json([m.to_dict() for m in p.messages]) == case["messages"]
    assert p.tokens == case["final_tokens"]


@pytest.mark.parametrize("case", [c for c in CASES if c["source"].startswith(("utf8", "bytes", "completion"))],
                         ids=lambda c: f"{len(c['tokens'])}-{c['source']}")
def test_deltas_add_up_to_current_content(enc, case):
    role = None if case["role"] is None else Role(case["role"])
    p = StreamableParser(enc, role, strict=case["strict"])
    acc = ""
    for tok in case["tokens"]:
        before = p.state
        try:
            p.process(tok)
        except HarmonyError:
            pass
        if p.state is not before and p.state.name == "CONTENT":
            acc = ""
        if p.last_content_delta is not None:
            acc += p.last_content_delta
        if p.state.name == "CONTENT":
            assert acc == p.current_content
