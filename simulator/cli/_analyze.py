"""``layerlab analyze IMAGE|PATH``: wasted bytes with reasons, per-layer trees, dive's numbers and CI gate.

``--ci`` evaluates dive's three rules as dive does (``cmd/dive/cli/internal/command/ci`` in
wagoodman/dive): ``lowestEfficiency`` (default ``0.9``), ``highestWastedBytes`` (default
``disabled``; a size as go-humanize's ``ParseBytes`` reads it: ``20MB``, ``20Mb``, ``1GiB``)
and ``highestUserWastedPercent`` (default ``0.1``), read from ``rules:`` in ``.dive-ci`` (or
``--ci-config FILE``).  A value ``disabled``, ``off``, ``false`` or empty turns a rule off.  The
report is dive's (Analysis, Inefficient Files, Evaluation, ``PASS [pass:2 skip:1]``) and the exit
status is 1 when a rule fails, 2 when the configuration is wrong.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analysis import DiveReport, dive_efficiency, efficiency, humanize_bytes
from ..model.entries import Kind
from ..model.image import Image
from ..text import human_size
from ._context import Context, command
from ._errors import CommandError
from ._parser import CommandParser
from .progress import Progress

__all__ = ["CIRule", "ci_rules", "evaluate_ci", "layer_changes", "parse_bytes", "read_dive_ci"]

DEFAULT_RULES = {  # dive: options/ci_rules.go DefaultCIRules
    "lowestEfficiency": "0.9",
    "highestWastedBytes": "disabled",
    "highestUserWastedPercent": "0.1",
}

# go-humanize bytes.go: the unit table of ParseBytes (lower-cased; SI and IEC)
_BYTE_UNITS = {
    "": 1, "b": 1,
    "k": 10**3, "kb": 10**3, "ki": 2**10, "kib": 2**10,
    "m": 10**6, "mb": 10**6, "mi": 2**20, "mib": 2**20,
    "g": 10**9, "gb": 10**9, "gi": 2**30, "gib": 2**30,
    "t": 10**12, "tb": 10**12, "ti": 2**40, "tib": 2**40,
    "p": 10**15, "pb": 10**15, "pi": 2**50, "pib": 2**50,
    "e": 10**18, "eb": 10**18, "ei": 2**60, "eib": 2**60,
}  # fmt: skip


def parse_bytes(text: str) -> int:
    """go-humanize's ``ParseBytes``: ``42 MB``, ``42mb``, ``42MiB``, ``1.5G`` (units case-insensitive)."""
    match = re.fullmatch(r"\s*([0-9.,]+)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).lower() not in _BYTE_UNITS:
        raise ValueError(f"unhandled size name: {text!r}")
    number = float(match.group(1).replace(",", ""))
    return int(number * _BYTE_UNITS[match.group(2).lower()])


def _disabled(value: str) -> bool:
    return value.strip().lower() in ("", "disabled", "off", "false")


def _go_float(x: float) -> str:
    """Go's ``%v`` of a float64 (``0.1``, ``1``, ``+Inf``)."""
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    if math.isnan(x):
        return "NaN"
    return repr(x).removesuffix(".0")


def _go_2f(x: float) -> str:
    return _go_float(x) if math.isinf(x) or math.isnan(x) else f"{x:.2f}"


@dataclass(frozen=True)
class CIRule:
    """One of dive's CI rules with its configured value (``disabled`` when off)."""

    key: str
    value: str

    def evaluate(self, report: DiveReport) -> tuple[str, str]:
        """(status, message): ``PASS``/``FAIL``/``SKIP`` and what dive prints after the rule name."""
        if _disabled(self.value):
            return "SKIP", "disabled"
        if self.key == "lowestEfficiency":
            threshold = float(self.value)
            if threshold > report.efficiency:
                return "FAIL", (
                    f"image efficiency is too low (efficiency={_go_2f(report.efficiency)} "
                    f"< threshold={_go_float(threshold)})"
                )
        elif self.key == "highestWastedBytes":
            limit = parse_bytes(self.value)
            if report.wasted_bytes > limit:
                return (
                    "FAIL",
                    f"too many bytes wasted (wasted-bytes={report.wasted_bytes} > threshold={limit})",
                )
        else:
            threshold = float(self.value)
            if report.user_wasted_percent > threshold:
                return "FAIL", (
                    "too many bytes wasted, relative to the user bytes added "
                    f"(%-user-wasted-bytes={_go_2f(report.user_wasted_percent)} > threshold={_go_float(threshold)})"
                )
        return "PASS", self.value


def ci_rules(values: dict[str, str]) -> list[CIRule]:
    """The three rules, checked as dive checks them (a fraction in 0..1, a size, a fraction)."""
    merged = {**DEFAULT_RULES, **values}
    problems = []
    for key in ("lowestEfficiency", "highestUserWastedPercent"):
        value = merged[key]
        if _disabled(value):
            continue
        try:
            number = float(value)
        except ValueError:
            problems.append(f"invalid {key} config value, given {value!r}")
            continue
        if not 0 <= number <= 1:
            problems.append(f"{key} config value is outside allowed range (0-1), given '{number:f}'")
    if not _disabled(merged["highestWastedBytes"]):
        try:
            parse_bytes(merged["highestWastedBytes"])
        except ValueError:
            problems.append(
                f"invalid highestWastedBytes config value, given {merged['highestWastedBytes']!r}"
            )
    if problems:
        raise CommandError("CI Misconfigured: " + "; ".join(problems), status=2)
    return [CIRule(k, merged[k]) for k in DEFAULT_RULES]


def read_dive_ci(path: str | os.PathLike[str]) -> dict[str, str]:
    """The ``rules:`` of a ``.dive-ci`` file (a YAML mapping of scalars; other keys are ignored)."""
    rules: dict[str, str] = {}
    in_rules = False
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip() or line.strip() == "---":
            continue
        if not line.startswith((" ", "\t")):
            in_rules = line.strip() == "rules:"
            continue
        if in_rules:
            key, colon, value = line.strip().partition(":")
            if not colon:
                raise CommandError(
                    f"{path}:{number}: expected 'name: value' under rules:, got {raw.strip()!r}", status=2
                )
            rules[key.strip()] = value.strip().strip("\"'")
    return rules


def evaluate_ci(report: DiveReport, rules: list[CIRule]) -> tuple[str, bool]:
    """dive's CI report text (without colours) and whether every rule passed."""
    wasted = f"({humanize_bytes(report.wasted_bytes)})" if report.wasted_bytes > 0 else ""
    percent = f"{_go_2f(report.user_wasted_percent * 100)} %" if report.wasted_bytes > 0 else "0 %"
    lines = [
        "Analysis:",
        f"  {'efficiency:':<18} {report.efficiency * 100:.2f} %",
        f"  {'wastedBytes:':<18} {report.wasted_bytes} bytes {wasted}",
        f"  {'userWastedPercent:':<18} {percent}",
        "",
    ]
    if not report.inefficiencies:
        lines.append("Inefficient Files: (None)")
    else:
        lines += ["Inefficient Files:", f"  {'Count':<5}  {'Wasted Space':<12}  File Path"]
        for p in report.inefficiencies:
            lines.append(f"  {p.count!s:<5}  {humanize_bytes(p.cumulative_size):<12}  {p.path}")
    lines += ["", "Evaluation:"]
    tally = {"pass": 0, "fail": 0, "warn": 0, "skip": 0}
    for rule in sorted(rules, key=lambda r: r.key):
        status, message = rule.evaluate(report)
        tally[{"PASS": "pass", "FAIL": "fail", "SKIP": "skip"}[status]] += 1
        lines.append(f"  {status}  {rule.key} ({message})")
    passed = tally["fail"] == 0
    summary = " ".join(f"{k}:{v}" for k, v in tally.items() if v)
    lines += ["", f"{'PASS' if passed else 'FAIL'} [{summary}]"]
    return "\n".join(lines), passed


def layer_changes(image: Image) -> list[list[tuple[str, str]]]:
    """Per layer, its paths sorted with dive's marks: ``A`` added, ``M`` modified, ``D`` deleted.

    A path is modified when a lower layer left it visible, added otherwise; a whiteout deletes
    it (and everything below it); an opaque directory hides what lower layers had below it.
    """
    visible: set[str] = set()
    dirs: set[str] = set()  # the visible paths that are directories (only they have descendants)

    def hide_below(path: str) -> None:
        if path in dirs:
            prefix = path.rstrip("/") + "/"
            gone = [p for p in visible if p.startswith(prefix)]
            visible.difference_update(gone)
            dirs.difference_update(gone)

    out: list[list[tuple[str, str]]] = []
    for layer in image.layers:
        marks: list[tuple[str, str]] = []
        for path in sorted(layer.entries):
            entry = layer.entries[path]
            if entry.kind is Kind.WHITEOUT:
                marks.append(("D", path))
                hide_below(path)
                visible.discard(path)
                dirs.discard(path)
                continue
            marks.append(("M" if path in visible else "A", path))
            if entry.kind is not Kind.DIR or entry.opaque:
                hide_below(path)  # a file over a directory, or an opaque directory, hides what was below
            visible.add(path)
            if entry.kind is Kind.DIR:
                dirs.add(path)
            else:
                dirs.discard(path)
        out.append(marks)
    return out


def _tree_lines(marks: list[tuple[str, str]]) -> list[str]:
    lines = []
    for mark, path in marks:
        depth = path.strip("/").count("/")
        lines.append(f"    {mark} {'  ' * depth}{path.rstrip('/').rsplit('/', 1)[-1] or '/'}")
    return lines


def _resolve(ctx: Context, target: str, tag: str | None) -> tuple[str, Image]:
    """The image ``target`` names: an archive or layout on disk, else one in the store or library."""
    if os.path.exists(target):
        from ..oci import read_layout

        found = read_layout(target)
        if tag is not None:
            found = [item for item in found if tag in item.tags]
        if len(found) != 1:
            names = [", ".join(item.tags) or item.image.short_id for item in read_layout(target)]
            raise CommandError(
                f"{target} holds {len(names)} images ({'; '.join(names)}); choose one with --image NAME:TAG"
                if tag is None or not found
                else f"{target} holds several images tagged {tag}"
            )
        item = found[0]
        return (item.tags[0] if item.tags else target), item.image
    # an image built or loaded earlier is in the store; without a store, the library's are enough
    engine = ctx.engine(persistent=os.path.isdir(ctx.root))
    return target, engine.images.get_or_pull(target)


def _analyze_flags(p: CommandParser) -> None:
    p.add_argument(
        "target", metavar="IMAGE|PATH", help="an image name or ID, or a docker-archive/OCI layout on disk"
    )
    p.add_argument("--image", metavar="NAME:TAG", help="which image of an archive that holds several")
    p.add_argument(
        "--dive", action="store_true", help="dive's numbers (its efficiency, wasted bytes, inefficient files)"
    )
    p.add_argument(
        "--tree", action="store_true", help="each layer's files with A (added), M (modified), D (deleted)"
    )
    p.add_argument("--json", action="store_true", help="everything as one JSON object")
    p.add_argument(
        "--ci", action="store_true", help="evaluate dive's .dive-ci rules; exit status 1 if one fails"
    )
    p.add_argument(
        "--ci-config", default=".dive-ci", metavar="FILE", help="the rules file for --ci (default .dive-ci)"
    )
    p.add_argument("--lowest-efficiency", metavar="FRACTION", help="override lowestEfficiency")
    p.add_argument("--highest-wasted-bytes", metavar="SIZE", help="override highestWastedBytes")
    p.add_argument(
        "--highest-user-wasted-percent", metavar="FRACTION", help="override highestUserWastedPercent"
    )


@command(
    "analyze",
    "[OPTIONS] IMAGE|PATH",
    "Show an image's wasted bytes and why, its layers' changes, and dive's numbers",
    flags=_analyze_flags,
)
def analyze(ctx: Context, args: argparse.Namespace) -> int:
    values: dict[str, str] = {}
    if args.ci:
        if os.path.exists(args.ci_config):
            values = read_dive_ci(args.ci_config)
        elif args.ci_config != ".dive-ci":
            raise CommandError(f"open {args.ci_config}: no such file or directory", status=2)
        for key, flag in (
            ("lowestEfficiency", args.lowest_efficiency),
            ("highestWastedBytes", args.highest_wasted_bytes),
            ("highestUserWastedPercent", args.highest_user_wasted_percent),
        ):
            if flag is not None:
                values[key] = flag
    rules = ci_rules(values) if args.ci else []
    with Progress("Analyzing", stream=ctx.err) as bar:
        name, image = _resolve(ctx, args.target, args.image)
        n = len(image.layers)  # each layer is read twice: for the wasted bytes, then for dive's numbers
        report = efficiency(image, lambda done, total, what: bar.report(done, 2 * n, f"{name}: {what}"))
        dive = dive_efficiency(
            image, lambda done, total, what: bar.report(n + done, 2 * n, f"{name}: {what}")
        )
    changes = layer_changes(image) if (args.tree or args.json) else []
    if args.json:  # written as it is encoded: a 100k-file image's JSON is never one string
        json.dump(_as_json(name, image, report, dive, changes, rules), ctx.out, indent=2)
        ctx.out.write("\n")
    elif args.ci:
        text, _ = evaluate_ci(dive, rules)
        ctx.print(text)
    else:
        ctx.print(_text(name, image, report, dive, changes, args.dive))
    if args.ci and not evaluate_ci(dive, rules)[1]:
        return 1
    return 0


def _text(
    name: str,
    image: Image,
    report: Any,
    dive: DiveReport,
    changes: list[list[tuple[str, str]]],
    show_dive: bool,
) -> str:
    lines = [f"Image: {name} ({image.short_id}), {len(image.layers)} layers, {human_size(image.size)}", ""]
    lines.append(f"{'LAYER':<6}{'SIZE':>10}   CREATED BY")
    for i, (entry, layer) in enumerate((e, layer) for e, layer in image.layer_history() if layer is not None):
        lines.append(f"{i:<6}{human_size(layer.size):>10}   {entry.created_by.replace(chr(9), ' ')[:70]}")
        if changes:
            lines += _tree_lines(changes[i])
    lines += ["", report.summary()]
    if show_dive:
        lines += ["", "dive:", dive.ci_text()]
    return "\n".join(lines)


def _as_json(
    name: str,
    image: Image,
    report: Any,
    dive: DiveReport,
    changes: list[list[tuple[str, str]]],
    rules: list[CIRule],
) -> dict[str, Any]:
    layers = []
    for i, layer in enumerate(image.layers):
        marked: dict[str, list[str]] = {"A": [], "M": [], "D": []}
        for mark, path in changes[i]:
            marked[mark].append(path)
        layers.append(
            {
                "index": i,
                "diffId": image.diff_ids[i],
                "sizeBytes": layer.size,
                "command": layer.created_by,
                "added": marked["A"],
                "modified": marked["M"],
                "deleted": marked["D"],
            }
        )
    out: dict[str, Any] = {
        "image": {"name": name, "id": image.id, "sizeBytes": image.size},
        "efficiency": {
            "score": report.score,
            "shippedBytes": report.total_bytes,
            "wastedBytes": report.wasted_bytes,
            "byReason": report.by_reason,
            "paths": [
                {
                    "path": p.path,
                    "layer": p.layer,
                    "bytes": p.bytes,
                    "reason": p.reason,
                    "explanation": p.explanation,
                    "hiddenByLayer": p.by_layer,
                    "hiddenByPath": p.by_path,
                    "fix": p.fix,
                }
                for p in report.paths
            ],
        },
        # the names of dive's --json export (image section)
        "dive": {
            "sizeBytes": dive.size_bytes,
            "inefficientBytes": dive.wasted_bytes,
            "efficiencyScore": dive.efficiency,
            "userWastedPercent": None
            if math.isnan(dive.user_wasted_percent) or math.isinf(dive.user_wasted_percent)
            else dive.user_wasted_percent,
            "fileReference": [
                {"count": p.count, "sizeBytes": p.cumulative_size, "file": p.path}
                for p in dive.inefficiencies
            ],
        },
        "layers": layers,
    }
    if rules:
        out["ci"] = {r.key: r.evaluate(dive)[0] for r in rules}
    return out
