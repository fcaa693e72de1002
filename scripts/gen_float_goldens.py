#!/usr/bin/env python3
"""Record how the official renderer reads floats and big integers in tool schemas.

Run with the oracle (official openai-harmony 0.0.8):
    TIKTOKEN_ENCODINGS_BASE=/work/shared/vocab /work/venvs/oracle/bin/python scripts/gen_float_goldens.py

The official wrapper sends tool parameters through ``json.dumps`` to serde_json, whose
default float parser is not correctly rounded; the renderer then prints the parsed f64
(``// default: ...``). Writes tests/golden/float_cases.jsonl with:

- ``values``: seeded Python floats and ints (random 15-17 digit floats, random bit
  patterns over the whole f64 range, subnormals, the floats next to the largest finite
  one, powers of ten and two, integral floats, signed zeros, integers around and far
  beyond 2**63, 2**64 and 2**128, up to and past 10**308), each with the text the
  official prints for it as a schema default, or its error when it refuses it;
- ``batches``: those values (errors left out) as properties of one tool schema per batch,
  each with the official's tokens for the whole rendered conversation;
- ``fields``: some of those values assigned to message fields that must be strings
  (channel, author name, model identity): the official's error quotes the f64 it read;
- ``texts``: hand-written conversation JSON around numbers (skipped fields, structure
  errors next to them);
- ``literals``: raw JSON number texts (long digit strings, exponents past +-308 and past
  i32, malformed numbers) fed to the bindings through a conversation object whose
  ``to_json`` returns hand-written JSON, placed where serde_json parses a tool default,
  where it must read a string (so its error quotes the float), and in a field it skips.
"""

from __future__ import annotations

import math
import os
import random
import re
import struct
import sys
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "golden", "float_cases.jsonl")
SEED = 20261130
BATCH = 250

# Where a literal goes: a tool default (parsed into a serde_json Value), a message's
# channel (parsed, then refused with an error that quotes the number), and an unknown
# top-level key (skipped by serde_json's ignore_value). "%s" is the literal.
PLACES = {
    "default": (
        '{"messages":[{"role":"developer","content":[{"type":"developer_content","tools":'
        '{"functions":{"name":"functions","tools":[{"name":"t","description":"d","parameters":'
        '{"type":"object","properties":{"x":{"type":"number","default":%s}}}}]}}}]}]}'
    ),
    "channel": '{"messages":[{"role":"user","content":"hi","channel":%s}]}',
    "ignored": '{"messages":[{"role":"user","content":"hi"}],"x":%s}',
}


def _f(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def float_values(r: random.Random) -> list:
    out: list = []
    # Random decimal floats of 15, 16 and 17 significant digits, exponents across the range.
    for digits, count in ((17, 3000), (16, 1500), (15, 800)):
        for _ in range(count):
            mant = r.randrange(10 ** (digits - 1), 10**digits)
            exp = r.choice([r.randint(-30, 30), r.randint(-330, 310)])
            out.append(float(f"{mant}e{exp}"))
    # Random bit patterns: every exponent, normal and subnormal.
    for _ in range(2500):
        f = _f(r.getrandbits(64))
        if math.isfinite(f):
            out.append(f)
    for _ in range(400):  # subnormals
        out.append(_f(r.getrandbits(52) | (r.getrandbits(1) << 63)))
    # Next to the largest finite float (serde_json may overflow them to an error).
    top = struct.unpack("<Q", struct.pack("<d", sys.float_info.max))[0]
    out.extend(_f(top - k) for k in range(300))
    out.extend(_f(top - r.randrange(1 << 40)) for _ in range(200))
    # Next to the smallest normal, and tiny multiples of the smallest subnormal.
    low = struct.unpack("<Q", struct.pack("<d", sys.float_info.min))[0]
    out.extend(_f(low + k) for k in range(-50, 50))
    out.extend(k * 5e-324 for k in range(1, 60))
    # Powers of ten and two, integral floats, signed zeros, halves.
    out.extend(float(f"1e{k}") for k in range(-330, 309))
    out.extend(math.ldexp(1.0, k) for k in range(-1074, 1024, 7))
    out.extend(float(r.randrange(1, 1 << r.randint(1, 80))) for _ in range(400))
    out.extend([0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.30000000000000004, 1e22, 1e23, 9007199254740993.0])
    out.extend(r.random() for _ in range(300))
    # Half of the random ones negative.
    return [-v if r.random() < 0.3 else v for v in out]


def int_values(r: random.Random) -> list:
    out: list = []
    for base in (1 << 63, 1 << 64, 1 << 128, 10**19, 10**20, 10**308, 2**1023, 2**1024):
        for d in range(-3, 4):
            out.extend([base + d, -(base + d)])
    for _ in range(700):
        out.append(r.randrange(10 ** r.randint(18, 45)))
    for _ in range(200):
        out.append(r.randrange(10 ** r.randint(45, 320)))
    out.extend([10**k for k in range(17, 320, 3)])
    out.extend([r.randrange(1 << 64, 1 << 65) for _ in range(100)])
    return [-v if r.random() < 0.3 else v for v in out]


def literals(r: random.Random) -> list:
    out = [
        "1e400", "-1e400", "0e400", "0e-400", "1e-400", "1e99999999999", "1e-99999999999",
        "0e99999999999", "1e2147483647", "1e2147483648", "1e-2147483648", "1e-2147483649",
        "18446744073709551615", "18446744073709551616", "18446744073709551616.5",
        "18446744073709551615.5", "184467440737095516150", "1844674407370955161.6",
        "1844674407370955161.5", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "-18446744073709551615", "-18446744073709551616", "-0", "0",
        "-0.0", "0.000", "1E5", "1e+5", "1E-5", "1.0e0", "123456789012345678901234567890e-30",
        "0.123456789012345678901234567890", "1" * 400, "9" * 400 + "e-400", "1" + "0" * 308,
        "1" + "0" * 309, "0." + "0" * 400 + "1", "1.7976931348623157e308",
        "1.7976931348623158e308", "1.7976931348623159e308", "17976931348623157e292",
        "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
        # Malformed: serde_json's error and its column.
        "-", "-x", "01", "-01", "00", "1.", "1.e5", "1e", "1e+", "1e-", ".5", "+1", "1.5e",
        "-.5", "1ee5", "1e5.5", "0x10",
    ]
    for _ in range(1200):
        kind = r.randrange(4)
        digits = "".join(r.choice("0123456789") for _ in range(r.randint(1, 45)))
        digits = digits.lstrip("0") or "0"
        if kind == 0:
            lit = digits
        elif kind == 1:
            cut = r.randint(1, len(digits))
            frac = "".join(r.choice("0123456789") for _ in range(r.randint(1, 30)))
            lit = f"{digits[:cut]}.{frac}"
        else:
            lit = digits if r.random() < 0.5 else f"{digits[:1]}.{digits[1:] or '0'}"
            lit += r.choice("eE") + r.choice(["", "+", "-"]) + str(r.randint(0, 420))
        out.append(("-" if r.random() < 0.3 else "") + lit)
    return out


def spec(v) -> dict:
    return {"float": float.__repr__(v)} if isinstance(v, float) else {"int": str(v)}


def conversation(values: list):
    from openai_harmony import Conversation, DeveloperContent, Message, Role, ToolDescription

    props = {f"p{i}": {"type": "number", "default": v} for i, v in enumerate(values)}
    tool = ToolDescription.new("t", "d", parameters={"type": "object", "properties": props})
    dev = DeveloperContent.new().with_function_tools([tool])
    return Conversation.from_messages([Message.from_role_and_content(Role.DEVELOPER, dev)])


_DEFAULT = re.compile(r"^p(\d+)\?: number, // default: (.*)$", re.MULTILINE)


FIELDS = ("channel", "name", "model_identity")


def field_message(field: str, value):
    """A message with ``value`` assigned (unvalidated) to a string field."""
    from openai_harmony import Message, Role, SystemContent

    if field == "model_identity":
        content = SystemContent.new()
        content.model_identity = value
        return Message.from_role_and_content(Role.SYSTEM, content)
    msg = Message.from_role_and_content(Role.USER, "hi")
    if field == "name":
        msg.author.name = value
    else:
        msg.channel = value
    return msg


def outcome(fn) -> dict:
    """Tokens, or the exception's type and message."""
    try:
        return {"tokens": fn()}
    except Exception as exc:  # recorded, compared exactly
        return {"type": type(exc).__name__, "message": str(exc)}


# Whole conversation texts around numbers: what serde_json skips (an unknown top-level key:
# no range check, lone surrogates and any depth allowed) and the errors of the structure
# around them.
TEXTS = [
    '{"messages":[],"x":[1e400,{"a":-1e999,"b":"\\ud800"}]}',
    '{"messages":[],"x":' + "[" * 3000 + "]" * 3000 + "}",
    '{"x":{"a":[1,{"b":[]}],"c":true,"d":null,"e":false},"messages":[]}',
    '{"messages":[],"x":[1,',
    '{"messages":[],"x":{"a":1,}}',
    '{"messages":[],"x":[1,]}',
    '{"messages":[],"x":{',
    '{"messages":[],"x":[',
    '{"messages":[],"x":{"a"',
    '{"messages":[],"x":{"a":',
    '{"messages":[],"x":{"a"1}}',
    '{"messages":[],"x":[1 2]}',
    '{"messages":[],"x":[1]',
    '{"messages":[],"x":{1:2}}',
    '{"messages":[],"x":tru}',
    '{"messages":[],"x":nul',
    '{"messages":[],"x":fals}',
    '{"messages":[],"x":t',
    '{"messages":[],"x":}',
    '{"messages":[],"x":',
    '{"messages":[{"role":"user","content":"hi","channel":nulx}]}',
    '{"messages":[{"role":"user","content":"hi","channel":tx}]}',
    '{"messages":[{"role":"user","content":"hi","x":1e400}]}',
    '{"messages":[{"role":"user","content":"hi"}',
    '{"messages":[{"role":"user","content":"hi"}]',
    '{"messages":[{"role":"user","content":"hi"} {}]}',
    # Error positions are serde_json's: line, and UTF-8 bytes within the line.
    '{"messages":[{"role":"user","content":"é😀","channel":1e-30}]}',
    '{"messages":[{"role":"user","content":"é","channel":1e400}]}',
    '{"messages":[{"role":"user","content":"a\\nb","channel":2.5}]}',
    '{\n  "messages": [\n    {"role": "user", "content": "hi", "channel": 1e-30}\n  ]\n}',
    '{\n  "messages": [\n    {"role": "user",\n "content": "é\u00e9", "x": 1e400}\n  ]\n}',
    '{\r\n"messages":[],\r\n"x":[1,\r\n2 3]}',
    '\n\n{"messages":[{"role":"user","content":"hi","channel":12345678901234567890123}]}\n',
]


class Raw:
    """A conversation stand-in whose to_json is hand-written JSON text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def to_json(self) -> str:
        return self.text


def main() -> None:
    from openai_harmony import HarmonyEncodingName, load_harmony_encoding

    enc = load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)
    r = random.Random(SEED)
    values = float_values(r) + int_values(r)
    r.shuffle(values)

    def render(vals: list):
        try:
            return enc.render_conversation(conversation(vals)), None
        except Exception as exc:  # recorded, compared exactly
            return None, {"type": type(exc).__name__, "message": str(exc)}

    records: list = []
    ok: list = []
    for v in values:
        toks, err = render([v])
        rec = spec(v)
        if err is not None:
            rec["error"] = err
        else:
            found = _DEFAULT.findall(enc.decode_utf8(toks))
            assert len(found) == 1, found
            rec["text"] = found[0][1]
            ok.append(v)
        records.append(rec)

    batches = []
    for start in range(0, len(ok), BATCH):
        chunk = ok[start : start + BATCH]
        toks, err = render(chunk)
        assert err is None, err
        batches.append({"values": [spec(v) for v in chunk], "tokens": toks})

    lit_records = []
    for lit in literals(r):
        rec: dict = {"literal": lit}
        for place, template in PLACES.items():
            try:
                toks = enc.render_conversation(Raw(template % lit))
                text = enc.decode_utf8(toks)
                m = re.search(r"// default: (.*)\n", text)
                rec[place] = {"text": m.group(1) if m else text}
            except Exception as exc:
                rec[place] = {"type": type(exc).__name__, "message": str(exc)}
        lit_records.append(rec)

    # Numbers in message fields that must be strings: the error quotes serde_json's f64.
    warnings.simplefilter("ignore")  # pydantic's serializer warnings about the non-str field
    fr = random.Random(SEED + 1)
    field_records = []
    for v in fr.sample(values, 300):
        rec = spec(v)
        for field in FIELDS:
            rec[field] = outcome(lambda field=field: enc.render(field_message(field, v)))
        field_records.append(rec)

    text_records = [{"text": t, **outcome(lambda t=t: enc.render_conversation(Raw(t)))} for t in TEXTS]

    golden = {
        "about": "official openai-harmony 0.0.8: float/int tool defaults (scripts/gen_float_goldens.py)",
        "places": PLACES,
        "values": records,
        "batches": batches,
        "literals": lit_records,
        "fields": field_records,
        "texts": text_records,
    }
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import goldens  # tests/goldens.py: the golden file format (JSON Lines, one record a line)

    goldens.write(OUT, golden)
    n_err = sum("error" in rec for rec in records)
    print(f"{len(records)} values ({n_err} refused), {len(batches)} batches, {len(lit_records)} literals -> {OUT}")


if __name__ == "__main__":
    main()
