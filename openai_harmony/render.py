"""Rendering of Harmony messages and conversations into tokens.

``Renderer`` works directly on the chat objects (fast path).  The official wrapper instead
ships every call through ``to_json`` and serde_json, so anything the fast path does not
recognise as a plain, well-typed object (wrong field types, str subclasses, surrogates,
unusual schema values, rendering errors...) is re-done on the slow path: ``to_json`` (same
Python errors), a serde_json emulation (same ``ValueError``), then rendering of the
cleaned objects (same ``HarmonyError`` / ``RuntimeError``).
"""

from __future__ import annotations

import marshal
import threading
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple, cast

from ._compat import serde
from ._compat.args import expected, named
from ._compat.deep import depth_error
from ._compat.json_value import JsonDumpError, JsonParseError, has_surrogate, is_normalized, normalize_json
from ._compat.rustfmt import rust_lines
from .chat import (
    Author,
    ChannelConfig,
    Conversation,
    DeveloperContent,
    Message,
    ReasoningEffort,
    RenderConversationConfig,
    RenderOptions,
    Role,
    SystemContent,
    TextContent,
    ToolDescription,
    ToolNamespaceConfig,
)
from .errors import HarmonyError
from .schema import schema_to_typescript

__all__ = ["Renderer", "check_train_on"]

_CACHE_LIMIT = 1 << 14
# Texts longer than this are encoded without caching (rarely repeated, costly to keep).
_CACHE_MAX_TEXT = 1 << 16
# Total characters kept as text-cache keys before the cache is emptied.
_CACHE_MAX_CHARS = 1 << 22
# Hashes of texts seen once, kept before the set is emptied (see ``_new_text``).
_SEEN_LIMIT = 1 << 16

_NS_CACHE_LIMIT = 1 << 8
# A batch render encodes its texts in parallel only when they add up to this many characters.
_PRIME_MIN_CHARS = 1 << 15

_ROLE_DEBUG = {
    Role.USER: "User",
    Role.ASSISTANT: "Assistant",
    Role.SYSTEM: "System",
    Role.DEVELOPER: "Developer",
    Role.TOOL: "Tool",
}
_EFFORT_TEXT = {"Low": "low", "Medium": "medium", "High": "high"}
_CONSTRAIN = "<|constrain|>"


# What a malformed object's to_json() can raise (json.dumps, or a wrong type inside);
# re-raised with the argument's name.
_TO_JSON_ERRORS = (AttributeError, TypeError, ValueError, KeyError, NotImplementedError)


# A namespace cache entry for a namespace not seen before.
_UNSEEN: Any = object()


class _Fallback(Exception):
    """The fast path met something it does not handle; redo the call on the slow path."""


class _RenderFail(Exception):
    """A rendering error of the official renderer (message only; the caller picks the type)."""


class Renderer:
    """Renders conversations and messages with a tokenizer (the encoding's render methods)."""

    def __init__(self, tokenizer: Any) -> None:
        self._tok = tokenizer
        self._encode = tokenizer.encode_ordinary
        sp = tokenizer.special_tokens
        self._start = sp["<|start|>"]
        self._message = sp["<|message|>"]
        self._end = sp["<|end|>"]
        self._return = sp["<|return|>"]
        self._call = sp["<|call|>"]
        self._channel = sp["<|channel|>"]
        self._constrain = sp["<|constrain|>"]
        # Token lists handed out from the caches are always copied into the output first.
        self._text_cache: Dict[str, List[int]] = {}
        self._text_cache_chars = 0
        self._seen_texts: Set[int] = set()
        # Keeping a text's tokens costs about as much as encoding the text again with the
        # compiled encoder, a tenth of that with the pure-Python one: any other encoder
        # is cached from the first encoding on (see ``_new_text``). Told by the module
        # name, so that the compiled backend never imports the pure one.
        self._cache_first_sight = type(tokenizer).__module__ != "openai_harmony._tokenizer_c"
        self._header_cache: Dict[Tuple[Any, ...], List[int]] = {}
        self._role_tokens = {r: self._encode(r.value) for r in Role}
        # Length of "<|start|>assistant": the part of an assistant message the prompt supplies.
        self._assistant_prefix = 1 + len(self._role_tokens[Role.ASSISTANT])
        self._space = self._encode(" ")
        self._next_role_cache: Dict[str, List[int]] = {}
        self._ns_cache: Dict[Tuple[Any, ...], Any] = {}
        # Texts encoded ahead of time by a batch call (see ``primed``), per thread.
        self._local = threading.local()

    # -- public API ------------------------------------------------------------------

    def stop_tokens(self) -> List[int]:
        """<|return|>, <|end|> and <|call|> (the official returns them in hash order)."""
        return sorted([self._return, self._end, self._call])

    def stop_tokens_for_assistant_actions(self) -> List[int]:
        """<|return|> and <|call|>."""
        return sorted([self._return, self._call])

    def render_conversation_for_completion(
        self,
        conversation: Conversation,
        next_turn_role: Role,
        config: Optional[RenderConversationConfig] = None,
    ) -> List[int]:
        """Render ``conversation`` followed by ``<|start|>`` and the next role."""
        # Official evaluation order: config, to_json, next_turn_role.value, JSON decoding,
        # role check, rendering.
        auto_drop = _auto_drop(config)
        try:
            messages = self._regular_conversation(conversation)
            value = next_turn_role.value
            out = self._render_messages(messages, auto_drop)
            out.extend(self._next_role_tokens(value))
            return out
        except (_Fallback, _RenderFail, AttributeError):
            pass
        text = self._slow_conversation(conversation)
        try:
            value = next_turn_role.value
        except AttributeError:
            raise expected("next_turn_role", "Role", next_turn_role) from None
        messages = _serde_conversation(text)
        role_tokens = self._next_role_tokens(value)
        try:
            out = self._render_messages(messages, auto_drop, True)
        except _RenderFail as exc:
            raise HarmonyError(str(exc)) from None
        out.extend(role_tokens)
        return out

    def render_conversation(
        self, conversation: Conversation, config: Optional[RenderConversationConfig] = None
    ) -> List[int]:
        """Render all messages of ``conversation``."""
        return self._render_conv(conversation, config)

    def render_conversation_for_training(
        self, conversation: Conversation, config: Optional[RenderConversationConfig] = None
    ) -> List[int]:
        """Like ``render_conversation``; a final assistant message ends in ``<|return|>``."""
        return self._render_conv(conversation, config, training=True)

    def render(self, message: Message, render_options: Optional[RenderOptions] = None) -> List[int]:
        """Render a single message."""
        fn_tools = _fn_tools_option(render_options)
        out: List[int] = []
        try:
            self._scan([message])
            self._emit([message], fn_tools, False, out)
            return out
        except (_Fallback, _RenderFail):
            pass
        try:
            to_json = message.to_json
        except AttributeError:
            raise expected("message", "Message", message) from None
        try:
            text = to_json()
        except RecursionError:
            raise depth_error(message, "message") from None
        except _TO_JSON_ERRORS as exc:
            raise named(exc, "message") from None
        msg = serde.load_message(text)
        out = []
        try:
            self._emit([msg], fn_tools, True, out)
        except _RenderFail as exc:
            raise RuntimeError(str(exc)) from None
        return out

    @contextmanager
    def primed(
        self, conversations: Sequence[Any], encode_batch: Callable[..., List[List[int]]], num_threads: int
    ) -> Iterator[None]:
        """Encode the uncached message texts of *conversations* in one parallel batch.

        Within the block, rendering those conversations on this thread takes the texts'
        tokens from the batch instead of encoding them one by one; results are identical
        (the batch encoder is the same tokenizer, run in threads without the GIL).
        """
        cache = self._text_cache
        todo: Dict[str, None] = {}
        size = 0
        for conv in conversations:
            if type(conv) is not Conversation or type(conv.messages) is not list:
                continue
            for msg in conv.messages:
                if type(msg) is not Message or type(msg.content) is not list:
                    continue
                for c in msg.content:
                    if type(c) is TextContent:
                        text = c.text
                        if type(text) is str and text not in cache and text not in todo:
                            todo[text] = None
                            size += len(text)
        pre: Optional[Dict[str, List[int]]] = None
        # Below this many characters a thread costs more than it saves.
        if size >= _PRIME_MIN_CHARS:
            texts = list(todo)
            try:
                pre = dict(zip(texts, encode_batch(texts, frozenset(), num_threads)))
            except UnicodeEncodeError:
                pre = None  # surrogates: those conversations take the slow path anyway
        local = self._local
        saved = getattr(local, "pre", None)
        local.pre = pre
        try:
            yield
        finally:
            local.pre = saved

    # -- conversation level ------------------------------------------------------------

    def render_conversation_for_training_with_mask(
        self,
        conversation: Conversation,
        config: Optional[RenderConversationConfig] = None,
        train_on: str = "all",
    ) -> Tuple[List[int], List[int]]:
        """The tokens of ``render_conversation_for_training`` and a 0/1 loss mask.

        A token is 1 when the model produces it: in each assistant message (all of them, or
        with ``train_on="last"`` those after the last non-assistant message), everything
        after the ``<|start|>assistant`` prefix, end token included.
        """
        check_train_on(train_on)
        spans: List[Tuple[int, int]] = []
        messages, out = self._render_conv_messages(conversation, config, True, spans)
        first = 0
        if train_on == "last":
            for idx in range(len(messages) - 1, -1, -1):
                if messages[idx].author.role is not Role.ASSISTANT:
                    first = idx + 1
                    break
        mask = [0] * len(out)
        prefix = self._assistant_prefix
        ends = [start for _, start in spans[1:]] + [len(out)]
        for (idx, start), end in zip(spans, ends):
            if idx >= first and messages[idx].author.role is Role.ASSISTANT:
                lo = start + prefix
                mask[lo:end] = [1] * (end - lo)
        return out, mask

    def _render_conv(self, conversation: Any, config: Any, training: bool = False) -> List[int]:
        return self._render_conv_messages(conversation, config, training)[1]

    def _render_conv_messages(
        self, conversation: Any, config: Any, training: bool, spans: Optional[List[Any]] = None
    ) -> Tuple[List[Message], List[int]]:
        auto_drop = _auto_drop(config)
        try:
            messages = self._regular_conversation(conversation)
            out = self._render_messages(messages, auto_drop, False, spans)
        except (_Fallback, _RenderFail):
            messages = _serde_conversation(self._slow_conversation(conversation))
            if spans is not None:
                del spans[:]
            try:
                out = self._render_messages(messages, auto_drop, True, spans)
            except _RenderFail as exc:
                raise RuntimeError(str(exc)) from None
        if training and messages:
            last = messages[-1]
            if last.author.role is Role.ASSISTANT and last.channel == "final" and out:
                out[-1] = self._return
        return messages, out

    @staticmethod
    def _regular_conversation(conversation: Any) -> List[Message]:
        if type(conversation) is not Conversation:
            raise _Fallback
        messages = conversation.messages
        if type(messages) is not list:
            raise _Fallback
        return messages

    @staticmethod
    def _slow_conversation(conversation: Any) -> str:
        # Same call as the official wrapper; its errors are re-raised naming the argument.
        try:
            to_json = conversation.to_json
        except AttributeError:
            raise expected("conversation", "Conversation", conversation) from None
        try:
            text: str = to_json()
            return text
        except RecursionError:
            raise depth_error(conversation, "conversation") from None
        except _TO_JSON_ERRORS as exc:
            raise named(exc, "conversation") from None

    def _next_role_tokens(self, value: Any) -> List[int]:
        # <|start|> plus the role text; the bindings receive str(role.value).
        toks = self._next_role_cache.get(value) if type(value) is str else None
        if toks is None:
            text = str(value)
            try:
                role = Role(text)
            except ValueError:
                raise ValueError(f"unknown role: {text}") from None
            toks = [self._start] + self._role_tokens[role]
            if type(value) is str:
                self._next_role_cache[value] = toks
        return toks

    def _render_messages(
        self,
        messages: Sequence[Message],
        auto_drop: bool,
        decoded: bool = False,
        spans: Optional[List[Any]] = None,
    ) -> List[int]:
        """Tokens of the kept messages; *spans* gets (message index, start) for each."""
        fn_tools, first_final = self._scan(messages)
        skip_before = -1
        if auto_drop and first_final >= 0:
            # Analysis before the first final is dropped when the last assistant message
            # is a final one.
            for msg in reversed(messages):
                if msg.author.role is Role.ASSISTANT:
                    if msg.channel == "final":
                        skip_before = first_final
                    break
        out: List[int] = []
        self._emit(messages, fn_tools, decoded, out, skip_before, spans)
        return out

    @staticmethod
    def _scan(messages: Sequence[Any]) -> Tuple[bool, int]:
        """Check the objects the fast path reads; return whether a developer message has
        function tools and the index of the first final message (-1 if none)."""
        fn_tools = False
        first_final = -1
        for idx, msg in enumerate(messages):
            if type(msg) is not Message:
                raise _Fallback
            author = msg.author
            # A plain "assistant" string hashes like Role.ASSISTANT (header cache), but the
            # `is Role...` checks need the enum: such a message takes the slow path.
            if type(author) is not Author or type(author.role) is not Role:
                raise _Fallback
            contents = msg.content
            if type(contents) is not list:
                raise _Fallback
            if first_final < 0 and msg.channel == "final":
                first_final = idx
            for c in contents:
                if type(c) is DeveloperContent and c.tools:
                    if type(c.tools) is not dict:
                        raise _Fallback
                    ns = c.tools.get("functions")
                    if ns is not None and type(ns) is ToolNamespaceConfig and ns.tools:
                        fn_tools = True
        return fn_tools, first_final

    def _emit(
        self,
        messages: Sequence[Message],
        fn_tools: bool,
        decoded: bool,
        out: List[int],
        skip_before: int = -1,
        spans: Optional[List[Any]] = None,
    ) -> None:
        """Append the tokens of *messages* (checked by ``_scan``) to *out*, leaving out the
        analysis messages before index *skip_before*.

        The common message (cached header, text contents) is handled inline: this loop is
        most of a render's Python time.
        """
        header_cache = self._header_cache
        text_cache = self._text_cache
        pre = getattr(self._local, "pre", None)
        end = self._end
        call = self._call
        assistant = Role.ASSISTANT
        for idx, msg in enumerate(messages):
            channel = msg.channel
            if idx < skip_before and channel == "analysis":
                continue
            if spans is not None:
                spans.append((idx, len(out)))
            author = msg.author
            role = author.role
            recipient = msg.recipient
            content_type = msg.content_type
            try:
                header = header_cache.get((role, author.name, recipient, channel, content_type))
            except TypeError:  # unhashable field value
                raise _Fallback from None
            if header is None:
                header = self._header(author, recipient, channel, content_type)
            out += header
            for c in msg.content:
                if type(c) is TextContent:
                    text = c.text
                    if type(text) is not str:
                        raise _Fallback
                    toks = text_cache.get(text)
                    out += toks if toks is not None else self._new_text(text, pre)
                else:
                    self._structured(c, role, fn_tools, decoded, out)
            out.append(call if recipient is not None and role is assistant else end)

    # -- message level -----------------------------------------------------------------

    def _text(self, text: str) -> List[int]:
        toks = self._text_cache.get(text)
        if toks is None:
            toks = self._new_text(text, getattr(self._local, "pre", None))
        return toks

    def _new_text(self, text: str, pre: Optional[Dict[str, List[int]]]) -> List[int]:
        """Tokens of a text not in the cache (from the primed batch, else encoded).

        With the compiled encoder a text is cached the second time it is encoded: texts
        rendered once (a training set) would only fill the cache, and the garbage
        collector would keep walking their token lists; the first sighting only records
        the text's hash.
        """
        try:
            toks = pre.get(text) if pre else None
            if toks is None:
                toks = self._encode(text)
        except UnicodeEncodeError:
            # Surrogates: serde_json would join pairs or reject lone ones.
            raise _Fallback from None
        n = len(text)
        if n <= _CACHE_MAX_TEXT:
            if not self._cache_first_sight:
                seen = self._seen_texts
                h = hash(text)  # computed by the cache lookup already
                if h not in seen:
                    if len(seen) >= _SEEN_LIMIT:
                        seen.clear()
                    seen.add(h)
                    return toks
            cache = self._text_cache
            if len(cache) >= _CACHE_LIMIT or self._text_cache_chars + n > _CACHE_MAX_CHARS:
                cache.clear()
                self._text_cache_chars = 0
            cache[text] = toks
            self._text_cache_chars += n
        return toks

    def _header(self, author: Author, recipient: Any, channel: Any, content_type: Any) -> List[int]:
        """Tokens of a header not in the cache (the caller looked it up); cached."""
        role = author.role
        name = author.name
        for v in (name, recipient, channel, content_type):
            if v is not None and type(v) is not str:
                raise _Fallback
        toks = [self._start]
        if role is Role.TOOL:
            if name is None:
                raise _RenderFail("Tools should have a name!")
            toks += self._text(name)
        else:
            toks += self._role_tokens[role]
            if name is not None:
                toks += self._text(":" + name)
        if recipient is not None and recipient != "all":
            toks += self._text(" to=" + recipient)
        if channel is not None:
            toks.append(self._channel)
            toks += self._text(channel)
        if content_type is not None:
            if content_type.startswith(_CONSTRAIN):
                toks += self._space
                toks.append(self._constrain)
                rest = content_type[len(_CONSTRAIN):]
                if rest:
                    toks += self._text(rest)
            else:
                toks += self._text(" " + content_type)
        toks.append(self._message)
        cache = self._header_cache
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[(role, name, recipient, channel, content_type)] = toks
        return toks

    def _structured(self, c: Any, role: Role, fn_tools: bool, decoded: bool, out: List[int]) -> None:
        """Append the tokens of a content other than text."""
        tp = type(c)
        if tp is SystemContent:
            if role is not Role.SYSTEM:
                raise _RenderFail(
                    "SystemContent may only appear in system messages, found in " + _ROLE_DEBUG[role]
                )
            out += self._sections(self._system_sections(c, fn_tools, decoded))
        elif tp is DeveloperContent:
            if role is not Role.DEVELOPER:
                raise _RenderFail(
                    "DeveloperContent may only appear in developer messages, found in " + _ROLE_DEBUG[role]
                )
            out += self._sections(self._developer_sections(c, decoded))
        else:
            raise _Fallback

    # -- system / developer contents ---------------------------------------------------

    def _sections(self, sections: List[str]) -> List[int]:
        """Tokens of the sections joined by blank lines, encoded in cacheable chunks.

        The o200k pre-tokenizer never lets a piece run from a newline into a letter, digit
        or "#", so the text can be cut right after a blank line that precedes such a
        character: each chunk then tokenizes exactly as inside the whole text, and the
        static chunks (tool namespaces, channel lines) come from the cache.
        """
        if len(sections) <= 1:
            return self._text(sections[0]) if sections else []
        out: List[int] = []
        buf = sections[0]
        for sec in sections[1:]:
            if sec and (sec[0].isalnum() or sec[0] == "#"):
                out += self._text(buf + "\n\n")
                buf = sec
            else:
                buf = buf + "\n\n" + sec
        out += self._text(buf)
        return out

    def _system_sections(self, sys: SystemContent, fn_tools: bool, decoded: bool = False) -> List[str]:
        sections: List[str] = []
        top: List[str] = []
        identity = _opt_str(sys.model_identity)
        if identity is not None:
            top.append(identity)
        cutoff = _opt_str(sys.knowledge_cutoff)
        if cutoff is not None:
            top.append("Knowledge cutoff: " + cutoff)
        date = _opt_str(sys.conversation_start_date)
        if date is not None:
            top.append("Current date: " + date)
        if top:
            sections.append("\n".join(top))
        effort = sys.reasoning_effort
        if effort is not None:
            if type(effort) is ReasoningEffort:
                effort = effort.value  # type: ignore[assignment]  # the text from here on
            elif type(effort) is not str:
                raise _Fallback
            effort_text = _EFFORT_TEXT.get(effort)
            if effort_text is None:
                raise _Fallback
            sections.append("Reasoning: " + effort_text)
        tools = sys.tools
        if tools is not None:
            sections += self._tools_sections(tools, decoded)
        cc = sys.channel_config
        if cc is not None:
            if type(cc) is not ChannelConfig:
                raise _Fallback
            channels = cc.valid_channels
            required = cc.channel_required
            if type(channels) is not list or type(required) is not bool:
                raise _Fallback
            for ch in channels:
                if type(ch) is not str:
                    raise _Fallback
            if channels:
                header = "# Valid channels: " + ", ".join(channels) + "."
                if required:
                    header += " Channel must be included for every message."
                if fn_tools:
                    header += (
                        "\nCalls to these tools must go to the commentary channel: 'functions'."
                    )
                sections.append(header)
        return sections

    def _developer_sections(self, dev: DeveloperContent, decoded: bool = False) -> List[str]:
        sections: List[str] = []
        instructions = _opt_str(dev.instructions)
        if instructions is not None:
            sections.append("# Instructions")
            sections.append(instructions)
        tools = dev.tools
        if tools is not None:
            sections += self._tools_sections(tools, decoded)
        return sections

    def _tools_sections(self, tools: Any, decoded: bool = False) -> List[str]:
        """"# Tools" and one text per namespace (sorted by key), or [] without tools."""
        if type(tools) is not dict:
            raise _Fallback
        if not tools:
            return []
        parts = ["# Tools"]
        for key in tools:
            # Keys are not rendered, but serde_json still has to accept them.
            if type(key) is not str or has_surrogate(key):
                raise _Fallback
        for key in sorted(tools):
            ns = tools[key]
            if type(ns) is not ToolNamespaceConfig:
                raise _Fallback
            if decoded:
                parts.append(_namespace_text(ns, True))
                continue
            parts.append(self._namespace(ns))
        return parts

    def _namespace(self, ns: ToolNamespaceConfig) -> str:
        """A namespace's text, from the cache when the same namespace was rendered before.

        The cache is keyed by the namespace's names and descriptions, and holds the
        parameters' key (``_parameters_key``) with the text. A namespace seen for the
        first time only leaves its names: one rendered once (a fresh tool set) never pays
        for the parameters' key.
        """
        shape = _namespace_shape(ns)
        if shape is None:
            return _namespace_text(ns)
        cache = self._ns_cache
        entry = cache.get(shape, _UNSEEN)
        params = None if entry is _UNSEEN else _parameters_key(ns.tools)
        if entry is not None and entry is not _UNSEEN and params == entry[0]:
            return cast(str, entry[1])
        text = _namespace_text(ns)
        if entry is _UNSEEN or params is not None:
            if len(cache) >= _NS_CACHE_LIMIT:
                cache.clear()
            cache[shape] = None if params is None else (params, text)
        return text


def _namespace_shape(ns: ToolNamespaceConfig) -> Optional[Tuple[Any, ...]]:
    """The names and descriptions of a namespace and its tools, or None when they are not
    all plain strings (such a namespace is not cached)."""
    name = ns.name
    desc = ns.description
    tools = ns.tools
    if type(name) is not str or (desc is not None and type(desc) is not str) or type(tools) is not list:
        return None
    parts: List[Any] = [name, desc]
    for tool in tools:
        if type(tool) is not ToolDescription:
            return None
        tname = tool.name
        tdesc = tool.description
        if type(tname) is not str or type(tdesc) is not str:
            return None
        parts.append(tname)
        parts.append(tdesc)
    return tuple(parts)


def _parameters_key(tools: List[ToolDescription]) -> Optional[Tuple[Optional[bytes], ...]]:
    """The tools' parameters as a cache key (None: not cacheable).

    Parameters are keyed by their ``marshal`` bytes: marshal writes only exact builtin
    types (anything else raises ValueError: not cached) with each value's type and value
    (True, 1 and 1.0 differ, floats bit for bit) and dict order, so equal bytes mean equal
    ``json.dumps`` text and so equal rendering. It costs a fifth of ``json.dumps``; values
    that print the same JSON but marshal differently (a tuple for a list) only miss.
    """
    try:
        return tuple([None if t.parameters is None else marshal.dumps(t.parameters) for t in tools])
    except (ValueError, RecursionError):
        return None


def _opt_str(value: Any) -> Optional[str]:
    if value is None or type(value) is str:
        return value
    raise _Fallback


def _namespace_text(ns: ToolNamespaceConfig, decoded: bool = False) -> str:
    name = ns.name
    desc = ns.description
    tools = ns.tools
    if type(name) is not str or (desc is not None and type(desc) is not str):
        raise _Fallback
    if type(tools) is not list:
        raise _Fallback
    lines = [f"## {name}\n"]
    if desc is not None:
        if tools:
            lines.extend(["// " + line for line in rust_lines(desc)])
        else:
            lines.extend(rust_lines(desc))
    if tools:
        lines.append(f"namespace {name} {{\n")
        for tool in tools:
            if type(tool) is not ToolDescription:
                raise _Fallback
            tname = tool.name
            tdesc = tool.description
            if type(tname) is not str or type(tdesc) is not str:
                raise _Fallback
            if "\n" in tdesc:
                lines.extend(["// " + line for line in rust_lines(tdesc)])
            elif tdesc:
                lines.append("// " + tdesc)  # rust_lines of a single line
            params = tool.parameters
            if params is not None:
                if decoded:
                    # Already decoded by the serde emulation (depth checked there).
                    schema = params
                elif is_normalized(params):
                    schema = params  # read as is: only strings, ints, lists, plain dicts...
                else:
                    try:
                        schema = normalize_json(params)
                    except (JsonDumpError, JsonParseError):
                        raise _Fallback from None
                lines.append(f"type {tname} = (_: {schema_to_typescript(schema, '')}) => any;\n")
            else:
                lines.append(f"type {tname} = () => any;\n")
        lines.append(f"}} // namespace {name}")
    return "\n".join(lines)


def _auto_drop(config: Any) -> bool:
    return _bool_option(config, "auto_drop_analysis", "config", "RenderConversationConfig or None", True)


def _fn_tools_option(options: Any) -> bool:
    return _bool_option(options, "conversation_has_function_tools", "render_options", "RenderOptions or None", False)


def _bool_option(options: Any, field: str, argname: str, what: str, default: bool) -> bool:
    """A bool field of an optional config object, read as the official bindings read it."""
    if options is None:
        return default
    try:
        value = getattr(options, field)
    except AttributeError:
        raise expected(argname, what, options) from None
    # The bindings extract a Python bool and fall back to the default for anything else.
    return value if type(value) is bool else default


def check_train_on(train_on: Any) -> None:
    """Reject a ``train_on`` other than "all" or "last"."""
    if train_on != "all" and train_on != "last":
        raise ValueError(f"train_on must be 'all' or 'last', got {train_on!r}")


def _serde_conversation(text: str) -> List[Message]:
    return serde.load_conversation(text).messages
