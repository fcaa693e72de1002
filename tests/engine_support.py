"""Shared by the dataset-engine and worker-process tests: the sample and its expected rows."""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType
from typing import List, Tuple

import pytest

from openai_harmony import Conversation, HarmonyEncoding, load_harmony_encoding

TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)
EXAMPLES = os.path.join(ROOT, "examples")
SAMPLE = os.path.join(EXAMPLES, "data", "conversations.jsonl")
REQUIRE_ENGINES_ENV = "OPENAI_HARMONY_REQUIRE_ENGINES"
IGNORE_INDEX = -100

Row = Tuple[List[int], List[int], List[int]]  # input_ids, loss_mask, labels


def sample_lines() -> List[str]:
    """The committed sample, one canonical JSON conversation a line."""
    with open(SAMPLE, encoding="utf-8") as f:
        return f.read().splitlines()


def expected_rows(enc: HarmonyEncoding, lines: List[str], train_on: str) -> List[Row]:
    """What the library gives in-process, one conversation at a time."""
    rows = []
    for line in lines:
        conversation = Conversation.from_json(line)
        tokens, mask = enc.render_conversation_for_training_with_mask(conversation, train_on=train_on)
        labels = [t if m == 1 else IGNORE_INDEX for t, m in zip(tokens, mask)]
        rows.append((tokens, mask, labels))
    return rows


# How to get each engine: torch is not in the engines extra (a bare "torch" would fetch a
# multi-GB CUDA build; .ci/run installs the CPU build).
_INSTALL = {"torch": "pip install torch --index-url https://download.pytorch.org/whl/cpu"}


def require(module: str) -> ModuleType:
    """Import an engine; skip when missing, fail instead under OPENAI_HARMONY_REQUIRE_ENGINES=1."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        if os.environ.get(REQUIRE_ENGINES_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENGINES_ENV}=1 but {module} does not import: {e}", pytrace=False)
        how = _INSTALL.get(module.split(".")[0], "pip install -e '.[engines]'")
        pytest.skip(f"{module} not installed ({how})")


def example(name: str) -> ModuleType:
    """An examples/ script imported as a top-level module (worker processes import it by name)."""
    if EXAMPLES not in sys.path:
        sys.path.insert(0, EXAMPLES)
    return importlib.import_module(name)


def as_ints(values) -> List[int]:
    """A list column cell (list, numpy or Arrow) as a plain list of Python ints."""
    return [int(v) for v in values]


# --- run in worker processes (imported there by name, so kept in this small module) ---


def backend_and_shared_encoding(enc: HarmonyEncoding) -> Tuple[str, bool]:
    """The worker's backend, and whether the unpickled encoding is its process-wide one."""
    import openai_harmony

    return openai_harmony.BACKEND, enc is load_harmony_encoding(enc.name)


def render_with_mask(enc: HarmonyEncoding, line: str, train_on: str) -> Tuple[List[int], List[int]]:
    """One conversation line rendered for training with its mask, in a worker."""
    return enc.render_conversation_for_training_with_mask(Conversation.from_json(line), train_on=train_on)


class TrainingExamples:
    """A map-style dataset (PyTorch protocol) of JSONL conversation lines -> (input_ids, mask).

    It holds the encoding itself, so DataLoader workers receive it by pickle (by name).
    """

    def __init__(self, enc: HarmonyEncoding, lines: List[str], train_on: str = "all") -> None:
        self.enc, self.lines, self.train_on = enc, lines, train_on

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, i: int) -> Tuple[List[int], List[int], str, bool]:
        import openai_harmony

        tokens, mask = render_with_mask(self.enc, self.lines[i], self.train_on)
        return tokens, mask, openai_harmony.BACKEND, self.enc is load_harmony_encoding(self.enc.name)
