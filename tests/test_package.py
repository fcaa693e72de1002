"""The package as users meet it: one switch, the backend reported with its reason, a
warning when the extensions are missing, the version, and types that checkers follow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import openai_harmony
from openai_harmony import _backend
from openai_harmony._version import VERSION

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWITCH_VARS = ("OPENAI_HARMONY_NO_EXTENSIONS", "OPENAI_HARMONY_PURE_PYTHON")


def _run(code: str, cwd: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SWITCH_VARS and k != "PYTHONPATH"}
    clean.update(env, PYTHONPATH=cwd)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=clean, capture_output=True, text=True, timeout=120)


def test_switch_and_alias() -> None:
    assert _backend.switch_set({}) is None
    assert _backend.switch_set({"OPENAI_HARMONY_NO_EXTENSIONS": "0", "OPENAI_HARMONY_PURE_PYTHON": ""}) is None
    assert _backend.switch_set({"OPENAI_HARMONY_NO_EXTENSIONS": "1"}) == "OPENAI_HARMONY_NO_EXTENSIONS"
    assert _backend.switch_set({"OPENAI_HARMONY_PURE_PYTHON": "yes"}) == "OPENAI_HARMONY_PURE_PYTHON"


@pytest.mark.parametrize("var", SWITCH_VARS)
def test_switch_selects_pure_python_silently(var: str) -> None:
    out = _run("import openai_harmony as h, openai_harmony._backend as b; print(h.BACKEND, '|', b.backend_reason())",
               ROOT, **{var: "1"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"python | python ({var} is set)"
    assert out.stderr == ""


def test_missing_extensions_warn_once(tmp_path) -> None:
    # A copy of the package without its compiled modules: what an install without a compiler gives.
    shutil.copytree(os.path.join(ROOT, "openai_harmony"), tmp_path / "openai_harmony",
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    code = "import openai_harmony, importlib; importlib.reload(openai_harmony); print(openai_harmony.BACKEND)"
    out = _run(code, str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "python"
    assert out.stderr.count("ExtensionWarning") == 1, out.stderr
    assert "compiled extensions not available: _parser_c: ModuleNotFoundError" in out.stderr
    version = _run("from openai_harmony.cli import main; main(['--version'])", str(tmp_path))
    assert version.stdout.startswith(f"openai-harmony {VERSION} (backend: python (compiled extensions not available: ")
    quiet = _run("import openai_harmony", str(tmp_path), OPENAI_HARMONY_NO_EXTENSIONS="1")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_version() -> None:
    assert openai_harmony.__version__ == "0.0.8"  # as the official package reports it
    assert VERSION == "0.0.8+py.1"
    env = dict(os.environ, PYTHONPATH=ROOT)  # this run's switch, so the same backend as here
    out = subprocess.run([sys.executable, "-m", "openai_harmony", "--version"], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.stdout == f"openai-harmony {VERSION} (backend: {_backend.backend_reason()})\n"


def test_type_checkers_see_the_pure_classes(tmp_path) -> None:
    mypy = pytest.importorskip("mypy.api")
    src = tmp_path / "use.py"
    src.write_text(textwrap.dedent("""
        from openai_harmony import Role, StreamableParser, load_harmony_encoding

        enc = load_harmony_encoding("HarmonyGptOss")
        p = StreamableParser(enc, Role.ASSISTANT)
        p.process(200006)
        delta: "str | None" = p.last_content_delta
        p.procss(5)
    """))
    stdout, _, status = mypy.run(["--strict", "--no-incremental", "--follow-imports=silent", str(src)])
    assert status == 1, stdout
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    assert errors == [f'{src}:8: error: "StreamableParser" has no attribute "procss"  [attr-defined]'], stdout
