"""The validator of ``data/``: ``python -m simulator.distro check [DATA_DIR]``.

Four kinds of check, each problem reported on one line as ``file: record: field: what is wrong``:

1. **Form and schema.**  Every file parses, is in the canonical form of
   :func:`simulator.distro.jsondata.dumps`, and holds what the loaders expect: the keys of an image
   in ``images.json``, rows ``[path, kind, ...]`` of the right length and types in a layer file,
   the sections of ``packages.json``; names that point elsewhere (an image's ``layers`` and
   ``base``, a layer's ``include``, a pip package's ``depends``) must exist.
2. **Sizes.**  Each image is built and its size compared with the ``size_mb`` that
   ``images.json`` documents; more than 15% apart is a problem (the tolerance of tests/distro).
3. **Commands.**  In every image whose config sets ``PATH``: each directory on it exists, each
   symlink in those directories resolves to a file, and ``/bin/sh`` is there.
4. **Symlinks** (:mod:`~simulator.distro.check_links`).  No symlink of a layer has entries under it
   in that layer or a lower one of an image it is in (``/usr/bin -> usr/bin`` beside
   ``/usr/bin/[``: real tools refuse such a layer), and none points at itself or into a loop.

The symlink and image checks run only when the files are sound, since a broken file cannot be built.

Examples:
    >>> report = check()
    >>> report.problems
    []
    >>> [(s.image, s.documented_mb) for s in report.sizes][:2]
    [('scratch', 0), ('busybox', 2.0)]
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.distro import digests, library
from simulator.distro.check_links import link_problems
from simulator.distro.check_toolchains import check_npm, check_pip
from simulator.distro.jsondata import DATA, data_files, dumps, load
from simulator.model.entries import Kind
from simulator.model.image import Image
from simulator.reference import normalize_ref

__all__ = ["KNOWN_ABSENT", "NO_SHELL", "TOLERANCE", "Problem", "Report", "SizeRow", "check", "main"]

TOLERANCE = 0.15
"""How far (a fraction of ``size_mb``) a built image's size may be from the documented one."""

_IMAGE_KEYS = {"tags", "size_mb", "source", "created", "layers", "config", "history"}
_CONFIG_KEYS = {"Env", "Cmd", "Entrypoint", "WorkingDir", "User", "Labels", "ExposedPorts", "Volumes",
                "StopSignal", "Shell", "Healthcheck", "OnBuild", "ArgsEscaped"}  # fmt: skip
_HISTORY_KEYS = {"created_by", "created", "comment", "empty_layer"}
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
_MODE = re.compile(r"[0-7]{3,4}")
# PATH directories the data leaves out of an image (the real busybox image has none of them
# either; the Debian-based ones have /usr/local/{bin,sbin}, as base-files' postinst makes them).
# They are listed here and shown as notes; any other missing PATH directory is a problem, and so is a listed one that exists.
KNOWN_ABSENT: dict[str, frozenset[str]] = {
    "busybox": frozenset({"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin"}),
    "alpine": frozenset({"/usr/local/sbin"}),  # as in the real minirootfs (alpine-baselayout makes none)
    "alpine:3.18": frozenset({"/usr/local/sbin"}),
    "alpine:3.19": frozenset({"/usr/local/sbin"}),
    "alpine:3.21": frozenset({"/usr/local/sbin"}),
    "alpine:3.22": frozenset({"/usr/local/sbin"}),
}

NO_SHELL = frozenset({"gcr.io/distroless/static-debian12:latest", "gcr.io/distroless/static-debian12:nonroot",
                      "gcr.io/distroless/base-debian12:latest", "gcr.io/distroless/base-debian12:nonroot"})  # fmt: skip
"""Images that have no ``/bin/sh`` on purpose (distroless: "no shell" is the point)."""

_ROW_LENGTHS = {"d": (3, 5), "f": (4, 6), "t": (4, 6), "l": (3, 3), "-": (2, 2)}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the data: which file, which record in it, which field, and what."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return ": ".join(part for part in (self.file, self.record, self.field, self.message) if part)


@dataclass(frozen=True, slots=True)
class SizeRow:
    """An image's built size next to the size ``images.json`` documents for it."""

    image: str
    computed_mb: float
    documented_mb: float

    @property
    def ok(self) -> bool:
        documented = self.documented_mb * 1e6
        return abs(self.computed_mb * 1e6 - documented) <= TOLERANCE * documented + 1


@dataclass(slots=True)
class Report:
    """What :func:`check` found: the problems (empty when the data is sound), the sizes, and notes
    on the known gaps (:data:`KNOWN_ABSENT`)."""

    problems: list[Problem] = field(default_factory=list)
    sizes: list[SizeRow] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_tags(value: Any) -> bool:
    return _is_str_list(value) and bool(value)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def _is_size_mb(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _is_time(value: Any) -> bool:
    return isinstance(value, str) and _TIME.fullmatch(value) is not None


def _is_mode(value: Any) -> bool:
    return isinstance(value, str) and _MODE.fullmatch(value) is not None


def _is_env(value: Any) -> bool:
    return _is_str_list(value) and all("=" in item for item in value)


def _is_pairs(value: Any) -> bool:
    """``[[name, size], ...]``."""
    return isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and _is_int(p[1]) for p in value
    )


def _is_meta(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(item, str) for item in value.values())


class _Files:
    """The form and schema checks of one data directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.data: dict[str, Any] = {}
        self.layer_names: set[str] = set()

    def problem(self, file: str, record: str, field: str, message: str) -> None:
        self.problems.append(Problem(file, record, field, message))

    def expect(
        self, file: str, record: str, name: str, value: Any, test: Callable[[Any], bool], what: str
    ) -> bool:
        if test(value):
            return True
        self.problem(file, record, name, f"{json.dumps(value)[:60]} is not {what}")
        return False

    def keys(
        self, file: str, record: str, spec: Any, required: set[str], optional: Iterable[str] = ()
    ) -> bool:
        if not isinstance(spec, dict):
            self.problem(file, record, "", f"is a {type(spec).__name__}, not an object")
            return False
        for key in sorted(spec.keys() - required - set(optional)):
            self.problem(file, record, key, "unknown field")
        for key in sorted(required - spec.keys()):
            self.problem(file, record, key, "missing")
        return required <= spec.keys()  # the record's other fields are checked once none is missing

    # -- files ---------------------------------------------------------------------------------
    def run(self) -> None:
        names = data_files(self.root)
        for required in ("images.json", "packages.json"):
            if required not in names:
                self.problem(required, "", "", f"missing from {self.root}")
        for name in names:
            text = (self.root / name).read_text(encoding="utf-8")
            try:
                self.data[name] = json.loads(text)
            except json.JSONDecodeError as e:
                self.problem(name, f"line {e.lineno} column {e.colno}", "", f"not JSON: {e.msg}")
                continue
            if text != dumps(self.data[name]):
                self.problem(name, "", "", "not in canonical form; run: python -m simulator.distro format")
            if name.startswith("layers/") and name.count("/") == 1:
                self.layer_names.add(name.removeprefix("layers/").removesuffix(".json"))
        for name, value in self.data.items():
            if name == "images.json":
                self.images(name, value)
            elif name == digests.FILE:
                self.keys(name, "", value, {"files", "layers"}, ["_comment"])
            elif name == "packages.json":
                self.packages(name, value)
            elif name in ("pip.json", "npm.json"):  # the toolchain catalogues (check_toolchains)
                for record, field, message in (check_pip if name == "pip.json" else check_npm)(value):
                    self.problem(name, record, field, message)
            elif name.removeprefix("layers/").removesuffix(".json") in self.layer_names:
                self.layer(name, value)
            else:
                self.problem(
                    name,
                    "",
                    "",
                    "unknown data file (expected images.json, packages.json, pip.json, npm.json, digests.json, layers/*.json)",
                )

    # -- images.json ---------------------------------------------------------------------------
    def images(self, file: str, top: Any) -> None:
        if not self.keys(file, "", top, {"images"}, ["_comment"]):
            return
        if not isinstance(top["images"], dict):
            self.problem(file, "", "images", "is not an object")
            return
        tags: dict[str, str] = {}
        for key, spec in top["images"].items():
            for tag in (
                spec.get("tags", []) if isinstance(spec, dict) and _is_str_list(spec.get("tags")) else ()
            ):
                tags.setdefault(tag, key)
        for key, spec in top["images"].items():
            self.image(file, f"images[{json.dumps(key)}]", key, spec, tags)

    def image(self, file: str, record: str, key: str, spec: Any, tags: dict[str, str]) -> None:
        if not self.keys(file, record, spec, _IMAGE_KEYS, ["base"]):
            return
        if self.expect(file, record, "tags", spec["tags"], _is_tags, "a list of tags"):
            for tag in spec["tags"]:
                if normalize_ref(tag) != tag:
                    self.problem(
                        file, record, "tags", f"{tag!r} is not normalised (write {normalize_ref(tag)!r})"
                    )
                elif tags[tag] != key:
                    self.problem(file, record, "tags", f"{tag!r} is also a tag of {tags[tag]!r}")
        self.expect(file, record, "size_mb", spec["size_mb"], _is_size_mb, "a size in MB")
        self.expect(file, record, "source", spec["source"], _is_text, "a text")
        self.expect(file, record, "created", spec["created"], _is_time, "a time like 2024-01-31T00:00:00Z")
        if self.expect(file, record, "layers", spec["layers"], _is_str_list, "a list of layer names"):
            for name in spec["layers"]:
                if name not in self.layer_names:
                    self.problem(file, record, "layers", f"no layer file layers/{name}.json")
        base = spec.get("base")
        is_tag = base is not None and self.expect(file, record, "base", base, _is_str, "a tag")
        if is_tag and normalize_ref(base) not in tags:
            self.problem(file, record, "base", f"{base!r} is not a tag of any image")
        self.config(file, record, spec["config"])
        history = spec["history"]
        if not self.expect(file, record, "history", history, _is_list, "a list"):
            return
        for i, item in enumerate(history):
            where = f"{record}.history[{i}]"
            if not self.keys(file, where, item, {"created_by"}, _HISTORY_KEYS):
                continue
            self.expect(file, where, "created_by", item["created_by"], _is_str, "a text")
            if "created" in item:
                self.expect(
                    file, where, "created", item["created"], _is_time, "a time like 2024-01-31T00:00:00Z"
                )
            if "comment" in item:
                self.expect(file, where, "comment", item["comment"], _is_str, "a text")
            if "empty_layer" in item:
                self.expect(
                    file,
                    where,
                    "empty_layer",
                    item["empty_layer"],
                    _is_bool,
                    "true/false",
                )
        layered = sum(not (isinstance(h, dict) and h.get("empty_layer")) for h in history)
        if isinstance(spec["layers"], list) and layered != len(spec["layers"]):
            self.problem(
                file, record, "history", f"{layered} entries with a layer for {len(spec['layers'])} layers"
            )

    def config(self, file: str, record: str, config: Any) -> None:
        where = f"{record}.config"
        if not self.keys(file, where, config, set(), _CONFIG_KEYS):
            return
        if "Env" in config:
            self.expect(file, where, "Env", config["Env"], _is_env, "a list of NAME=value")
        for key in ("Cmd", "Entrypoint", "Shell", "OnBuild"):
            if key in config:
                self.expect(file, where, key, config[key], _is_str_list, "a list of strings")
        for key in ("WorkingDir", "User", "StopSignal"):
            if key in config:
                self.expect(file, where, key, config[key], _is_str, "a text")
        for key in ("Labels", "ExposedPorts", "Volumes"):
            if key in config:
                self.expect(file, where, key, config[key], _is_dict, "an object")

    # -- rows ----------------------------------------------------------------------------------
    def rows(self, file: str, record: str, rows: Any, kinds: str) -> None:
        if not self.expect(file, record, "", rows, _is_list, "a list of rows"):
            return
        for i, row in enumerate(rows):
            self.row(file, f"{record}[{i}]", row, kinds)

    def row(self, file: str, record: str, row: Any, kinds: str) -> None:
        if not (isinstance(row, list) and len(row) >= 2 and isinstance(row[0], str)):
            self.problem(file, record, "", f"{json.dumps(row)[:60]} is not a row [path, kind, ...]")
            return
        path, kind = row[0], row[1]
        record = f"{record} {json.dumps(path)}"
        if not path.startswith("/") or posixpath.normpath(path) != path:
            self.problem(file, record, "path", "is not an absolute, normalised path")
        if kind not in kinds:
            self.problem(file, record, "kind", f"{json.dumps(kind)} is not one of {', '.join(kinds)}")
            return
        low, high = _ROW_LENGTHS[kind]
        if not low <= len(row) <= high or len(row) == low + 1:
            wanted = str(low) if low == high else f"{low} or {high}"
            self.problem(file, record, "", f"a {kind!r} row has {wanted} items, not {len(row)}")
            return
        if kind == "l":
            self.expect(file, record, "target", row[2], _is_text, "a symlink target")
            return
        if kind == "-":
            return
        self.expect(file, record, "mode", row[2], _is_mode, "an octal mode")
        owner = row[3:5] if kind == "d" else row[4:6]
        for name, value in zip(("uid", "gid"), owner, strict=False):
            self.expect(file, record, name, value, _is_int, "a user or group id")
        if kind == "f":
            self.expect(file, record, "size", row[3], _is_int, "a size in bytes")
        elif kind == "t":
            self.expect(file, record, "text", row[3], _is_str, "a text")

    # -- layers/*.json -------------------------------------------------------------------------
    def layer(self, file: str, spec: Any) -> None:
        if not self.keys(file, "", spec, {"rows"}, ["comment", "include"]):
            return
        if "comment" in spec:
            self.expect(file, "", "comment", spec["comment"], _is_str, "a text")
        if "include" in spec and self.expect(
            file, "", "include", spec["include"], _is_str_list, "a list of layers"
        ):
            for name in spec["include"]:
                if name not in self.layer_names:
                    self.problem(file, "", "include", f"no layer file layers/{name}.json")
        self.rows(file, "rows", spec["rows"], "dftl-")

    # -- packages.json -------------------------------------------------------------------------
    def packages(self, file: str, top: Any) -> None:
        if not self.keys(file, "", top, {"apt", "apk", "pip"}, ["_comment"]):
            return
        apt = top["apt"]
        if self.keys(file, "apt", apt, {"packages", "base", "lists"}, ["base_provides"]):
            self.expect(file, "apt", "base", apt["base"], _is_str_list, "a list of package names")
            if "base_provides" in apt:
                self.expect(file, "apt", "base_provides", apt["base_provides"], _is_str_list,
                            "a list of the names the base packages provide")  # fmt: skip
            self.expect(file, "apt", "lists", apt["lists"], _is_pairs, "a list of [file name, size]")
            for name, p in self.section(file, "apt.packages", apt["packages"]):
                record = f"apt.packages[{json.dumps(name)}]"
                if not self.keys(file, record, p, {"meta", "deb_size", "files"}):
                    continue
                self.expect(file, record, "deb_size", p["deb_size"], _is_int, "a size in bytes")
                meta = p["meta"]
                if self.expect(file, record, "meta", meta, _is_meta, "an object of control fields"):
                    for key in ("Package", "Version", "Installed-Size"):
                        if key not in meta:
                            self.problem(file, record, f"meta.{key}", "missing")
                    if meta.get("Package", name) != name:
                        self.problem(
                            file, record, "meta.Package", f"{meta['Package']!r} is not the package's name"
                        )
                    if not meta.get("Installed-Size", "0").isdigit():
                        self.problem(file, record, "meta.Installed-Size", "is not a number of KiB")
                self.rows(file, f"{record}.files", p["files"], "dfl")
        apk = top["apk"]
        if self.keys(file, "apk", apk, {"packages", "index"}):
            self.expect(file, "apk", "index", apk["index"], _is_pairs, "a list of [file name, size]")
            for name, p in self.section(file, "apk.packages", apk["packages"]):
                record = f"apk.packages[{json.dumps(name)}]"
                if not self.keys(
                    file,
                    record,
                    p,
                    {"version", "installed_size", "depends", "files", "description"},
                    ["base"],
                ):
                    continue
                self.expect(file, record, "version", p["version"], _is_text, "a version")
                self.expect(file, record, "installed_size", p["installed_size"], _is_int, "a size in KiB")
                self.expect(file, record, "depends", p["depends"], _is_str_list, "a list of package names")
                self.expect(file, record, "description", p["description"], _is_str, "a text")
                if "base" in p:
                    self.expect(file, record, "base", p["base"], _is_bool, "true/false")
                self.rows(file, f"{record}.files", p["files"], "dfl")
        pip = top["pip"]
        if self.keys(file, "pip", pip, {"packages"}):
            known = pip["packages"] if isinstance(pip["packages"], dict) else {}
            for name, p in self.section(file, "pip.packages", pip["packages"]):
                record = f"pip.packages[{json.dumps(name)}]"
                if name != name.lower().replace("_", "-").replace(".", "-"):
                    self.problem(
                        file, record, "", "the name is not in pip's canonical form (lower case, '-')"
                    )
                if not self.keys(file, record, p, {"version", "wheel_size", "depends", "files"}):
                    continue
                self.expect(file, record, "version", p["version"], _is_text, "a version")
                self.expect(file, record, "wheel_size", p["wheel_size"], _is_int, "a size in bytes")
                if self.expect(
                    file, record, "depends", p["depends"], _is_str_list, "a list of package names"
                ):
                    for dep in p["depends"]:
                        if dep not in known:
                            self.problem(file, record, "depends", f"{dep!r} is not in the pip catalogue")
                self.expect(file, record, "files", p["files"], _is_pairs, "a list of [relative path, size]")

    def section(self, file: str, record: str, packages: Any) -> list[tuple[str, Any]]:
        if not self.expect(file, record, "", packages, _is_dict, "an object of packages"):
            return []
        return list(packages.items())


# ----------------------------------------------------------------------------- images
def _image_checks(root: Path, report: Report) -> None:
    """Sizes, PATH directories, their symlinks and /bin/sh of every image (the files are sound)."""
    specs = library._images(root)
    for key, spec in specs.items():
        record = f"images[{json.dumps(key)}]"
        image = library.get(spec["tags"][0], root)
        row = SizeRow(key, image.size / 1e6, spec["size_mb"])
        report.sizes.append(row)
        if not row.ok:
            report.problems.append(
                Problem(
                    "images.json",
                    record,
                    "size_mb",
                    f"documented {row.documented_mb} MB but the image has "
                    f"{row.computed_mb:.1f} MB (more than {TOLERANCE:.0%} apart)",
                )
            )
        known: set[str] = set()
        walk: dict[str, Any] | None = spec
        here = key
        while walk is not None:  # what a base image lacks, the images built on it lack too
            known |= KNOWN_ABSENT.get(here, frozenset())
            parent = walk.get("base")
            here = library._tag_index(root).get(normalize_ref(parent), "") if parent else ""
            walk = specs.get(here) if here else None
        report.problems.extend(_command_problems(key, image, report.notes, frozenset(known)))


def _layer_chain(root: Path, key: str) -> list[str]:
    """The layer names of image ``key``, its base image's first, bottom to top."""
    spec = library._images(root)[key]
    below = (
        _layer_chain(root, library._tag_index(root)[normalize_ref(spec["base"])]) if "base" in spec else []
    )
    return [*below, *spec["layers"]]


def _link_checks(root: Path, report: Report) -> None:
    """Symlinks with entries under them, pointing at themselves or into a loop (:mod:`.check_links`)."""
    chains = [(key, _layer_chain(root, key)) for key in library._images(root)]
    seen: set[tuple[str, str]] = set()
    for name, path, message in link_problems(chains, lambda layer: library._rows(layer, root)):
        where = _defined_in(root, name, path)  # the file with the row (a layer may include another)
        if (where, path) not in seen:
            seen.add((where, path))
            report.problems.append(Problem(f"layers/{where}.json", f"rows {json.dumps(path)}", "l", message))


def _defined_in(root: Path, name: str, path: str) -> str:
    """The layer file whose own rows give ``path`` its row in layer ``name`` (its own, else an ``include``)."""
    spec = load(f"layers/{name}.json", root)
    if any(row[0] == path for row in spec["rows"]):
        return name
    for included in reversed(spec.get("include", ())):
        if path in library._rows(included, root):
            return _defined_in(root, included, path)
    return name


def _command_problems(key: str, image: Image, notes: list[Problem], known: frozenset[str]) -> list[Problem]:
    record = f"images[{json.dumps(key)}]"
    path = image.config.env_dict().get("PATH")
    if path is None:
        return []
    out: list[Problem] = []
    view = image.view
    for directory in dict.fromkeys(d for d in path.split(":") if d):
        try:
            found = view.resolve(directory)
        except (OSError, ValueError):
            if directory in known:
                notes.append(
                    Problem(
                        "images.json", record, "config.Env PATH", f"{directory} is not in the image (known)"
                    )
                )
            else:
                out.append(
                    Problem("images.json", record, "config.Env PATH", f"{directory} is not in the image")
                )
            continue
        if directory in KNOWN_ABSENT.get(key, ()):  # only the image's own entry: a derived image may add it
            out.append(Problem("images.json", record, "config.Env PATH",
                               f"{directory} is in the image now: remove it from check.KNOWN_ABSENT"))  # fmt: skip
        if found.entry.kind is not Kind.DIR:
            out.append(Problem("images.json", record, "config.Env PATH", f"{directory} is not a directory"))
            continue
        for name in sorted(view.names(found.path)):
            link = posixpath.join(found.path, name)
            entry = view.lookup(link)
            if entry is None or entry.kind is not Kind.SYMLINK:
                continue
            origin = view.origin(link)
            layer = image.layers[origin.layer].created_by if origin is not None and origin.layer >= 0 else "?"
            try:
                target = view.resolve(link)
            except (OSError, ValueError):
                target = None
            if target is None or target.entry.kind not in (Kind.FILE, Kind.DIR):  # /usr/bin/X11 -> . is real
                what = "resolves to nothing" if target is None else f"resolves to a {target.entry.kind.value}"
                out.append(Problem(f"layers/{layer}.json", f"rows {json.dumps(link)}", "target",
                                   f"{entry.target!r} {what} in image {key!r}"))  # fmt: skip
    try:
        shell = view.resolve("/bin/sh").entry
    except (OSError, ValueError):
        shell = None
    if (shell is None or shell.kind is not Kind.FILE) and key not in NO_SHELL:
        out.append(Problem("images.json", record, "/bin/sh", "missing, although the config sets PATH"))
    return out


def check(root: Path = DATA) -> Report:
    """Check the data directory ``root`` (the package's own by default)."""
    files = _Files(root)
    files.run()
    report = Report(problems=files.problems)
    if not report.problems:
        _link_checks(root, report)
    if not report.problems:
        _image_checks(root, report)
    if not report.problems and digests.FILE in files.data:  # stale digests matter once all else is right
        for name in digests.stale_layers(sorted(files.layer_names), root):
            report.problems.append(Problem(digests.FILE, f"layers[{json.dumps(name)}]", "source",
                                           "stale or missing; run: python -m simulator.distro digests"))  # fmt: skip
    return report


def main(argv: list[str]) -> int:
    """``check [DATA_DIR]``: print the sizes, then one line per problem; 1 if there are any."""
    root = Path(argv[0]) if argv else DATA
    report = check(root)
    if report.sizes:
        print(f"{'image':<18} {'built MB':>9} {'size_mb':>8}")
        for row in report.sizes:
            flag = "" if row.ok else f"  more than {TOLERANCE:.0%} apart"
            print(f"{row.image:<18} {row.computed_mb:>9.1f} {row.documented_mb:>8}{flag}")
    for note in report.notes:
        print(f"note: {note}")
    for problem in report.problems:
        print(problem)
    files = len(data_files(root))
    if report.problems:
        print(f"{len(report.problems)} problem(s) in {root}")
        return 1
    print(f"ok: {files} files, {len(report.sizes)} images in {root}")
    return 0
