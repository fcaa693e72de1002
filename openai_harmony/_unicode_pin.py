"""Pin the o200k pre-tokenizer to the Unicode version of the official tokenizer.

The official package splits text with tiktoken 0.14, whose regex engine has Unicode 16.0
tables; recent ``regex`` releases know Unicode 17.0 or 18.0.  To tiktoken the characters
added since 16.0 are unassigned: not letters, marks or numbers.  Both backends treat them the
same way, through class tables generated with :func:`pin_pattern`: the pure one's ``re``
pattern (``_o200k_re.py``, by ``scripts/gen_o200k_re.py``), the compiled one's class table
(``_unicode_classes.h``, by ``scripts/gen_unicode_table.py``).  Any other pattern is run
with ``regex`` as given.

The ranges were found by ``scripts/probe_oracle_unicode.py``, which compares tiktoken
with this package on every letter, mark and number code point.
"""

from __future__ import annotations

from typing import Tuple

__all__ = ["UNASSIGNED_IN_ORACLE", "pin_pattern"]

#: Inclusive code point ranges that are letters/marks/numbers to ``regex`` (2026.5 knows
#: Unicode 17.0, 2026.11 Unicode 18.0) but unassigned to the official tokenizer.
UNASSIGNED_IN_ORACLE: Tuple[Tuple[int, int], ...] = (
    (0x0558, 0x0558),
    (0x058B, 0x058C),
    (0x05C8, 0x05C9),
    (0x088F, 0x088F),
    (0x0B53, 0x0B54),
    (0x0C5C, 0x0C5C),
    (0x0CDC, 0x0CDC),
    (0x1ACF, 0x1AF0),
    (0x208F, 0x208F),
    (0x209D, 0x209F),
    (0xA7CE, 0xA7CF),
    (0xA7D2, 0xA7D2),
    (0xA7D4, 0xA7D4),
    (0xA7DD, 0xA7DD),
    (0xA7E2, 0xA7E2),
    (0xA7F1, 0xA7F1),
    (0xAB6C, 0xAB6D),
    (0x107BB, 0x107BF),
    (0x10940, 0x10959),
    (0x10EC5, 0x10EC7),
    (0x10ECB, 0x10ECF),
    (0x10ED9, 0x10EEE),
    (0x10EF0, 0x10EFB),
    (0x11B0A, 0x11B0A),
    (0x11B60, 0x11B67),
    (0x11DB0, 0x11DDB),
    (0x11DE0, 0x11DE9),
    (0x11DF0, 0x11DF1),
    (0x1246F, 0x1246F),
    (0x12475, 0x1247F),
    (0x12550, 0x12686),
    (0x16EA0, 0x16EB8),
    (0x16EBB, 0x16ED3),
    (0x16FF2, 0x16FF6),
    (0x187F8, 0x187FF),
    (0x18CD6, 0x18CDA),
    (0x18D09, 0x18D20),
    (0x18D80, 0x18DF2),
    (0x18E00, 0x19191),
    (0x191A0, 0x191D2),
    (0x1B123, 0x1B128),
    (0x1B168, 0x1B168),
    (0x1D127, 0x1D128),
    (0x1D250, 0x1D252),
    (0x1D25B, 0x1D25C),
    (0x1D25F, 0x1D25F),
    (0x1D280, 0x1D281),
    (0x1D6A6, 0x1D6A6),
    (0x1DF1F, 0x1DF24),
    (0x1DF2B, 0x1DF81),
    (0x1DF90, 0x1DF96),
    (0x1DFCD, 0x1DFFF),
    (0x1E6C0, 0x1E6DE),
    (0x1E6E0, 0x1E6F5),
    (0x1E6FE, 0x1E6FF),
    (0x2B73A, 0x2B73F),
    (0x2B81E, 0x2B81E),
    (0x2CEA2, 0x2CEAD),
    (0x323B0, 0x33479),
    (0x3D000, 0x3FC3F),
)


def _esc(cp: int) -> str:
    return f"\\U{cp:08x}"


_SET_TEXT = None


def _set_text() -> str:
    """The excluded ranges as a regex set, keeping only those the installed ``regex`` needs.

    Subtracting a character that is not in a class changes nothing, and every range left
    out makes the pattern faster, so ranges ``regex`` does not call letters, marks or
    numbers are dropped (a few ms, once per process).
    """
    global _SET_TEXT
    if _SET_TEXT is None:
        import regex

        probe = regex.compile(r"[\p{L}\p{M}\p{N}]")
        parts = []
        for lo, hi in UNASSIGNED_IN_ORACLE:
            if probe.search("".join(map(chr, range(lo, hi + 1)))):
                parts.append(_esc(lo) if lo == hi else f"{_esc(lo)}-{_esc(hi)}")
        _SET_TEXT = "[" + "".join(parts) + "]" if parts else ""
    return _SET_TEXT


def pin_pattern(pattern: str) -> str:
    """Return *pattern* (for the ``regex`` module) with every ``\\p{..}`` class minus those characters.

    Uses version-1 set difference, so the excluded characters fall outside letters, marks
    and numbers exactly like unassigned code points.
    """
    excluded = _set_text()
    if not excluded:
        return pattern
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("\\p{", i):
            j = pattern.index("}", i)
            out.append(f"[{pattern[i:j + 1]}--{excluded}]")
            i = j + 1
        elif pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        else:
            out.append(pattern[i])
            i += 1
    return "(?V1)" + "".join(out)
