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
import signal
import sys
import threading
import time
from typing import IO, Any, Callable, Dict, List, NoReturn, Optional, Sequence, Tuple

from .chat import Conversation, Message, RenderConversationConfig, Role
from .errors import HarmonyError

__all__ = ["main", "build_parser", "conversation_from_json", "show_tokens"]

PROG = "openai-harmony"

_ROLES = [r.value for r in Role]

# Library errors that describe bad input (a malformed conversation, an unknown token id, ...);
# anything else escaping a command is a bug and keeps its traceback. Rendering reports some
# failures as a plain RuntimeError, as the official package does (HarmonyError is one too).
_INPUT_ERRORS = (RuntimeError, ValueError, TypeError, KeyError, OverflowError)


class CLIError(Exception):
    """A user-facing failure: printed as one line, exit status ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    # argparse prints the usage block and exits; we want one line and a return code.
    def error(self, message: str) -> NoReturn:
        sub = self.prog[len(PROG) + 1 :] if self.prog.startswith(PROG + " ") else ""
        raise _UsageError(f"{sub}: {message}" if sub else message)


def _one_line(message: str, limit: int = 500) -> str:
    text = re.sub(r"\s*\n\s*", " ", str(message)).strip()
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return f"missing {exc.args[0]!r}"
    if isinstance(exc, RecursionError):
        return "input nested too deeply"
    text = _one_line(str(exc))
    if text.startswith("invalid conversation JSON: "):
        # The position is in the library's internal serialisation, not in the user's file.
        text = re.sub(r" at line \d+ column \d+$", "", text)
    return text or type(exc).__name__


# -- input ---------------------------------------------------------------------------


def _read_bytes(path: str) -> bytes:
    if path == "-":
        stdin = sys.stdin
        if stdin is None:
            raise CLIError("no standard input")
        buf = getattr(stdin, "buffer", None)
        if buf is not None:
            return buf.read()
        return stdin.read().encode("utf-8", "surrogateescape")
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise CLIError(f"cannot read {path}: {e.strerror or e}") from None


def _where(path: str) -> str:
    return "stdin" if path == "-" else path


def _decode_utf8(data: bytes, what: str, bom: bool = True) -> str:
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as e:
        raise CLIError(f"{what}: not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})") from None


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


def conversation_from_json(value: Any) -> Conversation:
    """Build a ``Conversation`` from decoded JSON: ``{"messages": [...]}`` or a bare list of messages.

    Raises ``ValueError`` with a short, user-facing reason when the value is not a conversation.
    """
    if isinstance(value, dict):
        if "messages" not in value:
            raise ValueError('expected a conversation {"messages": [...]}: no "messages" key')
        messages = value["messages"]
        if not isinstance(messages, list):
            raise ValueError(f'"messages" must be a list, got {_json_type(messages)}')
    elif isinstance(value, list):
        messages = value
    else:
        raise ValueError(
            f'expected a conversation {{"messages": [...]}} or a list of messages, got {_json_type(value)}'
        )
    out: List[Message] = []
    for i, raw in enumerate(messages, 1):
        if not isinstance(raw, dict):
            raise ValueError(f"message {i}: expected an object, got {_json_type(raw)}")
        for key in ("role", "content"):
            if key not in raw:
                raise ValueError(f'message {i}: missing "{key}"')
        content = raw["content"]
        if not isinstance(content, (str, list)) or (
            isinstance(content, list) and not all(isinstance(c, dict) for c in content)
        ):
            raise ValueError(f'message {i}: "content" must be a string or a list of objects')
        for key in ("role", "name", "channel", "recipient", "content_type"):
            field = raw.get(key)
            if field is not None and not isinstance(field, str):
                raise ValueError(f'message {i}: "{key}" must be a string, got {_json_type(field)}')
        try:
            out.append(Message.from_dict(raw))
        except _INPUT_ERRORS as e:
            raise ValueError(f"message {i}: {_error_text(e)}") from None
    return Conversation.from_messages(out)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


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
        out.buffer.write(text.encode("utf-8", "surrogateescape"))  # type: ignore[attr-defined]
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


_enc_cache: List[Any] = []


def _encoding() -> Any:
    # Loaded on demand so that --help and usage errors never read the vocabulary.
    if not _enc_cache:
        from .encoding import HarmonyEncodingName, load_harmony_encoding

        _enc_cache.append(load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS))
    return _enc_cache[0]


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


def _special_set(values: List[str], option: str, known: set) -> Any:
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
    from . import BACKEND, DeveloperContent, SystemContent

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
    lines = [f"backend: {BACKEND}", "prompt:", enc.decode(tokens), f"prompt tokens ({len(tokens)}): {tokens[:12]} ..."]
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


# -- dataset -------------------------------------------------------------------------

_BATCH_LINES = 1024
_STATE_VERSION = 1


class _Stop(Exception):
    """A bad input line under --on-error stop."""

    def __init__(self, lineno: int, reason: str) -> None:
        super().__init__(reason)
        self.lineno = lineno
        self.reason = reason


class _Terminated(KeyboardInterrupt):
    """SIGTERM (e.g. a batch scheduler's time limit), handled like Ctrl-C."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated


class _Progress:
    """A one-line progress display on stderr, redrawn at most a few times per second."""

    def __init__(self, enabled: bool, total_bytes: Optional[int], start_bytes: int) -> None:
        self.enabled = enabled
        self.total = total_bytes
        self.t0 = time.monotonic()
        self.start_bytes = start_bytes
        self.last = 0.0
        self.shown = False

    def update(self, lines: int, done_lines: int, pos: int, skipped: int, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.2:
            return
        self.last = now
        elapsed = max(now - self.t0, 1e-9)
        text = f"{lines:,} lines"
        if self.total:
            frac = min(pos / self.total, 1.0)
            filled = int(frac * 24)
            text = f"[{'#' * filled}{'.' * (24 - filled)}] {100.0 * frac:5.1f}%  " + text
        text += f"  {done_lines / elapsed:,.0f} lines/s"
        if self.total and pos > self.start_bytes:
            rate = (pos - self.start_bytes) / elapsed
            left = max(self.total - pos, 0) / rate
            text += f"  ETA {int(left) // 3600}:{int(left) // 60 % 60:02d}:{int(left) % 60:02d}"
        if skipped:
            text += f"  {skipped:,} skipped"
        sys.stderr.write("\r" + text + "\x1b[K")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False


def _line_to_conversation(raw: bytes, first: bool) -> Conversation:
    raw = raw.rstrip(b"\r\n")
    try:
        text = raw.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"invalid JSON at column {e.pos + 1}: {e.msg}") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    return conversation_from_json(value)


def _example_line(tokens: Sequence[int], mask: Sequence[int], labels: bool) -> bytes:
    ids = ",".join(map(str, tokens))
    if labels:
        rest = ',"labels":[' + ",".join([str(t) if m else "-100" for t, m in zip(tokens, mask)])
    else:
        rest = ',"mask":[' + ",".join(["1" if m else "0" for m in mask])
    return ('{"input_ids":[' + ids + "]" + rest + "]}\n").encode("ascii")


def _read_state(path: str) -> Optional[Dict[str, Any]]:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise CLIError(f"cannot read {path}: {e.strerror or e}") from None
    try:
        state = json.loads(data)
        if state.get("version") != _STATE_VERSION:
            raise ValueError
        for key in ("lines_read", "input_offset", "output_bytes", "written", "skipped"):
            if type(state[key]) is not int:
                raise ValueError
    except (ValueError, KeyError, AttributeError):
        raise CLIError(f"{path} is damaged; delete it to resume by counting the lines of the output") from None
    return state


def _write_state(path: str, state: Dict[str, Any]) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f)
    os.replace(tmp, path)


def _truncate_partial_line(f: IO[bytes]) -> Tuple[int, bytes]:
    """Count the complete lines of *f* and drop a trailing partial line.

    Returns the number of complete lines and the last of them; *f* is left at its new end.
    """
    f.seek(0)
    lines = 0
    size = 0
    last_newline_end = 0
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            break
        lines += chunk.count(b"\n")
        idx = chunk.rfind(b"\n")
        if idx >= 0:
            last_newline_end = size + idx + 1
        size += len(chunk)
    if last_newline_end != size:
        f.seek(last_newline_end)
        f.truncate()
    last = b""
    if last_newline_end:
        start = max(last_newline_end - (1 << 16), 0)
        while True:
            f.seek(start)
            tail = f.read(last_newline_end - start)
            idx = tail.rfind(b"\n", 0, len(tail) - 1)
            if idx >= 0 or start == 0:
                last = tail[idx + 1 :]
                break
            start = max(start - (1 << 20), 0)
    f.seek(last_newline_end)
    return lines, last


def _cmd_dataset(args: argparse.Namespace) -> int:
    in_path: str = args.input
    out_path: str = args.output
    to_stdout = out_path == "-"
    if to_stdout and args.resume:
        raise _UsageError("--resume needs an output file, not '-'")
    if not to_stdout and in_path != "-":
        try:
            if os.path.exists(out_path) and os.path.samefile(in_path, out_path):
                raise CLIError("the input and the output are the same file")
        except OSError:
            pass
    options = {
        "train_on": args.train_on,
        "auto_drop_analysis": not args.no_drop_analysis,
        "labels": bool(args.labels),
    }
    state_path = out_path + ".progress"
    progress_enabled = not args.quiet and not args.no_progress and sys.stderr.isatty()

    # Input ------------------------------------------------------------------------
    if in_path == "-":
        if sys.stdin is None:
            raise CLIError("no standard input")
        fin: IO[bytes] = getattr(sys.stdin, "buffer", sys.stdin)  # type: ignore[assignment]
        total: Optional[int] = None
    else:
        try:
            fin = open(in_path, "rb")
            total = os.fstat(fin.fileno()).st_size or None
        except OSError as e:
            raise CLIError(f"cannot read {in_path}: {e.strerror or e}") from None

    # Output and resume ------------------------------------------------------------
    lineno = 0  # input lines consumed so far
    pos = 0  # input bytes consumed so far
    written = skipped = 0
    skip_lines = 0  # fallback resume: non-blank input lines already in the output
    last_out = b""  # ... and the last of those output lines, to check the input matches
    # A stream (stdout, a pipe, a device) cannot be cut back or resumed: no progress file.
    stream = to_stdout
    fout: Optional[IO[bytes]] = None
    if to_stdout:
        sys.stdout.flush()
        fout = getattr(sys.stdout, "buffer", sys.stdout)
    else:
        exists = os.path.exists(out_path)
        try:
            if exists and not os.path.isfile(out_path):
                if args.resume:
                    raise CLIError(f"--resume needs a regular output file; {out_path} is not one")
                fout = open(out_path, "wb")
                stream = True
            elif args.resume and exists:
                fout = open(out_path, "r+b")
                state = _read_state(state_path)
                if state is not None:
                    if state.get("options") != options:
                        was = state.get("options") or {}
                        diff = ", ".join(
                            f"{k}={was.get(k)!r}" for k in sorted(options) if was.get(k) != options[k]
                        )
                        raise CLIError(
                            f"{out_path} was started with other options ({diff}); "
                            "resume with the same options, or start over with --force"
                        )
                    size = os.fstat(fout.fileno()).st_size
                    if size < state["output_bytes"]:
                        raise CLIError(
                            f"{out_path} is shorter than {state_path} records; "
                            "cannot resume safely (start over with --force)"
                        )
                    fout.truncate(state["output_bytes"])
                    fout.seek(state["output_bytes"])
                    lineno, pos = state["lines_read"], state["input_offset"]
                    written, skipped = state["written"], state["skipped"]
                    if in_path != "-" and fin.seekable():
                        # Jump straight to where the last run stopped, after checking that
                        # the input still has a line break there.
                        if pos > 0:
                            fin.seek(pos - 1)
                            if fin.read(1) != b"\n":
                                raise CLIError(
                                    f"{in_path} changed since {out_path} was started "
                                    f"(no line break before byte {pos}); cannot resume"
                                )
                        fin.seek(pos)
                    else:
                        pos = 0
                        for _ in range(lineno):
                            raw = fin.readline()
                            if not raw:
                                raise CLIError(f"the input has fewer than {lineno:,} lines; cannot resume")
                            pos += len(raw)
                else:
                    skip_lines, last_out = _truncate_partial_line(fout)
                    written = skip_lines
            elif exists and not args.force and not args.resume and os.path.getsize(out_path) > 0:
                raise CLIError(f"{out_path} already exists; pass --resume to continue it or --force to overwrite it")
            else:
                fout = open(out_path, "wb")
        except BaseException as e:
            if fout is not None:
                fout.close()
            if in_path != "-":
                fin.close()
            if isinstance(e, OSError):
                raise CLIError(f"cannot write {out_path}: {e.strerror or e}") from None
            raise
    assert fout is not None

    errors_file: Optional[IO[str]] = None
    if args.errors:
        try:
            errors_file = open(args.errors, "a" if args.resume else "w", encoding="utf-8")
        except OSError as e:
            if not to_stdout:
                fout.close()
            if in_path != "-":
                fin.close()
            raise CLIError(f"cannot write {args.errors}: {e.strerror or e}") from None

    enc = _encoding()
    config = RenderConversationConfig(auto_drop_analysis=options["auto_drop_analysis"])
    batch_fn = getattr(enc, "render_conversations_for_training_with_mask", None)
    single_fn = enc.render_conversation_for_training_with_mask
    t0 = time.monotonic()

    committed_bytes = fout.tell() if not stream else 0
    # Complete output of the current batch, in input order: (lineno, input end offset, bytes
    # or None for a consumed line without output, whether the line was a skipped bad one).
    # A tuple is appended in one step, so an interrupt never leaves a line half-recorded.
    pending: List[Tuple[int, int, Optional[bytes], bool]] = []

    def commit() -> None:
        # Safe to call again after an interrupt anywhere inside it: the output is cut back
        # to the last recorded size before writing, and the record is replaced atomically.
        nonlocal committed_bytes, lineno, pos, written, skipped
        if not pending:
            return
        if not stream:
            fout.seek(committed_bytes)
            fout.truncate()
        out = [x[2] for x in pending if x[2] is not None]
        fout.write(b"".join(out))  # type: ignore[arg-type]
        fout.flush()
        if errors_file is not None:
            errors_file.flush()
        new_lineno, new_pos = pending[-1][0], pending[-1][1]
        new_written = written + len(out)
        new_skipped = skipped + sum(1 for x in pending if x[3])
        new_bytes = fout.tell() if not stream else 0
        if not stream:
            _write_state(
                state_path,
                {
                    "version": _STATE_VERSION,
                    "options": options,
                    "input": os.path.abspath(in_path) if in_path != "-" else "-",
                    "lines_read": new_lineno,
                    "input_offset": new_pos,
                    "output_bytes": new_bytes,
                    "written": new_written,
                    "skipped": new_skipped,
                },
            )
        pending.clear()
        committed_bytes, lineno, pos, written, skipped = new_bytes, new_lineno, new_pos, new_written, new_skipped

    def fail(n: int, end: int, reason: str) -> None:
        if errors_file is not None:
            errors_file.write(f"line {n}: {reason}\n")
        if args.on_error == "stop":
            raise _Stop(n, reason)
        pending.append((n, end, None, True))
        if errors_file is None and not args.quiet:
            progress.clear()
            sys.stderr.write(f"{PROG}: skipped line {n}: {reason}\n")
            sys.stderr.flush()

    if skip_lines:
        # Resuming by counting: skip as many conversations as OUT has lines. That is only
        # right if no input line was skipped and the options are the same, so the last line
        # of OUT must be what the last skipped conversation renders to now.
        try:
            done = 0
            raw = b""
            while done < skip_lines:
                raw = fin.readline()
                if not raw:
                    raise CLIError(
                        f"cannot resume: {out_path} has more lines than {_where(in_path)} has conversations; "
                        "start over with --force"
                    )
                lineno += 1
                pos += len(raw)
                if raw.strip():
                    done += 1
            try:
                tokens, mask = single_fn(_line_to_conversation(raw, lineno == 1), config, train_on=args.train_on)
                same = _example_line(tokens, mask, options["labels"]) == last_out
            except _INPUT_ERRORS:
                same = False
            if not same:
                raise CLIError(
                    f"cannot resume: the last line of {out_path} is not what input line {lineno:,} renders to "
                    "(were lines skipped, or the options changed?); start over with --force"
                )
        except BaseException:
            fout.close()
            if errors_file is not None:
                errors_file.close()
            if in_path != "-":
                fin.close()
            raise
        if not args.quiet:
            sys.stderr.write(f"{PROG}: no {state_path}: resuming after the {written:,} complete lines of {out_path}\n")

    progress = _Progress(progress_enabled, total, pos)
    started_lines = lineno
    n = lineno
    p = pos
    first_line = lineno == 0
    old_sigterm: Any = None
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        old_sigterm = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        try:
            while True:
                batch: List[Tuple[int, int, bytes]] = []
                while len(batch) < _BATCH_LINES:
                    raw = fin.readline()
                    if not raw:
                        break
                    n += 1
                    p += len(raw)
                    batch.append((n, p, raw))
                if not batch:
                    break
                parsed: List[Tuple[int, int, Any]] = []  # (lineno, end, Conversation | error text | None)
                for ln, end, raw in batch:
                    if not raw.strip():
                        parsed.append((ln, end, None))
                        continue
                    try:
                        parsed.append((ln, end, _line_to_conversation(raw, first_line and ln == 1)))
                    except ValueError as e:
                        parsed.append((ln, end, str(e)))
                convs = [c for _, _, c in parsed if isinstance(c, Conversation)]
                results: Optional[List[Any]] = None
                if batch_fn is not None and len(convs) > 1:
                    try:
                        results = batch_fn(convs, config, train_on=args.train_on, num_threads=args.threads)
                    except _INPUT_ERRORS:
                        results = None  # some conversation is bad: render one by one to find it
                it = iter(results) if results is not None else None
                for ln, end, c in parsed:
                    if c is None:
                        pending.append((ln, end, None, False))
                    elif isinstance(c, str):
                        fail(ln, end, c)
                    else:
                        try:
                            tokens, mask = next(it) if it is not None else single_fn(c, config, train_on=args.train_on)
                        except _INPUT_ERRORS as e:
                            fail(ln, end, f"cannot render: {_error_text(e)}")
                            continue
                        pending.append((ln, end, _example_line(tokens, mask, options["labels"]), False))
                commit()
                progress.update(lineno, lineno - started_lines, pos, skipped)
        except _Stop as stop:
            commit()
            progress.clear()
            raise CLIError(
                f"line {stop.lineno}: {stop.reason} ({written:,} examples written; fix the line and re-run "
                "with --resume, or pass --on-error skip)"
                if not stream
                else f"line {stop.lineno}: {stop.reason}"
            ) from None
        except KeyboardInterrupt as e:
            try:
                commit()
            finally:
                progress.clear()
            what = "terminated" if isinstance(e, _Terminated) else "interrupted"
            where = "" if to_stdout else f" in {out_path}"
            hint = "" if stream else "; re-run the same command with --resume to continue"
            sys.stderr.write(f"{PROG}: {what} after line {lineno:,}: {written:,} examples{where}{hint}\n")
            sys.stderr.flush()
            return 143 if isinstance(e, _Terminated) else 130
        except CLIError:
            raise
        except Exception:
            commit()  # keep every complete line, then let the bug surface
            raise
    finally:
        if old_sigterm is not None:
            signal.signal(signal.SIGTERM, old_sigterm)
        progress.clear()
        if in_path != "-":
            fin.close()
        if not to_stdout:
            fout.close()
        else:
            fout.flush()
        if errors_file is not None:
            errors_file.close()

    if not stream and os.path.exists(state_path):
        os.remove(state_path)
    if not args.quiet:
        elapsed = time.monotonic() - t0
        extra = f", {skipped:,} skipped" if skipped else ""
        if skipped and args.errors:
            extra += f": see {args.errors}"
        dest = "stdout" if to_stdout else out_path
        sys.stderr.write(f"{PROG}: {written:,} examples in {dest} ({lineno:,} lines read{extra}) in {elapsed:.1f} s\n")
        sys.stderr.flush()
    return 0


# -- argument parsing ----------------------------------------------------------------

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

Output is flushed in batches; OUT.progress records how far the run got. After a crash,
Ctrl-C or --on-error stop, re-run the same command with --resume: it drops any
incomplete last line of OUT and continues after the last line written. A finished run
removes OUT.progress (then --resume counts the lines in OUT and checks the last one).
SIGTERM is handled like Ctrl-C.

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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``openai-harmony`` command."""
    from . import __version__

    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog=PROG,
        description="OpenAI Harmony format tools: render, parse, tokenize and build training data.",
        epilog=_MAIN_EPILOG,
        formatter_class=fmt,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "render", help="render a conversation to tokens", epilog=_RENDER_EPILOG, formatter_class=fmt,
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

    p = sub.add_parser(
        "parse", help="parse tokens into messages", epilog=_PARSE_EPILOG, formatter_class=fmt,
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

    p = sub.add_parser(
        "encode", help="text to tokens", epilog=_ENCODE_EPILOG, formatter_class=fmt,
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

    p = sub.add_parser(
        "decode", help="tokens to text", epilog=_DECODE_EPILOG, formatter_class=fmt,
        description="Decode a JSON list of token ids to text.",
    )
    p.add_argument("file", metavar="FILE", nargs="?", default="-", help="JSON list of token ids (default: stdin)")
    p.add_argument(
        "--strict", action="store_true", help="fail on invalid UTF-8 instead of writing U+FFFD"
    )
    _add_show(p)
    p.set_defaults(func=_cmd_decode)

    p = sub.add_parser(
        "dataset", help="render a JSON-lines file of conversations for training",
        epilog=_DATASET_EPILOG, formatter_class=fmt,
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
    p.add_argument("--no-progress", action="store_true", help="no progress bar (shown only on a terminal anyway)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    p.set_defaults(func=_cmd_dataset)

    p = sub.add_parser(
        "demo", help="render a conversation and parse a completion (the default)",
        description="Print a rendered prompt and the messages parsed from a sample completion.",
        epilog="Examples:\n  openai-harmony demo\n  python -m openai_harmony          # the same\n",
        formatter_class=fmt,
    )
    p.set_defaults(func=_cmd_demo)
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
