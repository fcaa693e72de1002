"""A PyTorch DataLoader with spawned workers renders with the pickled encoding.

Integration test: skipped without torch, required under OPENAI_HARMONY_REQUIRE_ENGINES=1
(.ci/run installs the CPU build).
"""

from __future__ import annotations

import pytest

from engine_support import TrainingExamples, expected_rows, require, sample_lines
from openai_harmony import BACKEND, HarmonyEncodingName, load_harmony_encoding

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("train_on", ["all", "last"])
def test_dataloader_spawn_workers(train_on):
    torch = require("torch")
    enc = load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)
    lines = sample_lines()
    loader = torch.utils.data.DataLoader(
        TrainingExamples(enc, lines, train_on),
        batch_size=None,  # one example at a time, lists untouched by collation
        num_workers=2,
        multiprocessing_context="spawn",
    )
    got = list(loader)
    # Workers inherit OPENAI_HARMONY_PURE_PYTHON and reuse their process's one encoding.
    assert {(backend, shared) for _, _, backend, shared in got} == {(BACKEND, True)}
    expected = expected_rows(enc, lines, train_on)
    assert [(list(t), list(m)) for t, m, _, _ in got] == [(t, m) for t, m, _ in expected]
