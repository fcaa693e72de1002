"""Writes examples/data/conversations.jsonl: varied conversations, one canonical JSON a line.

The sample for the dataset-engine examples and their tests: system/developer contents with
and without tools, analysis/commentary/final channels, tool calls and tool answers, several
turns, non-ASCII text.  Deterministic (fixed seed); run from the repository root:

    python3 scripts/gen_engine_sample.py
"""

from __future__ import annotations

import os
import random
import sys
from typing import List

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from openai_harmony import (  # noqa: E402
    Author,
    Conversation,
    DeveloperContent,
    Message,
    ReasoningEffort,
    Role,
    SystemContent,
    ToolDescription,
    ToolNamespaceConfig,
)

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "data", "conversations.jsonl")

QUESTIONS = [
    "What is 2 + 2?",
    "Summarise the plot of Hamlet in one sentence.",
    "Traduis « bonjour le monde » en japonais.",
    "Schreib ein Haiku über Regen.",
    "¿Cuál es la capital de Australia?",
    "用一句话解释量子纠缠。",
    "Explain recursion to a five-year-old 🧒.",
    "List three prime numbers\nand explain why they are prime.",
    "  leading and trailing spaces  ",
    "Write a Python one-liner that reverses a string.",
]
ANSWERS = [
    "4.",
    "A prince avenges his father and nearly everyone dies.",
    "「こんにちは世界」です。",
    "Tropfen auf dem Dach\nleise flüstert das Wolkenmeer\nder Tag wird grau-grün",
    "Canberra.",
    "两个粒子的状态彼此关联，无论相隔多远。",
    "It's like a box 📦 with a smaller box inside, until the smallest one is empty!",
    "2, 3 and 5: each is divisible only by 1 and itself.",
    "Done — trimmed.",
    "`s[::-1]`",
]
THOUGHTS = [
    "The user wants a short answer. Keep it brief.",
    "Need to check the units first; then answer.",
    "Simple arithmetic; no tool needed.",
    "Probably should call the weather tool to be accurate.",
    "Non-English request: answer in the same language.",
]

WEATHER = ToolDescription.new(
    "get_current_weather",
    "Gets the current weather in the provided location.",
    parameters={
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
            "format": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
        },
        "required": ["location"],
    },
)
LOCATION = ToolDescription.new("get_location", "Gets the location of the user.")
LOOKUP = ToolDescription.new(
    "lookup",
    "Looks a term up in the encyclopedia.",
    parameters={
        "type": "object",
        "properties": {"term": {"type": "string"}, "limit": {"type": "integer", "default": 3}},
        "required": ["term"],
    },
)


def system(rng: random.Random) -> Message:
    content = SystemContent.new()
    if rng.random() < 0.5:
        content = content.with_reasoning_effort(rng.choice(list(ReasoningEffort)))
    if rng.random() < 0.5:
        content = content.with_conversation_start_date(f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
    if rng.random() < 0.2:
        content = content.with_browser_tool()
    if rng.random() < 0.2:
        content = content.with_python_tool()
    return Message.from_role_and_content(Role.SYSTEM, content)


def developer(rng: random.Random, tools: List[ToolDescription]) -> Message:
    content = DeveloperContent.new().with_instructions(rng.choice(["Answer concisely.", "Talk like a pirate!", "Be precise; cite units."]))
    if tools:
        content = content.with_function_tools(tools)
    return Message.from_role_and_content(Role.DEVELOPER, content)


def assistant_turn(rng: random.Random, i: int, tools: List[ToolDescription]) -> List[Message]:
    out: List[Message] = []
    if rng.random() < 0.6:
        out.append(Message.from_role_and_content(Role.ASSISTANT, rng.choice(THOUGHTS)).with_channel("analysis"))
    if tools and rng.random() < 0.6:
        tool = rng.choice(tools)
        name = f"functions.{tool.name}"
        args = '{"location": "Tokyo, JP"}' if tool is WEATHER else ("{}" if tool is LOCATION else '{"term": "BPE"}')
        call = Message.from_role_and_content(Role.ASSISTANT, args).with_channel("commentary").with_recipient(name)
        out.append(call.with_content_type("<|constrain|>json") if rng.random() < 0.7 else call)
        answer = rng.choice(['{"temperature": 21, "unit": "celsius"}', '"Tokyo, JP"', '{"hits": ["byte pair encoding"]}'])
        out.append(Message.from_author_and_content(Author.new(Role.TOOL, name), answer).with_channel("commentary"))
        if rng.random() < 0.3:
            out.append(Message.from_role_and_content(Role.ASSISTANT, "Let me check one more thing.").with_channel("commentary"))
    out.append(Message.from_role_and_content(Role.ASSISTANT, ANSWERS[i % len(ANSWERS)]).with_channel("final"))
    return out


def conversation(rng: random.Random) -> Conversation:
    messages: List[Message] = []
    if rng.random() < 0.85:
        messages.append(system(rng))
    tools = rng.sample([WEATHER, LOCATION, LOOKUP], rng.randint(0, 3)) if rng.random() < 0.6 else []
    if tools or rng.random() < 0.5:
        messages.append(developer(rng, tools))
    for _ in range(rng.choice([1, 1, 2, 3])):
        i = rng.randrange(len(QUESTIONS))
        messages.append(Message.from_role_and_content(Role.USER, QUESTIONS[i]))
        messages.extend(assistant_turn(rng, i, tools))
    if rng.random() < 0.1:
        messages.append(Message.from_role_and_content(Role.USER, "Thanks!"))
    return Conversation.from_messages(messages)


def sample_lines(count: int = 48) -> List[str]:
    """The sample's lines (canonical JSON conversations), without newlines."""
    rng = random.Random(20261125)
    return [conversation(rng).to_json() for _ in range(count)]


def main() -> None:
    lines = sample_lines()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} conversations to {OUT}")


if __name__ == "__main__":
    main()
