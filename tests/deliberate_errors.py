"""Where we deliberately differ from the official errors (README "Errors"): the official
(type name, message) of a wrong argument -> ours.  Used by the tests that replay official
goldens; tests/test_arg_errors.py lists every such call explicitly as well.
"""

from __future__ import annotations

import re
from typing import Any, Tuple

# Argument -> what it should be, for "argument 'x': expected ..., got T" messages.
EXPECTED = {
    "conversation": "Conversation",
    "message": "Message",
    "next_turn_role": "Role",
    "role": "Role or None",
    "config": "RenderConversationConfig or None",
    "render_options": "RenderOptions or None",
    "encoding": "HarmonyEncoding",
    "ns_config": "ToolNamespaceConfig",
}
# The attribute the official reads first from each argument.
_FIRST_ATTR = {
    "conversation": "to_json",
    "message": "to_json",
    "next_turn_role": "value",
    "role": "value",
    "config": "auto_drop_analysis",
    "render_options": "conversation_has_function_tools",
    "encoding": "_inner",
    "ns_config": "name",
}
_BARE_CONTENT = "a bare Content has no JSON form (use TextContent, SystemContent or DeveloperContent)"


def ours(tp: str, message: str, arg: str, key_errors: bool = True) -> Tuple[str, str]:
    """Our (type name, message) where the official raised ``tp(message)`` for ``arg``
    (``key_errors=False``: a KeyError comes from user code, not from a missing key)."""
    prefix = f"argument '{arg}': "
    if message.startswith("argument '") or message.startswith("decode() argument"):
        return tp, message  # the official already names it
    if re.search(r"\(\) (takes|got|missing) ", message):
        return tp, message  # Python's own call-signature errors name the function
    if tp == "OverflowError":
        return "ArgumentOverflowError", prefix + message
    if tp == "LookupError":
        return "ArgumentLookupError", prefix + message
    if tp == "KeyError" and key_errors:
        return "ArgumentKeyError", f"{prefix}missing key {message}"
    if tp == "NotImplementedError":
        return "ArgumentNotImplementedError", prefix + (message or _BARE_CONTENT)
    if tp == "AttributeError":
        m = re.fullmatch(r"'(\w+)' object has no attribute '(\w+)'", message)
        if m and arg in EXPECTED and m.group(2) == _FIRST_ATTR[arg]:
            return "ArgumentAttributeError", f"{prefix}expected {EXPECTED[arg]}, got {m.group(1)}"
        return "ArgumentAttributeError", prefix + message
    if tp in ("TypeError", "ValueError") and not message.startswith(("invalid conversation JSON", "invalid message JSON")):
        if tp == "ValueError":
            return tp, message
        return tp, prefix + message
    return tp, message


# What to_json() raises for a wrong type inside a conversation or message; other errors in
# the recorded corpora come from building the hostile case itself, not from the API.
_TO_JSON_ERROR = re.compile(
    r"'\w+' object has no attribute 'to_(dict|json)'|Object of type \w+ is not JSON serializable|'\w+' object is not iterable"
)


def ours_recorded(obj: Any, arg: str) -> Any:
    """A recorded render result (tokens, or {"error", "message"}, nested in dicts/lists)
    with the official errors of ``arg``'s contents replaced by ours."""
    if isinstance(obj, dict) and set(obj) == {"error", "message"}:
        if not _TO_JSON_ERROR.fullmatch(obj["message"]) and obj["error"] != "NotImplementedError":
            return obj
        tp, message = ours(obj["error"], obj["message"], arg)
        return {"error": tp, "message": message}
    if isinstance(obj, dict):
        return {k: ours_recorded(v, arg) for k, v in obj.items()}
    if isinstance(obj, list):
        return [ours_recorded(v, arg) for v in obj]
    return obj
