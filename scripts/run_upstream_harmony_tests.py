"""Run openai/harmony's own tests/test_harmony.py, unmodified, against this package.

    python scripts/run_upstream_harmony_tests.py PATH [--python PY]

PATH is a checkout of https://github.com/openai/harmony (a work tree, or a git directory
such as the one ``git clone --mirror`` makes; HEAD is used).  Its test file and the
test-data/ it reads are copied into a temporary directory laid out like the repository
(the file finds test-data/ next to its tests/), and pytest runs there twice with this
checkout first on the path: the compiled backend, then OPENAI_HARMONY_NO_EXTENSIONS=1.
The test file imports pydantic (it catches pydantic.ValidationError), so PY needs pytest
and pydantic.  Prints the counts; exits non-zero unless every test passed in both runs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Dict, List, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _git_files(git_dir: str) -> Dict[str, bytes]:
    names = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", "HEAD"],
                           check=True, capture_output=True, text=True).stdout.split()
    wanted = [n for n in names if n == "tests/test_harmony.py" or n.startswith("test-data/")]
    return {n: subprocess.run(["git", "--git-dir", git_dir, "show", f"HEAD:{n}"],
                              check=True, capture_output=True).stdout for n in wanted}


def _tree_files(path: str) -> Dict[str, bytes]:
    out = {}
    for base, _dirs, files in os.walk(os.path.join(path, "test-data")):
        for f in files:
            full = os.path.join(base, f)
            with open(full, "rb") as fh:
                out[os.path.relpath(full, path).replace(os.sep, "/")] = fh.read()
    with open(os.path.join(path, "tests", "test_harmony.py"), "rb") as fh:
        out["tests/test_harmony.py"] = fh.read()
    return out


def upstream_files(path: str) -> Dict[str, bytes]:
    """The test file and its data from a work tree or a git directory."""
    if os.path.isfile(os.path.join(path, "tests", "test_harmony.py")):
        return _tree_files(path)
    for git_dir in (path, os.path.join(path, ".git"), os.path.join(path, "repo")):
        if os.path.isfile(os.path.join(git_dir, "HEAD")):
            return _git_files(git_dir)
    raise SystemExit(f"{path}: neither a checkout nor a git directory of openai/harmony")


def run(python: str, workdir: str, pure: bool) -> Tuple[int, str]:
    # the switch and its alias
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_HARMONY_NO_EXTENSIONS", "OPENAI_HARMONY_PURE_PYTHON")}
    if pure:
        env["OPENAI_HARMONY_NO_EXTENSIONS"] = "1"
    env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    check = "import openai_harmony as h, sys; sys.stdout.write(h.BACKEND + ' ' + h.__file__)"
    backend = subprocess.run([python, "-c", check], env=env, cwd=workdir, check=True,
                             capture_output=True, text=True).stdout
    if not backend.split()[1].startswith(ROOT):
        raise SystemExit(f"the test would import another openai_harmony: {backend}")
    proc = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_harmony.py"],
                          env=env, cwd=workdir, capture_output=True, text=True)
    return proc.returncode, backend.split()[0] + "\n" + proc.stdout + proc.stderr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", help="checkout (or git directory) of openai/harmony")
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args()
    files = upstream_files(args.path)
    failed = False
    with tempfile.TemporaryDirectory(prefix="harmony-upstream-") as tmp:
        for name, data in files.items():
            dest = os.path.join(tmp, *name.split("/"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as fh:
                fh.write(data)
        results: List[str] = []
        for pure in (False, True):
            code, out = run(args.python, tmp, pure)
            backend, _, rest = out.partition("\n")
            summary = [line for line in rest.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
            results.append(f"{backend:7s} {summary[-1] if summary else '(no summary)'}")
            if code != 0:
                failed = True
                print(rest)
            shutil.rmtree(os.path.join(tmp, ".pytest_cache"), ignore_errors=True)
    for line in results:
        print(line)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
