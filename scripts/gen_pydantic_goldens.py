"""Record how the official openai-harmony 0.0.8 behaves as a pydantic model.

    TIKTOKEN_ENCODINGS_BASE=/work/shared/vocab /work/venvs/oracle/bin/python \\
        scripts/gen_pydantic_goldens.py [--ours-python /work/venvs/dev/bin/python]

Run with the official package, pydantic, FastAPI and httpx installed.  Writes
tests/golden/pydantic_cases.json: the outcome of every case of tests/pydantic_cases.py,
the generated field x odd value coercion table, the classes' public names and JSON schemas,
and pickles both ways: the official's (base64, loaded by this package in the tests) and
this package's, made by ``--ours-python`` with this checkout on its path in a subprocess
and loaded here by the official (the result is recorded).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import pickle
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import pydantic_cases as pc  # noqa: E402

CLASSES = ["Author", "Content", "TextContent", "ToolDescription", "ToolNamespaceConfig", "ChannelConfig",
           "SystemContent", "DeveloperContent", "Message", "Conversation", "RenderConversationConfig",
           "RenderOptions"]

# Run by --ours-python: pickle each object with this package, print them as JSON.
_MAKE_OURS = r"""
import base64, json, pickle, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/tests")
import openai_harmony
assert openai_harmony.__file__.startswith(sys.argv[1]), openai_harmony.__file__
import pydantic_cases as pc
ns = {}
exec(pc.SETUP, ns)
print(json.dumps({k: [base64.b64encode(pickle.dumps(eval(e, ns), p)).decode() for p in (2, 5)]
                  for k, e in pc.PICKLES}))
"""


def state_of(obj):
    """What a pickle carries: repr, fields set and instance dict, compared across packages."""
    return {"repr": repr(obj), "fields_set": sorted(getattr(obj, "model_fields_set", ()))}


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Pickled sets follow string hashing: a fixed seed makes the golden file reproducible.
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ours-python", default=sys.executable.replace("oracle", "dev"))
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "golden", "pydantic_cases.json"))
    args = ap.parse_args()

    import openai_harmony
    import pydantic

    assert "site-packages" in openai_harmony.__file__, "run this with the official package"
    ns: dict = {}
    exec(pc.SETUP, ns)
    golden: dict = {"pydantic": pydantic.VERSION}
    golden["cases"] = {cid: pc.outcome(expr, ns) for cid, expr in pc.CASES}
    golden["coercions"] = {
        f"{c}.{f}={v}": pc.coercion_outcome(pc.field_expr(c, f, v), ns) for c, f, v in pc.fields_table()
    }
    golden["public_names"] = {
        c: sorted(n for n in dir(getattr(openai_harmony, c)) if not n.startswith("_")) for c in CLASSES
    }
    golden["schemas"] = {c: getattr(openai_harmony, c).model_json_schema() for c in CLASSES}

    official = {}
    for key, expr in pc.PICKLES:
        obj = eval(expr, ns)
        official[key] = {"state": state_of(obj),
                         "pickles": [base64.b64encode(pickle.dumps(obj, p)).decode() for p in (2, 5)]}
    made = subprocess.run([args.ours_python, "-c", _MAKE_OURS, ROOT], check=True,
                          capture_output=True, text=True).stdout
    loaded = {}
    for key, blobs in json.loads(made).items():
        results = []
        for blob in blobs:
            try:
                obj = pickle.loads(base64.b64decode(blob))
            except Exception as exc:  # noqa: BLE001 - recorded
                results.append({"error": f"{type(exc).__name__}: {exc}"})
                continue
            results.append(state_of(obj))
        loaded[key] = results
    golden["pickles"] = {"official": official, "ours_loaded_by_official": loaded}

    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(golden, fh, indent=1, sort_keys=True, ensure_ascii=False)
        fh.write("\n")
    print(f"wrote {args.out}: {len(golden['cases'])} cases, {len(golden['coercions'])} coercions")


if __name__ == "__main__":
    main()
