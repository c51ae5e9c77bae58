"""Small tools of the official images' Dockerfiles: ``apt-mark``, ``gpg``/``gpgconf``,
``update-ca-certificates``, ``gosu``, ``tini``.

- ``apt-mark auto|manual PKG...`` (names or apt's regular expressions, as ``'.*'``) keeps the
  marks in ``/var/lib/apt/extended_states`` as apt does (``Auto-Installed: 1`` stanzas);
  ``showmanual``/``showauto`` list installed packages by mark; ``hold``/``unhold`` set the
  selection in ``/var/lib/dpkg/status`` (``hold ok installed``); ``showhold``.  Messages are
  apt 2.6's (``curl set to manually installed.``).
- ``gpg`` has no network and no keys here.  The model: ``--recv-keys``/``--import`` create the
  keyring in ``$GNUPGHOME`` (``pubring.kbx``, ``trustdb.gpg``) and say the key was imported;
  ``--verify SIG FILE`` checks that both files exist (``can't open`` and exit 2 otherwise) and then
  reports a good signature with a ``layerlab:`` line saying that no signature was checked;
  ``--dearmor`` writes the binary key (3/4 of the armored input, base64's ratio).
  ``gpgconf --kill all`` succeeds.
- ``update-ca-certificates`` links each ``.crt`` of ``/usr/local/share/ca-certificates`` into
  ``/etc/ssl/certs`` (``NAME.pem``) and appends it to ``/etc/ssl/certs/ca-certificates.crt``.
- ``gosu USER CMD...`` runs CMD as USER (``name``, ``uid``, ``name:group``); ``tini -- CMD``
  (or ``tini CMD``) runs CMD, as PID 1's reaper would.
"""

from __future__ import annotations

import posixpath
import re

from simulator.userland import users
from simulator.userland._tree import exists, listdir, read_text, write
from simulator.userland.registry import ExecContext, register

__all__ = ["apt_mark", "gosu", "gpg", "tini", "update_ca_certificates"]

_STATES = "/var/lib/apt/extended_states"
_STATUS = "/var/lib/dpkg/status"


def _stanzas(text: str) -> list[dict[str, str]]:
    out = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if ": " in line and not line.startswith(" "):
                key, _, value = line.partition(": ")
                fields[key] = value
        if fields:
            out.append(fields)
    return out


def _installed(ctx: ExecContext) -> dict[str, str]:
    """package -> its Status field, for the installed ones."""
    return {
        s["Package"]: s.get("Status", "")
        for s in _stanzas(read_text(ctx.fs, _STATUS) or "")
        if "Package" in s and s.get("Status", "").endswith(" installed")
    }


def _auto(ctx: ExecContext) -> set[str]:
    return {
        s["Package"]
        for s in _stanzas(read_text(ctx.fs, _STATES) or "")
        if "Package" in s and s.get("Auto-Installed") == "1"
    }


def _write_auto(ctx: ExecContext, auto: set[str]) -> None:
    write(
        ctx.fs,
        _STATES,
        "".join(f"Package: {n}\nArchitecture: amd64\nAuto-Installed: 1\n\n" for n in sorted(auto)),
    )


def _select(names: list[str], installed: dict[str, str]) -> tuple[list[str], str | None]:
    """The installed packages ``names`` denote (a name with regex characters is apt's regex)."""
    out: list[str] = []
    for name in names:
        if name in installed:
            out.append(name)
        elif re.search(r"[.?+*|\[\]^$]", name):
            try:
                pattern = re.compile(name)
            except re.error:
                return [], name
            out += [n for n in installed if pattern.search(n) and n not in out]
        else:
            return [], name
    return out, None


@register("apt-mark")
def apt_mark(ctx: ExecContext, argv: list[str]) -> int:
    """``apt-mark auto|manual|hold|unhold PKG...``, ``showmanual|showauto|showhold``."""
    args = [a for a in argv[1:] if not a.startswith("-")]
    if not args:
        ctx.out("apt 2.6.1 (amd64)\nUsage: apt-mark [options] {auto|manual} pkg1 [pkg2 ...]\n")
        return 0 if len(argv) == 1 else 100
    command, names = args[0], args[1:]
    installed = _installed(ctx)
    auto = _auto(ctx) & set(installed)
    if command in ("showmanual", "showauto", "showhold"):
        if command == "showhold":
            shown = [n for n, s in installed.items() if s.startswith("hold ")]
        else:
            shown = [n for n in installed if (n in auto) == (command == "showauto")]
        wanted = set(names)
        ctx.out("".join(n + "\n" for n in sorted(shown) if not wanted or n in wanted))
        return 0
    if command not in ("auto", "manual", "markauto", "unmarkauto", "hold", "unhold"):
        ctx.err(f"E: Invalid operation {command}\n")
        return 100
    if not names:
        ctx.err("E: No packages found\n")
        return 100
    chosen, bad = _select(names, installed)
    if bad is not None:
        ctx.err(f"E: Unable to locate package {bad}\nE: No packages found\n")
        return 100
    if command in ("auto", "markauto", "manual", "unmarkauto"):
        to_auto = command in ("auto", "markauto")
        for name in chosen:
            if (name in auto) == to_auto:
                ctx.out(
                    f"{name} was already set to {'automatically' if to_auto else 'manually'} installed.\n"
                )
            else:
                ctx.out(f"{name} set to {'automatically' if to_auto else 'manually'} installed.\n")
            (auto.add if to_auto else auto.discard)(name)
        _write_auto(ctx, auto)
        return 0
    blocks = (read_text(ctx.fs, _STATUS) or "").split("\n\n")
    for name in chosen:
        old, new = ("install ok", "hold ok") if command == "hold" else ("hold ok", "install ok")
        if installed[name].startswith(new):
            ctx.out(f"{name} was already {'set on hold' if command == 'hold' else 'not on hold'}.\n")
            continue
        blocks = [
            b.replace(f"Status: {old} installed", f"Status: {new} installed")
            if f"Package: {name}\n" in b + "\n"
            else b
            for b in blocks
        ]
        ctx.out(f"{name} set on hold.\n" if command == "hold" else f"Canceled hold on {name}.\n")
    write(ctx.fs, _STATUS, "\n\n".join(blocks))
    return 0


# ----------------------------------------------------------------------------- gpg
def _gnupghome(ctx: ExecContext) -> str:
    return ctx.env.get("GNUPGHOME") or f"{ctx.env.get('HOME', '/root') or '/root'}/.gnupg"


@register("gpg", "gpg2")
def gpg(ctx: ExecContext, argv: list[str]) -> int:
    """``gpg --batch --keyserver K --recv-keys KEY...``, ``--import``, ``--verify SIG [FILE]``,
    ``--dearmor [-o OUT]``, ``--export``: a no-network model (see the module's text)."""
    args = argv[1:]
    home = _gnupghome(ctx)
    output = None
    rest: list[str] = []
    it = iter(args)
    for arg in it:
        if arg in ("-o", "--output"):
            output = next(it, "")
        elif arg in ("--keyserver", "--homedir", "--keyserver-options", "--trust-model"):
            value = next(it, "")
            if arg == "--homedir":
                home = ctx.abspath(value)
        elif arg.startswith("--output="):
            output = arg.partition("=")[2]
        else:
            rest.append(arg)
    actions = [a for a in rest if a.startswith("--") and a[2:] in ("recv-keys", "receive-keys", "import", "verify",
                                                                   "dearmor", "enarmor", "export", "version", "list-keys")]  # fmt: skip
    operands = [a for a in rest if not a.startswith("-")]
    action = (
        actions[0][2:]
        if actions
        else ("verify" if operands and operands[0].endswith((".asc", ".sig")) else "")
    )
    if action == "version":
        ctx.out("gpg (GnuPG) 2.2.40\nlibgcrypt 1.10.1\n")
        return 0
    if action in ("recv-keys", "receive-keys", "import"):
        ctx.fs.makedirs(home, 0o700)
        write(ctx.fs, f"{home}/pubring.kbx", b"\x00\x00\x00\x20\x01\x01" + b"\x00" * 1500)
        write(ctx.fs, f"{home}/trustdb.gpg", b"\x01gpg" + b"\x00" * 1196)
        ctx.err(f"gpg: keybox '{home}/pubring.kbx' created\ngpg: {home}/trustdb.gpg: trustdb created\n")
        for key in operands or ["-"]:
            ctx.err(f"gpg: key {key[-16:].upper()}: public key imported\n")
        ctx.err(
            f"gpg: Total number processed: {len(operands) or 1}\ngpg:               imported: {len(operands) or 1}\n"
        )
        ctx.err("layerlab: no key server is reachable: the key is recorded as imported, not fetched\n")
        return 0
    if action == "verify":
        for path in operands[:2]:
            if not exists(ctx.fs, ctx.abspath(path)):
                ctx.err(f"gpg: can't open '{path}': No such file or directory\n"
                        "gpg: verify signatures failed: No such file or directory\n")  # fmt: skip
                return 2
        if not operands:
            ctx.err("gpg: no signed data\ngpg: can't hash datafile: No data\n")
            return 2
        ctx.err("gpg: Signature made Thu Jan  1 00:00:00 2025 UTC\ngpg: Good signature\n")
        ctx.err(
            "layerlab: signatures are not checked (no keys, no network): both files exist, so it counts as good\n"
        )
        return 0
    if action in ("dearmor", "enarmor", "export"):
        data = bytes(ctx.fs.read_file(ctx.abspath(operands[0]))) if operands else ctx.stdin_bytes()
        out = b"\x99" + data[: max(0, len(data) * 3 // 4 - 1)] if action == "dearmor" else data
        if output and output != "-":
            write(ctx.fs, ctx.abspath(output), out)
        else:
            ctx.out(out)
        return 0
    if action == "list-keys":
        return 0
    ctx.err("gpg: Go ahead and type your message ...\n" if not rest else f'gpg: invalid option "{rest[0]}"\n')
    return 2


@register("gpgconf")
def gpgconf(ctx: ExecContext, argv: list[str]) -> int:
    """``gpgconf --kill all``: no agent runs here, so there is nothing to stop."""
    return 0


# ----------------------------------------------------------------------------- certificates
@register("update-ca-certificates")
def update_ca_certificates(ctx: ExecContext, argv: list[str]) -> int:
    """Debian's and Alpine's ``update-ca-certificates`` for the local certificates."""
    fs = ctx.fs
    local = "/usr/local/share/ca-certificates"
    bundle = "/etc/ssl/certs/ca-certificates.crt"
    text = read_text(fs, bundle) or ""
    added = 0

    def walk(directory: str) -> list[str]:
        out = []
        for name in listdir(fs, directory):
            path = f"{directory}/{name}"
            if fs.stat(path).is_dir:
                out += walk(path)
            elif name.endswith(".crt"):
                out.append(path)
        return out

    fs.makedirs("/etc/ssl/certs")
    for path in walk(local):
        link = f"/etc/ssl/certs/{posixpath.basename(path)[: -len('.crt')]}.pem"
        if exists(fs, link):
            continue
        fs.symlink(path, link)
        text += read_text(fs, path) or ""
        added += 1
    write(fs, bundle, text)
    if "--fresh" in argv or "-f" in argv:
        pass
    ctx.out(f"Updating certificates in /etc/ssl/certs...\n{added} added, 0 removed; done.\n"
            "Running hooks in /etc/ca-certificates/update.d...\ndone.\n")  # fmt: skip
    return 0


# ----------------------------------------------------------------------------- gosu, tini
@register("gosu", "su-exec")
def gosu(ctx: ExecContext, argv: list[str]) -> int:
    """``gosu USER COMMAND [ARGS...]``: COMMAND as USER (its uid, gid and supplementary groups)."""
    name = posixpath.basename(argv[0])
    if len(argv) < 3:
        ctx.err(f"Usage: {name} user-spec command [args]\n   eg: {name} tianon bash\n")
        return 1
    try:
        uid, gid = users.resolve_user(ctx.fs.read_file, argv[1])
    except users.UnknownUser as exc:
        ctx.err(f'error: failed switching to "{argv[1]}": {exc}\n')
        return 1
    if ctx.which(argv[2]) is None:
        ctx.err(f'error: exec: "{argv[2]}": executable file not found in $PATH\n')
        return 1
    return ctx.run(argv[2:], user=(uid, gid))


@register("tini", "tini-static")
def tini(ctx: ExecContext, argv: list[str]) -> int:
    """``tini [-s] [-g] [--] COMMAND [ARGS...]``: runs COMMAND (the reaper has nothing to reap here)."""
    args = argv[1:]
    while args and args[0].startswith("-") and args[0] != "--":
        if args[0] in ("--version",):
            ctx.out("tini version 0.19.0\n")
            return 0
        args = args[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        ctx.err("tini (tini version 0.19.0)\nUsage: tini [OPTIONS] PROGRAM -- [ARGS] | --version\n")
        return 1
    return ctx.run(args)
