"""``openai-harmony dataset`` on chat-layout rows: --format and --template."""

from __future__ import annotations

import json

from openai_harmony import Conversation, load_harmony_encoding
from openai_harmony import _cli_dataset as cli_dataset
from openai_harmony.chat_template import today
from openai_harmony.cli import main

ENC = load_harmony_encoding("HarmonyGptOss")
THINKING = {"messages": [
    {"role": "system", "content": "reasoning language: French", "thinking": None},
    {"role": "user", "content": "Bonjour ?", "thinking": None},
    {"role": "assistant", "content": "Salut !", "thinking": "L'utilisateur dit bonjour."},
]}
PLAIN = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
AGENT = {
    "messages": [
        {"role": "user", "content": "w?"},
        {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "w", "arguments": {}}}]},
        {"role": "tool", "tool_call_id": "c", "content": "ok"},
        {"role": "assistant", "content": "done"},
    ],
    "tools": [{"type": "function", "function": {"name": "w", "description": "W."}}],
}
HARMONY = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "channel": "final", "content": "Hello"}]}


def _run(tmp_path, capsys, rows, *opts):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code = main(["dataset", str(src), "-", "--on-error", "skip", *opts])
    out, err = capsys.readouterr()
    return code, [json.loads(x) for x in out.splitlines()], err


def _gen_mask(row, train_on="all"):
    out = ENC.apply_chat_template(row["messages"], row.get("tools"), return_dict=True, return_assistant_tokens_mask=True,
                                  mask_style="generated", conversation_start_date=today())
    return out["input_ids"], out["assistant_masks"]


def test_chat_rows_with_the_gpt_oss_template(tmp_path, capsys):
    code, lines, err = _run(tmp_path, capsys, [THINKING, AGENT], "--format", "chat")
    assert code == 0 and "2 examples" in err
    for line, row in zip(lines, [THINKING, AGENT]):
        assert (line["input_ids"], line["mask"]) == _gen_mask(row)
    assert "<|channel|>analysis<|message|>L'utilisateur dit bonjour.<|end|>" in ENC.decode_utf8(lines[0]["input_ids"])
    assert ENC.decode_utf8(lines[0]["input_ids"]).endswith("Salut !<|return|>")


def test_chat_rows_with_the_harmony_template(tmp_path, capsys):
    code, lines, _ = _run(tmp_path, capsys, [AGENT], "--format", "chat", "--template", "harmony")
    conv = Conversation.from_chat_messages(AGENT["messages"], AGENT["tools"], conversation_start_date=today())
    assert code == 0 and (lines[0]["input_ids"], lines[0]["mask"]) == tuple(ENC.render_conversation_for_training_with_mask(conv))


def test_harmony_format_rejects_chat_fields_instead_of_dropping_them(tmp_path, capsys):
    code, lines, err = _run(tmp_path, capsys, [THINKING, AGENT, HARMONY])
    assert code == 0 and len(lines) == 1
    assert "skipped line 1: has chat-layout fields (message 3: thinking)" in err
    assert "skipped line 2: has chat-layout fields (tools)" in err


def test_auto_never_guesses(tmp_path, capsys):
    mixed = {"messages": [{"role": "user", "content": "x"},
                          {"role": "assistant", "channel": "final", "content": "y", "thinking": "t"}]}
    code, lines, err = _run(tmp_path, capsys, [THINKING, PLAIN, HARMONY, mixed], "--format", "auto")
    assert len(lines) == 2
    assert (lines[0]["input_ids"], lines[0]["mask"]) == _gen_mask(THINKING)
    assert "skipped line 2: plain role/content messages fit both the Harmony and the chat layout" in err
    assert "skipped line 4: mixes chat-layout fields (message 2: thinking) and Harmony fields (message 2: channel)" in err


def test_train_on_last_and_bad_rows(tmp_path, capsys):
    two = {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"},
                        {"role": "user", "content": "c"}, {"role": "assistant", "content": "d"}]}
    _, lines, _ = _run(tmp_path, capsys, [two], "--format", "chat", "--train-on", "last")
    ids, mask = _gen_mask(two)
    text_masked = ENC.decode_utf8([t for t, m in zip(lines[0]["input_ids"], lines[0]["mask"]) if m])
    assert lines[0]["input_ids"] == ids and text_masked == "<|channel|>final<|message|>d<|return|>"
    bad = {"messages": [{"role": "user", "content": "a"}, {"role": "tool", "content": "r"}]}
    _, lines, err = _run(tmp_path, capsys, [bad], "--format", "chat")
    assert lines == [] and "cannot render: Message has tool role, but there was no previous assistant" in err


def test_no_drop_analysis_is_refused_for_the_template(tmp_path, capsys):
    code, _, err = _run(tmp_path, capsys, [THINKING], "--format", "chat", "--no-drop-analysis")
    assert code == 2 and "--no-drop-analysis does not apply to --template gpt-oss" in err


def test_line_reader_keeps_harmony_default():
    conv = cli_dataset._line_to_conversation(json.dumps(HARMONY).encode(), True)
    assert isinstance(conv, Conversation) and conv.messages[1].channel == "final"


def test_resume_refuses_another_format(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    line = json.dumps(THINKING) + "\n"
    src.write_text(line, encoding="utf-8")
    dst = tmp_path / "out.jsonl"
    assert main(["dataset", str(src), str(dst), "-q", "--format", "chat"]) == 0
    src.write_text(line * 2, encoding="utf-8")  # more input since: resume continues after line 1
    capsys.readouterr()
    assert main(["dataset", str(src), str(dst), "--resume"]) == 1
    assert "was started with other options" in capsys.readouterr().err
    assert main(["dataset", str(src), str(dst), "--resume", "--format", "chat", "-q"]) == 0
    lines = dst.read_bytes().splitlines()
    assert len(lines) == 2 and lines[0] == lines[1]


def test_resume_keeps_the_runs_date(tmp_path, capsys, monkeypatch):
    # A chat run resumed on another day renders its system messages with the first day's date.
    src = tmp_path / "in.jsonl"
    line = json.dumps(THINKING) + "\n"
    src.write_text(line, encoding="utf-8")
    dst = tmp_path / "out.jsonl"
    monkeypatch.setattr(cli_dataset, "today", lambda: "2025-01-01")
    assert main(["dataset", str(src), str(dst), "-q", "--format", "chat"]) == 0
    src.write_text(line * 2, encoding="utf-8")
    monkeypatch.setattr(cli_dataset, "today", lambda: "2025-01-02")
    assert main(["dataset", str(src), str(dst), "--resume", "--format", "chat", "-q"]) == 0
    first, second = dst.read_bytes().splitlines()
    assert first == second
    enc = load_harmony_encoding("HarmonyGptOss")
    assert "2025-01-01" in enc.decode(json.loads(first)["input_ids"])
