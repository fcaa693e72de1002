"""Argument errors that name the argument, and stay catchable as the official ones.

Where the official package lets a wrong argument surface as some other error (an
``AttributeError`` from ``None.to_json``, an ``OverflowError`` from a negative id, a
``KeyError`` from a missing dict key...), we raise a ``TypeError`` / ``ValueError`` whose
message names the argument, from a class that also derives from the official error's
type, so ``except AttributeError`` (etc.) written against the official still works.

Everything here runs on the error path only: callers catch the original error at the API
boundary and call :func:`named` / :func:`expected`.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, List, Optional

__all__ = [
    "ArgumentAttributeError",
    "ArgumentKeyError",
    "ArgumentLookupError",
    "ArgumentNotImplementedError",
    "ArgumentOverflowError",
    "expected",
    "frozen",
    "listed",
    "named",
    "type_name",
]


class ArgumentAttributeError(TypeError, AttributeError):
    """A wrong argument type (the official raises AttributeError here)."""


class ArgumentNotImplementedError(TypeError, NotImplementedError):
    """A wrong argument type: a bare ``Content`` (the official raises NotImplementedError)."""


class ArgumentOverflowError(ValueError, OverflowError):
    """A token id outside 0..2**32-1 (the official raises OverflowError)."""


class ArgumentKeyError(ValueError, KeyError):
    """A dict argument lacks a required key (the official raises KeyError)."""

    def __str__(self) -> str:
        # KeyError shows repr(key); this one carries a sentence.
        return str(self.args[0]) if self.args else ""


class ArgumentLookupError(ValueError, LookupError):
    """An unknown codec error handler (the official raises LookupError)."""


# Exception types re-raised with the argument's name: plain TypeError / ValueError keep
# their class (only the message changes); others get a subclass that is also a
# TypeError / ValueError.
_NAMED: Dict[type, type] = {
    TypeError: TypeError,
    ValueError: ValueError,
    AttributeError: ArgumentAttributeError,
    NotImplementedError: ArgumentNotImplementedError,
    OverflowError: ArgumentOverflowError,
    KeyError: ArgumentKeyError,
    LookupError: ArgumentLookupError,
}


def type_name(value: Any) -> str:
    """``NoneType``, ``str``, ``float``... as Python's own messages spell them."""
    return type(value).__name__


def _text(exc: BaseException) -> str:
    if type(exc) is KeyError and exc.args:
        return f"missing key {exc.args[0]!r}"
    if type(exc) is NotImplementedError and not str(exc):
        # Content.to_dict of the bare base class.
        return "a bare Content has no JSON form (use TextContent, SystemContent or DeveloperContent)"
    return str(exc)


def named(exc: BaseException, argname: str) -> BaseException:
    """``exc`` re-made with "argument 'argname': " before its message, as a TypeError /
    ValueError subclass of its own type; ``exc`` itself if its type is not a known one."""
    cls = _NAMED.get(type(exc))
    if cls is None:
        return exc
    text = _text(exc)
    if text.startswith("argument '"):  # already named (by an inner call)
        return exc
    named_exc: BaseException = cls(f"argument '{argname}': {text}")
    return named_exc


def listed(value: Any, argname: str) -> List[Any]:
    """``list(value)``; a non-iterable raises TypeError naming the argument."""
    try:
        return list(value)
    except TypeError as exc:
        raise named(exc, argname) from None


def frozen(value: Any, argname: str) -> FrozenSet[Any]:
    """``value`` as a frozenset; a non-iterable (or unhashable item) raises TypeError naming it."""
    if isinstance(value, frozenset):
        return value
    try:
        return frozenset(value)
    except TypeError as exc:
        raise named(exc, argname) from None


def expected(argname: str, what: str, value: Any, cls: type = ArgumentAttributeError) -> BaseException:
    """"argument 'argname': expected what, got <type>" as ``cls``."""
    exc: BaseException = cls(f"argument '{argname}': expected {what}, got {type_name(value)}")
    return exc


def check_attr(obj: Any, attr: str) -> Optional[bool]:
    """Whether ``obj`` has ``attr`` (for error paths; never raises)."""
    try:
        getattr(obj, attr)
    except Exception:
        return False
    return True
