"""Clear errors for values nested too deeply to render (instead of a leaking RecursionError).

The official wrapper serialises conversations with ``json.dumps`` before serde_json reads
them; serde_json refuses the 128th level of nesting with a ``ValueError`` ("invalid
conversation JSON: recursion limit exceeded at line 1 column N"), but past Python's
recursion limit (roughly 1000 levels) ``json.dumps`` itself fails first with a bare
``RecursionError``. We report the serde_json error in both cases, raised as
:class:`JsonDepthError`, which is a ``ValueError`` and still a ``RecursionError`` for code
written against the official behaviour.
"""

from __future__ import annotations

import copy
from dataclasses import fields, is_dataclass
from typing import Any, Dict, List, Tuple

__all__ = ["JsonDepthError", "depth_error", "truncated_copy"]

# Levels kept by truncated_copy: serde_json stops at level 128 of the JSON text, and one
# object level here (a message's author) is flattened in the JSON, so 140 keeps everything
# serde_json reads before it stops.
_CAP = 140


class JsonDepthError(ValueError, RecursionError):
    """A value is nested more deeply than serde_json accepts (128 levels)."""


def _is_node(value: Any) -> bool:
    return isinstance(value, (dict, list, tuple)) or (is_dataclass(value) and not isinstance(value, type))


def _shell(value: Any) -> Any:
    if isinstance(value, dict):
        return {}
    if isinstance(value, (list, tuple)):
        return []
    return copy.copy(value)


def truncated_copy(root: Any, cap: int = _CAP) -> Any:
    """Copy of ``root`` (chat objects, dicts, lists) without recursion, in which every
    container or chat object nested more than ``cap`` levels deep is replaced by None."""
    if not _is_node(root):
        return root
    memo: Dict[Tuple[int, int], Any] = {}
    out = _shell(root)
    stack: List[Tuple[Any, Any, int]] = [(root, out, 1)]
    while stack:
        src, dst, depth = stack.pop()

        def child(value: Any, depth: int = depth) -> Any:  # bound now: called only in this iteration
            if not _is_node(value):
                return value
            if depth >= cap:
                return None
            key = (id(value), depth + 1)
            made = memo.get(key)
            if made is None:
                made = memo[key] = _shell(value)
                stack.append((value, made, depth + 1))
            return made

        if isinstance(src, dict):
            for k, v in src.items():
                dst[k] = child(v)
        elif isinstance(src, (list, tuple)):
            dst.extend(child(v) for v in src)
        else:
            for f in fields(src):
                try:
                    value = getattr(src, f.name)
                except AttributeError:
                    continue
                setattr(dst, f.name, child(value))
    return out


def depth_error(obj: Any, what: str) -> JsonDepthError:
    """The error for ``obj`` (a conversation or message, ``what`` says which) whose
    ``to_json`` hit Python's recursion limit: serde_json's message where it can be known."""
    from . import serde

    load = serde.load_conversation if what == "conversation" else serde.load_message
    try:
        load(truncated_copy(obj).to_json())
    except ValueError as exc:
        return JsonDepthError(str(exc))
    except RecursionError:
        pass
    return JsonDepthError(f"invalid {what} JSON: recursion limit exceeded")
