"""Golden files: JSON Lines, one record per line, so that a regenerated golden diffs by case.

A golden is a JSON object (its top-level keys in order).  On disk each line is a one-key
object: ``{"key": value}`` for a plain value, and ``{"key[]": item}`` for each item of a
list, in order.  ``write`` (used by ``scripts/gen_*_goldens.py``) and ``load`` (the tests)
are the only code that knows this.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Union

GOLDEN_DIR = Path(__file__).parent / "golden"


def write(path: Union[str, Path], data: Dict[str, Any]) -> None:
    """Write *data* (a JSON object) to *path* as golden JSON Lines (ASCII; key order kept: it can matter, e.g. in schemas)."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list):
            lines.extend(json.dumps({key + "[]": item}, separators=(",", ":")) for item in value)
        else:
            lines.append(json.dumps({key: value}, separators=(",", ":")))
    Path(path).write_text("\n".join(lines) + "\n", encoding="ascii")


def load(name: str) -> Dict[str, Any]:
    """Read ``tests/golden/<name>.jsonl`` back into the object ``write`` was given."""
    data: Dict[str, Any] = {}
    with open(GOLDEN_DIR / f"{name}.jsonl", encoding="ascii") as fh:
        for line in fh:
            ((key, value),) = json.loads(line).items()
            if key.endswith("[]"):
                data.setdefault(key[:-2], []).append(value)
            else:
                data[key] = value
    return data
