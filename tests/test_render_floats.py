"""Floats and big integers in tool schemas render exactly as the official renders them.

The official reads tool parameters with serde_json's (not correctly rounded) float parser;
the cases were recorded from openai-harmony 0.0.8 by scripts/gen_float_goldens.py.
"""

from __future__ import annotations

import os
import re

import pytest

from openai_harmony import (
    Conversation,
    DeveloperContent,
    HarmonyEncodingName,
    Message,
    Role,
    SystemContent,
    ToolDescription,
    load_harmony_encoding,
)

_HERE = os.path.dirname(os.path.abspath(__file__))

import goldens

GOLDEN = goldens.load("float_cases")

BATCHES = GOLDEN["batches"]


@pytest.fixture(scope="module")
def enc():
    return load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)


def _value(spec):
    return float(spec["float"]) if "float" in spec else int(spec["int"])


def _conversation(values):
    # As scripts/gen_float_goldens.py builds it.
    props = {f"p{i}": {"type": "number", "default": v} for i, v in enumerate(values)}
    tool = ToolDescription.new("t", "d", parameters={"type": "object", "properties": props})
    dev = DeveloperContent.new().with_function_tools([tool])
    return Conversation.from_messages([Message.from_role_and_content(Role.DEVELOPER, dev)])


class Raw:
    """A conversation stand-in whose to_json is hand-written JSON text."""

    def __init__(self, text):
        self.text = text

    def to_json(self):
        return self.text


def _outcome(fn):
    try:
        return {"tokens": fn()}
    except Exception as exc:
        return {"type": type(exc).__name__, "message": str(exc)}


@pytest.mark.parametrize("batch", BATCHES, ids=[f"batch{i}" for i in range(len(BATCHES))])
def test_batch_tokens(batch, enc):
    values = [_value(spec) for spec in batch["values"]]
    assert enc.render_conversation(_conversation(values)) == batch["tokens"]


def test_issue_examples(enc):
    text = enc.decode_utf8(enc.render_conversation(_conversation([1e-30, 0.9252662295887841, 472404621652725483798527706922])))
    assert re.findall(r"// default: (.*)", text) == ["9.999999999999999e-31", "0.925266229588784", "4.7240462165272545e29"]


def test_refused_values(enc):
    """Values serde_json refuses (NaN, infinities, integers past f64) fail as officially."""
    refused = [rec for rec in GOLDEN["values"] if "error" in rec]
    assert len(refused) > 50
    wrong = []
    for rec in refused:
        got = _outcome(lambda rec=rec: enc.render_conversation(_conversation([_value(rec)])))
        if got != rec["error"]:
            wrong.append((rec, got))
    assert wrong == []


@pytest.mark.parametrize("place", ["default", "channel", "ignored"])
def test_literals(place, enc):
    """Hand-written JSON numbers where serde_json parses a tool default, where its error
    quotes the float (a message channel), and in a key it skips."""
    template = GOLDEN["places"][place]
    wrong = []
    for rec in GOLDEN["literals"]:
        got = _outcome(lambda rec=rec: enc.render_conversation(Raw(template % rec["literal"])))
        if "tokens" in got:
            text = enc.decode_utf8(got["tokens"])
            m = re.search(r"// default: (.*)\n", text)
            got = {"text": m.group(1) if m else text}
        if got != rec[place]:
            wrong.append((rec["literal"], got, rec[place]))
    assert wrong == []


def _field_message(field, value):
    # As scripts/gen_float_goldens.py builds it: an unvalidated assignment.
    if field == "model_identity":
        content = SystemContent.new()
        content.model_identity = value
        return Message.from_role_and_content(Role.SYSTEM, content)
    msg = Message.from_role_and_content(Role.USER, "hi")
    if field == "name":
        msg.author.name = value
    else:
        msg.channel = value
    return msg


@pytest.mark.parametrize("field", ["channel", "name", "model_identity"])
def test_errors_quote_the_float_read(field, enc):
    """A number where a string belongs: the error quotes the f64 serde_json read."""
    wrong = []
    for rec in GOLDEN["fields"]:
        value = _value(rec)
        got = _outcome(lambda value=value: enc.render(_field_message(field, value)))
        if got != rec[field]:
            wrong.append((rec, got))
    assert wrong == []


@pytest.mark.parametrize("case", GOLDEN["texts"], ids=[t["text"][:40] for t in GOLDEN["texts"]])
def test_texts(case, enc):
    """Conversation JSON around numbers: fields serde_json skips, structure errors."""
    expected = {k: v for k, v in case.items() if k != "text"}
    assert _outcome(lambda: enc.render_conversation(Raw(case["text"]))) == expected
