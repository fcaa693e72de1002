#!/usr/bin/env python3
"""apply_chat_template: this package against transformers, same gpt-oss template, tokens + masks.

    python benchmarks/chat_template.py TEMPLATE TRAINING_TEMPLATE [--rounds N] [--convs N]

Needs transformers + jinja2 + tiktoken (a scratch venv, as scripts/gen_chat_template_goldens.py;
the package is imported from this checkout). transformers renders the training template with
jinja and tokenizes with a fast tokenizer built offline from the o200k_base vocabulary
(TikTokenConverter, as the golden generator); we call ``HarmonyEncoding.apply_chat_template``.
Both return input_ids + assistant_masks, checked identical for every conversation. Every round
renders fresh conversations (the corpus of the goldens, each user text given a new nonce), so no
cache can help. The script runs itself twice: compiled backend, then OPENAI_HARMONY_PURE_PYTHON=1,
each timing transformers side by side in the same process.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _conversations(n: int):
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import goldens  # tests/goldens.py: the golden file format

    data = goldens.load("chat_template")
    cases = [c for c in data["cases"] if "error" not in c["expected"] and not c["deliberate"]]
    return cases[:n], data["date"]


def _fresh(cases, rnd: int):
    out = []
    for k, c in enumerate(cases):
        msgs = copy.deepcopy(c["messages"])
        for m in msgs:
            if m.get("role") == "user" and isinstance(m.get("content"), str):
                m["content"] = f"[{rnd}.{k}] " + m["content"]
        out.append((msgs, c["tools"], c["add_generation_prompt"], c["kwargs"]))
    return out


def _one_mode(args) -> dict:
    sys.path.insert(0, ROOT)
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    import transformers.utils.chat_template_utils as ctu
    from gen_chat_template_goldens import build_tokenizer

    from openai_harmony import BACKEND, load_harmony_encoding

    fast, _ = build_tokenizer()
    enc = load_harmony_encoding("HarmonyGptOss")
    training = open(args.training, encoding="utf-8").read()
    cases, date = _conversations(args.convs)

    import datetime as _dt

    class _Fixed(_dt.datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return cls.fromisoformat(date)

    ctu.datetime = _Fixed

    def theirs(convs):
        return [
            fast.apply_chat_template(m, tools=t, chat_template=training, add_generation_prompt=g, tokenize=True,
                                     return_dict=True, return_assistant_tokens_mask=True, **kw)
            for m, t, g, kw in convs
        ]

    from openai_harmony import chat_template as ct

    def ours(convs):
        out = []
        for m, t, g, kw in convs:
            if args.no_cache:  # every header and tools list encoded as if never seen
                ct._HEAD_CACHE.clear()
                ct._NS_CACHE.clear()
            out.append(enc.apply_chat_template(m, t, add_generation_prompt=g, return_dict=True,
                                               return_assistant_tokens_mask=True, conversation_start_date=date, **kw))
        return out

    times = {"transformers": 0.0, "openai_harmony": 0.0}
    tokens = 0
    for rnd in range(args.rounds):
        convs = _fresh(cases, rnd)
        order = [("transformers", theirs), ("openai_harmony", ours)]
        if rnd % 2:
            order.reverse()
        results = {}
        for name, fn in order:
            data = copy.deepcopy(convs)
            t0 = time.perf_counter()
            results[name] = fn(data)
            times[name] += time.perf_counter() - t0
        for a, b in zip(results["transformers"], results["openai_harmony"]):
            assert list(a["input_ids"]) == b["input_ids"] and list(a["assistant_masks"]) == b["assistant_masks"]
        tokens += sum(len(b["input_ids"]) for b in results["openai_harmony"])
    n = args.rounds * len(cases)
    return {
        "backend": BACKEND,
        "conversations": n,
        "tokens": tokens,
        "us_per_conv": {k: 1e6 * v / n for k, v in times.items()},
        "ratio": times["transformers"] / times["openai_harmony"],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("template")
    ap.add_argument("training")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--convs", type=int, default=300)
    ap.add_argument("--no-cache", action="store_true", help="empty the header / tools caches before each conversation")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_one_mode(args)))
        return
    for pure in (False, True):
        env = dict(os.environ)
        env.pop("OPENAI_HARMONY_PURE_PYTHON", None)
        if pure:
            env["OPENAI_HARMONY_PURE_PYTHON"] = "1"
        cmd = [sys.executable, __file__, args.template, args.training, "--rounds", str(args.rounds),
               "--convs", str(args.convs), "--child"] + (["--no-cache"] if args.no_cache else [])
        out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        us = r["us_per_conv"]
        print(f"{r['backend']:>8}: {r['conversations']} conversations, {r['tokens']} tokens; "
              f"transformers {us['transformers']:.0f} us/conv, openai_harmony {us['openai_harmony']:.0f} us/conv "
              f"-> {r['ratio']:.1f}x")


if __name__ == "__main__":
    main()
