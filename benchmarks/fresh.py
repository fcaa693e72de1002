#!/usr/bin/env python3
"""Fresh-data benchmark: every round gives every contender text it has never seen.

    python benchmarks/fresh.py --quick --peer-python /work/venvs/peers/bin/python
    python benchmarks/fresh.py --peer-python PY --markdown

Contenders: ours (compiled, pure Python) and, from ``--peer-python`` (a venv with
openai-harmony==0.0.8, tiktoken==0.14.0, fastokens, gigatoken, splintr-rs), the official
package, tiktoken and the three fast Rust tokenizers.  One long-lived worker per contender
(``fresh_worker.py``), so per-process caches persist across rounds as they do for users, but
each round's texts and conversations are generated anew from a new seed (``fresh_corpus.py``,
``convos.py``): nothing timed was seen before by that process.  Encode throughput is MB per
CPU-second of the worker, single thread; every contender's tokens are checked equal to
tiktoken's and a peer that differs anywhere is excluded (and reported).  Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from typing import Any, Dict, List, Optional

import fresh_corpus
import run

HERE = run.HERE
PEERS = ("fastokens", "gigatoken", "splintr")
CATS = list(fresh_corpus.CATEGORIES)


def _contenders(args: argparse.Namespace) -> List[run.Contender]:
    ns = argparse.Namespace(ours_pythonpath=args.ours_pythonpath, ours_env=[], ours_python=args.ours_python)
    base = run.make_contenders(ns, args.peer_python)
    out = [c for c in base]
    peer_env = base[-1].env
    labels = {"fastokens": "fastokens", "gigatoken": "gigatoken", "splintr": "splintr-rs"}
    for k in PEERS:
        out.append(run.Contender(k, labels[k], args.peer_python, k, dict(peer_env)))
    keep = set(args.contenders.split(",")) if args.contenders else None
    return [c for c in out if keep is None or c.key in keep]


def _median(xs: List[float]) -> Optional[float]:
    return statistics.median(xs) if xs else None


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="5 rounds of 384 KB per category (under 5 minutes)")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--bytes", type=int, help="UTF-8 bytes per category per round")
    ap.add_argument("--peer-python", required=True, help="interpreter of the peer venv")
    ap.add_argument("--ours-python", default=sys.executable)
    ap.add_argument("--ours-pythonpath", default=run.REPO_ROOT)
    ap.add_argument("--contenders", help="comma-separated keys (compiled,pure,official,tiktoken,fastokens,gigatoken,splintr)")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--output", default=os.path.join(HERE, "results", "fresh.json"))
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    rounds = args.rounds or (5 if args.quick else 8)
    nbytes = args.bytes or (384_000 if args.quick else 1_000_000)
    n_convs = 40 if args.quick else 120
    contenders = _contenders(args)
    tmp = tempfile.mkdtemp(prefix="fresh-bench-")
    err, source = run.prepare_vocab(tmp, contenders[0], None)
    if err:
        print(err, file=sys.stderr)
        return 2
    for c in contenders:
        c.env["FRESH_VOCAB_DIR"] = tmp
        if c.python == args.peer_python:
            c.env["TIKTOKEN_ENCODINGS_BASE"] = tmp
            c.env["TIKTOKEN_CACHE_DIR"] = tmp
    workers = {c.key: run.Worker(c, tmp, "fresh_worker.py") for c in contenders}
    results: Dict[str, Any] = {"encode": {}, "batch": {}, "render": {}, "patho": {}}
    mismatched: Dict[str, str] = {}
    load0 = os.getloadavg()
    t_start = time.time()

    def ask(c: run.Contender, req: Dict[str, Any]) -> Dict[str, Any]:
        res = workers[c.key].request(req, args.timeout)
        if not res.get("ok") and not res.get("na"):
            run._log(f"  {c.key} {req['task']}: {res.get('error')}")
        return res

    def check(kind: str, ref: Optional[str], c: run.Contender, res: Dict[str, Any], key: str = "digest") -> None:
        if ref is not None and res.get("ok") and res[key] != ref and c.key not in mismatched:
            mismatched[c.key] = f"{kind}: tokens differ from tiktoken's"
            run._log(f"  {c.key}: {kind} differs from tiktoken -> excluded")

    order = list(contenders)
    for rnd in range(rounds + 1):  # round 0 warms up (own seed), not recorded
        path = os.path.join(tmp, f"round{rnd}.json")
        data = {cat: fresh_corpus.category_documents(cat, nbytes if rnd else 20_000, 1000 + rnd) for cat in CATS}
        for part in ("batch_a", "batch_b"):
            data[part] = [d for cat in CATS
                          for d in fresh_corpus.category_documents(cat, (nbytes if rnd else 20_000) // 2, 5000 + 10 * rnd + (part == "batch_b"))]
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f)
        run._log(f"round {rnd}/{rounds}{' (warm-up)' if rnd == 0 else ''}, {time.time() - t_start:.0f} s")
        order = order[1:] + order[:1]
        tik = next((c for c in order if c.key == "tiktoken"), None)
        # tiktoken first within a row gives the reference digest; the order of the others rotates
        seq = ([tik] if tik else []) + [c for c in order if c is not tik]
        for cat in CATS:
            ref = None
            for c in seq:
                res = ask(c, {"task": "encode", "file": path, "set": cat})
                if c.key == "tiktoken" and res.get("ok"):
                    ref = res["digest"]
                check(f"encode {cat}", ref, c, res)
                if rnd and res.get("ok"):
                    results["encode"].setdefault(c.key, {}).setdefault(cat, []).append(res)
        for threads, part in ((1, "batch_a" if rnd % 2 else "batch_b"), (2, "batch_b" if rnd % 2 else "batch_a")):
            for c in seq:
                if c.key not in ("compiled", "tiktoken"):
                    continue
                res = ask(c, {"task": "batch", "file": path, "set": part, "threads": threads})
                if rnd and res.get("ok"):
                    results["batch"].setdefault(c.key, {}).setdefault(threads, []).append(res)
        cseed = fresh_corpus.conversation_seed(rnd, 0)
        ref_render = None
        for c in [x for x in seq if x.kind == "harmony"]:
            res = ask(c, {"task": "render", "n": n_convs if rnd else 3, "cseed": cseed})
            if c.key == "official" and res.get("ok"):
                ref_render = res["digest"]
            if rnd and res.get("ok"):
                results["render"].setdefault(c.key, []).append(res)
        for c in [x for x in seq if x.kind == "harmony"]:
            r = results["render"].get(c.key)
            if ref_render and r and r[-1]["digest"] != ref_render and rnd:
                mismatched.setdefault(c.key, "render: tokens differ from the official package's")
        if rnd == 1:
            for kind in ("letters", "base64", "digits", "spaces"):
                for size in (10_000, 100_000):
                    ref = None
                    for c in seq:
                        if c.key in ("pure", "official"):
                            continue
                        res = ask(c, {"task": "patho", "kind": kind, "size": size, "seed": 90 + size,
                                      "count": max(1, 200_000 // size)})
                        if c.key == "tiktoken" and res.get("ok"):
                            ref = res["digest"]
                        check(f"patho {kind}", ref, c, res)
                        if res.get("ok"):
                            results["patho"].setdefault(f"{kind} {size // 1000} KB", {})[c.key] = res
                        else:
                            results["patho"].setdefault(f"{kind} {size // 1000} KB", {})[c.key] = {"error": res.get("error")}
    for w in workers.values():
        w.stop()
    info = {c.key: (c.label, c.info.get("version")) for c in contenders}
    report = summarize(results, mismatched, info)
    report.update(rounds=rounds, bytes_per_category=nbytes, conversations=n_convs, load_start=load0,
                  load_end=os.getloadavg(), seconds=time.time() - t_start, vocab_source=source,
                  git_commit=run._git_commit() if hasattr(run, "_git_commit") else None)
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump({"report": report, "raw": results}, f, indent=1, default=str)
    print(format_report(report, markdown=args.markdown))
    return 1 if any(k in ("compiled", "pure") for k in mismatched) else 0


def summarize(results: Dict[str, Any], mismatched: Dict[str, str], info: Dict[str, Any]) -> Dict[str, Any]:
    """Medians over rounds: MB per CPU-second per category, ratios, goal figures."""
    enc: Dict[str, Dict[str, float]] = {}
    for key, cats in results["encode"].items():
        row = {}
        rounds_all: List[float] = []
        n = min(len(v) for v in cats.values())
        for cat, rs in cats.items():
            row[cat] = statistics.median(r["mb"] / r["cpu"] for r in rs if r["cpu"] > 0)
        for i in range(n):
            rounds_all.append(sum(cats[c][i]["mb"] for c in cats) / max(1e-9, sum(cats[c][i]["cpu"] for c in cats)))
        row["all"] = statistics.median(rounds_all)
        enc[key] = row

    def ratio(a: str, b: str, col: str) -> Optional[float]:
        if a in enc and b in enc and col in enc[a] and col in enc[b]:
            return enc[a][col] / enc[b][col]
        return None

    goals: Dict[str, Any] = {}
    for col in CATS + ["all"]:
        goals[f"compiled/fastokens {col}"] = ratio("compiled", "fastokens", col)
        goals[f"compiled/tiktoken {col}"] = ratio("compiled", "tiktoken", col)
    goals["pure/tiktoken all"] = ratio("pure", "tiktoken", "all")
    b = results["batch"].get("compiled", {})
    if b.get(1) and b.get(2):
        one = statistics.median(r["mb"] / r["wall"] for r in b[1])
        two = statistics.median(r["mb"] / r["wall"] for r in b[2])
        goals["encode_batch 2 threads / 1 thread (wall)"] = two / one
    bt = results["batch"].get("tiktoken", {})
    if bt.get(1) and bt.get(2):
        goals["tiktoken encode_ordinary_batch 2/1 threads (wall)"] = (
            statistics.median(r["mb"] / r["wall"] for r in bt[2]) / statistics.median(r["mb"] / r["wall"] for r in bt[1]))
    render = {}
    for key, rs in results["render"].items():
        render[key] = {"render_tokens_per_cpu_s": statistics.median(r["tokens"] / r["cpu"] for r in rs),
                       "raw_tokens_per_cpu_s": statistics.median(r["raw_tokens"] / r["raw_cpu"] for r in rs),
                       "render/raw": statistics.median((r["tokens"] / r["cpu"]) / (r["raw_tokens"] / r["raw_cpu"]) for r in rs)}
    if "compiled" in render:
        goals["render/raw encode, compiled"] = render["compiled"]["render/raw"]
    patho = {}
    for row, per in results["patho"].items():
        t = per.get("tiktoken", {})
        patho[row] = {k: (None if "error" in v else 1000 * v["cpu"] / v["mb"]) for k, v in per.items()}
        if "cpu" in t and "cpu" in per.get("compiled", {}):
            goals[f"patho {row}: tiktoken time / compiled time"] = (t["cpu"] / t["mb"]) / (per["compiled"]["cpu"] / per["compiled"]["mb"])
    return {"encode_mb_per_cpu_s": enc, "goals": goals, "render": render, "patho_ms_per_mb": patho,
            "excluded": mismatched, "contenders": info}


def format_report(rep: Dict[str, Any], markdown: bool = False) -> str:
    lines = [(f"Fresh-data benchmark: {rep['rounds']} rounds x {rep['bytes_per_category'] // 1000} KB per category, "
              f"load average {rep['load_start'][0]:.1f} -> {rep['load_end'][0]:.1f}, {rep['seconds']:.0f} s")]
    lines.append("")
    lines.append("| contender | " + " | ".join(CATS + ["all"]) + " |")
    lines.append("|---|" + "---|" * (len(CATS) + 1))
    enc = rep["encode_mb_per_cpu_s"]
    for key in sorted(enc, key=lambda k: -enc[k]["all"]):
        label, version = rep["contenders"].get(key, (key, ""))
        mark = " (EXCLUDED: " + rep["excluded"][key] + ")" if key in rep["excluded"] else ""
        lines.append(f"| {label} ({version}){mark} | " + " | ".join(f"{enc[key].get(c, 0):.1f}" for c in CATS + ["all"]) + " |")
    lines.append("")
    lines.append("MB of UTF-8 input per CPU-second, single thread, median over rounds.")
    lines.append("")
    lines.append("| rendering (fresh conversations) | render tok/CPU-s | raw encode tok/CPU-s | ratio |")
    lines.append("|---|---|---|---|")
    for key, r in rep["render"].items():
        lines.append(f"| {key} | {r['render_tokens_per_cpu_s']:,.0f} | {r['raw_tokens_per_cpu_s']:,.0f} | {r['render/raw']:.2f} |")
    lines.append("")
    keys = sorted({k for row in rep["patho_ms_per_mb"].values() for k in row})
    lines.append("| pathological (ms per MB, CPU) | " + " | ".join(keys) + " |")
    lines.append("|---|" + "---|" * len(keys))
    for row, per in rep["patho_ms_per_mb"].items():
        lines.append(f"| {row} | " + " | ".join("n/a" if per.get(k) is None else f"{per[k]:.0f}" for k in keys) + " |")
    lines.append("")
    lines.append("| goal ratio | measured |")
    lines.append("|---|---|")
    for k, v in rep["goals"].items():
        lines.append(f"| {k} | {'n/a' if v is None else f'{v:.2f}'} |")
    if rep["excluded"]:
        lines.append("")
        lines.append("Excluded (not token-exact): " + "; ".join(f"{k}: {v}" for k, v in rep["excluded"].items()))
    if not markdown:
        lines = [ln for ln in lines if not ln.startswith("|---")]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
