"""What to tell a student whose RUN line stopped at a program: hints as data.

- :func:`missing_program_hint`: a program that is not in the image (``/bin/sh: npm: not
  found``): a package manager of another distribution ("apk is Alpine's package manager; this
  image is Debian-based: use apt-get"), or which package installs it on this image's
  distribution, or which official image has it;
- :func:`unsimulated_effects`: what a program layerlab does not simulate would have put in the
  layer (``npm`` → ``node_modules/``), for the build log's one line about it;
- :func:`catalogue_gap`: the line a package manager adds to its own error when a package is
  not in layerlab's catalogue, so that a student can tell a gap of the simulator from a typo.

The package names are the distributions' own (Debian 12 ``apt-cache show``, Alpine 3.20
``apk info``); the images are the official ones on Docker Hub.
"""

from __future__ import annotations

import difflib

from simulator.model.fs import FileSystem

__all__ = ["catalogue_gap", "image_family", "missing_program_hint", "unsimulated_effects"]

# package manager -> (whose it is, the families where it belongs)
PACKAGE_MANAGERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "apk": ("Alpine's package manager", ("alpine",)),
    **{
        name: ("Debian's and Ubuntu's package manager", ("debian", "ubuntu"))
        for name in ("apt", "apt-get", "apt-cache", "apt-mark", "apt-key", "dpkg", "dpkg-reconfigure")
    },
    **{
        name: ("the package manager of Red Hat, Fedora and their kin", ("rhel",))
        for name in ("yum", "dnf", "microdnf", "rpm")
    },
    "zypper": ("openSUSE's package manager", ("suse",)),
    "pacman": ("Arch Linux's package manager", ("arch",)),
}
# the family's own tool, as the hint words it
INSTALL_WITH = {
    "alpine": "apk add",
    "debian": "apt-get install",
    "ubuntu": "apt-get install",
    "rhel": "dnf install",
    "suse": "zypper install",
    "arch": "pacman -S",
}
FAMILY_NAMES = {
    "alpine": "Alpine",
    "debian": "Debian",
    "ubuntu": "Ubuntu",
    "rhel": "Red Hat",
    "suse": "openSUSE",
    "arch": "Arch Linux",
}

# program -> (what it is, Debian/Ubuntu package, Alpine package, official image)
PROGRAMS: dict[str, tuple[str, str, str, str]] = {
    **{n: ("Node.js", "nodejs npm", "nodejs npm", "node:20-slim") for n in ("node", "npm", "npx", "nodejs")},
    "yarn": ("Yarn, Node.js's other package manager", "yarnpkg", "yarn", "node:20-slim"),
    "pnpm": ("pnpm, a Node.js package manager", "", "pnpm", "node:20-slim (then corepack enable)"),
    "go": ("Go", "golang", "go", "golang"),
    "gofmt": ("Go", "golang", "go", "golang"),
    "mvn": ("Maven", "maven", "maven", "maven"),
    "gradle": ("Gradle", "gradle", "gradle", "gradle"),
    "java": ("Java", "default-jre-headless", "openjdk21-jre-headless", "eclipse-temurin"),
    "javac": ("the Java compiler", "default-jdk-headless", "openjdk21-jdk", "eclipse-temurin"),
    "dotnet": (".NET", "", "dotnet8-sdk", "mcr.microsoft.com/dotnet/sdk"),
    "cargo": ("Rust", "cargo", "cargo", "rust"),
    "rustc": ("Rust", "rustc", "rust", "rust"),
    "gem": ("Ruby", "ruby", "ruby", "ruby"),
    "ruby": ("Ruby", "ruby", "ruby", "ruby"),
    "bundle": ("Ruby's Bundler", "ruby-bundler", "ruby-bundler", "ruby"),
    "php": ("PHP", "php-cli", "php83", "php"),
    "composer": ("Composer, PHP's package manager", "composer", "composer", "composer"),
    **{n: ("Python", "python3", "python3", "python:3.12-slim") for n in ("python", "python3")},
    **{n: ("pip", "python3-pip", "py3-pip", "python:3.12-slim") for n in ("pip", "pip3")},
    "gpg": ("GnuPG", "gpg", "gnupg", ""),
    "git": ("git", "git", "git", ""),
    "curl": ("curl", "curl", "curl", ""),
    "wget": ("wget", "wget", "wget", ""),
    "make": ("make", "make", "make", ""),
    **{n: ("the C compiler", "gcc", "gcc", "") for n in ("gcc", "cc")},
    "g++": ("the C++ compiler", "g++", "g++", ""),
    "bash": ("bash", "bash", "bash", ""),
    "jq": ("jq", "jq", "jq", ""),
    "unzip": ("unzip", "unzip", "unzip", ""),
    "tini": ("tini", "tini", "tini", ""),
    "gosu": ("gosu", "gosu", "gosu", ""),
    "su-exec": ("su-exec", "", "su-exec", ""),
    "nginx": ("nginx", "nginx", "nginx", "nginx"),
    "redis-server": ("Redis", "redis-server", "redis", "redis"),
    "psql": ("the PostgreSQL client", "postgresql-client", "postgresql16-client", "postgres"),
    "useradd": ("shadow's useradd", "passwd", "shadow", ""),
}

# what an unsimulated program would have left in the layer
EFFECTS: dict[str, str] = {
    **{n: "node_modules/, npm's cache" for n in ("npm", "npx", "pnpm")},
    "yarn": "node_modules/, yarn's cache",
    "node": "whatever the script writes",
    "go": "the built binaries, the module cache",
    "mvn": "target/, ~/.m2",
    "gradle": "build/, ~/.gradle",
    "dotnet": "bin/, obj/, the NuGet cache",
    "cargo": "target/, ~/.cargo",
    "gem": "the installed gems",
    "bundle": "the installed gems",
    "composer": "vendor/",
    **{n: "whatever the Python code writes" for n in ("python", "python3")},
    "gpg": "the keyring, verified or decrypted files",
    "git": "the cloned or changed files",
    "make": "whatever the Makefile builds",
    **{n: "the compiled files" for n in ("gcc", "cc", "g++", "javac", "rustc")},
    "apt-mark": "the packages' marks in /var/lib/apt/extended_states",
    "update-ca-certificates": "/etc/ssl/certs",
    "locale-gen": "the generated locales",
    "ldconfig": "/etc/ld.so.cache",
}


def _os_release(fs: FileSystem) -> dict[str, str]:
    try:
        text = bytes(fs.read_file("/etc/os-release")).decode("utf-8", "replace")
    except (OSError, ValueError):
        return {}
    fields = {}
    for line in text.splitlines():
        key, eq, value = line.partition("=")
        if eq:
            fields[key.strip()] = value.strip().strip('"')
    return fields


def image_family(fs: FileSystem) -> str:
    """``alpine``, ``debian``, ``ubuntu``, ``rhel``, ``suse``, ``arch``, or ``""`` (busybox,
    scratch, unknown), from ``/etc/os-release``'s ``ID`` and ``ID_LIKE``."""
    fields = _os_release(fs)
    ids = [fields.get("ID", ""), *fields.get("ID_LIKE", "").split()]
    for found in ids:
        if found in FAMILY_NAMES:
            return found
        if found in ("fedora", "centos", "rocky", "almalinux", "ol", "amzn"):
            return "rhel"
        if found.startswith(("opensuse", "sles")):
            return "suse"
    return ""


def _describe(family: str) -> str:
    return f"this image is {FAMILY_NAMES[family]}-based" if family else "this image has no package manager"


def missing_program_hint(fs: FileSystem, name: str) -> str:
    """One sentence for a program that is not in the image ``fs`` (``sh: npm: not found``)."""
    family = image_family(fs)
    manager = PACKAGE_MANAGERS.get(name)
    if manager is not None:
        whose, families = manager
        if family not in families:
            use = f": use {INSTALL_WITH[family].split()[0]}" if family else ": start FROM debian or alpine"
            return f"{name} is {whose}; {_describe(family)}{use}"
    program = PROGRAMS.get(name)
    if program is None:
        return (
            f"{name} is not in this image (no file {name!r} in any directory of PATH): "
            "install the package that has it, COPY it in, or check the spelling"
        )
    what, deb, apk, image = program
    package = apk if family == "alpine" else deb if family in ("debian", "ubuntu") else ""
    ways = []
    if package and family:
        update = "apk add --no-cache" if family == "alpine" else "apt-get update && apt-get install -y"
        ways.append(f"install it first (RUN {update} {package})")
    if image:
        ways.append(f"start FROM {image}")
    how = " or ".join(ways) if ways else "start FROM an image that has it"
    return f"{name} is not installed in this image ({what}): {how}"


def unsimulated_effects(name: str) -> str:
    """What ``name`` would have written, for ``its effects (...) are not in this layer``."""
    return EFFECTS.get(name, "whatever it writes")


def catalogue_gap(name: str, catalogue: str, known: list[str]) -> str:
    """The line a package manager adds when ``name`` is not in layerlab's ``catalogue``."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.75)
    near = f"; close names in it: {', '.join(close)}" if close else ""
    return (
        f"layerlab: {name!r} is not in layerlab's {catalogue} catalogue ({len(known)} packages): "
        f"if the name is right, this is a gap in the simulator, not a mistake in your Dockerfile{near}\n"
    )
