"""The checks of the toolchain catalogues ``data/pip.json`` and ``data/npm.json`` (called by
:mod:`simulator.distro.check`): each problem as ``(record, field, what is wrong)``.

- pip: every package has its fields (``sdist`` too for a project PyPI has no wheel of); a dependency (or an extra's) names a package of the file;
  its files are ``[relative path, size >= 0]``;
- npm: every package has ``latest``, ``all_versions`` and ``versions``; each catalogue version is
  one npm published; each dependency range of a version resolves, with npm's rule, to a version
  the catalogue holds (the closure is complete).
"""

from __future__ import annotations

from typing import Any

from simulator.distro.semver import InvalidRange, max_satisfying, satisfies

__all__ = ["alias_target", "check_npm", "check_pip", "platform_ok"]

_PIP_KEYS = {"name", "version", "summary", "wheel", "wheel_size", "installed_size", "file_count", "depends",
             "extras", "console_scripts", "versions", "dist_info", "files"}  # fmt: skip


def check_pip(top: Any) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    packages = top.get("packages") if isinstance(top, dict) else None
    if not isinstance(packages, dict):
        return [("", "packages", "missing or not an object")]
    for name, p in packages.items():
        if not isinstance(p, dict) or set(p) - {"sdist"} != _PIP_KEYS:
            out.append(
                (
                    name,
                    "",
                    f"expected the keys {sorted(_PIP_KEYS)} (and 'sdist' for a project without wheels)",
                )
            )
            continue
        sdist = p.get("sdist", {})
        if not isinstance(sdist, dict) or (sdist and set(sdist) != {"filename", "size", "build", "left_out"}):
            out.append((name, "sdist", "expected the keys build, filename, left_out, size"))
        deps = list(p["depends"]) + [d for ds in p["extras"].values() for d in ds]
        out += [(name, "depends", f"{d!r} is not a package of this file") for d in deps if d not in packages]
        for row in p["files"]:
            if not (isinstance(row, list) and len(row) == 2 and isinstance(row[0], str) and isinstance(row[1], int)
                    and row[1] >= 0):  # fmt: skip
                out.append((name, "files", f"{row!r} is not [relative path, size]"))
    return out


def platform_ok(meta: dict[str, Any], platform: dict[str, str]) -> bool:
    """Whether a package version's ``os``/``cpu``/``libc`` lists admit ``platform`` (npm's
    ``checkPlatform``: a list of names, or of ``!name`` exclusions)."""
    for key, value in platform.items():
        allowed = meta.get(key)
        if isinstance(allowed, list) and allowed:
            if any(a.startswith("!") for a in allowed):
                if f"!{value}" in allowed:
                    return False
            elif value not in allowed:
                return False
    return True


def alias_target(range_text: str) -> tuple[str, str]:
    """The package and range an npm alias names: ``npm:vue-loader@^15.9.7`` -> ``("vue-loader", "^15.9.7")``,
    ``npm:@scope/x`` -> ``("@scope/x", "latest")``."""
    spec = range_text.removeprefix("npm:")
    at = spec.find("@", 1)
    return (spec, "latest") if at < 0 else (spec[:at], spec[at + 1 :] or "latest")


def resolve(entry: dict[str, Any], range_text: str) -> str | None:
    """npm's choice among the catalogue's versions: ``latest`` when it satisfies, else the highest."""
    latest = entry.get("latest", "")
    if range_text in ("latest", ""):
        range_text = "*"
    if latest in entry["versions"] and satisfies(latest, range_text):
        return str(latest)
    return max_satisfying(entry["versions"], range_text)


def check_npm(top: Any) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    packages = top.get("packages") if isinstance(top, dict) else None
    if not isinstance(packages, dict):
        return [("", "packages", "missing or not an object")]
    for name, p in packages.items():
        if not isinstance(p, dict) or set(p) != {"latest", "all_versions", "versions"}:
            out.append((name, "", "expected the keys all_versions, latest, versions"))
            continue
        for version, v in p["versions"].items():
            record = f"{name}@{version}"
            if version not in p["all_versions"]:
                out.append((record, "", "not a published version"))
            for dep, range_text in {**v.get("dependencies", {}), **v.get("peerDependencies", {})}.items():
                if range_text.startswith("npm:"):  # an alias ("npm:vue-loader@^15.9.7"): that package
                    dep, range_text = alias_target(range_text)
                if dep not in packages:
                    out.append((record, "dependencies", f"{dep!r} is not a package of this file"))
                    continue
                try:
                    found = resolve(packages[dep], range_text)
                except InvalidRange:
                    continue  # npm would read it as a tag, URL or alias: the command reports it
                if found is None and not range_text.startswith(("npm:", "http", "git", "file:")):
                    out.append(
                        (record, "dependencies", f"{dep}@{range_text} resolves to no version of the file")
                    )
    return out
