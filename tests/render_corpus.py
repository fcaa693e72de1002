"""Builds conversations from the JSON case specs of tests/golden/render_cases.jsonl.

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


# ---------------------------------------------------------------------------
# Examples from the official docs and test-data (same builders for oracle and ours)
# ---------------------------------------------------------------------------

KITCHENSINK_TOOLS = [
    ("get_location", "Gets the location of the user.", None),
    (
        "get_current_weather",
        "Gets the current weather in the provided location.",
        {
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                "format": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
            },
            "required": ["location"],
        },
    ),
    (
        "get_multiple_weathers",
        "Gets the current weather in the provided list of locations.",
        {
            "type": "object",
            "properties": {
                "locations": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": 'List of city and state, e.g. ["San Francisco, CA", "New York, NY"]',
                },
                "format": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
            },
            "required": ["locations"],
        },
    ),
    (
        "kitchensink",
        "A function with various complex schemas.",
        {
            "description": "params object",
            "type": "object",
            "properties": {
                "string": {"type": "string", "title": "STRING", "description": "A string", "examples": ["hello", "world"]},
                "string_nullable": {"type": "string", "nullable": True, "description": "A nullable string", "default": "the default"},
                "string_enum": {"type": "string", "enum": ["a", "b", "c"]},
                "oneof_string_or_number": {
                    "oneOf": [
                        {"type": "string", "default": "default_string_in_oneof"},
                        {"type": "number", "description": "numbers can happen too"},
                    ],
                    "description": "a oneof",
                    "default": 20,
                },
            },
        },
    ),
]


def doc_examples(api: Any) -> dict:
    """name -> (conversation, next_role or None, config name, test-data file or None)."""
    R = api.Role
    M = api.Message
    C = api.Conversation.from_messages
    identity = "You are ChatGPT, a large language model trained by OpenAI."
    out = {}
    out["simple_convo"] = (
        C([M.from_role_and_content(R.SYSTEM, api.SystemContent.new().with_model_identity(identity)),
           M.from_role_and_content(R.USER, "What is 2 + 2?")]),
        "assistant", "none", "test_simple_convo.txt")
    for effort in ("LOW", "MEDIUM", "HIGH"):
        for with_dev in (True, False):
            msgs = [M.from_role_and_content(
                R.SYSTEM,
                api.SystemContent.new().with_model_identity(identity).with_reasoning_effort(getattr(api.ReasoningEffort, effort)))]
            if with_dev:
                msgs.append(M.from_role_and_content(
                    R.DEVELOPER, api.DeveloperContent.new().with_instructions("Answer the user's questions like a robot.")))
            msgs.append(M.from_role_and_content(R.USER, "What is the capital of the largest country in the world?"))
            suffix = "" if with_dev else "_no_instruction"
            out[f"effort_{effort.lower()}{suffix}"] = (
                C(msgs), "assistant", "none", f"test_simple_convo_{effort.lower()}_effort{suffix}.txt")
    out["reasoning_system_message"] = (
        C([M.from_role_and_content(R.SYSTEM, api.SystemContent.new().with_model_identity(identity)
                                   .with_reasoning_effort(api.ReasoningEffort.MEDIUM).with_required_channels(["analysis", "final"])),
           M.from_role_and_content(R.USER, "What is 2 + 2?")]),
        "assistant", "none", "test_reasoning_system_message.txt")
    out["reasoning_system_message_no_instruction"] = (
        C([M.from_role_and_content(R.SYSTEM, api.SystemContent.new().with_model_identity(identity)
                                   .with_reasoning_effort(api.ReasoningEffort.HIGH).with_required_channels(["analysis", "final"])),
           M.from_role_and_content(R.USER, "What is the best place to eat candy in the world?")]),
        "assistant", "none", "test_reasoning_system_message_no_instruction.txt")
    out["reasoning_system_message_with_dates"] = (
        C([M.from_role_and_content(R.SYSTEM, api.SystemContent.new().with_model_identity(identity)
                                   .with_reasoning_effort(api.ReasoningEffort.MEDIUM)
                                   .with_conversation_start_date("2021-01-01").with_knowledge_cutoff("2021-01")
                                   .with_required_channels(["analysis", "final"])),
           M.from_role_and_content(R.USER, "What is 42 * pi?")]),
        "assistant", "none", "test_reasoning_system_message_with_dates.txt")
    dev = api.DeveloperContent.new().with_instructions("Always respond in riddles").with_function_tools(
        [api.ToolDescription.new(n, d, parameters=p) for n, d, p in KITCHENSINK_TOOLS])
    out["render_functions_with_parameters"] = (
        C([M.from_role_and_content(R.SYSTEM, api.SystemContent.new().with_reasoning_effort(api.ReasoningEffort.HIGH)
                                   .with_conversation_start_date("2025-06-28")),
           M.from_role_and_content(R.DEVELOPER, dev),
           M.from_role_and_content(R.USER, "What is the weather like in SF?")]),
        "assistant", "none", "test_render_functions_with_parameters.txt")
    out["no_tools"] = (
        C([M.from_role_and_content(R.SYSTEM, api.SystemContent.new().with_conversation_start_date("2025-06-28"))]),
        "assistant", "none", "test_no_tools.txt")
    out["browser_tool_only"] = (
        C([M.from_role_and_content(R.SYSTEM, api.SystemContent.new().with_conversation_start_date("2025-06-28").with_browser_tool())]),
        "assistant", "none", "test_browser_tool_only.txt")
    out["browser_and_function_tool"] = (
        C([M.from_role_and_content(R.SYSTEM, api.SystemContent.new().with_conversation_start_date("2025-06-28").with_browser_tool()),
           M.from_role_and_content(R.DEVELOPER, api.DeveloperContent.new().with_function_tools([
               api.ToolDescription.new(
                   "lookup_weather",
                   "Use this tool to lookup the weather in a given location. Call it with the parameter 'location', can be any textual description of a location.",
                   parameters={"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]})]))]),
        "assistant", "none", "test_browser_and_function_tool.txt")
    out["browser_and_python_tool"] = (
        C([M.from_role_and_content(R.SYSTEM, api.SystemContent.new().with_conversation_start_date("2025-06-28")
                                   .with_browser_tool().with_python_tool())]),
        "assistant", "none", "test_browser_and_python_tool.txt")
    cot = [
        M.from_role_and_content(R.USER, "What is 2 + 2?"),
        M.from_role_and_content(R.ASSISTANT, "User asks: “What is 2 + 2?” Simple arithmetic. Provide answer.").with_channel("analysis"),
        M.from_role_and_content(R.ASSISTANT, "2 + 2 equals 4.").with_channel("final"),
        M.from_role_and_content(R.USER, "What about 9 / 2?"),
    ]
    out["dropping_cot_by_default"] = (C(cot), "assistant", "drop", "test_dropping_cot_by_default.txt")
    out["dropping_cot_config_none"] = (C(cot), "assistant", "none", "test_dropping_cot_by_default.txt")
    cot2 = list(cot)
    cot2[1] = M.from_role_and_content(R.ASSISTANT, 'User asks a simple question: "What is 2 + 2?" The answer: 4.').with_channel("analysis")
    out["preserve_cot"] = (C(cot2), "assistant", "keep", "test_preserve_cot.txt")
    out["does_not_drop_if_ongoing_analysis"] = (
        C([M.from_role_and_content(R.USER, "What is the weather in SF?"),
           M.from_role_and_content(R.ASSISTANT, "User asks: “What is the weather in SF?” We need to use lookup_weather tool.").with_channel("analysis"),
           M.from_role_and_content(R.ASSISTANT, '{"location": "San Francisco"}').with_channel("commentary")
           .with_recipient("functions.lookup_weather").with_content_type("<|constrain|>json"),
           M.from_author_and_content(api.Author.new(R.TOOL, "functions.lookup_weather"), '{"temperature": 20, "description": "sunny"}')]),
        "assistant", "drop", "test_does_not_drop_if_ongoing_analysis.txt")
    out["keep_analysis_between_finals"] = (
        C([M.from_role_and_content(R.USER, "What is 2 + 2?"),
           M.from_role_and_content(R.ASSISTANT, "thinking 2+2").with_channel("analysis"),
           M.from_role_and_content(R.ASSISTANT, "4").with_channel("final"),
           M.from_role_and_content(R.USER, "What is 3 + 5?"),
           M.from_role_and_content(R.ASSISTANT, "thinking 3+5").with_channel("analysis"),
           M.from_role_and_content(R.ASSISTANT, "8").with_channel("final")]),
        None, "none", "test_keep_analysis_between_finals.txt")
    # docs/format.md: the main rendering example.
    fmt_dev = api.DeveloperContent.new().with_instructions("Always respond in riddles").with_function_tools(
        [api.ToolDescription.new(KITCHENSINK_TOOLS[1][0], KITCHENSINK_TOOLS[1][1], parameters=KITCHENSINK_TOOLS[1][2])])
    out["format_md_example"] = (
        C([M.from_role_and_content(R.SYSTEM, api.SystemContent.new().with_reasoning_effort(api.ReasoningEffort.HIGH)
                                   .with_conversation_start_date("2025-06-28")),
           M.from_role_and_content(R.DEVELOPER, fmt_dev),
           M.from_role_and_content(R.USER, "What is the weather in Tokyo?"),
           M.from_role_and_content(R.ASSISTANT, 'User asks: "What is the weather in Tokyo?" We need to use get_weather tool.').with_channel("analysis"),
           M.from_role_and_content(R.ASSISTANT, '{"location": "Tokyo"}').with_channel("commentary")
           .with_recipient("functions.get_weather").with_content_type("<|constrain|> json"),
           M.from_author_and_content(api.Author.new(R.TOOL, "functions.lookup_weather"), '{ "temperature": 20, "sunny": true }')
           .with_channel("commentary").with_recipient("assistant")]),
        "assistant", "none", None)
    # Official tests: constrain token kept special, training <|return|>, tool call ends in <|call|>.
    out["constrain_tokenized"] = (
        C([M.from_role_and_content(R.ASSISTANT, '{"location": "Tokyo"}').with_channel("commentary")
           .with_recipient("functions.get_weather").with_content_type("<|constrain|>json")]),
        None, "none", None)
    out["training_final"] = (
        C([M.from_role_and_content(R.USER, "hi"), M.from_role_and_content(R.ASSISTANT, "hello").with_channel("final")]),
        "training", "none", None)
    out["training_non_final"] = (C([M.from_role_and_content(R.USER, "hi")]), "training", "none", None)
    # docs/python.md usage example.
    out["python_md_usage"] = (
        C([M.from_role_and_content(R.SYSTEM, api.SystemContent.new()), M.from_role_and_content(R.USER, "What is 2 + 2?")]),
        "assistant", "none", None)
    out["python_md_basic"] = (
        C([M.from_role_and_content(R.USER, "Hello"), M.from_role_and_content(R.ASSISTANT, "Hi there!").with_channel("final")]),
        "user", "none", None)
    return out


def render_doc_example(example: tuple, api: Any, enc: Any) -> list:
    conv, next_role, cfg, _ = example
    if next_role is None:
        return enc.render_conversation(conv, config_obj(cfg, api))
    if next_role == "training":
        return enc.render_conversation_for_training(conv, config_obj(cfg, api))
    return enc.render_conversation_for_completion(conv, api.Role(next_role), config_obj(cfg, api))
