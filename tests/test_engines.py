"""Real dataset engines tokenise the sample exactly as the library does in-process.

Hugging Face ``datasets`` (``map``, ``num_proc=2``) and Ray Data (``map_batches`` on a local
``ray.init(num_cpus=2)``), both through the functions of examples/.  Marked ``integration``:
skipped when an engine is not installed, except under OPENAI_HARMONY_REQUIRE_ENGINES=1
(set by .ci/run, which installs the ``engines`` extra) where a missing engine fails.
"""

from __future__ import annotations

import os
import re
import sys
import warnings

import pytest

from engine_support import (
    EXAMPLES,
    IGNORE_INDEX,
    ROOT,
    SAMPLE,
    TESTS,
    as_ints,
    backend_and_shared_encoding,
    example,
    expected_rows,
    require,
    sample_lines,
)
from openai_harmony import BACKEND, Conversation, HarmonyEncodingName, Role, load_harmony_encoding

COLUMNS = ["input_ids", "loss_mask", "labels"]


@pytest.fixture(scope="module")
def enc():
    return load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)


@pytest.fixture(scope="module")
def lines():
    return sample_lines()


# ---------------------------------------------------------------------------
# the sample itself (no engine needed)
# ---------------------------------------------------------------------------


def test_sample_is_the_generated_one():
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    try:
        import gen_engine_sample
    finally:
        sys.path.remove(os.path.join(ROOT, "scripts"))
    assert sample_lines() == gen_engine_sample.sample_lines()


def test_sample_is_varied(lines):
    kinds = set()
    for line in lines:
        conversation = Conversation.from_json(line)
        assert conversation.to_json() == line
        users = 0
        for m in conversation.messages:
            kinds.add((m.author.role, m.channel, m.recipient is not None))
            users += m.author.role == Role.USER
            if m.author.role == Role.DEVELOPER and m.content[0].tools:
                kinds.add("function tools")
            if m.author.role == Role.SYSTEM and m.content[0].tools:
                kinds.add("builtin tools")
        kinds.add(f"{min(users, 3)} user turns")
        kinds.add("non-ascii" if not line.isascii() or "\\u" in line else "ascii")
    assert len(lines) >= 40
    assert {
        (Role.SYSTEM, None, False),
        (Role.DEVELOPER, None, False),
        (Role.ASSISTANT, "analysis", False),
        (Role.ASSISTANT, "commentary", True),  # tool call
        (Role.ASSISTANT, "commentary", False),  # preamble
        (Role.TOOL, "commentary", False),
        (Role.ASSISTANT, "final", False),
        "function tools",
        "builtin tools",
        "1 user turns",
        "2 user turns",
        "3 user turns",
        "non-ascii",
    } <= kinds


@pytest.mark.parametrize("train_on", ["all", "last"])
def test_expected_rows_are_training_renders(enc, lines, train_on):
    # The reference the engines are held to: the training render plus a 0/1 mask.
    rows = expected_rows(enc, lines, train_on)
    for line, (tokens, mask, labels) in zip(lines, rows):
        assert tokens == enc.render_conversation_for_training(Conversation.from_json(line))
        assert len(mask) == len(tokens) and set(mask) <= {0, 1}
        assert len(labels) == len(tokens)
    assert any(1 in mask for _, mask, _ in rows) and any(0 in mask for _, mask, _ in rows)


# ---------------------------------------------------------------------------
# Hugging Face datasets
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hf(tmp_path_factory):
    """The `datasets` module, kept offline with its caches in a temporary directory."""
    home = tmp_path_factory.mktemp("hf_home")
    with pytest.MonkeyPatch.context() as mp:
        # datasets and huggingface_hub read these when first imported.
        mp.setenv("HF_DATASETS_OFFLINE", "1")
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("HF_HOME", str(home))
        mp.setenv("HF_DATASETS_CACHE", str(home / "datasets"))
        mp.setenv("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
        yield require("datasets")


@pytest.fixture(scope="module")
def hf_example(hf):
    return example("hf_datasets")


def _hf_rows(dataset):
    assert dataset.column_names == COLUMNS
    columns = [dataset[name] for name in COLUMNS]
    return [tuple(as_ints(cell) for cell in row) for row in zip(*columns)]


@pytest.mark.integration
@pytest.mark.parametrize("train_on", ["all", "last"])
def test_hf_datasets_map_num_proc_2(hf, hf_example, enc, lines, tmp_path, train_on):
    dataset = hf_example.load_conversations(SAMPLE, cache_dir=str(tmp_path / "cache"))
    assert dataset["text"] == lines
    out = hf_example.tokenize(dataset, enc, train_on=train_on, num_proc=2)
    assert len(out.cache_files) == 2  # one shard per worker process
    rows = _hf_rows(out)
    assert rows == [tuple(r) for r in expected_rows(enc, lines, train_on)]
    for tokens, mask, labels in rows:
        assert labels == [t if m else IGNORE_INDEX for t, m in zip(tokens, mask)]


@pytest.mark.integration
def test_hf_datasets_example_script(hf, hf_example, enc, lines, tmp_path, capsys):
    out_dir = str(tmp_path / "out")
    hf_example.main([SAMPLE, out_dir, "--num-proc", "2", "--train-on", "last", "--cache-dir", str(tmp_path / "cache")])
    expected = expected_rows(enc, lines, "last")
    tokens = sum(len(r[0]) for r in expected)
    trained = sum(sum(r[1]) for r in expected)
    assert capsys.readouterr().out == f"{len(lines)} conversations, {tokens} tokens, {trained} trained -> {out_dir}\n"
    assert _hf_rows(hf.load_from_disk(out_dir)) == [tuple(r) for r in expected]


@pytest.mark.integration
def test_readme_dataset_engines_snippet(hf, enc, lines, monkeypatch):
    with open(os.path.join(ROOT, "docs", "dataset-engines.md"), encoding="utf-8") as f:
        section = f.read()
    (snippet,) = re.findall(r"```python\n(.*?)```", section, re.S)
    monkeypatch.chdir(ROOT)  # the snippet names the sample relative to the checkout
    namespace = {}
    exec(compile(snippet, "docs/dataset-engines.md", "exec"), namespace)  # noqa: S102 - our own README
    dataset = namespace["dataset"]
    assert dataset.column_names == ["input_ids", "labels"]
    expected = expected_rows(enc, lines, "all")
    assert dataset["input_ids"] == [r[0] for r in expected]
    assert dataset["labels"] == [r[2] for r in expected]


# ---------------------------------------------------------------------------
# Ray Data
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray():
    """A local Ray instance with 2 CPUs, started once for this module and shut down after."""
    require("pyarrow")
    ray = require("ray")
    require("ray.data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAY_USAGE_STATS_ENABLED", "0")
        # Workers inherit the environment of the raylet started here: the backend switch
        # (OPENAI_HARMONY_PURE_PYTHON) and a path to this tree and to examples/, which a
        # plain checkout (not pip-installed) needs for the workers to import them; tests/ for
        # the probe functions of engine_support.
        path = [ROOT, EXAMPLES, TESTS] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        mp.setenv("PYTHONPATH", os.pathsep.join(path))
        mp.delenv("RAY_ADDRESS", raising=False)  # always a fresh local instance
        ray.init(
            num_cpus=2,
            include_dashboard=False,
            log_to_driver=False,
            object_store_memory=128 * 1024 * 1024,
        )
        try:
            with warnings.catch_warnings():
                # Ray's own defaults for its deprecated options warn on creation (2.5x).
                warnings.simplefilter("ignore", DeprecationWarning)
                context = ray.data.DataContext.get_current()
            context.enable_progress_bars = False
            context.execution_options.preserve_order = True
            yield ray
        finally:
            ray.shutdown()


@pytest.fixture(scope="module")
def ray_example(ray):
    return example("ray_data")


@pytest.mark.integration
def test_ray_workers_use_this_backend_and_share_the_encoding(ray, enc):
    probe = ray.remote(backend_and_shared_encoding)
    assert ray.get([probe.remote(enc) for _ in range(4)]) == [(BACKEND, True)] * 4


@pytest.mark.integration
def test_ray_data_map_batches(ray, ray_example, enc, lines):
    dataset = ray_example.tokenize(ray.data.read_text(SAMPLE), enc, train_on="all", num_blocks=4)
    rows = dataset.take_all()
    assert all(sorted(row) == sorted(COLUMNS) for row in rows)
    got = [tuple(as_ints(row[name]) for name in COLUMNS) for row in rows]
    assert got == [tuple(r) for r in expected_rows(enc, lines, "all")]
    for tokens, mask, labels in got:
        assert labels == [t if m else IGNORE_INDEX for t, m in zip(tokens, mask)]


@pytest.mark.integration
def test_ray_data_example_script(ray, ray_example, enc, lines, tmp_path, capsys):
    import pyarrow.parquet as pq

    out_dir = str(tmp_path / "parquet")
    ray_example.main([SAMPLE, out_dir, "--num-blocks", "2", "--train-on", "last"])
    assert capsys.readouterr().out.endswith(f"{len(lines)} conversations -> {out_dir}\n")
    table = pq.read_table(out_dir)
    assert table.column_names == COLUMNS
    got = [tuple(as_ints(row[name]) for name in COLUMNS) for row in table.to_pylist()]
    # Parquet files are not ordered among themselves: compare as multisets.
    expected = [tuple(r) for r in expected_rows(enc, lines, "last")]
    assert sorted(got) == sorted(expected)
    assert ray.is_initialized()  # main() leaves an instance it did not start running

