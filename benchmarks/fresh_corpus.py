"""Fresh benchmark text: every seed gives documents no earlier seed produced.

``corpus.py`` draws sentences from small phrase sets, so its documents share many pieces and
whole sentences; here every category mixes in words made up from the seed (random syllables,
random runs of Han, Kana, Thai and Hangul characters, random Cyrillic, Greek, Arabic, Hebrew
and Devanagari words), so neither a whole-text cache nor a cache of earlier pieces can serve
most of a round.  Standard library only; ``random.Random`` with an integer seed is stable
across CPython versions, so every contender's interpreter builds the same text.
"""

from __future__ import annotations

import itertools
import random
from typing import Callable, Dict, List

import corpus

__all__ = ["CATEGORIES", "category_documents", "conversation_seed"]

_SYLL_ON = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "qu", "r", "s", "t", "v",
            "w", "z", "br", "ch", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "st", "str", "th", "tr"]
_SYLL_NU = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "ie", "oo", "ou", "y"]
_SYLL_CO = ["", "", "", "n", "r", "s", "t", "l", "m", "ck", "ng", "x", "nd", "rt", "st"]


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLL_ON) + rng.choice(_SYLL_NU) + rng.choice(_SYLL_CO)
                   for _ in range(rng.randint(1, 4)))


def _chars(lo: int, hi: int) -> List[str]:
    return [chr(c) for c in range(lo, hi + 1)]


# Fixed pools of 3,000 Han characters and 1,500 Hangul syllables, drawn with Zipf weights
# (rank r has weight 1/r) as characters are in real text; hiragana, katakana, Thai and the
# spaced alphabets uniformly.
_HAN = [chr(c) for c in random.Random(7).sample(range(0x4E00, 0x9FA6), 3000)]
_HAN_CUM = list(itertools.accumulate(1.0 / r for r in range(1, len(_HAN) + 1)))
_HIRA = _chars(0x3041, 0x3093)
_KATA = _chars(0x30A1, 0x30F3) + ["ー"]
_HANGUL = [chr(c) for c in random.Random(8).sample(range(0xAC00, 0xD7A4), 1500)]
_HANGUL_CUM = list(itertools.accumulate(1.0 / r for r in range(1, len(_HANGUL) + 1)))
_THAI_C = _chars(0x0E01, 0x0E2E)
_THAI_V = _chars(0x0E30, 0x0E39) + _chars(0x0E40, 0x0E44)
_THAI_T = _chars(0x0E48, 0x0E4B)
_ALPHABETS = {
    "ru": _chars(0x0430, 0x044F),
    "el": _chars(0x03B1, 0x03C9),
    "ar": _chars(0x0627, 0x064A),
    "he": _chars(0x05D0, 0x05EA),
    "hi": _chars(0x0915, 0x0939),
}
_DEVANAGARI_SIGNS = _chars(0x093E, 0x094C)
_CJK_PUNCT = ["，", "。", "、", "！", "？", "「", "」", "：", " "]


def _han_run(rng: random.Random, lo: int, hi: int) -> str:
    return "".join(rng.choices(_HAN, cum_weights=_HAN_CUM, k=rng.randint(lo, hi)))


def _chinese(rng: random.Random) -> str:
    return "".join(_han_run(rng, 2, 14) + rng.choice(_CJK_PUNCT) for _ in range(rng.randint(2, 8)))


def _japanese(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(3, 12)):
        r = rng.random()
        if r < 0.4:
            out.append(_han_run(rng, 1, 4))
        elif r < 0.8:
            out.append("".join(rng.choice(_HIRA) for _ in range(rng.randint(1, 5))))
        else:
            out.append("".join(rng.choice(_KATA) for _ in range(rng.randint(2, 7))))
    return "".join(out) + rng.choice(["。", "、", "！", "？"])


def _thai(rng: random.Random) -> str:
    def syllable() -> str:
        s = rng.choice(_THAI_C)
        if rng.random() < 0.7:
            s += rng.choice(_THAI_V)
        if rng.random() < 0.3:
            s += rng.choice(_THAI_T)
        if rng.random() < 0.4:
            s += rng.choice(_THAI_C)
        return s

    return " ".join("".join(syllable() for _ in range(rng.randint(3, 12))) for _ in range(rng.randint(1, 4)))


def _korean(rng: random.Random) -> str:
    return " ".join("".join(rng.choices(_HANGUL, cum_weights=_HANGUL_CUM, k=rng.randint(1, 4)))
                    for _ in range(rng.randint(3, 12))) + "."


def _spaced(rng: random.Random) -> str:
    lang = rng.choice(list(_ALPHABETS))
    letters = _ALPHABETS[lang]
    words = []
    for _ in range(rng.randint(4, 16)):
        w = "".join(rng.choice(letters) + (rng.choice(_DEVANAGARI_SIGNS) if lang == "hi" and rng.random() < 0.5 else "")
                    for _ in range(rng.randint(2, 9)))
        words.append(w.capitalize() if lang in ("ru", "el") and rng.random() < 0.1 else w)
    return " ".join(words) + rng.choice([".", ",", "!", "?", "؟" if lang == "ar" else "."])


def _multilingual(rng: random.Random) -> str:
    makers = [_chinese, _japanese, _thai, _korean, _spaced, _spaced, _spaced]
    lines = []
    for _ in range(rng.randint(6, 20)):
        r = rng.random()
        if r < 0.15:  # real sentences too (shuffled, so the line is still new)
            lang = rng.choice(list(corpus._MULTILINGUAL))
            lines.append(" ".join(rng.choice(corpus._MULTILINGUAL[lang]) for _ in range(rng.randint(1, 3))))
        else:
            lines.append(" ".join(rng.choice(makers)(rng) for _ in range(rng.randint(1, 3))))
    return "\n".join(lines)


def _prose(rng: random.Random) -> str:
    text = corpus._prose(rng)
    # every ~12th word becomes a made-up one (names, jargon, typos: words a cache has not met)
    words = text.split(" ")
    for i in range(len(words)):
        if rng.random() < 0.08:
            w = _pseudo_word(rng)
            words[i] = w.capitalize() if rng.random() < 0.3 else w
    return " ".join(words)


def _code(rng: random.Random) -> str:
    r = rng.random()
    text = corpus._python_code(rng) if r < 0.5 else corpus._js_code(rng) if r < 0.8 else corpus._json_blob(rng)
    # fresh identifiers: rename a random subset of the known ones
    renames = {w: _pseudo_word(rng) + rng.choice(["", "_", "2", "Id", "_buf"]) for w in corpus._CODE_WORDS
               if rng.random() < 0.35}
    for old, new in renames.items():
        text = text.replace(old, new)
    return text


def _numbers_ws(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(8, 40)):
        r = rng.random()
        indent = " " * rng.choice([0, 0, 2, 4, 8, 12, 16]) + "\t" * rng.choice([0, 0, 0, 1, 2])
        if r < 0.3:  # aligned table
            cells = [f"{rng.uniform(-1e6, 1e6):>{rng.randint(8, 16)}.{rng.randint(0, 4)}f}" for _ in range(rng.randint(2, 8))]
            lines.append(indent + "  ".join(cells))
        elif r < 0.5:  # csv
            lines.append(",".join(str(rng.randint(-10**rng.randint(1, 12), 10**rng.randint(1, 12)))
                                  for _ in range(rng.randint(3, 12))))
        elif r < 0.65:  # ids, versions, dates, phone numbers
            lines.append(indent + " ".join(rng.choice([
                f"{rng.randint(1, 99)}.{rng.randint(0, 99)}.{rng.randint(0, 999)}",
                f"{rng.randint(1900, 2100)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                f"0x{rng.getrandbits(rng.choice([16, 32, 64])):x}",
                f"{rng.getrandbits(48)}",
            ]) for _ in range(rng.randint(1, 8))))
        elif r < 0.8:  # blank lines and trailing whitespace
            lines.append(" " * rng.randint(0, 12) + "\n" * rng.randint(0, 3))
        else:
            lines.append(indent + " ".join(f"{rng.randint(0, 10 ** rng.randint(1, 9))}" for _ in range(rng.randint(2, 10))))
    return "\n".join(lines)


#: category name -> document maker
CATEGORIES: Dict[str, Callable[[random.Random], str]] = {
    "code": _code,
    "prose": _prose,
    "multilingual": _multilingual,
    "numbers_ws": _numbers_ws,
}


def category_documents(category: str, total_bytes: int, seed: int) -> List[str]:
    """Documents of one *category* (each a few KB) whose UTF-8 sizes add up to at least *total_bytes*."""
    rng = random.Random(f"{category}:{seed}")
    make = CATEGORIES[category]
    docs: List[str] = []
    size = 0
    while size < total_bytes:
        doc = "\n\n".join(make(rng) for _ in range(rng.randint(2, 6))) + "\n"
        docs.append(doc)
        size += len(doc.encode("utf-8"))
    return docs


def conversation_seed(round_no: int, part: int) -> int:
    """The convos.py seed for one round's conversations (never reused by another round)."""
    return 7_000_000 + 1000 * round_no + part
