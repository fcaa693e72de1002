"""Loading the o200k_base vocabulary, offline.

The vocabulary ships inside the package in a packed form (see ``scripts/pack_vocab.py``):
a count, one length byte per token, then the token bytes back to back.  Loading it is two
slices and a loop of 200k bytes-slices, far cheaper than decoding 200k base64 lines.

As in the official package, ``TIKTOKEN_ENCODINGS_BASE=<dir>`` makes the loader read
``<dir>/o200k_base.tiktoken`` instead; that file must have the official sha256.  Nothing
here ever touches the network.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import struct
import threading
from typing import Dict, List, Optional, Tuple

from .errors import HarmonyError

__all__ = [
    "ENCODINGS_BASE_ENV",
    "EXPECTED_SHA256",
    "O200K_PATTERN",
    "VOCAB_FILE_NAME",
    "harmony_special_tokens",
    "load_mergeable_ranks",
    "tiktoken_text",
    "write_tiktoken_file",
]

ENCODINGS_BASE_ENV = "TIKTOKEN_ENCODINGS_BASE"
VOCAB_FILE_NAME = "o200k_base.tiktoken"
EXPECTED_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
_PACKED_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "o200k_base.bpe")
_PACKED_MAGIC = b"HBPE1\n"

#: The o200k pre-tokenizer pattern (run with the ``regex`` module).
O200K_PATTERN = "|".join(
    [
        r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
        r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
        r"\p{N}{1,3}",
        r" ?[^\s\p{L}\p{N}]+[\r\n/]*",
        r"\s*[\r\n]+",
        r"\s+(?!\S)",
        r"\s+",
    ]
)

_NAMED_SPECIALS = {
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
_FIRST_RESERVED = 200000
_LAST_SPECIAL = 201088


def harmony_special_tokens() -> Dict[str, int]:
    """Return the o200k_harmony special tokens: named ones plus ``<|reserved_N|>`` fillers."""
    specials = dict(_NAMED_SPECIALS)
    named_ids = set(_NAMED_SPECIALS.values())
    for token_id in range(_FIRST_RESERVED, _LAST_SPECIAL + 1):
        if token_id not in named_ids:
            specials[f"<|reserved_{token_id}|>"] = token_id
    return specials


def _unpack(blob: bytes, where: str) -> List[bytes]:
    header = len(_PACKED_MAGIC) + 4
    if len(blob) < header or not blob.startswith(_PACKED_MAGIC):
        raise HarmonyError(f"invalid packed vocabulary {where}: bad header")
    (count,) = struct.unpack_from("<I", blob, len(_PACKED_MAGIC))
    lengths = blob[header : header + count]
    body = memoryview(blob)[header + count :]
    if len(lengths) != count or sum(lengths) != len(body):
        raise HarmonyError(f"invalid packed vocabulary {where}: truncated or corrupt")
    tokens: List[bytes] = []
    append = tokens.append
    pos = 0
    for n in lengths:
        append(bytes(body[pos : pos + n]))
        pos += n
    return tokens


def _parse_tiktoken(raw: bytes, where: str) -> List[bytes]:
    tokens: List[bytes] = []
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line:
            continue
        parts = line.split(b" ")
        if len(parts) != 2:
            raise HarmonyError(f"invalid tiktoken vocab file {where}: expected 'token rank' at line {lineno}")
        try:
            token = base64.b64decode(parts[0], validate=True)
            rank = int(parts[1])
        except (binascii.Error, ValueError) as exc:
            raise HarmonyError(f"invalid tiktoken vocab file {where}: line {lineno}: {exc}") from None
        if rank != len(tokens):
            # The tokenizer indexes tokens by rank, so ranks must be exactly 0..N-1 in order.
            raise HarmonyError(
                f"invalid tiktoken vocab file {where}: line {lineno} has rank {rank}, expected {len(tokens)}"
            )
        tokens.append(token)
    if not tokens:
        raise HarmonyError(f"invalid tiktoken vocab file {where}: no tokens")
    return tokens


def _read_from_env_dir(base_dir: str) -> List[bytes]:
    path = os.path.join(base_dir, VOCAB_FILE_NAME)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise HarmonyError(
            f"invalid tiktoken vocab file {path} (from ${ENCODINGS_BASE_ENV}): {exc.strerror or exc}"
        ) from None
    computed = hashlib.sha256(raw).hexdigest()
    if computed != EXPECTED_SHA256:
        raise HarmonyError(
            f"invalid tiktoken vocab file {path} (from ${ENCODINGS_BASE_ENV}): hash mismatch: "
            f"computed={computed}, expected={EXPECTED_SHA256}"
        )
    return _parse_tiktoken(raw, path)


_cache: Dict[Optional[str], List[bytes]] = {}
_lock = threading.Lock()


def load_mergeable_ranks() -> List[bytes]:
    """Return the o200k_base tokens indexed by rank, loaded once per process per source."""
    base_dir = os.environ.get(ENCODINGS_BASE_ENV) or None
    tokens = _cache.get(base_dir)
    if tokens is not None:
        return tokens
    with _lock:
        tokens = _cache.get(base_dir)
        if tokens is None:
            if base_dir is not None:
                tokens = _read_from_env_dir(base_dir)
            else:
                try:
                    with open(_PACKED_PATH, "rb") as f:
                        blob = f.read()
                except OSError as exc:
                    raise HarmonyError(
                        f"bundled vocabulary {_PACKED_PATH} cannot be read: {exc.strerror or exc}; "
                        "reinstall openai-harmony"
                    ) from None
                tokens = _unpack(blob, _PACKED_PATH)
            _cache[base_dir] = tokens
    return tokens


def _bundled_tokens() -> List[bytes]:
    with open(_PACKED_PATH, "rb") as f:
        return _unpack(f.read(), _PACKED_PATH)


def tiktoken_text(tokens: Optional[List[bytes]] = None) -> bytes:
    """Rebuild the ``.tiktoken`` file (base64 token, space, rank per line) from the bundled data."""
    if tokens is None:
        tokens = _bundled_tokens()
    return b"".join(base64.b64encode(tok) + b" %d\n" % rank for rank, tok in enumerate(tokens))


def write_tiktoken_file(directory: str) -> Tuple[str, str]:
    """Write ``o200k_base.tiktoken`` into *directory*; return its path and sha256."""
    data = tiktoken_text()
    path = os.path.join(directory, VOCAB_FILE_NAME)
    with open(path, "wb") as f:
        f.write(data)
    return path, hashlib.sha256(data).hexdigest()
