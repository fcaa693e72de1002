"""Harmony chat data model (roles, contents, messages, conversations) and its JSON form.

Plain stdlib dataclasses that mirror the official pydantic models field by field: same
defaults, same fluent helpers (which mutate and return ``self``), same ``to_dict`` /
``to_json`` output (key order included) and the same ``from_dict`` / ``from_json`` rules.
Construction validates types like pydantic's lax mode does; later attribute assignment is
not validated (pydantic's ``validate_assignment`` is off too).
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import Enum
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Set, Tuple, Union, cast

from ._compat.args import expected, listed, named
from ._model import _REQUIRED_REF, _Model
from ._model import make_init as _make_init
from ._model import signature as _signature

__all__ = [
    "ValidationError",
    "Role",
    "ReasoningEffort",
    "Author",
    "Content",
    "TextContent",
    "ToolDescription",
    "ToolNamespaceConfig",
    "ChannelConfig",
    "SystemContent",
    "DeveloperContent",
    "Message",
    "Conversation",
    "RenderConversationConfig",
    "RenderOptions",
]


class ValidationError(TypeError, ValueError):
    """Invalid constructor argument; a ValueError like pydantic's, and a TypeError too."""


def _mapping(value: Any, argname: str) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    try:
        keys = value.keys  # ``**`` accepts any object with keys() and __getitem__
    except AttributeError:
        raise expected(argname, "a dict", value, TypeError) from None
    del keys
    return cast(Mapping[str, Any], value)


# ---------------------------------------------------------------------------
# Enums
# ---------------------------------------------------------------------------


class Role(str, Enum):
    """The role of a message author."""

    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"
    DEVELOPER = "developer"
    TOOL = "tool"

    @classmethod
    def _missing_(cls, value: object) -> "Role":
        raise ValueError(f"Unknown role: {value!r}")


class ReasoningEffort(str, Enum):
    """Reasoning effort announced in the system message."""

    LOW = "Low"
    MEDIUM = "Medium"
    HIGH = "High"


# ---------------------------------------------------------------------------
# Validation helpers (pydantic lax-mode semantics, simplified)
# ---------------------------------------------------------------------------

_TRUE_STRINGS = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE_STRINGS = frozenset({"0", "off", "f", "false", "n", "no"})


def _fail(owner: str, name: str, expected: str, value: Any) -> ValidationError:
    return ValidationError(
        f"{owner}.{name}: expected {expected}, got {type(value).__name__} {value!r:.80}"
    )


class _Required:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<required>"


# Default of required fields, so that a missing one raises ValidationError like pydantic.
_REQUIRED: Any = _Required()


def _missing(owner: str, name: str) -> ValidationError:
    return ValidationError(f"{owner}.{name}: field required")


def _lax_str(value: Any) -> Optional[str]:
    # pydantic's lax str: str subclasses as plain str, any enum member as str(its value),
    # UTF-8 bytes decoded.
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _check_str(owner: str, name: str, value: Any) -> str:
    if type(value) is str:
        return value
    if value is _REQUIRED:
        raise _missing(owner, name)
    text = _lax_str(value)
    if text is None:
        raise _fail(owner, name, "a string", value)
    return text


def _check_opt_str(owner: str, name: str, value: Any) -> Optional[str]:
    if value is None or type(value) is str:
        return value
    text = _lax_str(value)
    if text is None:
        raise _fail(owner, name, "a string or None", value)
    return text


def _check_bool(owner: str, name: str, value: Any) -> bool:
    if value is True or value is False:
        return value
    if value is _REQUIRED:
        raise _missing(owner, name)
    if isinstance(value, (int, float, Decimal)) and value in (0, 1):
        return bool(value)
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, str):
        # No stripping: pydantic rejects " true ".
        low = value.lower()
        if low in _TRUE_STRINGS:
            return True
        if low in _FALSE_STRINGS:
            return False
    raise _fail(owner, name, "a boolean", value)


def _check_role(owner: str, value: Any) -> Role:
    if isinstance(value, Role):
        return value
    if value is _REQUIRED:
        raise _missing(owner, "role")
    if isinstance(value, str):
        try:
            return Role(value)
        except ValueError:
            pass
    raise ValidationError(
        f"{owner}.role: expected one of 'user', 'assistant', 'system', 'developer' "
        f"or 'tool', got {value!r:.80}"
    )


def _check_effort(owner: str, value: Any) -> Optional[ReasoningEffort]:
    if value is None or isinstance(value, ReasoningEffort):
        return value
    if isinstance(value, str):
        try:
            return ReasoningEffort(value)
        except ValueError:
            pass
    raise ValidationError(
        f"{owner}.reasoning_effort: expected 'Low', 'Medium', 'High' or None, "
        f"got {value!r:.80}"
    )


def _as_list(owner: str, name: str, value: Any) -> List[Any]:
    if isinstance(value, list):
        return list(value)
    if value is _REQUIRED:
        raise _missing(owner, name)
    if isinstance(value, (str, bytes, bytearray, Mapping)) or value is None:
        raise _fail(owner, name, "a list", value)
    try:
        return list(value)
    except TypeError:
        raise _fail(owner, name, "a list", value) from None


def _check_str_list(owner: str, name: str, value: Any) -> List[str]:
    return [_check_str(owner, f"{name}[]", item) for item in _as_list(owner, name, value)]


def _check_tools_map(owner: str, value: Any) -> Optional[Dict[str, "ToolNamespaceConfig"]]:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _fail(owner, "tools", "a dict of ToolNamespaceConfig or None", value)
    out: Dict[str, ToolNamespaceConfig] = {}
    for key, ns in value.items():
        if not isinstance(key, str):
            raise _fail(owner, "tools key", "a string", key)
        out[key] = ToolNamespaceConfig._coerce(ns, f"{owner}.tools[{key!r}]")
    return out


def _dump_tools_map(tools: Mapping[str, "ToolNamespaceConfig"]) -> Dict[str, Any]:
    return {key: ns.to_dict() for key, ns in tools.items()}


def _model_dump(obj: Any, json_mode: bool, exclude_none: bool) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for f in fields(obj):
        v = getattr(obj, f.name)
        if v is None and exclude_none:
            continue
        if f.name == "content" and type(obj) is Message and isinstance(v, list):
            # Each content with its "type" tag, so that it validates back (the official
            # dumps the field-less base class: [{}]).
            out[f.name] = [_content_dump(c, json_mode, exclude_none) for c in v]
        else:
            out[f.name] = _model_dump_value(v, json_mode, exclude_none)
    return out


def _content_dump(c: Any, json_mode: bool, exclude_none: bool) -> Any:
    tag = _CONTENT_TAGS.get(type(c))
    if tag is None:
        return _model_dump_value(c, json_mode, exclude_none)
    return {"type": tag, **_model_dump(c, json_mode, exclude_none)}


def _model_dump_value(v: Any, json_mode: bool, exclude_none: bool) -> Any:
    if isinstance(v, _Model):
        return _model_dump(v, json_mode, exclude_none)
    if isinstance(v, Content):
        return {}
    if isinstance(v, Enum):
        return v.value if json_mode else v
    if isinstance(v, dict):
        return {k: _model_dump_value(x, json_mode, exclude_none) for k, x in v.items()}
    if isinstance(v, list):
        return [_model_dump_value(x, json_mode, exclude_none) for x in v]
    return v


# ---------------------------------------------------------------------------
# Author
# ---------------------------------------------------------------------------


@dataclass(init=False, repr=False)
class Author(_Model):
    """Author of a message: a role plus an optional name (the tool name for tools)."""

    role: Role
    name: Optional[str] = None

    _h_spec = (("role", "role", _REQUIRED, None), ("name", "opt_str", None, None))

    @classmethod
    def new(cls, role: Role, name: str) -> "Author":
        """Author with a role and a name."""
        return cls(role=role, name=name)

    @classmethod
    def _coerce(cls, value: Any) -> "Author":
        if isinstance(value, Author):
            return value
        if isinstance(value, Mapping):
            return cls(**value)
        if value is _REQUIRED:
            raise _missing("Message", "author")
        raise _fail("Message", "author", "an Author", value)

    def to_dict(self) -> Dict[str, Any]:
        """``{"role": ..., "name": ...}`` (name kept even when None, like the official)."""
        return {"role": self.role, "name": self.name}


# ---------------------------------------------------------------------------
# Contents
# ---------------------------------------------------------------------------


class Content(_Model):
    """Base class of message contents."""

    def to_dict(self) -> Dict[str, Any]:
        raise NotImplementedError


@dataclass(init=False, repr=False)
class TextContent(Content):
    """Plain text content."""

    text: str

    _h_spec = (("text", "str", _REQUIRED, None),)

    def to_dict(self) -> Dict[str, Any]:
        """``{"type": "text", "text": ...}``."""
        return {"type": "text", "text": self.text}


@dataclass(init=False, repr=False)
class ToolDescription(_Model):
    """One tool: name, description and an optional JSON schema of its parameters."""

    name: str
    description: str
    parameters: Optional[Dict[str, Any]] = None

    _h_spec = (
        ("name", "str", _REQUIRED, None),
        ("description", "str", _REQUIRED, None),
        ("parameters", "opt_dict", None, None),
    )

    @classmethod
    def new(
        cls, name: str, description: str, parameters: Optional[Dict[str, Any]] = None
    ) -> "ToolDescription":
        """Tool description from its parts."""
        return cls(name=name, description=description, parameters=parameters)

    @classmethod
    def _coerce(cls, value: Any, where: str) -> "ToolDescription":
        if isinstance(value, ToolDescription):
            return value
        if isinstance(value, Mapping):
            return cls(**value)
        raise ValidationError(f"{where}: expected a ToolDescription, got {value!r:.80}")

    def to_dict(self) -> Dict[str, Any]:
        """Dump without None fields (None values inside ``parameters`` are kept)."""
        return _dump_fields(self)


_TOOL_NAMESPACES: Optional[Dict[str, Any]] = None


def _builtin_namespace(name: str) -> Dict[str, Any]:
    global _TOOL_NAMESPACES
    if _TOOL_NAMESPACES is None:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "tool_namespaces.json")
        with open(path, encoding="utf-8") as fh:
            _TOOL_NAMESPACES = json.load(fh)
    return copy.deepcopy(_TOOL_NAMESPACES[name])


@dataclass(init=False, repr=False)
class ToolNamespaceConfig(_Model):
    """A namespace of tools (e.g. ``functions``, ``browser``, ``python``)."""

    name: str
    description: Optional[str] = None
    # The official field order; the generated __init__ (field table) requires it anyway.
    tools: List[ToolDescription]  # type: ignore[misc]

    _h_spec = (
        ("name", "str", _REQUIRED, None),
        ("description", "opt_str", None, None),
        ("tools", "tools", _REQUIRED, None),
    )

    @staticmethod
    def browser() -> "ToolNamespaceConfig":
        """The built-in browser tool namespace."""
        return ToolNamespaceConfig(**_builtin_namespace("browser"))

    @staticmethod
    def python() -> "ToolNamespaceConfig":
        """The built-in python tool namespace."""
        return ToolNamespaceConfig(**_builtin_namespace("python"))

    @classmethod
    def _coerce(cls, value: Any, where: str) -> "ToolNamespaceConfig":
        if isinstance(value, ToolNamespaceConfig):
            return value
        if isinstance(value, Mapping):
            return cls(**value)
        raise ValidationError(f"{where}: expected a ToolNamespaceConfig, got {value!r:.80}")

    def to_dict(self) -> Dict[str, Any]:
        """Dump without None fields."""
        return _dump_fields(self)


@dataclass(init=False, repr=False)
class ChannelConfig(_Model):
    """Valid channels announced in the system message, and whether one is required."""

    valid_channels: List[str]
    channel_required: bool

    _h_spec = (("valid_channels", "list_str", _REQUIRED, None), ("channel_required", "bool", _REQUIRED, None))

    @classmethod
    def require_channels(cls, channels: Sequence[str]) -> "ChannelConfig":
        """Config that requires one of ``channels`` on every assistant message."""
        return cls(valid_channels=channels, channel_required=True)

    def to_dict(self) -> Dict[str, Any]:
        """``{"valid_channels": [...], "channel_required": ...}`` (Nones excluded)."""
        return _dump_fields(self)


_SYSTEM_FIELDS = (
    "model_identity",
    "reasoning_effort",
    "conversation_start_date",
    "knowledge_cutoff",
    "channel_config",
    "tools",
)
_DEFAULT_IDENTITY = "You are ChatGPT, a large language model trained by OpenAI."
_DEFAULT_CHANNELS = ("analysis", "commentary", "final")


@dataclass(init=False, repr=False)
class SystemContent(Content):
    """Content of the system message: identity, dates, reasoning effort, tools, channels."""

    model_identity: Optional[str] = _DEFAULT_IDENTITY
    reasoning_effort: Optional[ReasoningEffort] = ReasoningEffort.MEDIUM
    conversation_start_date: Optional[str] = None
    knowledge_cutoff: Optional[str] = "2024-06"
    channel_config: Optional[ChannelConfig] = None
    tools: Optional[dict[str, ToolNamespaceConfig]] = None

    _h_spec = (
        ("model_identity", "opt_str", _DEFAULT_IDENTITY, None),
        ("reasoning_effort", "opt_effort", ReasoningEffort.MEDIUM, None),
        ("conversation_start_date", "opt_str", None, None),
        ("knowledge_cutoff", "opt_str", "2024-06", None),
        ("channel_config", "opt_channel", None, lambda: ChannelConfig.require_channels(list(_DEFAULT_CHANNELS))),
        ("tools", "opt_tools_map", None, None),
    )

    @classmethod
    def new(cls) -> "SystemContent":
        """System content with the official defaults."""
        return cls()

    def with_model_identity(self, model_identity: str) -> "SystemContent":
        """Set the model identity line (mutates and returns self)."""
        self.model_identity = model_identity
        return self

    def with_reasoning_effort(self, reasoning_effort: ReasoningEffort) -> "SystemContent":
        """Set the reasoning effort (mutates and returns self)."""
        self.reasoning_effort = reasoning_effort
        return self

    def with_conversation_start_date(self, conversation_start_date: str) -> "SystemContent":
        """Set the "Current date" line (mutates and returns self)."""
        self.conversation_start_date = conversation_start_date
        return self

    def with_knowledge_cutoff(self, knowledge_cutoff: str) -> "SystemContent":
        """Set the knowledge cutoff (mutates and returns self)."""
        self.knowledge_cutoff = knowledge_cutoff
        return self

    def with_channel_config(self, channel_config: ChannelConfig) -> "SystemContent":
        """Set the channel config (mutates and returns self)."""
        self.channel_config = channel_config
        return self

    def with_required_channels(self, channels: List[str]) -> "SystemContent":
        """Require the given channels (mutates and returns self)."""
        self.channel_config = ChannelConfig.require_channels(channels)
        return self

    def with_tools(self, ns_config: ToolNamespaceConfig) -> "SystemContent":
        """Add or replace a tool namespace, keyed by its name (mutates and returns self)."""
        try:
            name = ns_config.name
        except AttributeError:
            raise expected("ns_config", "ToolNamespaceConfig", ns_config) from None
        if self.tools is None:
            self.tools = {}
        self.tools[name] = ns_config
        return self

    def with_browser_tool(self) -> "SystemContent":
        """Add the built-in browser namespace."""
        return self.with_tools(ToolNamespaceConfig.browser())

    def with_python_tool(self) -> "SystemContent":
        """Add the built-in python namespace."""
        return self.with_tools(ToolNamespaceConfig.python())

    def to_dict(self) -> Dict[str, Any]:
        """Dump without None fields, then ``"type": "system_content"``."""
        out: Dict[str, Any] = {}
        for key in _SYSTEM_FIELDS:
            value = getattr(self, key)
            if value is not None:
                out[key] = _dump_value(value)
        out["type"] = "system_content"
        return out

    @classmethod
    def from_dict(cls, raw: Dict[str, Any]) -> "SystemContent":
        """Build from a dict (missing keys take the defaults; extra keys are ignored)."""
        return cls(**_mapping(raw, "raw"))


@dataclass(init=False, repr=False)
class DeveloperContent(Content):
    """Content of the developer message: instructions and tools."""

    instructions: Optional[str] = None
    tools: Optional[dict[str, ToolNamespaceConfig]] = None

    _h_spec = (("instructions", "opt_str", None, None), ("tools", "opt_tools_map", None, None))

    @classmethod
    def new(cls) -> "DeveloperContent":
        """Empty developer content."""
        return cls()

    def with_instructions(self, instructions: str) -> "DeveloperContent":
        """Set the instructions (mutates and returns self)."""
        self.instructions = instructions
        return self

    def with_tools(self, ns_config: ToolNamespaceConfig) -> "DeveloperContent":
        """Add or replace a tool namespace, keyed by its name (mutates and returns self)."""
        try:
            name = ns_config.name
        except AttributeError:
            raise expected("ns_config", "ToolNamespaceConfig", ns_config) from None
        if self.tools is None:
            self.tools = {}
        self.tools[name] = ns_config
        return self

    def with_function_tools(self, tools: Sequence[ToolDescription]) -> "DeveloperContent":
        """Set the ``functions`` namespace to ``tools`` (mutates and returns self)."""
        return self.with_tools(
            ToolNamespaceConfig(name="functions", description=None, tools=listed(tools, "tools"))
        )

    def to_dict(self) -> Dict[str, Any]:
        """Dump without None fields, then ``"type": "developer_content"``."""
        out: Dict[str, Any] = {}
        for key in ("instructions", "tools"):
            value = getattr(self, key)
            if value is not None:
                out[key] = _dump_value(value)
        out["type"] = "developer_content"
        return out

    @classmethod
    def from_dict(cls, raw: Dict[str, Any]) -> "DeveloperContent":
        """Build from a dict (extra keys are ignored)."""
        return cls(**_mapping(raw, "raw"))


def _dump_value(value: Any, _path: Optional[Set[int]] = None) -> Any:
    """model_dump(exclude_none=True)-like dump of nested values, tolerant of raw values."""
    if isinstance(value, (dict, list)):
        # A cycle is handed over as is: json.dumps then reports it, as for the official.
        key = id(value)
        if _path is None:
            _path = set()
        elif key in _path:
            return value
        _path.add(key)
        if isinstance(value, dict):
            out: Any = {k: _dump_value(v, _path) for k, v in value.items()}
        else:
            out = [_dump_value(v, _path) for v in value]
        _path.discard(key)
        return out
    if isinstance(value, _MODEL_TYPES):
        return _dump_fields(value)
    if isinstance(value, Content):
        return {}
    return value


def _dump_fields(obj: Any) -> Dict[str, Any]:
    # A model where pydantic would dump its fields (no "type" tag), Nones excluded.
    out: Dict[str, Any] = {}
    for f in fields(obj):
        v = getattr(obj, f.name)
        if v is not None:
            out[f.name] = _dump_value(v)
    return out


_MODEL_TYPES: Tuple[type, ...] = ()


def _coerce_content(value: Any) -> Content:
    if isinstance(value, Content):
        return value
    if isinstance(value, Mapping):
        return _content_from_dict(value)
    raise ValidationError(
        f"Message.content: expected a Content (TextContent, SystemContent or "
        f"DeveloperContent), got {type(value).__name__} {value!r:.80}"
    )


def _content_from_dict(raw: Mapping[str, Any]) -> Content:
    kind = raw.get("type")
    if kind == "text":
        return TextContent(**raw)
    if kind == "system_content":
        return SystemContent(**raw)
    if kind == "developer_content":
        return DeveloperContent(**raw)
    raise ValueError(f"Unknown content variant: {raw}")


# ---------------------------------------------------------------------------
# Message & Conversation
# ---------------------------------------------------------------------------


@dataclass(init=False, repr=False)
class Message(_Model):
    """One message: author, contents and optional channel / recipient / content type."""

    author: Author
    content: List[Content] = field(default_factory=list)
    channel: Optional[str] = None
    recipient: Optional[str] = None
    content_type: Optional[str] = None

    _h_spec = (
        ("author", "author", _REQUIRED, None),
        ("content", "content_list", None, list),
        ("channel", "opt_str", None, None),
        ("recipient", "opt_str", None, None),
        ("content_type", "opt_str", None, None),
    )

    @classmethod
    def from_author_and_content(cls, author: Author, content: Union[str, Content]) -> "Message":
        """Message with one content (a str becomes TextContent)."""
        if isinstance(content, str):
            content = TextContent(text=content)
        return cls(author=author, content=[content])

    @classmethod
    def from_role_and_content(cls, role: Role, content: Union[str, Content]) -> "Message":
        """Message from a role and one content (a str becomes TextContent)."""
        return cls.from_author_and_content(Author(role=role), content)

    @classmethod
    def from_role_and_contents(cls, role: Role, contents: Sequence[Content]) -> "Message":
        """Message from a role and a list of contents."""
        return cls(author=Author(role=role), content=listed(contents, "contents"))

    def adding_content(self, content: Union[str, Content]) -> "Message":
        """Append a content (a str becomes TextContent); mutates and returns self."""
        if isinstance(content, str):
            content = TextContent(text=content)
        self.content.append(content)
        return self

    def with_channel(self, channel: str) -> "Message":
        """Set the channel (mutates and returns self)."""
        self.channel = channel
        return self

    def with_recipient(self, recipient: str) -> "Message":
        """Set the recipient (mutates and returns self)."""
        self.recipient = recipient
        return self

    def with_content_type(self, content_type: str) -> "Message":
        """Set the content type (mutates and returns self)."""
        self.content_type = content_type
        return self

    def to_dict(self) -> Dict[str, Any]:
        """Canonical dict: role, name, content list, then the optional header fields."""
        author = self.author
        if type(author) is Author:
            role, name = author.role, author.name
            if type(name) is not str and name is not None:
                name = _dump_value(name)
            out: Dict[str, Any] = {"role": _dump_value(role), "name": name}
        else:
            out = dict(author.model_dump())  # same call, same errors as the official
        out["content"] = [c.to_dict() for c in self.content]
        if self.channel is not None:
            out["channel"] = self.channel
        if self.recipient is not None:
            out["recipient"] = self.recipient
        if self.content_type is not None:
            out["content_type"] = self.content_type
        return out

    def to_json(self) -> str:
        """``json.dumps(self.to_dict())``, byte-identical to the official output."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Message":
        """Build from the canonical dict; ``content`` may also be a plain string."""
        try:
            return cls._from_dict(data)
        except (TypeError, KeyError, AttributeError) as exc:
            # Same checks as the official; the error names the argument.
            raise named(exc, "data") from None

    @classmethod
    def _from_dict(cls, data: Dict[str, Any]) -> "Message":
        role = Role(data["role"])
        author = Author(role=role, name=data.get("name"))
        raw_content = data["content"]
        if isinstance(raw_content, str):
            raw_content = [{"type": "text", "text": raw_content}]
        try:
            contents = [_content_from_dict(raw) for raw in raw_content]
        except (TypeError, AttributeError) as exc:
            if isinstance(exc, ValidationError):
                raise
            raise named(exc, "data['content']") from None
        msg = cls(author=author, content=contents)
        msg.channel = data.get("channel")
        msg.recipient = data.get("recipient")
        msg.content_type = data.get("content_type")
        return msg


@dataclass(init=False, repr=False)
class Conversation(_Model):
    """An ordered list of messages."""

    messages: List[Message] = field(default_factory=list)

    _h_spec = (("messages", "message_list", None, list),)

    @classmethod
    def from_messages(cls, messages: Sequence[Message]) -> "Conversation":
        """Conversation from a sequence of messages."""
        return cls(messages=listed(messages, "messages"))

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    @classmethod
    def from_chat_messages(
        cls, messages: Sequence[Mapping[str, Any]], tools: Optional[Sequence[Mapping[str, Any]]] = None, **kwargs: Any
    ) -> "Conversation":
        """Conversation from chat-layout messages and tools (see ``chat_template.conversation_from_chat``)."""
        from .chat_template import conversation_from_chat

        return conversation_from_chat(messages, tools, **kwargs)

    def to_chat_messages(self) -> List[Dict[str, Any]]:
        """Chat-layout message dicts of this conversation (tools: ``chat_template.conversation_to_chat``)."""
        from .chat_template import conversation_to_chat

        return cast(List[Dict[str, Any]], conversation_to_chat(self)["messages"])

    def to_dict(self) -> Dict[str, Any]:
        """``{"messages": [...]}``."""
        return {"messages": [m.to_dict() for m in self.messages]}

    def to_json(self) -> str:
        """``json.dumps(self.to_dict())``, byte-identical to the official output."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, payload: str) -> "Conversation":
        """Parse the canonical JSON form."""
        try:
            data = json.loads(payload)
            messages = data["messages"]
        except json.JSONDecodeError as exc:
            exc.args = (f"argument 'payload': {exc.args[0]}",) + exc.args[1:]
            raise
        except (TypeError, KeyError) as exc:
            raise named(exc, "payload") from None
        try:
            iter(messages)
        except TypeError as exc:
            raise named(exc, "payload['messages']") from None
        return cls(messages=[Message.from_dict(m) for m in messages])


_MODEL_TYPES = (
    Author,
    TextContent,
    ToolDescription,
    ToolNamespaceConfig,
    ChannelConfig,
    SystemContent,
    DeveloperContent,
    Message,
    Conversation,
)


@dataclass(init=False, repr=False)
class RenderConversationConfig(_Model):
    """Conversation rendering options."""

    auto_drop_analysis: bool = True

    _h_spec = (("auto_drop_analysis", "bool", True, None),)


@dataclass(init=False, repr=False)
class RenderOptions(_Model):
    """Single-message rendering options."""

    conversation_has_function_tools: bool = False

    _h_spec = (("conversation_has_function_tools", "bool", False, None),)


# ---------------------------------------------------------------------------
# Field kinds: a fast exact-type check (the value to store, or _BAD) and, without pydantic,
# the lax validation (with pydantic installed, its own validators run instead).
# ---------------------------------------------------------------------------

_BAD: Any = object()
_REQUIRED_REF[0] = _REQUIRED
_CONTENT_TAGS = {TextContent: "text", SystemContent: "system_content", DeveloperContent: "developer_content"}


def _fast_list(item_type: type) -> Any:
    def check(v: Any) -> Any:
        if type(v) is list:
            for x in v:
                if type(x) is not item_type:
                    return _BAD
            return list(v)
        return _BAD

    return check


def _fast_contents(v: Any) -> Any:
    if type(v) is list:
        for x in v:
            if not isinstance(x, Content):
                return _BAD
        return list(v)
    return _BAD


def _fast_tools_map(v: Any) -> Any:
    if v is None:
        return None
    if type(v) is dict:
        for k, x in v.items():
            if type(k) is not str or type(x) is not ToolNamespaceConfig:
                return _BAD
        return dict(v)
    return _BAD


def _fast_exact(t: type, nullable: bool) -> Any:
    if nullable:
        return lambda v: v if v is None or type(v) is t else _BAD
    return lambda v: v if type(v) is t else _BAD


def _lax_dict(owner: str, name: str, value: Any) -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _fail(owner, name, "a dict or None", value)
    return dict(value)


def _lax_tools(owner: str, name: str, value: Any) -> List[ToolDescription]:
    where = f"{owner}.{name}"
    return [ToolDescription._coerce(t, where) for t in _as_list(owner, name, value)]


def _lax_channel(owner: str, name: str, value: Any) -> Optional[ChannelConfig]:
    if value is None or isinstance(value, ChannelConfig):
        return value
    if isinstance(value, Mapping):
        return ChannelConfig(**value)
    raise _fail(owner, name, "a ChannelConfig or None", value)


def _lax_contents(owner: str, name: str, value: Any) -> List[Content]:
    if isinstance(value, (str, Content)):
        raise _fail(owner, name, "a list of Content", value)
    return [_coerce_content(c) for c in _as_list(owner, name, value)]


def _lax_messages(owner: str, name: str, value: Any) -> List[Message]:
    msgs = _as_list(owner, name, value)
    for i, m in enumerate(msgs):
        if not isinstance(m, Message):
            if not isinstance(m, Mapping):
                raise ValidationError(
                    f"{owner}.{name}[{i}]: expected a Message, got {type(m).__name__} {m!r:.80}"
                )
            msgs[i] = Message(**m)
    return msgs


_Model._h_bad = _BAD
_Model._h_fast = {
    "str": _fast_exact(str, False),
    "opt_str": _fast_exact(str, True),
    "bool": lambda v: v if v is True or v is False else _BAD,
    "role": _fast_exact(Role, False),
    "opt_effort": _fast_exact(ReasoningEffort, True),
    "list_str": _fast_list(str),
    "opt_dict": lambda v: None if v is None else dict(v) if type(v) is dict else _BAD,
    "tools": _fast_list(ToolDescription),
    "opt_tools_map": _fast_tools_map,
    "opt_channel": _fast_exact(ChannelConfig, True),
    "author": _fast_exact(Author, False),
    "content_list": _fast_contents,
    "message_list": _fast_list(Message),
}
_Model._h_lax = {
    "str": _check_str,
    "opt_str": _check_opt_str,
    "bool": _check_bool,
    "role": lambda owner, name, v: _check_role(owner, v),
    "opt_effort": lambda owner, name, v: _check_effort(owner, v),
    "list_str": _check_str_list,
    "opt_dict": _lax_dict,
    "tools": _lax_tools,
    "opt_tools_map": lambda owner, name, v: _check_tools_map(owner, v),
    "opt_channel": _lax_channel,
    "author": lambda owner, name, v: Author._coerce(v),
    "content_list": _lax_contents,
    "message_list": _lax_messages,
}


def _enum_json_schema(cls: type, core_schema: Any, handler: Any) -> Any:
    from ._model import _needs_pydantic

    return _needs_pydantic("a JSON schema").enum_json_schema(cls, core_schema, handler)


for _enum in (Role, ReasoningEffort):
    _enum.__module__ = "openai_harmony"
    # pydantic hook: the enum's JSON schema as the official's (its docstring is the description)
    _enum.__get_pydantic_json_schema__ = classmethod(_enum_json_schema)  # type: ignore[union-attr]

for _cls in (Content, *_MODEL_TYPES, RenderConversationConfig, RenderOptions):
    _cls.__init__ = _make_init(_cls)  # type: ignore[method-assign]
    _cls.__signature__ = _signature(_cls, globals())  # type: ignore[union-attr]
    # Like pydantic, no class attribute per field (dataclass leaves the defaults there):
    # values live in each instance's __dict__.
    for _name in _cls._h_names:
        if _name in vars(_cls):
            delattr(_cls, _name)
del _enum, _cls, _name
