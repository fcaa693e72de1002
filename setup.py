"""Build script: compiles the Cython hot paths when it can, and never fails because of them.

- With Cython >= 3.0 installed, every ``openai_harmony/*.pyx`` is cythonized and compiled.
- Without it (no Cython, e.g. installing from an sdist, or an older Cython, which cannot
  compile the .pyx: ``pip install --no-build-isolation`` uses whatever is installed), the
  generated ``.c`` files shipped in the sdist are compiled, which needs only a C compiler;
  a failed cythonize() falls back the same way.
- With no compiler, a failed compile, no usable Cython and no ``.c`` files, or
  ``OPENAI_HARMONY_NO_EXTENSIONS=1`` (alias: ``OPENAI_HARMONY_PURE_PYTHON=1``; the same
  switch selects pure Python at run time), the package installs pure-Python and a warning
  says so; ``openai_harmony.BACKEND`` is then "python", ``openai-harmony --version`` says
  why, and importing warns once.
"""

from __future__ import annotations

import glob
import os
import sys

if sys.version_info < (3, 9):
    sys.exit(f"openai-harmony requires Python 3.9 or newer (this is Python {sys.version.split()[0]}).")

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = "openai_harmony"
# The .pyx use Cython 3 syntax and semantics (0.29 fails on _parser.pyx); keep in step with
# pyproject.toml's build requirement.
MIN_CYTHON = (3, 0)
PURE = "openai-harmony will run in pure-Python mode (slower, same results)."


def _warn(msg: str, outcome: str = PURE) -> None:
    bar = "*" * 72
    sys.stderr.write(f"\n{bar}\nWARNING: {msg}\n{outcome}\n{bar}\n\n")


def _version(text: str) -> tuple:
    """(3, 0, 11) from "3.0.11" / "3.1.0a1" (leading digits of each part)."""
    parts = []
    for part in text.split(".")[:3]:
        digits = ""
        for ch in part:
            if not ch.isdigit():
                break
            digits += ch
        parts.append(int(digits or 0))
    return tuple(parts)


def _usable_cythonize():
    """Cython's cythonize() if a new enough Cython is installed, else None (with a warning)."""
    try:
        import Cython
        from Cython.Build import cythonize
    except ImportError:
        return None
    version = str(getattr(Cython, "__version__", "0"))
    if _version(version) < MIN_CYTHON:
        _warn(f"Cython {version} is installed, but the compiled extensions need Cython>=3.0; not cythonizing.",
              "Using the shipped C sources if present, else pure-Python mode (slower, same results).")
        return None
    return cythonize


def _extensions():
    # the same switch as openai_harmony/_backend.py (SWITCHES); not imported, as the
    # package's dependencies may not be installed at build time
    for switch in ("OPENAI_HARMONY_NO_EXTENSIONS", "OPENAI_HARMONY_PURE_PYTHON"):
        if os.environ.get(switch, "").strip() not in ("", "0"):
            _warn(f"{switch} is set: not building the compiled extensions.")
            return []
    pyx = sorted(glob.glob(os.path.join(PKG, "*.pyx")))
    compile_args = ["-O3"] if sys.platform != "win32" else ["/O2"]
    cythonize = _usable_cythonize() if pyx else None
    if cythonize is not None:
        exts = [
            Extension(f"{PKG}.{os.path.splitext(os.path.basename(p))[0]}", [p], extra_compile_args=compile_args)
            for p in pyx
        ]
        try:
            # Directives such as boundscheck are set per module, next to the code they protect.
            return cythonize(exts, language_level=3)
        except (Exception, SystemExit) as exc:  # a Cython compile error may exit
            _warn(f"cythonize() failed ({type(exc).__name__}: {exc}).",
                  "Using the shipped C sources if present, else pure-Python mode (slower, same results).")
    sources = [p[:-4] + ".c" for p in pyx if os.path.exists(p[:-4] + ".c")]
    if not sources:
        _warn("neither a usable Cython (>=3.0) nor pre-generated C sources are available.")
        return []
    return [
        Extension(f"{PKG}.{os.path.splitext(os.path.basename(c))[0]}", [c], extra_compile_args=compile_args)
        for c in sources
    ]


class OptionalBuildExt(build_ext):
    """build_ext that degrades to pure Python instead of failing the install."""

    def run(self):
        try:
            super().run()
        except Exception as exc:  # no compiler at all, broken toolchain, ...
            _warn(f"building the compiled extensions failed ({exc}).")

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:
            _warn(f"compiling {ext.name} failed ({exc}).")


class SdistWithC(sdist):
    """sdist that ships the Cython-generated C so installing from it needs no Cython."""

    def run(self):
        cythonize = _usable_cythonize()
        if cythonize is None:
            sys.exit("building an sdist needs Cython>=3.0 (it ships the generated C sources)")
        cythonize(sorted(glob.glob(os.path.join(PKG, "*.pyx"))), language_level=3, force=True)
        super().run()


setup(
    ext_modules=_extensions(),
    cmdclass={"build_ext": OptionalBuildExt, "sdist": SdistWithC},
)
