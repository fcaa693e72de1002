"""The ``dataset`` subcommand: JSON lines of conversations to training examples with masks.

Output is written in batches. After each batch the output (and the ``--errors`` report) is
synced to disk, then ``OUT.progress`` is replaced atomically with a record of how far the
input, the output and the report got, a SHA-256 of the input consumed so far and the options
that shape the output. ``--resume`` continues only from such a record, after re-checking all
of it, and cuts the output and the report back to their recorded sizes; anything it cannot
prove is refused. The record of a finished run is kept, so ``--resume`` is exact there too.
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import io
import json
import os
import signal
import stat
import sys
import threading
import time
from typing import IO, Any, BinaryIO, Callable, Dict, Iterator, List, NamedTuple, Optional, Tuple, Union, cast

from ._cli_common import (
    _INPUT_ERRORS,
    PROG,
    CLIError,
    _error_text,
    _example_line,
    _os_error_text,
    _UsageError,
    _utf8_error_text,
    _where,
    conversation_from_json,
)
from .chat import Conversation, RenderConversationConfig
from .chat_template import ChatRow, chat_row_example, read_row, today

BATCH_LINES = 1024
_STATE_VERSION = 2
_STATE_COUNTERS = ("lines_read", "input_offset", "output_bytes", "errors_bytes", "written", "skipped")

# Parsed options that never change the bytes of the output or the report, so a run may be
# resumed with other values: where things go, how fast, how chatty. --on-error may change so
# that a run stopped at a bad line can be fixed and resumed, or resumed with "skip"; --errors
# is checked on its own. Every other option (today's and any added later) is in the record.
_RUN_ONLY_OPTIONS = frozenset(
    {"command", "func", "input", "output", "resume", "force", "threads", "batch_size", "quiet", "no_progress",
     "on_error", "errors"}
)


def output_options(args: argparse.Namespace) -> Dict[str, Any]:
    """The parsed options that shape the output, as JSON values (every option not run-only)."""
    options = {k: v for k, v in vars(args).items() if k not in _RUN_ONLY_OPTIONS and not callable(v)}
    return dict(json.loads(json.dumps(options, sort_keys=True, default=repr)))


def _digest_of(options: Dict[str, Any]) -> str:
    """A SHA-256 of *options*, independent of their order."""
    return hashlib.sha256(json.dumps(options, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class _Pending(NamedTuple):
    """One consumed input line of the current batch, not yet committed."""

    lineno: int
    end: int  # input offset after the line
    raw: bytes  # the line as read, for the input digest
    out: Optional[bytes]  # its output line, if any
    error: Optional[str]  # why it was skipped, if it was a bad line


class _Stop(Exception):
    """A bad input line under --on-error stop."""

    def __init__(self, lineno: int, reason: str) -> None:
        super().__init__(reason)
        self.lineno = lineno
        self.reason = reason


class _Terminated(KeyboardInterrupt):
    """SIGTERM (e.g. a batch scheduler's time limit), handled like Ctrl-C."""


def on_sigterm(signum: int, frame: Any) -> None:
    """The SIGTERM handler while ``dataset`` runs: turn the signal into ``_Terminated``."""
    raise _Terminated


class Progress:
    """A one-line progress display on stderr, redrawn at most a few times per second."""

    def __init__(self, enabled: bool, total_bytes: Optional[int], start_bytes: int) -> None:
        self.enabled = enabled
        self.total = total_bytes
        self.t0 = time.monotonic()
        self.start_bytes = start_bytes
        self.last = 0.0
        self.shown = False

    def update(self, lines: int, done_lines: int, pos: int, skipped: int, force: bool = False) -> None:
        """Redraw the line, unless it was drawn less than 0.2 s ago (or *force*)."""
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
        """Erase the line, so that a message or the summary starts on a clean line."""
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False


def _line_to_conversation(
    raw: bytes, first: bool, fmt: str = "harmony", template: str = "gpt-oss", date: str = ""
) -> Union[Conversation, ChatRow]:
    """The conversation on one input line (*first*: the file's first, which may have a BOM).

    *fmt* / *template*: --format and --template (chat rows: see ``chat_template.read_row``).
    """
    raw = raw.rstrip(b"\r\n")
    try:
        text = raw.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(_utf8_error_text(raw, e)) from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"invalid JSON at column {e.pos + 1}: {e.msg}") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    row = read_row(value, fmt, template, date or today())
    conversation = row if isinstance(row, (Conversation, ChatRow)) else conversation_from_json(row)
    if not conversation.messages:
        # It would render to an empty example, which no trainer can use.
        raise ValueError("the conversation has no messages")
    return conversation


def _write_all(f: BinaryIO, data: bytes) -> None:
    """Write all of *data* to an unbuffered file (a raw write may take only part of it)."""
    view = memoryview(data)
    while view:
        n = f.write(view)
        view = view[n or 0 :]


def _fsync_dir(path: str) -> None:
    """Make a rename inside directory *path* durable (where the platform allows it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # e.g. Windows cannot open a directory; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def read_state(path: str) -> Optional[Dict[str, Any]]:
    """The progress record at *path*, or None if there is none; CLIError if it is unusable."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise CLIError(_os_error_text("read", path, e)) from None
    try:
        state: Dict[str, Any] = json.loads(data)
        if state.get("version") != _STATE_VERSION:
            raise ValueError
        for key in _STATE_COUNTERS:
            if type(state[key]) is not int or state[key] < 0:
                raise ValueError
        if not isinstance(state["options"], dict) or not isinstance(state["input_sha256"], str):
            raise ValueError
        if state["options_sha256"] != _digest_of(state["options"]):
            raise ValueError
        if state["errors"] is not None and not isinstance(state["errors"], str):
            raise ValueError
    except (ValueError, KeyError, AttributeError, TypeError):
        raise CLIError(f"{path} is damaged or from another version; cannot resume (start over with --force)") from None
    return state


def write_state(path: str, state: Dict[str, Any]) -> None:
    """Replace the progress record at *path* durably: a crash leaves the old or the new one."""
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with open(fd, "wb", buffering=0, closefd=False) as f:
            _write_all(f, json.dumps(state, sort_keys=True).encode() + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(os.path.dirname(os.path.abspath(path)))


def _is_device(path: str) -> bool:
    """Whether *path* exists and is not a regular file (a device or a pipe: written as a stream)."""
    return os.path.exists(path) and not os.path.isfile(path)


def _identity(path: str) -> Tuple[Any, ...]:
    """What makes two paths the same file: device and inode if it exists, else the real path."""
    try:
        st = os.stat(path)
    except OSError:
        return ("path", os.path.realpath(path))
    if not stat.S_ISREG(st.st_mode):
        # Several outputs may well go to one device (/dev/null): never "the same file".
        return ("stream", object())
    return ("inode", st.st_dev, st.st_ino)


def _fd_identity(stream: Any) -> Optional[Tuple[Any, ...]]:
    """The identity of the regular file behind a standard stream, or None (a pipe, a terminal...)."""
    try:
        st = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    return ("inode", st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def run_dataset(args: argparse.Namespace, load_encoding: Callable[[], Any]) -> int:
    """Run ``dataset`` with parsed *args*; returns the exit status (errors raise CLIError)."""
    return _DatasetRun(args, load_encoding).run()


class _DatasetRun:
    """One ``dataset`` run: its files, its counters and the batch not yet committed."""

    def __init__(self, args: argparse.Namespace, load_encoding: Callable[[], Any]) -> None:
        self.args = args
        self.load_encoding = load_encoding
        self.in_path: str = args.input
        self.out_path: str = args.output
        self.errors_path: Optional[str] = args.errors
        self.to_stdout = self.out_path == "-"
        # A stream (stdout, a pipe, a device) cannot be cut back or resumed: no progress file.
        self.stream = self.to_stdout or _is_device(self.out_path)
        self.errors_stream = self.errors_path is not None and _is_device(self.errors_path)
        self.state_path = self.out_path + ".progress"
        self.options = output_options(args)
        # Chat rows carry the run's date into their system message: one date for the whole
        # run, recorded with the options so that a resume on another day renders the same.
        self.date = today()
        if self.options.get("format", "harmony") != "harmony":
            self.options["date"] = self.date
        self.fin: Optional[IO[bytes]] = None
        self.fout: Optional[BinaryIO] = None
        self.errors_file: Optional[BinaryIO] = None
        self.total: Optional[int] = None  # input size, for the progress bar
        # Committed so far: input lines and bytes consumed (and their digest), output and
        # report bytes, examples written, bad lines skipped.
        self.lineno = self.pos = self.written = self.skipped = 0
        self.committed_bytes = self.errors_bytes = 0
        self.digest = hashlib.sha256()
        # Appending a whole tuple is one step, so an interrupt never leaves a line half-recorded.
        self.pending: List[_Pending] = []
        self.progress: Optional[Progress] = None

    def run(self) -> int:
        """Check the paths, open everything, convert every line, then summarise."""
        self._check_paths()
        progress_enabled = not self.args.quiet and not self.args.no_progress and sys.stderr.isatty()
        self._open_input()
        try:
            self._open_outputs()
            self._load_renderer()
        except BaseException:
            self._close()
            raise
        t0 = time.monotonic()
        self.progress = Progress(progress_enabled, self.total, self.pos)
        code = self._convert_all()
        if code:
            return code
        if not self.args.quiet:
            self._summary(time.monotonic() - t0)
        return 0

    def _load_renderer(self) -> None:
        """Load the encoding; render in batches when it can, else one conversation at a time."""
        enc = self.encoding = self.load_encoding()
        self.config = RenderConversationConfig(auto_drop_analysis=not self.args.no_drop_analysis)
        self.batch_fn = getattr(enc, "render_conversations_for_training_with_mask", None)
        self.single_fn = enc.render_conversation_for_training_with_mask

    # -- opening and closing -------------------------------------------------------------

    def _check_paths(self) -> None:
        """Refuse, before anything is opened for writing, any output that is an input or another output."""
        if self.to_stdout and self.args.resume:
            raise _UsageError("--resume needs an output file, not '-'")
        outputs: List[Tuple[str, str]] = []  # (path, how messages name it)
        if not self.to_stdout:
            outputs.append((self.out_path, "the output"))
            if not self.stream:
                outputs.append((self.state_path, f"the progress file {self.state_path}"))
                outputs.append((self.state_path + ".tmp", f"the progress file's temporary {self.state_path}.tmp"))
        if self.errors_path is not None:
            outputs.append((self.errors_path, f"--errors {self.errors_path}"))
        # Only a regular file can be destroyed by writing to it; a terminal may well be both
        # stdin and stdout.
        if self.in_path == "-":
            input_id = _fd_identity(sys.stdin)
        else:
            try:
                st = os.stat(self.in_path)
                input_id = ("inode", st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None
            except OSError:
                input_id = None  # reported when it is opened
        ids = [(_identity(path), what) for path, what in outputs]
        if self.to_stdout:
            out_id = _fd_identity(sys.stdout)
            if out_id is not None:
                ids.insert(0, (out_id, "the output"))
        for i, (ident, what) in enumerate(ids):
            if ident == input_id:
                raise CLIError(f"the input and {what} are the same file")
            for other, other_what in ids[:i]:
                if ident == other:
                    raise CLIError(f"{other_what} and {what} are the same file")

    def _open_input(self) -> None:
        """Open the input (stdin for ``-``) and note its size."""
        if self.in_path == "-":
            if sys.stdin is None:
                raise CLIError("no standard input")
            self.fin = cast(IO[bytes], getattr(sys.stdin, "buffer", sys.stdin))
            return
        try:
            self.fin = open(self.in_path, "rb")
            self.total = os.fstat(self.fin.fileno()).st_size or None
        except OSError as e:
            raise CLIError(_os_error_text("read", self.in_path, e)) from None

    def _open_outputs(self) -> None:
        """Open the output and the report: to resume them, or afresh."""
        if self.to_stdout:
            sys.stdout.flush()
            self.fout = cast(BinaryIO, getattr(sys.stdout, "buffer", sys.stdout))
            self._open_errors("wb")
            return
        if self.stream:
            if self.args.resume:
                raise CLIError(f"--resume needs a regular output file; {self.out_path} is not one")
            self.fout = self._open(self.out_path, "wb")
            self._open_errors("wb")
            return
        state = read_state(self.state_path) if self.args.resume else None
        if state is not None:
            self._resume(state)
            return
        size = os.path.getsize(self.out_path) if os.path.exists(self.out_path) else 0
        if size and self.args.resume:
            raise CLIError(
                f"cannot resume: there is no {self.state_path} to show how far {self.out_path} got; "
                "start over with --force"
            )
        if size and not self.args.force:
            raise CLIError(f"{self.out_path} already exists; pass --resume to continue it or --force to overwrite it")
        # Opened without truncating, then the record, then the cut: a record covers every byte
        # of the output at all times, and an old record stays valid until it is replaced.
        self.fout = self._open(self.out_path, "r+b" if os.path.exists(self.out_path) else "wb")
        self._write_state(self._state(0, 0, 0, 0, 0, 0, hashlib.sha256()))
        self._append(self.fout, self.out_path, 0, b"", False)
        self._open_errors("wb")

    def _open(self, path: str, mode: str) -> BinaryIO:
        """Open an output file unbuffered, so that a failed write leaves nothing to flush later."""
        try:
            f: BinaryIO = open(path, mode, buffering=0)  # type: ignore[assignment]
        except OSError as e:
            raise CLIError(_os_error_text("write", path, e)) from None
        return f

    def _open_errors(self, mode: str) -> None:
        """Open the --errors report, if there is one."""
        if self.errors_path is not None:
            self.errors_file = self._open(self.errors_path, mode)

    def _close(self) -> None:
        """Close what this run opened (stdout is only flushed); safe on a half-opened run."""
        if self.in_path != "-" and self.fin is not None:
            self.fin.close()
        if self.fout is not None:
            if not self.to_stdout:
                self.fout.close()
            else:
                self.fout.flush()
        if self.errors_file is not None:
            self.errors_file.close()

    # -- resuming ------------------------------------------------------------------------

    def _resume(self, state: Dict[str, Any]) -> None:
        """Continue from the progress record, after proving the files still match it."""
        if "date" in self.options and isinstance(state["options"].get("date"), str):
            self.date = self.options["date"] = state["options"]["date"]  # the run's date, not today's
        if state["options"] != self.options:
            was = state["options"]
            keys = sorted(set(was) | set(self.options))
            diff = ", ".join(f"{k}={was.get(k)!r}" for k in keys if was.get(k) != self.options.get(k))
            raise CLIError(
                f"{self.out_path} was started with other options ({diff}); "
                "resume with the same options, or start over with --force"
            )
        errors = os.path.abspath(self.errors_path) if self.errors_path is not None else None
        if state["errors"] != errors:
            was = f"--errors {state['errors']}" if state["errors"] else "no --errors"
            raise CLIError(f"{self.out_path} was started with {was}; resume with the same, or start over with --force")
        self.fout = self._open_for_resume(self.out_path, state["output_bytes"])
        if self.errors_stream:
            self._open_errors("wb")
        elif errors is not None:
            self.errors_file = self._open_for_resume(errors, state["errors_bytes"])
        self._check_input(state)
        self.lineno, self.pos = state["lines_read"], state["input_offset"]
        self.written, self.skipped = state["written"], state["skipped"]
        self.committed_bytes, self.errors_bytes = state["output_bytes"], state["errors_bytes"]
        for f, size in ((self.fout, self.committed_bytes), (self.errors_file, self.errors_bytes)):
            if f is not None and not (f is self.errors_file and self.errors_stream):
                try:
                    f.truncate(size)
                    f.seek(size)
                except OSError as e:
                    raise CLIError(_os_error_text("write", str(f.name), e)) from None

    def _open_for_resume(self, path: str, size: int) -> BinaryIO:
        """Open a file to continue at byte *size*, refusing one shorter than that."""
        try:
            have = os.path.getsize(path)
        except FileNotFoundError:
            have = 0
        except OSError as e:
            raise CLIError(_os_error_text("read", path, e)) from None
        if have < size:
            raise CLIError(
                f"{path} is shorter than {self.state_path} records ({have:,} < {size:,} bytes); "
                "cannot resume safely (start over with --force)"
            )
        return self._open(path, "r+b" if os.path.exists(path) else "wb")

    def _check_input(self, state: Dict[str, Any]) -> None:
        """Read the input up to the recorded offset and check it is byte for byte what was consumed."""
        fin = self.fin
        assert fin is not None
        where, offset = _where(self.in_path), state["input_offset"]
        left, lines, last = offset, 0, b""
        while left:
            chunk = fin.read(min(left, 1 << 20))
            if not chunk:
                raise CLIError(f"{where} is shorter than {offset:,} bytes, where {self.out_path} got to; cannot resume")
            self.digest.update(chunk)
            lines += chunk.count(b"\n")
            left -= len(chunk)
            last = chunk[-1:]
        if self.digest.hexdigest() != state["input_sha256"]:
            raise CLIError(
                f"{where} changed since {self.out_path} was started (its first {offset:,} bytes differ); cannot resume"
            )
        if last not in (b"", b"\n"):
            # The run stopped at the end of an unterminated last line: text added to that line
            # since would change a line already converted.
            if fin.read(1):
                raise CLIError(
                    f"{where} changed since {self.out_path} was started (no line break before byte {offset}); "
                    "cannot resume"
                )
            lines += 1
        if lines != state["lines_read"]:
            raise CLIError(f"{self.state_path} is damaged (its line count does not match the input); cannot resume")

    # -- converting ----------------------------------------------------------------------

    def _convert_all(self) -> int:
        """Convert batch after batch to the end of the input; 130/143 after Ctrl-C/SIGTERM."""
        progress = self.progress
        assert progress is not None
        old_sigterm: Any = None
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
            old_sigterm = signal.signal(signal.SIGTERM, on_sigterm)
        try:
            try:
                self._convert_batches()
            except _Stop as stop:
                self._commit()
                progress.clear()
                self._report_stop(stop)
                raise CLIError(self._stop_message(stop)) from None
            except KeyboardInterrupt as e:
                try:
                    self._commit()
                finally:
                    progress.clear()
                return self._report_interrupt(isinstance(e, _Terminated))
            except CLIError:
                raise
            except Exception:
                self._commit()  # keep every complete line, then let the bug surface
                raise
        finally:
            if old_sigterm is not None:
                signal.signal(signal.SIGTERM, old_sigterm)
            progress.clear()
            self._close()
        return 0

    def _convert_batches(self) -> None:
        """Read, render and commit one batch of lines at a time."""
        assert self.progress is not None
        started_lines = self.lineno
        n, p = self.lineno, self.pos  # input read so far, committed or not
        first_line = self.lineno == 0
        fin = self.fin
        assert fin is not None
        batch_lines = self.args.batch_size
        while True:
            batch: List[Tuple[int, int, bytes]] = []
            while len(batch) < batch_lines:
                raw = fin.readline()
                if not raw:
                    break
                n += 1
                p += len(raw)
                batch.append((n, p, raw))
            if not batch:
                break
            self._convert_batch(batch, first_line)
            self._commit()
            self.progress.update(self.lineno, self.lineno - started_lines, self.pos, self.skipped)

    def _convert_batch(self, batch: List[Tuple[int, int, bytes]], first_line: bool) -> None:
        """Render a batch of (lineno, end offset, raw line) into ``pending``, in input order."""
        parsed: List[Tuple[int, int, bytes, Any]] = []  # (..., Conversation | error text | None)
        for ln, end, raw in batch:
            if not raw.strip():
                parsed.append((ln, end, raw, None))
                continue
            try:
                c = _line_to_conversation(
                    raw, first_line and ln == 1, self.args.format, self.args.template, self.date
                )
                parsed.append((ln, end, raw, c))
            except ValueError as e:
                parsed.append((ln, end, raw, str(e)))
        it = self._render_many([c for _, _, _, c in parsed if isinstance(c, Conversation)])
        train_on, labels = self.args.train_on, self.args.labels
        for ln, end, raw, c in parsed:
            if c is None:
                self.pending.append(_Pending(ln, end, raw, None, None))
            elif isinstance(c, str):
                self._fail(ln, end, raw, c)
            elif isinstance(c, ChatRow):
                try:
                    tokens, mask = chat_row_example(self.encoding, c, train_on)
                except _INPUT_ERRORS as e:
                    self._fail(ln, end, raw, f"cannot render: {_error_text(e)}")
                    continue
                self.pending.append(_Pending(ln, end, raw, _example_line(tokens, mask, labels), None))
            else:
                try:
                    tokens, mask = next(it) if it is not None else self.single_fn(c, self.config, train_on=train_on)
                except _INPUT_ERRORS as e:
                    self._fail(ln, end, raw, f"cannot render: {_error_text(e)}")
                    continue
                self.pending.append(_Pending(ln, end, raw, _example_line(tokens, mask, labels), None))

    def _render_many(self, convs: List[Conversation]) -> Optional[Iterator[Any]]:
        """The (tokens, mask) of all *convs* at once, or None to render them one by one."""
        if self.batch_fn is None or len(convs) <= 1:
            return None
        try:
            results = self.batch_fn(convs, self.config, train_on=self.args.train_on, num_threads=self.args.threads)
        except _INPUT_ERRORS:
            return None  # some conversation is bad: render one by one to find it
        return cast(Iterator[Any], iter(results))

    def _fail(self, n: int, end: int, raw: bytes, reason: str) -> None:
        """Report bad line *n*: stop the run, or record it as skipped and say so."""
        if self.args.on_error == "stop":
            raise _Stop(n, reason)
        self.pending.append(_Pending(n, end, raw, None, reason))
        if self.errors_file is None and not self.args.quiet:
            assert self.progress is not None
            self.progress.clear()
            sys.stderr.write(f"{PROG}: skipped line {n}: {reason}\n")
            sys.stderr.flush()

    def _commit(self) -> None:
        """Write the pending lines and their report, sync both, then record the new position."""
        # Safe to call again after an interrupt anywhere inside it: both files are cut back to
        # their recorded sizes before writing, the record is replaced atomically, and the
        # counters change only once all of it is done.
        pending = self.pending
        if not pending:
            return
        out = b"".join([x.out for x in pending if x.out is not None])
        report = "".join([f"line {x.lineno}: {x.error}\n" for x in pending if x.error is not None]).encode("utf-8")
        digest = self.digest.copy()
        for x in pending:
            digest.update(x.raw)
        new_lineno, new_pos = pending[-1].lineno, pending[-1].end
        new_written = self.written + sum(1 for x in pending if x.out is not None)
        new_skipped = self.skipped + sum(1 for x in pending if x.error is not None)
        new_bytes = self._append(self.fout, self.out_path, self.committed_bytes, out, self.stream)
        new_errors = self._append(self.errors_file, self.errors_path, self.errors_bytes, report, self.errors_stream)
        if not self.stream:
            self._write_state(self._state(new_lineno, new_pos, new_bytes, new_errors, new_written, new_skipped, digest))
        pending.clear()
        self.lineno, self.pos, self.written, self.skipped, self.digest = (
            new_lineno, new_pos, new_written, new_skipped, digest
        )
        self.committed_bytes, self.errors_bytes = new_bytes, new_errors

    def _append(self, f: Optional[BinaryIO], path: Optional[str], at: int, data: bytes, stream: bool) -> int:
        """Write *data* at byte *at* of a resumable file and sync it (a *stream*: just write it)."""
        if f is None:
            return 0
        try:
            if stream or self.stream:
                _write_all(f, data)
                f.flush()
                return 0
            f.seek(at)
            f.truncate()
            _write_all(f, data)
            os.fsync(f.fileno())
        except OSError as e:
            raise CLIError(_os_error_text("write", path or "", e)) from None
        return at + len(data)

    def _write_state(self, state: Dict[str, Any]) -> None:
        """Write the progress record; a failure is one line, and the last record still holds."""
        try:
            write_state(self.state_path, state)
        except OSError as e:
            raise CLIError(_os_error_text("write", e.filename or self.state_path, e)) from None

    def _state(
        self, lines_read: int, input_offset: int, output_bytes: int, errors_bytes: int, written: int, skipped: int,
        digest: Any,
    ) -> Dict[str, Any]:
        """The progress record for the given counters."""
        return {
            "version": _STATE_VERSION,
            "options": self.options,
            "options_sha256": _digest_of(self.options),
            "input": os.path.abspath(self.in_path) if self.in_path != "-" else "-",
            "input_sha256": digest.hexdigest(),
            "errors": os.path.abspath(self.errors_path) if self.errors_path is not None else None,
            "lines_read": lines_read,
            "input_offset": input_offset,
            "output_bytes": output_bytes,
            "errors_bytes": errors_bytes,
            "written": written,
            "skipped": skipped,
        }

    # -- reporting -----------------------------------------------------------------------

    def _report_stop(self, stop: _Stop) -> None:
        """Add the line that stopped the run to the report, after the recorded end.

        A --resume cuts it off again: the line may have been fixed by then.
        """
        if self.errors_file is None:
            return
        try:
            _write_all(self.errors_file, f"line {stop.lineno}: {stop.reason}\n".encode("utf-8"))
        except OSError as e:
            raise CLIError(_os_error_text("write", self.errors_path or "", e)) from None

    def _stop_message(self, stop: _Stop) -> str:
        """The error for a bad line under --on-error stop (with how to go on, if resumable)."""
        if self.stream:
            return f"line {stop.lineno}: {stop.reason}"
        return (
            f"line {stop.lineno}: {stop.reason} ({self.written:,} examples written; fix the line and re-run "
            "with --resume, or pass --on-error skip)"
        )

    def _report_interrupt(self, terminated: bool) -> int:
        """Say how far an interrupted run got; returns 143 after SIGTERM, 130 after Ctrl-C."""
        what = "terminated" if terminated else "interrupted"
        where = "" if self.to_stdout else f" in {self.out_path}"
        hint = "" if self.stream else "; re-run the same command with --resume to continue"
        sys.stderr.write(f"{PROG}: {what} after line {self.lineno:,}: {self.written:,} examples{where}{hint}\n")
        sys.stderr.flush()
        return 143 if terminated else 130

    def _summary(self, elapsed: float) -> None:
        """The last line of a finished run: examples written, lines read and skipped, time."""
        extra = f", {self.skipped:,} skipped" if self.skipped else ""
        if self.skipped and self.args.errors:
            extra += f": see {self.args.errors}"
        dest = "stdout" if self.to_stdout else self.out_path
        sys.stderr.write(
            f"{PROG}: {self.written:,} examples in {dest} ({self.lineno:,} lines read{extra}) in {elapsed:.1f} s\n"
        )
        sys.stderr.flush()
