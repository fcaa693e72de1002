"""Deterministic hostile inputs for tests/test_limits.py, shared with
scripts/gen_limit_goldens.py (run with the official package).  Standard library only;
``enc`` is either package's encoding."""

from __future__ import annotations

import hashlib
import random
from typing import Any, Dict, List

LETTERS = "abcdefghijklmnopqrstuvwxyz"
BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# Sizes: large enough to show the behaviour, small enough for the pure backend.
LETTERS_PIECE = 300_000
BASE64_RUN = 1_000_000
HEADER_TOKENS = 100_000
STREAM_TOKENS = 200_000
BAD_ID = 300_000


def run_of(alphabet: str, n: int, seed: int = 7) -> str:
    """``n`` random characters of ``alphabet`` (no spaces: one pre-tokenizer piece for letters)."""
    return "".join(random.Random(seed).choices(alphabet, k=n))


def digest(tokens: List[int]) -> Dict[str, Any]:
    """Length and sha256 of a token list (goldens of long outputs)."""
    return {"len": len(tokens), "sha256": hashlib.sha256(",".join(map(str, tokens)).encode()).hexdigest()}


def text_digest(text: str) -> Dict[str, Any]:
    """Length, sha256 and head of a long string."""
    return {"len": len(text), "sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
            "head": text[:120]}


def body_tokens(enc: Any, n: int) -> List[int]:
    """``n`` ordinary-text tokens (words, digits, CJK, emoji), no special tokens."""
    rng = random.Random(3)
    words = ["the", "parser", "token", " 1234", "数据", "🙂", "\n", "Hello", ",", " world", "é", "x" * 7]
    text = " ".join(rng.choice(words) for _ in range(n))
    toks = enc.encode(text, disallowed_special=())
    while len(toks) < n:
        toks = toks + toks
    return toks[:n]


def deep_schema(depth: int) -> Dict[str, Any]:
    """A JSON schema of ``depth`` nested objects."""
    schema: Dict[str, Any] = {"type": "string"}
    for _ in range(depth):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def deep_developer_message(api: Any, depth: int) -> Any:
    """A developer message with one function tool whose parameters nest ``depth`` deep."""
    tool = api.ToolDescription.new("deep", "A tool with a deep schema", deep_schema(depth))
    dev = api.DeveloperContent.new().with_function_tools([tool])
    return api.Message.from_role_and_content(api.Role.DEVELOPER, dev)
