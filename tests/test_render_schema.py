"""Unit checks of the helpers behind schema rendering (values observed on the oracle)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_harmony._compat.json_value import (
    JsonDumpError,
    JsonParseError,
    format_f64,
    is_normalized,
    json_display,
    normalize_json,
)
from openai_harmony._compat.rustfmt import rust_lines
from openai_harmony.schema import schema_to_typescript


@pytest.mark.parametrize(
    "value, text",
    [
        (1.0, "1.0"),
        (1e100, "1e100"),
        (1e-7, "1e-7"),
        (1e-5, "0.00001"),
        (0.0001, "0.0001"),
        (1e16, "1e16"),
        (1e15, "1000000000000000.0"),
        (123456789.0, "123456789.0"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
        (1.2345678901234568e22, "1.2345678901234568e22"),
        (2.5e-7, "2.5e-7"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e308"),
        (-3.75, "-3.75"),
    ],
)
def test_format_f64(value, text):
    assert format_f64(value) == text


@pytest.mark.parametrize(
    "text, lines",
    [
        ("", []),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\n\n", ["a", ""]),
        ("\n", [""]),
        ("\r\n", [""]),
        ("x\r", ["x\r"]),
        ("x\ry", ["x\ry"]),
        ("a\r\nb\r", ["a", "b\r"]),
        ("a\n\r\n", ["a", ""]),
        ("\r", ["\r"]),
        ("a\u2028b\x0bc", ["a\u2028b\x0bc"]),
    ],
)
def test_rust_lines(text, lines):
    assert rust_lines(text) == lines


def test_normalize_json_like_dumps_then_serde():
    value = {1: (1, 2.5), False: None, None: 2**64, "k": [{"z": 1, "a": 2}], 2.5: "x"}
    assert normalize_json(value) == {"1": [1, 2.5], "false": None, "null": 1.8446744073709552e19, "k": [{"z": 1, "a": 2}], "2.5": "x"}
    # Duplicate keys after conversion: first position, last value.
    assert list(normalize_json({"1": "a", "b": 0, 1: "c"}).items()) == [("1", "c"), ("b", 0)]
    with pytest.raises(JsonDumpError, match="^Object of type set is not JSON serializable$"):
        normalize_json({"a": {1}})
    with pytest.raises(JsonDumpError, match="^keys must be str, int, float, bool or None, not tuple$"):
        normalize_json({(1,): 1})
    with pytest.raises(JsonParseError):
        normalize_json([float("nan")])
    with pytest.raises(JsonParseError):
        normalize_json(10**400)


def test_json_display_is_serde_compact():
    assert json_display({"a": [1, 2.0, None, True], "é": 'q"\n\x01'}) == '{"a":[1,2.0,null,true],"é":"q\\"\\n\\u0001"}'


def test_schema_to_typescript_basics():
    schema = {
        "type": "object",
        "properties": {
            "b": {"type": "string", "enum": ["x", "y"], "default": "x"},
            "a": {"type": ["integer", "null"], "description": "An int"},
            "c": {"type": "array", "items": {"type": "boolean"}, "nullable": True},
        },
        "required": ["a"],
    }
    assert schema_to_typescript(schema) == (
        "{\n"
        'b?: "x" | "y", // default: x\n'
        "// An int\n"
        "a: number | null,\n"
        "c?: boolean[] | null,\n"
        "}"
    )
    assert schema_to_typescript([1, 2]) == "any"
    assert schema_to_typescript({"type": "array"}) == "Array<any>"


class _Str(str):
    pass


class _Int(int):
    pass


class _Dict(dict):
    pass


# JSON-like values including what normalize_json has to change: subclasses, tuples,
# non-string keys, surrogates, floats serde_json reads differently, out-of-range ints.
_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.1, 1e23, 1.2345678901234567e-30, 1.7976931348623157e308, -0.0, 5e-324]),
    st.text(max_size=4),
    st.sampled_from(["\ud800", "a\udfff", "é", "日本"]),
    st.builds(_Str, st.text(max_size=3)),
    st.builds(_Int, st.integers(-5, 5)),
)
_key = st.one_of(st.text(max_size=3), st.sampled_from(["\ud83d", 1, 2.5, None, True]))
_json_like = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(_key, inner, max_size=4),
        st.dictionaries(st.text(max_size=3), inner, max_size=3).map(_Dict),
    ),
    max_leaves=12,
)


def _same(a, b):
    """Equal values of exactly the same types (floats bit for bit)."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if type(a) is float:
        return a.hex() == b.hex()
    return a == b


@given(_json_like)
@settings(max_examples=400, deadline=None)
def test_is_normalized_means_normalize_json_changes_nothing(value):
    try:
        normalized = normalize_json(value)
    except (JsonDumpError, JsonParseError):
        assert not is_normalized(value)
        return
    if is_normalized(value):
        assert _same(normalized, value)


def test_is_normalized_cases():
    assert is_normalized({"type": "object", "properties": {"a": {"type": "integer", "default": 2**63}}})
    assert is_normalized([None, True, 1.5, -0.0, "é", {"k": []}])
    assert not is_normalized({"a": (1, 2)})
    assert not is_normalized({1: "x"})
    assert not is_normalized({"a": _Str("x")})
    assert not is_normalized({"a": "\ud800"})
    assert not is_normalized({"\udfff": 1})
    assert not is_normalized([2**64])
    assert not is_normalized([float("nan")])
    # serde_json reads this float's repr one ulp off: the copy differs.
    assert normalize_json([1.2345678901234567e-30]) != [1.2345678901234567e-30]
    assert not is_normalized([1.2345678901234567e-30])
    assert not is_normalized("not a container")
    deep: list = []
    for _ in range(150):
        deep = [deep]
    assert not is_normalized(deep)
