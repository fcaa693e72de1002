"""Convert an ``o200k_base.tiktoken`` file into the compact form shipped in the package.

Usage: python scripts/pack_vocab.py PATH/o200k_base.tiktoken

The packed file (``openai_harmony/data/o200k_base.bpe``) is: the magic ``b"HBPE1\\n"``,
a little-endian uint32 token count N, N uint8 token lengths (rank order), then the token
bytes concatenated.  It loads with two slices instead of 200k base64 decodes, and
``openai_harmony.load.tiktoken_text`` rebuilds the original file exactly, which the test
suite checks against the official sha256.
"""

from __future__ import annotations

import base64
import hashlib
import pathlib
import struct
import sys

EXPECTED_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"


def main(src: str) -> None:
    raw = pathlib.Path(src).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != EXPECTED_SHA256:
        sys.exit(f"{src}: sha256 {digest} != expected {EXPECTED_SHA256}")
    tokens = []
    for rank, line in enumerate(raw.splitlines()):
        b64, rank_text = line.split()
        if int(rank_text) != rank:
            sys.exit(f"ranks are not contiguous at line {rank + 1}")
        tokens.append(base64.b64decode(b64, validate=True))
    if max(map(len, tokens)) > 255:
        sys.exit("a token is longer than 255 bytes; the packed format cannot hold it")
    out = pathlib.Path(__file__).resolve().parent.parent / "openai_harmony" / "data" / "o200k_base.bpe"
    with open(out, "wb") as f:
        f.write(b"HBPE1\n")
        f.write(struct.pack("<I", len(tokens)))
        f.write(bytes(map(len, tokens)))
        f.write(b"".join(tokens))
    print(f"wrote {out} ({out.stat().st_size} bytes, {len(tokens)} tokens)")


if __name__ == "__main__":
    main(sys.argv[1])
