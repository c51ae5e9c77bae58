"""The programs inside an image: one module per family of commands.

Each family registers its commands in :mod:`simulator.userland.registry` when it is imported;
:func:`load_all` imports every family, and an import error propagates (a broken family is
never silently a set of "not found" commands).
"""

from __future__ import annotations

import importlib

__all__ = ["FAMILIES", "load_all"]

FAMILIES = (
    "shells",  # echo printf true false test [ pwd sleep sh env which busybox
    "expr",  # expr
    "files",  # mkdir rm rmdir touch cp mv ln tee basename dirname readlink realpath
    "attrs",  # chmod chown chgrp ls stat mktemp install
    "text",  # cat head tail wc sort uniq seq tr cut
    "grep",  # grep egrep fgrep
    "sed",  # sed
    "awk",  # awk mawk gawk (one action of print statements)
    "find",  # find xargs
    "info",  # id whoami uname date du nproc hostname
    "sums",  # md5sum sha1sum sha256sum sha512sum
    "dump",  # od
    "archives",  # tar gzip gunzip zcat
    "jar",  # jar unzip
    "accounts",  # useradd groupadd usermod userdel adduser addgroup deluser delgroup groupdel
    "network",  # curl wget
    "pip",  # pip pip3
    "npm",  # npm npx yarn yarnpkg pnpm corepack
    "jsbuild",  # vite react-scripts tsc
    "golang",  # go
    "maven",  # mvn mvnw
    "dotnet",  # dotnet
    "sysadmin",  # apt-mark gpg gpg2 gpgconf update-ca-certificates gosu su-exec tini tini-static
    "packages",  # apk apt apt-get dpkg python python3
)
"""The command families, as modules of :mod:`simulator.userland`."""


def load_all() -> None:
    """Import every family so that its commands are registered; an ImportError propagates."""
    for family in FAMILIES:
        importlib.import_module(f"{__name__}.{family}")
