"""Wrong arguments to every public callable: exact error type and message, both backends.

The calls are in arg_error_cases.py; what the official 0.0.8 raises for each was recorded
by scripts/gen_arg_error_goldens.py into golden/arg_errors.json.  Every call must raise a
TypeError / ValueError / HarmonyError whose message names the argument.  Where the
official error already does, ours is identical; where it does not (``DELIBERATE`` below,
documented in README "Errors"), ours names the argument and is still an instance of the
official error's type.
"""

from __future__ import annotations

import json
import os
import re
import sys

import pytest

import openai_harmony
from openai_harmony import HarmonyError

from arg_error_cases import CASES, SETUP

_HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(_HERE, "golden", "arg_errors.json"), encoding="utf-8") as _fh:
    GOLDEN = json.load(_fh)["cases"]

DELIBERATE = {
    'encode_none': ('TypeError', "argument 'text': expected string or bytes-like object, got 'NoneType'"),
    'encode_float': ('TypeError', "argument 'text': expected string or bytes-like object, got 'float'"),
    'encode_bytes': ('TypeError', "argument 'text': cannot use a string pattern on a bytes-like object"),
    'encode_list': ('TypeError', "argument 'text': expected string or bytes-like object, got 'list'"),
    'encode_allowed_none': ('TypeError', "argument 'allowed_special': 'NoneType' object is not iterable"),
    'encode_allowed_float': ('TypeError', "argument 'allowed_special': 'float' object is not iterable"),
    'encode_disallowed_float': ('TypeError', "argument 'disallowed_special': 'float' object is not iterable"),
    'encode_disallowed_ints': ('TypeError', "argument 'disallowed_special': decoding to str: need a bytes-like object, int found"),
    'decode_none': ('TypeError', "argument 'tokens': 'NoneType' object is not iterable"),
    'decode_float': ('TypeError', "argument 'tokens': 'float' object is not iterable"),
    'decode_int': ('TypeError', "argument 'tokens': 'int' object is not iterable"),
    'decode_negative': ('ArgumentOverflowError', "argument 'tokens': out of range integral type conversion attempted"),
    'decode_u32': ('ArgumentOverflowError', "argument 'tokens': out of range integral type conversion attempted"),
    'decode_huge': ('ArgumentOverflowError', "argument 'tokens': Python int too large to convert to C long"),
    'decode_errors_bogus': ('ArgumentLookupError', "argument 'errors': unknown error handler name 'bogus'"),
    'decode_utf8_none': ('TypeError', "argument 'tokens': 'NoneType' object is not iterable"),
    'decode_utf8_negative': ('ArgumentOverflowError', "argument 'tokens': out of range integral type conversion attempted"),
    'decode_utf8_huge': ('ArgumentOverflowError', "argument 'tokens': Python int too large to convert to C long"),
    'is_special_negative': ('ArgumentOverflowError', "argument 'token': out of range integral type conversion attempted"),
    'is_special_u32': ('ArgumentOverflowError', "argument 'token': out of range integral type conversion attempted"),
    'is_special_huge': ('ArgumentOverflowError', "argument 'token': Python int too large to convert to C long"),
    'completion_conv_none': ('ArgumentAttributeError', "argument 'conversation': expected Conversation, got NoneType"),
    'completion_conv_str': ('ArgumentAttributeError', "argument 'conversation': expected Conversation, got str"),
    'completion_conv_list': ('ArgumentAttributeError', "argument 'conversation': expected Conversation, got list"),
    'completion_conv_dict': ('ArgumentAttributeError', "argument 'conversation': expected Conversation, got dict"),
    'completion_role_none': ('ArgumentAttributeError', "argument 'next_turn_role': expected Role, got NoneType"),
    'completion_role_str': ('ArgumentAttributeError', "argument 'next_turn_role': expected Role, got str"),
    'completion_role_robot': ('ArgumentAttributeError', "argument 'next_turn_role': expected Role, got str"),
    'completion_config_float': ('ArgumentAttributeError', "argument 'config': expected RenderConversationConfig or None, got float"),
    'completion_config_dict': ('ArgumentAttributeError', "argument 'config': expected RenderConversationConfig or None, got dict"),
    'completion_nested_none': ('ArgumentAttributeError', "argument 'conversation': 'NoneType' object has no attribute 'to_dict'"),
    'completion_nested_str': ('ArgumentAttributeError', "argument 'conversation': 'str' object has no attribute 'to_dict'"),
    'completion_nested_set': ('TypeError', "argument 'conversation': Object of type set is not JSON serializable"),
    'conversation_none': ('ArgumentAttributeError', "argument 'conversation': expected Conversation, got NoneType"),
    'conversation_str': ('ArgumentAttributeError', "argument 'conversation': expected Conversation, got str"),
    'conversation_config_float': ('ArgumentAttributeError', "argument 'config': expected RenderConversationConfig or None, got float"),
    'conversation_nested_none': ('ArgumentAttributeError', "argument 'conversation': 'NoneType' object has no attribute 'to_dict'"),
    'training_none': ('ArgumentAttributeError', "argument 'conversation': expected Conversation, got NoneType"),
    'training_list': ('ArgumentAttributeError', "argument 'conversation': expected Conversation, got list"),
    'training_config_str': ('ArgumentAttributeError', "argument 'config': expected RenderConversationConfig or None, got str"),
    'training_nested_int': ('ArgumentAttributeError', "argument 'conversation': 'int' object has no attribute 'to_dict'"),
    'render_none': ('ArgumentAttributeError', "argument 'message': expected Message, got NoneType"),
    'render_str': ('ArgumentAttributeError', "argument 'message': expected Message, got str"),
    'render_options_float': ('ArgumentAttributeError', "argument 'render_options': expected RenderOptions or None, got float"),
    'render_options_dict': ('ArgumentAttributeError', "argument 'render_options': expected RenderOptions or None, got dict"),
    'render_nested_none': ('ArgumentAttributeError', "argument 'message': 'NoneType' object has no attribute 'to_dict'"),
    'render_nested_str': ('ArgumentAttributeError', "argument 'message': 'str' object has no attribute 'to_dict'"),
    'parse_none': ('TypeError', "argument 'tokens': 'NoneType' object is not iterable"),
    'parse_int': ('TypeError', "argument 'tokens': 'int' object is not iterable"),
    'parse_negative': ('ArgumentOverflowError', "argument 'tokens': out of range integral type conversion attempted"),
    'parse_huge': ('ArgumentOverflowError', "argument 'tokens': Python int too large to convert to C long"),
    'parse_role_str': ('ArgumentAttributeError', "argument 'role': expected Role or None, got str"),
    'parse_role_float': ('ArgumentAttributeError', "argument 'role': expected Role or None, got float"),
    'parser_encoding_none': ('ArgumentAttributeError', "argument 'encoding': expected HarmonyEncoding, got NoneType"),
    'parser_encoding_str': ('ArgumentAttributeError', "argument 'encoding': expected HarmonyEncoding, got str"),
    'parser_role_str': ('ArgumentAttributeError', "argument 'role': expected Role or None, got str"),
    'parser_role_float': ('ArgumentAttributeError', "argument 'role': expected Role or None, got float"),
    'process_negative': ('ArgumentOverflowError', "argument 'token': out of range integral type conversion attempted"),
    'process_u32': ('ArgumentOverflowError', "argument 'token': out of range integral type conversion attempted"),
    'process_huge': ('ArgumentOverflowError', "argument 'token': Python int too large to convert to C long"),
    'author_new_none': ('ValidationError', "Author.role: expected one of 'user', 'assistant', 'system', 'developer' or 'tool', got None"),
    'author_new_robot': ('ValidationError', "Author.role: expected one of 'user', 'assistant', 'system', 'developer' or 'tool', got 'robot'"),
    'author_new_name_float': ('ValidationError', 'Author.name: expected a string or None, got float 1.5'),
    'author_role_int': ('ValidationError', "Author.role: expected one of 'user', 'assistant', 'system', 'developer' or 'tool', got 5"),
    'text_none': ('ValidationError', 'TextContent.text: expected a string, got NoneType None'),
    'text_float': ('ValidationError', 'TextContent.text: expected a string, got float 1.5'),
    'message_role_none': ('ValidationError', "Author.role: expected one of 'user', 'assistant', 'system', 'developer' or 'tool', got None"),
    'message_role_robot': ('ValidationError', "Author.role: expected one of 'user', 'assistant', 'system', 'developer' or 'tool', got 'robot'"),
    'message_content_none': ('ValidationError', 'Message.content: expected a Content (TextContent, SystemContent or DeveloperContent), got NoneType None'),
    'message_content_float': ('ValidationError', 'Message.content: expected a Content (TextContent, SystemContent or DeveloperContent), got float 1.5'),
    'message_content_bytes': ('ValidationError', "Message.content: expected a Content (TextContent, SystemContent or DeveloperContent), got bytes b'hi'"),
    'message_contents_none': ('TypeError', "argument 'contents': 'NoneType' object is not iterable"),
    'message_contents_str': ('ValidationError', "Message.content: expected a Content (TextContent, SystemContent or DeveloperContent), got str 'h'"),
    'message_contents_nested': ('ValidationError', 'Message.content: expected a Content (TextContent, SystemContent or DeveloperContent), got NoneType None'),
    'message_author_none': ('ValidationError', 'Message.author: expected an Author, got NoneType None'),
    'message_author_int': ('ValidationError', 'Message.author: expected an Author, got int 5'),
    'message_from_dict_none': ('TypeError', "argument 'data': 'NoneType' object is not subscriptable"),
    'message_from_dict_str': ('TypeError', "argument 'data': string indices must be integers, not 'str'"),
    'message_from_dict_empty': ('ArgumentKeyError', "argument 'data': missing key 'role'"),
    'message_from_dict_no_content': ('ArgumentKeyError', "argument 'data': missing key 'content'"),
    'message_from_dict_content_none': ('TypeError', "argument 'data['content']': 'NoneType' object is not iterable"),
    'message_from_dict_content_int': ('TypeError', "argument 'data['content']': 'int' object is not iterable"),
    'message_from_dict_item_str': ('ArgumentAttributeError', "argument 'data['content']': 'str' object has no attribute 'get'"),
    'conversation_from_messages_none': ('TypeError', "argument 'messages': 'NoneType' object is not iterable"),
    'conversation_from_messages_int': ('TypeError', "argument 'messages': 'int' object is not iterable"),
    'conversation_from_messages_str': ('ValidationError', "Conversation.messages[0]: expected a Message, got str 'h'"),
    'conversation_from_messages_item_none': ('ValidationError', 'Conversation.messages[0]: expected a Message, got NoneType None'),
    'conversation_from_messages_item_float': ('ValidationError', 'Conversation.messages[0]: expected a Message, got float 1.5'),
    'conversation_from_json_none': ('TypeError', "argument 'payload': the JSON object must be str, bytes or bytearray, not NoneType"),
    'conversation_from_json_bad': ('JSONDecodeError', "argument 'payload': Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    'conversation_from_json_list': ('TypeError', "argument 'payload': list indices must be integers or slices, not str"),
    'conversation_from_json_empty': ('ArgumentKeyError', "argument 'payload': missing key 'messages'"),
    'conversation_from_json_null': ('TypeError', "argument 'payload['messages']': 'NoneType' object is not iterable"),
    'tool_name_none': ('ValidationError', 'ToolDescription.name: expected a string, got NoneType None'),
    'tool_description_none': ('ValidationError', 'ToolDescription.description: expected a string, got NoneType None'),
    'tool_parameters_str': ('ValidationError', "ToolDescription.parameters: expected a dict or None, got str 'x'"),
    'tool_parameters_list': ('ValidationError', 'ToolDescription.parameters: expected a dict or None, got list [1]'),
    'namespace_name_none': ('ValidationError', 'ToolNamespaceConfig.name: expected a string, got NoneType None'),
    'namespace_tools_none': ('ValidationError', 'ToolNamespaceConfig.tools: expected a list, got NoneType None'),
    'namespace_tools_item_none': ('ValidationError', 'ToolNamespaceConfig.tools: expected a ToolDescription, got None'),
    'channels_none': ('ValidationError', 'ChannelConfig.valid_channels: expected a list, got NoneType None'),
    'channels_str': ('ValidationError', "ChannelConfig.valid_channels: expected a list, got str 'abc'"),
    'channels_item_int': ('ValidationError', 'ChannelConfig.valid_channels[]: expected a string, got int 1'),
    'system_effort_bogus': ('ValidationError', "SystemContent.reasoning_effort: expected 'Low', 'Medium', 'High' or None, got 'bogus'"),
    'system_identity_float': ('ValidationError', 'SystemContent.model_identity: expected a string or None, got float 1.5'),
    'system_from_dict_none': ('TypeError', "argument 'raw': expected a dict, got NoneType"),
    'system_from_dict_effort': ('ValidationError', "SystemContent.reasoning_effort: expected 'Low', 'Medium', 'High' or None, got 'x'"),
    'system_with_tools_none': ('ArgumentAttributeError', "argument 'ns_config': expected ToolNamespaceConfig, got NoneType"),
    'system_with_tools_str': ('ArgumentAttributeError', "argument 'ns_config': expected ToolNamespaceConfig, got str"),
    'system_required_channels_none': ('ValidationError', 'ChannelConfig.valid_channels: expected a list, got NoneType None'),
    'developer_from_dict_none': ('TypeError', "argument 'raw': expected a dict, got NoneType"),
    'developer_instructions_int': ('ValidationError', 'DeveloperContent.instructions: expected a string or None, got int 5'),
    'developer_with_tools_none': ('ArgumentAttributeError', "argument 'ns_config': expected ToolNamespaceConfig, got NoneType"),
    'developer_function_tools_none': ('TypeError', "argument 'tools': 'NoneType' object is not iterable"),
    'developer_function_tools_item': ('ValidationError', 'ToolNamespaceConfig.tools: expected a ToolDescription, got None'),
    'developer_function_tools_str': ('ValidationError', "ToolNamespaceConfig.tools: expected a ToolDescription, got 'a'"),
    'config_bool_str': ('ValidationError', "RenderConversationConfig.auto_drop_analysis: expected a boolean, got str 'maybe'"),
    'config_bool_none': ('ValidationError', 'RenderConversationConfig.auto_drop_analysis: expected a boolean, got NoneType None'),
    'options_bool_float': ('ValidationError', 'RenderOptions.conversation_has_function_tools: expected a boolean, got float 0.5'),
}

# API the official package does not have: (id, name, expression, type, message).
OURS_ONLY = [
    ("encode_ordinary_none", "text", "enc.encode_ordinary(None)", "TypeError",
     "argument 'text': 'NoneType' object cannot be converted to 'PyString'"),
    ("encode_ordinary_bytes", "text", "enc.encode_ordinary(b'x')", "TypeError",
     "argument 'text': 'bytes' object cannot be converted to 'PyString'"),
    ("encode_batch_none", "texts", "enc.encode_batch(None)", "TypeError",
     "argument 'texts': 'NoneType' object is not iterable"),
    ("encode_batch_str", "texts", "enc.encode_batch('abc')", "TypeError",
     "argument 'texts': expected a sequence of strings, not a single string"),
    ("encode_batch_item", "text", "enc.encode_batch([None])", "TypeError",
     "argument 'text': 'NoneType' object cannot be converted to 'PyString'"),
    ("decode_bytes_none", "tokens", "enc.decode_bytes(None)", "TypeError",
     "argument 'tokens': 'NoneType' object is not iterable"),
    ("decode_bytes_item_none", "tokens", "enc.decode_bytes([None])", "TypeError",
     "argument 'tokens': 'NoneType' object cannot be interpreted as an integer"),
    ("decode_bytes_negative", "tokens", "enc.decode_bytes([-5])", "ArgumentOverflowError",
     "argument 'tokens': out of range integral type conversion attempted"),
    ("feed_negative", "token", "P().feed([-1])", "ArgumentOverflowError",
     "argument 'token': out of range integral type conversion attempted"),
    ("encode_batch_threads", "num_threads", "enc.encode_batch(['a'], num_threads='x')", "TypeError",
     "argument 'num_threads': expected int, got str"),
    ("mask_conv_none", "conversation", "enc.render_conversation_for_training_with_mask(None)",
     "ArgumentAttributeError", "argument 'conversation': expected Conversation, got NoneType"),
    ("mask_config_float", "config", "enc.render_conversation_for_training_with_mask(conv, 1.5)",
     "ArgumentAttributeError", "argument 'config': expected RenderConversationConfig or None, got float"),
    ("mask_train_on", "train_on", "enc.render_conversation_for_training_with_mask(conv, train_on='x')",
     "ValueError", "train_on must be 'all' or 'last', got 'x'"),
    ("batch_training_none", "conversations", "enc.render_conversations_for_training(None)", "TypeError",
     "argument 'conversations': 'NoneType' object is not iterable"),
    ("batch_training_str", "conversations", "enc.render_conversations_for_training('abc')", "TypeError",
     "argument 'conversations': expected an iterable of Conversation objects, got str"),
    ("batch_training_item", "conversation", "enc.render_conversations_for_training([conv, 'x'])",
     "ArgumentAttributeError", "argument 'conversation': expected Conversation, got str"),
    ("batch_mask_int", "conversations", "enc.render_conversations_for_training_with_mask(5)", "TypeError",
     "argument 'conversations': 'int' object is not iterable"),
    ("batch_mask_item", "conversation", "enc.render_conversations_for_training_with_mask([None])",
     "ArgumentAttributeError", "argument 'conversation': expected Conversation, got NoneType"),
    ("batch_completion_role", "next_turn_role", "enc.render_conversations_for_completion([conv], 'assistant')",
     "ArgumentAttributeError", "argument 'next_turn_role': expected Role, got str"),
    ("batch_threads", "num_threads", "enc.render_conversations_for_training([conv], num_threads=0)", "ValueError",
     "argument 'num_threads': must be at least 1, got 0"),
    ("decode_batch_none", "batch", "enc.decode_batch(None)", "TypeError",
     "argument 'batch': 'NoneType' object is not iterable"),
    ("decode_batch_str", "batch", "enc.decode_batch('abc')", "TypeError",
     "argument 'batch': expected a sequence of token lists, got str"),
    ("decode_batch_item", "tokens", "enc.decode_batch([None])", "TypeError",
     "argument 'tokens': 'NoneType' object is not iterable"),
    ("decode_batch_negative", "tokens", "enc.decode_batch([[-1]])", "ArgumentOverflowError",
     "argument 'tokens': out of range integral type conversion attempted"),
    ("parse_recover_str", "recover", "enc.parse_messages_from_completion_tokens(toks, recover='yes')", "TypeError",
     "argument 'recover': 'str' object cannot be converted to 'PyBool'"),
    ("parse_recover_none_tokens", "tokens", "enc.parse_messages_from_completion_tokens(None, recover=True)",
     "TypeError", "argument 'tokens': 'NoneType' object is not iterable"),
    ("parser_recover_float", "recover", "StreamableParser(enc, None, recover=1.5)", "TypeError",
     "argument 'recover': 'float' object cannot be converted to 'PyBool'"),
    ("parser_recover_encoding", "encoding", "StreamableParser(5, None, recover=True)", "ArgumentAttributeError",
     "argument 'encoding': expected HarmonyEncoding, got int"),
]

_ALLOWED = (TypeError, ValueError, HarmonyError)


@pytest.fixture(scope="module")
def env():
    namespace: dict = {}
    exec(SETUP, namespace)
    return namespace


def _outcome(expr: str, env: dict):
    try:
        eval(expr, env)
    except Exception as exc:
        return exc
    return None


def test_golden_covers_cases():
    assert sorted(GOLDEN) == sorted(c[0] for c in CASES)
    assert set(DELIBERATE) <= set(GOLDEN)


def _interpreter_neutral(message: str) -> str:
    # Some texts come from Python itself, recorded on 3.11; 3.9 and 3.10 say less.
    if sys.version_info < (3, 11) and message.endswith("string indices must be integers"):
        return message + ", not 'str'"
    return message


def _pydantic_neutral(message: str) -> str:
    # pydantic's texts link to the docs of its minor version (goldens: 2.14).
    return re.sub(r"errors\.pydantic\.dev/\d+\.\d+/", "errors.pydantic.dev/2.14/", message)


@pytest.fixture(params=["pydantic", "no-pydantic"])
def pydantic_mode(request, monkeypatch):
    """With pydantic installed the models raise its errors; without, our own."""
    from openai_harmony import _model

    if request.param == "no-pydantic":
        monkeypatch.setattr(_model, "_PYDANTIC", False)
    elif _model.pydantic_support() is None:
        pytest.skip("pydantic is not installed")
    return request.param


@pytest.mark.parametrize("case_id,name,expr", CASES, ids=[c[0] for c in CASES])
def test_official_call(case_id, name, expr, env, pydantic_mode):
    official = GOLDEN[case_id]
    exc = _outcome(expr, env)
    if official == "ok":
        assert exc is None
        return
    assert exc is not None, "no error raised"
    got = (type(exc).__name__, _pydantic_neutral(_interpreter_neutral(str(exc))))
    if case_id in DELIBERATE and DELIBERATE[case_id][0] == "ValidationError" and pydantic_mode == "pydantic":
        # pydantic's own ValidationError, as the official raises.
        assert got == (official["type"], official["message"])
        assert isinstance(exc, ValueError)
        return
    if case_id in DELIBERATE:
        assert got == DELIBERATE[case_id]
        # Still catchable as what the official raises.
        mro = {c.__name__ for c in type(exc).__mro__}
        assert set(official["bases"]) <= mro, (official["bases"], mro)
    else:
        assert got == (official["type"], official["message"])
    assert isinstance(exc, _ALLOWED), type(exc)
    assert name.lower() in str(exc).lower()


@pytest.mark.parametrize("case_id,name,expr,tp,message", OURS_ONLY, ids=[c[0] for c in OURS_ONLY])
def test_ours_only_call(case_id, name, expr, tp, message, env):
    exc = _outcome(expr, env)
    assert exc is not None
    assert (type(exc).__name__, str(exc)) == (tp, message)
    assert isinstance(exc, _ALLOWED)
    assert name in str(exc)


def test_argument_error_classes():
    from openai_harmony._compat import args as _args

    assert issubclass(_args.ArgumentAttributeError, (TypeError, AttributeError))
    assert issubclass(_args.ArgumentAttributeError, AttributeError)
    assert issubclass(_args.ArgumentOverflowError, OverflowError) and issubclass(_args.ArgumentOverflowError, ValueError)
    assert issubclass(_args.ArgumentKeyError, KeyError) and issubclass(_args.ArgumentKeyError, ValueError)
    assert issubclass(_args.ArgumentLookupError, LookupError) and issubclass(_args.ArgumentLookupError, ValueError)
    assert issubclass(_args.ArgumentNotImplementedError, NotImplementedError)
    assert str(_args.ArgumentKeyError("argument 'data': missing key 'role'")) == "argument 'data': missing key 'role'"
    # An error of a type we do not re-make is passed through untouched.
    exc = RuntimeError("x")
    assert _args.named(exc, "a") is exc
    # Picklable (multiprocessing ships exceptions between processes).
    import pickle

    for cls in (_args.ArgumentAttributeError, _args.ArgumentKeyError, _args.ArgumentOverflowError,
                _args.ArgumentLookupError, _args.ArgumentNotImplementedError):
        err = pickle.loads(pickle.dumps(cls("argument 'x': y")))
        assert type(err) is cls and str(err) == "argument 'x': y"
    from openai_harmony._compat.deep import JsonDepthError

    err = pickle.loads(pickle.dumps(JsonDepthError("invalid conversation JSON: z")))
    assert type(err) is JsonDepthError and isinstance(err, RecursionError)


def test_catchable_as_official(env):
    # Code written against the official keeps working.
    with pytest.raises(AttributeError):
        env["enc"].render_conversation(None)
    with pytest.raises(OverflowError):
        env["enc"].decode([-1])
    with pytest.raises(KeyError):
        openai_harmony.Message.from_dict({})
