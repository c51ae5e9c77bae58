"""``layerlab analyze``: A/M/D layer changes, dive's numbers and its CI gate.

dive's CI report (wagoodman/dive ``cmd/dive/cli/testdata/snapshots/cli_build_test.snap`` and
``cli_ci_test.snap``) is transcribed below as data: the image there (dive's
``testdata/image-multi-layer-dockerfile``) has efficiency 100.00 %, 131 wasted bytes and
71.98 % user-wasted; the rule results and the summary line are dive's own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from analysis.dive_scenarios import dive_test_image

from simulator import Entry, Image, Layer
from simulator.analysis import DivePath, DiveReport, dive_efficiency, efficiency
from simulator.cli._analyze import ci_rules, evaluate_ci, layer_changes, parse_bytes, read_dive_ci
from simulator.cli._errors import CommandError
from simulator.engine import Engine
from simulator.oci import write_layout

from ._helpers import cli, layerlab

# dive's snapshot image: 131 wasted bytes of 182 user bytes (71.98 %), efficiency rounding to 100.00
SNAPSHOT_REPORT = DiveReport(
    efficiency=0.99999,
    size_bytes=1_000_000,
    user_size_bytes=182,
    wasted_bytes=131,
    inefficiencies=(
        DivePath("/root/saved.txt", 3, 80, (1, 2, 3)),
        DivePath("/root/example/somefile1.txt", 2, 34, (1, 2)),
        DivePath("/root/example/somefile3.txt", 2, 17, (1, 2)),
        DivePath("/root", 2, 0, (1, 2)),
        DivePath("/etc", 10, 0, tuple(range(10))),
    ),
)
SNAPSHOT_HEAD = """\
Analysis:
  efficiency:        100.00 %
  wastedBytes:       131 bytes (131 B)
  userWastedPercent: 71.98 %

Inefficient Files:
  Count  Wasted Space  File Path
  3      80 B          /root/saved.txt
  2      34 B          /root/example/somefile1.txt
  2      17 B          /root/example/somefile3.txt
  2      0 B           /root
  10     0 B           /etc

Evaluation:
"""
# cli_build_test.snap, with dive-pass.yaml's rules
SNAPSHOT_PASS = """\
  PASS  highestUserWastedPercent (0.90)
  PASS  highestWastedBytes (20MB)
  PASS  lowestEfficiency (0.9)

PASS [pass:3]"""
# cli_ci_test.snap Test_CI_Fail: dive's default rules
SNAPSHOT_FAIL = """\
  FAIL  highestUserWastedPercent (too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=0.72 > threshold=0.1))
  SKIP  highestWastedBytes (disabled)
  PASS  lowestEfficiency (0.9)

FAIL [pass:1 fail:1 skip:1]"""


def test_ci_report_matches_dives_snapshot_when_passing() -> None:
    rules = ci_rules(
        {"lowestEfficiency": "0.9", "highestWastedBytes": "20MB", "highestUserWastedPercent": "0.90"}
    )
    text, passed = evaluate_ci(SNAPSHOT_REPORT, rules)
    assert text == SNAPSHOT_HEAD + SNAPSHOT_PASS
    assert passed


def test_ci_report_matches_dives_snapshot_with_default_rules() -> None:
    text, passed = evaluate_ci(SNAPSHOT_REPORT, ci_rules({}))
    assert text == SNAPSHOT_HEAD + SNAPSHOT_FAIL
    assert not passed


def test_ci_nothing_wasted() -> None:
    report = DiveReport(1.0, 10, 0, 0, ())
    text, passed = evaluate_ci(report, ci_rules({}))
    assert "  wastedBytes:       0 bytes \n  userWastedPercent: 0 %\n\nInefficient Files: (None)" in text
    assert passed  # NaN > threshold is false in Go too


def test_ci_rule_values_checked_as_dive_checks_them() -> None:
    with pytest.raises(CommandError, match="outside allowed range") as info:
        ci_rules({"lowestEfficiency": "1.5"})
    assert info.value.status == 2
    with pytest.raises(CommandError, match="invalid highestWastedBytes"):
        ci_rules({"highestWastedBytes": "lots"})
    assert ci_rules({"lowestEfficiency": "off"})[0].value == "off"


def test_parse_bytes_is_go_humanize() -> None:
    # go-humanize ParseBytes: SI for kB/MB (any case), IEC for KiB/MiB
    assert parse_bytes("20Mb") == 20_000_000
    assert parse_bytes("20MB") == 20_000_000
    assert parse_bytes("1 MiB") == 1_048_576
    assert parse_bytes("42") == 42


def test_read_dive_ci_reads_the_rules_section(tmp_path: Path) -> None:
    # dive's own .data/.dive-ci
    (tmp_path / ".dive-ci").write_text(
        "---\nplugins:\n  - plugin1\n\nrules:\n  # a comment\n  lowestEfficiency: 0.95\n"
        "  highestWastedBytes: 20Mb\n  highestUserWastedPercent: 0.5\n  plugin1/rule1: error\n",
        encoding="utf-8",
    )
    rules = read_dive_ci(tmp_path / ".dive-ci")
    assert rules["lowestEfficiency"] == "0.95" and rules["highestWastedBytes"] == "20Mb"


def test_layer_changes_marks_added_modified_deleted() -> None:
    image = Image.of(
        [
            Layer.of({"/etc": Entry.directory(), "/etc/a": Entry.file(b"1"), "/etc/b": Entry.file(b"2")}),
            Layer.of({"/etc": Entry.directory(), "/etc/a": Entry.file(b"3"), "/etc/b": Entry.whiteout()}),
            Layer.of({"/etc": Entry.directory(opaque=True), "/etc/c": Entry.file(b"4")}),
            Layer.of({"/etc/a": Entry.file(b"5")}),
        ]
    )
    assert layer_changes(image) == [
        [("A", "/etc"), ("A", "/etc/a"), ("A", "/etc/b")],
        [("M", "/etc"), ("M", "/etc/a"), ("D", "/etc/b")],
        [("M", "/etc"), ("A", "/etc/c")],
        [("A", "/etc/a")],  # the opaque directory hid the old /etc/a: this one is new
    ]


def test_analyze_an_archive_as_a_user_types_it(tmp_path: Path) -> None:
    image = dive_test_image()
    archive = tmp_path / "dive-test.tar"
    write_layout(image, archive, ["dive-test:1"], format="docker")
    r = layerlab("analyze", "--json", str(archive), root=tmp_path / "store")
    assert r.status == 0, r.err
    data = json.loads(r.out)
    ours, dive = efficiency(image), dive_efficiency(image)
    assert data["image"]["id"] == image.id
    assert data["efficiency"]["wastedBytes"] == ours.wasted_bytes
    assert {p["reason"] for p in data["efficiency"]["paths"]} == {p.reason for p in ours.paths}
    assert data["dive"]["inefficientBytes"] == dive.wasted_bytes == 32025  # dive's own test number
    assert len(data["layers"]) == len(image.layers)


def test_analyze_ci_exit_status(tmp_path: Path) -> None:
    archive = tmp_path / "dive-test.tar"
    write_layout(dive_test_image(), archive, ["dive-test:1"], format="docker")
    r = layerlab("analyze", "--ci", str(archive), cwd=tmp_path)
    assert r.status == 1  # user-wasted 48 % > dive's default 10 %
    assert "FAIL  highestUserWastedPercent" in r.out and r.out.rstrip().endswith(
        "FAIL [pass:1 fail:1 skip:1]"
    )
    (tmp_path / ".dive-ci").write_text("rules:\n  highestUserWastedPercent: 0.5\n", encoding="utf-8")
    r = layerlab("analyze", "--ci", str(archive), cwd=tmp_path)
    assert r.status == 0 and r.out.rstrip().endswith("PASS [pass:2 skip:1]")
    r = layerlab("analyze", "--ci", "--lowest-efficiency", "2", str(archive), cwd=tmp_path)
    assert r.status == 2 and "outside allowed range" in r.err


def test_analyze_text_with_tree_and_dive(tmp_path: Path) -> None:
    e = Engine()
    (tmp_path / "Dockerfile").write_text(
        "FROM busybox:latest\nRUN echo hi > /f && rm /bin/ls\n", encoding="utf-8"
    )
    cli("build", "-q", "-t", "w:1", str(tmp_path), engine=e)
    r = cli("analyze", "--tree", "--dive", "w:1", engine=e)
    assert r.status == 0
    assert "    A f\n" in r.out and "    D   ls\n" in r.out
    assert "efficiency:" in r.out and "wastedBytes:" in r.out


def test_analyze_of_nothing_is_a_clear_error(tmp_path: Path) -> None:
    r = cli("analyze", "nosuch:1", engine=Engine())
    assert r.status == 1 and "nosuch" in r.err and "Traceback" not in r.err
