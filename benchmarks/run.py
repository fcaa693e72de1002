#!/usr/bin/env python3
"""Side-by-side benchmarks: our openai_harmony (compiled and pure Python) vs the official
openai-harmony 0.0.8 and tiktoken 0.14, on the same inputs, in one run.

    python benchmarks/run.py            # full run (~8 min on 2 cores)
    python benchmarks/run.py --quick    # short run (~1-2 min)
    python benchmarks/run.py --markdown # also print the table as Markdown

Ours and the official package share the import name ``openai_harmony``, so every contender
runs in its own worker process (worker.py, new ones every round) and the runner alternates
between them round-robin.  See benchmarks/README.md for what each workload measures.  Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import math
import os
import platform
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import report

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
DEFAULT_VENV = os.path.join(HERE, ".venv-peer")
DEFAULT_OUTPUT = os.path.join(HERE, "results", "latest.json")
PEER_REQUIREMENTS = ["openai-harmony==0.0.8", "tiktoken==0.14.0"]
VOCAB_FILE = "o200k_base.tiktoken"
VOCAB_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
# tiktoken looks its vocabulary up in TIKTOKEN_CACHE_DIR under the sha1 of the download URL.
TIKTOKEN_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"

CONTENDER_KEYS = ("compiled", "pure", "official", "tiktoken")
KB, MB = 1000, 1000 * 1000


# --------------------------------------------------------------------------------------
# What to measure
# --------------------------------------------------------------------------------------

@dataclass
class Workload:
    id: str
    label: str
    group: str
    unit: str
    higher_is_better: bool
    reference: str
    op: str  # worker workload name, or "coldstart"
    params: Dict[str, Any] = field(default_factory=dict)
    targets: Dict[str, float] = field(default_factory=dict)
    harmony_only: bool = False
    metric: Optional[str] = None  # for cold start rows: which field of the probe
    vary_seed: bool = True
    max_rounds: Optional[int] = None  # expensive rows run only in the first rounds
    fresh: bool = False  # run in a new worker process (no caches left by earlier workloads)


def build_plan(quick: bool) -> Tuple[List[Workload], Dict[str, Any]]:
    """Return the workloads and run settings for quick or full mode."""
    cfg = {
        "rounds": 5 if quick else 9,
        "slow_rounds": 1 if quick else 3,  # rounds for pathological inputs and >= 1 MB single strings
        "coldstart_per_round": 1 if quick else 2,
        "timeout": 20.0 if quick else 120.0,
        # Sized so that the fastest contender's timed pass still lasts tens of milliseconds.
        "encode_bytes": 1 * MB if quick else 4 * MB,
        "conversations": 100 if quick else 400,
        "stream_conversations": 50 if quick else 200,
        "loop_conversations": 15 if quick else 60,
        "scaling_sizes": [10 * KB, 100 * KB, 1 * MB] if quick else [10 * KB, 100 * KB, 1 * MB, 10 * MB],
        "scaling_total": 300 * KB if quick else 1 * MB,
        "patho_sizes": [10 * KB, 100 * KB] if quick else [10 * KB, 100 * KB, 1 * MB],
        "patho_total": 100 * KB if quick else 200 * KB,
    }
    eb = cfg["encode_bytes"]
    plan = [
        Workload("encode", f"encode, {eb // MB} MB mixed text", "throughput", "MB/s", True, "tiktoken", "encode",
                 {"bytes": eb}, {"compiled": 1.5, "pure": 0.3}, fresh=True),
        Workload("decode", f"decode, {eb // MB} MB mixed text", "throughput", "MB/s", True, "tiktoken", "decode",
                 {"bytes": eb}, {"compiled": 1.0}),
        # Each row renders conversations no earlier row has seen (own seed, fresh process), so
        # that caches in a renderer only help within the row, as they would in real use.
        Workload("render_completion", "render_conversation_for_completion", "throughput", "conv/s", True,
                 "official", "render_completion", {"n": cfg["conversations"], "cseed": 1001},
                 {"compiled": 3.0, "pure": 1.0}, harmony_only=True, vary_seed=False, fresh=True),
        Workload("render_training", "render_conversation_for_training", "throughput", "conv/s", True,
                 "official", "render_training", {"n": cfg["conversations"], "cseed": 1002},
                 {"compiled": 3.0, "pure": 1.0}, harmony_only=True, vary_seed=False, fresh=True),
        Workload("render_training_batch", "training batch + loss masks (official: loop, no masks)", "throughput", "conv/s", True,
                 "official", "render_training_batch", {"n": cfg["conversations"], "cseed": 1006},
                 harmony_only=True, vary_seed=False, fresh=True),
        Workload("render_loop", "render for completion, agent loop", "throughput", "renders/s", True,
                 "official", "render_loop", {"n": cfg["loop_conversations"], "cseed": 1003},
                 harmony_only=True, vary_seed=False, fresh=True),
        Workload("parse", "parse_messages_from_completion_tokens", "throughput", "conv/s", True, "official",
                 "parse", {"n": cfg["conversations"], "cseed": 1004}, {"compiled": 3.0}, harmony_only=True,
                 vary_seed=False),
        Workload("stream", "StreamableParser.process + last_content_delta", "throughput", "tokens/s", True,
                 "official", "stream", {"n": cfg["stream_conversations"], "cseed": 1005}, {"compiled": 2.0},
                 harmony_only=True, vary_seed=False),
        Workload("cold_load", "import + load_harmony_encoding", "cold start", "s", False, "official",
                 "coldstart", metric="load_s", targets={"compiled": 1.0}),
        Workload("cold_first", "... + first encode and render", "cold start", "s", False, "official",
                 "coldstart", metric="first_use_s", targets={"compiled": 1.0}),
        Workload("cold_rss", "peak RSS of that process", "cold start", "MB", False, "official",
                 "coldstart", metric="peak_rss_kib", targets={"compiled": 1.0}),
    ]
    for size in cfg["scaling_sizes"]:
        calls = max(1, cfg["scaling_total"] // size)
        plan.append(Workload(f"scale_mixed_{size}", f"encode {_size(size)} mixed" + (f" x{calls}" if calls > 1 else ""),
                             "scaling: time per MB", "ms/MB", False, "tiktoken", "encode_single",
                             {"kind": "mixed", "size": size, "total": cfg["scaling_total"]},
                             max_rounds=cfg["slow_rounds"] if size >= MB else None))
    import corpus

    for kind in corpus.PATHOLOGICAL_KINDS:
        for size in cfg["patho_sizes"]:
            calls = max(1, cfg["patho_total"] // size)
            plan.append(Workload(f"patho_{kind}_{size}", f"{kind} {_size(size)}" + (f" x{calls}" if calls > 1 else ""),
                                 "pathological single pieces: time per MB", "ms/MB", False, "tiktoken",
                                 "encode_single", {"kind": kind, "size": size, "total": cfg["patho_total"]},
                                 max_rounds=cfg["slow_rounds"]))
    return plan, cfg


def _size(n: int) -> str:
    return f"{n // MB} MB" if n >= MB else f"{n // KB} KB"


# --------------------------------------------------------------------------------------
# Contenders and their environments
# --------------------------------------------------------------------------------------

@dataclass
class Contender:
    key: str
    label: str
    python: str
    kind: str  # "harmony" or "tiktoken"
    env: Dict[str, str]
    error: Optional[str] = None
    info: Dict[str, Any] = field(default_factory=dict)
    backends: List[str] = field(default_factory=list)  # backend reported by each worker start


def _peer_python_for_venv(venv: str) -> str:
    return os.path.join(venv, "Scripts" if os.name == "nt" else "bin", "python")


def ensure_peer_venv(venv: str) -> str:
    """Create (once) a venv with the official package and tiktoken; return its python."""
    py = _peer_python_for_venv(venv)
    if not os.path.exists(py):
        _log(f"creating {venv} for the official openai-harmony and tiktoken ...")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    probe = ("import importlib.metadata as m; "
             "print(m.version('openai-harmony'), m.version('tiktoken'))")
    r = subprocess.run([py, "-c", probe], capture_output=True, text=True)
    if r.returncode != 0 or r.stdout.split() != ["0.0.8", "0.14.0"]:
        _log(f"installing {' '.join(PEER_REQUIREMENTS)} into {venv} ...")
        subprocess.run([py, "-m", "pip", "install", "--quiet", *PEER_REQUIREMENTS], check=True)
    return py


def _clean_env(drop: Tuple[str, ...]) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def prepare_vocab(tmp: str, ours: Contender, vocab_dir: Optional[str]) -> Tuple[Optional[str], str]:
    """Put o200k_base.tiktoken (and tiktoken's cache copy) in *tmp*; return (error, source).

    Sources, in order: $TIKTOKEN_ENCODINGS_BASE, our package's bundled data
    (``openai_harmony.load.write_tiktoken_file``), ``--vocab-dir``.
    """
    target = os.path.join(tmp, VOCAB_FILE)
    source = None
    user_dir = os.environ.get("TIKTOKEN_ENCODINGS_BASE")
    if user_dir and os.path.isfile(os.path.join(user_dir, VOCAB_FILE)):
        shutil.copyfile(os.path.join(user_dir, VOCAB_FILE), target)
        source = f"$TIKTOKEN_ENCODINGS_BASE ({user_dir})"
    if source is None:
        code = "import sys; from openai_harmony.load import write_tiktoken_file; write_tiktoken_file(sys.argv[1])"
        r = subprocess.run([ours.python, "-c", code, tmp], env=ours.env, cwd=HERE, capture_output=True, text=True)
        if r.returncode == 0 and os.path.isfile(target):
            source = "our package's bundled vocabulary (openai_harmony.load.write_tiktoken_file)"
    if source is None and vocab_dir and os.path.isfile(os.path.join(vocab_dir, VOCAB_FILE)):
        shutil.copyfile(os.path.join(vocab_dir, VOCAB_FILE), target)
        source = f"--vocab-dir {vocab_dir}"
    if source is None:
        return ("no o200k_base.tiktoken available: set TIKTOKEN_ENCODINGS_BASE, make our package importable, "
                "or pass --vocab-dir"), ""
    with open(target, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != VOCAB_SHA256:
        return f"{VOCAB_FILE} from {source} has sha256 {digest}, expected {VOCAB_SHA256}", source
    cache_name = hashlib.sha1(TIKTOKEN_URL.encode()).hexdigest()
    shutil.copyfile(target, os.path.join(tmp, cache_name))
    return None, source


def make_contenders(args: argparse.Namespace, peer_python: Optional[str]) -> List[Contender]:
    """Build all four contenders with the environment each worker runs in."""
    ours_env = _clean_env(("OPENAI_HARMONY_PURE_PYTHON", "TIKTOKEN_ENCODINGS_BASE"))
    if args.ours_pythonpath:
        ours_env["PYTHONPATH"] = os.pathsep.join(p for p in (args.ours_pythonpath, os.environ.get("PYTHONPATH")) if p)
    for item in args.ours_env:
        k, _, v = item.partition("=")
        ours_env[k] = v
    pure_env = dict(ours_env, OPENAI_HARMONY_PURE_PYTHON="1")
    # The peers must not see our checkout on their path (same import name).
    peer_env = _clean_env(("PYTHONPATH", "OPENAI_HARMONY_PURE_PYTHON"))
    out = [
        Contender("compiled", "ours (compiled)", args.ours_python, "harmony", ours_env),
        Contender("pure", "ours (pure)", args.ours_python, "harmony", pure_env),
        Contender("official", "official 0.0.8", peer_python or "", "harmony", peer_env),
        Contender("tiktoken", "tiktoken 0.14", peer_python or "", "tiktoken", dict(peer_env)),
    ]
    return out


# --------------------------------------------------------------------------------------
# Worker processes
# --------------------------------------------------------------------------------------

class Worker:
    """One long-lived worker process per contender; restarted after a crash or a timeout."""

    def __init__(self, contender: Contender, logdir: str, script: str = "worker.py") -> None:
        self.c = contender
        self.script = script
        self.proc: Optional[subprocess.Popen] = None
        self.buf = b""
        self.errlog = os.path.join(logdir, f"worker-{contender.key}.log")

    def _start(self) -> Optional[str]:
        with open(self.errlog, "ab") as err:
            self.proc = subprocess.Popen([self.c.python, os.path.join(HERE, self.script), self.c.kind],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                         env=self.c.env, cwd=HERE)
        self.buf = b""
        hello = self._read(180.0)
        if not hello.get("ok"):
            self.stop()
            return hello.get("error", "worker did not start")
        self.c.info = hello["info"]
        self.c.backends.append(str(hello["info"].get("backend")))
        return None

    def _read(self, timeout: float) -> Dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self.buf:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    self.stop()
                    return {"ok": False, "timeout": True, "error": f"timeout after {timeout:.0f} s"}
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    code = self.proc.wait()
                    tail = self._stderr_tail()
                    self.proc = None
                    return {"ok": False, "error": f"worker died (exit code {code}){': ' + tail if tail else ''}"}
                self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return json.loads(line)

    def _stderr_tail(self) -> str:
        try:
            with open(self.errlog, "rb") as f:
                lines = f.read().decode("utf-8", "replace").strip().splitlines()
            return lines[-1][:200] if lines else ""
        except OSError:
            return ""

    def request(self, msg: Dict[str, Any], timeout: float) -> Dict[str, Any]:
        if self.c.error:
            return {"ok": False, "error": self.c.error}
        if self.proc is None:
            err = self._start()
            if err:
                return {"ok": False, "error": err}
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write((json.dumps(msg) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.stop()
            return {"ok": False, "error": "worker pipe closed"}
        return self._read(timeout)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b'{"op": "quit"}\n')  # type: ignore[union-attr]
                self.proc.stdin.flush()  # type: ignore[union-attr]
                self.proc.wait(timeout=2)
            except Exception:  # noqa: BLE001 - stuck in a long computation: kill it
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def run_coldstart(c: Contender, timeout: float) -> Dict[str, Any]:
    """Start a fresh interpreter that imports and loads the encoding; return its report."""
    if c.error:
        return {"ok": False, "error": c.error}
    t0 = time.perf_counter()
    try:
        r = subprocess.run([c.python, os.path.join(HERE, "coldstart.py"), c.kind], env=c.env, cwd=HERE,
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"ok": False, "timeout": True, "error": f"timeout after {timeout:.0f} s"}
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        tail = (r.stderr.strip().splitlines() or ["?"])[-1][:200]
        return {"ok": False, "error": f"exit code {r.returncode}: {tail}"}
    out = json.loads(r.stdout.strip().splitlines()[-1])
    out.update(ok=True, wall_s=wall)
    return out


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------

def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _value(w: Workload, res: Dict[str, Any]) -> float:
    if w.op == "coldstart":
        v = res[w.metric]
        return v / 1024 if w.metric == "peak_rss_kib" else v
    if w.higher_is_better:
        return res["units"] / res["seconds"]
    return res["seconds"] / res["units"] * 1000.0  # ms per MB


class Runner:
    def __init__(self, plan: List[Workload], cfg: Dict[str, Any], contenders: List[Contender], logdir: str):
        self.plan, self.cfg, self.contenders = plan, cfg, contenders
        self.workers = {c.key: Worker(c, logdir) for c in contenders if c.kind}
        self.samples: Dict[str, Dict[str, List[Tuple[int, float]]]] = {w.id: {} for w in plan}
        self.raw: Dict[str, Dict[str, List[Dict[str, Any]]]] = {w.id: {} for w in plan}
        self.status: Dict[str, Dict[str, str]] = {w.id: {} for w in plan}
        self.errors: Dict[str, Dict[str, str]] = {w.id: {} for w in plan}
        self.digests: Dict[str, Dict[int, Dict[str, Tuple[str, str]]]] = {w.id: {} for w in plan}
        self.warnings: List[str] = []
        # (contender, scaling kind) -> (smallest size to skip, reason)
        self.skip: Dict[Tuple[str, str], Tuple[int, str]] = {}

    def _applies(self, w: Workload, c: Contender) -> bool:
        return not (w.harmony_only and c.kind == "tiktoken")

    def _record_failure(self, w: Workload, c: Contender, res: Dict[str, Any]) -> None:
        if res.get("na"):
            self.status[w.id][c.key] = "na"
        elif self.status[w.id].get(c.key) != "ok":
            self.status[w.id][c.key] = "timeout" if res.get("timeout") else "error"
        self.errors[w.id].setdefault(c.key, res.get("error", "failed"))

    def _record(self, w: Workload, c: Contender, rnd: int, res: Dict[str, Any]) -> None:
        if not res.get("ok"):
            self._record_failure(w, c, res)
            return
        self.status[w.id][c.key] = "ok"
        self.samples[w.id].setdefault(c.key, []).append((rnd, _value(w, res)))
        keep = {k: v for k, v in res.items() if k not in ("ok",)}
        self.raw[w.id].setdefault(c.key, []).append(keep)
        if "digest" in res:
            self.digests[w.id].setdefault(rnd, {})[c.key] = (res.get("input_digest", ""), res["digest"])
        if res.get("warning"):
            self.errors[w.id].setdefault(c.key, res["warning"])

    def _scaling_skip(self, w: Workload, c: Contender) -> Optional[str]:
        if w.op != "encode_single":
            return None
        limit = self.skip.get((c.key, w.params["kind"]))
        return limit[1] if limit and w.params["size"] >= limit[0] else None

    def _update_scaling_skip(self, w: Workload, c: Contender, res: Dict[str, Any]) -> None:
        """Skip bigger sizes of a kind that failed, or whose projected time exceeds the timeout."""
        kind, size = w.params["kind"], w.params["size"]
        sizes = self.cfg["scaling_sizes"] if kind == "mixed" else self.cfg["patho_sizes"]
        bigger = [s for s in sizes if s > size]
        if not bigger:
            return
        key = (c.key, kind)
        if not res.get("ok"):
            self.skip.setdefault(key, (bigger[0], f"skipped: failed at {_size(size)}"))
            return
        per_call = res["seconds"] / max(1, res.get("extra", {}).get("calls", 1))
        exponent = 1.0 if kind == "mixed" else 2.0  # pathological pieces may be quadratic
        smaller = [s for s in sizes if s < size]
        prev = self.raw.get(f"{w.id.rsplit('_', 1)[0]}_{smaller[-1]}", {}).get(c.key) if smaller else None
        if prev:
            p = prev[-1]
            prev_call = p["seconds"] / max(1, p.get("extra", {}).get("calls", 1))
            if prev_call > 1e-4 and per_call > prev_call:
                exponent = min(2.0, max(1.0, math.log(per_call / prev_call) / math.log(size / smaller[-1])))
        nxt = bigger[0]
        projected = per_call * (nxt / size) ** exponent * max(1, self._total(kind) // nxt)
        if projected > self.cfg["timeout"]:
            self.skip.setdefault(key, (nxt, f"skipped: projected {projected:.0f} s at {_size(nxt)} > timeout"))

    def _total(self, kind: str) -> int:
        return self.cfg["scaling_total"] if kind == "mixed" else self.cfg["patho_total"]

    def start_workers(self) -> None:
        for c in self.contenders:
            t0 = time.perf_counter()
            err = self.workers[c.key]._start() if not c.error else c.error
            if err:
                # Not fatal: every later request retries (the checkout may be mid-edit).
                _log(f"  {c.label}: FAILED to start: {err}")
            else:
                _log(f"  {c.label}: ready in {time.perf_counter() - t0:.1f} s "
                     f"({c.info.get('module_file')}, backend={c.info.get('backend')})")

    def run(self) -> None:
        rounds = self.cfg["rounds"]
        n = len(self.contenders)
        for rnd in range(rounds):
            t_round = time.perf_counter()
            for wi, w in enumerate(self.plan):
                if w.op == "coldstart" or (w.max_rounds is not None and rnd >= w.max_rounds):
                    continue
                shift = (rnd + wi) % n
                for c in self.contenders[shift:] + self.contenders[:shift]:
                    if not self._applies(w, c):
                        self.status[w.id][c.key] = "na"
                        continue
                    reason = self._scaling_skip(w, c)
                    if reason:
                        if self.status[w.id].get(c.key) != "ok":
                            self.status[w.id][c.key] = "skipped"
                            self.errors[w.id].setdefault(c.key, reason)
                        continue
                    params = dict(w.params, seed=(rnd + 1) if w.vary_seed else 0)
                    if w.fresh:
                        self.workers[c.key].stop()
                    res = self.workers[c.key].request({"op": "run", "workload": w.op, "params": params},
                                                      self.cfg["timeout"])
                    self._record(w, c, rnd, res)
                    if w.op == "encode_single":
                        self._update_scaling_skip(w, c, res)
            # Fresh worker processes every round, so that samples are independent of one
            # process's hash seed, heap layout and caches (each worker warms up first).
            self.stop()
            self._coldstart_round(rnd)
            _log(f"  round {rnd + 1}/{rounds} done in {time.perf_counter() - t_round:.1f} s")

    def _coldstart_round(self, rnd: int) -> None:
        rows = [w for w in self.plan if w.op == "coldstart"]
        if not rows:
            return
        n = len(self.contenders)
        for rep in range(self.cfg["coldstart_per_round"]):
            shift = (rnd + rep) % n
            for c in self.contenders[shift:] + self.contenders[:shift]:
                res = run_coldstart(c, self.cfg["timeout"])
                for w in rows:
                    self._record(w, c, rnd, res)

    def stop(self) -> None:
        for wk in self.workers.values():
            wk.stop()

    # -- aggregation -----------------------------------------------------------------
    def results(self, meta: Dict[str, Any]) -> Dict[str, Any]:
        by_key = {c.key: c for c in self.contenders}
        out_w = []
        for w in self.plan:
            values = {k: [v for _, v in pts] for k, pts in self.samples[w.id].items() if pts}
            med = {k: statistics.median(v) for k, v in values.items()}
            ratios, verdicts = {}, {}
            for k in ("compiled", "pure"):
                r = self._paired_ratio(w, k)
                if r is not None:
                    ratios[k] = r
                    if k in w.targets:
                        verdicts[k] = "PASS" if r >= w.targets[k] else "FAIL"
                elif k in w.targets and k in by_key and w.reference in by_key:
                    verdicts[k] = "n/a"
            mismatch = self._mismatches(w)
            out_w.append({
                "id": w.id, "label": w.label, "group": w.group, "unit": w.unit,
                "higher_is_better": w.higher_is_better, "reference": w.reference,
                "params": w.params, "targets": {k: v for k, v in w.targets.items() if k in by_key},
                "status": self.status[w.id], "errors": self.errors[w.id],
                "samples": values, "median": med,
                "spread": {k: (max(v) - min(v)) / med[k] if len(v) > 1 and med[k] else 0.0 for k, v in values.items()},
                "ratios": ratios, "verdicts": verdicts, "mismatch": mismatch,
                "round_ratios": {k: self._round_ratios(w, k) for k in ("compiled", "pure") if k in values},
                "raw": self.raw[w.id],
            })
        contenders = {c.key: {"label": c.label, "python": c.python, "kind": c.kind, "info": c.info,
                              "error": c.error,
                              "env": {k: c.env[k] for k in ("PYTHONPATH", "OPENAI_HARMONY_PURE_PYTHON",
                                                            "TIKTOKEN_ENCODINGS_BASE") if k in c.env}}
                      for c in self.contenders}
        return dict(meta, contenders=contenders, workloads=out_w, warnings=self.warnings + meta.get("warnings", []))

    def _paired_ratio(self, w: Workload, key: str) -> Optional[float]:
        per = self._round_ratios(w, key)
        return statistics.median(per) if per else None

    def _round_ratios(self, w: Workload, key: str) -> List[float]:
        """Median over rounds of (ours / reference), oriented so that > 1 means ours is better.

        Pairing by round cancels machine-wide slowdowns, since a round measures every
        contender within a few seconds; rounds missing either side are ignored.
        """
        def per_round(k: str) -> Dict[int, float]:
            acc: Dict[int, List[float]] = {}
            for rnd, v in self.samples[w.id].get(k, []):
                acc.setdefault(rnd, []).append(v)
            return {rnd: statistics.median(vs) for rnd, vs in acc.items()}

        ours, ref = per_round(key), per_round(w.reference)
        pairs = [(ours[r], ref[r]) for r in sorted(ours) if r in ref and ours[r] > 0 and ref[r] > 0]
        return [o / t if w.higher_is_better else t / o for o, t in pairs]

    def _mismatches(self, w: Workload) -> Dict[str, str]:
        """Contenders whose output (or input) digest differs from the reference's, per round."""
        out: Dict[str, str] = {}
        for rnd, per in sorted(self.digests[w.id].items()):
            base_key = next((k for k in ("official", "tiktoken", "compiled", "pure") if k in per), None)
            if base_key is None:
                continue
            base_in, base_out = per[base_key]
            for k, (din, dout) in per.items():
                if k in out or k == base_key:
                    continue
                if din != base_in:
                    out[k] = f"input differs from {base_key}'s (round {rnd + 1})"
                elif dout != base_out:
                    out[k] = f"output differs from {base_key}'s (round {rnd + 1})"
        return out


def machine_info() -> Dict[str, Any]:
    """CPU, memory and OS of this machine (from /proc where available)."""
    info: Dict[str, Any] = {"platform": platform.platform(), "machine": platform.machine(),
                            "processor": platform.processor(), "cpu_count": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    info["mem_total_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                    break
    except OSError:
        pass
    return info


def _loadavg() -> Optional[float]:
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def _git_commit() -> Optional[str]:
    try:
        r = subprocess.run(["git", "-C", REPO_ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        return r.stdout.strip() or None
    except OSError:
        return None


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="short run (~1-2 minutes)")
    p.add_argument("--rounds", type=int, help="override the number of rounds")
    p.add_argument("--timeout", type=float, help="per-measurement timeout in seconds")
    p.add_argument("--only", help="comma-separated workload id prefixes to run (e.g. encode,render)")
    p.add_argument("--contenders", default=",".join(CONTENDER_KEYS),
                   help="comma-separated subset of: " + ", ".join(CONTENDER_KEYS))
    p.add_argument("--ours-python", default=sys.executable, help="interpreter for our package (default: this one)")
    p.add_argument("--ours-pythonpath", default=REPO_ROOT,
                   help="prepended to PYTHONPATH for our workers (default: the repo root; '' for an installed package)")
    p.add_argument("--ours-env", action="append", default=[], metavar="KEY=VALUE",
                   help="extra environment variable for our workers (repeatable)")
    p.add_argument("--peer-python", help="interpreter with openai-harmony 0.0.8 and tiktoken 0.14 installed "
                                         f"(default: create/reuse {os.path.relpath(DEFAULT_VENV)})")
    p.add_argument("--peer-venv", default=DEFAULT_VENV, help="where to create the peer venv when --peer-python "
                                                             "is not given (default: %(default)s)")
    p.add_argument("--vocab-dir", help="directory holding o200k_base.tiktoken, used if neither "
                                       "$TIKTOKEN_ENCODINGS_BASE nor our package can provide it")
    p.add_argument("--output", default=DEFAULT_OUTPUT, help="where to write the JSON results")
    p.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    p.add_argument("--from-json", metavar="PATH", help="don't run: print the tables for a saved results file")
    return p.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        with open(args.from_json) as f:
            results = json.load(f)
        print(report.format_text(results))
        if args.markdown:
            print("\n" + report.format_markdown(results))
        return 0

    t_start = time.perf_counter()
    started = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_start = _loadavg()
    plan, cfg = build_plan(args.quick)
    if args.rounds:
        cfg["rounds"] = args.rounds
    if args.timeout:
        cfg["timeout"] = args.timeout
    if args.only:
        prefixes = tuple(args.only.split(","))
        plan = [w for w in plan if w.id.startswith(prefixes)]

    wanted = set(args.contenders.split(","))
    unknown = wanted - set(CONTENDER_KEYS)
    if unknown:
        raise SystemExit(f"unknown contender(s) {sorted(unknown)}; choose from {', '.join(CONTENDER_KEYS)}")
    peer_python, peer_error = None, None
    if wanted & {"official", "tiktoken"}:
        try:
            peer_python = args.peer_python or ensure_peer_venv(args.peer_venv)
        except (OSError, subprocess.CalledProcessError) as exc:
            peer_error = f"could not set up the peer venv: {exc}"
    everyone = make_contenders(args, peer_python)
    contenders = [c for c in everyone if c.key in wanted]
    warnings: List[str] = []

    with tempfile.TemporaryDirectory(prefix="harmony-bench-") as tmp:
        vocab_dir = os.path.join(tmp, "vocab")
        os.mkdir(vocab_dir)
        vocab_error, vocab_source = prepare_vocab(vocab_dir, everyone[0], args.vocab_dir)
        for c in contenders:
            if c.key in ("official", "tiktoken"):
                c.env["TIKTOKEN_ENCODINGS_BASE"] = vocab_dir
                c.env["TIKTOKEN_CACHE_DIR"] = vocab_dir
                c.error = peer_error or vocab_error
        if vocab_source:
            _log(f"vocabulary for the peers: {vocab_source}")

        _log(f"starting workers ({'quick' if args.quick else 'full'} mode, {cfg['rounds']} rounds) ...")
        runner = Runner(plan, cfg, contenders, tmp)
        try:
            runner.start_workers()
            runner.run()
        finally:
            runner.stop()
    cpus = os.cpu_count() or 1
    if load_start is not None and load_start > 0.5 * cpus:
        warnings.append(f"the machine was busy (1-minute load average {load_start:.1f} on {cpus} CPUs at the start): "
                        "expect noisy numbers")
    for c in contenders:
        seen = sorted(set(c.backends))
        if c.key == "compiled" and "python" in seen:
            warnings.append("'ours (compiled)' ran the pure-Python backend"
                            + (" in some rounds" if len(seen) > 1 else "") + ": build the extension first")
        elif len(seen) > 1:
            warnings.append(f"{c.label}: the backend changed during the run ({', '.join(seen)})")
        expected = {"official": "0.0.8", "tiktoken": "0.14.0"}.get(c.key)
        if expected and c.info.get("dist_version") not in (None, expected):
            warnings.append(f"{c.label} is version {c.info.get('dist_version')}, expected {expected}")

    meta = {
        "schema": 1,
        "date": started,
        "load_average": {"start": load_start, "end": _loadavg()},
        "mode": "quick" if args.quick else "full",
        "rounds": cfg["rounds"],
        "config": cfg,
        "machine": machine_info(),
        "runner_python": sys.version.split()[0],
        "git_commit": _git_commit(),
        "vocab_source": vocab_source,
        "warnings": warnings,
    }
    results = runner.results(meta)
    results["elapsed_s"] = round(time.perf_counter() - t_start, 1)

    if args.output:
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        tmp_out = args.output + ".tmp"
        with open(tmp_out, "w") as f:
            json.dump(results, f, indent=1, sort_keys=False)
        os.replace(tmp_out, args.output)
    print(report.format_text(results))
    if args.markdown:
        print("\n" + report.format_markdown(results))
    _log(f"\nresults written to {args.output} ({results['elapsed_s']} s)")
    return 1 if any(w["mismatch"] for w in results["workloads"]) else 0


if __name__ == "__main__":
    sys.exit(main())
