"""Cold start probe, run in a fresh interpreter: ``python coldstart.py harmony|tiktoken``.

Prints one JSON line: seconds for the import, for loading the encoding, for a first small
encode (and, for Harmony, a first render of a short conversation), and the process's peak RSS.
Timing starts after interpreter start-up, which is the same for every contender.
"""

import time

_T0 = time.perf_counter()

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402


def main() -> None:
    kind = sys.argv[1] if len(sys.argv) > 1 else "harmony"
    text = "Hello, world! Cold start probe: ünïcödé, 数字 12345, emoji 🚀."
    if kind == "tiktoken":
        import tiktoken

        t_import = time.perf_counter()
        enc = tiktoken.get_encoding("o200k_harmony")
        t_load = time.perf_counter()
        enc.encode_ordinary(text)
    else:
        import openai_harmony as h

        t_import = time.perf_counter()
        enc = h.load_harmony_encoding("HarmonyGptOss")
        t_load = time.perf_counter()
        enc.encode(text, disallowed_special=())
        convo = h.Conversation.from_messages([
            h.Message.from_role_and_content(h.Role.SYSTEM, h.SystemContent.new()),
            h.Message.from_role_and_content(h.Role.USER, text),
        ])
        enc.render_conversation_for_completion(convo, h.Role.ASSISTANT)
    t_first = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if sys.platform == "darwin":  # bytes there, KiB on Linux
        rss //= 1024
    print(json.dumps({
        "import_s": t_import - _T0,
        "load_s": t_load - _T0,
        "first_use_s": t_first - _T0,
        "peak_rss_kib": rss,
    }))


if __name__ == "__main__":
    main()
