#!/usr/bin/env python3
"""Record what the official openai-harmony 0.0.8 does with the hostile inputs of
tests/test_limits.py, into tests/golden/limits.json.

    TIKTOKEN_ENCODINGS_BASE=/work/shared/vocab /work/.oracle/bin/python scripts/gen_limit_goldens.py

Deep schemas are recorded twice: as the official behaves by default (json.dumps hits
Python's recursion limit first: RecursionError), and with the recursion limit and stack
raised, which shows the error serde_json gives (the one we raise in both cases).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _error(fn):
    try:
        fn()
    except Exception as exc:  # recorded
        return {"type": type(exc).__name__, "message": str(exc)}
    return None


def main() -> int:
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != ROOT]
    os.chdir(tempfile.gettempdir())
    import openai_harmony as api

    if hasattr(api, "BACKEND"):
        raise SystemExit("this is our package, not the official one: run with the oracle interpreter")
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import limits_inputs as li

    enc = api.load_harmony_encoding("HarmonyGptOss")
    out = {"generator": "scripts/gen_limit_goldens.py", "official": "openai-harmony 0.0.8"}

    out["letters_piece"] = li.digest(enc.encode(li.run_of(li.LETTERS, li.LETTERS_PIECE)))
    out["base64_run"] = li.digest(enc.encode(li.run_of(li.BASE64, li.BASE64_RUN)))

    start = enc.encode("<|start|>", allowed_special="all")
    message = enc.encode("<|message|>", allowed_special="all")
    body = li.body_tokens(enc, li.HEADER_TOKENS)

    def header_eos():
        p = api.StreamableParser(enc, None)
        for t in start + enc.encode("assistant") + body:
            p.process(t)
        p.process_eos()

    out["header_eos"] = _error(header_eos)

    def header_message():
        p = api.StreamableParser(enc, None)
        for t in start + enc.encode("assistant") + body + message:
            p.process(t)

    err = _error(header_message)
    out["header_message"] = {"type": err["type"], **li.text_digest(err["message"])}

    head = enc.encode("<|start|>assistant<|channel|>final<|message|>", allowed_special="all")
    stream = li.body_tokens(enc, li.STREAM_TOKENS)
    p = api.StreamableParser(enc, None)
    for t in head + [li.BAD_ID] + stream + enc.encode("<|end|>", allowed_special="all"):
        p.process(t)
    out["bad_id_text"] = p.messages[0].content[0].text

    deep = {}
    for depth in (1000, 10000):
        msg = li.deep_developer_message(api, depth)
        conv = api.Conversation.from_messages([msg])
        row = {
            "default": {
                "completion": _error(lambda: enc.render_conversation_for_completion(conv, api.Role.ASSISTANT)),
                "render": _error(lambda: enc.render(msg)),
            }
        }
        unlimited = {}

        def run():
            limit = sys.getrecursionlimit()
            sys.setrecursionlimit(1_000_000)
            try:
                unlimited["completion"] = _error(lambda: enc.render_conversation_for_completion(conv, api.Role.ASSISTANT))
                unlimited["render"] = _error(lambda: enc.render(msg))
            finally:
                sys.setrecursionlimit(limit)

        threading.stack_size(1 << 29)
        t = threading.Thread(target=run)
        t.start()
        t.join()
        row["unlimited"] = unlimited
        deep[str(depth)] = row
    out["deep"] = deep

    path = os.path.join(ROOT, "tests", "golden", "limits.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=1, ensure_ascii=False, sort_keys=True)
        fh.write("\n")
    print(f"-> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
