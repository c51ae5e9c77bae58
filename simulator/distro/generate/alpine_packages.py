"""The apk catalogue's packages added from published figures: ``python -m simulator.distro.generate.alpine_packages``.

Alpine's CDN (``dl-cdn.alpinelinux.org``) is not reachable from the machines that generate the
data, so these entries are written from the figures pkgs.alpinelinux.org publishes for Alpine
3.20 x86_64 (the release the apk catalogue models: ``packages.json`` ``_comment``): version,
installed size (KiB, as the APKINDEX ``I:`` field rounds it), dependencies as ``apk add`` pulls
them, and the package's key paths from its file list.  As for the hand-kept Alpine packages, a
file named ``*.stand-in`` holds the bytes of the package's many small files, so the package's
total is its installed size.  Each entry names its source; every figure is APPROXIMATE (not
checked against the APKINDEX on the day it was written: refresh them from
``https://pkgs.alpinelinux.org/package/v3.20/main/x86_64/<name>`` and its ``/contents`` page).

Running the module merges :data:`PACKAGES` into ``data/packages.json`` (section ``apk``); an
entry already there is replaced.  Never run by the library or the tests.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from simulator.distro.generate.common import _f, _l
from simulator.distro.jsondata import DATA, dumps

__all__ = ["NOTE", "PACKAGES", "SOURCE", "main", "merge"]

SOURCE = "https://pkgs.alpinelinux.org/package/v3.20/main/x86_64/"
KIB = 1024


def _stand_in(path: str, installed_kib: int, named: list[list[Any]]) -> list[Any]:
    """The file carrying the installed size minus the named files' bytes."""
    rest = installed_kib * KIB - sum(r[3] for r in named if r[1] == "f")
    return _f(path, max(rest, 1))


def _package(version: str, installed_kib: int, depends: list[str], description: str, named: list[list[Any]],
             stand_in: str, source: str) -> tuple[dict[str, Any], str]:  # fmt: skip
    files = [*named, _stand_in(stand_in, installed_kib, named)]
    return {"version": version, "installed_size": installed_kib, "depends": depends, "files": files,
            "description": description}, source  # fmt: skip


_ZONES = "/usr/share/zoneinfo"
_TABLE: dict[str, tuple[dict[str, Any], str]] = {
    # tzdata: zic's "slim" TZif files (Alpine builds with the default -b slim); UTC is 111 bytes
    "tzdata": _package(
        "2024b-r0",
        1000,
        [],
        "Timezone data",
        [
            _f(f"{_ZONES}/UTC", 111),
            _f(f"{_ZONES}/Etc/UTC", 111),
            _f(f"{_ZONES}/Europe/Paris", 1105),
            _f(f"{_ZONES}/America/New_York", 1744),
            _f(f"{_ZONES}/Asia/Tokyo", 213),
            _f(f"{_ZONES}/tzdata.zi", 107_000),
            _f(f"{_ZONES}/zone1970.tab", 17_600),
            _f(f"{_ZONES}/iso3166.tab", 4_800),
            _f(f"{_ZONES}/leap-seconds.list", 4_900),
            _f("/usr/bin/tzselect", 15_300, "755"),
        ],
        f"{_ZONES}/zones.stand-in",
        SOURCE + "tzdata",
    ),
    # linux-headers: the kernel's UAPI headers (make headers_install), ~900 files under /usr/include
    "linux-headers": _package(
        "6.6-r0",
        6500,
        [],
        "Linux system headers",
        [
            _f("/usr/include/linux/types.h", 1_600),
            _f("/usr/include/linux/if.h", 11_500),
            _f("/usr/include/linux/seccomp.h", 6_000),
            _f("/usr/include/linux/limits.h", 800),
            _f("/usr/include/linux/version.h", 400),
            _f("/usr/include/asm/unistd_64.h", 9_600),
            _f("/usr/include/asm-generic/errno.h", 5_600),
        ],
        "/usr/include/linux/headers.stand-in",
        SOURCE + "linux-headers",
    ),
    # openssl: the command-line tool only (the libraries are libcrypto3/libssl3, already in alpine:3.20)
    "openssl": _package(
        "3.3.2-r0",
        904,
        ["libcrypto3", "libssl3", "musl"],
        "Toolkit for Transport Layer Security (TLS)",
        [],
        "/usr/bin/openssl",
        SOURCE + "openssl",
    ),
}


def _one(
    version: str, kib: int, depends: str, path: str, description: str, mode: str = "755"
) -> dict[str, Any]:
    """A package whose one named file carries its installed size (a program or a library)."""
    return {"version": version, "installed_size": kib, "depends": depends.split(), "files": [_f(path, kib * KIB, mode)],
            "description": description}  # fmt: skip


_GPG_LIBS = "libgcrypt libgpg-error libassuan npth musl"
# gnupg 2.4.5 (redis' and node's alpine images: apk add --virtual .gosu-fetch gnupg): the meta
# package and its parts as Alpine splits them, with the libraries they link (APKBUILD of main/gnupg)
_GNUPG: dict[str, dict[str, Any]] = {
    "gnupg": ({"version": "2.4.5-r0", "installed_size": 4, "files": [], "description": "GNU Privacy Guard 2 - meta package",
               "depends": ["gnupg-dirmngr", "gnupg-gpgconf", "gnupg-keyboxd", "gnupg-utils", "gnupg-wks-client", "gpg",
                           "gpg-agent", "gpg-wks-server", "gpgsm", "gpgv"]}),
    "gpg": _one("2.4.5-r0", 1092, f"{_GPG_LIBS} libbz2 sqlite-libs zlib readline", "/usr/bin/gpg",
                "GNU Privacy Guard 2 - public key operations only"),
    "gpg-agent": _one("2.4.5-r0", 364, f"{_GPG_LIBS} pinentry", "/usr/bin/gpg-agent",
                      "GNU Privacy Guard 2 - cryptographic server"),
    "gpgv": _one("2.4.5-r0", 420, "libgcrypt libgpg-error libbz2 zlib musl", "/usr/bin/gpgv",
                 "GNU Privacy Guard 2 - signature verification only"),
    "gpgsm": _one("2.4.5-r0", 512, f"{_GPG_LIBS} libksba readline", "/usr/bin/gpgsm",
                  "GNU Privacy Guard 2 - S/MIME version"),
    "gnupg-dirmngr": _one("2.4.5-r0", 548, f"{_GPG_LIBS} gnutls libldap libksba", "/usr/bin/dirmngr",
                          "GNU Privacy Guard 2 - network certificate management service"),
    "gnupg-gpgconf": _one("2.4.5-r0", 232, f"{_GPG_LIBS} readline", "/usr/bin/gpgconf",
                          "GNU Privacy Guard 2 - core configuration utilities"),
    "gnupg-keyboxd": _one("2.4.5-r0", 212, f"{_GPG_LIBS} sqlite-libs", "/usr/libexec/keyboxd",
                          "GNU Privacy Guard 2 - public key material service"),
    "gnupg-utils": _one("2.4.5-r0", 760, f"{_GPG_LIBS} libksba readline", "/usr/bin/gpg-card",
                        "GNU Privacy Guard 2 - utility programs"),
    "gnupg-wks-client": _one("2.4.5-r0", 200, f"{_GPG_LIBS}", "/usr/libexec/gpg-wks-client",
                             "GNU Privacy Guard 2 - Web Key Service client"),
    "gpg-wks-server": _one("2.4.5-r0", 196, f"{_GPG_LIBS}", "/usr/bin/gpg-wks-server",
                           "GNU Privacy Guard 2 - Web Key Service server"),
    "pinentry": _one("1.3.0-r0", 68, "libassuan libcap2 libgpg-error libncursesw musl", "/usr/bin/pinentry-curses",
                     "Collection of simple PIN or passphrase entry dialogs which utilize the Assuan protocol"),
    "libgcrypt": _one("1.10.3-r0", 1232, "libgpg-error musl", "/usr/lib/libgcrypt.so.20.4.3",
                      "General purpose crypto library based on the code used in GnuPG"),
    "libgpg-error": _one("1.49-r0", 232, "musl", "/usr/lib/libgpg-error.so.0.37.0",
                         "Support library for libgcrypt"),
    "libassuan": _one("2.5.7-r0", 108, "libgpg-error musl", "/usr/lib/libassuan.so.0.8.7", "IPC library used by GnuPG"),
    "npth": _one("1.7-r0", 32, "musl", "/usr/lib/libnpth.so.0.1.2", "The New GNU Portable Threads library"),
    "libksba": _one("1.6.6-r0", 336, "libgpg-error musl", "/usr/lib/libksba.so.8.14.6",
                    "Libksba is a CMS and X.509 access library"),
    "gnutls": _one("3.8.5-r0", 2100, "gmp libidn2 libtasn1 libunistring nettle p11-kit musl",
                   "/usr/lib/libgnutls.so.30.40.0", "TLS protocol implementation"),
    "nettle": _one("3.9.1-r0", 596, "gmp musl", "/usr/lib/libnettle.so.8.8", "Low-level cryptographic library"),
    "p11-kit": _one("0.25.3-r0", 1400, "libffi libtasn1 musl", "/usr/lib/libp11-kit.so.0.3.1",
                    "Library for loading and sharing PKCS#11 modules"),
    "libtasn1": _one("4.19.0-r2", 92, "musl", "/usr/lib/libtasn1.so.6.6.3", "The ASN.1 library used in GNUTLS"),
    "libldap": _one("2.6.7-r0", 612, "libsasl libcrypto3 libssl3 musl", "/usr/lib/libldap.so.2.0.200",
                    "OpenLDAP libraries"),
    "libsasl": _one("2.1.28-r6", 208, "gdbm musl", "/usr/lib/libsasl2.so.3.0.0",
                    "Cyrus Simple Authentication and Security Layer (SASL) library"),
    "libcap2": _one("2.70-r0", 40, "musl", "/usr/lib/libcap.so.2.70", "POSIX 1003.1e capabilities (libraries)"),
}  # fmt: skip
_TABLE.update({name: (entry, SOURCE + name) for name, entry in _GNUPG.items()})


_ICU = "74.2"
# nodejs 20.15.1 (microservices-demo's currencyservice and paymentservice: apk add --no-cache
# nodejs on alpine).  main/nodejs's APKBUILD (aports, 20.x): configure --shared-brotli
# --shared-zlib --shared-openssl --shared-cares --shared-nghttp2 --with-intl=system-icu, ada from
# the system (system-ada.patch), libuv bundled, --without-npm --without-corepack (npm is its own
# aport), so the package is /usr/bin/node alone (headers go to nodejs-dev, man and gdbinit to
# nodejs-doc).  Its size: the APKBUILD's own comment, "58.6 MiB" for the -O2 node binary.
# Depends as the APKINDEX D: line lists them (ca-certificates, then the so: libraries in name
# order: libada, libbrotli*, libc.musl, libcares, libcrypto, libgcc_s, libicu*, libnghttp2,
# libssl, libstdc++, libz); icu-libs pulls icu-data-en, the provider of "icu-data" apk prefers.
_NODEJS: dict[str, dict[str, Any]] = {
    "nodejs": _one("20.15.1-r0", 60_006, "ca-certificates ada-libs brotli-libs musl c-ares libcrypto3 libgcc icu-libs "
                   "nghttp2-libs libssl3 libstdc++ zlib", "/usr/bin/node", "JavaScript runtime built on V8 engine - LTS version"),
    "ada-libs": _one("2.7.8-r0", 276, "libgcc libstdc++ musl", "/usr/lib/libada.so.2.7.8",
                     "WHATWG-compliant and fast URL parser written in modern C++ (libraries)"),
    # icu-libs: the four libraries with their soname links; the size is their sum (5,575,000 B)
    "icu-libs": {"version": f"{_ICU}-r0", "installed_size": 5_445, "description": "International Components for Unicode library (libraries)",
                 "depends": ["icu-data-en", "libgcc", "libstdc++", "musl"],
                 "files": [_f(f"/usr/lib/libicuuc.so.{_ICU}", 2_080_000, "755"), _l("/usr/lib/libicuuc.so.74", f"libicuuc.so.{_ICU}"),
                           _f(f"/usr/lib/libicui18n.so.{_ICU}", 3_420_000, "755"), _l("/usr/lib/libicui18n.so.74", f"libicui18n.so.{_ICU}"),
                           _f(f"/usr/lib/libicuio.so.{_ICU}", 63_000, "755"), _l("/usr/lib/libicuio.so.74", f"libicuio.so.{_ICU}"),
                           _f(f"/usr/lib/libicudata.so.{_ICU}", 12_000, "755"), _l("/usr/lib/libicudata.so.74", f"libicudata.so.{_ICU}")]},
    # Alpine's icu ships its data as an archive (--with-data-packaging=archive); -en: English locales only
    "icu-data-en": {"version": f"{_ICU}-r0", "installed_size": 2_760, "depends": [],
                    "description": "Stripped down ICU data with only en_US/GB locale and no legacy charset converters",
                    "files": [_f(f"/usr/share/icu/{_ICU}/icudt74l.dat", 2_760 * KIB)]},
}  # fmt: skip
_TABLE.update({name: (entry, SOURCE + name) for name, entry in _NODEJS.items()})
PACKAGES: dict[str, dict[str, Any]] = {name: entry for name, (entry, _source) in _TABLE.items()}
"""name -> the catalogue entry."""

NOTE = ("apk: " + ", ".join(sorted(n for n in PACKAGES if n not in _GNUPG and n not in _NODEJS)) + ", gnupg and its "
        + str(len(_GNUPG) - 1) + " parts and libraries, nodejs and its libraries (" + ", ".join(sorted(set(_NODEJS) - {"nodejs"}))
        + ") were added by python -m simulator.distro.generate.alpine_packages "
        "from pkgs.alpinelinux.org's figures for v3.20 x86_64 (approximate; the CDN is not reachable to check them).")  # fmt: skip
"""The ``_comment`` line of ``packages.json`` that says where these entries come from."""


def merge(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (the whole ``packages.json``) with :data:`PACKAGES` in its ``apk`` section."""
    for name, entry in PACKAGES.items():
        data["apk"]["packages"][name] = json.loads(json.dumps(entry))
    data["_comment"] = [
        line for line in data["_comment"] if not line.startswith("apk: ") or "alpine_packages" not in line
    ]
    data["_comment"].append(NOTE)
    return data


def main(argv: list[str] | None = None) -> int:
    args = list(argv if argv is not None else sys.argv[1:])
    path = Path(args[0]) if args else DATA / "packages.json"
    data = merge(json.loads(path.read_text(encoding="utf-8")))
    path.write_text(dumps(data), encoding="utf-8")
    for name, (_entry, source) in sorted(_TABLE.items()):
        print(f"{name} {PACKAGES[name]['version']}: {PACKAGES[name]['installed_size']} KiB ({source})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
