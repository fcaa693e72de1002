"""serde_json's number parser, step for step, as the official bindings run it.

The official package hands tool parameters (and, on its irregular-object path, whole
conversations) to serde_json 1.0.140 as ``json.dumps`` text. Built without the
``float_roundtrip`` feature, serde_json does not round numbers correctly: it keeps up to
19-20 leading digits in a u64 (ignoring the rest, or counting them as powers of ten),
converts that to f64 and multiplies or divides by one power of ten (repeatedly by 1e308
past 1e308). Python's ``float()`` rounds correctly, so 16-17 digit floats, exponents
beyond +-22 and integers beyond 64 bits would come out one or more ulps apart from the
official's. This module reproduces that algorithm (``Deserializer::parse_integer`` and
its helpers in serde_json's ``de.rs``), including its errors and their positions.
"""

from __future__ import annotations

from typing import Union

__all__ = ["SerdeNumberError", "json_float", "json_int", "parse_number", "scan_number", "skip_number"]

_U64_MAX = (1 << 64) - 1
_I32_MAX = (1 << 31) - 1
_I32_MIN = -(1 << 31)
_I64_MIN = -(1 << 63)
# serde_json's POW10 table: Rust float literals 1e0..1e308, correctly rounded like ours.
_POW10 = tuple(float(f"1e{i}") for i in range(309))
# Integers below 2**53 and 10**0..10**22 are exact f64s.
_EXACT_SIGNIFICAND = 1 << 53

Number = Union[int, float]


class SerdeNumberError(ValueError):
    """serde_json refused a number: its message and the column it reports (1-based)."""

    def __init__(self, msg: str, pos: int) -> None:
        super().__init__(msg)
        self.msg = msg
        self.pos = pos


def _overflows(acc: int, digit: int, limit: int) -> bool:
    # serde_json's overflow! macro: would ``acc * 10 + digit`` exceed ``limit``?
    return acc >= limit // 10 and (acc > limit // 10 or digit > limit % 10)


def _is_digit(s: str, i: int) -> bool:
    # ASCII digits only (str.isdigit would accept other scripts' digits).
    return i < len(s) and "0" <= s[i] <= "9"


def _peek(s: str, i: int) -> str:
    # peek_or_null: "" stands for serde's NUL at the end of input.
    return s[i] if i < len(s) else ""


def scan_number(s: str, i: int) -> tuple[Number, int]:
    """Read the JSON number starting at ``s[i]`` (``-`` or a digit) like serde_json.

    Returns the value (int for serde's u64/i64, float for its f64) and the index after
    the characters serde_json consumed; raises SerdeNumberError with serde's message and
    column (the count of characters read, or one more for errors found by peeking).
    """
    positive = True
    if _peek(s, i) == "-":
        positive = False
        i += 1
    # parse_integer
    if i >= len(s):
        raise SerdeNumberError("EOF while parsing a value", i)
    c = s[i]
    i += 1
    if c == "0":
        if _is_digit(s, i):
            raise SerdeNumberError("invalid number", i + 1)
        return _after_integer(s, i, positive, 0)
    if not "0" <= c <= "9":
        raise SerdeNumberError("invalid number", i)
    significand = ord(c) - 48
    while _is_digit(s, i):
        digit = ord(s[i]) - 48
        if _overflows(significand, digit, _U64_MAX):
            return _long_integer(s, i, positive, significand)
        i += 1
        significand = significand * 10 + digit
    return _after_integer(s, i, positive, significand)


def _after_integer(s: str, i: int, positive: bool, significand: int) -> tuple[Number, int]:
    # parse_number
    c = _peek(s, i)
    if c == ".":
        return _decimal(s, i, positive, significand, 0)
    if c == "e" or c == "E":
        return _exponent(s, i, positive, significand, 0)
    if positive:
        return significand, i
    # "-0" and magnitudes past i64's become f64 (serde: the wrapped negation is >= 0).
    if significand == 0 or significand > (1 << 63):
        return -float(significand), i
    return -significand, i


def _decimal(s: str, i: int, positive: bool, significand: int, exp_before: int) -> tuple[float, int]:
    # parse_decimal; s[i] is the "."
    i += 1
    exp_after = 0
    while _is_digit(s, i):
        digit = ord(s[i]) - 48
        if _overflows(significand, digit, _U64_MAX):
            # parse_decimal_overflow: every further digit is ignored.
            while _is_digit(s, i):
                i += 1
            return _maybe_exponent(s, i, positive, significand, exp_before + exp_after)
        i += 1
        significand = significand * 10 + digit
        exp_after -= 1
    if exp_after == 0:
        if i < len(s):
            raise SerdeNumberError("invalid number", i + 1)
        raise SerdeNumberError("EOF while parsing a value", len(s))
    return _maybe_exponent(s, i, positive, significand, exp_before + exp_after)


def _maybe_exponent(s: str, i: int, positive: bool, significand: int, exponent: int) -> tuple[float, int]:
    c = _peek(s, i)
    if c == "e" or c == "E":
        return _exponent(s, i, positive, significand, exponent)
    return _from_parts(positive, significand, exponent, i), i


def _exponent(s: str, i: int, positive: bool, significand: int, starting_exp: int) -> tuple[float, int]:
    # parse_exponent; s[i] is the "e"
    i += 1
    positive_exp = True
    c = _peek(s, i)
    if c == "+":
        i += 1
    elif c == "-":
        positive_exp = False
        i += 1
    if i >= len(s):
        raise SerdeNumberError("EOF while parsing a value", i)
    c = s[i]
    i += 1
    if not "0" <= c <= "9":
        raise SerdeNumberError("invalid number", i)
    exp = ord(c) - 48
    while _is_digit(s, i):
        i += 1
        digit = ord(s[i - 1]) - 48
        if _overflows(exp, digit, _I32_MAX):
            # parse_exponent_overflow: an error only where the value would be infinite;
            # reported before the rest of the exponent's digits are read.
            if significand != 0 and positive_exp:
                raise SerdeNumberError("number out of range", i)
            while _is_digit(s, i):
                i += 1
            return (0.0 if positive else -0.0), i
        exp = exp * 10 + digit
    # i32 saturating_add / saturating_sub
    final = starting_exp + exp if positive_exp else starting_exp - exp
    final = max(_I32_MIN, min(_I32_MAX, final))
    return _from_parts(positive, significand, final, i), i


def _long_integer(s: str, i: int, positive: bool, significand: int) -> tuple[float, int]:
    # parse_long_integer: digits past u64 only scale the kept significand.
    exponent = 0
    while _is_digit(s, i):
        i += 1
        exponent += 1
    c = _peek(s, i)
    if c == ".":
        return _decimal(s, i, positive, significand, exponent)
    if c == "e" or c == "E":
        return _exponent(s, i, positive, significand, exponent)
    return _from_parts(positive, significand, exponent, i), i


def _from_parts(positive: bool, significand: int, exponent: int, pos: int) -> float:
    # f64_from_parts (without float_roundtrip): one rounding of the u64 to f64, then one
    # IEEE multiplication or division per step.
    f = float(significand)
    while True:
        if -308 <= exponent <= 308:
            if exponent >= 0:
                f *= _POW10[exponent]
                if f == float("inf"):
                    raise SerdeNumberError("number out of range", pos)
            else:
                f /= _POW10[-exponent]
            break
        if f == 0.0:
            break
        if exponent >= 0:
            raise SerdeNumberError("number out of range", pos)
        f /= 1e308
        exponent += 308
    return f if positive else -f


def skip_number(s: str, i: int) -> int:
    """The index after the number at ``s[i]`` as serde_json skips a field it ignores
    (``ignore_integer``): syntax checked, value never computed, so never out of range."""
    if _peek(s, i) == "-":
        i += 1
    c = _peek(s, i)
    if c:
        i += 1
    if c == "0":
        if _is_digit(s, i):
            raise SerdeNumberError("invalid number", i + 1)
    elif "1" <= c <= "9":
        while _is_digit(s, i):
            i += 1
    else:
        raise SerdeNumberError("invalid number", i)
    c = _peek(s, i)
    if c == ".":
        i += 1
        if not _is_digit(s, i):
            raise SerdeNumberError("invalid number", min(len(s), i + 1))
        while _is_digit(s, i):
            i += 1
        c = _peek(s, i)
    if c == "e" or c == "E":
        i += 1
        if _peek(s, i) in ("+", "-"):
            i += 1
        c = _peek(s, i)
        if c:
            i += 1
        if not "0" <= c <= "9":
            raise SerdeNumberError("invalid number", i)
        while _is_digit(s, i):
            i += 1
    return i


def parse_number(text: str) -> Number:
    """The value serde_json reads from the whole of ``text`` (one JSON number)."""
    value, end = scan_number(text, 0)
    if end != len(text):
        raise SerdeNumberError("invalid number", end + 1)
    return value


def json_float(value: float) -> float:
    """The f64 the official sees for a finite Python float: serde_json's reading of
    ``json.dumps``' text for it (``float.__repr__``). Raises SerdeNumberError if serde
    finds it out of range."""
    text = float.__repr__(value)
    # The repr's grammar is fixed ([-]digits[.digits][e[+-]digits], at most 17 significant
    # digits), so its parts are taken directly: the u64 never overflows, nor does the
    # exponent; scan_number on the same text gives the same result (tested).
    mantissa, _, exp = text.partition("e")
    positive = mantissa[0] != "-"
    whole, _, fraction = mantissa.lstrip("-").partition(".")
    significand = int(whole + fraction)
    exponent = (int(exp) if exp else 0) - len(fraction)
    if significand < _EXACT_SIGNIFICAND and -22 <= exponent <= 22:
        # Both operands exact, one IEEE rounding: correctly rounded, i.e. ``value`` again.
        return float(value)
    return _from_parts(positive, significand, exponent, len(text))


def json_int(value: int) -> Number:
    """What serde_json makes of a Python int written by ``json.dumps``: the int itself in
    i64/u64 range, else its (not correctly rounded) f64 reading."""
    if _I64_MIN <= value <= _U64_MAX:
        return value
    return parse_number(int.__repr__(value))
