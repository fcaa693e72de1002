"""JSON values as the official renderer sees them, and JSON schema -> TypeScript.

The official wrapper ships tool parameters through ``json.dumps`` and serde_json (with
key order preserved), so :func:`normalize_json` reproduces that round trip on a Python
value, :func:`json_display` prints a value the way serde_json's compact ``Display`` does
(shortest round-trip floats in ryu's layout), and :func:`schema_to_typescript` renders a
parameters schema into the TypeScript-like type shown to the model.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Dict, List

from ._compat.serde_float import SerdeNumberError, json_float, json_int

__all__ = [
    "JsonDumpError",
    "JsonParseError",
    "normalize_json",
    "json_display",
    "format_f64",
    "schema_to_typescript",
    "rust_lines",
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


def rust_lines(text: str) -> List[str]:
    """Split like Rust's ``str::lines``: at ``\n`` or ``\r\n``, without an empty piece
    after a final line ending (a lone ``\r``, even at the very end, is kept)."""
    if not text:
        return []
    parts = text.split("\n")
    last = parts.pop()
    out = [p[:-1] if p.endswith("\r") else p for p in parts]
    if last:
        out.append(last)
    return out


# ---------------------------------------------------------------------------
# JSON schema -> TypeScript
# ---------------------------------------------------------------------------


def _get(schema: Any, key: str) -> Any:
    # serde_json's Value::get: a missing key, or a non-object value, gives None.
    if type(schema) is dict:
        return schema.get(key, _MISSING)
    return _MISSING


class _Missing:
    __slots__ = ()


_MISSING: Any = _Missing()


def _is_enum(schema: Any) -> bool:
    e = _get(schema, "enum")
    return type(e) is list and len(e) > 0


def _is_nullable(schema: Any) -> bool:
    return _get(schema, "nullable") is True


def _default_comment(schema: Any, default: Any, enum_raw: bool) -> str:
    """``default: ...`` text; ``enum_raw`` prints enum string defaults without quotes."""
    if type(default) is str:
        if not _is_enum(schema):
            return f'default: "{default}"'
        if enum_raw:
            return f"default: {default}"
    return f"default: {json_display(default)}"


def schema_to_typescript(schema: Any, indent: str = "") -> str:
    """Render a normalized JSON schema as the official TypeScript-like type text."""
    one_of = _get(schema, "oneOf")
    if type(one_of) is list:
        out: List[str] = []
        inner = indent + "   "
        for variant in one_of:
            out.append(f"\n{indent} | ")
            type_str = schema_to_typescript(variant, inner)
            if _is_nullable(variant) and "null" not in type_str:
                type_str += " | null"
            out.append(type_str)
            trailing = []
            desc = _get(variant, "description")
            if type(desc) is str:
                trailing.append(desc)
            default = _get(variant, "default")
            if default is not _MISSING:
                trailing.append(_default_comment(variant, default, enum_raw=False))
            if trailing:
                out.append(" // " + " ".join(trailing))
        return "".join(out)

    ty = _get(schema, "type")
    if type(ty) is list:
        names = ["number" if t == "integer" else t for t in ty if type(t) is str]
        if names:
            return " | ".join(names)
        return "any"
    if type(ty) is not str:
        return "any"

    if ty == "object":
        return _object_to_typescript(schema, indent)
    if ty == "string":
        enum = _get(schema, "enum")
        if type(enum) is list:
            vals = [f'"{v}"' for v in enum if type(v) is str]
            if vals:
                return " | ".join(vals)
        return "string"
    if ty == "number" or ty == "integer":
        return "number"
    if ty == "boolean":
        return "boolean"
    if ty == "array":
        items = _get(schema, "items")
        if items is not _MISSING:
            return schema_to_typescript(items, indent) + "[]"
        return "Array<any>"
    return "any"


def _object_to_typescript(schema: Dict[str, Any], indent: str) -> str:
    out: List[str] = []
    desc = schema.get("description")
    if type(desc) is str:
        out.append(f"{indent}// {desc}\n")
    out.append("{\n")
    props = schema.get("properties")
    if type(props) is dict:
        required = set()
        req = schema.get("required")
        if type(req) is list:
            required = {r for r in req if type(r) is str}
        prop_indent = indent + "    "
        variant_indent = indent + "   "
        for key, val in props.items():
            opt = "" if key in required else "?"
            title = _get(val, "title")
            if type(title) is str:
                out.append(f"{indent}// {title}\n{indent}//\n")
            one_of = _get(val, "oneOf")
            if one_of is _MISSING:
                pdesc = _get(val, "description")
                if type(pdesc) is str:
                    out.append(f"{indent}// {pdesc}\n")
            examples = _get(val, "examples")
            if type(examples) is list and examples:
                out.append(f"{indent}// Examples:\n")
                for ex in examples:
                    if type(ex) is str:
                        out.append(f'{indent}// - "{ex}"\n')
            if type(one_of) is list:
                pdesc = _get(val, "description")
                property_desc = pdesc if type(pdesc) is str else None
                skip = False
                if property_desc is not None and one_of:
                    vdesc = _get(one_of[0], "description")
                    if type(vdesc) is str and vdesc == property_desc:
                        skip = True
                above = False
                if not skip and property_desc is not None:
                    out.append(f"{indent}// {property_desc}\n")
                    above = True
                default = _get(val, "default")
                if default is not _MISSING:
                    out.append(f"{indent}// {_default_comment(val, default, enum_raw=True)}\n")
                out.append(f"{indent}{key}{opt}:\n")
                for i, variant in enumerate(one_of):
                    out.append(f"{indent} | ")
                    type_str = schema_to_typescript(variant, variant_indent)
                    if _is_nullable(variant) and "null" not in type_str:
                        type_str += " | null"
                    out.append(type_str)
                    trailing = []
                    if not (i == 0 and above):
                        vdesc = _get(variant, "description")
                        if type(vdesc) is str and vdesc != property_desc:
                            trailing.append(vdesc)
                    vdefault = _get(variant, "default")
                    if vdefault is not _MISSING:
                        trailing.append(_default_comment(variant, vdefault, enum_raw=True))
                    if trailing:
                        out.append(" // " + " ".join(trailing))
                    out.append("\n")
                out.append(f"{indent},\n")
                continue
            type_str = schema_to_typescript(val, prop_indent)
            if _is_nullable(val) and "null" not in type_str:
                type_str += " | null"
            out.append(f"{indent}{key}{opt}: {type_str},")
            if one_of is _MISSING:
                default = _get(val, "default")
                if default is not _MISSING:
                    out.append(" // " + _default_comment(val, default, enum_raw=True))
            out.append("\n")
    out.append(f"{indent}}}")
    return "".join(out)
