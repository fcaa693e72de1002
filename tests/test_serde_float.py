"""serde_json's number parser (openai_harmony._compat.serde_float) against the official's readings.

The values and literals were recorded from openai-harmony 0.0.8 by
scripts/gen_float_goldens.py (tests/golden/float_cases.jsonl); here only the parser and
the printer are exercised, the whole render path is in test_render_floats.py.
"""

from __future__ import annotations

import math
import os
import re
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_harmony._compat.json_value import format_f64
from openai_harmony._compat.serde_float import (
    SerdeNumberError,
    json_float,
    json_int,
    parse_number,
    scan_number,
    skip_number,
)

_HERE = os.path.dirname(os.path.abspath(__file__))

import goldens

GOLDEN = goldens.load("float_cases")

# The number errors of serde_json's parser; anything else is the surrounding parser's.
_NUMBER_ERROR = re.compile(
    r"^invalid conversation JSON: (invalid number|number out of range|EOF while parsing a value)"
    r" at line 1 column (\d+)$"
)


def _shown(value: object) -> str:
    return str(value) if isinstance(value, int) else format_f64(value)  # type: ignore[arg-type]


def test_golden_size():
    floats = [rec for rec in GOLDEN["values"] if "float" in rec]
    assert len(floats) >= 10_000
    assert len(GOLDEN["literals"]) >= 1_000


def test_recorded_values():
    """Every recorded Python float / int reads as the official printed it (or is refused)."""
    wrong = []
    for rec in GOLDEN["values"]:
        try:
            if "float" in rec:
                value = float(rec["float"])
                if not math.isfinite(value):
                    continue  # json.dumps writes NaN/Infinity: not a number to serde_json
                got = _shown(json_float(value))
            else:
                got = _shown(json_int(int(rec["int"])))
        except SerdeNumberError as exc:
            got = f"error: {exc.msg}"
        want = rec["text"] if "text" in rec else "error: " + _NUMBER_ERROR.match(rec["error"]["message"]).group(1)
        if got != want:
            wrong.append((rec, got))
    assert wrong == []


def test_not_correctly_rounded():
    """The cases from the issue, which correct rounding (Python's float()) gets "wrong"."""
    assert format_f64(json_float(1e-30)) == "9.999999999999999e-31"
    assert format_f64(json_float(0.9252662295887841)) == "0.925266229588784"
    assert format_f64(json_int(472404621652725483798527706922)) == "4.7240462165272545e29"
    assert format_f64(float(472404621652725483798527706922)) == "4.724046216527255e29"
    # Digits past u64 are dropped (scaled), even after a decimal point.
    assert parse_number("18446744073709551616.5") == 1.8446744073709552e19
    assert json_int(2**64) == 1.8446744073709552e19
    assert json_int(-(2**63)) == -(2**63)
    assert json_int(-(2**63) - 1) == -9.223372036854776e18


@pytest.mark.parametrize(
    "text, value",
    [
        ("0", 0),
        ("-0", -0.0),
        ("-0.0", -0.0),
        ("18446744073709551615", 2**64 - 1),
        ("-9223372036854775808", -(2**63)),
        ("0e400", 0.0),
        ("1e-400", 0.0),
        ("-1e-99999999999", -0.0),
        ("0e99999999999", 0.0),
        ("1E5", 100000.0),
    ],
)
def test_parse_number(text, value):
    got = parse_number(text)
    assert type(got) is type(value) and got == value and math.copysign(1, got) == math.copysign(1, value)


@pytest.mark.parametrize(
    "text, msg, col",
    [
        ("1e400", "number out of range", 5),
        # The exponent overflows i32 at its tenth digit; serde reports it there.
        ("1e99999999999", "number out of range", 12),
        ("01", "invalid number", 2),
        ("1.", "EOF while parsing a value", 2),
        ("1.x", "invalid number", 3),
        ("1e", "EOF while parsing a value", 2),
        ("1ex", "invalid number", 3),
        ("-", "EOF while parsing a value", 1),
        ("-x", "invalid number", 2),
    ],
)
def test_parse_number_errors(text, msg, col):
    with pytest.raises(SerdeNumberError) as info:
        parse_number(text)
    assert (info.value.msg, info.value.pos) == (msg, col)


def _check_literal(place, scan):
    """Compare ``scan(text, offset)`` -> (shown value or None, end index) with the
    official's result for every literal at ``place``."""
    template = GOLDEN["places"][place]
    offset = template.index("%s")
    checked = 0
    wrong = []
    for rec in GOLDEN["literals"]:
        lit, result = rec["literal"], rec[place]
        if not re.match("[-0-9]", lit):
            continue  # ".5", "+1": not a number to serde_json (see test_render_floats.py)
        try:
            got = scan(template % lit, offset)
        except SerdeNumberError as exc:
            got = ("error", exc.msg, exc.pos)
        if "message" in result:
            m = _NUMBER_ERROR.match(result["message"])
            if m is None:
                # Refused after the number (e.g. "1e5.5"): the number itself ends early.
                if got[0] == "error" or got[1] >= offset + len(lit):
                    wrong.append((lit, got, result))
                continue
            want = ("error", m.group(1), int(m.group(2)))
        else:
            want = (result["text"] if place == "default" else None, offset + len(lit))
        checked += 1
        if got != want:
            wrong.append((lit, got, want))
    assert wrong == []
    return checked


def test_literals_parsed():
    """Hand-written number texts where serde_json parses them (a tool default)."""

    def scan(text, i):
        value, end = scan_number(text, i)
        return (_shown(value), end)

    assert _check_literal("default", scan) > 1000


def test_literals_skipped():
    """In a field serde_json ignores, the number is only scanned: never out of range."""
    assert _check_literal("ignored", lambda text, i: (None, skip_number(text, i))) > 1000
    assert skip_number("1e99999999999,", 0) == 13


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def _outcome(fn, arg):
    try:
        return _bits(fn(arg))
    except SerdeNumberError as exc:
        return (exc.msg, exc.pos)


@settings(max_examples=1000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(0, 2**64 - 1).map(lambda b: struct.unpack("<d", struct.pack("<Q", b))[0]).filter(math.isfinite))
def test_json_float_is_scan_of_repr(value):
    """json_float's shortcut over the repr's fixed grammar equals the general scanner."""
    assert _outcome(json_float, value) == _outcome(lambda v: parse_number(float.__repr__(v)), value)
