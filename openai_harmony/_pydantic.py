"""pydantic-core schemas for the chat data model; imported only when pydantic is installed.

Each model class gets a ``model_schema`` built from its field table (``_h_spec``) with the
same field types, defaults and config as the official pydantic models, so validation
(errors, locations, lax coercions), serialisation options and JSON schemas are pydantic's
own.  ``Content`` (the declared type of ``Message.content``) is the one deliberate
difference: it validates and dumps the concrete content types by their ``"type"`` tag
instead of losing them (the official dumps ``[{}]``).
"""

from __future__ import annotations

from typing import Any, Callable, Dict

from pydantic import TypeAdapter
from pydantic_core import PydanticKnownError
from pydantic_core import core_schema as cs

_ADAPTERS: Dict[type, "TypeAdapter[Any]"] = {}

# The official ``Content`` model has no fields: its JSON schema is an empty object.
_CONTENT_JSON_SCHEMA = {"properties": {}, "title": "Content", "type": "object"}
# Docstrings of the official enums, which pydantic copies into their JSON schemas.
_ENUM_DESCRIPTIONS = {"Role": "The role of a message author (mirrors ``chat::Role``).", "ReasoningEffort": None}


def adapter(cls: type) -> "TypeAdapter[Any]":
    """The cached ``TypeAdapter`` of a model class."""
    ta = _ADAPTERS.get(cls)
    if ta is None:
        ta = _ADAPTERS[cls] = TypeAdapter[Any](cls)
    return ta


def _kind_schema(kind: str, handler: Any) -> cs.CoreSchema:
    from . import chat

    def model(c: type) -> cs.CoreSchema:
        schema: cs.CoreSchema = handler.generate_schema(c)
        return schema

    table: Dict[str, Callable[[], cs.CoreSchema]] = {
        "str": cs.str_schema,
        "opt_str": lambda: cs.nullable_schema(cs.str_schema()),
        "bool": cs.bool_schema,
        "role": lambda: model(chat.Role),
        "opt_effort": lambda: cs.nullable_schema(model(chat.ReasoningEffort)),
        "list_str": lambda: cs.list_schema(cs.str_schema()),
        "opt_dict": lambda: cs.nullable_schema(cs.dict_schema()),
        "tools": lambda: cs.list_schema(model(chat.ToolDescription)),
        "opt_tools_map": lambda: cs.nullable_schema(
            cs.dict_schema(cs.str_schema(), model(chat.ToolNamespaceConfig))
        ),
        "opt_channel": lambda: cs.nullable_schema(model(chat.ChannelConfig)),
        "author": lambda: model(chat.Author),
        "content_list": lambda: cs.list_schema(model(chat.Content)),
        "message_list": lambda: cs.list_schema(model(chat.Message)),
    }
    return table[kind]()


def model_core_schema(cls: type, handler: Any) -> cs.CoreSchema:
    """The core schema of a model class (``Content`` itself: the content variants by tag)."""
    from . import chat

    if cls is chat.Content:
        return _content_schema(handler)
    fields: Dict[str, Any] = {}
    for name, kind, default, factory in cls._h_spec:  # type: ignore[attr-defined]
        schema = _kind_schema(kind, handler)
        if factory is not None:
            schema = cs.with_default_schema(schema, default_factory=factory)
        elif default is not chat._REQUIRED:
            schema = cs.with_default_schema(schema, default=default)
        fields[name] = cs.model_field(schema)
    return cs.model_schema(
        cls,
        cs.model_fields_schema(fields, model_name=cls.__name__),
        custom_init=False,
        root_model=False,
        config=cs.CoreConfig(title=cls.__name__),
        ref=f"{cls.__module__}.{cls.__qualname__}:{id(cls)}",
    )


def _content_schema(handler: Any) -> cs.CoreSchema:
    from . import chat

    # The variants are validated by their own adapters, not embedded as definitions:
    # the JSON schema of Content is the official's empty object, and embedded variants
    # would still show up as orphan definitions in FastAPI's OpenAPI document.
    variants = {"text": chat.TextContent, "system_content": chat.SystemContent,
                "developer_content": chat.DeveloperContent}

    def validate(value: Any) -> Any:
        if isinstance(value, chat.Content):
            return value
        if not isinstance(value, dict):
            raise PydanticKnownError("model_type", {"class_name": "Content"})
        kind = value.get("type")
        if kind is None:
            # Untagged: a text content if it has a text, else the empty base class (what
            # the official makes of every dict).
            if "text" not in value:
                return chat.Content()
            kind = "text"
        cls = variants.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise PydanticKnownError(
                "union_tag_invalid",
                {"discriminator": "'type'", "tag": str(kind),
                 "expected_tags": "'text', 'system_content', 'developer_content'"},
            )
        return adapter(cls).validate_python(value)

    # The inner schema (never run) is the official's field-less Content model, for JSON schemas.
    official = cs.model_schema(
        chat.Content, cs.model_fields_schema({}, model_name="Content"), config=cs.CoreConfig(title="Content")
    )
    return cs.no_info_wrap_validator_function(
        lambda value, _handler: validate(value),
        official,
        ref=f"{chat.Content.__module__}.Content:{id(chat.Content)}",
        serialization=cs.plain_serializer_function_ser_schema(dump_content, info_arg=True),
    )


def dump_content(value: Any, info: Any) -> Any:
    """A content as its fields plus its ``"type"`` tag (the official dumps ``{}``)."""
    from . import chat

    tag = chat._CONTENT_TAGS.get(type(value))
    if tag is None:
        return {}
    opts = {
        "mode": info.mode,
        "include": info.include,
        "exclude": info.exclude,
        "by_alias": info.by_alias,
        "exclude_unset": info.exclude_unset,
        "exclude_defaults": info.exclude_defaults,
        "exclude_none": info.exclude_none,
        "round_trip": info.round_trip,
    }
    fields = adapter(type(value)).serializer.to_python(value, **opts)
    return {"type": tag, **fields}


def model_json_schema(cls: type, core_schema: cs.CoreSchema, handler: Any) -> Any:
    """The JSON schema pydantic makes, with the official's texts where they differ."""
    from . import chat

    js = handler(core_schema)
    target = handler.resolve_ref_schema(js)
    if cls is chat.Content:
        target.clear()
        target.update(_CONTENT_JSON_SCHEMA)
    else:
        # The official models have no docstrings; ours would become descriptions.
        target.pop("description", None)
    return js


def enum_json_schema(cls: type, core_schema: cs.CoreSchema, handler: Any) -> Any:
    """An enum's JSON schema with the official's description (its docstring)."""
    js = handler(core_schema)
    target = handler.resolve_ref_schema(js)
    description = _ENUM_DESCRIPTIONS.get(cls.__name__)
    if description is None:
        target.pop("description", None)
    else:
        target["description"] = description
    return js


def field_infos(cls: type) -> Dict[str, Any]:
    """``model_fields``: a pydantic ``FieldInfo`` per field, as the official models have."""
    from pydantic import Field
    from pydantic.fields import FieldInfo

    from . import chat
    from ._model import field_types

    hints = field_types(cls, vars(chat))
    out: Dict[str, Any] = {}
    for name, _kind, default, factory in cls._h_spec:  # type: ignore[attr-defined]
        if factory is not None:
            info = FieldInfo.from_annotated_attribute(hints[name], Field(default_factory=factory))
        elif default is chat._REQUIRED:
            info = FieldInfo.from_annotation(hints[name])
        else:
            info = FieldInfo.from_annotated_attribute(hints[name], default)
        out[name] = info
    return out
