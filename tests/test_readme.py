"""The README's example and the ``python -m openai_harmony`` demo run and say what they claim."""

from __future__ import annotations

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_readme_python_example(capsys):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    assert blocks, "README has no python example"
    exec(compile(blocks[0], "README.md", "exec"), {})  # noqa: S102 - our own README
    out = capsys.readouterr().out
    assert out.startswith("<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\n")
    assert "Talk like a pirate!<|end|><|start|>user<|message|>Arrr, how be you?<|end|><|start|>assistant\n" in out
    assert out.rstrip().endswith(
        "[Message(author=Author(role=<Role.ASSISTANT: 'assistant'>, name=None), "
        "content=[TextContent(text='Ahoy!')], channel='final', recipient=None, content_type=None)]"
    )


def test_module_demo():
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run(
        [sys.executable, "-m", "openai_harmony"], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(("backend: cython (", "backend: python (")), lines[0]
    assert lines[-2:] == [
        '  {"role": "assistant", "name": null, "content": [{"type": "text", "text": '
        '"User greets; answer as a pirate."}], "channel": "analysis"}',
        '  {"role": "assistant", "name": null, "content": [{"type": "text", "text": '
        '"Ahoy! Fair winds, matey."}], "channel": "final"}',
    ]
