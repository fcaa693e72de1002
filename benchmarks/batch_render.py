"""Batch rendering against one-at-a-time rendering, in one process, same conversations.

    python benchmarks/batch_render.py [--rounds 7] [--threads 2]

Two kinds of conversations: text-heavy ones (a user message, an analysis and a final answer,
each a few KB of the mixed-text corpus) where encoding the texts dominates, and the agent
conversations of the main benchmark (tools, short turns) where it does not. Each round clears
the renderer's text cache first, so every text is encoded in every timed call; the table
shows medians and the ratio loop / batch (> 1: the batch is faster). Outputs are checked
equal. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any, Callable, Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import convos  # noqa: E402
import corpus  # noqa: E402
import openai_harmony as h  # noqa: E402


def text_heavy(n_bytes: int) -> List[Any]:
    """Conversations of three long texts each, cut from the benchmark's mixed-text corpus."""
    docs = corpus.documents(n_bytes, 3)
    system = h.Message.from_role_and_content(h.Role.SYSTEM, h.SystemContent.new())
    out = []
    for i in range(0, len(docs) - 2, 3):
        out.append(h.Conversation.from_messages([
            system,
            h.Message.from_role_and_content(h.Role.USER, docs[i]),
            h.Message.from_role_and_content(h.Role.ASSISTANT, docs[i + 1]).with_channel("analysis"),
            h.Message.from_role_and_content(h.Role.ASSISTANT, docs[i + 2]).with_channel("final"),
        ]))
    return out


def agents(n: int) -> List[Any]:
    """The agent conversations of benchmarks/run.py (tools, several short turns)."""
    return [h.Conversation.from_messages(m) for m in convos.build_conversations(h, n, 1002)]


def measure(enc: Any, convs: List[Any], rounds: int, threads: int) -> Dict[str, float]:
    renderer = enc._renderer
    calls: Dict[str, Callable[[], Any]] = {
        "loop": lambda: [enc.render_conversation_for_training(c) for c in convs],
        "batch": lambda: enc.render_conversations_for_training(convs, num_threads=threads),
        "loop + masks": lambda: [enc.render_conversation_for_training_with_mask(c) for c in convs],
        "batch + masks": lambda: enc.render_conversations_for_training_with_mask(convs, num_threads=threads),
    }
    samples: Dict[str, List[float]] = {k: [] for k in calls}
    results: Dict[str, Any] = {}
    for _ in range(rounds):
        for name, call in calls.items():
            renderer._text_cache.clear()
            renderer._text_cache_chars = 0
            t0 = time.perf_counter()
            results[name] = call()
            samples[name].append(time.perf_counter() - t0)
    if results["loop"] != results["batch"] or results["loop + masks"] != results["batch + masks"]:
        raise SystemExit("batch and one-at-a-time results differ")
    return {k: statistics.median(v) for k, v in samples.items()}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    enc = h.load_harmony_encoding("HarmonyGptOss")
    print(f"backend {h.BACKEND}, {os.cpu_count()} CPUs, {args.threads} threads, {args.rounds} rounds")
    print("| conversations | loop | batch | loop / batch | loop + masks | batch + masks | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, convs in (("text-heavy, 4 MB of text", text_heavy(4_000_000)), ("400 agent conversations", agents(400))):
        m = measure(enc, convs, args.rounds, args.threads)
        print(f"| {label} ({len(convs)}) | {m['loop'] * 1e3:.0f} ms | {m['batch'] * 1e3:.0f} ms | "
              f"{m['loop'] / m['batch']:.2f}x | {m['loop + masks'] * 1e3:.0f} ms | "
              f"{m['batch + masks'] * 1e3:.0f} ms | {m['loop + masks'] / m['batch + masks']:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
