"""Fresh-data benchmark worker: one contender in its own interpreter, driven by ``fresh.py``.

Usage: ``python fresh_worker.py harmony|tiktoken|fastokens|gigatoken|splintr``.  JSON lines
over a private copy of stdout (as ``worker.py``).  The runner writes each round's new texts
to a JSON file; a request names the file and what to time.  Every timed pass reports CPU
seconds of this process (``time.process_time``: a loaded machine steals wall time, not CPU
time), wall seconds, the amount of work and digests of input and output.  Standard library
only (plus the contender).
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
import traceback
from typing import Any, Callable, Dict, List, Optional, Tuple

from worker import NotApplicable, _describe, _text_digest, _tokens_digest

_KIND = sys.argv[1] if len(sys.argv) > 1 else "harmony"
_VOCAB = os.path.join(os.environ.get("FRESH_VOCAB_DIR", ""), "o200k_base.tiktoken")


class Contender:
    """One library behind encode / encode_batch / render."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.batch: Optional[Callable[[List[str], int], List[List[int]]]] = None
        self.harmony: Any = None
        self.enc: Any = None
        if kind == "harmony":
            import openai_harmony

            self.harmony = openai_harmony
            enc = self.enc = openai_harmony.load_harmony_encoding("HarmonyGptOss")
            self.encode: Callable[[str], List[int]] = lambda t: enc.encode(t, disallowed_special=())
            if hasattr(enc, "encode_batch"):
                self.batch = lambda ts, k: enc.encode_batch(ts, num_threads=k, disallowed_special=())
            backend = getattr(openai_harmony, "BACKEND", None)
            if backend is None:
                from importlib.metadata import version

                self.version = "openai-harmony " + version("openai-harmony")
            else:
                self.version = f"this checkout, {backend}"
            return
        import tiktoken

        tk = tiktoken.get_encoding("o200k_base")
        self.version = "tiktoken " + tiktoken.__version__
        if kind == "tiktoken":
            self.encode = tk.encode_ordinary
            self.batch = lambda ts, k: tk.encode_ordinary_batch(ts, num_threads=k)
        elif kind == "fastokens":
            from importlib.metadata import version

            import fastokens

            ft = fastokens.Tokenizer.from_tiktoken(_VOCAB, pattern=tk._pat_str, special_tokens={})
            self.encode = lambda t: ft.encode(t).ids
            self.version = "fastokens " + version("fastokens")
        elif kind == "gigatoken":
            from importlib.metadata import version

            import gigatoken

            gt = gigatoken.Tokenizer.from_tiktoken(_VOCAB).as_tiktoken()
            self.encode = gt.encode_ordinary
            self.version = "gigatoken " + version("gigatoken")
        elif kind == "splintr":
            from importlib.metadata import version

            import splintr

            st = splintr.Tokenizer(_VOCAB, tk._pat_str, {})
            self.encode = st.encode
            self.version = "splintr-rs " + version("splintr-rs")
        else:
            raise ValueError(f"unknown contender kind {kind!r}")


def _timed(fn: Callable[[], Any]) -> Tuple[float, float, Any]:
    gc.collect()
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - c0, time.perf_counter() - t0, out


_FILES: Dict[str, Any] = {}


def _load(path: str) -> Any:
    if path not in _FILES:
        _FILES.clear()  # one round at a time
        with open(path, encoding="utf-8") as f:
            _FILES[path] = json.load(f)
    return _FILES[path]


def _utf8_mb(texts: List[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def _message_texts(conv: Any) -> List[str]:
    """Every text the renderer has to tokenize (message contents), in order."""
    out = []
    for m in conv.messages:
        for c in m.content:
            t = getattr(c, "text", None)
            if isinstance(t, str):
                out.append(t)
    return out


def run(c: Contender, req: Dict[str, Any]) -> Dict[str, Any]:
    task = req["task"]
    if task == "encode":
        docs = _load(req["file"])[req["set"]]
        enc = c.encode
        cpu, wall, toks = _timed(lambda: [enc(d) for d in docs])
        return {"cpu": cpu, "wall": wall, "mb": _utf8_mb(docs), "tokens": sum(map(len, toks)),
                "digest": _tokens_digest(toks), "input_digest": _text_digest(docs)}
    if task == "batch":
        if c.batch is None:
            raise NotApplicable("no encode_batch")
        docs = _load(req["file"])[req["set"]]
        batch, k = c.batch, req["threads"]
        cpu, wall, toks = _timed(lambda: batch(docs, k))
        return {"cpu": cpu, "wall": wall, "mb": _utf8_mb(docs), "tokens": sum(map(len, toks)),
                "digest": _tokens_digest(toks), "input_digest": _text_digest(docs)}
    if task == "render":
        if c.harmony is None:
            raise NotApplicable("no Harmony rendering")
        import convos

        h, enc = c.harmony, c.enc
        convs = [h.Conversation.from_messages(m) for m in convos.build_conversations(h, req["n"], req["cseed"])]
        texts = [t for cv in convs for t in _message_texts(cv)]
        render = enc.render_conversation_for_training
        cpu, wall, toks = _timed(lambda: [render(cv) for cv in convs])
        # then the raw encode of the same texts (it may profit from what rendering left in
        # caches, never the other way round)
        encode = c.encode
        cpu2, wall2, raw = _timed(lambda: [encode(t) for t in texts])
        return {"cpu": cpu, "wall": wall, "tokens": sum(map(len, toks)), "convs": len(convs),
                "raw_cpu": cpu2, "raw_wall": wall2, "raw_tokens": sum(map(len, raw)), "mb": _utf8_mb(texts),
                "digest": _tokens_digest(toks), "raw_digest": _tokens_digest(raw),
                "input_digest": _text_digest(texts)}
    if task == "patho":
        import corpus

        texts = [corpus.pathological_text(req["kind"], req["size"], req["seed"] * 1000 + i)
                 for i in range(req["count"])]
        enc = c.encode
        cpu, wall, toks = _timed(lambda: [enc(t) for t in texts])
        return {"cpu": cpu, "wall": wall, "mb": _utf8_mb(texts), "tokens": sum(map(len, toks)),
                "digest": _tokens_digest(toks), "input_digest": _text_digest(texts)}
    raise NotApplicable(f"unknown task {task!r}")


def main() -> None:
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def reply(obj: Dict[str, Any]) -> None:
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    try:
        contender = Contender(_KIND)
        reply({"ok": True, "info": {"version": contender.version, "python": sys.version.split()[0],
                                    "executable": sys.executable}})
    except BaseException as exc:  # noqa: BLE001
        traceback.print_exc()
        reply({"ok": False, "error": "could not load: " + _describe(exc)})
        return
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("op") == "quit":
            break
        try:
            result = run(contender, req)
            result["ok"] = True
        except NotApplicable as exc:
            result = {"ok": False, "na": True, "error": str(exc)}
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001
            traceback.print_exc()
            result = {"ok": False, "error": _describe(exc)}
        reply(result)


if __name__ == "__main__":
    main()
