"""Chat "messages" (Chat Completions / Hugging Face layout) to and from Harmony.

Two renderings of the same messages:

* ``render_gpt_oss``: the gpt-oss chat template published with the model (the copy in
  huggingface/trl, ``trl/chat_templates/gptoss.jinja``, sha256 ``a4c9919c...``), reproduced
  natively — same text, same tokens as ``transformers``' ``apply_chat_template`` with it, same
  assistant masks as TRL's ``gptoss_training.jinja`` — without jinja or transformers.
* ``conversation_from_chat``: a Harmony ``Conversation`` rendered by the library's own
  renderer (the rendering vLLM serves gpt-oss with).

``to_chat_message`` / ``conversation_to_chat`` go back from Harmony messages to the layout.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Optional,
    Tuple,
    Union,
)

from .chat import (
    Author,
    Conversation,
    DeveloperContent,
    Message,
    ReasoningEffort,
    Role,
    SystemContent,
    TextContent,
    ToolDescription,
)

if TYPE_CHECKING:  # pragma: no cover
    from .encoding import HarmonyEncoding

__all__ = [
    "GPT_OSS_TEMPLATE_SHA256",
    "GPT_OSS_TRAINING_TEMPLATE_SHA256",
    "ChatTemplateError",
    "apply_chat_template",
    "conversation_from_chat",
    "conversation_to_chat",
    "render_gpt_oss",
    "to_chat_message",
]

#: sha256 of trl/chat_templates/gptoss.jinja (huggingface/trl f2cd577), the template matched.
GPT_OSS_TEMPLATE_SHA256 = "a4c9919cbbd4acdd51ccffe22da049264b1b73e59055fa58811a99efbd7c8146"
#: sha256 of trl/chat_templates/gptoss_training.jinja, whose ``{% generation %}`` masks match.
GPT_OSS_TRAINING_TEMPLATE_SHA256 = "6adda7cea0f63ef14918be7f26100b324525b6185a8f06932914388ffaa52e32"

_DEFAULT_IDENTITY = "You are ChatGPT, a large language model trained by OpenAI."
_ROLES = ("system", "developer", "user", "assistant", "tool")
_REASONING_FIELDS = ("reasoning_content", "thinking", "reasoning")
_CHANNEL_TAGS = ("<|channel|>analysis<|message|>", "<|channel|>final<|message|>")
_MASK_STYLES = ("trl", "generated")
_TEMPLATES = ("gpt-oss", "harmony")


class ChatTemplateError(ValueError):
    """Chat messages the template (or the Harmony conversion) rejects; the text says why."""


class _Undefined:
    """Stands for a jinja ``Undefined``: falsy, unequal to everything, not printable."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "Undefined"


_UNDEF: Any = _Undefined()


def _attr(obj: Any, key: str) -> Any:
    """``obj.key`` as the sandboxed jinja evaluates it on JSON data (dict key, else undefined)."""
    if isinstance(obj, Mapping):
        return obj.get(key, _UNDEF)
    return _UNDEF


def _tojson(value: Any) -> str:
    # transformers' tojson filter: json.dumps with ensure_ascii=False and default separators.
    return json.dumps(value, ensure_ascii=False)


def _jstr(value: Any) -> str:
    # How ``{{ value }}`` prints a JSON value (Python's str of it).
    return str(value)


_BROWSER_TOOL = (
    "## browser\n\n"
    "// Tool for browsing.\n"
    "// The `cursor` appears in brackets before each browsing display: `[{cursor}]`.\n"
    "// Cite information from the tool using the following format:\n"
    "// `【{cursor}†L{line_start}(-L{line_end})?】`, for example: `【6†L9-L11】` or `【8†L3】`.\n"
    "// Do not quote more than 10 words directly from the tool output.\n"
    "// sources=web (default: web)\n"
    "namespace browser {\n\n"
    "// Searches for information related to `query` and displays `topn` results.\n"
    "type search = (_: {\n"
    "query: string,\n"
    "topn?: number, // default: 10\n"
    "source?: string,\n"
    "}) => any;\n\n"
    "// Opens the link `id` from the page indicated by `cursor` starting at line number `loc`, "
    "showing `num_lines` lines.\n"
    "// Valid link ids are displayed with the formatting: `【{id}†.*】`.\n"
    "// If `cursor` is not provided, the most recent page is implied.\n"
    "// If `id` is a string, it is treated as a fully qualified URL associated with `source`.\n"
    "// If `loc` is not provided, the viewport will be positioned at the beginning of the document "
    "or centered on the most relevant passage, if available.\n"
    "// Use this function without `id` to scroll to a new location of an opened page.\n"
    "type open = (_: {\n"
    "id?: number | string, // default: -1\n"
    "cursor?: number, // default: -1\n"
    "loc?: number, // default: -1\n"
    "num_lines?: number, // default: -1\n"
    "view_source?: boolean, // default: false\n"
    "source?: string,\n"
    "}) => any;\n\n"
    "// Finds exact matches of `pattern` in the current page, or the page given by `cursor`.\n"
    "type find = (_: {\n"
    "pattern: string,\n"
    "cursor?: number, // default: -1\n"
    "}) => any;\n\n"
    "} // namespace browser\n\n"
)
_PYTHON_TOOL = (
    "## python\n\n"
    "Use this tool to execute Python code in your chain of thought. The code will not be shown to "
    "the user. This tool should be used for internal reasoning, but not for code that is intended "
    "to be visible to the user (e.g. when creating plots, tables, or files).\n\n"
    "When you send a message containing Python code to python, it will be executed in a stateful "
    "Jupyter notebook environment. python will respond with the output of the execution or time "
    "out after 120.0 seconds. The drive at '/mnt/data' can be used to save and persist user files. "
    "Internet access for this session is UNKNOWN. Depends on the cluster.\n\n"
)


# -- input checks ---------------------------------------------------------------------------


def _text(value: Any, where: str) -> str:
    """A string field, or an error naming where it was."""
    if isinstance(value, str):
        return value
    if value is _UNDEF:
        raise ChatTemplateError(f"{where} is missing (expected a string)")
    if isinstance(value, (list, tuple)):
        raise ChatTemplateError(
            f"{where} is a list (content parts); the gpt-oss layout takes a string: join the text parts first"
        )
    raise ChatTemplateError(f"{where} must be a string, got {type(value).__name__} {value!r:.60}")


def _normalize(messages: Any) -> List[Dict[str, Any]]:
    """What transformers hands the template: dict messages, None-valued keys dropped, reasoning aliased."""
    if isinstance(messages, (str, bytes)) or not isinstance(messages, Sequence):
        raise ChatTemplateError(f"messages must be a list of dicts, got {type(messages).__name__}")
    if len(messages) == 0:
        raise ChatTemplateError("Cannot apply chat template to an empty conversation. Provide at least one message.")
    out = []
    for i, m in enumerate(messages):
        if type(m) is not dict and not isinstance(m, Mapping):
            dump = getattr(m, "model_dump", None)
            if callable(dump):
                m = dump()
            if not isinstance(m, Mapping):
                raise ChatTemplateError(f"messages[{i}] must be a dict, got {type(m).__name__} {m!r:.60}")
        d = {k: v for k, v in m.items() if v is not None}
        role = d.get("role", _UNDEF)
        if role not in _ROLES:
            raise ChatTemplateError(
                f"messages[{i}].role: unknown role {role!r}; expected one of {', '.join(_ROLES)}"
                if role is not _UNDEF
                else f"messages[{i}].role is missing"
            )
        if "reasoning_content" in d or "thinking" in d or "reasoning" in d:
            reasoning = next(d[k] for k in _REASONING_FIELDS if k in d)  # None values are gone
            d = {"thinking": reasoning, **d, "reasoning_content": reasoning}
        out.append(d)
    return out


def _tools_list(tools: Any) -> List[Any]:
    if tools is None:
        return []
    if isinstance(tools, (str, bytes, Mapping)) or not isinstance(tools, Sequence):
        raise ChatTemplateError(f"tools must be a list of tool dicts, got {type(tools).__name__}")
    return list(tools)


def _tool_function(tool: Any, i: int) -> Mapping[str, Any]:
    """The ``function`` object of tools[i] (the template requires the wrapper)."""
    if not isinstance(tool, Mapping):
        raise ChatTemplateError(f"tools[{i}] must be a dict, got {type(tool).__name__}")
    fn = tool.get("function", _UNDEF)
    if not isinstance(fn, Mapping):
        if "name" in tool:
            raise ChatTemplateError(
                f"tools[{i}].function is missing: the gpt-oss template needs "
                '{"type": "function", "function": {"name", "description", "parameters"}}'
            )
        raise ChatTemplateError(f"tools[{i}].function must be a dict with name and description")
    return fn


def _arguments_value(call: Mapping[str, Any], where: str) -> Any:
    """A call's arguments: a dict as given, a JSON string checked to parse."""
    args = call.get("arguments", _UNDEF)
    if args is _UNDEF:
        raise ChatTemplateError(f"{where}.arguments is missing")
    if isinstance(args, str):
        try:
            json.loads(args)
        except ValueError as e:
            raise ChatTemplateError(f"{where}.arguments is not valid JSON ({e}): {args!r:.60}") from None
    return args


# -- the gpt-oss template ---------------------------------------------------------------------


def _ts_type(spec: Any) -> str:
    """The template's render_typescript_type macro (whitespace quirks included)."""
    t = _attr(spec, "type")
    if t == "array":
        items = spec.get("items", _UNDEF)
        if items is _UNDEF:
            # jinja falls back to the dict's ``items`` method (truthy), which renders as "any".
            out = "any[]"
        elif not items:
            out = "any[]"
        else:
            it = _attr(items, "type")
            if it == "string":
                out = "string[]"
            elif it in ("number", "integer"):
                out = "number[]"
            elif it == "boolean":
                out = "boolean[]"
            else:
                inner = _ts_type(items)
                out = "any[]" if inner == "object | object" or len(inner) > 50 else inner + "[]"
        if _attr(spec, "nullable"):
            out += " | null"
        return out
    if isinstance(t, (list, tuple)) and len(t) > 0:
        return " | ".join(_jstr(x) for x in t) if len(t) > 1 else _jstr(t[0])
    one_of = _attr(spec, "oneOf")
    if one_of:
        # The template's "object variants → any" check never fires: its flag is set inside a jinja
        # for loop, whose scope discards it. Every variant is rendered.
        variants = list(one_of)
        parts = []
        for k, v in enumerate(variants):
            s = _ts_type(v)
            desc = _attr(v, "description")
            if desc:
                s += "// " + _text(desc, "oneOf variant description")
            if isinstance(v, Mapping) and "default" in v:
                s += "                    // default: " + _tojson(v["default"])
            if k != len(variants) - 1:
                s += " | \n"
            parts.append(s)
        return "".join(parts)
    if t == "string":
        enum = _attr(spec, "enum")
        if enum:
            return '"' + '" | "'.join(_jstr(x) for x in enum) + '"'
        return "string | null" if _attr(spec, "nullable") else "string"
    if t in ("number", "integer"):
        return "number"
    if t == "boolean":
        return "boolean"
    if t == "object":
        props = _attr(spec, "properties")
        if props:
            required = _attr(spec, "required") or []
            fields = []
            for name, sub in props.items():
                fields.append(_jstr(name) + ("" if name in required else "?") + ": \n                " + _ts_type(sub))
            return "{\n" + ", ".join(fields) + "}"
        return "object"
    return "any"


def _functions_namespace(tools: List[Any]) -> str:
    out = ["## functions\n\nnamespace functions {\n\n"]
    for i, tool in enumerate(tools):
        fn = _tool_function(tool, i)
        out.append("// " + _text(fn.get("description", _UNDEF), f"tools[{i}].function.description") + "\n")
        out.append("type " + _text(fn.get("name", _UNDEF), f"tools[{i}].function.name") + " = ")
        params = fn.get("parameters", _UNDEF)
        props = _attr(params, "properties") if params else _UNDEF
        if not props:
            out.append("() => any;\n\n")
            continue
        if not isinstance(props, Mapping):
            raise ChatTemplateError(f"tools[{i}].function.parameters.properties must be a dict")
        required = _attr(params, "required") or []
        out.append("(_: {\n")
        for name, spec in props.items():
            where = f"tools[{i}].function.parameters.properties.{name}"
            desc = _attr(spec, "description")
            if desc:
                out.append("// " + _text(desc, where + ".description") + "\n")
            out.append(_jstr(name) + ("" if name in required else "?") + ": " + _ts_type(spec))
            if isinstance(spec, Mapping) and "default" in spec:
                default = spec["default"]
                if _attr(spec, "enum"):
                    out.append(", // default: " + _text(default, where + ".default (with enum)"))
                elif _attr(spec, "oneOf"):
                    out.append("// default: " + _text(default, where + ".default (with oneOf)"))
                else:
                    out.append(", // default: " + _tojson(default))
            out.append(",\n")
        out.append("}) => any;\n\n")
    out.append("} // namespace functions")
    return "".join(out)


# Rendered "functions" namespaces by the repr of the tools list: a dataset's rows mostly share
# their tools, and repr tells apart every value the rendering tells apart (1 / "1" / 1.0 / True).
_NS_CACHE: Dict[str, str] = {}
_NS_CACHE_LIMIT = 256


def _cached_namespace(tools: List[Any]) -> str:
    if not all(type(t) is dict for t in tools):
        return _functions_namespace(tools)
    key = repr(tools)
    text = _NS_CACHE.get(key)
    if text is None:
        text = _functions_namespace(tools)
        if len(_NS_CACHE) >= _NS_CACHE_LIMIT:
            _NS_CACHE.clear()
        _NS_CACHE[key] = text
    return text


def _system_text(
    tools: List[Any],
    reasoning_effort: Optional[str],
    model_identity: Optional[str],
    builtin_tools: Optional[Sequence[str]],
    date: str,
) -> str:
    out = [
        (model_identity if model_identity is not None else _DEFAULT_IDENTITY) + "\n",
        "Knowledge cutoff: 2024-06\n",
        "Current date: " + date + "\n\n",
        "Reasoning: " + (reasoning_effort if reasoning_effort is not None else "medium") + "\n\n",
    ]
    if builtin_tools:
        out.append("# Tools\n\n")
        if "browser" in builtin_tools:
            out.append(_BROWSER_TOOL)
        if "python" in builtin_tools:
            out.append(_PYTHON_TOOL)
    out.append("# Valid channels: analysis, commentary, final. Channel must be included for every message.")
    if tools:
        out.append("\nCalls to these tools must go to the commentary channel: 'functions'.")
    return "".join(out)


def _check_kwargs(reasoning_effort: Any, model_identity: Any, builtin_tools: Any, date: Any) -> None:
    for name, value in (("reasoning_effort", reasoning_effort), ("model_identity", model_identity)):
        if value is not None and not isinstance(value, str):
            raise ChatTemplateError(f"{name} must be a string, got {type(value).__name__}")
    if date is not None and not isinstance(date, str):
        raise ChatTemplateError(f"conversation_start_date must be a string, got {type(date).__name__}")
    if builtin_tools is not None:
        if isinstance(builtin_tools, str) or not isinstance(builtin_tools, (list, tuple)):
            raise ChatTemplateError('builtin_tools must be a list such as ["browser", "python"]')
        for t in builtin_tools:
            if t not in ("browser", "python"):
                raise ChatTemplateError(f'builtin_tools: unknown tool {t!r}; expected "browser" and/or "python"')


def today() -> str:
    """Today's date as the template's ``strftime_now("%Y-%m-%d")`` gives it."""
    return datetime.now().strftime("%Y-%m-%d")


def render_gpt_oss(
    messages: Sequence[Mapping[str, Any]],
    tools: Optional[Sequence[Mapping[str, Any]]] = None,
    *,
    add_generation_prompt: bool = False,
    reasoning_effort: Optional[str] = None,
    model_identity: Optional[str] = None,
    builtin_tools: Optional[Sequence[str]] = None,
    conversation_start_date: Optional[str] = None,
) -> Tuple[List[str], List[bool]]:
    """Render with the gpt-oss template: text pieces and, per piece, whether it is a generation block.

    Every generation block (an assistant turn) starts at a ``<|start|>`` and ends with its end
    token, so piece boundaries are token boundaries.
    """
    _check_kwargs(reasoning_effort, model_identity, builtin_tools, conversation_start_date)
    msgs = _normalize(messages)
    tool_list = _tools_list(tools)
    date = conversation_start_date if conversation_start_date is not None else today()
    head = [
        "<|start|>system<|message|>",
        _system_text(tool_list, reasoning_effort, model_identity, builtin_tools, date),
        "<|end|>",
    ]
    first = msgs[0]
    if first["role"] in ("developer", "system"):
        developer = first.get("content", _UNDEF)
        if developer:
            developer = _text(developer, "messages[0].content")
        loop = msgs[1:]
        offset = 1
    else:
        developer = ""
        loop = msgs
        offset = 0
    if developer or tool_list:
        head.append("<|start|>developer<|message|>")
        if developer:
            head.append("# Instructions\n\n" + developer + "\n\n")
        if tool_list:
            head.append("# Tools\n\n" + _cached_namespace(tool_list))
        head.append("<|end|>")
    pieces = ["".join(head)]
    gen = [False]
    plain: List[str] = []  # text since the last generation block
    last_call: Optional[str] = None
    last_call_id: Any = None
    n = len(loop)
    # later_final[k]: an assistant message without tool calls comes after loop[k].
    later_final = [False] * n
    for k in range(n - 2, -1, -1):
        f = loop[k + 1]
        later_final[k] = later_final[k + 1] or (f["role"] == "assistant" and "tool_calls" not in f)
    for k, m in enumerate(loop):
        i = k + offset
        role = m["role"]
        if role == "assistant":
            for field in ("content", "thinking"):
                value = m.get(field, _UNDEF)
                if isinstance(value, str) and "<|channel|>" in value and any(tag in value for tag in _CHANNEL_TAGS):
                    raise ChatTemplateError(
                        f"You have passed a message containing <|channel|> tags in the {field} field. Instead of "
                        "doing this, you should pass analysis messages (the string between '<|message|>' and "
                        "'<|end|>') in the 'thinking' field, and final messages (the string between "
                        "'<|message|>' and '<|end|>') in the 'content' field."
                    )
            content = m.get("content", _UNDEF)
            thinking = m.get("thinking", _UNDEF)
            out: List[str] = []
            if "tool_calls" in m:
                calls = m["tool_calls"]
                if not isinstance(calls, (list, tuple)) or len(calls) == 0:
                    raise ChatTemplateError(f"messages[{i}].tool_calls must be a non-empty list")
                if len(calls) > 1:
                    raise ChatTemplateError(
                        f"messages[{i}].tool_calls has {len(calls)} calls; the gpt-oss template renders only the "
                        'first one (the others would be dropped): split them into one assistant message per call, '
                        'or use template="harmony"'
                    )
                future_final = later_final[k]
                call = calls[0]
                if not isinstance(call, Mapping):
                    raise ChatTemplateError(f"messages[{i}].tool_calls[0] must be a dict")
                fn = call.get("function", _UNDEF)
                where = f"messages[{i}].tool_calls[0]"
                if fn:
                    if not isinstance(fn, Mapping):
                        raise ChatTemplateError(f"{where}.function must be a dict")
                    where += ".function"
                else:
                    fn = call
                if content and thinking:
                    raise ChatTemplateError(
                        "Cannot pass both content and thinking in an assistant message with tool calls! Put the "
                        "analysis message in one or the other, but not both."
                    )
                if content and not future_final:
                    out.append(
                        "<|start|>assistant<|channel|>analysis<|message|>"
                        + _text(content, f"messages[{i}].content")
                        + "<|end|>"
                    )
                elif thinking and not future_final:
                    out.append(
                        "<|start|>assistant<|channel|>analysis<|message|>"
                        + _text(thinking, f"messages[{i}].thinking")
                        + "<|end|>"
                    )
                name = _text(fn.get("name", _UNDEF), where + ".name")
                ctype = fn.get("content_type", "json")
                out.append(
                    "<|start|>assistant to=functions."
                    + name
                    + "<|channel|>commentary "
                    + _text(ctype, where + ".content_type")
                    + "<|message|>"
                    + _tojson(_arguments_value(fn, where))
                    + "<|call|>"
                )
                last_call = name
                last_call_id = call.get("id")
            elif k == n - 1 and not add_generation_prompt:
                if "thinking" in m:
                    out.append(
                        "<|start|>assistant<|channel|>analysis<|message|>"
                        + _text(thinking, f"messages[{i}].thinking")
                        + "<|end|>"
                    )
                out.append(
                    "<|start|>assistant<|channel|>final<|message|>"
                    + _text(content, f"messages[{i}].content")
                    + "<|return|>"
                )
            else:
                out.append(
                    "<|start|>assistant<|channel|>final<|message|>"
                    + _text(content, f"messages[{i}].content")
                    + "<|end|>"
                )
                last_call = None
            if plain:
                pieces.append("".join(plain))
                gen.append(False)
                plain = []
            pieces.append("".join(out))
            gen.append(True)
        elif role == "tool":
            if last_call is None:
                raise ChatTemplateError("Message has tool role, but there was no previous assistant message with a tool call!")
            ref = m.get("tool_call_id")
            if ref is not None and last_call_id is not None and ref != last_call_id:
                raise ChatTemplateError(
                    f"messages[{i}].tool_call_id {ref!r} does not match the preceding tool call's id "
                    f"{last_call_id!r} (the gpt-oss template names a tool result after the last call)"
                )
            content = m.get("content", _UNDEF)
            if content is _UNDEF:
                raise ChatTemplateError(f"messages[{i}].content is missing")
            if isinstance(content, (list, tuple)):
                _text(content, f"messages[{i}].content")
            plain.append(
                "<|start|>functions." + last_call + " to=assistant<|channel|>commentary<|message|>" + _tojson(content) + "<|end|>"
            )
        elif role == "user":
            plain.append("<|start|>user<|message|>" + _text(m.get("content", _UNDEF), f"messages[{i}].content") + "<|end|>")
        else:
            raise ChatTemplateError(
                f"messages[{i}].role: a {role} message is only read as the first message; the gpt-oss template "
                "would drop it here"
            )
    if add_generation_prompt:
        plain.append("<|start|>assistant")
    if plain:
        pieces.append("".join(plain))
        gen.append(False)
    return pieces, gen


# -- tokens and masks ---------------------------------------------------------------------------


# Tokens of the system + developer header (the first piece) by its text: rows of a dataset
# mostly share it. Bounded; lists are copied out.
_HEAD_CACHE: Dict[Tuple[str, str], List[int]] = {}
_HEAD_CACHE_LIMIT = 1024
_HEAD_CACHE_MAX_TEXT = 1 << 16


# Every special token is "<|name|>" with no "<", "|" or ">" inside the name, so a match of this
# pattern can never hide the start of one: splitting at the matches that are special tokens
# gives the segments the tokenizer would encode between them.
_SPECIAL_LIKE = re.compile(r"<\|[^<|>]*\|>")


def _encode_text(tok: Any, specials: Mapping[str, int], text: str) -> List[int]:
    """``tok.encode(text, all specials)``, each stretch between special tokens encoded as ordinary text."""
    ordinary = tok.encode_ordinary
    if "<|" not in text:
        return ordinary(text)  # type: ignore[no-any-return]
    out: List[int] = []
    pos = 0
    for m in _SPECIAL_LIKE.finditer(text):
        tid = specials.get(m.group())
        if tid is None:
            continue
        if m.start() > pos:
            out += ordinary(text[pos : m.start()])
        out.append(tid)
        pos = m.end()
    if pos < len(text):
        out += ordinary(text[pos:])
    return out


def _encode_pieces(encoding: HarmonyEncoding, pieces: List[str]) -> List[List[int]]:
    """Each piece encoded with every special token allowed (pieces split at token boundaries)."""
    tok = encoding._tokenizer
    specials = tok.special_tokens
    head = pieces[0]
    key = (encoding.name, head)
    cached = _HEAD_CACHE.get(key)
    if cached is None:
        cached = _encode_text(tok, specials, head)
        if len(head) <= _HEAD_CACHE_MAX_TEXT:
            if len(_HEAD_CACHE) >= _HEAD_CACHE_LIMIT:
                _HEAD_CACHE.clear()
            _HEAD_CACHE[key] = cached
    return [list(cached)] + [_encode_text(tok, specials, p) for p in pieces[1:]]


def _encode_checked(encoding: HarmonyEncoding, pieces: List[str]) -> List[List[int]]:
    try:
        return _encode_pieces(encoding, pieces)
    except UnicodeEncodeError as e:
        # transformers' tokenizer cannot take them either; say so instead of guessing a repair.
        raise ChatTemplateError(f"the messages contain a lone surrogate ({e.object[e.start:e.end]!r}): not valid UTF-8") from None


def _generated_mask(encoding: HarmonyEncoding, tokens: List[int]) -> List[int]:
    """Mask of one generation block, 0 on each ``<|start|>assistant`` (what the prompt supplies)."""
    r = encoding._renderer
    start, prefix = r._start, r._assistant_prefix
    head = [start] + r._role_tokens[Role.ASSISTANT]
    mask = [1] * len(tokens)
    j = 0
    while j < len(tokens):
        if tokens[j] == start and tokens[j : j + prefix] == head:
            mask[j : j + prefix] = [0] * prefix
            j += prefix
        else:
            j += 1
    return mask


def _with_assistant_heads(encoding: HarmonyEncoding, tokens: List[int], mask: List[int]) -> List[int]:
    """A generated-only mask widened to TRL's: each masked turn's ``<|start|>assistant`` too."""
    r = encoding._renderer
    prefix = r._assistant_prefix
    head = [r._start] + r._role_tokens[Role.ASSISTANT]
    out = list(mask)
    for j in range(len(tokens) - prefix):
        if tokens[j] == r._start and mask[j + prefix] and tokens[j : j + prefix] == head:
            out[j : j + prefix] = [1] * prefix
    return out


def apply_chat_template(
    encoding: HarmonyEncoding,
    messages: Any,
    tools: Optional[Sequence[Mapping[str, Any]]] = None,
    *,
    add_generation_prompt: bool = False,
    tokenize: bool = True,
    return_dict: bool = False,
    return_assistant_tokens_mask: bool = False,
    mask_style: str = "trl",
    template: str = "gpt-oss",
    reasoning_effort: Optional[str] = None,
    model_identity: Optional[str] = None,
    builtin_tools: Optional[Sequence[str]] = None,
    conversation_start_date: Optional[str] = None,
) -> Any:
    """See ``HarmonyEncoding.apply_chat_template``."""
    if mask_style not in _MASK_STYLES:
        raise ValueError(f"mask_style must be 'trl' or 'generated', got {mask_style!r}")
    if template not in _TEMPLATES:
        raise ValueError(f"template must be 'gpt-oss' or 'harmony', got {template!r}")
    if not tokenize:
        return_dict = False
    if return_assistant_tokens_mask and not (return_dict and tokenize):
        raise ValueError("`return_assistant_tokens_mask=True` requires `return_dict=True` and `tokenize=True`")
    kw = dict(
        reasoning_effort=reasoning_effort,
        model_identity=model_identity,
        builtin_tools=builtin_tools,
        conversation_start_date=conversation_start_date,
    )
    if isinstance(messages, (list, tuple)) and messages and isinstance(messages[0], (list, tuple)):
        return [
            apply_chat_template(
                encoding, m, tools, add_generation_prompt=add_generation_prompt, tokenize=tokenize,
                return_dict=return_dict, return_assistant_tokens_mask=return_assistant_tokens_mask,
                mask_style=mask_style, template=template, **kw,  # type: ignore[arg-type]
            )
            for m in messages
        ]
    if template == "harmony":
        conv = conversation_from_chat(messages, tools, **kw)  # type: ignore[arg-type]
        hmask: List[int] = []
        if add_generation_prompt:
            htokens = encoding.render_conversation_for_completion(conv, Role.ASSISTANT)
            hmask = [0] * len(htokens)
        elif return_assistant_tokens_mask:
            htokens, hmask = encoding.render_conversation_for_training_with_mask(conv)
            if mask_style == "trl":
                hmask = _with_assistant_heads(encoding, htokens, hmask)
        else:
            htokens = encoding.render_conversation_for_training(conv)
        if not tokenize:
            return encoding.decode_utf8(htokens)
        return _result(htokens, hmask, return_dict, return_assistant_tokens_mask)
    pieces, gen = render_gpt_oss(messages, tools, add_generation_prompt=add_generation_prompt, **kw)  # type: ignore[arg-type]
    if not tokenize:
        return "".join(pieces)
    encoded = _encode_checked(encoding, pieces)
    tokens = [t for part in encoded for t in part]
    if not return_assistant_tokens_mask:
        return _result(tokens, [], return_dict, False)
    mask: List[int] = []
    for part, is_gen in zip(encoded, gen):
        if not is_gen:
            mask.extend([0] * len(part))
        elif mask_style == "trl":
            mask.extend([1] * len(part))
        else:
            mask.extend(_generated_mask(encoding, part))
    return _result(tokens, mask, return_dict, True)


def _result(tokens: List[int], mask: List[int], return_dict: bool, with_mask: bool) -> Any:
    if not return_dict:
        return tokens
    out: Dict[str, Any] = {"input_ids": tokens, "attention_mask": [1] * len(tokens)}
    if with_mask:
        out["assistant_masks"] = mask
    return out


# -- Harmony-native conversion ------------------------------------------------------------------


def _effort(value: Optional[str]) -> ReasoningEffort:
    if value is None:
        return ReasoningEffort.MEDIUM
    try:
        return ReasoningEffort(value.capitalize() if isinstance(value, str) else value)
    except ValueError:
        raise ChatTemplateError(f"reasoning_effort must be low, medium or high for Harmony, got {value!r}") from None


def _call_parts(call: Any, where: str) -> Tuple[str, str, Any]:
    """(name, JSON argument string, id) of one tool call, wrapper or flat."""
    if not isinstance(call, Mapping):
        raise ChatTemplateError(f"{where} must be a dict")
    fn = call.get("function")
    if fn:
        if not isinstance(fn, Mapping):
            raise ChatTemplateError(f"{where}.function must be a dict")
        fwhere = where + ".function"
    else:
        fn, fwhere = call, where
    name = _text(fn.get("name", _UNDEF), fwhere + ".name")
    args = _arguments_value(fn, fwhere)
    return name, args if isinstance(args, str) else json.dumps(args, ensure_ascii=False), call.get("id")


def conversation_from_chat(
    messages: Sequence[Mapping[str, Any]],
    tools: Optional[Sequence[Mapping[str, Any]]] = None,
    *,
    reasoning_effort: Optional[str] = None,
    model_identity: Optional[str] = None,
    builtin_tools: Optional[Sequence[str]] = None,
    conversation_start_date: Optional[str] = None,
) -> Conversation:
    """Harmony ``Conversation`` of chat-layout messages (see ``Conversation.from_chat_messages``)."""
    _check_kwargs(reasoning_effort, model_identity, builtin_tools, conversation_start_date)
    msgs = _normalize(messages)
    tool_list = _tools_list(tools)
    system = SystemContent.new().with_reasoning_effort(_effort(reasoning_effort))
    system = system.with_conversation_start_date(
        conversation_start_date if conversation_start_date is not None else today()
    )
    if model_identity is not None:
        system = system.with_model_identity(model_identity)
    for t in builtin_tools or ():
        system = system.with_browser_tool() if t == "browser" else system.with_python_tool()
    out = [Message.from_role_and_content(Role.SYSTEM, system)]
    first = msgs[0]
    instructions = None
    if first["role"] in ("developer", "system"):
        c = first.get("content")
        instructions = _text(c, "messages[0].content") if c else None
        loop = list(enumerate(msgs))[1:]
    else:
        loop = list(enumerate(msgs))
    descriptions = []
    for i, tool in enumerate(tool_list):
        fn = tool.get("function") if isinstance(tool, Mapping) and "function" in tool else tool
        if not isinstance(fn, Mapping):
            raise ChatTemplateError(f"tools[{i}] must be a dict")
        params = fn.get("parameters")
        descriptions.append(
            ToolDescription.new(
                _text(fn.get("name", _UNDEF), f"tools[{i}].name"),
                _text(fn.get("description", ""), f"tools[{i}].description"),
                dict(params) if params else None,
            )
        )
    if instructions or descriptions:
        dev = DeveloperContent.new()
        if instructions:
            dev = dev.with_instructions(instructions)
        if descriptions:
            dev = dev.with_function_tools(descriptions)
        out.append(Message.from_role_and_content(Role.DEVELOPER, dev))
    calls_by_id: Dict[Any, str] = {}
    last_call: Optional[str] = None
    for i, m in loop:
        role = m["role"]
        if role == "user":
            out.append(Message.from_role_and_content(Role.USER, _text(m.get("content", _UNDEF), f"messages[{i}].content")))
        elif role == "assistant":
            for field in ("content", "thinking"):
                v = m.get(field)
                if isinstance(v, str) and "<|channel|>" in v:
                    raise ChatTemplateError(f"messages[{i}].{field} contains <|channel|>: pass analysis text in 'thinking'")
            thinking = m.get("thinking")
            content = m.get("content")
            calls = m.get("tool_calls") or []
            if "thinking" in m:  # even empty: the layout said there was (empty) reasoning
                out.append(
                    Message.from_role_and_content(Role.ASSISTANT, _text(thinking, f"messages[{i}].thinking"))
                    .with_channel("analysis")
                )
            if calls:
                if content:
                    # Text beside a call is the model's preamble: commentary, as gpt-oss emits it.
                    out.append(
                        Message.from_role_and_content(Role.ASSISTANT, _text(content, f"messages[{i}].content"))
                        .with_channel("commentary")
                    )
                if not isinstance(calls, (list, tuple)):
                    raise ChatTemplateError(f"messages[{i}].tool_calls must be a list")
                for j, call in enumerate(calls):
                    name, args, cid = _call_parts(call, f"messages[{i}].tool_calls[{j}]")
                    out.append(
                        Message.from_role_and_content(Role.ASSISTANT, args)
                        .with_channel("commentary")
                        .with_recipient("functions." + name)
                        .with_content_type("<|constrain|>json")
                    )
                    if cid is not None:
                        calls_by_id[cid] = name
                    last_call = name
            else:
                if content is None and "thinking" not in m:
                    raise ChatTemplateError(f"messages[{i}].content is missing")
                if content is not None:
                    out.append(
                        Message.from_role_and_content(Role.ASSISTANT, _text(content, f"messages[{i}].content"))
                        .with_channel("final")
                    )
        elif role == "tool":
            ref = m.get("tool_call_id")
            if ref is not None:
                if ref not in calls_by_id:
                    raise ChatTemplateError(f"messages[{i}].tool_call_id {ref!r} matches no preceding tool call")
                name = calls_by_id[ref]
            elif m.get("name"):
                name = _text(m["name"], f"messages[{i}].name")
                name = name.removeprefix("functions.")
            elif last_call is not None:
                name = last_call
            else:
                raise ChatTemplateError(f"messages[{i}]: tool message with no preceding tool call")
            content = m.get("content", _UNDEF)
            if content is _UNDEF or isinstance(content, (list, tuple)):
                _text(content, f"messages[{i}].content")
            # A structured result is sent as its JSON text, as the template does.
            text = content if isinstance(content, str) else _tojson(content)
            out.append(
                Message.from_author_and_content(Author.new(Role.TOOL, "functions." + name), text)
                .with_channel("commentary")
                .with_recipient("assistant")
            )
        else:
            raise ChatTemplateError(f"messages[{i}].role: a {role} message is only accepted as the first message")
    return Conversation.from_messages(out)


# -- the way back -------------------------------------------------------------------------------


def _message_text(msg: Message) -> str:
    parts = []
    for c in msg.content:
        if not isinstance(c, TextContent):
            raise ChatTemplateError(f"a {type(c).__name__} has no chat-layout form")
        parts.append(c.text)
    return "".join(parts)


def _new_call_id() -> str:
    return "call_" + uuid.uuid4().hex[:24]


def to_chat_message(messages: Iterable[Message]) -> Dict[str, Any]:
    """One chat-layout assistant dict from the Harmony messages of one assistant turn.

    analysis → ``thinking`` (and ``reasoning_content``); final / plain commentary → ``content``;
    calls to ``functions.NAME`` → ``tool_calls`` with generated ids and JSON argument strings.
    """
    thinking: List[str] = []
    content: List[str] = []
    calls: List[Dict[str, Any]] = []
    for m in messages:
        if m.author.role != Role.ASSISTANT:
            raise ChatTemplateError(f"to_chat_message takes assistant messages, got a {m.author.role.value} message")
        text = _message_text(m)
        recipient = m.recipient
        if recipient and recipient != "assistant":
            name = recipient.removeprefix("functions.")
            calls.append({"id": _new_call_id(), "type": "function", "function": {"name": name, "arguments": text}})
        elif m.channel == "analysis":
            thinking.append(text)
        else:
            content.append(text)
    out: Dict[str, Any] = {"role": "assistant", "content": "".join(content) if content else None}
    if thinking:
        out["thinking"] = out["reasoning_content"] = "".join(thinking)
    if calls:
        out["tool_calls"] = calls
    return out


def conversation_to_chat(conversation: Conversation) -> Dict[str, Any]:
    """``{"messages": [...], "tools": [...]}`` of a Harmony conversation, plus the system message's
    settings as the keywords of ``from_chat_messages`` (reasoning_effort, conversation_start_date, ...)."""
    settings: Dict[str, Any] = {}
    msgs: List[Dict[str, Any]] = []
    tools: List[Dict[str, Any]] = []
    pending: List[Message] = []
    ids: Dict[str, List[str]] = {}

    def flush() -> None:
        if pending:
            d = to_chat_message(pending)
            for c in d.get("tool_calls", ()):
                ids.setdefault(c["function"]["name"], []).append(c["id"])
            msgs.append(d)
            pending.clear()

    for m in conversation.messages:
        role = m.author.role
        if role == Role.ASSISTANT:
            # One assistant dict per turn: it closes after a final message, or after its calls
            # (consecutive calls are one message's tool_calls).
            is_call = m.recipient not in (None, "assistant")
            if pending and (
                pending[-1].channel == "final" or (pending[-1].recipient not in (None, "assistant") and not is_call)
            ):
                flush()
            pending.append(m)
            continue
        flush()
        if role == Role.SYSTEM:
            c = m.content[0] if m.content else None
            if isinstance(c, SystemContent):
                # The layout keeps these as apply_chat_template / from_chat_messages keywords.
                if c.reasoning_effort is not None:
                    settings["reasoning_effort"] = c.reasoning_effort.value.lower()
                if c.conversation_start_date is not None:
                    settings["conversation_start_date"] = c.conversation_start_date
                if c.model_identity is not None and c.model_identity != _DEFAULT_IDENTITY:
                    settings["model_identity"] = c.model_identity
                if c.tools:
                    settings["builtin_tools"] = [k for k in c.tools if k in ("browser", "python")]
            else:
                msgs.insert(0, {"role": "system", "content": _message_text(m)})
            continue
        if role == Role.DEVELOPER:
            c = m.content[0] if m.content else None
            if isinstance(c, DeveloperContent):
                if c.instructions:
                    msgs.insert(0, {"role": "system", "content": c.instructions})
                for ns in (c.tools or {}).values():
                    for t in ns.tools:
                        fn: Dict[str, Any] = {"name": t.name, "description": t.description}
                        if t.parameters is not None:
                            fn["parameters"] = t.parameters
                        tools.append({"type": "function", "function": fn})
            else:
                msgs.insert(0, {"role": "system", "content": _message_text(m)})
        elif role == Role.TOOL:
            name = m.author.name or ""
            short = name.removeprefix("functions.")
            queue = ids.get(short) or []
            msg: Dict[str, Any] = {"role": "tool", "content": _message_text(m)}
            if queue:
                msg["tool_call_id"] = queue.pop(0)
            msgs.append(msg)
        else:
            msgs.append({"role": "user", "content": _message_text(m)})
    flush()
    return {"messages": msgs, "tools": tools, **settings}


def chat_rows_kwargs(kwargs: Mapping[str, Any]) -> Dict[str, Any]:
    """The template kwargs of a dataset row or call, checked by name."""
    allowed = ("reasoning_effort", "model_identity", "builtin_tools", "conversation_start_date")
    bad = [k for k in kwargs if k not in allowed]
    if bad:
        raise TypeError(f"unexpected keyword argument {bad[0]!r}")
    return dict(kwargs)



# -- dataset rows ---------------------------------------------------------------------------------

_CHAT_FIELDS = ("thinking", "reasoning_content", "reasoning", "tool_calls", "tool_call_id")
_HARMONY_FIELDS = ("channel", "recipient", "content_type")
_ROW_KWARGS = ("reasoning_effort", "model_identity", "builtin_tools", "conversation_start_date")


class ChatRow:
    """A dataset row in the chat layout, to be rendered with the gpt-oss template."""

    __slots__ = ("messages", "tools", "kwargs")

    def __init__(self, messages: List[Any], tools: Any, kwargs: Dict[str, Any]) -> None:
        self.messages, self.tools, self.kwargs = messages, tools, kwargs


def _layout_markers(value: Any) -> Tuple[List[str], List[str], Any, Any]:
    """(chat-only fields, Harmony-only fields, messages, tools) found in a row."""
    if isinstance(value, Mapping):
        if "messages" not in value:
            raise ValueError('expected {"messages": [...]} or a list of messages: no "messages" key')
        messages, tools = value["messages"], value.get("tools")
    elif isinstance(value, list):
        messages, tools = value, None
    else:
        raise ValueError(f"expected {{\"messages\": [...]}} or a list of messages, got {type(value).__name__}")
    if not isinstance(messages, list):
        raise ValueError(f'"messages" must be a list, got {type(messages).__name__}')
    chat: List[str] = ["tools"] if tools else []
    harmony: List[str] = []
    for i, m in enumerate(messages, 1):
        if not isinstance(m, Mapping):
            continue
        chat += [f"message {i}: {k}" for k in _CHAT_FIELDS if m.get(k) is not None]
        harmony += [f"message {i}: {k}" for k in _HARMONY_FIELDS if m.get(k) is not None]
        if isinstance(m.get("content"), list):
            harmony.append(f"message {i}: content list")
    return chat, harmony, messages, tools


def read_row(value: Any, fmt: str, template: str, date: str) -> Union[Conversation, ChatRow, Any]:
    """One decoded dataset row as a Harmony conversation (JSON value, for the existing reader),
    a ``Conversation`` (chat layout, Harmony rendering) or a ``ChatRow`` (chat layout, gpt-oss template).

    ``fmt`` "harmony" rejects rows with chat-only fields (they would be dropped); "auto" reads a
    row by its layout-only fields and rejects a row that has none (it fits both) or both.
    """
    chat, harmony, messages, tools = _layout_markers(value)
    if fmt == "auto":
        if chat and harmony:
            raise ValueError(f"mixes chat-layout fields ({chat[0]}) and Harmony fields ({harmony[0]})")
        if not chat and not harmony:
            raise ValueError(
                "plain role/content messages fit both the Harmony and the chat layout: choose one with --format"
            )
        fmt = "chat" if chat else "harmony"
    if fmt == "harmony":
        if chat:
            raise ValueError(f"has chat-layout fields ({chat[0]}) that Harmony rows do not have: use --format chat")
        return value
    kwargs: Dict[str, Any] = {"conversation_start_date": date}
    if isinstance(value, Mapping):
        kwargs.update({k: value[k] for k in _ROW_KWARGS if value.get(k) is not None})
    if template == "harmony":
        return conversation_from_chat(messages, tools, **kwargs)
    return ChatRow(messages, tools, kwargs)


def chat_row_example(encoding: HarmonyEncoding, row: ChatRow, train_on: str) -> Tuple[List[int], List[int]]:
    """(tokens, mask) of a chat row with the gpt-oss template, mask after each ``<|start|>assistant``.

    ``train_on="last"`` keeps the mask of the assistant turns after the last other message only.
    """
    pieces, gen = render_gpt_oss(row.messages, row.tools, **row.kwargs)
    encoded = _encode_checked(encoding, pieces)
    last = max((k for k, g in enumerate(gen) if not g), default=-1) if train_on == "last" else -1
    tokens: List[int] = []
    mask: List[int] = []
    for k, (part, is_gen) in enumerate(zip(encoded, gen)):
        tokens += part
        mask += _generated_mask(encoding, part) if is_gen and k > last else [0] * len(part)
    return tokens, mask
