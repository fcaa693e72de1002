"""Record the official parser's behaviour on many token streams (parse goldens).

Run with the oracle interpreter (official openai-harmony 0.0.8):

    TIKTOKEN_ENCODINGS_BASE=/work/shared/vocab /work/.oracle/bin/python scripts/gen_parse_goldens.py

Writes tests/golden/parse_streams.jsonl. Deterministic (seeded). Each case holds a token
stream, the starting role and strictness, the result of parse_messages_from_completion_tokens
(messages or error) and a StreamableParser trace: after every token (and after process_eos)
the parser's observable state, stored as a diff against the previous step (see
``compact``; tests/test_parse_golden.py expands it again).
"""

from __future__ import annotations

import base64
import json
import os
import random
import sys
from pathlib import Path

import openai_harmony as h
from openai_harmony import (
    Author,
    Conversation,
    DeveloperContent,
    HarmonyEncodingName,
    Message,
    ReasoningEffort,
    Role,
    StreamableParser,
    SystemContent,
    ToolDescription,
    load_harmony_encoding,
)

ROOT = Path(__file__).resolve().parent.parent
# PARSE_GOLDEN_SEED / PARSE_GOLDEN_OUT: extra fuzz runs elsewhere (the committed goldens use the defaults)
OUT = Path(os.environ.get("PARSE_GOLDEN_OUT", ROOT / "tests" / "golden" / "parse_streams.jsonl"))
sys.path.insert(0, str(ROOT / "tests"))
import goldens  # noqa: E402  (tests/goldens.py: the golden file format)
VOCAB = Path(os.environ.get("TIKTOKEN_ENCODINGS_BASE", "/work/shared/vocab")) / "o200k_base.tiktoken"

enc = load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)
rng = random.Random(int(os.environ.get("PARSE_GOLDEN_SEED", "20240805")))

START, END, MESSAGE, CHANNEL, CONSTRAIN = 200006, 200007, 200008, 200005, 200003
RETURN, CALL, SOT, EOT = 200002, 200012, 199998, 199999
SPECIALS = [SOT, EOT, RETURN, CONSTRAIN, CHANNEL, START, END, MESSAGE, CALL, 200000, 200001, 200004, 200009, 200010, 200011, 200013, 201087, 201088]
INVALID_IDS = [199997 + 0, 201089, 250000, 300000, 2**31, 2**32 - 1]  # 199997 is valid, kept as a control


def load_vocab() -> dict[int, bytes]:
    out = {}
    for line in VOCAB.read_bytes().splitlines():
        if line:
            b64, rank = line.split()
            out[int(rank)] = base64.b64decode(b64)
    return out


VOCAB_BYTES = load_vocab()
BYTE_TOKEN = {b[0]: r for r, b in VOCAB_BYTES.items() if len(b) == 1}
assert len(BYTE_TOKEN) == 256


def _valid(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


PARTIAL_TOKENS = sorted(r for r, b in VOCAB_BYTES.items() if not _valid(b))
# tokens ending with the start of a multibyte sequence / starting with continuation bytes
ENDS_PARTIAL = [r for r in PARTIAL_TOKENS if VOCAB_BYTES[r][-1] >= 0xC0 or (len(VOCAB_BYTES[r]) > 1 and VOCAB_BYTES[r][-2] >= 0xE0)]
STARTS_CONT = [r for r in PARTIAL_TOKENS if 0x80 <= VOCAB_BYTES[r][0] < 0xC0]

# --------------------------------------------------------------------------------------
# text material

WORDS = (
    "the quick brown fox jumps over lazy dog weather Paris Tokyo function call result "
    "analysis commentary final json code python browser search open find think step "
    "Hello Müller naïve café Γειά σου Привет שלום مرحبا नमस्ते こんにちは 안녕하세요 你好 "
    "😊 👋🏾 👨‍👩‍👧‍👦 🇺🇸 e\u0301 \u200b tab\tnew\nline  spaces <|end|> <|start|> "
    "to=functions.x <|channel|> {\"a\": 1} [1,2,3] \\n \\u00e9 ∑∫√ ½ ©®™ \u00a0nbsp \u3000ideo"
).split(" ")


def rand_text(lo: int = 1, hi: int = 30) -> str:
    n = rng.randint(lo, hi)
    parts = []
    for _ in range(n):
        parts.append(rng.choice(WORDS))
    sep = rng.choice([" ", " ", " ", "", "\n", ", "])
    return sep.join(parts)


def rand_json() -> str:
    obj = {rng.choice(["location", "query", "q", "city", "topn", "unit", "ü"]): rng.choice([rand_text(1, 4), rng.randint(-5, 1000), 3.25, None, True, [1, "x"]]) for _ in range(rng.randint(0, 4))}
    return json.dumps(obj, ensure_ascii=rng.random() < 0.5)


TOOL_NAMES = ["functions.get_weather", "functions.lookup", "browser.search", "browser.open", "python", "container.exec", "functions.x_y-z"]
CHANNELS = ["analysis", "commentary", "final"]


def sys_msg() -> Message:
    sc = SystemContent.new()
    r = rng.random()
    if r < 0.3:
        sc = sc.with_reasoning_effort(rng.choice([ReasoningEffort.LOW, ReasoningEffort.MEDIUM, ReasoningEffort.HIGH]))
    if rng.random() < 0.3:
        sc = sc.with_conversation_start_date("2025-06-28")
    if rng.random() < 0.3:
        sc = sc.with_browser_tool()
    return Message.from_role_and_content(Role.SYSTEM, sc)


def dev_msg() -> Message:
    dc = DeveloperContent.new().with_instructions(rand_text(1, 10))
    if rng.random() < 0.6:
        dc = dc.with_function_tools([
            ToolDescription.new("get_weather", "Gets the weather", parameters={"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}),
            ToolDescription.new("lookup", "Looks things up"),
        ])
    return Message.from_role_and_content(Role.DEVELOPER, dc)


def assistant_msg() -> Message:
    kind = rng.random()
    if kind < 0.3:
        return Message.from_role_and_content(Role.ASSISTANT, rand_text()).with_channel("analysis")
    if kind < 0.55:
        tool = rng.choice(TOOL_NAMES)
        m = Message.from_role_and_content(Role.ASSISTANT, rand_json()).with_channel("commentary").with_recipient(tool)
        ct = rng.choice(["<|constrain|>json", "json", "code", None])
        if ct:
            m = m.with_content_type(ct)
        return m
    if kind < 0.65:
        return Message.from_role_and_content(Role.ASSISTANT, rand_text()).with_channel("commentary")
    if kind < 0.9:
        return Message.from_role_and_content(Role.ASSISTANT, rand_text()).with_channel("final")
    return Message.from_role_and_content(Role.ASSISTANT, rand_text())


def tool_msg() -> Message:
    name = rng.choice(TOOL_NAMES)
    m = Message.from_author_and_content(Author.new(Role.TOOL, name), rand_json()).with_recipient("assistant")
    if rng.random() < 0.8:
        m = m.with_channel("commentary")
    return m


def conversation() -> list[Message]:
    msgs: list[Message] = []
    if rng.random() < 0.7:
        msgs.append(sys_msg())
    if rng.random() < 0.5:
        msgs.append(dev_msg())
    msgs.append(Message.from_role_and_content(Role.USER, rand_text()))
    for _ in range(rng.randint(0, 5)):
        r = rng.random()
        if r < 0.5:
            msgs.append(assistant_msg())
        elif r < 0.75:
            msgs.append(tool_msg())
        else:
            msgs.append(Message.from_role_and_content(Role.USER, rand_text()))
    return msgs


def completion() -> list[int]:
    """Tokens as the model would produce after '<|start|>assistant' (parse with role=assistant)."""
    out: list[int] = []
    for i in range(rng.randint(1, 4)):
        m = assistant_msg()
        toks = enc.render(m)
        if i == 0:
            toks = toks[2:]  # drop <|start|> assistant
        out.extend(toks)
    if out and out[-1] == END:
        last = rng.random()
        if last < 0.4:
            out[-1] = RETURN
        elif last < 0.6:
            out[-1] = CALL
    return out


# --------------------------------------------------------------------------------------
# handmade headers

HEADER_PIECES = [
    "assistant", "user", "system", "developer", "tool", "functions.get_weather", "browser.search", "foo",
    " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\x0b", "\x1c", "\x85", "\u2028", "\u200b", "\u180e", "\x1f", "\u205f", "\r\n",
    "<|channel|>analysis", "<|channel|>commentary", "<|channel|>final", "<|channel|>", "<|channel|> x", "<|channel|>a<b",
    " to=functions.get_weather", "to=browser.search", " to=assistant", " to=", " json", " code", "<|constrain|>json",
    " <|constrain|>json", "<|constrain|>", " extra", " a b", "é", "😊",
]


def rand_header(with_role: bool) -> str:
    parts = []
    if with_role:
        parts.append(rng.choice(["assistant", "assistant", "user", "tool", "functions.lookup", "foo", "system", ""]))
    for _ in range(rng.randint(0, 5)):
        parts.append(rng.choice(HEADER_PIECES))
    return "".join(parts)


def handmade_stream() -> tuple[list[int], bool]:
    """Returns tokens and whether the stream starts with a role header (role=None usage)."""
    msgs = []
    starts_none = rng.random() < 0.7
    for i in range(rng.randint(1, 3)):
        hdr = rand_header(True if (i > 0 or starts_none) else rng.random() < 0.3)
        pre = "<|start|>" if (i > 0 or starts_none) else ""
        msg_marker = "<|message|>" if rng.random() < 0.85 else ""
        stop = rng.choice(["<|end|>", "<|call|>", "<|return|>", "<|end|>", ""])
        msgs.append(pre + hdr + msg_marker + rand_text(0, 6) + stop)
    return enc.encode("".join(msgs), allowed_special="all"), starts_none


# --------------------------------------------------------------------------------------
# UTF-8 material

def utf8_content_tokens() -> list[int]:
    out: list[int] = []
    for _ in range(rng.randint(1, 12)):
        r = rng.random()
        if r < 0.25:
            out.extend(enc.encode(rand_text(1, 3), disallowed_special=()))
        elif r < 0.45:
            # a multibyte string spelled with single-byte tokens (valid across boundaries)
            s = rng.choice(["é", "日本", "😊", "👨‍👩‍👧", "Привет", "€", "\U0010ffff", "ü€😊"])
            out.extend(BYTE_TOKEN[b] for b in s.encode("utf-8"))
        elif r < 0.6:
            # a broken multibyte sequence of single-byte tokens
            s = rng.choice(["é", "日", "😊", "€"]).encode("utf-8")
            cut = rng.randint(1, len(s) - 1)
            bs = list(s[:cut]) if rng.random() < 0.5 else list(s[cut:])
            out.extend(BYTE_TOKEN[b] for b in bs)
        elif r < 0.7:
            out.append(BYTE_TOKEN[rng.choice([0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xF8, 0xFF])])
        elif r < 0.8:
            out.append(rng.choice(PARTIAL_TOKENS))
        elif r < 0.87:
            out.append(rng.choice(ENDS_PARTIAL))
        elif r < 0.94:
            out.append(rng.choice(STARTS_CONT))
        else:
            out.extend([9552, 9552] if rng.random() < 0.5 else [132990, 9552])
    return out


def utf8_stream() -> tuple[list[int], bool]:
    with_start = rng.random() < 0.6
    out: list[int] = []
    for i in range(rng.randint(1, 3)):
        if i > 0 or with_start:
            hdr = enc.encode("<|start|>assistant<|channel|>" + rng.choice(CHANNELS) + "<|message|>", allowed_special="all")
        else:
            hdr = enc.encode(rng.choice(["", "<|channel|>final"]) + "<|message|>", allowed_special="all")
        out.extend(hdr)
        out.extend(utf8_content_tokens())
        if rng.random() < 0.8 or i == 0:
            out.append(rng.choice([END, RETURN, CALL]))
    if rng.random() < 0.4 and out and out[-1] in (END, RETURN, CALL):
        out.pop()
    return out, with_start


# --------------------------------------------------------------------------------------
# mutations

def rand_token() -> int:
    r = rng.random()
    if r < 0.35:
        return rng.choice(SPECIALS)
    if r < 0.5:
        return rng.choice(INVALID_IDS)
    if r < 0.65:
        return rng.choice(PARTIAL_TOKENS)
    return rng.randrange(0, 199998)


def mutate(toks: list[int]) -> list[int]:
    toks = list(toks)
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        n = len(toks)
        if op < 0.25 and n:
            toks = toks[: rng.randrange(0, n)]
        elif op < 0.45 and n:
            del toks[rng.randrange(n)]
        elif op < 0.7:
            toks.insert(rng.randint(0, n), rand_token())
        elif op < 0.85 and n > 1:
            i = rng.randrange(n - 1)
            toks[i], toks[i + 1] = toks[i + 1], toks[i]
        elif n:
            toks[rng.randrange(n)] = rand_token()
    return toks


# --------------------------------------------------------------------------------------
# recording

def err(e: BaseException) -> list:
    return [type(e).__name__, str(e)]


def snapshot(p: StreamableParser) -> dict:
    role = p.current_role
    return {
        "state": p.state_data,
        "state_enum": p.state.name,
        "last_content_delta": p.last_content_delta,
        "current_content": p.current_content,
        "current_role": None if role is None else role.value,
        "current_channel": p.current_channel,
        "current_recipient": p.current_recipient,
        "current_content_type": p.current_content_type,
        "n_messages": len(p.messages),
    }


def compact(prev: dict | None, cur: dict) -> dict:
    """Keep only what changed; lists/strings that grew are stored as {"+": suffix}."""
    if prev is None:
        return cur
    out = {}
    for k, v in cur.items():
        pv = prev.get(k)
        if k == "state":
            if pv == v:
                continue
            if pv is not None and pv.get("state") == v.get("state") and v["state"] != "ExpectStart":
                lk = "header_tokens" if v["state"] == "Header" else "content_tokens"
                same_rest = all(pv.get(x) == v.get(x) for x in v if x != lk)
                old, new = pv[lk], v[lk]
                if same_rest and new[: len(old)] == old:
                    out[k] = {"+": new[len(old):]}
                    continue
            out[k] = v
        elif pv != v:
            if isinstance(v, str) and isinstance(pv, str) and v.startswith(pv) and pv:
                out[k] = {"+": v[len(pv):]}
            else:
                out[k] = v
    return out


def run_case(tokens: list[int], role: str | None, strict: bool, source: str) -> dict:
    role_obj = None if role is None else Role(role)
    case: dict = {"source": source, "tokens": tokens, "role": role, "strict": strict}
    try:
        msgs = enc.parse_messages_from_completion_tokens(tokens, role_obj, strict=strict)
        case["parse"] = {"messages": [m.to_dict() for m in msgs]}
    except Exception as e:  # noqa: BLE001
        case["parse"] = {"error": err(e)}
    p = StreamableParser(enc, role_obj, strict=strict)
    steps = []
    prev = None
    for t in tokens:
        try:
            p.process(t)
            e = None
        except Exception as ex:  # noqa: BLE001
            e = err(ex)
        cur = snapshot(p)
        d = compact(prev, cur)
        if e:
            d["error"] = e
        steps.append(d)
        prev = cur
    try:
        p.process_eos()
        e = None
    except Exception as ex:  # noqa: BLE001
        e = err(ex)
    cur = snapshot(p)
    d = compact(prev, cur)
    if e:
        d["error"] = e
    steps.append(d)
    case["steps"] = steps
    case["messages"] = [m.to_dict() for m in p.messages]
    case["final_tokens"] = p.tokens
    return case


def main() -> None:
    cases = []

    def add(tokens, role, strict, source):
        cases.append(run_case(list(tokens), role, strict, source))

    # 1. full rendered conversations, parsed from the start (role None), strict and not
    for i in range(70):
        conv = Conversation.from_messages(conversation())
        toks = enc.render_conversation(conv)
        add(toks, None, rng.random() < 0.6, "conversation")
        add(mutate(toks), None, rng.random() < 0.5, "conversation-mutated")
    # 2. completions as the model produces them (role assistant)
    for i in range(90):
        toks = completion()
        strict = rng.random() < 0.5
        add(toks, "assistant", strict, "completion")
        add(mutate(toks), "assistant", not strict, "completion-mutated")
        if i % 3 == 0:
            # the same completion parsed with the full prefix and no role
            add([START] + enc.encode("assistant") + toks, None, strict, "completion-prefixed")
            # and the role given while the stream still has the header (a misuse)
            add([START] + enc.encode("assistant") + toks, "assistant", strict, "completion-misuse")
    # 3. completion rendered via render_conversation_for_completion and a reply
    for i in range(25):
        conv = Conversation.from_messages(conversation())
        prompt = enc.render_conversation_for_completion(conv, Role.ASSISTANT)
        toks = prompt + completion()
        add(toks, None, rng.random() < 0.5, "prompt+completion")
    # 4. handmade headers
    for i in range(140):
        toks, starts = handmade_stream()
        for strict in (True, False):
            if starts:
                add(toks, None, strict, "handmade")
            else:
                add(toks, rng.choice(["assistant", "assistant", "tool", "user", "system", "developer"]), strict, "handmade-role")
    # 5. UTF-8 across token boundaries
    for i in range(110):
        toks, with_start = utf8_stream()
        role = None if with_start else "assistant"
        add(toks, role, rng.random() < 0.5, "utf8")
        if i % 2 == 0:
            add(mutate(toks), role, rng.random() < 0.5, "utf8-mutated")
    # 6. truncations of one tool-call completion at every position
    base = enc.encode(
        "<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>"
        '{"location": "Tōkyō 😊"}<|call|>', allowed_special="all")
    for k in range(len(base) + 1):
        add(base[:k], None, k % 2 == 0, "truncated")
    # 7. pure noise
    for i in range(40):
        toks = [rand_token() for _ in range(rng.randint(0, 12))]
        add(toks, rng.choice([None, "assistant", "tool"]), rng.random() < 0.5, "noise")
    # 8. undecodable headers (partial UTF-8, invalid ids), with and without the recovery path
    for i in range(30):
        bad = rng.choice([rng.choice(PARTIAL_TOKENS), rng.choice(ENDS_PARTIAL), rng.choice(INVALID_IDS[1:]), BYTE_TOKEN[0xE6]])
        hdr = enc.encode(rng.choice(["<|channel|>analysis", "", " to=functions.x", "<|channel|>final extra"]), allowed_special="all")
        pos = rng.randint(0, len(hdr))
        body = hdr[:pos] + [bad] + hdr[pos:]
        tail = enc.encode(rand_text(0, 3), disallowed_special=())
        stop = rng.choice([END, RETURN, CALL, MESSAGE])
        add(body + tail + [stop], "assistant", i % 2 == 0, "bad-header")
        add([START] + enc.encode("assistant") + body + tail + [stop], None, i % 2 == 1, "bad-header")
    # 9. byte-level fuzz: content spelled with single-byte tokens, mostly non-ASCII bytes
    for i in range(60):
        pool = [0x41, 0x20, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC2, 0xC3, 0xDF, 0xE0, 0xE1, 0xED, 0xEE, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF]
        body = [BYTE_TOKEN[rng.choice(pool)] for _ in range(rng.randint(1, 14))]
        if rng.random() < 0.3:
            body.insert(rng.randint(0, len(body)), rng.choice(PARTIAL_TOKENS))
        if rng.random() < 0.15:
            body.insert(rng.randint(0, len(body)), rng.choice(INVALID_IDS[1:]))
        hdr = enc.encode("<|start|>assistant<|message|>", allowed_special="all")
        tail = rng.choice([[END], [], [RETURN, START], [CALL] + hdr + [BYTE_TOKEN[0xE2]]])
        add(hdr + body + tail, None, i % 2 == 0, "bytes")
    # 10. leftover header words with unusual code points (Rust's {:?} escaping in the error)
    special_cps = [0x0, 0x7, 0x7f, 0x85, 0xa0, 0xad, 0x300, 0x9be, 0xcf3, 0x200b, 0x200d, 0x2028, 0xfeff, 0xfff9, 0xe000, 0x1f600, 0x1f3fb, 0xe0001, 0x10ffff, 0x5c, 0x22, 0x27]
    for i in range(14):
        cps = special_cps if i == 0 else [rng.choice([rng.randrange(0x80, 0x3000), rng.randrange(0x3000, 0x110000)]) for _ in range(150)]
        words = ["a" + chr(c) for c in cps if not 0xD800 <= c < 0xE000 and chr(c) not in " \t\n\x0c\r"]
        text = "<|start|>assistant " + " ".join(words) + " to=x json<|message|>hi<|end|>"
        add(enc.encode(text, allowed_special="all"), None, True, "escapes")
    # 11. empty streams
    for role in (None, "assistant", "user", "system", "developer", "tool"):
        for strict in (True, False):
            add([], role, strict, "empty")

    OUT.parent.mkdir(parents=True, exist_ok=True)
    cases = json.loads(json.dumps(cases, sort_keys=True))  # keys sorted, as they always were
    goldens.write(OUT, {"cases": cases, "oracle_version": getattr(h, "__version__", "0.0.8")})
    data = OUT.read_text(encoding="ascii")
    n_err = sum(1 for c in cases if "error" in c["parse"])
    print(f"{len(cases)} cases ({n_err} with parse errors), {len(data)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
