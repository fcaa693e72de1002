"""The encoding travels to spawned worker processes by pickle and renders identically there.

Spawn (not fork) is what PyTorch DataLoader workers and macOS/Windows pools use: the child
starts empty, so the encoding must unpickle by name into the child's own shared instance.
"""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest

from engine_support import backend_and_shared_encoding, render_with_mask, sample_lines
from openai_harmony import BACKEND, Conversation, HarmonyEncodingName, load_harmony_encoding


@pytest.fixture(scope="module")
def enc():
    return load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)


def test_pickle_is_small(enc):
    # By name, not by vocabulary: a few dozen bytes, whatever the backend.
    assert len(pickle.dumps(enc)) < 200


def test_spawn_pool_renders_identically(enc):
    lines = sample_lines()
    jobs = [(enc, line, train_on) for line in lines for train_on in ("all", "last")]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        probes = pool.map(backend_and_shared_encoding, [enc] * 4)
        got = pool.starmap(render_with_mask, jobs, chunksize=8)
    # Children read OPENAI_HARMONY_PURE_PYTHON from the inherited environment.
    assert probes == [(BACKEND, True)] * 4
    expected = [
        enc.render_conversation_for_training_with_mask(Conversation.from_json(line), train_on=train_on)
        for _, line, train_on in jobs
    ]
    assert [(list(t), list(m)) for t, m in got] == [(list(t), list(m)) for t, m in expected]


def test_spawn_executor_batch_api(enc):
    # The batch method called on an encoding that arrived by pickle in a spawned process.
    conversations = [Conversation.from_json(line) for line in sample_lines()[:12]]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        got = list(pool.map(_render_batch, [enc, enc], [conversations[:6], conversations[6:]]))
    assert got[0] + got[1] == enc.render_conversations_for_training_with_mask(conversations, num_threads=1)


def _render_batch(enc, conversations):
    return enc.render_conversations_for_training_with_mask(conversations, num_threads=2)
