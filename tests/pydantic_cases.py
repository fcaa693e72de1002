"""Shapes real clients build with the data model as pydantic models, run against both packages.

scripts/gen_pydantic_goldens.py evaluates every case with the official 0.0.8 (and pydantic,
FastAPI) and records the outcome in golden/pydantic_cases.json; tests/test_pydantic_interop.py
evaluates them with this package and compares.  Imports only openai_harmony, pydantic and
fastapi, so the same file runs in both environments.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

SETUP = r'''
import json, pickle, warnings, decimal, enum, copy
from typing import Any, Dict, List, Optional, Union
import pydantic
from pydantic import BaseModel, TypeAdapter
import openai_harmony as H
from openai_harmony import (Author, ChannelConfig, Content, Conversation, DeveloperContent, Message,
    ReasoningEffort, RenderConversationConfig, RenderOptions, Role, SystemContent, TextContent,
    ToolDescription, ToolNamespaceConfig)

class One(enum.IntEnum):
    ONE = 1

class Req(BaseModel):  # vLLM's request protocols declare fields like these
    previous_input_messages: Optional[List[Union[Message, dict]]] = None
    conversation: Optional[Conversation] = None

class Resp(BaseModel):
    message: Message
    config: RenderConversationConfig = RenderConversationConfig()

MSGS = TypeAdapter(List[Message])
m = Message.from_role_and_content(Role.USER, "hi \u00e9").with_channel("final")
sysm = Message.from_role_and_content(Role.SYSTEM, SystemContent.new().with_browser_tool())
devm = Message.from_role_and_content(Role.DEVELOPER, DeveloperContent.new().with_instructions("be brief")
    .with_function_tools([ToolDescription.new("f", "d", {"type": "object", "properties": {}})]))
conv = Conversation.from_messages([sysm, devm, m])

def warned(fn):
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        value = fn()
    return value, [(w.category.__name__, str(w.message)) for w in got]

try:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
except ImportError:  # the test skips the FastAPI cases
    client = None
else:
    app = FastAPI()

    @app.post("/echo", response_model=Resp)
    def echo(req: Req) -> Resp:
        msgs = [x if isinstance(x, Message) else Message.from_dict(x) if "role" in x else Message.model_validate(x)
                for x in req.previous_input_messages or []]
        return Resp(message=msgs[-1])

    @app.post("/messages")
    def messages(body: List[Message]) -> List[Message]:
        return [x.with_recipient("r") for x in body]

    @app.post("/conversation")
    def conversation(c: Conversation) -> Dict[str, Any]:
        return {"n": len(c.messages), "roles": [x.author.role.value for x in c.messages],
                "types": [type(x.content[0]).__name__ for x in c.messages if x.content]}

    client = TestClient(app)

def post(path, body):
    r = client.post(path, json=body)
    data = r.json()
    if r.status_code == 422:
        data = [(e["type"], e["loc"], e["msg"]) for e in data["detail"]]
    return r.status_code, data
'''

MSG = {"author": {"role": "user", "name": None}, "content": [{"type": "text", "text": "x"}]}

# (id, expression) evaluated in SETUP's namespace.
CASES: List[Tuple[str, str]] = [
    # -- pydantic fields, union members, TypeAdapter, JSON --
    ("req_instances", "Req(previous_input_messages=[m, {'a': 1}], conversation=conv).previous_input_messages"),
    ("req_dict_is_message", "type(Req(previous_input_messages=[%r]).previous_input_messages[0]).__name__" % (MSG,)),
    ("req_conversation_dict", "Req(conversation={'messages': [%r]}).conversation.messages[0].author" % (MSG,)),
    ("req_dump_json", "Req(previous_input_messages=[m], conversation=conv).model_dump(mode='json')"),
    ("req_dump_python", "Req(previous_input_messages=[m]).model_dump()"),
    ("req_dump_json_str", "Req(conversation=Conversation.from_messages([m])).model_dump_json()"),
    ("req_schema", "Req.model_json_schema()"),
    ("req_serialization_schema", "Req.model_json_schema(mode='serialization')"),
    ("req_invalid_item", "Req(previous_input_messages=[5, 'x'])"),
    ("req_invalid_conversation", "Req(conversation={'messages': [{'author': {'role': 'robot'}}, 3]})"),
    ("req_invalid_nested", "Req(conversation={'messages': [{'author': 5, 'content': 'x', 'channel': 1}]})"),
    ("req_validate_json", "Req.model_validate_json(json.dumps({'previous_input_messages': [%r]})).previous_input_messages" % (MSG,)),
    ("req_validate_json_bad", "Req.model_validate_json('{\"conversation\": {\"messages\": [{\"author\": {}}]}}')"),
    ("resp_default_config", "Resp(message=m).config"),
    ("ta_list", "MSGS.validate_python([m, %r])" % (MSG,)),
    ("ta_list_identity", "MSGS.validate_python([m])[0] is m"),
    ("ta_list_errors", "MSGS.validate_python([m, 5, {'author': {'role': 'x'}}, {}])"),
    ("ta_list_not_list", "MSGS.validate_python(m)"),
    ("ta_dump", "MSGS.dump_python([m], mode='json')"),
    ("ta_dump_json", "MSGS.dump_json([m])"),
    ("ta_schema", "MSGS.json_schema()"),
    ("ta_json", "MSGS.validate_json(json.dumps([%r]))" % (MSG,)),
    ("ta_author", "TypeAdapter(Author).validate_python({'role': 'tool', 'name': 'x'})"),
    ("ta_optional_message", "TypeAdapter(Optional[Message]).validate_python(None)"),
    # -- model_validate / model_validate_json --
    ("validate_message", "Message.model_validate(%r)" % (MSG,)),
    ("validate_message_instance", "Message.model_validate(m) is m"),
    ("validate_not_dict", "Message.model_validate('user')"),
    ("validate_errors", "Message.model_validate({'author': {'role': 'x', 'name': 5}, 'content': 5, 'recipient': []})"),
    ("validate_json", "Message.model_validate_json(json.dumps(%r))" % (MSG,)),
    ("validate_json_bytes", "Author.model_validate_json(b'{\"role\": \"assistant\"}')"),
    ("validate_json_invalid", "Author.model_validate_json('{\"role\": ')"),
    ("validate_json_errors", "ChannelConfig.model_validate_json('{\"valid_channels\": [1, \"a\"], \"channel_required\": \"maybe\"}')"),
    ("validate_system", "SystemContent.model_validate({'tools': {'b': {'name': 'b', 'tools': [{'name': 't', 'description': 'd'}]}}}).tools"),
    ("validate_conversation_invalid", "Conversation.model_validate({'messages': [{'author': {'role': 'user'}, 'content': [3]}, None]})"),
    ("validate_strings", "RenderOptions.model_validate_strings({'conversation_has_function_tools': 'true'})"),
    ("from_messages_invalid", "Conversation.from_messages([SystemContent.new()])"),
    # -- the v2 surface --
    ("fields_author", "Author.model_fields"),
    ("fields_message", "Message.model_fields"),
    ("fields_system", "SystemContent.model_fields"),
    ("fields_set_new", "Author(role='user').model_fields_set"),
    ("fields_set_given_none", "sorted(Author(role='user', name=None).model_fields_set)"),
    ("fields_set_fluent", "sorted(Message.from_role_and_content(Role.USER, 'x').with_channel('c').model_fields_set)"),
    ("fields_set_parsed", "sorted(Message.from_dict({'role': 'user', 'content': 'x'}).model_fields_set)"),
    ("dump_exclude_unset", "SystemContent(model_identity='x').model_dump(exclude_unset=True)"),
    ("dump_exclude_defaults", "SystemContent(model_identity='x').model_dump(exclude_defaults=True)"),
    ("dump_include", "SystemContent.new().model_dump(include={'model_identity', 'knowledge_cutoff'})"),
    ("dump_exclude", "Author(role='user', name='n').model_dump(exclude={'name'})"),
    ("dump_json_indent", "Author(role='user', name='n').model_dump_json(indent=2)"),
    ("dump_json_exclude_none", "SystemContent.new().model_dump_json(exclude_none=True)"),
    ("dump_round_trip", "ChannelConfig.require_channels(['a']).model_dump(round_trip=True)"),
    ("construct", "Author.model_construct(role='anything')"),
    ("construct_defaults", "SystemContent.model_construct(model_identity=5)"),
    ("construct_fields_set", "sorted(SystemContent.model_construct(model_identity=5).model_fields_set)"),
    ("copy_update", "(lambda c: (c, sorted(c.model_fields_set)))(Author(role='user').model_copy(update={'name': 5}))"),
    ("copy_update_unknown", "(lambda c: (c, vars(c)))(Author(role='user').model_copy(update={'zzz': 1}))"),
    ("copy_deep", "(lambda a: (lambda c: (c == a, c.tools is a.tools))(a.model_copy(deep=True)))(DeveloperContent(tools={}))"),
    ("copy_deep_update", "(lambda a: (lambda c: (c.tools is a.tools, c.instructions))(a.model_copy(deep=True, update={'instructions': 'i'})))(DeveloperContent(tools={}))"),
    ("copy_module", "(lambda a: (copy.copy(a) == a, copy.copy(a).tools is a.tools, copy.deepcopy(a).tools is a.tools))(DeveloperContent(tools={}))"),
    ("config", "Author.model_config"),
    ("computed", "Author.model_computed_fields"),
    ("extra", "Author(role='user').model_extra"),
    ("post_init", "Author(role='user').model_post_init(None)"),
    ("rebuild", "Author.model_rebuild()"),
    ("iter", "list(Author(role='user', name='n'))"),
    ("iter_conversation", "list(Conversation.from_messages([m]))[0] is m"),
    ("eq", "(Author(role='user') == Author(role='user'), Author(role='user') == Author(role='user', name='x'))"),
    ("hash", "hash(Author(role='user'))"),
    ("vars", "vars(Author(role='user', name='n'))"),
    ("getstate", "Author(role='user', name='n').__getstate__()"),
    # -- v1 names (pydantic keeps them, with a DeprecationWarning) --
    ("v1_dict", "warned(lambda: Author(role='user').dict())"),
    ("v1_json", "warned(lambda: Author(role='user').json())"),
    ("v1_copy", "warned(lambda: Author(role='user').copy())"),
    ("v1_copy_update", "warned(lambda: Author(role='user').copy(update={'name': 'n'}))"),
    ("v1_parse_obj", "warned(lambda: Author.parse_obj({'role': 'tool'}))"),
    ("v1_parse_raw", "warned(lambda: Author.parse_raw('{\"role\": \"tool\"}'))"),
    ("v1_construct", "warned(lambda: Author.construct(role='user'))"),
    ("v1_schema", "warned(lambda: RenderOptions.schema())"),
    ("v1_schema_json", "warned(lambda: RenderOptions.schema_json())"),
    ("v1_validate", "warned(lambda: Author.validate({'role': 'tool'}))"),
    ("v1_update_forward_refs", "warned(lambda: Author.update_forward_refs())"),
    ("v1_fields_set", "warned(lambda: Author(role='user').__fields_set__)"),
    ("v1_from_orm", "warned(lambda: Author.from_orm(Author(role='user')))"),
    # -- attribute assignment --
    ("setattr_unknown", "setattr(Author(role='user'), 'foo', 1)"),
    ("setattr_method", "setattr(m, 'to_dict', 1)"),
    ("setattr_private", "(lambda a: (setattr(a, '_x', 1), a._x, vars(a)))(Author(role='user'))"),
    ("setattr_field_unvalidated", "(lambda a: (setattr(a, 'name', 5), a.name, sorted(a.model_fields_set)))(Author(role='user'))"),
    # -- constructors: coercions and errors --
    ("positional", "Author(Role.USER)"),
    ("positional_message", "Message(Author(role='user'))"),
    ("author_str", "Message(author='user', content=[])"),
    ("bool_spaces", "RenderOptions(conversation_has_function_tools=' true ')"),
    ("bool_decimal", "RenderOptions(conversation_has_function_tools=decimal.Decimal('1'))"),
    ("text_intenum", "TextContent(text=One.ONE)"),
    ("missing", "ToolNamespaceConfig()"),
    ("many_errors", "SystemContent(model_identity=1, reasoning_effort='x', conversation_start_date=[], knowledge_cutoff=2.5, channel_config=3, tools=4)"),
    ("extra_ignored", "Author(role='user', bogus=1)"),
    ("signature", "str(__import__('inspect').signature(SystemContent))"),
    ("signature_author", "str(__import__('inspect').signature(Author))"),
    # -- printing --
    ("str_author", "str(Author(role='user', name='x'))"),
    ("str_message", "str(m)"),
    ("repr_message", "repr(m)"),
    ("repr_system", "repr(SystemContent.new())"),
    ("str_conversation", "str(Conversation.from_messages([m]))"),
    ("repr_content", "repr(Content())"),
    ("module", "[c.__module__ for c in (Author, Content, TextContent, SystemContent, DeveloperContent, Message, Conversation, ToolDescription, ToolNamespaceConfig, ChannelConfig, RenderConversationConfig, RenderOptions, Role, ReasoningEffort)]"),
    # -- the official's data loss (ours keeps the data; see test_pydantic_interop.LOSSLESS) --
    ("dump_message", "m.model_dump()"),
    ("dump_message_json", "m.model_dump_json()"),
    ("roundtrip_message", "Message.model_validate(m.model_dump()).to_dict()"),
    ("roundtrip_conversation", "Conversation.model_validate_json(conv.model_dump_json()).to_dict()"),
    ("dict_content_untyped", "Message.model_validate({'author': {'role': 'user'}, 'content': [{'text': 'x'}]}).content"),
    ("dict_content_empty", "Message.model_validate({'author': {'role': 'user'}, 'content': [{}]}).content"),
    ("dict_content_typed", "Message.model_validate({'author': {'role': 'user'}, 'content': [{'type': 'text', 'text': 'x'}]}).content"),
    # -- FastAPI request and response bodies --
    ("api_echo", "post('/echo', {'previous_input_messages': [%r, m.to_dict()]})" % (MSG,)),
    ("api_echo_invalid", "post('/echo', {'previous_input_messages': 5})"),
    ("api_echo_invalid_conversation", "post('/echo', {'conversation': {'messages': [{'author': {'role': 'x'}}]}})"),
    ("api_messages", "post('/messages', [%r])" % (MSG,)),
    ("api_messages_invalid", "post('/messages', [{'author': {'role': 'user'}}, {'content': []}, 3])"),
    ("api_conversation", "post('/conversation', json.loads(conv.model_dump_json()))"),
    ("api_conversation_invalid", "post('/conversation', {'messages': 'x'})"),
    ("api_openapi", "client.get('/openapi.json').json()"),
]

# Cases whose outcome differs from the official's on purpose: the official loses message
# contents ([{}], base ``Content()`` objects, NotImplementedError on to_dict).
LOSSLESS = {
    "req_dump_json", "req_dump_python", "req_dump_json_str", "ta_list", "ta_dump", "ta_dump_json",
    "ta_json", "validate_message", "validate_json", "dump_message", "dump_message_json",
    "roundtrip_message", "roundtrip_conversation", "dict_content_untyped", "dict_content_typed",
    "api_echo", "api_messages", "api_conversation",
}


def outcome(expr: str, ns: Dict[str, Any]) -> Dict[str, Any]:
    """What evaluating ``expr`` gives: a canonical value, or the error with pydantic's details."""
    try:
        value = eval(expr, ns)
    except Exception as exc:  # noqa: BLE001 - every outcome is recorded
        out: Dict[str, Any] = {"error": type(exc).__name__}
        errors = getattr(exc, "errors", None)
        if callable(errors) and type(exc).__name__ == "ValidationError":
            out["title"] = exc.title  # type: ignore[attr-defined]
            out["errors"] = [
                [e["type"], [str(x) for x in e["loc"]], e["msg"], repr(e.get("input"))[:200]]
                for e in errors()
            ]
        else:
            out["message"] = str(exc)
        return out
    return {"value": canon(value)}


def canon(value: Any) -> Any:
    """JSON-able form of a value (repr for model objects, so that their printing is compared)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, bytes):
        return {"bytes": value.decode("utf-8", "replace")}
    if isinstance(value, dict):
        return {"dict": [[canon(k), canon(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [canon(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {"set": sorted(map(repr, value))}
    return {"repr": repr(value)}


def fields_table() -> List[Tuple[str, str, str]]:
    """(class, field, value expression): every field of every model × odd values."""
    odd = [
        "None", "True", "False", "0", "1", "2", "-1", "1.0", "0.5", "float('nan')",
        "decimal.Decimal('1')", "decimal.Decimal('0.0')", "decimal.Decimal('2')", "One.ONE",
        "'true'", "' true '", "'TRUE'", "'yes'", "'off'", "'0'", "'x'", "''", "'user'",
        "'Medium'", "'medium'", "b'abc'", "bytearray(b'ab')", "b'\\xff'", "Role.USER",
        "ReasoningEffort.HIGH", "[]", "['a']", "[1]", "('a',)", "{'a'}", "{}", "{'a': 1}",
        "{'name': 'n', 'tools': []}", "{'role': 'tool'}", "{'valid_channels': ['a'], 'channel_required': 1}",
        "[{'type': 'text', 'text': 'x'}]", "['x']", "[TextContent(text='x')]", "TextContent(text='x')",
        "Author(role='user')", "object()",
    ]
    fields = {
        "Author": ["role", "name"],
        "TextContent": ["text"],
        "ToolDescription": ["name", "description", "parameters"],
        "ToolNamespaceConfig": ["name", "description", "tools"],
        "ChannelConfig": ["valid_channels", "channel_required"],
        "SystemContent": ["model_identity", "reasoning_effort", "conversation_start_date",
                          "knowledge_cutoff", "channel_config", "tools"],
        "DeveloperContent": ["instructions", "tools"],
        "Message": ["author", "content", "channel", "recipient", "content_type"],
        "Conversation": ["messages"],
        "RenderConversationConfig": ["auto_drop_analysis"],
        "RenderOptions": ["conversation_has_function_tools"],
    }
    return [(cls, name, value) for cls, names in fields.items() for name in names for value in odd]


# Valid values for the other required fields, so that only the field under test can fail.
BASE_ARGS = {
    "Author": "role='user'",
    "ToolDescription": "name='n', description='d'",
    "ToolNamespaceConfig": "name='n', tools=[]",
    "ChannelConfig": "valid_channels=['a'], channel_required=True",
    "Message": "author=Author(role='user')",
}


def field_expr(cls: str, name: str, value: str) -> str:
    """``Cls(<valid others>, name=value)`` as ``getattr(result, name)``."""
    base = BASE_ARGS.get(cls, "")
    others = ", ".join(a for a in base.split(", ") if a and not a.startswith(name + "="))
    args = f"{others}, {name}={value}" if others else f"{name}={value}"
    return f"getattr({cls}({args}), {name!r})"


def coercion_outcome(expr: str, ns: Dict[str, Any]) -> Dict[str, Any]:
    """Accepted (with the stored value) or rejected (with pydantic's error types)."""
    got = outcome(expr, ns)
    if "errors" in got:
        return {"error": got["error"], "types": sorted({e[0] for e in got["errors"]})}
    return got



# Objects pickled by each package and loaded by the other (scripts/gen_pydantic_goldens.py).
PICKLES: List[Tuple[str, str]] = [
    ("author", "Author(role='tool', name='x')"),
    ("author_unset", "Author(role='user')"),
    ("message", "m"),
    ("system", "sysm"),
    ("developer", "devm"),
    ("conversation", "conv"),
    ("channel", "ChannelConfig.require_channels(['a'])"),
    ("options", "RenderOptions(conversation_has_function_tools=True)"),
    ("config", "RenderConversationConfig()"),
    ("content", "Content()"),
    ("parsed", "Message.from_dict({'role': 'assistant', 'content': 'x', 'channel': 'final'})"),
]
