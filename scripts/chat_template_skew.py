#!/usr/bin/env python3
"""List every way the gpt-oss chat template and the Harmony renderer differ on the same messages.

    python scripts/chat_template_skew.py [--config default|keep-analysis] [--examples N]

For every accepted case of tests/golden/chat_template.jsonl, renders the messages with the
template (``apply_chat_template``) and with ``Conversation.from_chat_messages`` +
``render_conversation_for_training`` (or ``..._for_completion`` when a generation prompt is
asked for), splits both texts into messages at ``<|start|>`` and aligns them. Each differing
message pair is put in a category; the script prints every category with its count and a short
example. A pair that fits no known category is printed as "UNCLASSIFIED" (so a new kind of
skew cannot hide).
"""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from openai_harmony import (
    Conversation,
    RenderConversationConfig,
    Role,
    load_harmony_encoding,
)


def blocks(text: str) -> list:
    return ["<|start|>" + b for b in text.split("<|start|>")[1:]]


def head(block: str) -> str:
    return block.split("<|message|>", 1)[0]


def norm(block: str, template: bool) -> str:
    """A block with the per-message skews undone, so that the same message aligns on both sides."""
    if not template:
        return block.replace(" <|constrain|>json<|message|>", " json<|message|>", 1)
    h, sep, body = block.partition("<|message|>")
    if (h.startswith("<|start|>functions.") or " to=functions." in h) and body.startswith('"'):
        end = "<|end|>" if body.endswith("<|end|>") else "<|call|>"
        try:
            return h + sep + json.loads(body[: -len(end)]) + end
        except ValueError:
            return block
    return block


def classify(a: str, b: str) -> str:
    """Category of one differing (template, harmony) message pair; '' for one side missing."""
    if not a:
        h = head(b)
        if "<|channel|>analysis" in h:
            return "harmony keeps an analysis message the template drops"
        if "<|channel|>commentary" in h and " to=" not in h:
            return "tool-call content: harmony commentary preamble, template analysis"
        if " to=functions." in h:
            return "harmony renders every tool call of a message"
        return "UNCLASSIFIED (harmony only)"
    if not b:
        h = head(a)
        if "<|channel|>analysis" in h:
            return "template keeps an analysis message Harmony drops"
        return "UNCLASSIFIED (template only)"
    ha, hb = head(a), head(b)
    if "namespace functions {" in a or "namespace functions {" in b:
        return "developer message (function tools TypeScript)"
    if a.endswith("\n\n<|end|>") and a[: -len("\n\n<|end|>")] + "<|end|>" == b:
        return "developer instructions without tools: the template ends them with a blank line"
    if ha.startswith("<|start|>system"):
        return "system message text"
    if ha.startswith("<|start|>developer"):
        return "developer message (function tools TypeScript)"
    if " to=functions." in ha and "commentary json" in ha and "<|constrain|>json" in hb:
        body_a, body_b = a.split("<|message|>", 1)[1], b.split("<|message|>", 1)[1]
        if ha.replace(" json", " <|constrain|>json") == hb and body_a == body_b:
            return "call header: `json` vs `<|constrain|>json`"
        if body_a.startswith('"'):
            return "call header + string arguments: template JSON-encodes the string again"
        return "call header + argument text"
    if ha.startswith("<|start|>functions.") and ha == hb:
        if a.split("<|message|>", 1)[1] == json.dumps(b.split("<|message|>", 1)[1][: -len("<|end|>")], ensure_ascii=False) + "<|end|>":
            return "tool result: template JSON-quotes the content"
        return "tool result text"
    if ha.startswith("<|start|>functions.") and ha != hb:
        return "tool result author (last call vs tool_call_id)"
    if "<|channel|>analysis" in ha and "<|channel|>commentary" in hb:
        return "tool-call content: harmony commentary preamble, template analysis"
    return "UNCLASSIFIED"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", choices=["default", "keep-analysis"], default="default")
    ap.add_argument("--examples", type=int, default=1)
    args = ap.parse_args()
    enc = load_harmony_encoding("HarmonyGptOss")
    config = RenderConversationConfig(auto_drop_analysis=args.config == "default")
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import goldens  # tests/goldens.py: the golden file format

    data = goldens.load("chat_template")
    cats: collections.Counter[str] = collections.Counter()
    examples: dict = collections.defaultdict(list)
    identical = total = rejected = 0
    for case in data["cases"]:
        if "error" in case["expected"] or case["deliberate"]:
            continue
        total += 1
        kw = dict(case["kwargs"], conversation_start_date=data["date"])
        template = case["expected"]["text"]
        try:
            conv = Conversation.from_chat_messages(case["messages"], case["tools"], **kw)
        except ValueError as e:
            cats[f"Harmony conversion rejects: {str(e)[:70]}"] += 1
            rejected += 1
            continue
        if case["add_generation_prompt"]:
            toks = enc.render_conversation_for_completion(conv, Role.ASSISTANT, config)
        else:
            toks = enc.render_conversation_for_training(conv, config)
        harmony = enc.decode_utf8(toks)
        if harmony == template:
            if toks == case["expected"]["input_ids"]:
                identical += 1
            else:
                c = "same text, other tokens: special-token text inside content"
                cats[c] += 1
                if len(examples[c]) < args.examples:
                    bad = next(i for i, (x, y) in enumerate(zip(toks, case["expected"]["input_ids"])) if x != y)
                    examples[c].append((str(case["expected"]["input_ids"][bad - 2 : bad + 3]), str(toks[bad - 2 : bad + 8])))
            continue
        ba, bb = blocks(template), blocks(harmony)
        seen = set()
        sm = difflib.SequenceMatcher(a=[norm(x, True) for x in ba], b=[norm(x, False) for x in bb], autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "equal":
                pairs = [(ba[i], bb[j]) for i, j in zip(range(i1, i2), range(j1, j2)) if ba[i] != bb[j]]
            elif op == "replace" and i2 - i1 == j2 - j1:
                pairs = list(zip(ba[i1:i2], bb[j1:j2]))
            else:
                pairs = [(x, "") for x in ba[i1:i2]] + [("", y) for y in bb[j1:j2]]
            for a, b in pairs:
                c = classify(a, b)
                if c not in seen:
                    seen.add(c)
                    cats[c] += 1
                    if len(examples[c]) < args.examples:
                        examples[c].append((a, b))
    print(f"{total} accepted cases, {identical} token-identical, {rejected} rejected by the Harmony conversion")
    for c, n in cats.most_common():
        print(f"\n## {c}: {n} cases")
        for a, b in examples[c]:
            print("  template:", repr(a[:300]))
            print("  harmony: ", repr(b[:300]))


if __name__ == "__main__":
    main()
