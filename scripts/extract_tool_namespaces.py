#!/usr/bin/env python3
"""Extract the built-in tool namespace configs (browser, python) from the oracle.

Run with the oracle interpreter:
    TIKTOKEN_ENCODINGS_BASE=/work/shared/vocab /work/.oracle/bin/python scripts/extract_tool_namespaces.py
Writes openai_harmony/data/tool_namespaces.json so the strings are never retyped by hand.
"""

from __future__ import annotations

import json
import os

from openai_harmony.openai_harmony import get_tool_namespace_config  # type: ignore


def main() -> None:
    out = {name: get_tool_namespace_config(name) for name in ("browser", "python")}
    path = os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        "openai_harmony",
        "data",
        "tool_namespaces.json",
    )
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
