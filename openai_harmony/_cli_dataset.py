"""The ``dataset`` subcommand: JSON lines of conversations to training examples with masks.

Output is written in batches; after each one ``OUT.progress`` records how far the input and
the output got, so that ``--resume`` can cut a torn output back and continue exactly there.
Without that file, ``--resume`` counts the complete lines of OUT instead.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from typing import IO, Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

from ._cli_common import (
    PROG,
    CLIError,
    _UsageError,
    _INPUT_ERRORS,
    _error_text,
    _example_line,
    _os_error_text,
    _utf8_error_text,
    _where,
    conversation_from_json,
)
from .chat import Conversation, RenderConversationConfig
from .chat_template import ChatRow, chat_row_example, read_row, today

BATCH_LINES = 1024
_STATE_VERSION = 1
_STATE_COUNTERS = ("lines_read", "input_offset", "output_bytes", "written", "skipped")

# One consumed input line of the current batch: (line number, input end offset, output bytes
# or None for a line without output, whether it was a bad line skipped).
_Pending = Tuple[int, int, Optional[bytes], bool]


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
    return row if isinstance(row, (Conversation, ChatRow)) else conversation_from_json(row)


def _line_starts_at(f: IO[bytes], pos: int) -> bool:
    """Whether byte *pos* of *f* follows a line break, or is the end after an unterminated last line."""
    if pos == 0:
        return True
    f.seek(pos - 1)
    before = f.read(1)
    # A run that read all of an input whose last line has no line break stops at its end.
    return before == b"\n" or (before != b"" and f.read(1) == b"")


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
        state = json.loads(data)
        if state.get("version") != _STATE_VERSION:
            raise ValueError
        for key in _STATE_COUNTERS:
            if type(state[key]) is not int:
                raise ValueError
    except (ValueError, KeyError, AttributeError):
        raise CLIError(f"{path} is damaged; delete it to resume by counting the lines of the output") from None
    return state


def write_state(path: str, state: Dict[str, Any]) -> None:
    """Replace the progress record at *path* atomically (a crash leaves the old or the new one)."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f)
    os.replace(tmp, path)


def truncate_partial_line(f: IO[bytes]) -> Tuple[int, bytes]:
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
    last = _last_line(f, last_newline_end)
    f.seek(last_newline_end)
    return lines, last


def _last_line(f: IO[bytes], end: int) -> bytes:
    """The line of *f* that ends at byte *end* (just after its newline), read backwards."""
    if not end:
        return b""
    start = max(end - (1 << 16), 0)
    while True:
        f.seek(start)
        tail = f.read(end - start)
        idx = tail.rfind(b"\n", 0, len(tail) - 1)
        if idx >= 0 or start == 0:
            return tail[idx + 1 :]
        start = max(start - (1 << 20), 0)


def run_dataset(args: argparse.Namespace, load_encoding: Callable[[], Any]) -> int:
    """Run ``dataset`` with parsed *args*; returns the exit status (errors raise CLIError)."""
    return _DatasetRun(args, load_encoding).run()


class _DatasetRun:
    """One ``dataset`` run: its files, its counters and the batch not yet committed."""

    def __init__(self, args: argparse.Namespace, load_encoding: Callable[[], Any]) -> None:
        self.args = args
        self.load_encoding = load_encoding
        # Module attributes read per run, so tests can shrink batches or inject failures.
        self.batch_lines = BATCH_LINES
        self.example_line = _example_line
        self.write_state = write_state
        self.in_path: str = args.input
        self.out_path: str = args.output
        self.to_stdout = self.out_path == "-"
        # A stream (stdout, a pipe, a device) cannot be cut back or resumed: no progress file.
        self.stream = self.to_stdout
        self.state_path = self.out_path + ".progress"
        self.options = {
            "train_on": args.train_on,
            "auto_drop_analysis": not args.no_drop_analysis,
            "labels": bool(args.labels),
        }
        fmt = getattr(args, "format", "harmony")
        if fmt != "harmony":  # recorded only when chat rows may be read: older progress files stay valid
            self.options.update(format=fmt, template=getattr(args, "template", "gpt-oss"))
        # One date for the whole run: chat rows rendered across midnight stay consistent.
        self.date = today()
        self.fin: Optional[IO[bytes]] = None
        self.fout: Optional[IO[bytes]] = None
        self.errors_file: Optional[IO[str]] = None
        self.total: Optional[int] = None  # input size, for the progress bar
        # Committed so far: input lines and bytes consumed, examples written, bad lines skipped.
        self.lineno = self.pos = self.written = self.skipped = 0
        self.committed_bytes = 0
        self.skip_lines = 0  # fallback resume: non-blank input lines already in the output
        self.last_out = b""  # ... and the last of those output lines, to check the input matches
        # Appending a whole tuple is one step, so an interrupt never leaves a line half-recorded.
        self.pending: List[_Pending] = []
        self.progress: Optional[Progress] = None

    def run(self) -> int:
        """Open everything, convert every line, then remove the progress file and summarise."""
        self._check_paths()
        progress_enabled = not self.args.quiet and not self.args.no_progress and sys.stderr.isatty()
        self._open_input()
        try:
            self._open_output()
            self._open_errors_file()
            self._load_renderer()
            t0 = time.monotonic()
            self.committed_bytes = self.fout.tell() if not self.stream else 0  # type: ignore[union-attr]
            if self.skip_lines:
                self._resume_by_counting()
        except BaseException:
            self._close()
            raise
        if self.skip_lines and not self.args.quiet:
            sys.stderr.write(
                f"{PROG}: no {self.state_path}: resuming after the {self.written:,} complete lines of {self.out_path}\n"
            )
        self.progress = Progress(progress_enabled, self.total, self.pos)
        code = self._convert_all()
        if code:
            return code
        if not self.stream and os.path.exists(self.state_path):
            os.remove(self.state_path)
        if not self.args.quiet:
            self._summary(time.monotonic() - t0)
        return 0

    def _load_renderer(self) -> None:
        """Load the encoding; render in batches when it can, else one conversation at a time."""
        enc = self.encoding = self.load_encoding()
        self.config = RenderConversationConfig(auto_drop_analysis=self.options["auto_drop_analysis"])
        self.batch_fn = getattr(enc, "render_conversations_for_training_with_mask", None)
        self.single_fn = enc.render_conversation_for_training_with_mask

    # -- opening and closing -------------------------------------------------------------

    def _check_paths(self) -> None:
        """Usage and path errors that need no file opened."""
        if self.to_stdout and self.args.resume:
            raise _UsageError("--resume needs an output file, not '-'")
        if not self.to_stdout and self.in_path != "-":
            try:
                if os.path.exists(self.out_path) and os.path.samefile(self.in_path, self.out_path):
                    raise CLIError("the input and the output are the same file")
            except OSError:
                pass

    def _open_input(self) -> None:
        """Open the input (stdin for ``-``) and note its size."""
        if self.in_path == "-":
            if sys.stdin is None:
                raise CLIError("no standard input")
            self.fin = getattr(sys.stdin, "buffer", sys.stdin)
            return
        try:
            self.fin = open(self.in_path, "rb")
            self.total = os.fstat(self.fin.fileno()).st_size or None
        except OSError as e:
            raise CLIError(_os_error_text("read", self.in_path, e)) from None

    def _open_output(self) -> None:
        """Open the output: stdout, a device, a file to resume, or a new file."""
        if self.to_stdout:
            sys.stdout.flush()
            self.fout = getattr(sys.stdout, "buffer", sys.stdout)
            return
        exists = os.path.exists(self.out_path)
        args = self.args
        try:
            if exists and not os.path.isfile(self.out_path):
                if args.resume:
                    raise CLIError(f"--resume needs a regular output file; {self.out_path} is not one")
                self.fout = open(self.out_path, "wb")
                self.stream = True
            elif args.resume and exists:
                self.fout = open(self.out_path, "r+b")
                self._resume()
            elif exists and not args.force and not args.resume and os.path.getsize(self.out_path) > 0:
                raise CLIError(
                    f"{self.out_path} already exists; pass --resume to continue it or --force to overwrite it"
                )
            else:
                self.fout = open(self.out_path, "wb")
        except OSError as e:
            raise CLIError(_os_error_text("write", self.out_path, e)) from None

    def _open_errors_file(self) -> None:
        """Open the --errors report: appended to on --resume, else started afresh."""
        if not self.args.errors:
            return
        try:
            self.errors_file = open(self.args.errors, "a" if self.args.resume else "w", encoding="utf-8")
        except OSError as e:
            raise CLIError(_os_error_text("write", self.args.errors, e)) from None

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

    def _resume(self) -> None:
        """Continue from the progress record, or (without one) plan to count OUT's lines."""
        fout = self.fout
        assert fout is not None
        state = read_state(self.state_path)
        if state is None:
            self.skip_lines, self.last_out = truncate_partial_line(fout)
            self.written = self.skip_lines
            return
        self._check_state(state, os.fstat(fout.fileno()).st_size)
        fout.truncate(state["output_bytes"])
        fout.seek(state["output_bytes"])
        self.lineno, self.pos = state["lines_read"], state["input_offset"]
        self.written, self.skipped = state["written"], state["skipped"]
        self._seek_input()

    def _check_state(self, state: Dict[str, Any], size: int) -> None:
        """Refuse a progress record made with other options or longer than the output."""
        if state.get("options") != self.options:
            was = state.get("options") or {}
            diff = ", ".join(f"{k}={was.get(k)!r}" for k in sorted(self.options) if was.get(k) != self.options[k])
            raise CLIError(
                f"{self.out_path} was started with other options ({diff}); "
                "resume with the same options, or start over with --force"
            )
        if size < state["output_bytes"]:
            raise CLIError(
                f"{self.out_path} is shorter than {self.state_path} records; "
                "cannot resume safely (start over with --force)"
            )

    def _seek_input(self) -> None:
        """Move the input to where the recorded run stopped: a seek, or reading up to there."""
        fin = self.fin
        assert fin is not None
        if self.in_path != "-" and fin.seekable():
            # Jump straight to where the last run stopped, after checking that a line of the
            # input still starts there.
            if not _line_starts_at(fin, self.pos):
                raise CLIError(
                    f"{self.in_path} changed since {self.out_path} was started "
                    f"(no line break before byte {self.pos}); cannot resume"
                )
            fin.seek(self.pos)
            return
        self.pos = 0
        for _ in range(self.lineno):
            raw = fin.readline()
            if not raw:
                raise CLIError(f"the input has fewer than {self.lineno:,} lines; cannot resume")
            self.pos += len(raw)

    def _resume_by_counting(self) -> None:
        """Skip as many conversations as OUT has lines, checking the last one still matches.

        Counting is only right if no input line was skipped and the options are the same, so
        the last line of OUT must be what the last skipped conversation renders to now.
        """
        fin = self.fin
        assert fin is not None
        done = 0
        raw = b""
        while done < self.skip_lines:
            raw = fin.readline()
            if not raw:
                raise CLIError(
                    f"cannot resume: {self.out_path} has more lines than {_where(self.in_path)} has conversations; "
                    "start over with --force"
                )
            self.lineno += 1
            self.pos += len(raw)
            if raw.strip():
                done += 1
        try:
            tokens, mask = self.single_fn(
                _line_to_conversation(raw, self.lineno == 1), self.config, train_on=self.args.train_on
            )
            same = self.example_line(tokens, mask, self.options["labels"]) == self.last_out
        except _INPUT_ERRORS:
            same = False
        if not same:
            raise CLIError(
                f"cannot resume: the last line of {self.out_path} is not what input line {self.lineno:,} renders to "
                "(were lines skipped, or the options changed?); start over with --force"
            )

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
        while True:
            batch: List[Tuple[int, int, bytes]] = []
            while len(batch) < self.batch_lines:
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
        parsed: List[Tuple[int, int, Any]] = []  # (lineno, end, Conversation | error text | None)
        for ln, end, raw in batch:
            if not raw.strip():
                parsed.append((ln, end, None))
                continue
            try:
                opts = self.options
                c = _line_to_conversation(
                    raw, first_line and ln == 1, opts.get("format", "harmony"), opts.get("template", "gpt-oss"), self.date
                )
                parsed.append((ln, end, c))
            except ValueError as e:
                parsed.append((ln, end, str(e)))
        it = self._render_many([c for _, _, c in parsed if isinstance(c, Conversation)])
        train_on = self.args.train_on
        for ln, end, c in parsed:
            if c is None:
                self.pending.append((ln, end, None, False))
            elif isinstance(c, str):
                self._fail(ln, end, c)
            elif isinstance(c, ChatRow):
                try:
                    tokens, mask = chat_row_example(self.encoding, c, train_on)
                except _INPUT_ERRORS as e:
                    self._fail(ln, end, f"cannot render: {_error_text(e)}")
                    continue
                self.pending.append((ln, end, self.example_line(tokens, mask, self.options["labels"]), False))
            else:
                try:
                    tokens, mask = next(it) if it is not None else self.single_fn(c, self.config, train_on=train_on)
                except _INPUT_ERRORS as e:
                    self._fail(ln, end, f"cannot render: {_error_text(e)}")
                    continue
                self.pending.append((ln, end, self.example_line(tokens, mask, self.options["labels"]), False))

    def _render_many(self, convs: List[Conversation]) -> Optional[Iterator[Any]]:
        """The (tokens, mask) of all *convs* at once, or None to render them one by one."""
        if self.batch_fn is None or len(convs) <= 1:
            return None
        try:
            results = self.batch_fn(convs, self.config, train_on=self.args.train_on, num_threads=self.args.threads)
        except _INPUT_ERRORS:
            return None  # some conversation is bad: render one by one to find it
        return iter(results)

    def _fail(self, n: int, end: int, reason: str) -> None:
        """Report bad line *n*: stop the run, or record it as skipped and say so."""
        if self.errors_file is not None:
            self.errors_file.write(f"line {n}: {reason}\n")
        if self.args.on_error == "stop":
            raise _Stop(n, reason)
        self.pending.append((n, end, None, True))
        if self.errors_file is None and not self.args.quiet:
            assert self.progress is not None
            self.progress.clear()
            sys.stderr.write(f"{PROG}: skipped line {n}: {reason}\n")
            sys.stderr.flush()

    def _commit(self) -> None:
        """Write the pending lines, then record the new position in the progress file."""
        # Safe to call again after an interrupt anywhere inside it: the output is cut back
        # to the last recorded size before writing, and the record is replaced atomically.
        pending, fout = self.pending, self.fout
        assert fout is not None
        if not pending:
            return
        if not self.stream:
            fout.seek(self.committed_bytes)
            fout.truncate()
        out = [x[2] for x in pending if x[2] is not None]
        fout.write(b"".join(out))  # type: ignore[arg-type]
        fout.flush()
        if self.errors_file is not None:
            self.errors_file.flush()
        new_lineno, new_pos = pending[-1][0], pending[-1][1]
        new_written = self.written + len(out)
        new_skipped = self.skipped + sum(1 for x in pending if x[3])
        new_bytes = fout.tell() if not self.stream else 0
        if not self.stream:
            self.write_state(self.state_path, self._state(new_lineno, new_pos, new_bytes, new_written, new_skipped))
        pending.clear()
        self.committed_bytes, self.lineno, self.pos, self.written, self.skipped = (
            new_bytes, new_lineno, new_pos, new_written, new_skipped
        )

    def _state(self, lines_read: int, input_offset: int, output_bytes: int, written: int, skipped: int) -> Dict[str, Any]:
        """The progress record for the given counters."""
        return {
            "version": _STATE_VERSION,
            "options": self.options,
            "input": os.path.abspath(self.in_path) if self.in_path != "-" else "-",
            "lines_read": lines_read,
            "input_offset": input_offset,
            "output_bytes": output_bytes,
            "written": written,
            "skipped": skipped,
        }

    # -- reporting -----------------------------------------------------------------------

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
