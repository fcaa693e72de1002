"""Benchmark worker: one contender in its own interpreter, driven by ``run.py`` over pipes.

Usage: ``python worker.py harmony|tiktoken``.  Requests and replies are JSON lines; the
protocol uses a private copy of the original stdout so stray output from a library (Python or
native) cannot corrupt it.  Each ``run`` request executes one workload once and reports the
elapsed time, the amount of work done, a digest of the input and a digest of the output (so
the runner can check that every contender computed the same thing).  Only the standard
library is used here, so the worker runs in any interpreter.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sys
import time
import traceback
from array import array
from typing import Any, Callable, Dict, List, Tuple

import corpus

_KIND = sys.argv[1] if len(sys.argv) > 1 else "harmony"
_CONVO_SEED = 20250805


class NotApplicable(Exception):
    """The workload does not exist for this contender (e.g. rendering with tiktoken)."""


def _tokens_digest(seqs: List[List[int]]) -> str:
    h = hashlib.sha256()
    for seq in seqs:
        h.update(array("I", seq).tobytes())
        h.update(b"\xff\xff\xff\xff")  # separator: not a valid token id
    return h.hexdigest()[:16]


def _text_digest(parts: List[str]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x00\xff")
    return h.hexdigest()[:16]


class Contender:
    """Wraps one library behind the few operations the workloads need."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._cache: Dict[Any, Any] = {}
        if kind == "tiktoken":
            import tiktoken

            self.lib = tiktoken
            self.enc = tiktoken.get_encoding("o200k_harmony")
            self.encode = self.enc.encode_ordinary
        else:
            import openai_harmony

            self.lib = openai_harmony
            self.enc = openai_harmony.load_harmony_encoding("HarmonyGptOss")
            enc_encode = self.enc.encode

            def encode(text: str) -> List[int]:
                return enc_encode(text, disallowed_special=())

            self.encode = encode
        self.decode = self.enc.decode

    def info(self) -> Dict[str, Any]:
        """Versions and paths, so the report says exactly what was measured."""
        info: Dict[str, Any] = {
            "kind": self.kind,
            "python": sys.version.split()[0],
            "implementation": sys.implementation.name,
            "executable": sys.executable,
            "module_file": getattr(self.lib, "__file__", None),
        }
        try:
            from importlib import metadata

            dist = "tiktoken" if self.kind == "tiktoken" else "openai-harmony"
            info["dist_version"] = metadata.version(dist)
        except Exception:  # noqa: BLE001 - a source checkout has no metadata
            info["dist_version"] = None
        info["version"] = getattr(self.lib, "__version__", None) or info["dist_version"]
        info["backend"] = getattr(self.lib, "BACKEND", None)
        if self.kind == "tiktoken":
            info["versions"] = {"tiktoken": info["version"]}
        return info

    # -- inputs (built outside the timed region, cached per worker) ---------------------
    def docs(self, n_bytes: int, seed: int) -> List[str]:
        key = ("docs", n_bytes, seed)
        if key not in self._cache:
            self._cache[key] = corpus.documents(n_bytes, seed)
        return self._cache[key]

    def doc_tokens(self, n_bytes: int, seed: int) -> List[List[int]]:
        key = ("doc_tokens", n_bytes, seed)
        if key not in self._cache:
            self._cache[key] = [self.encode(d) for d in self.docs(n_bytes, seed)]
        return self._cache[key]

    def conversations(self, n: int, seed: int = _CONVO_SEED) -> Dict[str, Any]:
        if self.kind != "harmony":
            raise NotApplicable("tiktoken has no Harmony rendering or parsing")
        key = ("convos", n, seed)
        if key not in self._cache:
            import convos

            h = self.lib
            built = convos.build_conversations(h, n, seed)
            no_drop = h.RenderConversationConfig(auto_drop_analysis=False)
            # Completion: everything up to the last user/tool message; training: the whole thing.
            # Parse/stream input: the rendered non-system part of each conversation.
            # Agent loop: the model is called again after every user message and tool result,
            # each time on the whole conversation so far.
            loop = [h.Conversation.from_messages(m[:k + 1]) for m in built for k in range(2, len(m))
                    if m[k].author.role in (h.Role.USER, h.Role.TOOL)]
            data = {
                "completion": [h.Conversation.from_messages(m[:-2]) for m in built],
                "training": [h.Conversation.from_messages(m) for m in built],
                "loop": loop,
                "parse_tokens": [self.enc.render_conversation(h.Conversation.from_messages(m[2:]), no_drop)
                                 for m in built],
            }
            data["input_digest"] = _text_digest([c.to_json() for c in data["training"]])
            self._cache[key] = data
        return self._cache[key]


def _timed(fn: Callable[[], Any]) -> Tuple[float, Any]:
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def run_workload(c: Contender, name: str, p: Dict[str, Any]) -> Dict[str, Any]:
    """Run workload *name* once with parameters *p*; return seconds, units, digests."""
    if name == "encode":
        docs = c.docs(p["bytes"], p["seed"])
        encode = c.encode
        secs, toks = _timed(lambda: [encode(d) for d in docs])
        c._cache[("doc_tokens", p["bytes"], p["seed"])] = toks
        return {"seconds": secs, "units": sum(len(d.encode("utf-8")) for d in docs) / 1e6,
                "digest": _tokens_digest(toks), "input_digest": _text_digest(docs),
                "extra": {"tokens": sum(map(len, toks)), "documents": len(docs)}}
    if name == "decode":
        docs = c.docs(p["bytes"], p["seed"])
        toks = c.doc_tokens(p["bytes"], p["seed"])
        decode = c.decode
        secs, texts = _timed(lambda: [decode(t) for t in toks])
        out = {"seconds": secs, "units": sum(len(t.encode("utf-8")) for t in texts) / 1e6,
               "digest": _text_digest(texts), "input_digest": _tokens_digest(toks),
               "extra": {"tokens": sum(map(len, toks))}}
        if texts != docs:
            out["warning"] = "decode(encode(text)) != text"
        return out
    if name in ("render_completion", "render_training", "render_loop"):
        data = c.conversations(p["n"], p.get("cseed", _CONVO_SEED))
        enc, role = c.enc, c.lib.Role.ASSISTANT
        if name != "render_training":
            convs = data["completion" if name == "render_completion" else "loop"]
            secs, toks = _timed(lambda: [enc.render_conversation_for_completion(cv, role) for cv in convs])
        else:
            convs = data["training"]
            secs, toks = _timed(lambda: [enc.render_conversation_for_training(cv) for cv in convs])
        return {"seconds": secs, "units": len(convs), "digest": _tokens_digest(toks),
                "input_digest": data["input_digest"], "extra": {"tokens": sum(map(len, toks))}}
    if name == "render_training_batch":
        # What a training pipeline needs: tokens plus loss masks for a batch of conversations.
        # The official package has neither masks nor batches: its closest equivalent is a
        # loop of render_conversation_for_training (the digest covers the tokens only).
        data = c.conversations(p["n"], p.get("cseed", _CONVO_SEED))
        enc, convs = c.enc, data["training"]
        batch = getattr(enc, "render_conversations_for_training_with_mask", None)
        if batch is not None:
            secs, pairs = _timed(lambda: batch(convs))
            toks = [t for t, _ in pairs]
        else:
            secs, toks = _timed(lambda: [enc.render_conversation_for_training(cv) for cv in convs])
        return {"seconds": secs, "units": len(convs), "digest": _tokens_digest(toks),
                "input_digest": data["input_digest"], "extra": {"tokens": sum(map(len, toks))}}
    if name == "parse":
        data = c.conversations(p["n"], p.get("cseed", _CONVO_SEED))
        seqs = data["parse_tokens"]
        parse = c.enc.parse_messages_from_completion_tokens
        secs, parsed = _timed(lambda: [parse(s) for s in seqs])
        dump = [json.dumps([m.to_dict() for m in msgs], sort_keys=True) for msgs in parsed]
        return {"seconds": secs, "units": len(seqs), "digest": _text_digest(dump),
                "input_digest": _tokens_digest(seqs), "extra": {"tokens": sum(map(len, seqs))}}
    if name == "stream":
        data = c.conversations(p["n"], p.get("cseed", _CONVO_SEED))
        seqs = data["parse_tokens"]
        Parser, enc = c.lib.StreamableParser, c.enc

        def stream() -> List[str]:
            deltas: List[str] = []
            add = deltas.append
            for seq in seqs:
                parser = Parser(enc, None)
                for tok in seq:
                    parser.process(tok)
                    delta = parser.last_content_delta
                    if delta:
                        add(delta)
                parser.process_eos()
            return deltas

        secs, deltas = _timed(stream)
        return {"seconds": secs, "units": sum(map(len, seqs)), "digest": _text_digest(deltas),
                "input_digest": _tokens_digest(seqs)}
    if name == "encode_single":
        # Several distinct texts of the same size, each encoded in one call (one text when
        # size >= total), so small sizes are measured over enough work to be stable.
        size, total, kind, seed = p["size"], p["total"], p["kind"], p["seed"]
        count = max(1, total // size)
        if kind == "mixed":
            texts = [corpus.mixed_text(size, seed * 1000 + i) for i in range(count)]
        else:
            texts = [corpus.pathological_text(kind, size, seed * 1000 + i) for i in range(count)]
        encode = c.encode
        secs, toks = _timed(lambda: [encode(t) for t in texts])
        return {"seconds": secs, "units": sum(len(t.encode("utf-8")) for t in texts) / 1e6,
                "digest": _tokens_digest(toks), "input_digest": _text_digest(texts),
                "extra": {"calls": count, "tokens": sum(map(len, toks))}}
    raise NotApplicable(f"unknown workload {name!r}")


def warm_up(c: Contender, name: str, p: Dict[str, Any], done: set) -> None:
    """First use of a workload in this process: run it once on a small, different input.

    That takes one-time costs (lazy regex/DFA construction, imports, first allocations) out
    of the measurement without showing the timed run its own input in advance.
    """
    if name in done:
        return
    done.add(name)
    small = dict(p)
    if name in ("encode", "decode"):
        small.update(bytes=64 * 1000, seed=10_000 + p["seed"])
    elif name == "encode_single":
        size = min(p["size"], 10 * 1000)
        small.update(size=size, total=size, seed=10_000 + p["seed"])
    else:
        small.update(n=3, cseed=_CONVO_SEED + 1)
    run_workload(c, name, small)


def _describe(exc: BaseException) -> str:
    msg = f"{type(exc).__name__}: {exc}"
    return msg if len(msg) <= 300 else msg[:297] + "..."


def main() -> None:
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # anything else written to stdout (even from native code) goes to stderr
    sys.stdout = sys.stderr

    def reply(obj: Dict[str, Any]) -> None:
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    try:
        t0 = time.perf_counter()
        contender = Contender(_KIND)
        info = contender.info()
        info["startup_seconds"] = time.perf_counter() - t0
        reply({"ok": True, "info": info})
    except BaseException as exc:  # noqa: BLE001 - report, then exit
        traceback.print_exc()
        reply({"ok": False, "error": "could not load: " + _describe(exc)})
        return

    warmed: set = set()
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("op") == "quit":
            break
        try:
            params = req.get("params", {})
            warm_up(contender, req["workload"], params, warmed)
            result = run_workload(contender, req["workload"], params)
            result["ok"] = True
        except NotApplicable as exc:
            result = {"ok": False, "na": True, "error": str(exc)}
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - e.g. pyo3 PanicException is a BaseException
            traceback.print_exc()
            result = {"ok": False, "error": _describe(exc)}
        reply(result)


if __name__ == "__main__":
    main()
