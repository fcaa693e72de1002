#!/usr/bin/env python3
"""Kill ``openai-harmony dataset`` at random moments with SIGKILL, resume it, compare the files.

An input with bad lines (invalid JSON, unknown roles, empty conversations, unrenderable
tools), blank lines and repeated conversations is converted once without interruption
(``--on-error skip --errors``): that output and error report are the reference. Then, trial
after trial, a fresh run is started and SIGKILLed after a random delay, then resumed with
``--resume`` (with a random small ``--batch-size`` each time, so batch boundaries move and
are frequent) and killed again, until a run finishes; its output and report must be
byte-identical to the reference. After every kill the files must already agree with the
reference up to what ``OUT.progress`` records. Delays cover start-up, the first save, every
batch and the finish; each kill is classified by the record it left:

    none    no record yet (killed before or during the first save)
    start   the first record (nothing converted yet)
    middle  between batches
    end     everything converted (killed at the finish, before the process exited)

    python scripts/kill_resume_dataset.py --kills 200            # the figure for the issue
    python scripts/kill_resume_dataset.py --kills 10 --lines 60  # what the test suite runs
    python scripts/kill_resume_dataset.py --stdin                # the input on stdin (read again to resume)

Exit status 0 if every resumed run matched, 1 otherwise (the trial and seed are printed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_input(rng: random.Random, n: int) -> bytes:
    """*n* lines: mostly conversations (many repeated), some bad, some blank."""
    pool = []
    for i in range(8):
        messages = [
            {"role": "user", "content": f"What is {i} + {i}?"},
            {"role": "assistant", "channel": "analysis", "content": "Add them." * (1 + i % 3)},
            {"role": "assistant", "channel": "final", "content": str(2 * i)},
        ]
        pool.append(json.dumps({"messages": messages} if i % 2 else messages))
    bad = [
        "not json",
        "[]",
        '{"messages": []}',
        '{"messages": [{"role": "bob", "content": "x"}]}',
        '[{"role": "tool", "content": "x"}]',
        '{"messages": [',
    ]
    lines = []
    for _ in range(n):
        r = rng.random()
        if r < 0.12:
            lines.append(rng.choice(bad))
        elif r < 0.16:
            lines.append(rng.choice(["", "  "]))
        else:
            lines.append(rng.choice(pool))  # repeats: a resume by counting lines could not tell them apart
    return ("\n".join(lines) + "\n").encode()


def command(inp: str, out: str, errors: str, batch: int, resume: bool) -> List[str]:
    """The ``dataset`` command line (*inp* ``-``: the input comes on stdin)."""
    argv = [sys.executable, "-m", "openai_harmony", "dataset", inp, out, "--on-error", "skip", "--errors", errors,
            "--batch-size", str(batch), "-q"]
    return argv + (["--resume"] if resume else [])


def env() -> Dict[str, str]:
    """The environment of the runs: this checkout first on the path."""
    return dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))


def timed_run(argv: List[str]) -> Tuple[float, subprocess.CompletedProcess]:
    """Run *argv* to the end; its wall time and result."""
    t0 = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, env=env(), timeout=600)
    return time.monotonic() - t0, proc


def check_prefix(out: str, errors: str, ref_out: bytes, ref_err: bytes, lines: int) -> Tuple[str, Optional[str]]:
    """Classify the record a kill left, and check the files agree with the reference up to it."""
    try:
        with open(out + ".progress", "rb") as f:
            state = json.load(f)
    except FileNotFoundError:
        return "none", None
    for path, key, ref in ((out, "output_bytes", ref_out), (errors, "errors_bytes", ref_err)):
        size = state[key]
        try:
            with open(path, "rb") as f:
                have = f.read(size)
        except FileNotFoundError:
            have = b""
        if have != ref[:size]:
            return "bad", f"{path} differs from the reference within its recorded {size} bytes"
    if state["lines_read"] == 0:
        return "start", None
    if state["lines_read"] == lines:
        return "end", None
    return "middle", None


def main(argv: Optional[List[str]] = None) -> int:
    """Run the kill-and-resume loop; 0 when every trial ended byte-identical."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--kills", type=int, default=200, help="SIGKILLs of a running job to deliver (default 200)")
    ap.add_argument("--lines", type=int, default=400, help="input lines (default 400)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: time-based, printed)")
    ap.add_argument("--max-batch", type=int, default=8, help="largest --batch-size drawn (default 8)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--stdin", action="store_true", help="give the killed runs their input on stdin")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="kill_resume_")
    print(
        f"kill_resume_dataset: seed={seed} lines={args.lines} kills={args.kills} stdin={args.stdin} work={work}",
        flush=True,
    )
    try:
        inp = os.path.join(work, "in.jsonl")
        with open(inp, "wb") as f:
            f.write(make_input(rng, args.lines))
        ref_o, ref_e = os.path.join(work, "ref.jsonl"), os.path.join(work, "ref.errors")
        empty = os.path.join(work, "empty.jsonl")
        open(empty, "wb").close()
        startup, _ = timed_run(command(empty, os.path.join(work, "e.out"), os.path.join(work, "e.err"), 4, False))
        full, proc = timed_run(command(inp, ref_o, ref_e, 4, False))
        if proc.returncode != 0:
            print(f"kill_resume_dataset: the uninterrupted run failed: {proc.stderr.decode()}")
            return 1
        with open(ref_o, "rb") as f:
            ref_out = f.read()
        with open(ref_e, "rb") as f:
            ref_err = f.read()
        print(
            f"kill_resume_dataset: reference {len(ref_out.splitlines())} examples, {len(ref_err.splitlines())} "
            f"bad lines; start-up {startup:.2f} s, whole run {full:.2f} s",
            flush=True,
        )
        kinds = {"none": 0, "start": 0, "middle": 0, "end": 0}
        kills = trials = runs = 0
        out, err = os.path.join(work, "out.jsonl"), os.path.join(work, "out.errors")
        while kills < args.kills:
            trials += 1
            for path in (out, err, out + ".progress"):
                if os.path.exists(path):
                    os.remove(path)
            resume = False
            while True:
                batch = rng.randint(1, args.max_batch)
                # Most delays fall while lines are converted; some during start-up and the
                # first save, some after the end (the run then simply finishes).
                # A fresh run gets more early kills, to hit the first save.
                r = rng.random()
                if r < (0.5 if not resume else 0.1):
                    delay = rng.uniform(0, startup * 1.1)
                else:
                    delay = rng.uniform(startup * 0.9, full * 1.05)
                with open(inp, "rb") as stdin:
                    p = subprocess.Popen(
                        command("-" if args.stdin else inp, out, err, batch, resume),
                        stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(),
                    )
                runs += 1
                try:
                    p.wait(timeout=delay)
                except subprocess.TimeoutExpired:
                    p.send_signal(signal.SIGKILL)
                _, stderr = p.communicate(timeout=600)
                if p.returncode == -signal.SIGKILL:
                    kills += 1
                    kind, problem = check_prefix(out, err, ref_out, ref_err, args.lines)
                    if problem:
                        print(f"kill_resume_dataset: FAILED in trial {trials}, seed {seed}: {problem}")
                        return 1
                    kinds[kind] += 1
                    resume = True
                    continue
                if p.returncode != 0:
                    print(f"kill_resume_dataset: FAILED in trial {trials}, seed {seed}: exit {p.returncode}: "
                          f"{stderr.decode()!r}")
                    return 1
                break
            with open(out, "rb") as f:
                got_out = f.read()
            with open(err, "rb") as f:
                got_err = f.read()
            if (got_out, got_err) != (ref_out, ref_err):
                which = "output" if got_out != ref_out else "errors report"
                print(f"kill_resume_dataset: FAILED in trial {trials}, seed {seed}: the {which} differs")
                return 1
        print(
            f"kill_resume_dataset: {kills} kills in {trials} trials ({runs} runs), all byte-identical; "
            f"killed with record: none {kinds['none']}, start {kinds['start']}, middle {kinds['middle']}, "
            f"end {kinds['end']}",
            flush=True,
        )
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
