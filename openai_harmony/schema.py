"""JSON schema -> the TypeScript-like type the official renderer shows the model.

The JSON values arrive normalized as the official sees them (``_compat/json_value.py``);
:func:`schema_to_typescript` renders a tool's parameters schema.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from ._compat.json_value import json_display

__all__ = ["schema_to_typescript"]


# ---------------------------------------------------------------------------
# JSON schema -> TypeScript
# ---------------------------------------------------------------------------


class _Missing:
    __slots__ = ()


_MISSING: Any = _Missing()
# serde_json's Value::get on a value that is not an object: every key is missing. Schemas
# are read through ``get`` functions (``dict.get``, or this one for non-objects) so that
# the common case costs one C call per key rather than a Python-level helper.
_NO_KEYS: Callable[..., Any] = {}.get


def _getter(value: Any) -> Callable[..., Any]:
    return value.get if type(value) is dict else _NO_KEYS


def _default_comment(get: Callable[..., Any], default: Any, enum_raw: bool) -> str:
    """``default: ...`` text of the schema read by *get*; ``enum_raw`` prints enum string
    defaults without quotes."""
    if type(default) is str:
        enum = get("enum")
        if not (type(enum) is list and enum):
            return f'default: "{default}"'
        if enum_raw:
            return f"default: {default}"
    return f"default: {json_display(default)}"


def _variant(variant: Any, indent: str) -> Tuple[Callable[..., Any], str]:
    """A oneOf variant's key getter and its type text ("| null" added when it is nullable)."""
    vget = _getter(variant)
    type_str = schema_to_typescript(variant, indent)
    if vget("nullable") is True and "null" not in type_str:
        type_str += " | null"
    return vget, type_str


def _variant_comment(vget: Callable[..., Any], desc: Optional[str], enum_raw: bool) -> str:
    """The " // ..." after a oneOf variant: its description (when shown) and its default."""
    trailing = [desc] if desc is not None else []
    default = vget("default", _MISSING)
    if default is not _MISSING:
        trailing.append(_default_comment(vget, default, enum_raw=enum_raw))
    return " // " + " ".join(trailing) if trailing else ""


def schema_to_typescript(schema: Any, indent: str = "") -> str:
    """Render a normalized JSON schema as the official TypeScript-like type text."""
    if type(schema) is not dict:
        return "any"  # every key missing: neither oneOf nor type
    get = schema.get
    one_of = get("oneOf")
    if type(one_of) is list:
        out: List[str] = []
        inner = indent + "   "
        for variant in one_of:
            out.append(f"\n{indent} | ")
            vget, type_str = _variant(variant, inner)
            out.append(type_str)
            desc = vget("description")
            out.append(_variant_comment(vget, desc if type(desc) is str else None, enum_raw=False))
        return "".join(out)

    return _typed(schema, get, indent)


def _typed(schema: Any, get: Callable[..., Any], indent: str) -> str:
    """The type text of a schema without a ``oneOf`` list (*get* reads its keys)."""
    ty = get("type")
    if type(ty) is str:
        if ty == "string":
            enum = get("enum")
            if type(enum) is list:
                vals = [f'"{v}"' for v in enum if type(v) is str]
                if vals:
                    return " | ".join(vals)
            return "string"
        if ty == "object":
            return _object_to_typescript(schema, indent)
        if ty == "number" or ty == "integer":
            return "number"
        if ty == "boolean":
            return "boolean"
        if ty == "array":
            items = get("items", _MISSING)
            if items is not _MISSING:
                return schema_to_typescript(items, indent) + "[]"
            return "Array<any>"
        return "any"
    if type(ty) is list:
        names = ["number" if t == "integer" else t for t in ty if type(t) is str]
        if names:
            return " | ".join(names)
    return "any"


def _object_to_typescript(schema: Dict[str, Any], indent: str) -> str:
    out: List[str] = []
    get = schema.get
    desc = get("description")
    if type(desc) is str:
        out.append(f"{indent}// {desc}\n")
    out.append("{\n")
    props = get("properties")
    if type(props) is dict:
        req = get("required")
        required = {r for r in req if type(r) is str} if type(req) is list else ()
        prop_indent = indent + "    "
        for key, val in props.items():
            opt = "" if key in required else "?"
            vget = _getter(val)
            title = vget("title")
            if type(title) is str:
                out.append(f"{indent}// {title}\n{indent}//\n")
            one_of = vget("oneOf", _MISSING)
            if one_of is _MISSING:
                pdesc = vget("description")
                if type(pdesc) is str:
                    out.append(f"{indent}// {pdesc}\n")
            examples = vget("examples")
            if type(examples) is list and examples:
                out.append(f"{indent}// Examples:\n")
                for ex in examples:
                    if type(ex) is str:
                        out.append(f'{indent}// - "{ex}"\n')
            if type(one_of) is list:
                _one_of_property(out, key + opt, vget, one_of, indent)
                continue
            type_str = _typed(val, vget, prop_indent)  # no oneOf list here
            if vget("nullable") is True and "null" not in type_str:
                type_str += " | null"
            if one_of is _MISSING:
                default = vget("default", _MISSING)
                if default is not _MISSING:
                    out.append(f"{indent}{key}{opt}: {type_str}, // {_default_comment(vget, default, True)}\n")
                    continue
            out.append(f"{indent}{key}{opt}: {type_str},\n")
    out.append(f"{indent}}}")
    return "".join(out)


def _one_of_property(out: List[str], label: str, vget: Callable[..., Any], one_of: List[Any], indent: str) -> None:
    """A property whose schema has a ``oneOf`` list: one line per variant."""
    pdesc = vget("description")
    property_desc = pdesc if type(pdesc) is str else None
    skip = False
    if property_desc is not None and one_of:
        vdesc = _getter(one_of[0])("description")
        if type(vdesc) is str and vdesc == property_desc:
            skip = True
    above = False
    if not skip and property_desc is not None:
        out.append(f"{indent}// {property_desc}\n")
        above = True
    default = vget("default", _MISSING)
    if default is not _MISSING:
        out.append(f"{indent}// {_default_comment(vget, default, enum_raw=True)}\n")
    out.append(f"{indent}{label}:\n")
    variant_indent = indent + "   "
    for i, variant in enumerate(one_of):
        out.append(f"{indent} | ")
        wget, type_str = _variant(variant, variant_indent)
        out.append(type_str)
        vdesc = None if i == 0 and above else wget("description")
        shown = vdesc if type(vdesc) is str and vdesc != property_desc else None
        out.append(_variant_comment(wget, shown, enum_raw=True))
        out.append("\n")
    out.append(f"{indent},\n")
