"""JSON values as the official package sees and prints them.

The official wrapper ships tool parameters through ``json.dumps`` and serde_json (key order
preserved): :func:`normalize_json` reproduces that round trip on a Python value,
:func:`json_display` prints a value as serde_json's compact ``Display`` does (shortest
round-trip floats in ryu's layout), and :func:`pydantic_json` as pydantic-core's JSON does
(the official models' ``model_dump_json``).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Dict

from .serde_float import SerdeNumberError, json_float, json_int

__all__ = [
    "MAX_DEPTH",
    "JsonDumpError",
    "JsonParseError",
    "format_f64",
    "has_surrogate",
    "is_normalized",
    "json_display",
    "normalize_json",
    "pydantic_json",
]

_I64_MIN = -(1 << 63)
# Surrogate code points: json.dumps escapes them, serde_json then joins pairs or refuses.
_SURROGATE = re.compile("[\ud800-\udfff]")
has_surrogate = _SURROGATE.search
_U64_LIMIT = 1 << 64


class JsonDumpError(TypeError):
    """A value json.dumps would refuse (raised with json.dumps' own message)."""


class JsonParseError(ValueError):
    """A value json.dumps would print but serde_json would refuse (NaN, infinities)."""


def _key_to_str(key: Any) -> str:
    # json.dumps' conversion of non-string dict keys.
    if isinstance(key, str):
        return _check_str(str.__str__(key))
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        if key != key or key in (math.inf, -math.inf):
            raise JsonParseError("non-finite float key")
        return float.__repr__(key)
    raise JsonDumpError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


# Deeper values are left to the caller's exact (slow) path: serde_json stops at 128 levels
# of nesting in the whole document, and tool parameters already sit 8-10 levels down.
MAX_DEPTH = 100


def normalize_json(value: Any, depth: int = 0) -> Any:
    """Return ``value`` as serde_json would hold it after ``json.dumps``: plain dicts
    (insertion ordered, string keys), lists, str, int (i64/u64 range), float, bool, None.
    Raises JsonParseError for values nested deeper than MAX_DEPTH.
    """
    if depth > MAX_DEPTH:
        raise JsonParseError("nested too deeply")
    if value is None or value is True or value is False:
        return value
    tp = type(value)
    if tp is str:
        return _check_str(value)
    if tp is dict:
        out: Dict[str, Any] = {}
        for k, v in value.items():
            if type(k) is not str or has_surrogate(k):
                k = _key_to_str(k)
            out[k] = normalize_json(v, depth + 1)
        return out
    if tp is list or tp is tuple:
        return [normalize_json(v, depth + 1) for v in value]
    if tp is int:
        return _normalize_int(value)
    if tp is float:
        return _normalize_float(value)
    # Subclasses are handled the way json's C encoder does.
    if isinstance(value, str):
        return _check_str(str.__str__(value))
    if isinstance(value, int):
        return _normalize_int(int(value))
    if isinstance(value, float):
        return _normalize_float(float(value))
    if isinstance(value, dict):
        return normalize_json(dict(value), depth)
    if isinstance(value, (list, tuple)):
        return [normalize_json(v, depth + 1) for v in value]
    raise JsonDumpError(f"Object of type {type(value).__name__} is not JSON serializable")


def is_normalized(value: Any, depth: int = 0) -> bool:
    """Whether ``normalize_json(value)`` would return an equal value of the same types.

    True for the usual tool schema: exact dicts with string keys, lists, strings without
    surrogates, i64/u64 ints, floats serde_json reads back unchanged, bools and None. The
    renderer then reads the value itself instead of a normalized copy (a walk without
    copying costs about a third of ``normalize_json``). False means "normalize it", never
    an error.
    """
    if depth >= MAX_DEPTH:
        return False  # its leaves may sit past the depth limit
    depth += 1
    if type(value) is dict:
        for k in value:
            if type(k) is not str or (not k.isascii() and has_surrogate(k)):
                return False
        items: Any = value.values()
    elif type(value) is list:
        items = value
    else:
        return False
    # Leaves are checked inline: one function call per container, not per value.
    for v in items:
        tp = type(v)
        if tp is str:
            if not v.isascii() and has_surrogate(v):
                return False
        elif v is None or v is True or v is False:
            pass
        elif tp is int:
            if not _I64_MIN <= v < _U64_LIMIT:
                return False
        elif tp is dict or tp is list:
            if not is_normalized(v, depth):
                return False
        elif tp is float:
            if not _float_is_normalized(v):
                return False
        else:
            return False
    return True


def _float_is_normalized(value: float) -> bool:
    try:
        read = _normalize_float(value)
    except JsonParseError:
        return False
    # The same float, sign of zero included.
    return read == value and math.copysign(1.0, read) == math.copysign(1.0, value)


def _check_str(value: str) -> str:
    if has_surrogate(value):
        raise JsonParseError("surrogate code point")
    return value


def _normalize_int(value: int) -> Any:
    if _I64_MIN <= value < _U64_LIMIT:
        return value
    # serde_json reads integers outside i64/u64 as f64, in its own (not correctly rounded) way.
    try:
        return json_int(value)
    except SerdeNumberError:
        raise JsonParseError("number out of range") from None


def _normalize_float(value: float) -> float:
    if value != value or value in (math.inf, -math.inf):
        raise JsonParseError("non-finite float")
    # Not ``value`` itself: serde_json's reading of its repr may be an ulp or more off.
    try:
        return json_float(value)
    except SerdeNumberError:
        raise JsonParseError("number out of range") from None


def format_f64(value: float) -> str:
    """Format a finite float the way serde_json does (ryu: ``1.0``, ``1e100``, ``1e-7``)."""
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = ""
    if value < 0:
        sign = "-"
        value = -value
    r = float.__repr__(value)
    if "e" in r:
        mant, exp_s = r.split("e")
        exp = int(exp_s)
    else:
        mant, exp = r, 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    digits = (ip + fp).lstrip("0")
    k = exp - len(fp)
    stripped = digits.rstrip("0")
    k += len(digits) - len(stripped)
    digits = stripped
    n = len(digits)
    kk = n + k
    if 0 <= k and kk <= 16:
        body = digits + "0" * k + ".0"
    elif 0 < kk <= 16:
        body = digits[:kk] + "." + digits[kk:]
    elif -5 < kk <= 0:
        body = "0." + "0" * (-kk) + digits
    elif n == 1:
        body = f"{digits}e{kk - 1}"
    else:
        body = f"{digits[0]}.{digits[1:]}e{kk - 1}"
    return sign + body


def _display_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def json_display(value: Any) -> str:
    """Compact serde_json rendering of a normalized JSON value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    tp = type(value)
    if tp is str:
        return _display_str(value)
    if tp is int:
        return str(value)
    if tp is float:
        return format_f64(value)
    if tp is list:
        return "[" + ",".join([json_display(v) for v in value]) + "]"
    if tp is dict:
        return (
            "{"
            + ",".join([_display_str(k) + ":" + json_display(v) for k, v in value.items()])
            + "}"
        )
    raise TypeError(f"not a normalized JSON value: {value!r}")


def pydantic_json(v: Any) -> str:
    """Compact JSON like pydantic-core: raw non-ASCII, shortest floats (``1e+100``)."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, int):
        return int.__repr__(v)
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return "null"
        text = format_f64(v)
        return text.replace("e", "e+") if "e" in text and "e-" not in text else text
    if isinstance(v, dict):
        return "{" + ",".join(pydantic_json(str(k)) + ":" + pydantic_json(x) for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(pydantic_json(x) for x in v) + "]"
    raise JsonDumpError(f"Unable to serialize unknown type: {type(v)!r}")
