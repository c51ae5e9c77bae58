"""``apk add nodejs`` on Alpine (microservices-demo's currencyservice and paymentservice).

The expectations come from Alpine 3.20's nodejs package as main/nodejs's APKBUILD builds it
(shared brotli, zlib, openssl, c-ares, nghttp2, system ICU and ada; libuv bundled; npm and
corepack left out: npm is its own aport) and apk-tools' install order (dependencies first, in
the order of the package's ``D:`` line), not from a simulator run.
"""

from __future__ import annotations

from simulator.distro import library
from simulator.distro.catalogue import apk_section
from simulator.model.container import Container
from simulator.userland.registry import COMMANDS, ExecContext

# alpine:3.20 has musl, zlib, libcrypto3, libssl3 and ca-certificates-bundle already: these are
# the ten packages apk installs, in apk's order
NEW = ["ca-certificates", "libgcc", "libstdc++", "ada-libs", "brotli-libs", "c-ares", "icu-data-en", "icu-libs",
       "nghttp2-libs", "nodejs"]  # fmt: skip


def run(fs: Container, *argv: str) -> tuple[int, str, str]:
    ctx = ExecContext(fs=fs)
    code = COMMANDS[argv[0]](ctx, list(argv))
    return code, ctx.stdout.decode(), ctx.stderr.decode()


def test_apk_add_nodejs_installs_node_and_its_shared_libraries() -> None:
    c = Container(library.get("alpine:3.20"))
    code, out, err = run(c, "apk", "add", "--no-cache", "nodejs")
    assert (code, err) == (0, "")
    installs = [
        line.split(" Installing ")[1].split(" (")[0] for line in out.splitlines() if " Installing " in line
    ]
    assert installs == NEW
    assert "(10/10) Installing nodejs (20.15.1-r0)\n" in out
    assert out.endswith(" in 24 packages\n")  # alpine:3.20's 14 and the 10 new
    node = c.stat("/usr/bin/node")
    assert node.mode & 0o111 and node.size > 50 * 1024 * 1024  # a -O2 node 20 binary: ~58.6 MiB
    assert c.exists("/usr/lib/libicuuc.so.74") and c.exists("/usr/share/icu/74.2/icudt74l.dat")
    assert c.exists("/usr/lib/libcares.so.2.17.1") and c.exists("/usr/lib/libada.so.2.7.8")
    assert not c.exists("/usr/lib/node_modules/npm")  # npm is a package of its own on Alpine
    assert not c.exists("/usr/bin/npm")
    db = c.read_file("/lib/apk/db/installed").decode()
    assert "P:nodejs\nV:20.15.1-r0\n" in db
    assert "nodejs" in c.read_file("/etc/apk/world").decode().split()


def test_the_nodejs_packages_sizes_add_up() -> None:
    packages = apk_section()["packages"]
    for name in NEW[3:]:
        if name in ("brotli-libs", "c-ares", "nghttp2-libs"):
            continue  # in the catalogue before nodejs
        entry = packages[name]
        total = sum(f[3] for f in entry["files"] if f[1] == "f")
        assert abs(total - entry["installed_size"] * 1024) < 1024, name  # the files carry the installed size
    assert packages["nodejs"]["depends"][0] == "ca-certificates"  # nodejs' own depends=, before the so: ones
    assert "npm" not in packages["nodejs"]["depends"]


def test_apk_del_nodejs_takes_its_libraries_away() -> None:
    c = Container(library.get("alpine:3.20"))
    assert run(c, "apk", "add", "--no-cache", "nodejs")[0] == 0
    code, out, _ = run(c, "apk", "del", "nodejs")
    assert code == 0 and "Purging nodejs (20.15.1-r0)" in out and "Purging icu-libs (74.2-r0)" in out
    assert not c.exists("/usr/bin/node") and not c.exists("/usr/lib/libicuuc.so.74.2")
    assert c.exists("/lib/libz.so.1")  # alpine's own zlib stays
