"""Emulation of the official bindings' serde_json decoding of conversation / message JSON.

Only used on the renderer's slow path (irregular objects): it reproduces which
``ValueError`` the official raises ("invalid conversation JSON: ... at line 1 column N")
and otherwise returns clean chat objects with serde's semantics (absent optional fields
are None, no pydantic defaults).
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Tuple

from ..chat import (
    Author,
    ChannelConfig,
    Conversation,
    DeveloperContent,
    Message,
    ReasoningEffort,
    Role,
    SystemContent,
    TextContent,
    ToolDescription,
    ToolNamespaceConfig,
)
from .json_value import format_f64
from .rustfmt import rust_debug_str
from .serde_float import SerdeNumberError, scan_number, skip_number

__all__ = ["load_conversation", "load_message"]

_WS = " \t\n\r"


class _SerdeError(Exception):
    def __init__(self, msg: str, pos: int) -> None:
        super().__init__(msg)
        self.msg = msg
        self.pos = pos  # count of characters consumed when the error was raised


class _Obj(Dict[str, Any]):
    """A decoded JSON object that remembers where it and its values are in the text."""

    end = 0
    spans: Dict[str, Tuple[int, int]]


class _Arr(List[Any]):
    """A decoded JSON array with its end and the start of each element."""

    end = 0
    starts: List[int]


class _Parser:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.depth = 0

    def enter(self) -> None:
        # serde_json refuses a 128th level of nested arrays/objects.
        self.depth += 1
        if self.depth >= 128:
            raise self.err("recursion limit exceeded", self.i + 1)

    def err(self, msg: str, pos: Optional[int] = None) -> _SerdeError:
        return _SerdeError(msg, self.i if pos is None else pos)

    def separator(self, close: str) -> str:
        """Consume the ``,`` or ``close`` after an element and return it."""
        self.ws()
        c = self.s[self.i : self.i + 1]
        if c == "," or c == close:
            self.i += 1
            return c
        if not c:
            what = "a list" if close == "]" else "an object"
            raise self.err(f"EOF while parsing {what}", len(self.s))
        raise self.err(f"expected `,` or `{close}`", self.i + 1)

    def ws(self) -> None:
        s, i = self.s, self.i
        while i < len(s) and s[i] in _WS:
            i += 1
        self.i = i

    def value(self) -> Any:
        self.ws()
        s, i = self.s, self.i
        if i >= len(s):
            raise self.err("EOF while parsing a value")
        c = s[i]
        if c == "{":
            return self.obj()
        if c == "[":
            return self.arr()
        if c == '"':
            return self.string()
        if c == "-" or "0" <= c <= "9":
            return self.number()
        for lit, val in (("true", True), ("false", False), ("null", None)):
            if c == lit[0]:
                # serde_json's parse_ident: the first mismatch (or the end) is the error.
                for j, ch in enumerate(lit[1:], i + 2):
                    if j > len(s):
                        raise self.err("EOF while parsing a value", len(s))
                    if s[j - 1] != ch:
                        raise self.err("expected ident", j)
                self.i = i + len(lit)
                return val
        raise self.err("expected value", i + 1)

    def keys(self) -> Iterator[str]:
        """Walk the object at the reader (on its ``{``): yield each key with the reader at its
        value, which the caller must consume; the reader ends after the ``}``."""
        self.enter()
        self.i += 1
        self.ws()
        if self.s[self.i : self.i + 1] == "}":
            self.i += 1
            self.depth -= 1
            return
        while True:
            self.ws()
            if self.s[self.i : self.i + 1] != '"':
                raise self.err("key must be a string", self.i + 1)
            key = self.string()
            self.ws()
            if self.s[self.i : self.i + 1] != ":":
                raise self.err("expected `:`", self.i + 1)
            self.i += 1
            self.ws()
            yield key
            if self.separator("}") == "}":
                self.depth -= 1
                return

    def obj(self) -> _Obj:
        out = _Obj()
        out.spans = {}
        for key in self.keys():
            start = self.i
            # serde_json with preserve_order keeps a duplicate key's first position.
            out[key] = self.value()
            out.spans[key] = (start, self.i)
        out.end = self.i
        return out

    def arr(self) -> List[Any]:
        out = _Arr()
        out.starts = []
        self.enter()
        self.i += 1
        self.ws()
        if self.s[self.i : self.i + 1] == "]":
            self.i += 1
            out.end = self.i
            self.depth -= 1
            return out
        while True:
            self.ws()
            out.starts.append(self.i)
            out.append(self.value())
            if self.separator("]") == "]":
                out.end = self.i
                self.depth -= 1
                return out

    def number(self) -> Any:
        try:
            value, self.i = scan_number(self.s, self.i)
        except SerdeNumberError as exc:
            raise self.err(exc.msg, exc.pos) from None
        return value

    def ignore(self) -> None:
        """Skip a value as serde_json's ``ignore_value`` does for a field no struct wants:
        numbers are scanned, never computed (so never out of range), lone surrogates are
        let through, and there is no nesting limit (it keeps its own stack, as here)."""
        s = self.s
        stack: List[str] = []
        while True:
            self.ws()
            c = s[self.i : self.i + 1]
            if c == "-" or "0" <= c <= "9":
                try:
                    self.i = skip_number(s, self.i)
                except SerdeNumberError as exc:
                    raise self.err(exc.msg, exc.pos) from None
            elif c == '"':
                self.string(validate=False)
            elif c == "[" or c == "{":
                self.i += 1
                self.ws()
                close = "]" if c == "[" else "}"
                if self.i >= len(s):
                    what = "a list" if c == "[" else "an object"
                    raise self.err(f"EOF while parsing {what}", len(s))
                if s[self.i] != close:
                    stack.append(c)
                    if c == "{":
                        self._ignored_key()
                    continue
                self.i += 1
            elif c in ("t", "f", "n"):
                self.value()
            elif not c:
                raise self.err("EOF while parsing a value", len(s))
            else:
                raise self.err("expected value", self.i + 1)
            # A value is done: close what it ends, or step to the next element.
            while stack:
                frame = stack[-1]
                if self.separator("]" if frame == "[" else "}") == ",":
                    if frame == "{":
                        self._ignored_key()
                    break
                stack.pop()
            if not stack:
                return

    def _ignored_key(self) -> None:
        # A key and its colon inside an ignored object.
        self.ws()
        c = self.s[self.i : self.i + 1]
        if c != '"':
            raise self.err("key must be a string" if c else "EOF while parsing an object", min(len(self.s), self.i + 1))
        self.string(validate=False)
        self.ws()
        c = self.s[self.i : self.i + 1]
        if c != ":":
            raise self.err("expected `:`" if c else "EOF while parsing an object", min(len(self.s), self.i + 1))
        self.i += 1

    def string(self, validate: bool = True) -> str:
        s = self.s
        i = self.i + 1
        out: List[str] = []
        while True:
            j = i
            while j < len(s) and s[j] != '"' and s[j] != "\\":
                j += 1
            out.append(s[i:j])
            if j >= len(s):
                raise self.err("EOF while parsing a string", len(s))
            if s[j] == '"':
                self.i = j + 1
                return "".join(out)
            esc = s[j + 1 : j + 2]
            if esc == "u":
                n = int(s[j + 2 : j + 6], 16)
                i = j + 6
                if not validate:
                    # serde_json does not check surrogates in a string it ignores.
                    out.append(chr(n))
                elif 0xD800 <= n <= 0xDBFF:
                    if s[i : i + 1] != "\\":
                        raise self.err("unexpected end of hex escape", i + 1)
                    if s[i + 1 : i + 2] != "u":
                        raise self.err("unexpected end of hex escape", i + 2)
                    n2 = int(s[i + 2 : i + 6], 16)
                    if not 0xDC00 <= n2 <= 0xDFFF:
                        raise self.err("lone leading surrogate in hex escape", i + 6)
                    out.append(chr(0x10000 + ((n - 0xD800) << 10) + (n2 - 0xDC00)))
                    i += 6
                elif 0xDC00 <= n <= 0xDFFF:
                    raise self.err("lone leading surrogate in hex escape", i)
                else:
                    out.append(chr(n))
            else:
                out.append(
                    {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "/": "/"}.get(esc, esc)
                )
                i = j + 2


def _parse(text: str) -> Any:
    p = _Parser(text)
    v = p.value()
    p.ws()
    if p.i != len(text):
        raise p.err("trailing characters", p.i + 1)
    return v


# ---------------------------------------------------------------------------
# Typed decoding (serde derive semantics, errors positioned at the enclosing message)
# ---------------------------------------------------------------------------


class _TypeErr(Exception):
    pos: Optional[int] = None


def _rust_float_display(f: float) -> str:
    # serde_json reports floats in ryu's layout, like its own number output.
    return format_f64(f)


def _unexpected(v: Any) -> str:
    if v is None:
        return "null"
    if v is True or v is False:
        return f"boolean `{'true' if v else 'false'}`"
    if isinstance(v, int):
        return f"integer `{v}`"
    if isinstance(v, float):
        return f"floating point `{_rust_float_display(v)}`"
    if isinstance(v, str):
        return "string " + rust_debug_str(v)
    if isinstance(v, list):
        return "sequence"
    return "map"


def _invalid(v: Any, expected: str) -> _TypeErr:
    return _TypeErr(f"invalid type: {_unexpected(v)}, expected {expected}")


def _str(v: Any) -> str:
    if type(v) is not str:
        raise _invalid(v, "a string")
    return v


def _opt_str(v: Any) -> Optional[str]:
    if v is None:
        return None
    return _str(v)


def _bool(v: Any) -> bool:
    if v is not True and v is not False:
        raise _invalid(v, "a boolean")
    return v


def _unit_enum(v: Any, names: Tuple[str, ...]) -> str:
    if type(v) is str:
        if v in names:
            return v
        expected = ", ".join(f"`{n}`" for n in names)
        raise _TypeErr(f"unknown variant `{v}`, expected one of {expected}")
    if isinstance(v, dict):
        # serde's externally tagged form {"Variant": null}; unit variants only.
        if len(v) != 1:
            raise _TypeErr("invalid value: map, expected map with a single key")
        ((key, val),) = v.items()
        name = _unit_enum(key, names) if type(key) is str else key
        if val is not None:
            raise _invalid(val, "unit")
        return name
    raise _invalid(v, "string or map")


class _Fields:
    """Field access for a struct given as a JSON object or, as serde also allows, as a
    JSON array of its fields in declaration order."""

    def __init__(self, v: Any, name: str, order: Tuple[str, ...]) -> None:
        self.name = name
        self.order = order
        if isinstance(v, dict):
            self.items = list(v.items())
            self.seq = False
        elif isinstance(v, list):
            self.items = list(v)
            self.seq = True
        else:
            raise _invalid(v, f"struct {name}")

    def iterate(self) -> List[Tuple[Optional[str], Any]]:
        """(field, value) pairs in decoding order; positional length errors included."""
        if not self.seq:
            return self.items
        n = len(self.order)
        out: List[Tuple[Optional[str], Any]] = []
        for i, field in enumerate(self.order):
            if i >= len(self.items):
                out.append((None, i))
                break
            out.append((field, self.items[i]))
        if len(self.items) > n:
            out.append((None, -1))
        return out

    def length_error(self, i: int) -> _TypeErr:
        if i < 0:
            n = len(self.order)
            return _TypeErr(f"invalid length {len(self.items)}, expected {n} elements in sequence")
        n = len(self.order)
        return _TypeErr(f"invalid length {i}, expected struct {self.name} with {n} elements")


def _struct_fields(v: Any, name: str, order: Tuple[str, ...]) -> List[Tuple[Optional[str], Any]]:
    fields = _Fields(v, name, order)
    out: List[Tuple[Optional[str], Any]] = []
    for field, x in fields.iterate():
        if field is None:
            # Decode the earlier fields first, then report the length problem.
            out.append((None, fields.length_error(x)))
            break
        out.append((field, x))
    return out


def _missing(field: str) -> _TypeErr:
    return _TypeErr(f"missing field `{field}`")


_ROLE_NAMES = tuple(r.value for r in Role)
_EFFORT_NAMES = ("Low", "Medium", "High")


def _plain(v: Any) -> Any:
    # Position-carrying containers back to plain dict / list, as the renderer expects.
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _tool_description(v: Any) -> ToolDescription:
    name = desc = None
    params = None
    for k, x in _struct_fields(v, "ToolDescription", ("name", "description", "parameters")):
        if k is None:
            raise x
        if k == "name":
            name = _str(x)
        elif k == "description":
            desc = _str(x)
        elif k == "parameters":
            params = _plain(x)
    if name is None:
        raise _missing("name")
    if desc is None:
        raise _missing("description")
    td = ToolDescription(name=name, description=desc)
    td.parameters = params
    return td


def _namespace(v: Any) -> ToolNamespaceConfig:
    name = desc = None
    tools = None
    for k, x in _struct_fields(v, "ToolNamespaceConfig", ("name", "description", "tools")):
        if k is None:
            raise x
        if k == "name":
            name = _str(x)
        elif k == "description":
            desc = _opt_str(x)
        elif k == "tools":
            if not isinstance(x, list):
                raise _invalid(x, "a sequence")
            tools = [_tool_description(t) for t in x]
    if name is None:
        raise _missing("name")
    if tools is None:
        raise _missing("tools")
    ns = ToolNamespaceConfig(name=name, description=desc, tools=[])
    ns.tools = tools
    return ns


def _tools_map(v: Any) -> Optional[Dict[str, ToolNamespaceConfig]]:
    if v is None:
        return None
    if not isinstance(v, dict):
        raise _invalid(v, "a map")
    out = {k: _namespace(x) for k, x in v.items()}
    return dict(sorted(out.items()))


def _channel_config(v: Any) -> Optional[ChannelConfig]:
    if v is None:
        return None
    channels = required = None
    for k, x in _struct_fields(v, "ChannelConfig", ("valid_channels", "channel_required")):
        if k is None:
            raise x
        if k == "valid_channels":
            if not isinstance(x, list):
                raise _invalid(x, "a sequence")
            channels = [_str(c) for c in x]
        elif k == "channel_required":
            required = _bool(x)
    if channels is None:
        raise _missing("valid_channels")
    if required is None:
        raise _missing("channel_required")
    return ChannelConfig(valid_channels=channels, channel_required=required)


def _content(v: Any) -> Any:
    if not isinstance(v, dict):
        raise _invalid(v, "internally tagged enum Content")
    if "type" not in v:
        raise _missing("type")
    tag = v["type"]
    kind = _unit_enum(tag, ("text", "system_content", "developer_content")) if type(tag) is str else None
    if kind is None:
        raise _invalid(tag, "variant identifier")
    if kind == "text":
        text = None
        for k, x in v.items():
            if k == "text":
                text = _str(x)
        if text is None:
            raise _missing("text")
        return TextContent(text=text)
    if kind == "system_content":
        sc = SystemContent(
            model_identity=None,
            reasoning_effort=None,
            knowledge_cutoff=None,
            channel_config=None,
        )
        for k, x in v.items():
            if k == "model_identity":
                sc.model_identity = _opt_str(x)
            elif k == "reasoning_effort":
                sc.reasoning_effort = None if x is None else ReasoningEffort(_unit_enum(x, _EFFORT_NAMES))
            elif k == "tools":
                sc.tools = _tools_map(x)
            elif k == "conversation_start_date":
                sc.conversation_start_date = _opt_str(x)
            elif k == "knowledge_cutoff":
                sc.knowledge_cutoff = _opt_str(x)
            elif k == "channel_config":
                sc.channel_config = _channel_config(x)
        return sc
    dc = DeveloperContent()
    for k, x in v.items():
        if k == "instructions":
            dc.instructions = _opt_str(x)
        elif k == "tools":
            dc.tools = _tools_map(x)
    return dc


def _error_at(exc: _TypeErr, pos: int) -> _SerdeError:
    return _SerdeError(str(exc), pos)


def _stream_message(p: _Parser) -> Message:
    """Decode one message straight from the text, in serde_json's order: fields as they
    come (errors placed where the reader is), buffered author fields at the end."""
    p.ws()
    if p.s[p.i : p.i + 1] != "{":
        start = p.i
        v = p.value()
        raise _error_at(_invalid(v, "struct Message"), start if isinstance(v, (list, dict)) else p.i)
    contents = None
    channel = recipient = content_type = None
    buffered: Dict[str, Any] = {}
    for key in p.keys():
        if key == "content":
            contents = _stream_contents(p)
        elif key in ("channel", "recipient", "content_type"):
            start = p.i
            v = p.value() if p.s[p.i : p.i + 1] not in ("[", "{") else None
            if p.s[start : start + 1] in ("[", "{"):
                raise _error_at(_invalid([] if p.s[start] == "[" else {}, "a string"), start)
            try:
                val = _opt_str(v)
            except _TypeErr as exc:
                raise _error_at(exc, p.i) from None
            if key == "channel":
                channel = val
            elif key == "recipient":
                recipient = val
            else:
                content_type = val
        else:
            buffered[key] = p.value()
    end = p.i
    try:
        if contents is None:
            raise _missing("content")
        if "role" not in buffered:
            raise _missing("role")
        role = Role(_unit_enum(buffered["role"], _ROLE_NAMES))
        name = _opt_str(buffered.get("name"))
    except _TypeErr as exc:
        raise _error_at(exc, end) from None
    msg = Message(author=Author(role=role, name=name), content=[])
    msg.content = contents
    msg.channel = channel
    msg.recipient = recipient
    msg.content_type = content_type
    return msg


def _stream_contents(p: _Parser) -> List[Any]:
    c = p.s[p.i : p.i + 1]
    if c == '"':
        return [TextContent(text=p.string())]
    if c != "[":
        if c == "{":
            # The visitor refuses the map as soon as it is opened.
            p.i += 1
            p.ws()
            raise _error_at(_TypeErr("invalid type: map, expected string or list of content"), p.i)
        v = p.value()
        raise _error_at(
            _TypeErr(f"invalid type: {_unexpected(v)}, expected string or list of content"), p.i
        )
    p.enter()
    p.i += 1
    out: List[Any] = []
    p.ws()
    if p.s[p.i : p.i + 1] == "]":
        p.i += 1
        p.depth -= 1
        return out
    while True:
        v = p.value()
        try:
            out.append(_content(v))
            failed = None
        except _TypeErr as exc:
            failed = exc
        p.ws()
        c = p.s[p.i : p.i + 1]
        p.i += 1
        if failed is not None:
            # The array reader stops past "]", or past "," at the next element.
            if c == ",":
                p.ws()
            raise _error_at(failed, p.i)
        if c == ",":
            p.ws()
            continue
        if c == "]":
            p.depth -= 1
            return out
        raise p.err("expected `,` or `]`")


def _stream_conversation(p: _Parser) -> List[Message]:
    p.ws()
    if p.s[p.i : p.i + 1] != "{":
        start = p.i
        v = p.value()
        raise _error_at(_invalid(v, "struct Conversation"), start if isinstance(v, (list, dict)) else p.i)
    messages = None
    for key in p.keys():
        if key == "messages":
            if p.s[p.i : p.i + 1] != "[":
                start = p.i
                v = p.value()
                raise _error_at(_invalid(v, "a sequence"), start if isinstance(v, dict) else p.i)
            p.enter()
            p.i += 1
            messages = []
            p.ws()
            if p.s[p.i : p.i + 1] == "]":
                p.i += 1
            else:
                while True:
                    messages.append(_stream_message(p))
                    if p.separator("]") == "]":
                        break
            p.depth -= 1
        else:
            # Conversation has no other field: serde_json skips the value unparsed.
            p.ignore()
    if messages is None:
        raise _error_at(_missing("messages"), p.i)
    return messages


def _finish(p: _Parser) -> None:
    p.ws()
    if p.i != len(p.s):
        raise p.err("trailing characters", p.i + 1)


def _where(text: str, pos: int) -> str:
    # serde_json counts lines, and UTF-8 bytes within the line (text from a custom
    # to_json may span lines or hold non-ASCII).
    start = text.rfind("\n", 0, pos) + 1
    line = text.count("\n", 0, start) + 1
    column = len(text[start:pos].encode("utf-8", "surrogatepass"))
    return f" at line {line} column {column}"


def load_conversation(text: str) -> Conversation:
    """Decode conversation JSON like the official bindings, or raise their ValueError."""
    p = _Parser(text)
    try:
        messages = _stream_conversation(p)
        _finish(p)
    except _SerdeError as exc:
        raise ValueError(f"invalid conversation JSON: {exc.msg}{_where(text, exc.pos)}") from None
    conv = Conversation()
    conv.messages = messages
    return conv


def load_message(text: str) -> Message:
    """Decode message JSON like the official bindings, or raise their ValueError."""
    p = _Parser(text)
    try:
        msg = _stream_message(p)
        _finish(p)
    except _SerdeError as exc:
        raise ValueError(f"invalid message JSON: {exc.msg}{_where(text, exc.pos)}") from None
    return msg
