"""Unit checks of the helpers behind schema rendering (values observed on the oracle)."""

from __future__ import annotations

import pytest

from openai_harmony._compat.json_value import JsonDumpError, JsonParseError, format_f64, json_display, normalize_json
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
