"""Layers whose files no reachable registry serves: their key paths and published totals.


Figures are the layer sizes ``docker history`` shows for the amd64 images of the generation
in ``images.py`` (late 2025), rounded; where a project publishes its own figure (the Node.js and
Go tarballs, Temurin's archives, .NET's) that is named instead.  They are APPROXIMATE (within the
15% the checks allow) and marked so: refresh them from ``docker history <image>`` when
regenerating.  The npm, pip and yarn sizes are exact: the generator reads them from the npm
registry (``dist.unpackedSize``) and PyPI (the wheel's RECORD).
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

from simulator.distro.generate.common import _f, _l
from simulator.distro.generate.published import Published

__all__ = ["GO", "NODE", "PYTHON", "PYTHON_NEW", "layers"]

MB = 1_000_000
DH = "docker history (amd64, late 2025), approximate"

# version lines -> (full version, bundled npm, corepack or "", yarn or "", node binary bytes)
NODE = {
    "20": ("20.19.5", "10.8.2", "0.34.0", "1.22.22", 117_900_000),
    "22": ("22.21.1", "10.9.4", "0.34.0", "1.22.22", 121_000_000),
    "24": (
        "24.11.1",
        "11.6.2",
        "",
        "1.22.22",
        124_000_000,
    ),  # yarn: nodejs/docker-node 24/*/Dockerfile (ENV YARN_VERSION 1.22.22)
}
# x.y -> (full version, libpython bytes, whole /usr/local layer total slim, pip version, setuptools?)
PYTHON = {
    "3.10": ("3.10.19", 19_000_000, 42 * MB, "23.0.1", True),
    "3.11": ("3.11.14", 24_000_000, 45 * MB, "24.0", True),
    "3.12": ("3.12.12", 25_000_000, 45 * MB, "25.0.1", False),
    "3.13": ("3.13.9", 27_000_000, 47 * MB, "25.3", False),
    # 3.14: the patch release current on 2026-12-07 (Debian unstable's python3.14 3.14.10-1, uploaded
    # 2026-10-26; docker-library/python ships each release within a day).  docker history is not
    # reachable here: the libpython and layer figures are 3.13's above scaled by the growth of
    # Debian's own builds of the two from one suite (unstable, 2026-12-07: libpython3.14 8540 KiB vs
    # libpython3.13 7801 KiB, x1.095; libpython3.X, -minimal, -stdlib, python3.X, python3.X-minimal
    # 33716 KiB vs 31002 KiB, x1.088).  pip: the newest pip release on PyPI before 3.14.10 (26.2.1,
    # 2026-08-04) as the bundled ensurepip wheel, approximate (the CPython tarball is not reachable).
    "3.14": ("3.14.10", 29_560_000, 51 * MB, "26.2.1", False),
}
# x.y -> rows the line adds to the generic ones: modules new in that line, with the sizes of
# Debian unstable's libpython3.14-minimal/-stdlib 3.14.10-1 files (deb.debian.org, 2026-12-07)
PYTHON_NEW: dict[str, tuple[tuple[str, int], ...]] = {
    "3.14": (
        ("annotationlib.py", 44827),  # PEP 649/749
        ("string/templatelib.py", 956),  # PEP 750 template strings
        ("compression/zstd/__init__.py", 8769),  # PEP 784
        ("compression/zstd/_zstdfile.py", 12325),
        ("lib-dynload/_zstd.cpython-314-x86_64-linux-{libc}.so", 58768),
    ),
}
GO = {"1.22": "1.22.12", "1.23": "1.23.12", "1.24": "1.24.10"}
GO_TREE = 230 * MB  # go.dev/dl: go1.2x.linux-amd64.tar.gz unpacks to ~230 MB (/usr/local/go)


def _npm_size(package: str, version: str, cache: Path) -> tuple[int, int]:
    """``(unpacked bytes, file count)`` of an npm package: the registry's ``dist.unpackedSize`` and
    ``dist.fileCount`` when it gives them, else the sizes in its tarball (cached on disk)."""
    path = cache / "npm" / f"{package}-{version}.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(
            f"https://registry.npmjs.org/{package}/{version}", timeout=60
        ) as response:
            dist = json.load(response)["dist"]
        if "unpackedSize" not in dist:
            import io
            import tarfile

            with urllib.request.urlopen(dist["tarball"], timeout=120) as response:
                data = response.read()
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                files = [m for m in tar.getmembers() if m.isfile()]
            dist = {"unpackedSize": sum(m.size for m in files), "fileCount": len(files)}
        path.write_text(json.dumps({"unpackedSize": dist["unpackedSize"], "fileCount": dist["fileCount"]}))
    dist = json.loads(path.read_text())
    return int(dist["unpackedSize"]), int(dist["fileCount"])


def _wheel_size(package: str, version: str, cache: Path) -> int:
    """The installed size of a PyPI wheel: the sum of its RECORD's sizes (wheel cached on disk)."""
    path = cache / "pypi" / f"{package}-{version}.whl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(f"https://pypi.org/pypi/{package}/json", timeout=60) as r:
            urls = [u for u in json.load(r)["releases"][version] if u["packagetype"] == "bdist_wheel"]
        url = urllib.parse.urljoin(f"https://pypi.org/pypi/{package}/json", urls[0]["url"])
        with urllib.request.urlopen(url, timeout=120) as r, path.open("wb") as out:
            out.write(r.read())
    with zipfile.ZipFile(path) as wheel:
        # the wheel's own RECORD, not a vendored package's (setuptools 79 ships _vendor/*.dist-info)
        record = next(n for n in wheel.namelist() if n.endswith(".dist-info/RECORD") and n.count("/") == 1)
        lines = wheel.read(record).decode().splitlines()
    return sum(int(line.rsplit(",", 1)[1]) for line in lines if line.rsplit(",", 1)[1].isdigit())


def _node(line: str, cache: Path, libc: str) -> list[Published]:
    version, npm, corepack, yarn, binary = NODE[line]
    npm_size, npm_files = _npm_size("npm", npm, cache)
    rows = [_f("/usr/local/bin/node", binary, "755"),
            _l("/usr/local/bin/npm", "../lib/node_modules/npm/bin/npm-cli.js"),
            _l("/usr/local/bin/npx", "../lib/node_modules/npm/bin/npx-cli.js"),
            _f("/usr/local/lib/node_modules/npm/bin/npm-cli.js", 54, "755"),
            _f("/usr/local/lib/node_modules/npm/bin/npx-cli.js", 2922, "755"),
            _f("/usr/local/lib/node_modules/npm/package.json", 6000),
            _f("/usr/local/lib/node_modules/npm/lib/npm.js", 14000),
            _f("/usr/local/lib/node_modules/npm/node_modules.bundle", npm_size - 23000),
            _f("/usr/local/include/node/node.h", 65510),
            _f("/usr/local/share/doc/node/gdbinit", 12000),
            _f("/usr/local/share/man/man1/node.1", 30000)]  # fmt: skip
    total = binary + npm_size + 5 * MB  # headers, docs, man pages: ~5 MB in every line
    comment = f"node:{line}'s node layer ({libc}): Node.js {version} ({'musl build from unofficial-builds' if libc == 'musl' else 'the official linux-x64 tarball'}) in /usr/local, with npm {npm} ({npm_size} bytes in {npm_files} files, folded into node_modules.bundle)"
    if corepack:
        cp_size, cp_files = _npm_size("corepack", corepack, cache)
        rows += [_l("/usr/local/bin/corepack", "../lib/node_modules/corepack/dist/corepack.js"),
                 _f("/usr/local/lib/node_modules/corepack/dist/corepack.js", 72, "755"),
                 _f("/usr/local/lib/node_modules/corepack/dist/lib/corepack.cjs", cp_size - 72)]  # fmt: skip
        total += cp_size
        comment += f" and corepack {corepack} ({cp_size} bytes, {cp_files} files)"
    name = f"node-{version}" if libc == "glibc" else f"node-{version}-alpine"
    out = [
        Published(
            name,
            comment + ".",
            total,
            f"npm registry dist.unpackedSize (npm, corepack); node binary: {DH}",
            rows,
            fold="/usr/local/bin/node",
        )
    ]
    if yarn:
        y_size, y_files = _npm_size("yarn", yarn, cache)
        yrows = [_f(f"/opt/yarn-v{yarn}/bin/yarn", 1015, "755"), _f(f"/opt/yarn-v{yarn}/bin/yarn.js", 356, "755"),
                 _f(f"/opt/yarn-v{yarn}/bin/yarnpkg", 42, "755"), _f(f"/opt/yarn-v{yarn}/lib/cli.js", y_size - 1413),
                 _l("/usr/local/bin/yarn", f"/opt/yarn-v{yarn}/bin/yarn"),
                 _l("/usr/local/bin/yarnpkg", f"/opt/yarn-v{yarn}/bin/yarnpkg")]  # fmt: skip
        out.append(Published(f"node-yarn-{yarn}", f"node:*'s yarn {yarn} layer ({y_files} files, folded into lib/cli.js).",
                             sum(r[3] if r[1] == "f" else len(r[2]) for r in yrows),
                             "npm registry: yarn dist.unpackedSize", yrows))  # fmt: skip
    return out


def _python(xy: str, suite: str, cache: Path, full: bool = False) -> Published:
    version, libpython, total, pip, setuptools = PYTHON[xy]
    if full:  # the full images keep the unstripped build (no purge, no strip): ~15 MB more
        total += 15 * MB
    pip_size = _wheel_size("pip", pip, cache)
    bindir = "/usr/local/bin"
    rows = [_f(f"{bindir}/python{xy}", 17024 if suite != "alpine" else 14000, "755"),
            _f(f"{bindir}/python{xy}-config", 3115, "755"),
            _f(f"{bindir}/pip", 236, "755"), _f(f"{bindir}/pip3", 236, "755"), _f(f"{bindir}/pip{xy}", 236, "755"),
            _f(f"{bindir}/idle{xy}", 102, "755"), _f(f"{bindir}/pydoc{xy}", 87, "755"),
            _f(f"/usr/local/lib/libpython{xy}.so.1.0", libpython, "755"),
            _l(f"/usr/local/lib/libpython{xy}.so", f"libpython{xy}.so.1.0"),
            _f("/usr/local/lib/libpython3.so", 15560, "755"),
            _f(f"/usr/local/include/python{xy}/Python.h", 3242),
            _f(f"/usr/local/lib/python{xy}/os.py", 40000),
            _f(f"/usr/local/lib/python{xy}/site-packages/README.txt", 119),
            _f(f"/usr/local/lib/python{xy}/site-packages/pip/__init__.py", pip_size),
            _f(f"/usr/local/lib/python{xy}/lib-dynload/_ssl.cpython-{xy.replace('.', '')}-x86_64-linux-{'musl' if suite == 'alpine' else 'gnu'}.so", 800000, "755"),
            _f(f"/usr/local/lib/python{xy}/stdlib.bundle", 1)]  # fmt: skip
    libc = "musl" if suite == "alpine" else "gnu"
    rows += [_f(f"/usr/local/lib/python{xy}/{name.format(libc=libc)}", size, "755" if name.endswith(".so") else "644")
             for name, size in PYTHON_NEW.get(xy, ())]  # fmt: skip
    note = f"pip {pip} ({pip_size} bytes: its wheel's RECORD, in pip/__init__.py)"
    if setuptools:  # docker-library/python 3.10|3.11/*/Dockerfile (54a65f4f, Oct 2025): pip3 install
        # 'setuptools==79.0.1' 'wheel<0.46' (issue 1023): pip builds sdists with setup.py bdist_wheel there
        st = _wheel_size("setuptools", "79.0.1", cache)
        wh = _wheel_size("wheel", "0.45.1", cache)
        rows.append(_f(f"/usr/local/lib/python{xy}/site-packages/setuptools/__init__.py", st))
        rows.append(_f(f"/usr/local/lib/python{xy}/site-packages/wheel/__init__.py", wh))
        note += f", setuptools 79.0.1 ({st} bytes), wheel 0.45.1 ({wh} bytes)"
    variant = suite if full or suite == "alpine" else f"slim-{suite}"
    return Published(f"python-{xy}-{variant}",
                     f"python:{xy}-{variant}'s build layer: CPython {version} built "
                     f"--enable-shared --with-lto into /usr/local, {note}; the compiled stdlib, its __pycache__ and "
                     "the test suite sit in stdlib.bundle so that the total matches.",
                     total if suite != "alpine" else total - 8 * MB, DH, rows, fold=f"/usr/local/lib/python{xy}/stdlib.bundle")  # fmt: skip


def layers(cache: Path) -> list[Published]:
    """Every published-figure layer, in dependency order (a derived layer after its source)."""
    out: list[Published] = []
    # -- alpine point releases: the alpine-3.20 layout with each release's texts and total
    for xy, full, total, date in (("3.18", "3.18.12", 7_340_000, "2025-01-08"), ("3.19", "3.19.9", 7_380_000, "2025-10-08"),
                                  ("3.21", "3.21.5", 7_830_000, "2025-10-08"), ("3.22", "3.22.2", 8_310_000, "2025-10-08")):  # fmt: skip
        out.append(Published(
            f"alpine-{xy}", f"alpine:{xy} ({full}, minirootfs of {date}): the alpine-3.20 layout (busybox, musl, "
            f"apk-tools, OpenSSL) with {full}'s os-release, alpine-release and repositories; /lib/apk/db/installed "
            "is made from the (3.20) apk catalogue.", total,
            f"Docker Hub alpine:{xy} amd64 size / alpine-minirootfs-{full}-x86_64.tar.gz, approximate",
            derive="alpine-3.20", replace=(("3.20.3", full), ("v3.20", f"v{xy}"), ("3.20", xy)), fold="/usr/lib/libcrypto.so.3"))  # fmt: skip
    # -- python
    for xy in PYTHON:
        for suite in ("trixie", "bookworm", "alpine"):
            out.append(_python(xy, suite, cache))
        for suite in ("trixie", "bookworm"):
            out.append(_python(xy, suite, cache, full=True))
        if xy in ("3.10", "3.13", "3.14"):
            out.append(
                Published(
                    f"python-{xy}-symlinks",
                    f"as python-3.12-symlinks, for {xy}.",
                    -1,
                    "the Dockerfile",
                    derive="python-3.12-symlinks",
                    replace=(("3.12", xy),),
                )
            )
    out.append(Published("python-alpine-runtime-deps", "python:*-alpine: RUN apk add --no-cache ca-certificates tzdata "
                         "(the CA bundle and the zoneinfo tree).", 1_650_000, "apk index sizes of ca-certificates and tzdata (Alpine 3.22), approximate",
                         [_f("/etc/ssl/certs/ca-certificates.crt", 222_000), _f("/usr/share/zoneinfo/UTC", 114),
                          _f("/usr/share/zoneinfo/tzdata.zi", 110_000), _f("/usr/share/zoneinfo/zones.bundle", 1)],
                         fold="/usr/share/zoneinfo/zones.bundle"))  # fmt: skip
    # -- node
    for line in NODE:
        out += _node(line, cache, "glibc")
        out += [p for p in _node(line, cache, "musl") if p.name.endswith("-alpine")]
    return out
