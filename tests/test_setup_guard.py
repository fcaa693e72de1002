"""setup.py never fails because of the extensions, whatever Cython is installed.

``pip install --no-build-isolation`` builds with the Cython already installed; Cython 0.29
cannot compile the .pyx, and its cythonize() aborted the install (issue 13).  Here setup.py
runs (``--name``: metadata only, nothing compiled) from a scratch copy of the project, with a
stand-in ``Cython`` package first on the path.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_FAILING_CYTHONIZE = """
def cythonize(*args, **kwargs):
    raise SystemExit("Error compiling Cython file")
"""


def run_setup(tmp_path: Path, cython_version: str, with_c: bool) -> subprocess.CompletedProcess:
    project = tmp_path / "project"
    (project / "openai_harmony").mkdir(parents=True)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    # pyproject reads the version from here
    shutil.copy(ROOT / "openai_harmony" / "_version.py", project / "openai_harmony")
    for pyx in glob.glob(str(ROOT / "openai_harmony" / "*.pyx")):
        shutil.copy(pyx, project / "openai_harmony")
        if with_c:
            (project / "openai_harmony" / (Path(pyx).stem + ".c")).write_text("/* generated */\n")
    fake = tmp_path / "fake" / "Cython"
    (fake / "Build").mkdir(parents=True)
    (fake / "__init__.py").write_text(f"__version__ = {cython_version!r}\n")
    (fake / "Build" / "__init__.py").write_text(_FAILING_CYTHONIZE)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "fake")}
    for switch in ("OPENAI_HARMONY_NO_EXTENSIONS", "OPENAI_HARMONY_PURE_PYTHON"):  # the switch and its alias
        env.pop(switch, None)
    return subprocess.run([sys.executable, "setup.py", "--name"], cwd=project, capture_output=True, text=True,
                          timeout=300, env=env)


@pytest.mark.parametrize("with_c", [False, True])
def test_old_cython_is_not_used(tmp_path: Path, with_c: bool) -> None:
    proc = run_setup(tmp_path, "0.29.37", with_c)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "openai-harmony"
    assert ("WARNING: Cython 0.29.37 is installed, but the compiled extensions need Cython>=3.0; "
            "not cythonizing.") in proc.stderr
    # the fake cythonize() was never called (it would have printed its error)
    assert "Error compiling Cython file" not in proc.stderr
    # without C sources the build says it goes pure-Python
    assert ("neither a usable Cython (>=3.0) nor pre-generated C sources are available" in proc.stderr) is not with_c


def test_failing_cythonize_is_not_fatal(tmp_path: Path) -> None:
    proc = run_setup(tmp_path, "3.0.11", with_c=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "openai-harmony"
    assert "WARNING: cythonize() failed (SystemExit: Error compiling Cython file)." in proc.stderr
    assert "neither a usable Cython (>=3.0) nor pre-generated C sources are available" in proc.stderr
