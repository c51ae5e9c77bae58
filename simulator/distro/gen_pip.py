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

A project PyPI has only as an sdist (``mysql-connector`` 2.2.9) is modelled from its sdist when
:data:`SDISTS` describes what its ``setup.py`` installs (``package_dir`` and ``packages``, read
from the project's own setup files and written down here as data, never by running them): the
``.py`` modules of those packages with their real sizes and compiled ``.pyc`` sizes, the
``.dist-info`` that ``bdist_wheel`` writes (``METADATA`` from ``PKG-INFO``, ``WHEEL``,
``top_level.txt``, the licence file, ``RECORD``) and the size of the wheel pip builds (the files
deflated into a zip, as ``bdist_wheel`` does).  Such an entry has an ``sdist`` record
(file name, size, what the model leaves out, e.g. an optional C extension that is not built).

A package keeps its :data:`KEEP` largest files (and every ``__init__.py`` of a top-level
package and of its direct subpackages: ``mysql/connector/__init__.py``); the bytes of the files left out are added to the largest kept file outside the
``.dist-info`` directory (and outside ``__pycache__``), so that a package's installed size is the real one (the apt catalogue
does the same).  ``file_count`` records how many files the real install has.
"""

from __future__ import annotations

import configparser
import csv
import io
import json
import marshal
import re
import sys
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

from simulator.distro.jsondata import DATA, dumps, generator_main

__all__ = ["CORPUS_ROOTS", "EXTRAS", "KEEP", "ROOTS", "SDISTS", "main"]

ROOTS = (
    "flask", "django", "fastapi", "uvicorn", "gunicorn", "requests", "numpy", "pandas", "redis",
    "mysql-connector-python", "psycopg2-binary", "sqlalchemy", "environs", "pytest", "celery", "jinja2",
    "werkzeug", "click", "pydantic", "starlette", "python-dotenv", "flask-sqlalchemy", "flask-cors",
    "djangorestframework", "alembic", "pyyaml", "httpx", "pillow", "boto3", "psycopg", "pymongo",
    "beautifulsoup4", "setuptools", "wheel", "waitress", "marshmallow", "mysql-connector",
)  # fmt: skip
"""The packages tutorials install."""

CORPUS_ROOTS = (
    # microservices-demo loadgenerator/requirements.txt (locust's pinned tree)
    "bidict", "brotli", "configargparse", "faker", "flask-login", "gevent", "geventhttpclient", "greenlet", "locust",
    "msgpack", "psutil", "python-engineio", "python-socketio", "pyzmq", "simple-websocket", "websocket-client",
    "wsproto", "zope-event", "zope-interface",
    # microservices-demo emailservice/requirements.txt (grpc, google-cloud-trace, opentelemetry)
    "cachetools", "google-api-core", "google-auth", "google-cloud-trace", "googleapis-common-protos", "grpcio",
    "grpcio-health-checking", "grpcio-status", "importlib-metadata", "opentelemetry-distro",
    "opentelemetry-exporter-otlp-proto-common", "opentelemetry-exporter-otlp-proto-grpc",
    "opentelemetry-instrumentation", "opentelemetry-instrumentation-grpc", "opentelemetry-proto", "opentelemetry-sdk",
    "opentelemetry-semantic-conventions", "proto-plus", "protobuf", "pyasn1", "pyasn1-modules", "python-json-logger",
    "rsa", "wrapt", "zipp",
)  # fmt: skip
"""The pinned requirements of the corpus' Dockerfiles (tests/corpus) beyond :data:`ROOTS`."""


EXTRAS = {"uvicorn": ("standard",), "celery": ("redis",), "psycopg": ("binary",)}
"""Extras whose dependencies are in the closure (``pip install uvicorn[standard]``)."""

SDISTS: dict[str, dict[str, Any]] = {
    # mysql-connector 2.2.9 (awesome-compose nginx-flask-mysql): setupinfo.py of its sdist gives
    # package_dir {'': 'lib'} and this packages list; its ext_modules (_mysql_connector, C) is built
    # only with --with-mysql-capi (lib/cpy_distutils.py BuildExtDynamic), so pip's build skips it
    # but the wheel is still platform-tagged (the distribution has ext_modules).
    "mysql-connector": {
        "package_dir": "lib",
        "packages": (
            "mysql",
            "mysql.connector",
            "mysql.connector.locales",
            "mysql.connector.locales.eng",
            "mysql.connector.django",
            "mysql.connector.fabric",
            "mysqlx",
            "mysqlx.locales",
            "mysqlx.locales.eng",
            "mysqlx.protobuf",
        ),
        "top_level": ("_mysql_connector", "mysql", "mysqlx"),
        "license": "LICENSE.txt",
        "platform": True,
        "left_out": "the optional C extension _mysql_connector (built only with --with-mysql-capi and MySQL's "
        "client library; pip's default build skips it)",
    },
}
"""Projects PyPI has only as an sdist: what their ``setup.py`` installs (see the module doc)."""

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
    sdist: dict[str, Any] | None = None
    if wheel is None and _canonical(name) in SDISTS:
        sdist = next(f for f in meta["urls"] if f["packagetype"] == "sdist")
        blob = _get(urllib.parse.urljoin(f"https://pypi.org/pypi/{name}/json", sdist["url"]), cache)
        archive, wheel = _built_wheel(_canonical(name), info, blob)
    elif wheel is None:
        print(f"{name}: no wheel for cp312 manylinux x86_64 (and no SDISTS entry); skipped")
        return None
    else:
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
    kept += [r for r in files if r not in kept and r[0].count("/") <= 2 and r[0].endswith("/__init__.py")]
    kept += [r for r in files if r not in kept][: max(0, KEEP - len(kept))]
    rest = total - sum(size for _, size in kept)
    hosts = [r for r in kept if not r[0].startswith(dist_info)]  # not a .pyc: --no-compile leaves those out
    host = max(hosts, key=lambda r: ("__pycache__/" not in r[0], r[1]), default=None)
    if host is not None:
        host[1] += rest
    kept.sort()
    versions = [v for v, fs in meta["releases"].items() if fs and not all(f.get("yanked") for f in fs)]
    extras = {e: _requires(info.get("requires_dist") or [], e) for e in EXTRAS.get(_canonical(name), ())}
    out: dict[str, Any] = {
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
    if sdist is not None:
        out["sdist"] = {"filename": sdist["filename"], "size": sdist["size"], "build": "setup.py",
                        "left_out": SDISTS[_canonical(name)]["left_out"]}  # fmt: skip
    return out


def _member(tar: Any, member: Any) -> bytes:
    data = tar.extractfile(member)
    return data.read() if data is not None else b""


def _built_wheel(name: str, info: dict[str, Any], blob: bytes) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    """The wheel ``setup.py bdist_wheel`` makes from an sdist (:data:`SDISTS`), as a zip in memory,
    and its ``{"filename", "size"}`` (tagged for CPython 3.12 like the catalogue's other wheels)."""
    import base64
    import hashlib
    import tarfile

    spec = SDISTS[name]
    version = info["version"]
    stem = f"{re.sub(r'[-.]+', '_', info['name'])}-{version}"
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        members = {m.name.split("/", 1)[1]: m for m in tar.getmembers() if m.isfile() and "/" in m.name}
        wanted = {f"{spec['package_dir']}/{p.replace('.', '/')}": p for p in spec["packages"]}
        files: dict[str, bytes] = {}
        for path, member in sorted(members.items()):
            directory, _, base = path.rpartition("/")
            if directory in wanted and base.endswith(".py"):
                files[path.removeprefix(spec["package_dir"] + "/")] = _member(tar, member)
        metadata, licence = (_member(tar, members[n]) for n in ("PKG-INFO", spec["license"]))
    tag = "cp312-cp312-linux_x86_64" if spec["platform"] else "py3-none-any"
    dist_info = f"{stem}.dist-info"
    files[f"{dist_info}/{spec['license']}"] = licence
    files[f"{dist_info}/METADATA"] = metadata
    files[f"{dist_info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: bdist_wheel (0.45.1)\n"
        f"Root-Is-Purelib: {'false' if spec['platform'] else 'true'}\nTag: {tag}\n\n"
    ).encode()
    files[f"{dist_info}/top_level.txt"] = "".join(t + "\n" for t in spec["top_level"]).encode()
    record = []
    for path, content in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).decode().rstrip("=")
        record.append(f"{path},sha256={digest},{len(content)}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for path, content in files.items():
            out.writestr(path, content)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue())), {
        "filename": f"{stem}-{tag}.whl",
        "size": len(buffer.getvalue()),
    }


SDIST_NOTE = (
    "A package with an 'sdist' record has no wheel on PyPI: its files are those its setup.py installs (the "
    "packages of gen_pip.SDISTS, read from the sdist), its 'wheel' the one pip builds (bdist_wheel's dist-info, "
    "the files deflated); 'left_out' says what the model does not build."
)


def generate(
    cache: Path, roots: tuple[str, ...] = ROOTS + CORPUS_ROOTS, have: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The whole catalogue (roots and their closure); with ``have`` (the packages of the current
    file), only ``roots`` and the dependencies it lacks are fetched, the others kept as they are."""
    packages: dict[str, Any] = dict(have or {})
    todo = list(roots)
    for name in roots:
        packages.pop(_canonical(name), None)
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
            SDIST_NOTE,
        ],
        "packages": dict(sorted(packages.items())),
    }


def main(argv: list[str] | None = None) -> int:
    """``gen_pip [--cache DIR] [--out FILE]``: the whole catalogue; ``gen_pip --add NAME ...``:
    (re)make only those projects (and dependencies the file lacks) in ``data/pip.json``."""
    args = list(argv if argv is not None else sys.argv[1:])
    if args[:1] == ["--add"] and len(args) > 1:
        path = DATA / "pip.json"
        current = json.loads(path.read_text(encoding="utf-8"))
        cache = Path("/tmp/layerlab-pypi-cache")
        cache.mkdir(parents=True, exist_ok=True)
        made = generate(cache, tuple(args[1:]), current["packages"])
        comment = [*current["_comment"], *([SDIST_NOTE] if SDIST_NOTE not in current["_comment"] else [])]
        path.write_text(dumps({"_comment": comment, "packages": made["packages"]}), encoding="utf-8")
        print(f"wrote {path}")
        return 0
    return generator_main(argv, __doc__, generate, "/tmp/layerlab-pypi-cache", "pip.json")


if __name__ == "__main__":
    raise SystemExit(main())
