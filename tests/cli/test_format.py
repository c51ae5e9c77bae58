"""``--format``: Go's text/template as docker/cli uses it (docker/cli ``templates/templates.go``)."""

from __future__ import annotations

import pytest

from simulator.cli._errors import UsageError
from simulator.cli._format import Row, format_rows, go_json, go_print, render


def test_fields_and_literal_text() -> None:
    assert render("{{.ID}}: {{.Tag}}", Row(ID="abc", Tag="1")) == "abc: 1"


def test_json_of_a_row_sorts_its_keys_like_a_go_map() -> None:
    assert render("{{json .}}", Row(Tag="1", ID="abc")) == '{"ID":"abc","Tag":"1"}'


def test_json_is_html_safe_like_go() -> None:
    # encoding/json escapes <, > and & by default
    assert go_json({"a": "<b>&"}) == '{"a":"\\u003cb\\u003e\\u0026"}'


def test_go_print_of_lists_maps_and_nil() -> None:
    assert go_print(["a", "b"]) == "[a b]"
    assert go_print({"b": 1, "a": True}) == "map[a:true b:1]"
    assert go_print(None) == "<nil>"


def test_nested_fields_and_missing_map_keys() -> None:
    obj = {"Config": {"Cmd": ["sh"], "Env": None}}
    assert render("{{.Config.Cmd}} {{json .Config.Cmd}}", obj) == '[sh] ["sh"]'
    assert render("{{.Config.Nope}}", obj) == "<no value>"
    assert render("{{.Config.Env}}", obj) == "<nil>"


def test_functions_and_pipelines() -> None:
    row = Row(Names="web", Labels="a,b")
    assert render("{{upper .Names}}", row) == "WEB"
    assert render("{{.Names | upper}}", row) == "WEB"
    assert render("{{truncate .Names 2}}", row) == "we"
    assert render('{{join .L ", "}}', {"L": ["a", "b"]}) == "a, b"


def test_unknown_field_of_a_row_names_the_fields() -> None:
    with pytest.raises(UsageError, match=r"can't evaluate field Nope.*ID, Tag"):
        render("{{.Nope}}", Row(ID="x", Tag="y"))


def test_unknown_function() -> None:
    with pytest.raises(UsageError, match="function 'frob' not defined"):
        render("{{frob .ID}}", Row(ID="x"))


def test_unclosed_action() -> None:
    with pytest.raises(UsageError, match="unclosed action"):
        render("{{.ID", Row(ID="x"))


def test_table_prints_headers_and_aligns_like_tabwriter() -> None:
    rows = [Row(ID="abc", Size="1MB"), Row(ID="abcdefghijklmn", Size="2MB")]
    text = format_rows("table {{.ID}}\\t{{.Size}}", rows, {"ID": "IMAGE ID", "Size": "SIZE"})
    assert text.splitlines() == [
        "IMAGE ID         SIZE",
        "abc              1MB",
        "abcdefghijklmn   2MB",
    ]


def test_plain_format_is_one_line_per_row() -> None:
    rows = [Row(ID="a"), Row(ID="b")]
    assert format_rows("{{.ID}}", rows, {}) == "a\nb"
