"""The bundled vocabulary, TIKTOKEN_ENCODINGS_BASE, caching and offline loading."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap

import pytest

import openai_harmony
from openai_harmony import HarmonyError, load
from openai_harmony.load import EXPECTED_SHA256

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def tiktoken_bytes() -> bytes:
    return load.tiktoken_text()


def test_shipped_vocabulary_is_the_official_file(tiktoken_bytes):
    assert hashlib.sha256(tiktoken_bytes).hexdigest() == EXPECTED_SHA256
    assert EXPECTED_SHA256 == "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
    assert tiktoken_bytes.count(b"\n") == 199998


def test_bundled_ranks_shape():
    ranks = load.load_mergeable_ranks()
    assert len(ranks) == 199998
    assert ranks[0] == b"!"
    assert ranks[220] == b" "
    assert len(set(ranks)) == len(ranks)


def test_special_tokens_table():
    specials = load.harmony_special_tokens()
    assert len(specials) == 201088 - 199998 + 1
    assert {k: v for k, v in specials.items() if not k.startswith("<|reserved_")} == {
        "<|startoftext|>": 199998,
        "<|endoftext|>": 199999,
        "<|return|>": 200002,
        "<|constrain|>": 200003,
        "<|channel|>": 200005,
        "<|start|>": 200006,
        "<|end|>": 200007,
        "<|message|>": 200008,
        "<|call|>": 200012,
    }
    assert specials["<|reserved_200000|>"] == 200000
    assert specials["<|reserved_201088|>"] == 201088
    assert "<|reserved_200002|>" not in specials


def test_load_is_cached():
    a = openai_harmony.load_harmony_encoding("HarmonyGptOss")
    b = openai_harmony.load_harmony_encoding(openai_harmony.HarmonyEncodingName.HARMONY_GPT_OSS)
    assert a._tokenizer is b._tokenizer
    assert load.load_mergeable_ranks() is load.load_mergeable_ranks()


@pytest.mark.parametrize("name", ["foo", "harmonygptoss", ""])
def test_unknown_encoding_name(name):
    with pytest.raises(ValueError, match=f"^Invalid HarmonyEncodingName: {name}$"):
        openai_harmony.load_harmony_encoding(name)


def _run(code: str, env_extra: dict) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(env_extra)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=120
    )


LOAD_AND_REPORT = """
    import openai_harmony
    try:
        enc = openai_harmony.load_harmony_encoding("HarmonyGptOss")
        print("OK", enc.encode("hello world"))
    except openai_harmony.HarmonyError as exc:
        print("HarmonyError:", exc)
"""


def test_env_dir_with_official_file_loads(tmp_path, tiktoken_bytes):
    (tmp_path / "o200k_base.tiktoken").write_bytes(tiktoken_bytes)
    out = _run(LOAD_AND_REPORT, {"TIKTOKEN_ENCODINGS_BASE": str(tmp_path)})
    assert out.stdout.strip() == "OK [24912, 2375]", out.stderr


def test_env_dir_hash_mismatch_names_file_and_hashes(tmp_path, tiktoken_bytes):
    bad = tiktoken_bytes.replace(b"IQ== 0\n", b"Ig== 0\n", 1)
    (tmp_path / "o200k_base.tiktoken").write_bytes(bad)
    out = _run(LOAD_AND_REPORT, {"TIKTOKEN_ENCODINGS_BASE": str(tmp_path)})
    path = os.path.join(str(tmp_path), "o200k_base.tiktoken")
    computed = hashlib.sha256(bad).hexdigest()
    assert out.stdout.strip() == (
        f"HarmonyError: invalid tiktoken vocab file {path} (from $TIKTOKEN_ENCODINGS_BASE): "
        f"hash mismatch: computed={computed}, expected={EXPECTED_SHA256}"
    ), out.stderr


def test_env_dir_missing_file(tmp_path):
    out = _run(LOAD_AND_REPORT, {"TIKTOKEN_ENCODINGS_BASE": str(tmp_path / "nowhere")})
    path = os.path.join(str(tmp_path / "nowhere"), "o200k_base.tiktoken")
    assert out.stdout.strip() == (
        f"HarmonyError: invalid tiktoken vocab file {path} (from $TIKTOKEN_ENCODINGS_BASE): "
        "No such file or directory"
    ), out.stderr


def test_corrupt_bundled_data_is_a_harmony_error(tmp_path):
    with pytest.raises(HarmonyError, match="bad header"):
        load._unpack(b"garbage", "x")
    good = open(load._PACKED_PATH, "rb").read()
    with pytest.raises(HarmonyError, match="truncated or corrupt"):
        load._unpack(good[:-10], "x")


def test_corrupt_tiktoken_text_is_a_harmony_error():
    with pytest.raises(HarmonyError, match="expected 'token rank' at line 1"):
        load._parse_tiktoken(b"garbage\n", "f")
    with pytest.raises(HarmonyError, match="line 2 has rank 5, expected 1"):
        load._parse_tiktoken(b"IQ== 0\nIg== 5\n", "f")
    with pytest.raises(HarmonyError, match="line 1: "):
        load._parse_tiktoken(b"!!!! 0\n", "f")


def test_loading_never_touches_the_network():
    code = """
        import socket
        def refuse(*a, **k):
            raise AssertionError("network access during load")
        socket.socket = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        import openai_harmony
        enc = openai_harmony.load_harmony_encoding("HarmonyGptOss")
        print(enc.decode(enc.encode("offline")))
    """
    env = {"TIKTOKEN_ENCODINGS_BASE": ""}
    out = _run(code, env)
    assert out.stdout.strip() == "offline", out.stderr


def test_write_tiktoken_file(tmp_path):
    path, digest = load.write_tiktoken_file(str(tmp_path))
    assert path == os.path.join(str(tmp_path), "o200k_base.tiktoken")
    assert digest == EXPECTED_SHA256
    assert hashlib.sha256(open(path, "rb").read()).hexdigest() == EXPECTED_SHA256


def test_no_vocabulary_token_holds_a_pinned_character():
    # The pure tokenizer probes only the pieces missing from the vocabulary for characters
    # the official tokenizer treats as unassigned; that is exact only while no token holds one.
    from openai_harmony._unicode_pin import UNASSIGNED_IN_ORACLE

    pinned = set()
    for lo, hi in UNASSIGNED_IN_ORACLE:
        pinned.update(map(chr, range(lo, hi + 1)))
    offenders = []
    for rank, tok in enumerate(load.load_mergeable_ranks()):
        text = tok.decode("utf-8", "ignore")
        if not text.isascii() and not pinned.isdisjoint(text):
            offenders.append(rank)
    assert offenders == []
