#!/usr/bin/env python3
"""Large and hostile inputs: time and peak memory per backend, at several sizes.

    python benchmarks/limits.py                                   # ours, compiled and pure
    python benchmarks/limits.py --peer-python /path/to/python     # also the official 0.0.8
    python benchmarks/limits.py --quick --only stream_header      # small sizes, one case

Every (case, backend, size) runs in a fresh child process (this file with ``--child``), so
peak RSS (``ru_maxrss`` of that child) is the case's own, and a hang is cut off by
``--timeout`` and reported as such.  The time shown is the operation itself (input
generation and imports excluded); RSS includes the interpreter and the vocabulary.
Writes benchmarks/results/limits.json and prints a Markdown table.  Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
DEFAULT_OUTPUT = os.path.join(HERE, "results", "limits.json")
MB = 1000 * 1000

# --------------------------------------------------------------------------------------
# Cases: (id, what, unit, unit size, sizes for ours, sizes for the official or None)
# --------------------------------------------------------------------------------------

CASES: List[Tuple[str, str, str, int, List[int], Optional[List[int]]]] = [
    ("encode_mixed", "encode mixed text (words, code, numbers, CJK, emoji)", "MB", MB,
     [5 * MB, 25 * MB, 50 * MB], [5 * MB, 25 * MB, 50 * MB]),
    ("piece_letters", "encode one piece: a run of random letters", "MB", MB,
     [MB // 2, 5 * MB // 2, 5 * MB], [10_000, 50_000, 100_000]),
    ("piece_base64", "encode one run of base64 text (no spaces)", "MB", MB,
     [MB // 2, 5 * MB // 2, 5 * MB], [MB // 2, 5 * MB // 2, 5 * MB]),
    ("stream_content", "StreamableParser.process: one long content message", "M tokens", MB,
     [100_000, 500_000, 1_000_000], [100_000, 500_000, 1_000_000]),
    ("stream_header_eos", "StreamableParser.process: a header that never ends, then EOS", "M tokens", MB,
     [100_000, 500_000, 1_000_000], [10_000, 50_000, 100_000]),
    ("stream_header_message", "StreamableParser.process: a header of N tokens, then <|message|>", "M tokens", MB,
     [100_000, 500_000, 1_000_000], [10_000, 50_000, 100_000]),
    ("stream_bad_id", "StreamableParser.process: an id outside the vocabulary, then content", "M tokens", MB,
     [100_000, 500_000, 1_000_000], [100_000, 500_000, 1_000_000]),
    ("deep_schema", "render a tool whose parameters schema is nested N deep", "levels", 1,
     [1_000, 10_000, 100_000], [1_000, 10_000, 100_000]),
    ("conv_completion", "render_conversation_for_completion of N messages", "k messages", 1000,
     [10_000, 50_000, 100_000], [10_000, 50_000, 100_000]),
    ("conv_training", "render_conversation_for_training of N messages", "k messages", 1000,
     [10_000, 50_000, 100_000], [10_000, 50_000, 100_000]),
    ("conv_parse", "parse_messages_from_completion_tokens of N rendered messages", "k messages", 1000,
     [10_000, 50_000, 100_000], [10_000, 50_000, 100_000]),
]
CASE_IDS = [c[0] for c in CASES]
# The official package is quadratic on a single long piece (BPE merges) and on long
# headers (each process() call), so it gets smaller sizes there.

# --------------------------------------------------------------------------------------
# Child side: build the input, time the operation
# --------------------------------------------------------------------------------------

_WORDS = (
    "the of and to in is that for it as with was on be by this are from at or an have not "
    "which but all were they their one can has more will about would there been if time "
    "model token parser render message assistant analysis commentary final channel"
).split()
_CODE = ["def", "return", "self", "import", "{", "}", "()", "=>", "==", "+=", "//", "/*", "*/", ";", "\t"]
_CJK = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切"
_EMOJI = "😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗🙂🤗🤩🤔🤨😐😑😶🙄😏😣😥😮🤐😯😪😫🥱😴😌😛😜😝🤤😒😓😔😕🙃🤑😲🙁😖😞😟😤😢😭😦😧😨😩🤯😬😰😱🥵🥶😳🤪😵🥴😠😡🤬😷🤒🤕🤢🤮🤧😇🥳🥺🤠🤡🤥🤫🤭🧐🤓😈👿👹👺💀👻👽🤖💩😺😸😹😻😼😽🙀😿😾👍👎👏🙌🤝"


def _pool(rng: random.Random) -> List[str]:
    pool = []
    for _ in range(20000):
        k = rng.random()
        if k < 0.45:
            w = " " + rng.choice(_WORDS)
        elif k < 0.6:
            w = " " + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 12)))
        elif k < 0.68:
            w = " " + rng.choice(_WORDS).capitalize() + rng.choice(".,;:!?")
        elif k < 0.74:
            w = " " + str(rng.randint(0, 10 ** rng.randint(1, 9)))
        elif k < 0.8:
            w = rng.choice(_CODE) + rng.choice(["", " ", "\n", "\n    "])
        elif k < 0.9:
            w = "".join(rng.choice(_CJK) for _ in range(rng.randint(1, 6)))
        elif k < 0.94:
            w = " " + "".join(rng.choice(_EMOJI) for _ in range(rng.randint(1, 3)))
        else:
            w = rng.choice(["\n", "\n\n", "  ", "...", " - ", " (", ") ", '"', "'s"])
        pool.append(w)
    return pool


def mixed_text(n_chars: int, seed: int = 1) -> str:
    """Deterministic mixed text of about ``n_chars`` characters (no special-token text)."""
    rng = random.Random(seed)
    pool = _pool(rng)
    avg = sum(len(w) for w in pool) / len(pool)
    words = rng.choices(pool, k=int(n_chars / avg) + 1)
    return "".join(words)[:n_chars]


def _token_hash(tokens: List[int]) -> str:
    h = hashlib.sha256(",".join(map(str, tokens)).encode()).hexdigest()[:12]
    return f"{len(tokens)} tokens #{h}"


def _err(exc: BaseException) -> str:
    msg = str(exc).replace("\n", " ")
    if len(msg) > 90:
        msg = msg[:90] + "..."
    return f"{type(exc).__name__}: {msg}"


def _child(case: str, size: int) -> Dict[str, Any]:
    import openai_harmony as oh

    enc = oh.load_harmony_encoding(oh.HarmonyEncodingName.HARMONY_GPT_OSS)
    backend = getattr(oh, "BACKEND", "official")
    op: Callable[[], str]

    if case == "encode_mixed":
        text = mixed_text(size)

        def op() -> str:
            return _token_hash(enc.encode(text))

    elif case in ("piece_letters", "piece_base64"):
        rng = random.Random(7)
        if case == "piece_letters":
            alphabet = "abcdefghijklmnopqrstuvwxyz"
        else:
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        text = "".join(rng.choices(alphabet, k=size))

        def op() -> str:
            return _token_hash(enc.encode(text))

    elif case.startswith("stream_"):
        body = enc.encode(mixed_text(size * 5, seed=3))
        while len(body) < size:
            body = body + body
        body = body[:size]
        start = enc.encode("<|start|>", allowed_special="all")
        if case == "stream_content":
            head = enc.encode("<|start|>assistant<|channel|>final<|message|>", allowed_special="all")
            tokens = head + body + enc.encode("<|return|>", allowed_special="all")
        elif case == "stream_header_eos":
            tokens = start + enc.encode("assistant") + body
        elif case == "stream_header_message":
            tokens = start + enc.encode("assistant") + body + enc.encode("<|message|>", allowed_special="all")
        else:  # stream_bad_id
            head = enc.encode("<|start|>assistant<|channel|>final<|message|>", allowed_special="all")
            tokens = head + [300000] + body + enc.encode("<|end|>", allowed_special="all")

        def op() -> str:
            parser = oh.StreamableParser(enc, None)
            try:
                for t in tokens:
                    parser.process(t)
                parser.process_eos()
            except Exception as exc:  # the hostile cases end in an error: report it
                return _err(exc)
            msgs = parser.messages
            return f"{len(msgs)} message(s), {sum(len(m.content[0].text) for m in msgs)} chars"

    elif case == "deep_schema":
        schema: Dict[str, Any] = {"type": "string"}
        for _ in range(size):
            schema = {"type": "object", "properties": {"a": schema}}
        tool = oh.ToolDescription.new("deep", "A tool with a deep schema", schema)
        dev = oh.DeveloperContent.new().with_function_tools([tool])
        conv = oh.Conversation.from_messages(
            [oh.Message.from_role_and_content(oh.Role.DEVELOPER, dev),
             oh.Message.from_role_and_content(oh.Role.USER, "hi")]
        )

        def op() -> str:
            try:
                return _token_hash(enc.render_conversation_for_completion(conv, oh.Role.ASSISTANT))
            except Exception as exc:
                return _err(exc)

    elif case.startswith("conv_"):
        conv = _conversation(oh, size)
        if case == "conv_completion":
            def op() -> str:
                return _token_hash(enc.render_conversation_for_completion(conv, oh.Role.ASSISTANT))
        elif case == "conv_training":
            def op() -> str:
                return _token_hash(enc.render_conversation_for_training(conv))
        else:
            tokens = enc.render_conversation(conv)

            def op() -> str:
                msgs = enc.parse_messages_from_completion_tokens(tokens, None)
                return f"{len(msgs)} messages"
    else:
        raise SystemExit(f"unknown case {case}")

    t0 = time.perf_counter()
    summary = op()
    seconds = time.perf_counter() - t0
    return {"backend": backend, "seconds": seconds, "summary": summary}


def _conversation(oh: Any, n: int) -> Any:
    rng = random.Random(11)
    texts = [mixed_text(rng.randint(20, 400), seed=i) for i in range(64)]
    msgs = [oh.Message.from_role_and_content(oh.Role.SYSTEM, oh.SystemContent.new())]
    R = oh.Role
    while len(msgs) < n:
        i = len(msgs)
        t = texts[i % len(texts)] + f" #{i}"
        k = i % 5
        if k == 0:
            m = oh.Message.from_role_and_content(R.USER, t)
        elif k == 1:
            m = oh.Message.from_role_and_content(R.ASSISTANT, t).with_channel("analysis")
        elif k == 2:
            m = (oh.Message.from_role_and_content(R.ASSISTANT, '{"q": %d}' % i)
                 .with_channel("commentary").with_recipient("functions.lookup").with_content_type("<|constrain|>json"))
        elif k == 3:
            m = (oh.Message.from_author_and_content(oh.Author.new(R.TOOL, "functions.lookup"), t)
                 .with_channel("commentary").with_recipient("assistant"))
        else:
            m = oh.Message.from_role_and_content(R.ASSISTANT, t).with_channel("final")
        msgs.append(m)
    return oh.Conversation.from_messages(msgs[:n])


# --------------------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------------------


def _run_one(python: str, env: Dict[str, str], cwd: str, case: str, size: int, timeout: float) -> Dict[str, Any]:
    cmd = [python, os.path.abspath(__file__), "--child", case, str(size)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        status = None
        rusage = None
        while True:
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, rusage = st, ru
                break
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                _, status, rusage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                wall = time.perf_counter() - t0
                return {"status": "timeout", "wall": wall, "max_rss_mb": rusage.ru_maxrss / 1024,
                        "summary": f"no answer within {timeout:.0f} s"}
            time.sleep(0.02)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    row: Dict[str, Any] = {"wall": wall, "max_rss_mb": rusage.ru_maxrss / 1024}
    if proc.returncode != 0:
        last = stderr.strip().splitlines()[-1:] or [""]
        row.update(status="crash", summary=f"exit {proc.returncode}: {last[0][:120]}")
        return row
    data = json.loads(stdout.strip().splitlines()[-1])
    row.update(status="ok", seconds=data["seconds"], summary=data["summary"], backend_name=data["backend"])
    return row


def _clean_env(drop: Tuple[str, ...]) -> Dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in drop}


def backends(peer_python: Optional[str]) -> List[Tuple[str, str, Dict[str, str], str]]:
    """(key, python, env, cwd) for each contender."""
    ours = _clean_env(("OPENAI_HARMONY_PURE_PYTHON",))
    ours["PYTHONPATH"] = REPO_ROOT
    pure = dict(ours, OPENAI_HARMONY_PURE_PYTHON="1")
    out = [("compiled", sys.executable, ours, REPO_ROOT), ("pure", sys.executable, pure, REPO_ROOT)]
    if peer_python:
        # The official package has the same import name: keep our checkout off its path.
        peer = _clean_env(("PYTHONPATH", "OPENAI_HARMONY_PURE_PYTHON"))
        peer.setdefault("TIKTOKEN_ENCODINGS_BASE", "/work/shared/vocab")
        out.append(("official", peer_python, peer, tempfile.gettempdir()))
    return out


def _fmt_time(row: Dict[str, Any], size: int, unit_size: int, unit: str) -> str:
    if row["status"] != "ok":
        return row["status"].upper()
    s = row["seconds"]
    per = s / (size / unit_size)
    if unit == "levels":
        return f"{s:.3g} s"
    return f"{s:.3g} s ({per:.3g} s/{unit.replace('k ', 'k ').replace('M ', 'M ')})"


def markdown(results: Dict[str, Any]) -> str:
    keys = results["backends"]
    lines = [
        "| case | size | " + " | ".join(f"{k}: time (per unit), peak RSS" for k in keys) + " | result |",
        "|---|---|" + "---|" * len(keys) + "---|",
    ]
    for case, what, unit, unit_size, _, _ in CASES:
        rows = [r for r in results["rows"] if r["case"] == case]
        if not rows:
            continue
        sizes = sorted({r["size"] for r in rows})
        for size in sizes:
            cells = []
            summaries = []
            for k in keys:
                r = next((x for x in rows if x["size"] == size and x["backend"] == k), None)
                if r is None:
                    cells.append("(skipped)")
                    continue
                cells.append(f"{_fmt_time(r, size, unit_size, unit)}, {r['max_rss_mb']:.0f} MB")
                summaries.append(r["summary"])
            shown = summaries[0] if summaries else ""
            if len(set(summaries)) > 1:
                shown = " / ".join(f"{k}: {r['summary']}" for k in keys
                                   for r in rows if r["size"] == size and r["backend"] == k)
            size_txt = f"{size / unit_size:g} {unit}" if unit != "levels" else f"{size} {unit}"
            lines.append(f"| {case} | {size_txt} | " + " | ".join(cells) + f" | {shown} |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--child", nargs=2, metavar=("CASE", "SIZE"), help=argparse.SUPPRESS)
    p.add_argument("--peer-python", help="interpreter with the official openai-harmony 0.0.8 installed")
    p.add_argument("--only", action="append", choices=CASE_IDS, help="run only these cases (repeatable)")
    p.add_argument("--backend", action="append", choices=["compiled", "pure", "official"],
                   help="run only these backends (repeatable)")
    p.add_argument("--quick", action="store_true", help="only the smallest size of each case")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds per run before it counts as a hang")
    p.add_argument("--output", default=DEFAULT_OUTPUT, help="JSON results file")
    p.add_argument("--merge", action="store_true",
                   help="keep the other rows of --output, replacing only the (case, backend, size) rows re-run")
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child[0], int(args.child[1]))))
        return 0

    contenders = [b for b in backends(args.peer_python) if not args.backend or b[0] in args.backend]
    rows: List[Dict[str, Any]] = []
    for case, what, unit, unit_size, sizes, official_sizes in CASES:
        if args.only and case not in args.only:
            continue
        for key, python, env, cwd in contenders:
            todo = official_sizes if key == "official" else sizes
            if todo is None:
                continue
            for size in (todo[:1] if args.quick else todo):
                row = _run_one(python, env, cwd, case, size, args.timeout)
                row.update(case=case, backend=key, size=size, unit=unit, unit_size=unit_size)
                rows.append(row)
                secs = f"{row['seconds']:.3f} s" if "seconds" in row else row["status"]
                print(f"{case:22} {key:9} {size:>10}  {secs:>10}  {row['max_rss_mb']:7.0f} MB  {row['summary']}",
                      file=sys.stderr, flush=True)
    backend_keys = [c[0] for c in contenders]
    if args.merge and os.path.exists(args.output):
        with open(args.output, encoding="utf-8") as fh:
            old = json.load(fh)
        done = {(r["case"], r["backend"], r["size"]) for r in rows}
        kept = [r for r in old["rows"] if (r["case"], r["backend"], r["size"]) not in done]
        order = {c: i for i, c in enumerate(CASE_IDS)}
        rows = sorted(kept + rows, key=lambda r: (order[r["case"]], r["backend"], r["size"]))
        backend_keys = [k for k in ("compiled", "pure", "official") if k in old["backends"] or k in backend_keys]
    results = {
        "python": platform.python_version(),
        "machine": f"{platform.machine()} ({os.cpu_count()} cpus)",
        "backends": backend_keys,
        "rows": rows,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=1)
        fh.write("\n")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
