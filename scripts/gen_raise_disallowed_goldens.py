#!/usr/bin/env python3
"""Record the official ``openai_harmony.raise_disallowed_special_token``.

Run with the oracle (official openai-harmony 0.0.8):
    TIKTOKEN_ENCODINGS_BASE=/work/shared/vocab /work/venvs/oracle/bin/python scripts/gen_raise_disallowed_goldens.py
Writes tests/golden/raise_disallowed.json: where the function lives (module, qualname,
whether ``__all__`` lists it, its parameters) and, for each argument in ARGUMENTS (Python
expressions), the exception it raises: type, message and args; plus wrong-arity calls.
"""

from __future__ import annotations

import inspect
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "golden", "raise_disallowed.json")

ARGUMENTS = [
    "'<|end|>'",
    "'<|endoftext|>'",
    "''",
    "\"it's\"",
    "'a\\nb é 😀'",
    "'{x}'",
    "5",
    "1.5",
    "None",
    "b'x'",
    "('<|end|>',)",
    "['a']",
]
# Calls with the wrong arguments, as (args expression, kwargs expression).
CALLS = [("()", "{}"), ("('a', 'b')", "{}"), ("()", "{'token': 'x'}"), ("()", "{'tok': 'x'}")]


def outcome(fn, *args, **kwargs) -> dict:
    try:
        fn(*args, **kwargs)
    except BaseException as exc:  # recorded, compared exactly
        return {
            "type": type(exc).__name__,
            "mro": [c.__name__ for c in type(exc).__mro__],
            "message": str(exc),
            "args": [repr(a) for a in exc.args],
        }
    return {"returned": True}


def main() -> None:
    import openai_harmony

    fn = openai_harmony.raise_disallowed_special_token
    params = inspect.signature(fn).parameters
    golden = {
        "module": fn.__module__,
        "qualname": fn.__qualname__,
        "in_all": "raise_disallowed_special_token" in openai_harmony.__all__,
        "parameters": [[p.name, str(p.kind)] for p in params.values()],
        "calls": [{"arg": a, "outcome": outcome(fn, eval(a))} for a in ARGUMENTS],
        "bad_calls": [
            {"args": a, "kwargs": k, "outcome": outcome(fn, *eval(a), **eval(k))} for a, k in CALLS
        ],
    }
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(golden, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    print(f"{len(golden['calls'])} calls -> {OUT}")


if __name__ == "__main__":
    main()
