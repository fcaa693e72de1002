"""Token-id checks and decoding shared by both backends (tokenizer and parser, pure and compiled).

Argument checks are the error path only, so one implementation serves the compiled
modules too: they call these when their fast test of a token fails.
"""

from __future__ import annotations

import operator
from typing import Any, Dict, Iterable, List, Mapping, Tuple

from ._compat.args import ArgumentOverflowError, listed, named, type_name
from ._compat.rustfmt import utf8_error_text
from .errors import HarmonyError

__all__ = ["I64_LIMIT", "U32_LIMIT", "as_token_list", "check_token", "check_token_list", "checked_vocabulary", "decode_utf8"]

U32_LIMIT = 1 << 32
I64_LIMIT = 1 << 63


def check_token(t: object, argname: str = "token") -> int:
    """Check one token id the way the official bindings convert to ``u32``; return it as int.

    Raises ``TypeError`` for a non-integer (the official message) and, for a value outside
    u32, the official ``OverflowError`` message after the argument's name, as an
    ``ArgumentOverflowError`` (a ValueError and an OverflowError).
    """
    if type(t) is not int:
        try:
            # int(): before Python 3.10, operator.index returns an int subclass (bool) as is.
            t = int(operator.index(t))  # type: ignore[arg-type]
        except TypeError:
            raise TypeError(
                f"argument '{argname}': '{type(t).__name__}' object cannot be interpreted as an integer"
            ) from None
    if t < 0 or t >= U32_LIMIT:
        # The bindings read a C long first, then narrow it to u32.
        if t < -I64_LIMIT or t >= I64_LIMIT:
            raise ArgumentOverflowError(f"argument '{argname}': Python int too large to convert to C long")
        raise ArgumentOverflowError(f"argument '{argname}': out of range integral type conversion attempted")
    return t


def as_token_list(tokens: Iterable[int], argname: str = "tokens") -> List[int]:
    """Check *tokens* the way the official bindings convert to ``Vec<u32>``; return them as ints."""
    if isinstance(tokens, (str, bytes)):
        raise TypeError(f"argument '{argname}': Can't extract `str` to `Vec`")
    out = listed(tokens, argname)
    # converted values: an __index__ object counts (and is reported) as its int
    return [check_token(t, argname) for t in out]


def decode_utf8(tokenizer: Any, tokens: List[int]) -> str:
    """Decode *tokens* with either backend's tokenizer; ``HarmonyError`` as the official says it."""
    try:
        data: bytes = tokenizer.decode_bytes(tokens)
    except HarmonyError as exc:
        raise HarmonyError(f"Could not decode tokens: Invalid token error: {exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HarmonyError(f"Could not decode tokens: Invalid utf-8 sequence: {utf8_error_text(data, exc)}") from None


def check_token_list(tokens: List[Any]) -> List[int]:
    """Return *tokens* (a list) if every item is an int in u32, else a checked copy (``check_token``)."""
    for t in tokens:
        if type(t) is not int or t < 0 or t >= U32_LIMIT:
            break
    else:
        return tokens
    return [t if type(t) is int and 0 <= t < U32_LIMIT else check_token(t, "tokens") for t in tokens]


def checked_vocabulary(
    mergeable_ranks: Iterable[bytes], special_tokens: Mapping[str, int], pattern: str
) -> Tuple[List[bytes], Dict[str, int], str]:
    """Validate a tokenizer's arguments (both backends); return owned copies of exact types.

    Each argument is read exactly once, so lying objects (a ``__len__`` that disagrees with
    iteration, a bytearray grown by a callback, a mapping that changes) cannot make the
    copies disagree with what was checked: the compiled backend sizes its C tables from them.
    """
    ranks = listed(mergeable_ranks, "mergeable_ranks")
    for i, tok in enumerate(ranks):
        if type(tok) is not bytes:
            if not isinstance(tok, (bytes, bytearray, memoryview)):
                raise TypeError(f"argument 'mergeable_ranks': item {i} is {type_name(tok)}, not bytes")
            # through the buffer: a bytes subclass's __bytes__ is not consulted
            ranks[i] = bytes(memoryview(tok))
    if len(ranks) >= U32_LIMIT - 1:  # the compiled backend's "no rank" marker is 2**32-1
        raise ValueError("argument 'mergeable_ranks': vocabulary too large")
    try:
        given = dict(special_tokens)
    except (TypeError, ValueError) as exc:
        raise named(exc, "special_tokens") from None
    specials: Dict[str, int] = {}
    for text, tid in given.items():
        if not isinstance(text, str):
            raise TypeError(f"argument 'special_tokens': key {text!r} is {type_name(text)}, not str")
        text = str.__str__(text)  # an exact str (a subclass could override encode, __eq__...)
        if not text:
            # a zero-length special would match everywhere without advancing
            raise ValueError("argument 'special_tokens': a special token cannot be empty")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"argument 'special_tokens': {text!r} is not encodable as UTF-8 (lone surrogate)") from None
        try:
            value = int(operator.index(tid))
        except TypeError:
            raise TypeError(f"argument 'special_tokens': id of {text!r} is {type_name(tid)}, not int") from None
        if not 0 <= value < U32_LIMIT:
            raise ValueError(f"argument 'special_tokens': id {value} of {text!r} is outside 0..2**32-1")
        specials[text] = value
    if not isinstance(pattern, str):
        raise TypeError(f"argument 'pattern': expected str, got {type_name(pattern)}")
    return ranks, specials, str.__str__(pattern)
