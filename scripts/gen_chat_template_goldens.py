#!/usr/bin/env python3
"""Record transformers' apply_chat_template with the gpt-oss chat template on a seeded corpus.

    /work/venvs/tf/bin/python scripts/gen_chat_template_goldens.py TEMPLATE [TRAINING_TEMPLATE]

TEMPLATE is the gpt-oss chat template (e.g. a copy of trl/chat_templates/gptoss.jinja from
huggingface/trl) and TRAINING_TEMPLATE its ``{% generation %}`` variant
(gptoss_training.jinja), used for the assistant masks. Needs transformers, jinja2 and tiktoken
(a scratch venv; none of them is a dependency of the package or its tests).

Tokens come from transformers itself: a fast tokenizer is built offline from the o200k_base
vocabulary (O200K_BASE_FILE, default /work/shared/vocab/o200k_base.tiktoken) with transformers'
TikTokenConverter plus the o200k_harmony special tokens, and ``apply_chat_template(...,
tokenize=True, return_assistant_tokens_mask=True)`` is called on it; every result is also
checked against tiktoken's encoding of the rendered text. The date is pinned by replacing the
``datetime`` that transformers' ``strftime_now`` reads.

Writes tests/golden/chat_template.jsonl: the templates' sha256, and per case its input
(messages, tools, kwargs), and either text + input_ids + assistant-mask runs, or the error.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "golden", "chat_template.jsonl")
VOCAB = os.environ.get("O200K_BASE_FILE", "/work/shared/vocab/o200k_base.tiktoken")
DATE = "2025-08-05"
SEED = 15015
N_RANDOM = 1100

TEXTS = [
    "Hello!",
    "What is 2 + 2?",
    "",
    " ",
    "\n\n",
    "  leading and trailing  ",
    "Line one\nLine two\r\nLine three",
    "Bonjour, comment ça va ? Très bien, merci.",
    "¿Dónde está la biblioteca? ¡Aquí!",
    "Привет, как дела? Всё хорошо.",
    "你好，世界！今天天气怎么样？",
    "日本語のテキストです。カタカナとひらがな。",
    "مرحبا بالعالم، كيف حالك؟",
    "नमस्ते दुनिया, आप कैसे हैं?",
    "שלום עולם",
    "Ελληνικά: γειά σου κόσμε",
    "한국어 문장입니다. 감사합니다!",
    "emoji 🎉🚀 and ZWJ 👩‍💻 family 👨‍👩‍👧",
    "def f(x):\n    return {\"a\": [1, 2, 3]}\n",
    "```json\n{\"key\": \"value\"}\n```",
    "Tabs\tand\ttabs\t\t",
    "numbers 1234567890 3.14159 -42 1e10",
    "quotes \"double\" 'single' `back`",
    "I'm sure it's fine, we'll see, they've said, you'd know",
    "A" * 300,
    "mixed: abc123DEF_ghi-jkl.mno/pqr",
    "special text <|end|> inside content",
    "almost special <|notatoken|> and <| end |>",
    "<|start|>user<|message|>nested",
    "trailing newline\n",
    "   \n   \n",
]
THOUGHTS = [
    "The user wants a greeting. I should respond politely.",
    "Let me compute: 2 + 2 = 4.",
    "Je dois répondre en français.",
    "需要先调用天气工具。",
    "I need to call the tool first, then summarise.",
    "",
    "Step 1: parse.\nStep 2: answer.\n",
    "Ответ на русском языке.",
]

TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description": "Get the weather for a city.",
     "parameters": {"type": "object", "properties": {
         "city": {"type": "string", "description": "The city name"},
         "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
         "required": ["city"]}}},
    {"type": "function", "function": {"name": "no_params", "description": "Takes nothing."}},
    {"type": "function", "function": {"name": "empty_props", "description": "Empty properties.",
     "parameters": {"type": "object", "properties": {}}}},
    {"type": "function", "function": {"name": "scalars", "description": "Every scalar type.",
     "parameters": {"type": "object", "properties": {
         "s": {"type": "string"}, "n": {"type": "number"}, "i": {"type": "integer", "default": 3},
         "b": {"type": "boolean", "default": False}, "ns": {"type": "string", "nullable": True},
         "x": {"description": "no type at all"}, "u": {"type": "null"},
         "d": {"type": "number", "default": 2.5}}, "required": ["s", "n"]}}},
    {"type": "function", "function": {"name": "arrays", "description": "Arrays of everything.",
     "parameters": {"type": "object", "properties": {
         "a1": {"type": "array", "items": {"type": "string"}},
         "a2": {"type": "array", "items": {"type": "number"}, "nullable": True},
         "a3": {"type": "array", "items": {"type": "integer"}},
         "a4": {"type": "array", "items": {"type": "boolean"}},
         "a5": {"type": "array"},
         "a6": {"type": "array", "nullable": True},
         "a7": {"type": "array", "items": {"type": "object"}},
         "a8": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
         "a9": {"type": "array", "items": {"type": "object", "properties": {
             "k": {"type": "string"}, "v": {"type": "number"}}, "required": ["k"]}},
         "a10": {"type": "array", "items": {"type": "object", "properties": {
             "long_property_name_one": {"type": "string"}, "long_property_name_two": {"type": "string"}}}},
         "a11": {"type": "array", "items": {"type": ["string", "number"]}},
         "a12": {"type": "array", "items": {}},
         "a13": {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "number"}]}},
     }}}},
    {"type": "function", "function": {"name": "unions", "description": "Unions and oneOf.",
     "parameters": {"type": "object", "properties": {
         "t1": {"type": ["string", "null"]},
         "t2": {"type": ["object"]},
         "t3": {"type": ["object", "object"]},
         "o1": {"oneOf": [{"type": "string"}, {"type": "number"}]},
         "o2": {"oneOf": [{"type": "string", "description": "a name"}, {"type": "integer", "description": "an id"}]},
         "o3": {"oneOf": [{"type": "object"}, {"type": "string"}]},
         "o4": {"oneOf": [{"type": "string", "default": "x"}, {"type": "boolean"}], "default": "x"},
         "o5": {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}}]},
         "o6": {"oneOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "null"}]},
     }, "required": ["t1", "o1"]}}},
    {"type": "function", "function": {"name": "nested", "description": "Nested objects.",
     "parameters": {"type": "object", "properties": {
         "filter": {"type": "object", "description": "A filter", "properties": {
             "field": {"type": "string"}, "op": {"type": "string", "enum": ["eq", "lt", "gt"]},
             "value": {"type": "number"}, "inner": {"type": "object", "properties": {"deep": {"type": "boolean"}},
                                                   "required": ["deep"]}},
             "required": ["field", "op"]},
         "meta": {"type": "object"},
         "opts": {"type": "object", "properties": {}},
         "cfg": {"type": "object", "default": {"a": 1, "b": [1, 2]}},
         "tags": {"type": "array", "items": {"type": "string"}, "default": ["x", "é"]},
         "note": {"type": "string", "default": "naïve \"quoted\""},
         "lim": {"type": "integer", "default": None},
     }}}},
    {"type": "function", "function": {"name": "i18n_tool", "description": "Outil multilingue — 多语言工具 🌍",
     "parameters": {"type": "object", "properties": {
         "texte": {"type": "string", "description": "Le texte à traduire"},
         "langue": {"type": "string", "enum": ["fr", "中文", "日本語"], "default": "fr"}},
         "required": ["texte", "langue"]}}},
    {"type": "function", "function": {"name": "search_web", "description": "",
     "parameters": {"type": "object", "properties": {"q": {"type": "string"}, "k": {"type": "integer"}},
                    "required": "q"}}},
    {"type": "function", "function": {"name": "run_sql", "description": "Run SQL.",
     "parameters": {"properties": {"query": {"type": "string", "description": "SQL text"}}, "required": ["query"]}}},
]

ARGS = [
    {"city": "Paris"},
    {"city": "東京", "unit": "celsius"},
    {},
    {"q": "gpt-oss harmony format", "k": 5},
    {"nested": {"a": [1, 2, {"b": None}], "t": True, "f": 1.5}},
    {"texte": "Bonjour « le monde »", "langue": "fr"},
    {"query": "SELECT * FROM t WHERE x = 'y';"},
]
RESULTS = [
    "{\"temperature\": 21, \"unit\": \"celsius\"}",
    "Sunny, 25°C",
    "",
    "Error: city not found",
    "結果: 42",
    "line1\nline2\n\"quoted\"",
]


def _rand_text(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(TEXTS) + " " + rng.choice(TEXTS)
    return rng.choice(TEXTS)


def _tool_call(rng: random.Random, tools, counter):
    names = [t["function"]["name"] for t in tools] or ["get_weather"]
    name = rng.choice(names)
    args = copy.deepcopy(rng.choice(ARGS))
    if rng.random() < 0.3:
        args = json.dumps(args, ensure_ascii=rng.random() < 0.5)
    fn = {"name": name, "arguments": args}
    counter[0] += 1
    cid = f"call_{counter[0]}"
    shape = rng.random()
    if shape < 0.7:
        call = {"id": cid, "type": "function", "function": fn}
    elif shape < 0.85:
        call, cid = {"type": "function", "function": fn}, None
    else:
        call = dict(fn, id=cid)  # flat
    return call, cid


def _reasoning_key(rng: random.Random) -> str:
    return rng.choice(["thinking", "thinking", "thinking", "reasoning_content", "reasoning"])


def random_case(rng: random.Random):
    tools = rng.sample(TOOLS, rng.choice([0, 0, 1, 1, 2, 3]))
    messages = []
    first = rng.random()
    if first < 0.3:
        messages.append({"role": "system", "content": _rand_text(rng)})
    elif first < 0.55:
        messages.append({"role": "developer", "content": _rand_text(rng)})
    elif first < 0.6:
        messages.append({"role": "system", "content": ""})
    counter = [0]
    turns = rng.randint(1, 4)
    for t in range(turns):
        messages.append({"role": "user", "content": _rand_text(rng)})
        if t == turns - 1 and rng.random() < 0.25:
            break  # ends on a user turn
        if tools and rng.random() < 0.6:
            for _ in range(rng.randint(1, 3)):  # an agent loop: call, result, ...
                call, cid = _tool_call(rng, tools, counter)
                msg = {"role": "assistant", "tool_calls": [call]}
                pre = rng.random()
                if pre < 0.35:
                    msg[_reasoning_key(rng)] = rng.choice(THOUGHTS)
                elif pre < 0.5:
                    msg["content"] = rng.choice(THOUGHTS)
                elif pre < 0.6:
                    msg["content"] = None
                elif pre < 0.65:
                    msg["content"] = ""
                messages.append(msg)
                if rng.random() < 0.1 and t == turns - 1:
                    break  # ends on the call
                res = rng.choice(RESULTS)
                tool_msg = {"role": "tool", "content": res}
                if cid is not None and rng.random() < 0.8:
                    tool_msg["tool_call_id"] = cid
                if rng.random() < 0.2:
                    tool_msg["name"] = call.get("function", call)["name"]
                if rng.random() < 0.05:
                    tool_msg["content"] = {"ok": True, "value": [1, "二"]}
                messages.append(tool_msg)
            if rng.random() < 0.15 and t == turns - 1:
                break  # ends on a tool result
        final = {"role": "assistant", "content": _rand_text(rng)}
        if rng.random() < 0.6:
            final[_reasoning_key(rng)] = rng.choice(THOUGHTS)
        if rng.random() < 0.1:
            final["tool_calls"] = None
        messages.append(final)
    kwargs = {}
    if rng.random() < 0.5:
        kwargs["reasoning_effort"] = rng.choice(["low", "medium", "high"])
    if rng.random() < 0.15:
        kwargs["model_identity"] = rng.choice(["You are a helpful assistant.", "Tu es un assistant utile. 🤖", ""])
    if rng.random() < 0.2:
        kwargs["builtin_tools"] = rng.choice([[], ["browser"], ["python"], ["browser", "python"], ["python", "browser"]])
    return {
        "messages": messages,
        "tools": tools or None,
        "add_generation_prompt": rng.random() < 0.2,
        "kwargs": kwargs,
    }


def fixed_cases():
    """Hand-written shapes: odd-but-accepted inputs, the template's errors, deliberate rejections."""
    u = {"role": "user", "content": "Hi"}
    a = {"role": "assistant", "content": "Hello"}
    call = {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
                                                 "function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}]}
    res = {"role": "tool", "tool_call_id": "c1", "content": "cold"}
    W = [TOOLS[0]]
    cases = [
        # accepted shapes
        {"messages": [u]},
        {"messages": [u], "add_generation_prompt": True},
        {"messages": [a]},
        {"messages": [{"role": "system", "content": "S"}]},
        {"messages": [{"role": "developer", "content": "D"}], "add_generation_prompt": True},
        {"messages": [{"role": "system"}, u, a]},
        {"messages": [u, dict(a, thinking="")]},
        {"messages": [u, {"role": "assistant", "content": "", "thinking": "t"}]},
        {"messages": [u, dict(a, thinking="T1"), u, dict(a, thinking="T2")]},
        {"messages": [u, dict(a, thinking="T1")], "add_generation_prompt": True},
        {"messages": [u, call, res], "tools": W},
        {"messages": [u, call, res, a], "tools": W},
        {"messages": [u, dict(call, thinking="why"), res, dict(a, thinking="done")], "tools": W},
        {"messages": [u, dict(call, thinking="why"), res], "tools": W, "add_generation_prompt": True},
        {"messages": [u, dict(call, content="preamble"), res], "tools": W},
        {"messages": [u, call], "tools": W},
        {"messages": [u, call, res, u, res], "tools": W},
        {"messages": [u, call, res, res], "tools": W},
        {"messages": [u, call, res]},  # a call without tools
        {"messages": [u, {"role": "assistant", "tool_calls": [{"function": {
            "name": "f", "arguments": {"x": 1}, "content_type": "code"}}]}, res]},
        {"messages": [u, {"role": "assistant", "tool_calls": [{"name": "f", "arguments": "{\"x\": 1}"}]}, res]},
        {"messages": [u, {"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "[1, 2]"}}]}]},
        {"messages": [u, {"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "\"s\""}}]}]},
        {"messages": [u, call, {"role": "tool", "content": {"a": 1}}], "tools": W},
        {"messages": [u, call, {"role": "tool", "content": 42}], "tools": W},
        {"messages": [u, dict(a, reasoning_content="rc")]},
        {"messages": [u, dict(a, reasoning="r")]},
        {"messages": [u, dict(a, reasoning_content="rc", thinking="th")]},
        {"messages": [u, dict(a, reasoning_content=None, thinking="th")]},
        {"messages": [u, dict(a, thinking=None)]},
        {"messages": [u, {"role": "assistant", "content": "x <|channel|>commentary<|message|> y"}]},
        {"messages": [u, a], "kwargs": {"builtin_tools": ["browser", "python"]}, "tools": W},
        {"messages": [u, a], "kwargs": {"reasoning_effort": "high", "model_identity": "I am a test."}},
        {"messages": [u, a], "tools": []},
        {"messages": [u, a], "tools": TOOLS},
        # the template's own errors (raise_exception)
        {"messages": [u, {"role": "assistant", "content": "<|channel|>analysis<|message|>x"}]},
        {"messages": [u, {"role": "assistant", "content": "a<|channel|>final<|message|>x"}]},
        {"messages": [u, {"role": "assistant", "content": "ok", "thinking": "<|channel|>analysis<|message|>t"}]},
        {"messages": [u, {"role": "assistant", "content": "c", "thinking": "t",
                          "tool_calls": call["tool_calls"]}], "tools": W},
        {"messages": [u, res]},
        {"messages": [u, call, res, a, res], "tools": W},
        {"messages": [res]},
        # other inputs the template fails on (jinja / Python errors)
        {"messages": []},
        {"messages": [{"role": "user"}]},
        {"messages": [{"role": "user", "content": None}]},
        {"messages": [u, {"role": "assistant"}]},
        {"messages": [u, {"role": "assistant", "tool_calls": []}]},
        {"messages": [u, {"role": "assistant", "tool_calls": [{"function": {"arguments": {}}}]}]},
        {"messages": [u, {"role": "assistant", "tool_calls": [{"function": {"name": "f"}}]}]},
        {"messages": [u, call, {"role": "tool"}], "tools": W},
        {"messages": [u, a], "tools": [{"name": "flat", "description": "d", "parameters": {}}]},
        {"messages": [u, a], "tools": [{"type": "function", "function": {"name": "nodesc"}}]},
        {"messages": [{"role": "user", "content": 5}]},
        {"messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]},
        # accepted by the template, rejected here on purpose (it would drop or garble data)
        {"messages": [u, {"role": "assistant", "tool_calls": [
            {"id": "c1", "function": {"name": "a", "arguments": {}}},
            {"id": "c2", "function": {"name": "b", "arguments": {}}}]}], "deliberate": True},
        {"messages": [u, {"role": "system", "content": "mid"}, a], "deliberate": True},
        {"messages": [u, {"role": "developer", "content": "mid"}, a], "deliberate": True},
        {"messages": [u, {"role": "narrator", "content": "x"}, a], "deliberate": True},
        {"messages": [{"content": "no role"}, u, a], "deliberate": True},
        {"messages": [u, {"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "not json"}}]}],
         "deliberate": True},
        {"messages": [u, call, {"role": "tool", "tool_call_id": "other", "content": "x"}], "tools": W,
         "deliberate": True},
        {"messages": [{"role": "system", "content": [{"type": "text", "text": "S"}]}, u], "deliberate": True},
        {"messages": [u, call, {"role": "tool", "content": [{"type": "text", "text": "r"}]}], "tools": W,
         "deliberate": True},
        {"messages": [u, a], "kwargs": {"builtin_tools": ["browser", "calculator"]}, "deliberate": True},
    ]
    for c in cases:
        c.setdefault("tools", None)
        c.setdefault("add_generation_prompt", False)
        c.setdefault("kwargs", {})
        c.setdefault("deliberate", False)
    return cases


def build_tokenizer():
    sys.path.insert(0, ROOT)
    os.environ["OPENAI_HARMONY_PURE_PYTHON"] = "1"
    import tiktoken
    from tiktoken.load import load_tiktoken_bpe
    from transformers import PreTrainedTokenizerFast
    from transformers.convert_slow_tokenizer import TikTokenConverter

    from openai_harmony.load import (
        harmony_special_tokens,  # the special tokens, not the BPE
    )

    pat = "|".join([
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""", r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""", r"""\s*[\r\n]+""", r"""\s+(?!\S)""", r"""\s+""",
    ])
    specials = harmony_special_tokens()
    ordered = [k for k, _ in sorted(specials.items(), key=lambda kv: kv[1])]
    ranks = load_tiktoken_bpe(VOCAB)
    assert min(specials.values()) == len(ranks) and max(specials.values()) == len(ranks) + len(ordered) - 1
    backend = TikTokenConverter(vocab_file=VOCAB, pattern=pat, extra_special_tokens=ordered).converted()
    fast = PreTrainedTokenizerFast(tokenizer_object=backend)
    enc = tiktoken.Encoding("o200k_harmony", pat_str=pat, mergeable_ranks=ranks, special_tokens=specials)
    return fast, enc


def runs(mask):
    """[start, end) runs of ones."""
    out, start = [], None
    for i, m in enumerate(mask + [0]):
        if m and start is None:
            start = i
        elif not m and start is not None:
            out.append([start, i])
            start = None
    return out


def record(fast, enc, template, training, case):
    kw = dict(case["kwargs"])
    msgs = copy.deepcopy(case["messages"])
    try:
        text = fast.apply_chat_template(msgs, tools=copy.deepcopy(case["tools"]), chat_template=template,
                                        add_generation_prompt=case["add_generation_prompt"], tokenize=False, **kw)
    except Exception as e:  # noqa: BLE001 - the template's error is the golden
        return {"error": {"type": type(e).__name__, "message": str(e)}}
    out = fast.apply_chat_template(copy.deepcopy(case["messages"]), tools=copy.deepcopy(case["tools"]),
                                   chat_template=training, add_generation_prompt=case["add_generation_prompt"],
                                   tokenize=True, return_dict=True, return_assistant_tokens_mask=True, **kw)
    plain = fast.apply_chat_template(copy.deepcopy(case["messages"]), tools=copy.deepcopy(case["tools"]),
                                     chat_template=template, add_generation_prompt=case["add_generation_prompt"],
                                     tokenize=True, return_dict=False, **kw)
    ids = list(out["input_ids"])
    assert fast.decode(ids) == text, "training template renders other text"
    assert list(plain) == ids, "training and plain templates tokenize differently"
    tk = enc.encode(text, allowed_special="all")
    assert tk == ids, f"tiktoken and the transformers tokenizer disagree on {text[:80]!r}"
    return {"text": text, "input_ids": ids, "mask_runs": runs(list(out["assistant_masks"]))}


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    template = open(argv[1], encoding="utf-8").read()
    training = open(argv[2], encoding="utf-8").read() if len(argv) == 3 else template
    fast, enc = build_tokenizer()
    import datetime as _dt

    import transformers.utils.chat_template_utils as ctu

    class _FixedDatetime(_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls.fromisoformat(DATE)

    ctu.datetime = _FixedDatetime  # the template's strftime_now("%Y-%m-%d") then gives DATE
    rng = random.Random(SEED)
    cases = [dict(random_case(rng), deliberate=False) for _ in range(N_RANDOM)] + fixed_cases()
    outs = []
    for c in cases:
        outs.append(dict(c, expected=record(fast, enc, template, training, c)))
    sha = {k: hashlib.sha256(open(p, "rb").read()).hexdigest() for k, p in zip(("template", "training"), argv[1:])}
    payload = {"date": DATE, "sha256": sha, "tokens": "transformers fast tokenizer (TikTokenConverter), checked = tiktoken",
               "cases": outs}
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import goldens  # tests/goldens.py: the golden file format (JSON Lines, one case a line)

    goldens.write(OUT, payload)
    errors = sum("error" in o["expected"] for o in outs)
    print(f"{len(outs)} cases ({errors} template errors) -> {OUT}")


if __name__ == "__main__":
    main(sys.argv)
