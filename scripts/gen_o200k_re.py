"""Generate openai_harmony/_o200k_re.py: the o200k pre-tokenizer pattern for the stdlib ``re``.

The pure backend splits text with ``re``, which runs the o200k pattern 2-3x faster than
``regex``, but ``re`` has no ``\\p{..}`` classes and its ``\\s`` and ``(?i)`` follow the running
Python's Unicode version.  So every character class of the pinned pattern
(``_unicode_pin.pin_pattern(O200K_PATTERN)``, Unicode 16.0 as in tiktoken) is written out as
the explicit set of code points that ``regex`` says it matches, and each letter of the
case-insensitive contractions as the set ``(?i:x)`` matches; the rest of the pattern (the
alternation, quantifiers, the lookahead) is copied as it is, and means the same to both
engines.  Only the Basic Multilingual Plane is spelled out: ``re`` tests code points above
U+FFFF against a class range by range, which would make every class slow.  Text with such
characters is split after replacing each of them by a BMP stand-in that every class of the
pattern treats the same way (the table ``ASTRAL_STARTS`` / ``ASTRAL_STAND_INS``).

    python3 scripts/gen_o200k_re.py           # write the module
    python3 scripts/gen_o200k_re.py --check   # exit 1 if its values are out of date
"""

from __future__ import annotations

import functools
import os
import sys
from bisect import bisect_right
from typing import Dict, List, Set, Tuple

import regex

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from openai_harmony._unicode_pin import pin_pattern  # noqa: E402
from openai_harmony.load import O200K_PATTERN  # noqa: E402

BMP = 0x10000
MAX_CP = 0x110000
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "openai_harmony", "_o200k_re.py")

Ranges = List[Tuple[int, int]]


@functools.lru_cache(maxsize=None)
def _universe(lo: int, hi: int) -> str:
    return "".join(map(chr, range(lo, hi)))


def members(atom: str, lo: int, hi: int) -> Ranges:
    """Inclusive ranges of the code points in [lo, hi) that the pinned *atom* matches (``regex``)."""
    rx = regex.compile("(?:" + pin_pattern(atom) + ")+")
    return [(lo + m.start(), lo + m.end() - 1) for m in rx.finditer(_universe(lo, hi))]


@functools.lru_cache(maxsize=None)
def _graphic() -> Set[int]:
    return {cp for a, b in members(r"[\p{L}\p{M}\p{N}\p{P}\p{S}]", 0x80, BMP) for cp in range(a, b + 1)}


def _char(cp: int) -> str:
    # Visible characters as themselves (the pattern is shorter, and re parses it 3x faster
    # than escapes); the rest escaped.  Decided by regex, not str.isprintable, so that every
    # Python writes the same pattern.
    ch = chr(cp)
    if (0x21 <= cp < 0x7F and ch not in "\\]^-[&~|") or cp in _graphic():
        return ch
    return f"\\x{cp:02x}" if cp <= 0xFF else f"\\u{cp:04x}"


def spell(ranges: Ranges) -> str:
    """A ``re`` class matching exactly the BMP code points in *ranges*.

    Written as the class or as the negation of its complement, whichever covers fewer code
    points (``re`` compiles a class one code point at a time).  Both match the same BMP
    characters; the negated form would also match any character above U+FFFF, which the
    splitter never shows the pattern.
    """
    assert ranges, "an empty class"
    size = sum(b - a + 1 for a, b in ranges)
    negate = size > BMP // 2
    if negate:
        comp, prev = [], 0
        for a, b in ranges:
            if a > prev:
                comp.append((prev, a - 1))
            prev = b + 1
        if prev < BMP:
            comp.append((prev, BMP - 1))
        ranges = comp
    body = "".join(_char(a) if a == b else _char(a) + _char(b) if b == a + 1 else f"{_char(a)}-{_char(b)}"
                   for a, b in ranges)
    return ("[^" if negate else "[") + body + "]"


def atoms(pattern: str) -> List[Tuple[str, str]]:
    """*pattern* cut into (kind, text): kind "class" for each character class or ``\\p``/``\\s``/
    ``\\S`` escape, "fold" for a character inside ``(?i:...)``, "open-fold" for ``(?i:``, "literal"
    for a character matched as itself, "syntax" for the rest (literals and syntax are copied
    unchanged)."""
    out: List[Tuple[str, str]] = []
    i, fold = 0, False
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("(?i:", i):
            assert not fold, "nested (?i:"
            fold = True
            out.append(("open-fold", "(?i:"))
            i += 4
        elif c == "(":
            assert not fold, "a group inside (?i:...)"
            out.append(("syntax", c))
            i += 1
        elif c == ")":
            fold = False
            out.append(("syntax", c))
            i += 1
        elif c == "[":
            j = i + 1
            while pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append(("class", pattern[i : j + 1]))
            i = j + 1
        elif pattern.startswith("\\p{", i):
            j = pattern.index("}", i)
            out.append(("class", pattern[i : j + 1]))
            i = j + 1
        elif pattern.startswith(("\\s", "\\S"), i):
            out.append(("class", pattern[i : i + 2]))
            i += 2
        elif c == "\\":
            assert pattern[i + 1] in "rn", pattern[i : i + 2]  # \r, \n: the same in re
            out.append(("syntax", pattern[i : i + 2]))
            i += 2
        elif fold and c not in "|":  # a letter or the apostrophe: matched as (?i:c) matches
            out.append(("fold", c))
            i += 1
        elif c in " '":
            out.append(("literal", c))
            i += 1
        else:
            assert c.isdigit() or c in "|?*+{},!", c  # operators, which re reads alike
            out.append(("syntax", c))
            i += 1
    return out


def class_atoms(pattern: str) -> List[str]:
    """Every distinct class of *pattern* as a ``regex`` pattern (a folded letter as ``(?i:x)``)."""
    seen: Dict[str, None] = {}
    for kind, text in atoms(pattern):
        if kind == "class":
            seen[text] = None
        elif kind == "fold":
            seen[f"(?i:{text})"] = None
    return list(seen)


def profile_atoms(pattern: str) -> List[str]:
    """The classes of *pattern* and its literal characters: what a stand-in must match alike."""
    literals = [regex.escape(text) for kind, text in atoms(pattern) if kind == "literal"]
    return class_atoms(pattern) + sorted(set(literals))


def translate(pattern: str) -> str:
    """*pattern* for ``re``, with every class spelled out over the BMP."""
    spelled = {a: spell(members(a, 0, BMP)) for a in class_atoms(pattern)}
    out = []
    for kind, text in atoms(pattern):
        if kind == "class":
            out.append(spelled[text])
        elif kind == "fold":
            out.append(spelled[f"(?i:{text})"])
        elif kind == "open-fold":
            out.append("(?:")
        else:
            out.append(text)
    return "".join(out)


class Profiles:
    """Which of the pattern's classes and literals match a code point, as a bit set."""

    def __init__(self, pattern: str) -> None:
        self.ranges = [members(atom, 0, MAX_CP) for atom in profile_atoms(pattern)]
        self.starts = [[a for a, _ in rs] for rs in self.ranges]

    def __call__(self, cp: int) -> int:
        bits = 0
        for bit, (rs, st) in enumerate(zip(self.ranges, self.starts)):
            i = bisect_right(st, cp) - 1
            if i >= 0 and rs[i][1] >= cp:
                bits |= 1 << bit
        return bits

    def boundaries(self, lo: int, hi: int) -> List[int]:
        """The code points in [lo, hi) where some class starts or stops matching, and lo."""
        cuts = {lo}
        for rs in self.ranges:
            for a, b in rs:
                cuts.update(x for x in (a, b + 1) if lo <= x < hi)
        return sorted(cuts)


def astral_table(pattern: str) -> Tuple[List[int], str]:
    """Runs of code points above U+FFFF with one class profile, each with a BMP stand-in."""
    profile = Profiles(pattern)
    runs: List[Tuple[int, int]] = []
    for cp in profile.boundaries(BMP, MAX_CP):
        p = profile(cp)
        if not runs or runs[-1][1] != p:
            runs.append((cp, p))
    needed = {p for _, p in runs}
    stand_in: Dict[int, str] = {}
    # Prefer ordinary characters as stand-ins (they read well in a debugger), else the first.
    for cp in list(range(0x21, 0x7F)) + [0xA9, 0x300, 0x4E00] + list(range(BMP)):
        if len(stand_in) == len(needed):
            break
        if 0xD800 <= cp < 0xE000:
            continue  # never a lone surrogate
        p = profile(cp)
        if p in needed:
            stand_in.setdefault(p, chr(cp))
    missing = needed - set(stand_in)
    if missing:
        raise SystemExit(f"no BMP character has the class profile of {[hex(cp) for cp, p in runs if p in missing]}")
    return [cp for cp, _ in runs], "".join(stand_in[p] for _, p in runs)


def render() -> str:
    pat = translate(O200K_PATTERN)
    starts, chars = astral_table(O200K_PATTERN)
    lines = [
        '"""The o200k pre-tokenizer pattern for the standard library\'s ``re`` (generated; do not edit).',
        "",
        f"Written by scripts/gen_o200k_re.py from the regex module {regex.__version__} and the pinned",
        "o200k pattern (``_unicode_pin``, Unicode 16.0): ``PATTERN`` matches exactly what the pinned",
        "pattern matches on text without code points above U+FFFF; such a code point is first",
        "replaced by the stand-in of its run (``ASTRAL_STARTS`` sorted, ``ASTRAL_STAND_INS`` one",
        "character per run), which every class of the pattern treats the same way.",
        '"""',
        "",
        "from typing import Tuple",
        "",
        "PATTERN = (",
    ]
    step = 60
    for i in range(0, len(pat), step):
        lines.append(f"    {pat[i:i + step]!r}")
    lines.append(")")
    lines.append("")
    lines.append("ASTRAL_STARTS: Tuple[int, ...] = (")
    for i in range(0, len(starts), 12):
        lines.append("    " + " ".join(f"{s:#x}," for s in starts[i : i + 12]))
    lines.append(")")
    lines.append("")
    lines.append("ASTRAL_STAND_INS = (")
    for i in range(0, len(chars), step):
        lines.append(f"    {chars[i:i + step]!r}")
    lines.append(")")
    return "\n".join(lines) + "\n"


def is_current() -> bool:
    """Whether the module's values are what this script would write (its text may differ:
    ``repr`` escapes what the running Python cannot print)."""
    from openai_harmony import _o200k_re

    return (_o200k_re.PATTERN, list(_o200k_re.ASTRAL_STARTS), _o200k_re.ASTRAL_STAND_INS) == (
        translate(O200K_PATTERN), *astral_table(O200K_PATTERN))


def main() -> int:
    if "--check" in sys.argv[1:]:
        if not is_current():
            print(f"{os.path.normpath(OUT)} is out of date: run scripts/gen_o200k_re.py", file=sys.stderr)
            return 1
        print(f"{os.path.normpath(OUT)} is up to date")
        return 0
    text = render()
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {os.path.normpath(OUT)} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
