"""Builds conversations from the JSON case specs of tests/golden/render_cases.json.gz.

Shared by scripts/gen_render_goldens.py (run with the official package) and the tests
(run with ours): ``build(spec, api)`` only uses the public API of the given module.

A case spec: {"messages": [message spec...], "mutations": [[path, value], ...]}.
Message spec: role, name, channel, recipient, content_type (all optional) and "content":
a list of {"type": "text", "text"} | {"type": "system_content", every field explicit} |
{"type": "developer_content", "instructions", "tools"}.  Tools maps are
{key: {"name", "description", "tools": [{"name", "description", "parameters"}]}}.
Mutations assign attributes after construction (unvalidated, as a user could), to build
the invalid conversations the official bindings reject; special values are written as
{"$nan": 1}, {"$inf": 1 | -1}, {"$set": [...]}, {"$tuple": [...]}, {"$content_base": 1}.
"""

from __future__ import annotations

from typing import Any, List


def special_value(v: Any, api: Any) -> Any:
    """Decode the special-value markers of a mutation value (recursively)."""
    if isinstance(v, dict):
        if len(v) == 1:
            (k, x), = v.items()
            if k == "$nan":
                return float("nan")
            if k == "$inf":
                return float("inf") * x
            if k == "$set":
                return set(special_value(i, api) for i in x)
            if k == "$tuple":
                return tuple(special_value(i, api) for i in x)
            if k == "$content_base":
                return api.Content()
        return {k: special_value(x, api) for k, x in v.items()}
    if isinstance(v, list):
        return [special_value(x, api) for x in v]
    return v


def _tools(raw: Any, api: Any) -> Any:
    if raw is None:
        return None
    out = {}
    for key, ns in raw.items():
        out[key] = api.ToolNamespaceConfig(
            name=ns["name"],
            description=ns.get("description"),
            tools=[
                api.ToolDescription(
                    name=t["name"],
                    description=t["description"],
                    parameters=special_value(t.get("parameters"), api),
                )
                for t in ns["tools"]
            ],
        )
    return out


def build_content(c: dict, api: Any) -> Any:
    kind = c["type"]
    if kind == "text":
        return api.TextContent(text=c["text"])
    if kind == "system_content":
        cc = c.get("channel_config")
        return api.SystemContent(
            model_identity=c.get("model_identity"),
            reasoning_effort=None if c.get("reasoning_effort") is None else api.ReasoningEffort(c["reasoning_effort"]),
            conversation_start_date=c.get("conversation_start_date"),
            knowledge_cutoff=c.get("knowledge_cutoff"),
            channel_config=None if cc is None else api.ChannelConfig(
                valid_channels=cc["valid_channels"], channel_required=cc["channel_required"]
            ),
            tools=_tools(c.get("tools"), api),
        )
    if kind == "developer_content":
        return api.DeveloperContent(instructions=c.get("instructions"), tools=_tools(c.get("tools"), api))
    raise ValueError(kind)


def build_message(m: dict, api: Any) -> Any:
    return api.Message(
        author=api.Author(role=api.Role(m["role"]), name=m.get("name")),
        content=[build_content(c, api) for c in m["content"]],
        channel=m.get("channel"),
        recipient=m.get("recipient"),
        content_type=m.get("content_type"),
    )


def _apply(obj: Any, path: List[Any], value: Any) -> None:
    for step in path[:-1]:
        obj = obj[step] if isinstance(step, int) or isinstance(obj, dict) else getattr(obj, step)
    last = path[-1]
    if isinstance(last, int) or isinstance(obj, dict):
        obj[last] = value
    else:
        setattr(obj, last, value)


def build(spec: dict, api: Any) -> Any:
    """Build the Conversation of a case spec with ``api`` (the openai_harmony module)."""
    conv = api.Conversation.from_messages([build_message(m, api) for m in spec["messages"]])
    for path, value in spec.get("mutations", []):
        _apply(conv, path, special_value(value, api))
    return conv


def config_obj(name: str, api: Any) -> Any:
    """"none" -> None, "drop" -> default config, "keep" -> auto_drop_analysis=False."""
    if name == "none":
        return None
    if name == "drop":
        return api.RenderConversationConfig()
    return api.RenderConversationConfig(auto_drop_analysis=False)


def run_all(spec: dict, api: Any, enc: Any) -> dict:
    """Every recorded output of one case: to_json, completions, plain, training, render."""

    def attempt(fn):
        try:
            return fn()
        except Exception as exc:  # recorded: type name + message
            return {"error": type(exc).__name__, "message": str(exc)}

    def fresh():
        return build(spec, api)

    res: dict = {}
    res["to_json"] = attempt(lambda: fresh().to_json())
    comp = {}
    for role, cfg in spec["completion"]:
        comp[f"{role}/{cfg}"] = attempt(
            lambda: enc.render_conversation_for_completion(fresh(), api.Role(role), config_obj(cfg, api))
        )
    res["completion"] = comp
    res["conversation"] = {
        cfg: attempt(lambda: enc.render_conversation(fresh(), config_obj(cfg, api))) for cfg in ("none", "keep")
    }
    res["training"] = {
        cfg: attempt(lambda: enc.render_conversation_for_training(fresh(), config_obj(cfg, api)))
        for cfg in ("none", "keep")
    }
    renders = []
    n = len(spec["messages"])
    for i in range(n):
        row = {}
        for opt in ("none", "fn"):
            row[opt] = attempt(
                lambda: enc.render(
                    fresh().messages[i],
                    None if opt == "none" else api.RenderOptions(conversation_has_function_tools=True),
                )
            )
        renders.append(row)
    res["render"] = renders
    return res
