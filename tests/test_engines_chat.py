"""The chat-layout variants of examples/ (``--chat``) through real engines, end to end.

The sample (examples/data/chat_thinking.jsonl) is shaped like the public gpt-oss fine-tuning
sets: ``messages`` with ``thinking`` (and a few tool-call rows). Every row must come out as
``apply_chat_template`` gives it in-process. Marked ``integration`` like test_engines.py.
"""

from __future__ import annotations

import json
import os

import pytest
from engine_support import EXAMPLES, IGNORE_INDEX, as_ints, example
from test_engines import enc, hf, ray  # noqa: F401 - the engines' fixtures

CHAT_SAMPLE = os.path.join(EXAMPLES, "data", "chat_thinking.jsonl")
DATE = "2025-08-05"
COLUMNS = ["input_ids", "loss_mask", "labels"]


def _expected(enc):  # noqa: F811
    out = []
    with open(CHAT_SAMPLE, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            r = enc.apply_chat_template(row["messages"], row.get("tools"), return_dict=True,
                                        return_assistant_tokens_mask=True, conversation_start_date=DATE)
            ids, mask = r["input_ids"], r["assistant_masks"]
            out.append((ids, mask, [t if m else IGNORE_INDEX for t, m in zip(ids, mask)]))
    return out


def test_chat_sample_has_thinking_and_tool_calls():
    with open(CHAT_SAMPLE, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    assert len(rows) >= 10
    assert all(any(m.get("thinking") for m in r["messages"]) for r in rows)
    assert sum("tool_calls" in m for r in rows for m in r["messages"]) >= 3


@pytest.mark.integration
def test_hf_datasets_chat_variant(hf, enc, tmp_path, capsys):  # noqa: F811
    hf_example = example("hf_datasets")
    out_dir = str(tmp_path / "out")
    hf_example.main([CHAT_SAMPLE, out_dir, "--chat", "--date", DATE, "--num-proc", "2", "--cache-dir", str(tmp_path / "c")])
    expected = _expected(enc)
    assert capsys.readouterr().out.startswith(f"{len(expected)} conversations, {sum(len(r[0]) for r in expected)} tokens")
    ds = hf.load_from_disk(out_dir)
    assert [tuple(as_ints(c) for c in row) for row in zip(*(ds[n] for n in COLUMNS))] == expected


@pytest.mark.integration
def test_ray_data_chat_variant(ray, enc):  # noqa: F811
    ray_example = example("ray_data")
    rows = ray_example.tokenize(ray.data.read_text(CHAT_SAMPLE), enc, num_blocks=2, chat=True, date=DATE).take_all()
    assert [tuple(as_ints(r[n]) for n in COLUMNS) for r in rows] == _expected(enc)
