"""JSON schema -> the TypeScript-like type the official renderer shows the model.

The JSON values arrive normalized as the official sees them (``_compat/json_value.py``);
:func:`schema_to_typescript` renders a tool's parameters schema.
"""

from __future__ import annotations

from typing import Any, Dict, List

from ._compat.json_value import json_display

__all__ = ["schema_to_typescript"]


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
