"""Maintainer's generator of ``data/pip.json``: ``python -m simulator.distro.gen_pip [--cache DIR]``.

Never run by the library or the tests (nothing is fetched at run time); a maintainer runs it to
refresh the pip catalogue from PyPI and commits the result.  For each package of :data:`ROOTS`
and its dependency closure (``Requires-Dist`` evaluated for CPython 3.12 on Linux x86_64, plus
the extras of :data:`EXTRAS`) it reads PyPI's JSON API (``https://pypi.org/pypi/NAME/json``:
the latest version, every released version, ``requires_dist``), downloads the wheel pip would
pick (``py3-none-any``, else ``cp312`` ``manylinux`` ``x86_64``) and reads from it:

- ``RECORD``: every installed file and its real size;
- the ``.pyc`` files pip compiles at install time: each ``.py`` compiled by the generating
  machine's CPython (``compile`` + ``marshal``, 16-byte header), their real sizes for that Python;
- ``entry_points.txt``: the console scripts pip writes to ``/usr/local/bin``.

A package keeps its :data:`KEEP` largest files (and every ``__init__.py`` of a top-level
package); the bytes of the files left out are added to the largest kept file outside the
``.dist-info`` directory, so that a package's installed size is the real one (the apt catalogue
does the same).  ``file_count`` records how many files the real install has.
"""

from __future__ import annotations

import configparser
import csv
import io
import json
import marshal
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

from simulator.distro.jsondata import generator_main

__all__ = ["EXTRAS", "KEEP", "ROOTS", "main"]

ROOTS = (
    "flask", "django", "fastapi", "uvicorn", "gunicorn", "requests", "numpy", "pandas", "redis",
    "mysql-connector-python", "psycopg2-binary", "sqlalchemy", "environs", "pytest", "celery", "jinja2",
    "werkzeug", "click", "pydantic", "starlette", "python-dotenv", "flask-sqlalchemy", "flask-cors",
    "djangorestframework", "alembic", "pyyaml", "httpx", "pillow", "boto3", "psycopg", "pymongo",
    "beautifulsoup4", "setuptools", "wheel", "waitress", "marshmallow",
)  # fmt: skip
"""The packages tutorials install."""

EXTRAS = {"uvicorn": ("standard",), "celery": ("redis",), "psycopg": ("binary",)}
"""Extras whose dependencies are in the closure (``pip install uvicorn[standard]``)."""

KEEP = 40
"""How many files of a package the catalogue keeps (its largest ones)."""

_ENV = {
    "python_version": "3.12", "python_full_version": "3.12.11", "sys_platform": "linux",
    "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
    "implementation_name": "cpython", "platform_python_implementation": "CPython",
}  # fmt: skip


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _get(url: str, cache: Path) -> bytes:
    target = cache / url.replace("https://", "").replace("/", "_")
    if target.exists():
        return target.read_bytes()
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    target.write_bytes(data)
    return data


def _wheel(files: list[dict[str, Any]]) -> dict[str, Any] | None:
    wheels = [f for f in files if f["filename"].endswith(".whl") and not f.get("yanked")]
    for test in (
        lambda n: n.endswith("py3-none-any.whl") or n.endswith("py2.py3-none-any.whl"),
        lambda n: "cp312-cp312-manylinux" in n and n.endswith("x86_64.whl"),
        lambda n: "abi3-manylinux" in n and n.endswith("x86_64.whl"),
    ):
        found = [f for f in wheels if test(f["filename"])]
        if found:
            return found[0]
    return None


def _requires(requires: list[str], extra: str) -> list[str]:
    from packaging.requirements import Requirement  # the generator's own dependency

    out = []
    for text in requires or []:
        req = Requirement(text)
        marker_ok = req.marker is None or req.marker.evaluate({**_ENV, "extra": extra})
        base_ok = req.marker is None or not req.marker.evaluate({**_ENV, "extra": ""})
        if marker_ok and (extra == "" or base_ok):
            name = _canonical(req.name)
            if name not in out:
                out.append(name)
    return out


def _pyc_size(source: bytes, path: str) -> int:
    try:
        code = compile(source, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return 0
    return 16 + len(marshal.dumps(code))


def package(name: str, cache: Path) -> dict[str, Any] | None:
    """The catalogue entry of one PyPI project (None when PyPI has no wheel pip would pick)."""
    meta = json.loads(_get(f"https://pypi.org/pypi/{name}/json", cache))
    info = meta["info"]
    wheel = _wheel(meta["urls"])
    if wheel is None:
        print(f"{name}: no wheel for cp312 manylinux x86_64; skipped")
        return None
    blob = _get(urllib.parse.urljoin(f"https://pypi.org/pypi/{name}/json", wheel["url"]), cache)
    archive = zipfile.ZipFile(io.BytesIO(blob))
    record = next(n for n in archive.namelist() if n.endswith(".dist-info/RECORD") and n.count("/") == 1)
    files: list[list[Any]] = []
    for row in csv.reader(io.StringIO(archive.read(record).decode())):
        if not row or not row[0]:
            continue
        path, rest = row[0], row[-1]
        size = int(rest) if rest.isdigit() else len(archive.read(path))
        files.append([path, size])
        if path.endswith(".py") and ".data/" not in path:
            directory, _, base = path.rpartition("/")
            pyc = f"{directory + '/' if directory else ''}__pycache__/{base[:-3]}.cpython-312.pyc"
            files.append([pyc, _pyc_size(archive.read(path), path)])
    scripts: dict[str, str] = {}
    entry = next((n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")), None)
    if entry:
        parser = configparser.ConfigParser(delimiters=("=",))
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read_string(archive.read(entry).decode())
        if parser.has_section("console_scripts"):
            scripts = {k: v.strip() for k, v in parser.items("console_scripts")}
    total = sum(size for _, size in files)
    files.sort(key=lambda row: -row[1])
    dist_info = record.rsplit("/", 1)[0]
    kept = [r for r in files if r[0].startswith(dist_info + "/")]
    kept += [r for r in files if r not in kept and r[0].count("/") == 1 and r[0].endswith("/__init__.py")]
    kept += [r for r in files if r not in kept][: max(0, KEEP - len(kept))]
    rest = total - sum(size for _, size in kept)
    host = next((r for r in kept if not r[0].startswith(dist_info)), None)
    if host is not None:
        host[1] += rest
    kept.sort()
    versions = [v for v, fs in meta["releases"].items() if fs and not all(f.get("yanked") for f in fs)]
    extras = {e: _requires(info.get("requires_dist") or [], e) for e in EXTRAS.get(_canonical(name), ())}
    return {
        "name": info["name"],
        "version": info["version"],
        "summary": (info.get("summary") or "").strip(),
        "wheel": wheel["filename"],
        "wheel_size": wheel["size"],
        "installed_size": total,
        "file_count": len(files),
        "depends": _requires(info.get("requires_dist") or [], ""),
        "extras": extras,
        "console_scripts": scripts,
        "versions": versions,
        "dist_info": dist_info,
        "files": kept,
    }


def generate(cache: Path) -> dict[str, Any]:
    """The whole catalogue (roots and their closure)."""
    packages: dict[str, Any] = {}
    todo = list(ROOTS)
    while todo:
        name = _canonical(todo.pop(0))
        if name in packages:
            continue
        try:
            entry = package(name, cache)
        except Exception as exc:
            print(f"{name}: {exc}; skipped")
            continue
        if entry is None:
            continue
        packages[name] = entry
        todo += entry["depends"] + [d for deps in entry["extras"].values() for d in deps]
        print(f"{name} {entry['version']}: {entry['installed_size']:,} bytes in {entry['file_count']} files")
    return {
        "_comment": [
            "The pip catalogue of simulator.userland.pip, made by python -m simulator.distro.gen_pip "
            "(PyPI's JSON API and the wheels themselves; see that module).",
            "Per package: the latest version, every released version (for pip's 'from versions:'), the wheel "
            "pip picks for CPython 3.12 on Linux x86_64 and its size, the installed size and file count from the "
            "wheel's RECORD plus the .pyc files pip compiles, Requires-Dist evaluated for that platform, and the "
            f"{KEEP} largest files (the bytes of the others folded into the largest kept file).",
        ],
        "packages": dict(sorted(packages.items())),
    }


def main(argv: list[str] | None = None) -> int:
    return generator_main(argv, __doc__, generate, "/tmp/layerlab-pypi-cache", "pip.json")


if __name__ == "__main__":
    raise SystemExit(main())
