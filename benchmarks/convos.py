"""Deterministic multi-turn agent conversations, built through the public openai_harmony API.

The builder takes the imported ``openai_harmony`` module as an argument so the same code
builds equal conversations with our package and with the official one.
"""

from __future__ import annotations

import json
import random
from typing import Any, List, Tuple

from corpus import _EN_WORDS, _MULTILINGUAL, _NAMES, _PLACES, _python_code, _sentence

__all__ = ["build_conversations", "FUNCTION_TOOLS"]

#: Function tools for the developer message (realistic JSON schemas: nesting, enums, defaults).
FUNCTION_TOOLS: List[Tuple[str, str, Any]] = [
    ("get_current_weather", "Gets the current weather in the provided location.", {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
            "format": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
        },
        "required": ["location"],
    }),
    ("search_orders", "Search the customer's past orders.", {
        "type": "object",
        "properties": {
            "customer_id": {"type": "string"},
            "status": {"type": "string", "enum": ["pending", "shipped", "delivered", "cancelled"]},
            "since": {"type": "string", "description": "ISO 8601 date"},
            "limit": {"type": "integer", "default": 20},
            "sort": {"type": "object", "properties": {
                "field": {"type": "string", "enum": ["date", "total"]},
                "descending": {"type": "boolean", "default": True},
            }},
        },
        "required": ["customer_id"],
    }),
    ("create_ticket", "Open a support ticket and return its id.", {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "assignee": {"type": ["string", "null"], "description": "User name or null for the triage queue"},
        },
        "required": ["title", "priority"],
    }),
    ("get_time", "Returns the current time in a time zone.", {
        "type": "object",
        "properties": {"tz": {"type": "string", "default": "UTC"}},
    }),
    ("noop", "Does nothing; used to test tools without parameters.", None),
]


def _words(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(_EN_WORDS) for _ in range(rng.randint(lo, hi)))


def _paragraphs(rng: random.Random, n: int) -> str:
    return "\n\n".join(" ".join(_sentence(rng) for _ in range(rng.randint(2, 5))) for _ in range(n))


def _tool_turn(h: Any, rng: random.Random, out: list) -> None:
    """Append one tool round trip (analysis, call, result) to *out*."""
    A, T = h.Role.ASSISTANT, h.Role.TOOL
    out.append(h.Message.from_role_and_content(A, _paragraphs(rng, 1)).with_channel("analysis"))
    kind = rng.choice(["function", "function", "browser", "python"])
    if kind == "function":
        name, _, _ = rng.choice(FUNCTION_TOOLS[:4])
        args = {"location": rng.choice(_PLACES), "format": rng.choice(["celsius", "fahrenheit"])} \
            if name == "get_current_weather" else {"customer_id": "c-%06d" % rng.randint(0, 999999),
                                                   "status": "shipped", "limit": rng.randint(1, 50)}
        out.append(h.Message.from_role_and_content(A, json.dumps(args))
                   .with_channel("commentary").with_recipient(f"functions.{name}")
                   .with_content_type("<|constrain|>json"))
        result = {"ok": True, "items": [{"id": rng.randint(1, 10**6), "note": _words(rng, 2, 8)}
                                        for _ in range(rng.randint(1, 4))]}
        out.append(h.Message.from_author_and_content(h.Author.new(T, f"functions.{name}"), json.dumps(result))
                   .with_channel("commentary").with_recipient("assistant"))
    elif kind == "browser":
        query = _words(rng, 3, 8)
        out.append(h.Message.from_role_and_content(A, json.dumps({"query": query, "topn": 5}))
                   .with_channel("analysis").with_recipient("browser.search")
                   .with_content_type("<|constrain|>json"))
        lines = [f"[{i}] {_words(rng, 3, 7).title()} (https://example.org/{rng.choice(_EN_WORDS)}/{i})\n"
                 f"L{i * 3}: {_sentence(rng)} 【{i}†{rng.choice(_EN_WORDS)}】" for i in range(rng.randint(3, 6))]
        out.append(h.Message.from_author_and_content(h.Author.new(T, "browser.search"), "\n".join(lines))
                   .with_channel("analysis").with_recipient("assistant"))
    else:
        code = _python_code(rng).split("\n", 1)[1].rsplit("\n", 1)[0]
        out.append(h.Message.from_role_and_content(A, code).with_channel("analysis").with_recipient("python"))
        out.append(h.Message.from_author_and_content(h.Author.new(T, "python"), f"{rng.randint(0, 10**9)}\n"
                                                     + _words(rng, 2, 10))
                   .with_channel("analysis").with_recipient("assistant"))


def build_conversations(h: Any, n: int, seed: int) -> List[List[Any]]:
    """Return *n* conversations as message lists; each ends with an assistant final message."""
    rng = random.Random(seed)
    tools = [h.ToolDescription.new(name, desc, parameters=params) if params is not None
             else h.ToolDescription.new(name, desc) for name, desc, params in FUNCTION_TOOLS]
    convos = []
    for _ in range(n):
        sys_content = (h.SystemContent.new()
                       .with_reasoning_effort(rng.choice([h.ReasoningEffort.LOW, h.ReasoningEffort.MEDIUM,
                                                          h.ReasoningEffort.HIGH]))
                       .with_conversation_start_date("2025-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28)))
                       .with_browser_tool().with_python_tool())
        dev_content = (h.DeveloperContent.new()
                       .with_instructions(f"You are a support agent for {rng.choice(_NAMES)}'s store. "
                                          + _paragraphs(rng, 1))
                       .with_function_tools(rng.sample(tools, rng.randint(2, len(tools)))))
        msgs = [h.Message.from_role_and_content(h.Role.SYSTEM, sys_content),
                h.Message.from_role_and_content(h.Role.DEVELOPER, dev_content)]
        for _turn in range(rng.randint(2, 4)):
            question = _sentence(rng)
            if rng.random() < 0.3:
                question += " " + rng.choice(_MULTILINGUAL[rng.choice(list(_MULTILINGUAL))])
            msgs.append(h.Message.from_role_and_content(h.Role.USER, question))
            for _ in range(rng.randint(0, 3)):
                _tool_turn(h, rng, msgs)
            msgs.append(h.Message.from_role_and_content(h.Role.ASSISTANT, _paragraphs(rng, 1))
                        .with_channel("analysis"))
            msgs.append(h.Message.from_role_and_content(h.Role.ASSISTANT, _paragraphs(rng, rng.randint(1, 3)))
                        .with_channel("final"))
        convos.append(msgs)
    return convos
