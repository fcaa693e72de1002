"""``python -m openai_harmony``: render a small conversation and parse a completion back."""

from __future__ import annotations

from . import (
    BACKEND,
    Conversation,
    DeveloperContent,
    HarmonyEncodingName,
    Message,
    Role,
    SystemContent,
    load_harmony_encoding,
)


def main() -> None:
    """Print a rendered prompt, its tokens, and the messages parsed from a sample completion."""
    enc = load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)
    convo = Conversation.from_messages(
        [
            Message.from_role_and_content(Role.SYSTEM, SystemContent.new().with_conversation_start_date("2026-11-25")),
            Message.from_role_and_content(
                Role.DEVELOPER, DeveloperContent.new().with_instructions("Talk like a pirate!")
            ),
            Message.from_role_and_content(Role.USER, "Arrr, how be you?"),
        ]
    )
    tokens = enc.render_conversation_for_completion(convo, Role.ASSISTANT)
    print(f"backend: {BACKEND}")
    print("prompt:")
    print(enc.decode(tokens))
    print(f"prompt tokens ({len(tokens)}): {tokens[:12]} ...")
    completion = enc.encode(
        "<|channel|>analysis<|message|>User greets; answer as a pirate.<|end|>"
        "<|start|>assistant<|channel|>final<|message|>Ahoy! Fair winds, matey.<|return|>",
        allowed_special="all",
    )
    print("parsed completion:")
    for message in enc.parse_messages_from_completion_tokens(completion, Role.ASSISTANT):
        print(f"  {message.to_json()}")


if __name__ == "__main__":
    main()
