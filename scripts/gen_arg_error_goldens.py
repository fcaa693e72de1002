#!/usr/bin/env python3
"""Record what the official openai-harmony 0.0.8 raises for each wrong-argument call in
tests/arg_error_cases.py, into tests/golden/arg_errors.json.

    TIKTOKEN_ENCODINGS_BASE=/work/shared/vocab /work/.oracle/bin/python scripts/gen_arg_error_goldens.py

Run it with the official package's interpreter, from outside the checkout (the script
changes directory itself), so that ``import openai_harmony`` finds the official package.
Recorded per case: "ok" (no error), or the exception's class name, the names of its
builtin base classes, and its message.
"""

from __future__ import annotations

import builtins
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _load_cases():
    ns: dict = {}
    with open(os.path.join(ROOT, "tests", "arg_error_cases.py"), encoding="utf-8") as fh:
        exec(compile(fh.read(), "arg_error_cases.py", "exec"), ns)
    return ns["SETUP"], ns["CASES"]


def _builtin_bases(tp: type) -> list:
    return sorted({c.__name__ for c in tp.__mro__ if getattr(builtins, c.__name__, None) is c and issubclass(c, BaseException)})


def record(setup: str, cases: list) -> dict:
    """Evaluate each case; return {id: outcome}."""
    env: dict = {}
    exec(setup, env)
    out = {}
    for case_id, _arg, expr in cases:
        try:
            eval(expr, env)
        except Exception as exc:  # recorded, whatever it is
            out[case_id] = {
                "type": type(exc).__name__,
                "module": type(exc).__module__,
                "bases": _builtin_bases(type(exc)),
                "message": str(exc),
            }
        else:
            out[case_id] = "ok"
    return out


def main() -> int:
    setup, cases = _load_cases()
    os.chdir(tempfile.gettempdir())
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != ROOT]
    import openai_harmony

    if hasattr(openai_harmony, "BACKEND"):
        raise SystemExit("this is our package, not the official one: run with the oracle interpreter")
    results = record(setup, cases)
    path = os.path.join(ROOT, "tests", "golden", "arg_errors.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"generator": "scripts/gen_arg_error_goldens.py", "official": "openai-harmony 0.0.8",
                   "python": sys.version.split()[0], "cases": results}, fh, indent=1, ensure_ascii=False, sort_keys=True)
        fh.write("\n")
    print(f"{len(results)} cases -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
