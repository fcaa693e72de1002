"""Command line: ``openai-harmony`` (or ``python -m openai_harmony``).

Subcommands ``render``, ``parse``, ``encode``, ``decode``, ``dataset`` and ``demo``; run
``openai-harmony COMMAND --help`` for each one's options and examples. Errors are one line
on stderr (``openai-harmony: error: ...``) with a non-zero exit status: 1 for bad input or
a failed operation, 2 for bad usage, 130 after Ctrl-C (143 after SIGTERM in ``dataset``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
from typing import AbstractSet, Any, Callable, List, NoReturn, Optional, Sequence

from . import _cli_dataset
from ._cli_common import (
    _INPUT_ERRORS,
    PROG,
    CLIError,
    _encoding,
    _error_text,
    _example_line,
    _json_type,
    _one_line,
    _os_error_text,
    _UsageError,
    _utf8_error_text,
    _where,
    conversation_from_json,
)
from .chat import Conversation, Message, RenderConversationConfig, Role
from .errors import HarmonyError

__all__ = ["main", "build_parser", "conversation_from_json", "show_tokens"]

_ROLES = [r.value for r in Role]


class _Parser(argparse.ArgumentParser):
    # argparse prints the usage block and exits; we want one line and a return code.
    def error(self, message: str) -> NoReturn:
        sub = self.prog[len(PROG) + 1 :] if self.prog.startswith(PROG + " ") else ""
        raise _UsageError(f"{sub}: {message}" if sub else message)


# -- input ---------------------------------------------------------------------------


def _read_bytes(path: str) -> bytes:
    if path == "-":
        stdin = sys.stdin
        if stdin is None:
            raise CLIError("no standard input")
        buf = getattr(stdin, "buffer", None)
        if buf is not None:
            data: bytes = buf.read()
            return data
        return stdin.read().encode("utf-8", "surrogateescape")
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise CLIError(_os_error_text("read", path, e)) from None


def _decode_utf8(data: bytes, what: str, bom: bool = True) -> str:
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as e:
        raise CLIError(f"{what}: {_utf8_error_text(data, e)}") from None


def _json_error(e: json.JSONDecodeError) -> str:
    return f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}"


def _load_json(path: str, hint: str = "") -> Any:
    what = _where(path)
    text = _decode_utf8(_read_bytes(path), what)
    if not text.strip():
        raise CLIError(f"{what}: no input (expected JSON)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        extra = f" ({hint})" if hint and e.msg == "Extra data" else ""
        raise CLIError(f"{what}: {_json_error(e)}{extra}") from None
    except RecursionError:
        raise CLIError(f"{what}: JSON nested too deeply") from None


def _tokens_from_json(value: Any, what: str) -> List[int]:
    if isinstance(value, dict) and isinstance(value.get("input_ids"), list):
        value = value["input_ids"]  # a line of `dataset` output
    if not isinstance(value, list):
        raise CLIError(f"{what}: expected a JSON list of token ids like [200006, 1428], got {_json_type(value)}")
    for i, t in enumerate(value):
        if type(t) is not int or not 0 <= t < 1 << 32:
            raise CLIError(f"{what}: item {i + 1} is not a token id: {json.dumps(t)[:40]}")
    return value


def _mask_from_json(value: Any, length: int, what: str) -> Optional[List[int]]:
    """The loss mask of a ``dataset`` output line (its "mask", or "labels" != -100), if any."""
    if not isinstance(value, dict):
        return None
    if "mask" in value:
        mask = value["mask"]
        if not isinstance(mask, list) or len(mask) != length or any(m not in (0, 1) for m in mask):
            raise CLIError(f'{what}: "mask" must be a list of 0 and 1 as long as "input_ids"')
        return [int(m) for m in mask]
    if "labels" in value:
        labels = value["labels"]
        if not isinstance(labels, list) or len(labels) != length:
            raise CLIError(f'{what}: "labels" must be a list as long as "input_ids"')
        return [0 if x == -100 else 1 for x in labels]
    return None


# -- output --------------------------------------------------------------------------


def _write(text: str) -> None:
    out = sys.stdout
    try:
        out.write(text)
    except UnicodeEncodeError:
        # A terminal or pipe in a non-UTF-8 locale: send the UTF-8 bytes anyway.
        out.flush()
        out.buffer.write(text.encode("utf-8", "surrogateescape"))
    out.flush()


def _tokens_json(tokens: Sequence[int]) -> str:
    return "[" + ",".join(map(str, tokens)) + "]"


_RESET = "\x1b[0m"
_STYLES = ("\x1b[30;48;5;153m", "\x1b[30;48;5;223m")  # black on light blue / light peach
_SPECIAL_STYLE = "\x1b[1;97;48;5;91m"  # bold white on purple
_MASKED_STYLES = ("\x1b[38;5;244m", "\x1b[38;5;250m")  # two greys, no background
_MASKED_SPECIAL_STYLE = "\x1b[1;38;5;244m"
_CONTROL = {c: f"\\x{c:02x}" for c in list(range(32)) + [127] if c not in (9, 10)}


def show_tokens(
    encoding: Any, tokens: Sequence[int], *, color: bool = False, mask: Optional[Sequence[int]] = None
) -> str:
    """Decoded text of *tokens* with every token boundary visible.

    Without colour each token is wrapped in brackets (``[<|start|>][user][<|message|>]...``);
    with colour ordinary tokens alternate two background colours and special tokens get a
    third, bold style. With a loss *mask*, only the trained tokens (mask 1) are bracketed or
    coloured; the others are plain text (grey on a terminal). Bytes that are not UTF-8 on
    their own (a character split across tokens) appear as ``\\xNN``; control characters other
    than tab and newline are escaped too.
    """
    parts: List[str] = []
    n = 0
    for i, t in enumerate(tokens):
        text = encoding.decode_bytes([t]).decode("utf-8", "backslashreplace").translate(_CONTROL)
        trained = mask is None or mask[i]
        if not color:
            parts.append(f"[{text}]" if trained else text)
            continue
        if encoding.is_special_token(t):
            style = _SPECIAL_STYLE if trained else _MASKED_SPECIAL_STYLE
        else:
            style = (_STYLES if trained else _MASKED_STYLES)[n & 1]
            n += 1
        # Colour each line on its own (a background spanning a newline bleeds on some
        # terminals) and make newlines themselves visible.
        lines = text.split("\n")
        for j, line in enumerate(lines):
            if j < len(lines) - 1:
                line += "\u21b5"
            if line:
                parts.append(style + line + _RESET)
            if j < len(lines) - 1:
                parts.append("\n")
    return "".join(parts)


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())


def _emit_tokens(args: argparse.Namespace, enc: Any, tokens: List[int], mask: Optional[List[int]] = None) -> None:
    if getattr(args, "show", False):
        text = show_tokens(enc, tokens, color=_use_color(args.color), mask=mask)
        _write(text + "\n")
    elif mask is not None:
        _write(_example_line(tokens, mask, False).decode("ascii"))
    else:
        _write(_tokens_json(tokens) + "\n")


# -- commands ------------------------------------------------------------------------


def _cmd_render(args: argparse.Namespace) -> int:
    if args.train_on is not None:
        if args.mode not in (None, "training"):
            raise _UsageError("render: --train-on only applies to --mode training")
        args.mode = "training"
    args.mode = args.mode or "completion"
    if args.next_role is not None and args.mode != "completion":
        raise _UsageError("render: --next-role only applies to --mode completion")
    what = _where(args.file)
    value = _load_json(args.file, hint="render takes one conversation; use 'dataset' for JSON lines")
    try:
        convo = conversation_from_json(value)
    except ValueError as e:
        raise CLIError(f"{what}: {e}") from None
    enc = _encoding()
    config = RenderConversationConfig(auto_drop_analysis=not args.no_drop_analysis)
    mask = None
    try:
        if args.train_on is not None:
            tokens, mask = enc.render_conversation_for_training_with_mask(convo, config, train_on=args.train_on)
        elif args.mode == "completion":
            tokens = enc.render_conversation_for_completion(convo, Role(args.next_role or "assistant"), config)
        elif args.mode == "training":
            tokens = enc.render_conversation_for_training(convo, config)
        else:
            tokens = enc.render_conversation(convo, config)
    except _INPUT_ERRORS as e:
        raise CLIError(f"{what}: cannot render: {_error_text(e)}") from None
    _emit_tokens(args, enc, tokens, mask)
    return 0


def _cmd_parse(args: argparse.Namespace) -> int:
    what = _where(args.file)
    tokens = _tokens_from_json(_load_json(args.file), what)
    enc = _encoding()
    role = Role(args.role) if args.role else None
    try:
        if args.recover:
            messages = enc.parse_messages_from_completion_tokens(tokens, role, strict=not args.no_strict, recover=True)
        else:
            messages = enc.parse_messages_from_completion_tokens(tokens, role, strict=not args.no_strict)
    except _INPUT_ERRORS as e:
        raise CLIError(f"{what}: cannot parse: {_error_text(e)}") from None
    for issue in getattr(messages, "errors", ()):
        at = f"token {issue.position} (id {issue.token})" if issue.token is not None else "the end"
        sys.stderr.write(f"{PROG}: warning: {what}: at {at}: {_one_line(issue.reason)}\n")
    convo = Conversation.from_messages(list(messages))
    if args.indent is None:
        _write(convo.to_json() + "\n")
    else:
        _write(json.dumps(convo.to_dict(), indent=args.indent) + "\n")
    return 0


def _special_set(values: List[str], option: str, known: AbstractSet[str]) -> Any:
    if any(v == "all" for v in values):
        return "all"
    out = set()
    for v in values:
        for name in v.split(","):
            name = name.strip()
            if not name or name == "none":
                continue
            if name not in known:
                raise CLIError(f"{option}: unknown special token {name!r}")
            out.add(name)
    return out


def _cmd_encode(args: argparse.Namespace) -> int:
    if args.text is None or args.text == "-":
        text = _decode_utf8(_read_bytes("-"), "stdin", bom=False)
    else:
        text = args.text
    enc = _encoding()
    allowed = _special_set(args.allow_special or [], "--allow-special", enc.special_tokens_set)
    disallowed = _special_set(args.disallow_special or ["all"], "--disallow-special", enc.special_tokens_set)
    try:
        tokens = enc.encode(text, allowed_special=allowed, disallowed_special=disallowed)
    except HarmonyError as e:
        m = re.match(r"Encountered text corresponding to disallowed special token ('[^']*'|\"[^\"]*\")", str(e))
        if m:
            raise CLIError(
                f"the text contains the special token {m.group(1)}; pass --allow-special all to encode "
                "special tokens as such, or --disallow-special none to encode them as plain text"
            ) from None
        raise CLIError(_error_text(e)) from None
    _emit_tokens(args, enc, tokens)
    return 0


def _cmd_decode(args: argparse.Namespace) -> int:
    what = _where(args.file)
    value = _load_json(args.file)
    tokens = _tokens_from_json(value, what)
    enc = _encoding()
    if args.show:
        mask = _mask_from_json(value, len(tokens), what)
        try:
            _emit_tokens(args, enc, tokens, mask)
        except _INPUT_ERRORS as e:
            raise CLIError(f"{what}: {_error_text(e)}") from None
        return 0
    try:
        text = enc.decode_utf8(tokens) if args.strict else enc.decode(tokens)
    except _INPUT_ERRORS as e:
        raise CLIError(f"{what}: {_error_text(e)}") from None
    isatty = getattr(sys.stdout, "isatty", None)
    if text and not text.endswith("\n") and isatty and isatty():
        text += "\n"  # keep the shell prompt off the text; pipes get the exact text
    _write(text)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from . import DeveloperContent, SystemContent
    from ._backend import backend_reason

    enc = _encoding()
    convo = Conversation.from_messages(
        [
            Message.from_role_and_content(Role.SYSTEM, SystemContent.new().with_conversation_start_date("2026-11-25")),
            Message.from_role_and_content(
                Role.DEVELOPER, DeveloperContent.new().with_instructions("Talk like a pirate!")
            ),
            Message.from_role_and_content(Role.USER, "Arrr, how be you?"),
        ]
    )
    tokens = enc.render_conversation_for_completion(convo, Role.ASSISTANT)
    lines = [f"backend: {backend_reason()}", "prompt:", enc.decode(tokens), f"prompt tokens ({len(tokens)}): {tokens[:12]} ..."]
    completion = enc.encode(
        "<|channel|>analysis<|message|>User greets; answer as a pirate.<|end|>"
        "<|start|>assistant<|channel|>final<|message|>Ahoy! Fair winds, matey.<|return|>",
        allowed_special="all",
    )
    lines.append("parsed completion:")
    for message in enc.parse_messages_from_completion_tokens(completion, Role.ASSISTANT):
        lines.append(f"  {message.to_json()}")
    _write("\n".join(lines) + "\n")
    return 0


def _cmd_dataset(args: argparse.Namespace) -> int:
    if args.no_drop_analysis and args.format == "chat" and args.template == "gpt-oss":
        # The template has its own analysis rules; the option would silently do nothing.
        raise _UsageError("dataset: --no-drop-analysis does not apply to --template gpt-oss")
    return _cli_dataset.run_dataset(args, _encoding)


# -- argument parsing ----------------------------------------------------------------

# Keeps the line breaks of the descriptions and epilogs (the examples).
_HELP_FORMAT = argparse.RawDescriptionHelpFormatter

_MAIN_EPILOG = """\
Run without a command for a short demo (render a conversation, parse a completion).

Examples:
  openai-harmony render convo.json                  # prompt tokens, ready for sampling
  openai-harmony render convo.json --show           # see every token boundary
  openai-harmony parse --role assistant out.json    # completion tokens -> messages
  openai-harmony encode 'Hello world'
  echo '[13225, 2375]' | openai-harmony decode
  openai-harmony dataset train.jsonl train.tok.jsonl --train-on last
"""

_RENDER_EPILOG = """\
The input is one conversation in the canonical JSON of Conversation.to_json(),
{"messages": [{"role": "user", "content": "Hi"}, ...]}, or a bare list of messages.
Prints the tokens as one JSON list.

Examples:
  openai-harmony render convo.json
  openai-harmony render convo.json --mode training
  openai-harmony render convo.json --mode completion --next-role assistant
  openai-harmony render convo.json --train-on last --show   # which tokens are trained
  echo '[{"role": "user", "content": "Hi"}]' | openai-harmony render - --show
"""

_PARSE_EPILOG = """\
Prints the messages as a conversation in canonical JSON ({"messages": [...]}, as
Conversation.to_json(); 'render --mode plain' turns it back into tokens).

Examples:
  openai-harmony parse tokens.json
  openai-harmony encode --allow-special all '<|start|>user<|message|>Hi<|end|>' | openai-harmony parse
  openai-harmony parse --role assistant completion.json   # prompt ended in <|start|>assistant
  openai-harmony parse --role assistant --recover completion.json   # malformed model output
"""

_ENCODE_EPILOG = """\
Examples:
  openai-harmony encode 'Hello world'
  openai-harmony encode - < text.txt                # stdin, byte for byte
  openai-harmony encode --allow-special all '<|start|>user<|message|>Hi<|end|>'
  openai-harmony encode --disallow-special none 'literal <|end|> as text'
"""

_DECODE_EPILOG = """\
The input is a JSON list of token ids, or a 'dataset' output line (then --show brackets
only the trained tokens). The text is written exactly; only on a terminal is a final
newline added.

Examples:
  echo '[13225, 2375]' | openai-harmony decode
  openai-harmony decode tokens.json --show
  head -1 train.tok.jsonl | openai-harmony decode --show
"""

_DATASET_EPILOG = """\
Each input line is one conversation (canonical JSON, or a list of messages); blank lines
are ignored. Each output line is {"input_ids": [...], "mask": [...]} where mask is 1 for
tokens to train on, or with --labels {"input_ids": [...], "labels": [...]} with -100 for
masked-out tokens (what Hugging Face trainers expect). Line numbers start at 1.

Output is written in batches; after each one OUT and the --errors report are synced to
disk and OUT.progress records how far the run got (input offset and digest, output and
report sizes, the options). After a crash, Ctrl-C, SIGTERM or --on-error stop, re-run the
same command with --resume: it checks the input and the options still match, cuts OUT and
the report back to the last record and continues there; what it cannot verify it refuses.
OUT.progress is kept after a finished run, so --resume there is exact too (it only adds
lines appended to the input since). Input and output files must all be different files.

Examples:
  openai-harmony dataset train.jsonl train.tok.jsonl
  openai-harmony dataset train.jsonl train.tok.jsonl --train-on last --labels
  openai-harmony dataset train.jsonl train.tok.jsonl --on-error skip --errors bad.txt
  openai-harmony dataset train.jsonl train.tok.jsonl --resume
  zcat big.jsonl.gz | openai-harmony dataset - big.tok.jsonl
"""


def _positive_int(text: str) -> int:
    value = _natural_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _natural_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _add_show(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--show",
        action="store_true",
        help="print the decoded text with token boundaries visible instead of token ids",
    )
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour for --show: auto = on a terminal unless NO_COLOR is set (default: auto)",
    )


def _add_render(sub: Any) -> None:
    """The ``render`` subcommand's options."""
    p = sub.add_parser(
        "render", help="render a conversation to tokens", epilog=_RENDER_EPILOG, formatter_class=_HELP_FORMAT,
        description="Render a conversation (JSON) to tokens.",
    )
    p.add_argument("file", metavar="FILE", help="conversation JSON file, or - for stdin")
    p.add_argument(
        "--mode",
        choices=("completion", "training", "plain"),
        help="completion: add the header of the next turn (render_conversation_for_completion); "
        "training: end a final assistant message with <|return|> (render_conversation_for_training); "
        "plain: the messages only (render_conversation). Default: completion",
    )
    p.add_argument("--next-role", choices=_ROLES, help="role of the next turn for --mode completion (default: assistant)")
    p.add_argument(
        "--train-on",
        choices=("all", "last"),
        help="with the loss mask of every assistant message or of the final assistant turn: prints "
        'a \'dataset\' line {"input_ids": [...], "mask": [...]}, and --show brackets only the trained '
        "tokens (implies --mode training)",
    )
    p.add_argument(
        "--no-drop-analysis",
        action="store_true",
        help="keep analysis messages that precede a final message (auto_drop_analysis=False)",
    )
    _add_show(p)
    p.set_defaults(func=_cmd_render)


def _add_parse(sub: Any) -> None:
    """The ``parse`` subcommand's options."""
    p = sub.add_parser(
        "parse", help="parse tokens into messages", epilog=_PARSE_EPILOG, formatter_class=_HELP_FORMAT,
        description="Parse completion tokens (a JSON list) into messages.",
    )
    p.add_argument("file", metavar="FILE", nargs="?", default="-", help="JSON list of token ids (default: stdin)")
    p.add_argument(
        "--role",
        choices=_ROLES,
        help="role whose header '<|start|>ROLE' was already rendered, so the tokens begin inside "
        "that message's header (default: the tokens begin with <|start|>)",
    )
    p.add_argument("--no-strict", action="store_true", help="tolerate malformed input where possible (strict=False)")
    p.add_argument(
        "--recover",
        action="store_true",
        help="never fail on malformed model output (recover=True): keep what can be read and "
        "print each problem as a warning on stderr",
    )
    p.add_argument("--indent", type=_natural_int, metavar="N", help="pretty-print the JSON with N spaces")
    p.set_defaults(func=_cmd_parse)


def _add_encode(sub: Any) -> None:
    """The ``encode`` subcommand's options."""
    p = sub.add_parser(
        "encode", help="text to tokens", epilog=_ENCODE_EPILOG, formatter_class=_HELP_FORMAT,
        description="Encode text with the o200k_harmony tokenizer; prints a JSON list of token ids.",
    )
    p.add_argument("text", metavar="TEXT", nargs="?", help="text to encode, or - (the default) to read stdin")
    p.add_argument(
        "--allow-special",
        action="append",
        metavar="TOKENS",
        help="special tokens to encode as such: 'all', or comma-separated names like '<|start|>,<|end|>'",
    )
    p.add_argument(
        "--disallow-special",
        action="append",
        metavar="TOKENS",
        help="special tokens whose text is an error: 'all' (default: every one not allowed) or "
        "'none' (encode their text as ordinary text), or names",
    )
    _add_show(p)
    p.set_defaults(func=_cmd_encode)


def _add_decode(sub: Any) -> None:
    """The ``decode`` subcommand's options."""
    p = sub.add_parser(
        "decode", help="tokens to text", epilog=_DECODE_EPILOG, formatter_class=_HELP_FORMAT,
        description="Decode a JSON list of token ids to text.",
    )
    p.add_argument("file", metavar="FILE", nargs="?", default="-", help="JSON list of token ids (default: stdin)")
    p.add_argument(
        "--strict", action="store_true", help="fail on invalid UTF-8 instead of writing U+FFFD"
    )
    _add_show(p)
    p.set_defaults(func=_cmd_decode)


def _add_dataset(sub: Any) -> None:
    """The ``dataset`` subcommand's options."""
    p = sub.add_parser(
        "dataset", help="render a JSON-lines file of conversations for training",
        epilog=_DATASET_EPILOG, formatter_class=_HELP_FORMAT,
        description="Render conversations (one per line) to training examples with loss masks.",
    )
    p.add_argument("input", metavar="IN.jsonl", help="conversations, one per line (- for stdin)")
    p.add_argument("output", metavar="OUT.jsonl", help="examples, one per line (- for stdout, no --resume)")
    p.add_argument(
        "--train-on",
        choices=("all", "last"),
        default="all",
        help="train on every assistant message, or only the final assistant turn (default: all)",
    )
    p.add_argument("--no-drop-analysis", action="store_true", help="keep analysis messages before final ones")
    p.add_argument(
        "--format", choices=("harmony", "chat", "auto"), default="harmony",
        help="input rows: Harmony messages (default), chat layout {\"messages\", \"tools\"} with thinking / "
        "tool_calls, or auto (by each row's layout-only fields; a row with none is a bad line)",
    )
    p.add_argument(
        "--template", choices=("gpt-oss", "harmony"), default="gpt-oss",
        help="chat rows: render with the gpt-oss chat template (as transformers, default) or as Harmony messages",
    )
    p.add_argument("--labels", action="store_true", help='write "labels" (-100 = masked out) instead of "mask"')
    p.add_argument(
        "--on-error",
        choices=("stop", "skip"),
        default="stop",
        help="on a bad line: stop (default; --resume continues from it) or skip it and report it",
    )
    p.add_argument("--errors", metavar="FILE", help="write 'line N: reason' for every bad line to FILE")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--resume", action="store_true", help="continue an interrupted run into OUT")
    group.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.add_argument(
        "--threads", type=_positive_int, default=os.cpu_count() or 1, metavar="N",
        help="rendering threads (default: number of CPUs)",
    )
    p.add_argument(
        "--batch-size", type=_positive_int, default=_cli_dataset.BATCH_LINES, metavar="N",
        help="input lines per batch; each batch is written, synced to disk and recorded in OUT.progress "
        f"before the next (default: {_cli_dataset.BATCH_LINES})",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar (shown only on a terminal anyway)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    p.set_defaults(func=_cmd_dataset)


def _add_demo(sub: Any) -> None:
    """The ``demo`` subcommand (no options)."""
    p = sub.add_parser(
        "demo", help="render a conversation and parse a completion (the default)",
        description="Print a rendered prompt and the messages parsed from a sample completion.",
        epilog="Examples:\n  openai-harmony demo\n  python -m openai_harmony          # the same\n",
        formatter_class=_HELP_FORMAT,
    )
    p.set_defaults(func=_cmd_demo)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``openai-harmony`` command."""
    from ._backend import backend_reason
    from ._version import VERSION

    parser = _Parser(
        prog=PROG,
        description="OpenAI Harmony format tools: render, parse, tokenize and build training data.",
        epilog=_MAIN_EPILOG,
        formatter_class=_HELP_FORMAT,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {VERSION} (backend: {backend_reason()})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_render(sub)
    _add_parse(sub)
    _add_encode(sub)
    _add_decode(sub)
    _add_dataset(sub)
    _add_demo(sub)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line with *argv* (default ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit as e:  # --help, --version
            return e.code if isinstance(e.code, int) else 0
        func: Callable[[argparse.Namespace], int] = getattr(args, "func", _cmd_demo)
        return func(args)
    except _UsageError as e:
        sys.stderr.write(f"{PROG}: error: {_one_line(str(e))} (see --help)\n")
        return 2
    except CLIError as e:
        sys.stderr.write(f"{PROG}: error: {_one_line(str(e))}\n")
        return e.code
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, and keep Python's final flush
        # of stdout from failing again at exit.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, io.UnsupportedOperation):
            pass
        return 141
