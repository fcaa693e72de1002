"""StreamableParser with an instance ``__dict__`` against the same class with ``__slots__ = ()``.

    python benchmarks/parser_instance_dict.py [--rounds 7]

The public parser has a ``__dict__`` (so tests can patch ``process`` on an instance); this
measures what that costs on the hot calls, side by side in one process: ``process`` token by
token and ``feed`` in one call, over the completion tokens of the benchmark's agent
conversations. A fresh parser every round; the parsed messages are checked equal.
Standard library only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any, Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import convos  # noqa: E402
import openai_harmony as h  # noqa: E402
from openai_harmony import _backend  # noqa: E402


# The public parser as it was: the same class body over the same core, with __slots__ = ().
SlottedParser: Any = type(
    "SlottedParser",
    (_backend.ParserCore,),
    {**{k: v for k, v in vars(h.StreamableParser).items() if k not in ("__dict__", "__weakref__")},
     "__slots__": ()},
)


def token_streams(enc: Any) -> List[List[int]]:
    """Renders of the agent conversations, parsed back whole."""
    return [enc.render_conversation(h.Conversation.from_messages(msgs))
            for msgs in convos.build_conversations(h, 150, seed=7)]


def run(cls: type, enc: Any, streams: List[List[int]], mode: str) -> List[Any]:
    out = []
    for toks in streams:
        p = cls(enc, None)
        if mode == "process":
            process = p.process
            for t in toks:
                process(t)
        else:
            p.feed(toks)
        out.append(p.messages)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    enc = h.load_harmony_encoding(h.HarmonyEncodingName.HARMONY_GPT_OSS)
    streams = token_streams(enc)
    n = sum(map(len, streams))
    assert not hasattr(SlottedParser(enc, None), "__dict__") and hasattr(h.StreamableParser(enc, None), "__dict__")
    print(f"backend {h.BACKEND}; {len(streams)} streams, {n} tokens; median of {args.rounds} rounds")
    for mode in ("process", "feed"):
        times: Dict[str, List[float]] = {"slots": [], "dict": []}
        contenders = [("slots", SlottedParser), ("dict", h.StreamableParser)]
        outputs: Dict[str, Any] = {}
        for r in range(args.rounds):
            # Alternate who goes first: on a loaded machine the order matters.
            for name, cls in contenders if r % 2 == 0 else contenders[::-1]:
                t0 = time.perf_counter()
                outputs[name] = run(cls, enc, streams, mode)
                times[name].append(time.perf_counter() - t0)
            assert outputs["slots"] == outputs["dict"], "outputs differ"
        s, d = statistics.median(times["slots"]), statistics.median(times["dict"])
        s_min, d_min = min(times["slots"]), min(times["dict"])
        print(f"{mode:8s} median: slots {s * 1e3:7.1f} ms  dict {d * 1e3:7.1f} ms  dict/slots {d / s:5.3f}"
              f"   min: dict/slots {d_min / s_min:5.3f}")


if __name__ == "__main__":
    main()
