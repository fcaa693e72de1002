"""The ``openai-harmony`` command line: outputs equal the library's, errors are one exact line."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from openai_harmony import (
    Conversation,
    HarmonyEncodingName,
    RenderConversationConfig,
    Role,
    load_harmony_encoding,
)
from openai_harmony import cli
from openai_harmony import _cli_dataset as cli_dataset
from openai_harmony.cli import main, show_tokens

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENC = load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)

CONVO = {
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "channel": "analysis", "content": "Greet back."},
        {"role": "assistant", "channel": "final", "content": "Hi there!"},
    ]
}
SMALL = {"messages": [{"role": "user", "content": "Hello"}, {"role": "assistant", "channel": "final", "content": "Hi!"}]}


def _conv(value: dict) -> Conversation:
    return Conversation.from_json(json.dumps(value))


def _file(tmp_path, name: str, data) -> str:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    elif isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def _run(capsys, *argv: str):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- render --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra, expected",
    [
        ((), lambda c, cfg: ENC.render_conversation_for_completion(c, Role.ASSISTANT, cfg)),
        (("--mode", "completion", "--next-role", "user"), lambda c, cfg: ENC.render_conversation_for_completion(c, Role.USER, cfg)),
        (("--mode", "training"), lambda c, cfg: ENC.render_conversation_for_training(c, cfg)),
        (("--mode", "plain"), lambda c, cfg: ENC.render_conversation(c, cfg)),
    ],
)
@pytest.mark.parametrize("drop", [True, False])
def test_render_modes(tmp_path, capsys, extra, expected, drop):
    path = _file(tmp_path, "c.json", CONVO)
    flags = () if drop else ("--no-drop-analysis",)
    code, out, err = _run(capsys, "render", path, *extra, *flags)
    assert (code, err) == (0, "")
    tokens = expected(_conv(CONVO), RenderConversationConfig(auto_drop_analysis=drop))
    assert out == json.dumps(tokens, separators=(",", ":")) + "\n"


def test_render_no_drop_analysis_differs(tmp_path, capsys):
    path = _file(tmp_path, "c.json", CONVO)
    assert _run(capsys, "render", path, "--mode", "training")[1] != _run(
        capsys, "render", path, "--mode", "training", "--no-drop-analysis"
    )[1]


def test_render_bare_list_from_stdin(monkeypatch, capsys):
    _stdin(monkeypatch, json.dumps(SMALL["messages"]).encode())
    code, out, err = _run(capsys, "render", "-", "--mode", "plain")
    assert (code, err) == (0, "")
    assert json.loads(out) == ENC.render_conversation(_conv(SMALL))


def test_render_show_brackets(tmp_path, capsys):
    path = _file(tmp_path, "c.json", SMALL)
    code, out, err = _run(capsys, "render", path, "--show")
    assert (code, err) == (0, "")
    assert out == (
        "[<|start|>][user][<|message|>][Hello][<|end|>]"
        "[<|start|>][assistant][<|channel|>][final][<|message|>][Hi][!][<|end|>]"
        "[<|start|>][assistant]\n"
    )


TWO_TURNS = {
    "messages": [
        {"role": "user", "content": "2+2?"},
        {"role": "assistant", "channel": "final", "content": "4"},
        {"role": "user", "content": "and 3+3?"},
        {"role": "assistant", "channel": "final", "content": "6"},
    ]
}


@pytest.mark.parametrize("train_on", ["all", "last"])
def test_render_train_on(tmp_path, capsys, monkeypatch, train_on):
    path = _file(tmp_path, "c.json", TWO_TURNS)
    tokens, mask = ENC.render_conversation_for_training_with_mask(_conv(TWO_TURNS), train_on=train_on)
    line = json.dumps({"input_ids": tokens, "mask": mask}, separators=(",", ":")) + "\n"
    assert _run(capsys, "render", path, "--train-on", train_on) == (0, line, "")
    assert _run(capsys, "render", path, "--train-on", train_on, "--mode", "training") == (0, line, "")
    first = "<|start|>user<|message|>2+2?<|end|><|start|>assistant"
    first += "[<|channel|>][final][<|message|>][4][<|end|>]" if train_on == "all" else "<|channel|>final<|message|>4<|end|>"
    shown = first + "<|start|>user<|message|>and 3+3?<|end|><|start|>assistant[<|channel|>][final][<|message|>][6][<|return|>]\n"
    assert _run(capsys, "render", path, "--train-on", train_on, "--show") == (0, shown, "")
    # A dataset line shows the same, from its mask or from its labels.
    _stdin(monkeypatch, line.encode())
    assert _run(capsys, "decode", "--show") == (0, shown, "")
    labels = [t if m else -100 for t, m in zip(tokens, mask)]
    _stdin(monkeypatch, json.dumps({"input_ids": tokens, "labels": labels}).encode())
    assert _run(capsys, "decode", "--show") == (0, shown, "")
    _stdin(monkeypatch, line.encode())
    assert _run(capsys, "decode") == (0, ENC.decode(tokens), "")


def test_render_train_on_errors(tmp_path, capsys, monkeypatch):
    path = _file(tmp_path, "c.json", TWO_TURNS)
    assert _run(capsys, "render", path, "--train-on", "all", "--mode", "plain") == (
        2,
        "",
        "openai-harmony: error: render: --train-on only applies to --mode training (see --help)\n",
    )
    for bad, message in [
        ({"input_ids": [1, 2], "mask": [1]}, '"mask" must be a list of 0 and 1 as long as "input_ids"'),
        ({"input_ids": [1, 2], "mask": [1, 2]}, '"mask" must be a list of 0 and 1 as long as "input_ids"'),
        ({"input_ids": [1, 2], "labels": 3}, '"labels" must be a list as long as "input_ids"'),
    ]:
        _stdin(monkeypatch, json.dumps(bad).encode())
        assert _run(capsys, "decode", "--show") == (1, "", f"openai-harmony: error: stdin: {message}\n")


def test_show_tokens_color_and_escapes():
    tokens = ENC.encode("<|start|>user\n\n\x1b🦜", allowed_special="all")
    assert show_tokens(ENC, tokens) == "[<|start|>][user][\n\n][\\x1b][\\xf0\\x9f][\\xa6][\\x9c]"
    special, even, odd, reset = "\x1b[1;97;48;5;91m", "\x1b[30;48;5;153m", "\x1b[30;48;5;223m", "\x1b[0m"
    assert show_tokens(ENC, tokens, color=True) == (
        f"{special}<|start|>{reset}{even}user{reset}"
        f"{odd}\u21b5{reset}\n{odd}\u21b5{reset}\n"
        f"{even}\\x1b{reset}{odd}\\xf0\\x9f{reset}{even}\\xa6{reset}{odd}\\x9c{reset}"
    )
    grey, grey_special = "\x1b[38;5;244m", "\x1b[1;38;5;244m"
    assert show_tokens(ENC, tokens[:3], color=True, mask=[0, 0, 1]) == (
        f"{grey_special}<|start|>{reset}{grey}user{reset}{odd}\u21b5{reset}\n{odd}\u21b5{reset}\n"
    )
    assert show_tokens(ENC, tokens[:3], mask=[0, 1, 0]) == "<|start|>[user]\n\n"


@pytest.mark.parametrize(
    "choice, tty, no_color, colored",
    [
        ("auto", False, "", False),
        ("auto", True, "", True),
        ("auto", True, "1", False),
        ("always", False, "1", True),
        ("never", True, "", False),
    ],
)
def test_render_show_color_choice(tmp_path, capsys, monkeypatch, choice, tty, no_color, colored):
    monkeypatch.setenv("NO_COLOR", no_color)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)
    path = _file(tmp_path, "c.json", SMALL)
    code, out, _ = _run(capsys, "render", path, "--show", "--color", choice)
    assert code == 0
    assert ("\x1b[" in out) is colored
    assert out.startswith("[<|start|>]") is not colored


# With pydantic installed the models raise its ValidationError; the CLI prints each of its
# errors on the one line.
_PYDANTIC_TEXTS = {
    "c.json: message 1: SystemContent.reasoning_effort: expected 'Low', 'Medium', 'High' or None, got 5":
        "c.json: message 1: SystemContent.reasoning_effort: Input should be 'Low', 'Medium' or 'High', got 5",
    "c.json: message 1: TextContent.text: field required": "c.json: message 1: TextContent.text: Field required",
}


@pytest.mark.parametrize(
    "content, message",
    [
        ("{", "c.json: invalid JSON at line 1 column 2: Expecting property name enclosed in double quotes"),
        (
            '{"messages": []}\n{"messages": []}\n',
            "c.json: invalid JSON at line 2 column 1: Extra data "
            "(render takes one conversation; use 'dataset' for JSON lines)",
        ),
        ("", "c.json: no input (expected JSON)"),
        ("3", 'c.json: expected a conversation {"messages": [...]} or a list of messages, got a number'),
        ("{}", 'c.json: expected a conversation {"messages": [...]}: no "messages" key'),
        ('{"messages": {}}', 'c.json: "messages" must be a list, got an object'),
        ('["hi"]', "c.json: message 1: expected an object, got a string"),
        ('[{"content": "x"}]', 'c.json: message 1: missing "role"'),
        ('[{"role": "user", "content": "x"}, {"role": "bob", "content": "x"}]', "c.json: message 2: Unknown role: 'bob'"),
        ('[{"role": "user", "content": 5}]', 'c.json: message 1: "content" must be a string or a list of objects'),
        ('[{"role": "user", "content": "x", "recipient": 7}]', 'c.json: message 1: "recipient" must be a string, got a number'),
        (
            '[{"role": "system", "content": [{"type": "system_content", "reasoning_effort": 5}]}]',
            "c.json: message 1: SystemContent.reasoning_effort: expected 'Low', 'Medium', 'High' or None, got 5",
        ),
        ('[{"role": "user", "content": [{"type": "text"}]}]', "c.json: message 1: TextContent.text: field required"),
        (b"\xff[]", "c.json: not valid UTF-8 (byte 0xff at offset 0)"),
    ],
)
def test_render_input_errors(tmp_path, capsys, content, message):
    from openai_harmony import _model

    if _model.pydantic_support() is not None:
        message = _PYDANTIC_TEXTS.get(message, message)
    path = _file(tmp_path, "c.json", content)
    code, out, err = _run(capsys, "render", path)
    assert (code, out) == (1, "")
    assert err == f"openai-harmony: error: {tmp_path / message}\n"


def test_render_render_error(tmp_path, capsys):
    path = _file(tmp_path, "c.json", '[{"role": "tool", "content": "x"}]')
    assert _run(capsys, "render", path) == (1, "", f"openai-harmony: error: {path}: cannot render: Tools should have a name!\n")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["render", "/nonexistent/c.json"], "cannot read /nonexistent/c.json: No such file or directory"),
    ],
)
def test_file_errors(capsys, argv, message):
    assert _run(capsys, *argv) == (1, "", f"openai-harmony: error: {message}\n")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["render", "x.json", "--mode", "training", "--next-role", "user"], "render: --next-role only applies to --mode completion"),
        (["render"], "render: the following arguments are required: FILE"),
        (["dataset", "a", "-", "--resume"], "--resume needs an output file, not '-'"),
        (["dataset", "a", "b", "--resume", "--force"], "dataset: argument --force: not allowed with argument --resume"),
    ],
)
def test_usage_errors(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    _file(tmp_path, "x.json", SMALL)
    _file(tmp_path, "a", "")
    assert _run(capsys, *argv) == (2, "", f"openai-harmony: error: {message} (see --help)\n")


def test_usage_error_invalid_choice(capsys):
    code, out, err = _run(capsys, "render", "x.json", "--mode", "chat")
    assert (code, out) == (2, "")
    # Python 3.12.8+ lists the choices without quotes.
    assert err.startswith("openai-harmony: error: render: argument --mode: invalid choice: 'chat' (choose from ")
    assert err.endswith("plain) (see --help)\n") or err.endswith("plain') (see --help)\n")
    assert err.count("\n") == 1


@pytest.mark.parametrize("command", [[], ["render"], ["parse"], ["encode"], ["decode"], ["dataset"], ["demo"]])
def test_help(capsys, command):
    code, out, err = _run(capsys, *command, "--help")
    assert (code, err) == (0, "")
    assert out.startswith("usage: openai-harmony")
    assert "\nExamples:\n  " in out


# -- parse ---------------------------------------------------------------------------


def test_parse_round_trip(tmp_path, capsys, monkeypatch):
    tokens = ENC.render_conversation(_conv(SMALL))
    _stdin(monkeypatch, json.dumps(tokens).encode())
    code, out, err = _run(capsys, "parse")
    assert (code, err) == (0, "")
    assert out == Conversation.from_messages(ENC.parse_messages_from_completion_tokens(tokens)).to_json() + "\n"
    assert json.loads(out) == _conv(SMALL).to_dict()
    path = _file(tmp_path, "t.json", tokens)
    code, out2, _ = _run(capsys, "parse", path, "--indent", "2")
    assert code == 0 and json.loads(out2) == json.loads(out) and out2.startswith('{\n  "messages": [\n')


def test_parse_role_and_strict(tmp_path, capsys):
    completion = ENC.encode("<|channel|>final<|message|>Ahoy!<|return|>", allowed_special="all")
    path = _file(tmp_path, "t.json", completion)
    code, out, _ = _run(capsys, "parse", path, "--role", "assistant")
    assert code == 0
    expected = ENC.parse_messages_from_completion_tokens(completion, Role.ASSISTANT)
    assert out == Conversation.from_messages(expected).to_json() + "\n"
    code, out, err = _run(capsys, "parse", path)
    assert (code, out) == (1, "")
    with pytest.raises(Exception) as info:
        ENC.parse_messages_from_completion_tokens(completion)
    assert err == f"openai-harmony: error: {path}: cannot parse: {info.value}\n"
    # Non-strict parsing accepts what strict parsing rejects.
    loose = ENC.encode("<|start|>user<|message|>Hi<|end|><|start|>assistant<|end|>", allowed_special="all")
    path = _file(tmp_path, "u.json", loose)
    assert _run(capsys, "parse", path)[0] == 1
    code, out, _ = _run(capsys, "parse", path, "--no-strict")
    assert code == 0 and json.loads(out)["messages"][0]["content"] == [{"type": "text", "text": "Hi"}]
    assert out == Conversation.from_messages(ENC.parse_messages_from_completion_tokens(loose, strict=False)).to_json() + "\n"


def test_parse_recover(tmp_path, capsys, monkeypatch):
    text = "<|channel|>commentary to=functions.f to=functions.f<|message|>{}<|call|><|return|>"
    tokens = ENC.encode(text, allowed_special="all")
    path = _file(tmp_path, "t.json", tokens)
    recovered = ENC.parse_messages_from_completion_tokens(tokens, Role.ASSISTANT, recover=True)
    code, out, err = _run(capsys, "parse", path, "--role", "assistant", "--recover")
    assert code == 0
    assert out == Conversation.from_messages(list(recovered)).to_json() + "\n"
    assert err == (
        f"openai-harmony: warning: {path}: at token 11 (id 200008): "
        'unexpected tokens remaining in message header: Some("to=functions.f")\n'
        f"openai-harmony: warning: {path}: at token 14 (id 200002): "
        "Unexpected token 200002 while expecting start token 200006\n"
    )
    _stdin(monkeypatch, json.dumps(ENC.encode("<|start|>assistant<|channel|>final", allowed_special="all")).encode())
    code, out, err = _run(capsys, "parse", "--recover")
    assert code == 0 and json.loads(out)["messages"][0]["channel"] == "final"
    assert err == "openai-harmony: warning: stdin: at the end: Unexpected EOS while waiting for message header to complete\n"


@pytest.mark.parametrize(
    "data, message",
    [
        ('{"a": 1}', "stdin: expected a JSON list of token ids like [200006, 1428], got an object"),
        ("[1, true]", "stdin: item 2 is not a token id: true"),
        ("[1, -3]", "stdin: item 2 is not a token id: -3"),
        ('[1, "2"]', 'stdin: item 2 is not a token id: "2"'),
        ("[1, 2", "stdin: invalid JSON at line 1 column 6: Expecting ',' delimiter"),
        ("  \n", "stdin: no input (expected JSON)"),
    ],
)
def test_token_input_errors(capsys, monkeypatch, data, message):
    for command in ("parse", "decode"):
        _stdin(monkeypatch, data.encode())
        assert _run(capsys, command) == (1, "", f"openai-harmony: error: {message}\n")


# -- encode / decode -----------------------------------------------------------------


def test_encode(capsys, monkeypatch):
    assert _run(capsys, "encode", "Hello world") == (0, json.dumps(ENC.encode("Hello world")).replace(" ", "") + "\n", "")
    text = "line one\r\nzwei 🦜\n"
    _stdin(monkeypatch, text.encode())
    code, out, _ = _run(capsys, "encode")
    assert code == 0 and json.loads(out) == ENC.encode(text)
    special = "<|start|>user<|message|>Hi<|end|>"
    code, out, _ = _run(capsys, "encode", "--allow-special", "all", special)
    assert json.loads(out) == ENC.encode(special, allowed_special="all")
    code, out, _ = _run(capsys, "encode", "--allow-special", "<|start|>,<|end|>", "--disallow-special", "none", special)
    assert json.loads(out) == ENC.encode(special, allowed_special={"<|start|>", "<|end|>"}, disallowed_special=())
    code, out, _ = _run(capsys, "encode", "--disallow-special", "none", special)
    assert json.loads(out) == ENC.encode_ordinary(special)
    code, out, _ = _run(capsys, "encode", "--show", "Hello world")
    assert out == "[Hello][ world]\n"


def test_encode_errors(capsys):
    assert _run(capsys, "encode", "a <|end|> b") == (
        1,
        "",
        "openai-harmony: error: the text contains the special token '<|end|>'; pass --allow-special all "
        "to encode special tokens as such, or --disallow-special none to encode them as plain text\n",
    )
    assert _run(capsys, "encode", "--allow-special", "<|nope|>", "x") == (
        1,
        "",
        "openai-harmony: error: --allow-special: unknown special token '<|nope|>'\n",
    )


def test_decode(tmp_path, capsys, monkeypatch):
    tokens = ENC.encode("Hello 🦜\n")
    _stdin(monkeypatch, json.dumps(tokens).encode())
    assert _run(capsys, "decode") == (0, "Hello 🦜\n", "")
    path = _file(tmp_path, "t.json", tokens[:-2])  # ends inside the parrot
    assert _run(capsys, "decode", path) == (0, ENC.decode(tokens[:-2]), "")
    code, out, err = _run(capsys, "decode", path, "--strict")
    assert (code, out) == (1, "") and err.startswith(f"openai-harmony: error: {path}: ") and err.count("\n") == 1
    line = {"input_ids": ENC.encode("Hi there"), "mask": [1, 1]}
    path = _file(tmp_path, "line.json", line)
    assert _run(capsys, "decode", path, "--show") == (0, "[Hi][ there]\n", "")
    path = _file(tmp_path, "bad.json", [1, 300000])
    assert _run(capsys, "decode", path) == (1, "", f"openai-harmony: error: {path}: Invalid token for decoding: 300000\n")


def test_demo_is_the_default(capsys):
    code, out, err = _run(capsys)
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == "prompt:"
    assert _run(capsys, "demo") == (0, out, "")


# -- dataset -------------------------------------------------------------------------


def _dataset_lines(n: int, bad: dict = None) -> bytes:
    bad = bad or {}
    lines = []
    for i in range(1, n + 1):
        if i in bad:
            lines.append(bad[i])
            continue
        convo = {
            "messages": [
                {"role": "user", "content": f"What is {i} + {i}?"},
                {"role": "assistant", "channel": "analysis", "content": "Add them."},
                {"role": "assistant", "channel": "final", "content": str(2 * i)},
                {"role": "user", "content": "Thanks"},
                {"role": "assistant", "channel": "final", "content": "You're welcome."},
            ]
        }
        lines.append(json.dumps(convo) if i % 2 else json.dumps(convo["messages"]))
    return ("\n".join(lines) + "\n").encode()


def _expected(data: bytes, train_on: str = "all", drop: bool = True, labels: bool = False) -> bytes:
    out = []
    config = RenderConversationConfig(auto_drop_analysis=drop)
    for line in data.splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
            convo = Conversation.from_json(json.dumps(value if isinstance(value, dict) else {"messages": value}))
            tokens, mask = ENC.render_conversation_for_training_with_mask(convo, config, train_on=train_on)
        except Exception:
            continue
        assert tokens == ENC.render_conversation_for_training(convo, config)
        second = [t if m else -100 for t, m in zip(tokens, mask)] if labels else mask
        key = "labels" if labels else "mask"
        out.append(json.dumps({"input_ids": tokens, key: second}, separators=(",", ":")) + "\n")
    return "".join(out).encode()


B4 = ("--batch-size", "4")  # small batches, so that every test crosses batch boundaries


@pytest.mark.parametrize("train_on", ["all", "last"])
@pytest.mark.parametrize("flags", [(), ("--labels",), ("--no-drop-analysis", "--threads", "1")])
def test_dataset_matches_library(tmp_path, capsys, train_on, flags):
    data = _dataset_lines(10)
    src = _file(tmp_path, "in.jsonl", data)
    dst = str(tmp_path / "out.jsonl")
    code, out, err = _run(capsys, "dataset", *B4, src, dst, "--train-on", train_on, *flags)
    assert (code, out) == (0, "")
    assert err.startswith(f"openai-harmony: 10 examples in {dst} (10 lines read) in ")
    expected = _expected(data, train_on, "--no-drop-analysis" not in flags, "--labels" in flags)
    assert (tmp_path / "out.jsonl").read_bytes() == expected
    # The record of the finished run stays, for an exact --resume later.
    state = json.loads((tmp_path / "out.jsonl.progress").read_bytes())
    assert (state["lines_read"], state["input_offset"], state["output_bytes"]) == (10, len(data), len(expected))


def test_dataset_stdin_stdout_blank_lines_crlf(capsys, monkeypatch):
    data = _dataset_lines(5).replace(b"\n", b"\r\n") + b"\n  \n"
    _stdin(monkeypatch, b"\xef\xbb\xbf" + data)
    code, out, err = _run(capsys, "dataset", *B4, "-", "-", "-q")
    assert (code, err) == (0, "")
    assert out.encode() == _expected(data)


BAD = {
    3: '{"messages": [{"role": "bob", "content": "x"}]}',
    6: '{"messages": [',
    7: "",
    9: '[{"role": "tool", "content": "x"}]',
}


def test_dataset_skip(tmp_path, capsys):
    data = _dataset_lines(10, BAD)
    src = _file(tmp_path, "in.jsonl", data)
    dst = str(tmp_path / "out.jsonl")
    code, _, err = _run(capsys, "dataset", *B4, src, dst, "--on-error", "skip")
    lines = err.splitlines()
    assert code == 0
    assert lines[:2] == [
        "openai-harmony: skipped line 3: message 1: Unknown role: 'bob'",
        "openai-harmony: skipped line 6: invalid JSON at column 15: Expecting value",
    ]
    assert lines[2] == "openai-harmony: skipped line 9: cannot render: Tools should have a name!"
    assert lines[3].startswith(f"openai-harmony: 6 examples in {dst} (10 lines read, 3 skipped) in ")
    assert len(lines) == 4
    assert (tmp_path / "out.jsonl").read_bytes() == _expected(data)
    # The same with a report file: stderr has only the summary.
    code, _, err = _run(capsys, "dataset", *B4, src, dst, "--on-error", "skip", "--force", "--errors", str(tmp_path / "e.txt"))
    assert code == 0
    assert err.startswith(f"openai-harmony: 6 examples in {dst} (10 lines read, 3 skipped: see {tmp_path / 'e.txt'}) in ")
    assert err.count("\n") == 1
    report = (tmp_path / "e.txt").read_text().splitlines()
    assert [r.split(":")[0] for r in report] == ["line 3", "line 6", "line 9"]
    assert report[1] == "line 6: invalid JSON at column 15: Expecting value"


def test_dataset_stop_then_resume(tmp_path, capsys):
    data = _dataset_lines(10, BAD)
    src = _file(tmp_path, "in.jsonl", data)
    dst = str(tmp_path / "out.jsonl")
    report = tmp_path / "e.txt"
    code, _, err = _run(capsys, "dataset", *B4, src, dst, "--errors", str(report))
    assert code == 1
    assert err == (
        "openai-harmony: error: line 3: message 1: Unknown role: 'bob' (2 examples written; "
        "fix the line and re-run with --resume, or pass --on-error skip)\n"
    )
    assert report.read_text() == "line 3: message 1: Unknown role: 'bob'\n"
    assert (tmp_path / "out.jsonl").read_bytes() == _expected(b"\n".join(data.splitlines()[:2]))
    # Without --resume or --force the output is not touched.
    assert _run(capsys, "dataset", *B4, src, dst) == (
        1,
        "",
        f"openai-harmony: error: {dst} already exists; pass --resume to continue it or --force to overwrite it\n",
    )
    # The report must be resumed with it.
    assert _run(capsys, "dataset", *B4, src, dst, "--resume") == (
        1,
        "",
        f"openai-harmony: error: {dst} was started with --errors {report}; resume with the same, "
        "or start over with --force\n",
    )
    # Fix line 3 and resume: the run stops at line 6 next, and line 3 is no longer reported.
    lines = data.split(b"\n")
    lines[2] = json.dumps([{"role": "user", "content": "fixed"}]).encode()
    data = b"\n".join(lines)
    src = _file(tmp_path, "in.jsonl", data)
    code, _, err = _run(capsys, "dataset", *B4, src, dst, "--resume", "--errors", str(report))
    assert code == 1 and err.startswith("openai-harmony: error: line 6: invalid JSON at column 15: Expecting value (5 examples")
    assert report.read_text() == "line 6: invalid JSON at column 15: Expecting value\n"
    code, _, err = _run(capsys, "dataset", *B4, src, dst, "--resume", "--on-error", "skip", "--errors", str(report))
    assert code == 0
    assert err.splitlines()[-1].startswith(f"openai-harmony: 7 examples in {dst} (10 lines read, 2 skipped: see {report})")
    assert (tmp_path / "out.jsonl").read_bytes() == _expected(data)
    assert report.read_text() == (
        "line 6: invalid JSON at column 15: Expecting value\nline 9: cannot render: Tools should have a name!\n"
    )


def test_dataset_resume_after_crash(tmp_path, capsys):
    data = _dataset_lines(10)
    expected = _expected(data)
    src = _file(tmp_path, "in.jsonl", data)
    dst = tmp_path / "out.jsonl"
    # A run that got through 6 lines (here: the first 6 lines were all there was), then died
    # while writing the next batch, leaving a torn line.
    _file(tmp_path, "in6.jsonl", b"".join(data.splitlines(True)[:6]))
    assert _run(capsys, "dataset", *B4, str(tmp_path / "in6.jsonl"), str(dst), "-q")[0] == 0
    with open(dst, "ab") as f:
        f.write(expected.splitlines(True)[6][:25])
    code, _, err = _run(capsys, "dataset", *B4, src, str(dst), "--resume")
    assert code == 0 and err.startswith(f"openai-harmony: 10 examples in {dst} (10 lines read)")
    assert dst.read_bytes() == expected


def test_dataset_resume_a_finished_run(tmp_path, capsys):
    # Skipped bad lines and repeated conversations: counting output lines cannot tell where
    # the input was (it used to add the last line again: 2 -> 3 lines, exit 0).
    a = json.dumps([{"role": "user", "content": "A"}])
    data = f"not json\n{a}\n{a}\n".encode()
    src = _file(tmp_path, "in.jsonl", data)
    dst = tmp_path / "out.jsonl"
    assert _run(capsys, "dataset", *B4, src, str(dst), "--on-error", "skip", "-q") == (0, "", "")
    assert dst.read_bytes() == _expected(data) and len(_expected(data).splitlines()) == 2
    code, _, err = _run(capsys, "dataset", *B4, src, str(dst), "--on-error", "skip", "--resume")
    assert code == 0 and err.startswith(f"openai-harmony: 2 examples in {dst} (3 lines read, 1 skipped) in ")
    assert dst.read_bytes() == _expected(data)
    # Lines appended to the input since are added, exactly once.
    data += a.encode() + b"\n"
    _file(tmp_path, "in.jsonl", data)
    assert _run(capsys, "dataset", *B4, src, str(dst), "--on-error", "skip", "--resume", "-q") == (0, "", "")
    assert dst.read_bytes() == _expected(data) and len(_expected(data).splitlines()) == 3


def test_dataset_resume_refuses_what_it_cannot_prove(tmp_path, capsys):
    data = _dataset_lines(10)
    expected = _expected(data)
    src = _file(tmp_path, "in.jsonl", data)
    dst = tmp_path / "out.jsonl"
    state_path = tmp_path / "out.jsonl.progress"
    # No progress record beside a non-empty output (made by another tool, or by hand).
    dst.write_bytes(b"".join(expected.splitlines(True)[:4]))
    refused = (
        1,
        "",
        f"openai-harmony: error: cannot resume: there is no {state_path} to show how far {dst} got; "
        "start over with --force\n",
    )
    assert _run(capsys, "dataset", *B4, src, str(dst), "--resume") == refused
    assert dst.read_bytes() == b"".join(expected.splitlines(True)[:4]) and not state_path.exists()
    # An empty output without a record: nothing to lose, start from the beginning.
    dst.write_bytes(b"")
    assert _run(capsys, "dataset", *B4, src, str(dst), "--resume", "-q") == (0, "", "")
    assert dst.read_bytes() == expected
    state = json.loads(state_path.read_bytes())
    # The input changed inside the part already converted (same length, other bytes).
    _file(tmp_path, "in.jsonl", data.replace(b"What is 3 + 3", b"What is 3 - 3"))
    assert _run(capsys, "dataset", *B4, src, str(dst), "--resume") == (
        1,
        "",
        f"openai-harmony: error: {src} changed since {dst} was started (its first {len(data):,} bytes differ); "
        "cannot resume\n",
    )
    # ... or is shorter than what was converted.
    _file(tmp_path, "in.jsonl", data[:-10])
    assert _run(capsys, "dataset", *B4, src, str(dst), "--resume") == (
        1,
        "",
        f"openai-harmony: error: {src} is shorter than {len(data):,} bytes, where {dst} got to; cannot resume\n",
    )
    _file(tmp_path, "in.jsonl", data)
    # The output is shorter than recorded.
    dst.write_bytes(expected[:-1])
    assert _run(capsys, "dataset", *B4, src, str(dst), "--resume") == (
        1,
        "",
        f"openai-harmony: error: {dst} is shorter than {state_path} records ({len(expected) - 1:,} < "
        f"{len(expected):,} bytes); cannot resume safely (start over with --force)\n",
    )
    dst.write_bytes(expected)
    # A damaged record, or one whose options do not match their digest.
    damaged = (
        1,
        "",
        f"openai-harmony: error: {state_path} is damaged or from another version; cannot resume "
        "(start over with --force)\n",
    )
    for bad in (
        b"{",
        json.dumps(dict(state, version=1)).encode(),
        json.dumps(dict(state, output_bytes=-1)).encode(),
        json.dumps(dict(state, options=dict(state["options"], train_on="last"))).encode(),
    ):
        state_path.write_bytes(bad)
        assert _run(capsys, "dataset", *B4, src, str(dst), "--resume") == damaged
    assert dst.read_bytes() == expected


def test_dataset_to_a_device(tmp_path, capsys):
    src = _file(tmp_path, "in.jsonl", _dataset_lines(3))
    code, _, err = _run(capsys, "dataset", *B4, src, os.devnull)
    assert code == 0 and err.startswith(f"openai-harmony: 3 examples in {os.devnull} (3 lines read)")
    assert not os.path.exists(os.devnull + ".progress")
    assert _run(capsys, "dataset", *B4, src, os.devnull, "--resume") == (
        1,
        "",
        f"openai-harmony: error: --resume needs a regular output file; {os.devnull} is not one\n",
    )


def test_dataset_resume_checks_options(tmp_path, capsys):
    src = _file(tmp_path, "in.jsonl", _dataset_lines(10, {5: "nope"}))
    dst = str(tmp_path / "out.jsonl")
    assert _run(capsys, "dataset", *B4, src, dst, "--train-on", "last")[0] == 1
    assert _run(capsys, "dataset", *B4, src, dst, "--resume") == (
        1,
        "",
        f"openai-harmony: error: {dst} was started with other options (train_on='last'); "
        "resume with the same options, or start over with --force\n",
    )


def _spawn_dataset(*args: str) -> subprocess.Popen:
    """``dataset - ARGS...`` as a process reading a pipe, so a test controls how far it can get."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, "-m", "openai_harmony", "dataset", "-", *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )


def _wait_for_record(state_path, lines: int) -> None:
    """Wait until the progress record at *state_path* says *lines* input lines were committed."""
    import time

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if json.loads(state_path.read_bytes())["lines_read"] == lines:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    raise AssertionError(f"no record of {lines} lines in {state_path}")


@pytest.mark.parametrize("signame, code, what", [("SIGTERM", 143, "terminated"), ("SIGINT", 130, "interrupted")])
def test_dataset_signal_keeps_what_was_read(tmp_path, signame, code, what):
    # Six lines in batches of 4: the first batch is recorded, the process waits for the rest of
    # the second when the signal comes; --resume (the whole input again) completes the output.
    import signal

    data = _dataset_lines(12)
    lines = data.splitlines(True)
    dst = tmp_path / "out.jsonl"
    proc = _spawn_dataset(str(dst), *B4)
    proc.stdin.write(b"".join(lines[:6]))
    proc.stdin.flush()
    _wait_for_record(tmp_path / "out.jsonl.progress", 4)
    proc.send_signal(getattr(signal, signame))
    _, err = proc.communicate(timeout=120)
    assert (proc.returncode, err.decode()) == (
        code,
        f"openai-harmony: {what} after line 4: 4 examples in {dst}; re-run the same command with --resume to continue\n",
    )
    assert dst.read_bytes() == _expected(b"".join(lines[:4]))
    proc = _module("dataset", "-", str(dst), "--resume", "-q", *B4, stdin=data)
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert dst.read_bytes() == _expected(data)


def test_dataset_resume_when_the_last_line_has_no_line_break(tmp_path, capsys):
    # The record of a run that read all of an input whose last line has no line break points
    # at the end of the input, and --resume must accept it.
    data = _dataset_lines(3).rstrip(b"\n")
    src = _file(tmp_path, "in.jsonl", data)
    dst = tmp_path / "out.jsonl"
    assert _run(capsys, "dataset", *B4, src, str(dst), "-q") == (0, "", "")
    assert dst.read_bytes() == _expected(data)
    # Text added to that last line since is a change to a line already converted.
    _file(tmp_path, "in.jsonl", data + b" ")
    assert _run(capsys, "dataset", *B4, src, str(dst), "--resume") == (
        1,
        "",
        f"openai-harmony: error: {src} changed since {dst} was started (no line break before byte {len(data)}); "
        "cannot resume\n",
    )
    _file(tmp_path, "in.jsonl", data)
    assert _run(capsys, "dataset", *B4, src, str(dst), "--resume", "-q") == (0, "", "")
    assert dst.read_bytes() == _expected(data)


def test_dataset_progress_on_terminal(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    src = _file(tmp_path, "in.jsonl", _dataset_lines(10))
    dst = str(tmp_path / "out.jsonl")
    code, _, err = _run(capsys, "dataset", *B4, src, dst)
    assert code == 0
    assert err.startswith("\r[#########...............]  39.9%  4 lines  ") and " lines/s  ETA 0:00:00\x1b[K\r" in err
    bar, summary = err.rsplit("\r\x1b[K", 1)
    assert summary.startswith(f"openai-harmony: 10 examples in {dst}")
    assert _run(capsys, "dataset", *B4, src, dst, "--force", "--no-progress")[2].startswith("openai-harmony: 10 examples")


def test_dataset_file_errors(tmp_path, capsys):
    dst = str(tmp_path / "out.jsonl")
    assert _run(capsys, "dataset", *B4, str(tmp_path / "nope.jsonl"), dst) == (
        1,
        "",
        f"openai-harmony: error: cannot read {tmp_path / 'nope.jsonl'}: No such file or directory\n",
    )
    src = _file(tmp_path, "in.jsonl", _dataset_lines(2))
    assert _run(capsys, "dataset", *B4, src, src, "--force") == (
        1,
        "",
        "openai-harmony: error: the input and the output are the same file\n",
    )
    assert _run(capsys, "dataset", *B4, src, str(tmp_path / "no" / "out.jsonl")) == (
        1,
        "",
        f"openai-harmony: error: cannot write {tmp_path / 'no' / 'out.jsonl'}: No such file or directory\n",
    )


# -- as a process --------------------------------------------------------------------


def _module(*args: str, stdin: bytes = b""):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run(
        [sys.executable, "-m", "openai_harmony", *args], input=stdin, env=env, capture_output=True, timeout=120
    )


def test_python_m_exit_codes():
    proc = _module("render", "-", "--mode", "training", stdin=json.dumps(SMALL).encode())
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert json.loads(proc.stdout) == ENC.render_conversation_for_training(_conv(SMALL))
    proc = _module("parse", stdin=b"[200006, 1428]")
    assert (proc.returncode, proc.stdout) == (1, b"")
    assert proc.stderr == (
        b"openai-harmony: error: stdin: cannot parse: Unexpected EOS while waiting for message header to complete\n"
    )
    proc = _module("render", "--bogus")
    assert proc.returncode == 2 and proc.stderr.count(b"\n") == 1


def test_readme_examples(tmp_path, capsys, monkeypatch):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        section = f.read().split("## Command line\n", 1)[1].split("\n## ", 1)[0]
    lines = re.findall(r"```bash\n(.*?)```", section, re.S)[0].splitlines()
    monkeypatch.chdir(tmp_path)
    assert lines[0].startswith("echo '") and lines[0].endswith("' > convo.json")
    (tmp_path / "convo.json").write_text(lines[0][6:-14] + "\n")
    checked = 0
    for command, output in zip(lines, lines[1:]):
        if command.startswith("openai-harmony ") and not output.startswith(("openai-harmony ", "echo ")):
            argv = shlex.split(command, comments=True)[1:]
            code, out, err = _run(capsys, *argv)
            assert (code, err, out) == (0, "", output + "\n")
            checked += 1
    assert checked == 2


def test_python_m_dataset_ctrl_c(tmp_path):
    # A real SIGINT, sent while the process waits for more input after two full batches:
    # both batches are kept, and --resume (same input again) completes the output exactly.
    import signal
    import time

    data = _dataset_lines(2 * cli_dataset.BATCH_LINES + 100)
    expected = _expected(data)
    dst = tmp_path / "out.jsonl"
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(
        [sys.executable, "-m", "openai_harmony", "dataset", "-", str(dst)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    head = b"".join(data.splitlines(True)[: 2 * cli_dataset.BATCH_LINES + 50])
    proc.stdin.write(head)
    proc.stdin.flush()
    done = b"".join(expected.splitlines(True)[: 2 * cli_dataset.BATCH_LINES])
    deadline = time.monotonic() + 120
    while (not dst.exists() or dst.stat().st_size < len(done)) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err == (
        f"openai-harmony: interrupted after line {2 * cli_dataset.BATCH_LINES:,}: {2 * cli_dataset.BATCH_LINES:,} examples in {dst}; "
        "re-run the same command with --resume to continue\n"
    ).encode()
    assert dst.read_bytes() == done
    proc = subprocess.run(
        [sys.executable, "-m", "openai_harmony", "dataset", "-", str(dst), "--resume", "-q"],
        input=data,
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert dst.read_bytes() == expected
