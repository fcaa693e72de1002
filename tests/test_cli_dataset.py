"""``openai-harmony dataset`` keeps its data: no output may destroy an input, a failed write is
one line and stays resumable, the --errors report resumes exactly, checkpoints are durable,
and random SIGKILLs followed by --resume give the bytes of an uninterrupted run."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys

from openai_harmony import cli
from openai_harmony._cli_dataset import output_options

from test_cli import B4, BAD, ROOT, _dataset_lines, _expected, _file, _module, _run, _spawn_dataset, _wait_for_record


def _env():
    return dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _dataset(*args: str, **kw) -> subprocess.CompletedProcess:
    """``python -m openai_harmony dataset ARGS`` with *kw* passed to ``subprocess.run``."""
    return subprocess.run(
        [sys.executable, "-m", "openai_harmony", "dataset", *args], capture_output=True, env=_env(), timeout=120, **kw
    )


# -- no output may be an input, or another output --------------------------------------


def test_errors_report_cannot_be_the_input(tmp_path, capsys):
    data = _dataset_lines(4, {2: "nope"})
    src = _file(tmp_path, "in.jsonl", data)
    assert _run(capsys, "dataset", src, str(tmp_path / "out.jsonl"), "--errors", src) == (
        1, "", f"openai-harmony: error: the input and --errors {src} are the same file\n"
    )
    assert (tmp_path / "in.jsonl").read_bytes() == data
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "out.jsonl.progress").exists()
    # Through a symbolic link, and a hard link as the output, the same.
    os.symlink(src, tmp_path / "link.txt")
    assert _run(capsys, "dataset", src, str(tmp_path / "out.jsonl"), "--errors", str(tmp_path / "link.txt"))[2] == (
        f"openai-harmony: error: the input and --errors {tmp_path / 'link.txt'} are the same file\n"
    )
    os.link(src, tmp_path / "hard.jsonl")
    assert _run(capsys, "dataset", src, str(tmp_path / "hard.jsonl"), "--force")[2] == (
        "openai-harmony: error: the input and the output are the same file\n"
    )
    assert (tmp_path / "in.jsonl").read_bytes() == data


def test_outputs_must_differ(tmp_path, capsys):
    src = _file(tmp_path, "in.jsonl", _dataset_lines(4, {2: "nope"}))
    dst = str(tmp_path / "out.jsonl")
    for errors, what in [
        (dst, "the output"),
        (dst + ".progress", f"the progress file {dst}.progress"),
        (dst + ".progress.tmp", f"the progress file's temporary {dst}.progress.tmp"),
    ]:
        assert _run(capsys, "dataset", src, dst, "--on-error", "skip", "--errors", errors) == (
            1, "", f"openai-harmony: error: {what} and --errors {errors} are the same file\n"
        )
    assert sorted(os.listdir(tmp_path)) == ["in.jsonl"]
    # A progress file that is the input (an input named like one) is refused too.
    prog = _file(tmp_path, "x.jsonl.progress", _dataset_lines(2))
    assert _run(capsys, "dataset", prog, str(tmp_path / "x.jsonl"))[2] == (
        f"openai-harmony: error: the input and the progress file {tmp_path / 'x.jsonl.progress'} are the same file\n"
    )


def test_stdin_cannot_be_the_output(tmp_path):
    # `dataset - data.jsonl --force < data.jsonl` used to empty the file.
    data = _dataset_lines(4)
    path = tmp_path / "data.jsonl"
    path.write_bytes(data)
    with open(path, "rb") as stdin:
        proc = _dataset("-", str(path), "--force", stdin=stdin)
    assert (proc.returncode, proc.stderr) == (1, b"openai-harmony: error: the input and the output are the same file\n")
    assert path.read_bytes() == data
    # stdout appended to the input would make the input grow as it is read.
    with open(path, "ab") as stdout:
        proc = subprocess.run(
            [sys.executable, "-m", "openai_harmony", "dataset", str(path), "-"],
            stdout=stdout, stderr=subprocess.PIPE, env=_env(), timeout=120,
        )
    assert (proc.returncode, proc.stderr) == (1, b"openai-harmony: error: the input and the output are the same file\n")
    assert path.read_bytes() == data


# -- write failures: one line, and resumable ---------------------------------------------


def test_full_device(tmp_path, capsys):
    src = _file(tmp_path, "in.jsonl", _dataset_lines(4, {2: "nope"}))
    assert _run(capsys, "dataset", src, "/dev/full") == (
        1, "", "openai-harmony: error: cannot write /dev/full: No space left on device\n"
    )
    assert _run(capsys, "dataset", src, str(tmp_path / "out.jsonl"), "--on-error", "skip", "--errors", "/dev/full") == (
        1, "", "openai-harmony: error: cannot write /dev/full: No space left on device\n"
    )
    # Devices are streams: any number of outputs may go to one.
    assert _run(capsys, "dataset", src, os.devnull, "--on-error", "skip", "--errors", os.devnull, "-q") == (0, "", "")


def _limit_file_size(limit: int):
    def apply() -> None:
        # Writing past the limit then fails with EFBIG instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_output_too_large_then_resume(tmp_path):
    # A disk that fills up mid-run (here: a file size limit): one line, exit 1, and what was
    # written resumes to exactly the output of an uninterrupted run.
    data = _dataset_lines(40, BAD)
    expected = _expected(data)
    src = _file(tmp_path, "in.jsonl", data)
    dst = tmp_path / "out.jsonl"
    report = str(tmp_path / "e.txt")
    args = (src, str(dst), "--on-error", "skip", "--errors", report, *B4)
    proc = _dataset(*args, preexec_fn=_limit_file_size(len(expected) // 2))
    assert (proc.returncode, proc.stdout) == (1, b"")
    assert proc.stderr == f"openai-harmony: error: cannot write {dst}: File too large\n".encode()
    state = json.loads((tmp_path / "out.jsonl.progress").read_bytes())
    assert 0 < state["output_bytes"] <= len(expected) // 2
    assert dst.read_bytes()[: state["output_bytes"]] == expected[: state["output_bytes"]]
    proc = _dataset(*args, "--resume", "-q")
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert dst.read_bytes() == expected
    assert [r.split(":")[0] for r in open(report)] == ["line 3", "line 6", "line 9"]


def test_unwritable_progress_file(tmp_path, capsys):
    src = _file(tmp_path, "in.jsonl", _dataset_lines(8))
    dst = tmp_path / "out.jsonl"
    dst.write_bytes(b"keep me\n")
    (tmp_path / "out.jsonl.progress.tmp").mkdir()
    assert _run(capsys, "dataset", src, str(dst), "--force") == (
        1, "", f"openai-harmony: error: cannot write {dst}.progress.tmp: Is a directory\n"
    )
    # Nothing was cut before a record of it could be written.
    assert dst.read_bytes() == b"keep me\n"


def test_progress_file_fails_mid_run_then_resume(tmp_path):
    data = _dataset_lines(12)
    lines = data.splitlines(True)
    dst = tmp_path / "out.jsonl"
    proc = _spawn_dataset(str(dst), *B4)
    proc.stdin.write(b"".join(lines[:4]))
    proc.stdin.flush()
    _wait_for_record(tmp_path / "out.jsonl.progress", 4)
    (tmp_path / "out.jsonl.progress.tmp").mkdir()  # the next record cannot be written
    _, err = proc.communicate(b"".join(lines[4:]), timeout=120)
    assert (proc.returncode, err) == (1, f"openai-harmony: error: cannot write {dst}.progress.tmp: Is a directory\n".encode())
    assert json.loads((tmp_path / "out.jsonl.progress").read_bytes())["lines_read"] == 4
    (tmp_path / "out.jsonl.progress.tmp").rmdir()
    proc = _module("dataset", "-", str(dst), "--resume", "-q", *B4, stdin=data)
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert dst.read_bytes() == _expected(data)


# -- the --errors report ------------------------------------------------------------------


def test_errors_report_cut_back_on_resume(tmp_path, capsys):
    # Lines a killed run reported after its last record must not be reported twice.
    data = _dataset_lines(10, BAD)
    src = _file(tmp_path, "in.jsonl", data)
    dst = tmp_path / "out.jsonl"
    report = tmp_path / "e.txt"
    args = (src, str(dst), "--on-error", "skip", "--errors", str(report), "-q")
    assert _run(capsys, "dataset", *B4, *args) == (0, "", "")
    good = report.read_bytes()
    assert good.count(b"\n") == 3
    with open(report, "ab") as f:
        f.write(b"line 9: cannot render: Tools should have a name!\nline 1")
    with open(dst, "ab") as f:
        f.write(b'{"input_ids":[1,2')
    assert _run(capsys, "dataset", *B4, *args, "--resume") == (0, "", "")
    assert report.read_bytes() == good and dst.read_bytes() == _expected(data)
    # A report shorter than recorded cannot be resumed.
    report.write_bytes(good[:-1])
    assert _run(capsys, "dataset", *B4, *args, "--resume") == (
        1,
        "",
        f"openai-harmony: error: {report} is shorter than {dst}.progress records ({len(good) - 1:,} < {len(good):,} "
        "bytes); cannot resume safely (start over with --force)\n",
    )


# -- durability ---------------------------------------------------------------------------


def test_checkpoint_syncs_data_before_the_record(tmp_path, capsys, monkeypatch):
    # Each record may only reach the disk after the data it describes: output and report are
    # fsynced, then the record's temporary file, then it is renamed and the directory synced.
    src = _file(tmp_path, "in.jsonl", _dataset_lines(10, BAD))
    dst = str(tmp_path / "out.jsonl")
    report = str(tmp_path / "e.txt")
    log = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        log.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def replace(a, b):
        log.append(("replace", str(b)))
        return real_replace(a, b)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    assert _run(capsys, "dataset", *B4, src, dst, "--on-error", "skip", "--errors", report, "-q") == (0, "", "")
    monkeypatch.undo()
    progress = dst + ".progress"
    record = [("fsync", progress + ".tmp"), ("replace", progress), ("fsync", str(tmp_path))]
    # The first record (before any data), an empty cut of the output, then three batches.
    assert log == record + [("fsync", dst)] + ([("fsync", dst), ("fsync", report)] + record) * 3


# -- bad lines ------------------------------------------------------------------------------


def test_empty_conversation_is_a_bad_line(tmp_path, capsys):
    data = _dataset_lines(4, {2: "[]", 3: '{"messages": []}'})
    src = _file(tmp_path, "in.jsonl", data)
    dst = tmp_path / "out.jsonl"
    code, _, err = _run(capsys, "dataset", src, str(dst), "--on-error", "skip")
    assert code == 0
    assert err.splitlines()[:2] == [
        "openai-harmony: skipped line 2: the conversation has no messages",
        "openai-harmony: skipped line 3: the conversation has no messages",
    ]
    assert dst.read_bytes().count(b"\n") == 2 and b'"input_ids":[]' not in dst.read_bytes()
    assert _run(capsys, "dataset", src, str(dst), "--force")[2] == (
        "openai-harmony: error: line 2: the conversation has no messages (1 examples written; fix the line and "
        "re-run with --resume, or pass --on-error skip)\n"
    )


# -- the options in the record ---------------------------------------------------------------


def test_record_holds_every_option_that_shapes_the_output():
    args = cli.build_parser().parse_args(["dataset", "a", "b", "--labels", "--threads", "3", "--batch-size", "7"])
    assert output_options(args) == {
        "format": "harmony", "labels": True, "no_drop_analysis": False, "template": "gpt-oss", "train_on": "all"
    }
    # An option added later is covered without being listed anywhere.
    args.new_option = None
    assert output_options(args) == {
        "format": "harmony", "labels": True, "new_option": None, "no_drop_analysis": False, "template": "gpt-oss",
        "train_on": "all",
    }


def test_resume_may_change_batch_size_and_threads(tmp_path, capsys):
    data = _dataset_lines(9)
    src = _file(tmp_path, "in.jsonl", data)
    dst = tmp_path / "out.jsonl"
    _file(tmp_path, "in5.jsonl", b"".join(data.splitlines(True)[:5]))
    assert _run(capsys, "dataset", str(tmp_path / "in5.jsonl"), str(dst), "--batch-size", "2", "-q") == (0, "", "")
    assert _run(capsys, "dataset", src, str(dst), "--resume", "--batch-size", "3", "--threads", "1", "-q") == (0, "", "")
    assert dst.read_bytes() == _expected(data)
    assert _run(capsys, "dataset", src, str(dst), "--resume", "--no-drop-analysis") == (
        1,
        "",
        f"openai-harmony: error: {dst} was started with other options (no_drop_analysis=False); "
        "resume with the same options, or start over with --force\n",
    )


# -- kill and resume ------------------------------------------------------------------------


def test_kill_and_resume_loop():
    # The bounded version of scripts/kill_resume_dataset.py (run it with --kills 200).
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "kill_resume_dataset.py"), "--kills", "10", "--lines", "60",
         "--seed", "13"],
        capture_output=True, text=True, env=_env(), timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = re.search(r"^kill_resume_dataset: (\d+) kills in \d+ trials \(\d+ runs\), all byte-identical;", proc.stdout, re.M)
    assert summary and int(summary.group(1)) >= 10, proc.stdout
