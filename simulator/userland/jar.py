"""``jar`` (the JDK's archive tool: ``-c``, ``-t``, ``-x``) and ``unzip`` (Info-ZIP's and busybox's),
on one zip implementation (:mod:`simulator.userland._zip`).

``jar`` follows the JDK 17 tool (``sun.tools.jar.Main``), as compared with the real one:

- options in the three spellings: old style ``jar xf F`` (the letters' values follow in the
  letters' order: ``jar cfe app.jar Main``), short ``jar -x -f F`` / ``jar -xf F`` and long
  ``jar --extract --file=F`` (or ``--file F``); without ``-f`` the archive is stdin (``-x``,
  ``-t``) or stdout (``-c``);
- ``-x`` extracts into the working directory every entry (or the ones named), making its
  directories; it drops a leading ``/`` and ``..`` from entry names, as the JDK's does, and
  does not restore the entries' modes: files are 0666 and directories 0777 less the umask; with
  ``-v`` it says ``  created: d/``, `` inflated: f`` (deflated) or ``extracted: f`` (stored);
- ``-t`` lists the names (``-v``: size, date, name);
- ``-c`` writes ``META-INF/MANIFEST.MF`` (``Created-By`` from the image's ``JAVA_VERSION``; ``-e``
  adds ``Main-Class``, ``-m FILE`` merges a manifest file, ``-M`` writes none) and the files and
  directories named (``-C DIR`` before a name reads it in DIR), deflated unless ``-0``; ``-v``
  says ``added manifest`` and ``adding: NAME(in = N) (out= M)(deflated P%)``; a name that does
  not exist is ``NAME : no such file or directory`` and no archive is written;
- an archive that is missing, a directory or not a zip is the Java exception that escapes the
  real tool, its first line and JDK 17's stack trace, status 1;
- timestamps: layers keep none, so entries carry 1980-01-01 and extracted files get no date;
- by the image's JDK (``JAVA_VERSION``): ``-x -C DIR`` / ``--dir DIR`` from JDK 21 (JDK-8173970;
  JDK 17 says "Error parsing file arguments"), ``-c`` makes the missing parents of its file from
  JDK 19 (JDK-8281104); ``-k`` (``--keep-old-files``, JDK-8335912) keeps existing files.

``-u`` (update), ``-i`` and ``-d`` are not simulated.  ``unzip`` is described at :func:`unzip`.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib

from simulator.userland._args import lstat_or_none, read_input, stat_or_none, umask_of
from simulator.userland._bootjar import manifest
from simulator.userland._zip import BadZip, ZipMember, make_zip, mode_of, read_zip
from simulator.userland.registry import ExecContext, NotSimulated, register

__all__ = ["jar", "unzip"]

_USAGE = "Usage: jar [OPTION...] [ [--release VERSION] [-C dir] files] ...\nTry `jar --help' for more information.\n"
_LONG = {"create": "c", "extract": "x", "list": "t", "update": "u", "file": "f", "verbose": "v", "dir": "C",
         "main-class": "e", "manifest": "m", "no-manifest": "M", "no-compress": "0", "generate-index": "i",
         "keep-old-files": "k",
         "describe-module": "d"}  # fmt: skip

# JDK 17.0.15's stack traces (as `jar` prints them on this machine) for an archive it cannot open:
# the frames of the exception, then those of the jar tool's operation.
_ZIPFILE = ["java.base/java.util.zip.ZipFile$CleanableResource.<init>(ZipFile.java:717)",
            "java.base/java.util.zip.ZipFile.<init>(ZipFile.java:251)",
            "java.base/java.util.zip.ZipFile.<init>(ZipFile.java:180)",
            "java.base/java.util.zip.ZipFile.<init>(ZipFile.java:151)"]  # fmt: skip
_FRAMES = {
    "missing": ["java.base/sun.nio.fs.UnixException.translateToIOException(UnixException.java:92)",
                "java.base/sun.nio.fs.UnixException.rethrowAsIOException(UnixException.java:106)",
                "java.base/sun.nio.fs.UnixException.rethrowAsIOException(UnixException.java:111)",
                "java.base/sun.nio.fs.UnixFileAttributeViews$Basic.readAttributes(UnixFileAttributeViews.java:55)",
                "java.base/sun.nio.fs.UnixFileSystemProvider.readAttributes(UnixFileSystemProvider.java:148)",
                "java.base/sun.nio.fs.LinuxFileSystemProvider.readAttributes(LinuxFileSystemProvider.java:99)",
                "java.base/java.nio.file.Files.readAttributes(Files.java:1851)",
                "java.base/java.util.zip.ZipFile$Source.get(ZipFile.java:1432)", *_ZIPFILE],
    "directory": ["java.base/java.io.RandomAccessFile.open0(Native Method)",
                  "java.base/java.io.RandomAccessFile.open(RandomAccessFile.java:344)",
                  "java.base/java.io.RandomAccessFile.<init>(RandomAccessFile.java:259)",
                  "java.base/java.io.RandomAccessFile.<init>(RandomAccessFile.java:213)",
                  "java.base/java.util.zip.ZipFile$Source.<init>(ZipFile.java:1480)",
                  "java.base/java.util.zip.ZipFile$Source.get(ZipFile.java:1445)", *_ZIPFILE],
    "notzip": ["java.base/java.util.zip.ZipFile$Source.findEND(ZipFile.java:1637)",
               "java.base/java.util.zip.ZipFile$Source.initCEN(ZipFile.java:1645)",
               "java.base/java.util.zip.ZipFile$Source.<init>(ZipFile.java:1483)",
               "java.base/java.util.zip.ZipFile$Source.get(ZipFile.java:1445)", *_ZIPFILE],
    "move": ["java.base/sun.nio.fs.UnixException.translateToIOException(UnixException.java:92)",
             "java.base/sun.nio.fs.UnixException.rethrowAsIOException(UnixException.java:106)",
             "java.base/sun.nio.fs.UnixCopyFile.move(UnixCopyFile.java:477)",
             "java.base/sun.nio.fs.UnixFileSystemProvider.move(UnixFileSystemProvider.java:266)",
             "java.base/java.nio.file.Files.move(Files.java:1432)",
             "jdk.jartool/sun.tools.jar.Main.validateAndClose(Main.java:462)",
             "jdk.jartool/sun.tools.jar.Main.run(Main.java:334)", "jdk.jartool/sun.tools.jar.Main.main(Main.java:1681)"],
    "x": ["jdk.jartool/sun.tools.jar.Main.extract(Main.java:1386)", "jdk.jartool/sun.tools.jar.Main.run(Main.java:389)",
          "jdk.jartool/sun.tools.jar.Main.main(Main.java:1681)"],
    "t": ["jdk.jartool/sun.tools.jar.Main.list(Main.java:1503)", "jdk.jartool/sun.tools.jar.Main.run(Main.java:368)",
          "jdk.jartool/sun.tools.jar.Main.main(Main.java:1681)"],
}  # fmt: skip


def _parse(argv: list[str]) -> tuple[set[str], dict[str, str], list[str]] | str:
    """(flags, values of f/m/e, operands with their ``-C DIR``), or the message of a wrong option."""
    args = list(argv[1:])
    if args and not args[0].startswith("-"):
        args[0] = "-" + args[0]  # jar xf F: the old style is the grouped short options
    flags: set[str] = set()
    values: dict[str, str] = {}
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if operands or arg == "-C" or not arg.startswith("-") or arg == "-":
            operands.append(arg)
            continue
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            letter = _LONG.get(name)
            if letter is None:
                return f"unrecognized option : {arg}"
            flags.add(letter)
            if letter in "fmeC":
                if not eq:
                    if i >= len(args):
                        return _USAGE.split("\n")[0]
                    value, i = args[i], i + 1
                if letter == "C":
                    operands += ["-C", value]
                else:
                    values[letter] = value
            continue
        for letter in arg[1:]:
            if letter not in "ctxuvfmeM0idk":
                return f"Illegal option: {letter}"
            flags.add(letter)
            if letter in "fme":
                if i >= len(args):
                    return _USAGE.split("\n")[0]
                values[letter], i = args[i], i + 1
    return flags, values, operands


def _jdk_major(ctx: ExecContext) -> int:
    found = re.search(r"(\d+)", ctx.env.get("JAVA_VERSION", ""))
    return int(found.group(1)) if found else 17


def _java_exception(ctx: ExecContext, kind: str, name: str, op: str) -> int:
    first = {"missing": f"java.nio.file.NoSuchFileException: {name}",
             "directory": f"java.io.FileNotFoundException: {name} (Is a directory)",
             "notzip": "java.util.zip.ZipException: zip END header not found"}[kind]  # fmt: skip
    ctx.err(first + "\n" + "".join(f"\tat {frame}\n" for frame in _FRAMES[kind] + _FRAMES[op]))
    return 1


def _open(ctx: ExecContext, name: str | None, op: str) -> list[tuple[zipfile.ZipInfo, bytes]] | int:
    """The archive's entries, or the exit status after the error."""
    if name is None:
        data = ctx.stdin_bytes()
        if not data:
            return []
    else:
        entry = stat_or_none(ctx, name)
        if entry is None:
            return _java_exception(ctx, "missing", name, op)
        if entry.is_dir:
            return _java_exception(ctx, "directory", name, op)
        data = read_input(ctx, name)
    try:
        return read_zip(data)
    except BadZip:
        return _java_exception(ctx, "notzip", name or "-", op)


def _safe_parts(name: str) -> list[str]:
    """The JDK's jar drops a leading ``/`` and the ``..`` of an entry name (it extracts inside the directory)."""
    return [p for p in name.split("/") if p not in ("", ".", "..")]


def _makedirs(ctx: ExecContext, path: str, mode: int) -> bool:
    """``mkdir -p``; False when a file is in the way."""
    current = ""
    for part in [p for p in path.split("/") if p]:
        current += "/" + part
        entry = stat_or_none(ctx, current)
        if entry is None:
            ctx.fs.mkdir(current, mode)
        elif not entry.is_dir:
            return False
    return True


def _extract_member(
    ctx: ExecContext, base: str, parts: list[str], data: bytes, is_dir: bool, mode: int
) -> None:
    target = posixpath.join(base, *parts)
    umask = umask_of(ctx)
    if not _makedirs(ctx, posixpath.dirname(target) if not is_dir else target, 0o777 & ~umask):
        raise NotADirectoryError(20, "Not a directory", target)
    if is_dir:
        return
    existing = lstat_or_none(ctx, target)
    if existing is not None and existing.is_dir:
        raise IsADirectoryError(21, "Is a directory", target)
    if existing is not None:
        ctx.fs.unlink(target)
    ctx.fs.write_file(target, data, mode=mode & ~umask)


def _created_by(ctx: ExecContext) -> str:  # java.version (vendor)
    found = re.search(r"(\d+(?:\.\d+)*)", ctx.env.get("JAVA_VERSION", ""))
    return f"{found.group(1) if found else '17.0.15'} (Eclipse Adoptium)"


@register("jar")
def jar(ctx: ExecContext, argv: list[str]) -> int:
    """``jar c|t|x[vf0Mme] [archive] [manifest] [main class] [-C dir] [files...]``."""
    parsed = _parse(argv)
    if isinstance(parsed, str) or not parsed[0] & set("ctxuid"):
        ctx.err(_USAGE if not isinstance(parsed, str) or parsed.startswith("Usage") else
                parsed + "\nTry `jar --help' for more information.\n")  # fmt: skip
        return 1
    flags, values, operands = parsed
    flags.discard("C")
    if len(flags & set("ctxuid")) > 1:
        ctx.err(
            "You may not specify more than one '-cuxtid' options\nTry `jar --help' for more information.\n"
        )
        return 1
    if flags & set("uid"):
        raise NotSimulated("'jar -u/-i/-d' is not simulated; layerlab runs jar -c, -t and -x")
    name = values.get("f")
    if "c" in flags:
        return _create(ctx, flags, values, operands)
    op = "x" if "x" in flags else "t"
    base = ctx.cwd
    if op == "x" and "-C" in operands:  # extract into a directory: JDK 21 and later (JDK-8173970)
        at = operands.index("-C")
        if _jdk_major(ctx) < 21 or at + 1 >= len(operands):
            ctx.err("Error parsing file arguments\nTry `jar --help' for more information.\n")
            return 1
        base = ctx.abspath(operands[at + 1])
        operands = operands[:at] + operands[at + 2 :]
    entries = _open(ctx, name, op)
    if isinstance(entries, int):
        return entries
    wanted = [o.rstrip("/") for o in operands if o != "-C"]
    for info, data in entries:
        entry_name = info.filename
        if wanted and not any(entry_name.rstrip("/") == w or entry_name.startswith(w + "/") for w in wanted):
            continue
        if op == "t":
            if "v" in flags:
                ctx.out(f"{info.file_size:>6} Tue Jan 01 00:00:00 UTC 1980 {entry_name}\n")
            else:
                ctx.out(entry_name + "\n")
            continue
        parts = _safe_parts(entry_name)
        if not parts:
            continue
        shown = "/".join(parts) + ("/" if info.is_dir() else "")
        if (
            "k" in flags
            and not info.is_dir()
            and lstat_or_none(ctx, posixpath.join(base, *parts)) is not None
        ):
            if "v" in flags:
                ctx.out(f"  skipped: {shown} exists\n")
            continue
        try:
            _extract_member(ctx, base, parts, data, info.is_dir(), 0o666)
        except (OSError, ValueError) as exc:
            ctx.err(f"java.io.IOException: {shown} : could not create {'directory' if info.is_dir() else 'file'}"
                    f" ({exc.strerror if isinstance(exc, OSError) else exc})\n")  # fmt: skip
            return 1
        if "v" in flags:
            verb = "  created" if info.is_dir() else " inflated" if info.compress_type else "extracted"
            ctx.out(f"{verb}: {shown}\n")
    return 0


def _collect(ctx: ExecContext, base: str, operand: str) -> list[tuple[str, str]] | None:
    """(path in the container, entry name) for ``operand`` and, for a directory, what is under it."""
    path = posixpath.normpath(posixpath.join(base, operand))
    entry = stat_or_none(ctx, path)
    if entry is None:
        return None
    name = "/".join(_safe_parts(operand))
    if not entry.is_dir:
        return [(path, name)]
    out = [(path, name + "/")] if name else []
    for child, child_entry in ctx.fs.walk(path):
        rel = posixpath.join(name, child[len(path) :].lstrip("/")) if name else child[len(path) :].lstrip("/")
        out.append((child, rel + "/" if child_entry.is_dir else rel))
    return out


def _create(ctx: ExecContext, flags: set[str], values: dict[str, str], operands: list[str]) -> int:
    if not operands and "m" not in values:
        ctx.err(
            "'c' flag requires manifest or input files to be specified!\nTry `jar --help' for more information.\n"
        )
        return 1
    items: list[tuple[str, str]] = []
    missing = False
    base = ctx.cwd
    i = 0
    while i < len(operands):
        if operands[i] == "-C" and i + 1 < len(operands):
            base, i = ctx.abspath(operands[i + 1]), i + 2
            if i >= len(operands):
                break
        found = _collect(ctx, base, operands[i])
        if found is None:
            ctx.err(f"{operands[i]} : no such file or directory\n")
            missing = True
        else:
            items += found
        base = ctx.cwd
        i += 1
    if missing:
        return 1
    members: list[ZipMember] = []
    verbose: list[str] = []
    if "M" not in flags:
        attributes = [("Manifest-Version", "1.0"), ("Created-By", _created_by(ctx))]
        if "m" in values:
            text = (read_input(ctx, values["m"]) if stat_or_none(ctx, values["m"]) else b"").decode(
                "utf-8", "replace"
            )
            for line in text.splitlines():
                key, colon, value = line.partition(":")
                if colon and key.strip() and key.strip() != "Manifest-Version":
                    attributes.append((key.strip(), value.strip()))
        if "e" in values:
            attributes.append(("Main-Class", values["e"]))
        members += [
            ZipMember("META-INF/", stored=True),
            ZipMember("META-INF/MANIFEST.MF", manifest(attributes)),
        ]
        verbose.append("added manifest\n")
    for path, entry_name in items:
        if entry_name in ("META-INF/", "META-INF/MANIFEST.MF") and "M" not in flags:
            continue
        is_dir = entry_name.endswith("/")
        data = b"" if is_dir else bytes(ctx.fs.read_file(path))
        member = ZipMember(entry_name, data, stored=is_dir or "0" in flags)
        members.append(member)
    archive = make_zip(members)
    if "v" in flags:
        sizes = {info.filename: info for info, _ in read_zip(archive)}
        for member in members[2 if "M" not in flags else 0 :]:
            info = sizes[member.name]
            size_in, size_out = info.file_size, info.compress_size
            how = "stored 0%" if info.compress_type == zipfile.ZIP_STORED else (
                f"deflated {int((size_in - size_out) * 100 / size_in) if size_in else 0}%")  # fmt: skip
            verbose.append(f"adding: {member.name}(in = {size_in}) (out= {size_out})({how})\n")
    name = values.get("f")
    if name is None:
        ctx.out(archive)
        ctx.err("".join(verbose))
        return 0
    target = ctx.abspath(name)
    parent = stat_or_none(ctx, posixpath.dirname(target))
    # JDK-8281104 (JDK 19): jar --create makes the missing parents of its file
    if (
        parent is None
        and _jdk_major(ctx) >= 19
        and _makedirs(ctx, posixpath.dirname(target), 0o777 & ~umask_of(ctx))
    ):
        parent = stat_or_none(ctx, posixpath.dirname(target))
    if parent is None or not parent.is_dir:
        # JDK 17 writes a temporary file in /tmp first, then fails to move it (the number is random)
        stem = posixpath.basename(name).removesuffix(".jar")
        ctx.err(f"java.nio.file.NoSuchFileException: /tmp/{stem}{zlib.crc32(name.encode()) * 4093:019d}.jar -> {name}\n"
                + "".join(f"\tat {frame}\n" for frame in _FRAMES["move"]))  # fmt: skip
        return 1
    try:
        ctx.fs.write_file(target, archive, mode=0o666 & ~umask_of(ctx))
    except (OSError, ValueError) as exc:
        ctx.err(f"java.io.IOException: {name}: {exc.strerror if isinstance(exc, OSError) else exc}\n")
        return 1
    ctx.out("".join(verbose))
    return 0


# ---------------------------------------------------------------------------------- unzip
def _unzip_gnu(ctx: ExecContext) -> bool:
    """Info-ZIP's unzip (Debian's package) unless the image's unzip is busybox's."""
    found = ctx.which("unzip")
    if found is None:
        return False
    try:
        target = ctx.fs.readlink(found)
    except (OSError, ValueError):
        return True
    return "busybox" not in target


@register("unzip")
def unzip(ctx: ExecContext, argv: list[str]) -> int:
    """``unzip [-o|-n] [-q] [-l] [-d DIR] FILE[.zip] [names...]``: Info-ZIP's unzip 6.0 (Debian),
    or busybox's when ``unzip`` is its link (Alpine), as compared with both: extract (modes from
    entries made on Unix, else 0666 less the umask; directories made as needed) or list
    (``-l``).  An existing file is replaced with ``-o`` and kept with ``-n``; without either the
    real tools ask, and in a build nobody answers: Info-ZIP takes that as "[N]one" (keeps it and
    every later one, status 1), busybox stops with "can't read standard input" (status 1).  A
    missing archive is the tool's message, status 9 (Info-ZIP) or 1 (busybox)."""
    info_zip = _unzip_gnu(ctx)
    args = argv[1:]
    flags: set[str] = set()
    directory: str | None = None
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if not arg.startswith("-") or arg == "-":
            operands.append(arg)
        elif arg == "-d":
            if i >= len(args):
                ctx.err("error:  must specify directory to which to extract with -d option\n" if info_zip else
                        "unzip: option requires an argument -- 'd'\n")  # fmt: skip
                return 10 if info_zip else 1
            directory, i = args[i], i + 1
        else:
            flags |= set(arg[1:])
    if not operands:
        ctx.err("UnZip 6.00: no zipfile given\n" if info_zip else "unzip: no zip file given\n")
        return 10 if info_zip else 1
    name, wanted = operands[0], [w.rstrip("/") for w in operands[1:]]
    path = name
    if stat_or_none(ctx, path) is None and stat_or_none(ctx, path + ".zip") is not None:
        path += ".zip"
    entry = stat_or_none(ctx, path)
    if entry is None or entry.is_dir:
        ctx.err(f"unzip:  cannot find or open {name}, {name}.zip or {name}.ZIP.\n" if info_zip
                else f"unzip: can't open {name}[.zip]\n")  # fmt: skip
        return 9 if info_zip else 1
    try:
        entries = read_zip(read_input(ctx, path))
    except BadZip:
        ctx.out(f"Archive:  {name}\n")
        if info_zip:
            ctx.err("  End-of-central-directory signature not found.  Either this file is not\n"
                    "  a zipfile, or it constitutes one disk of a multi-part archive.  In the\n"
                    "  latter case the central directory and zipfile comment will be found on\n"
                    "  the last disk(s) of this archive.\n"
                    f"unzip:  cannot find zipfile directory in one of {name} or\n"
                    f"        {name}.zip, and cannot find {name}.ZIP, period.\n")  # fmt: skip
            return 9
        ctx.err("unzip: short read\n")
        return 1
    chosen = [(info, data) for info, data in entries
              if not wanted or any(info.filename.rstrip("/") == w or info.filename.startswith(w + "/") for w in wanted)]  # fmt: skip
    quiet = "q" in flags and "l" not in flags
    if not quiet:
        ctx.out(f"Archive:  {name}\n")
    warned = False

    def busybox_name(entry_name: str) -> str:
        """busybox drops a leading ``/`` and ``../`` once it has said so."""
        nonlocal warned
        stripped = entry_name
        while stripped.startswith(("/", "../")):
            what = "/" if stripped.startswith("/") else "../"
            stripped = stripped[len(what) :]
            if not warned:  # even with -q
                ctx.err(f"unzip: removing leading '{what}' from member names\n")
                warned = True
        return stripped

    if "l" in flags:
        total = sum(info.file_size for info, _ in chosen)
        date = "1980-01-01" if info_zip else "01-01-1980"
        ctx.out("  Length      Date    Time    Name\n---------  ---------- -----   ----\n")
        for info, _ in chosen:
            shown = info.filename if info_zip else busybox_name(info.filename)
            ctx.out(f"{info.file_size:>9}  {date} 00:00   {shown}\n")
        rule = "---------" if info_zip else " --------"
        ctx.out(
            f"{rule}                     -------\n{total:>9}{len(chosen):>22} file{'s' if len(chosen) != 1 else ''}\n"
        )
        return 0
    base = ctx.abspath(directory) if directory else ctx.cwd
    status = 0
    for info, data in chosen:
        if not info_zip:
            busybox_name(info.filename)
        elif not quiet:  # Info-ZIP -q: no warnings, and they do not change the status
            if info.filename.startswith("/"):
                ctx.out(f"warning:  stripped absolute path spec from {info.filename}\n")
                status = 1
            if ".." in info.filename.split("/"):
                ctx.out(f'warning:  skipped "../" path component(s) in {info.filename}\n')
                status = 1
        parts = _safe_parts(info.filename)
        if not parts:
            continue
        target = posixpath.join(base, *parts)
        shown = "/".join(([directory.rstrip("/")] if directory and info_zip else []) + parts) + (
            "/" if info.is_dir() else ""
        )
        if not info.is_dir() and lstat_or_none(ctx, target) is not None and "o" not in flags:
            if "n" in flags:
                continue
            prompt = f"replace {shown}? [y]es, [n]o, [A]ll, [N]one, [r]ename: "
            if info_zip:
                ctx.err(prompt + ' NULL\n(EOF or read error, treating as "[N]one" ...)\n')
                return 1
            ctx.out(prompt)
            ctx.err("unzip: can't read standard input\n")
            return 1
        mode = mode_of(info)
        try:
            _extract_member(ctx, base, parts, data, info.is_dir(), 0o666 if mode is None else mode)
            if mode is not None and not info.is_dir():
                ctx.fs.chmod(target, mode & ~umask_of(ctx) if ctx.uid else mode)
        except (OSError, ValueError):
            ctx.err(f"error:  cannot create {shown}\n" if info_zip else f"unzip: can't create '{shown}'\n")
            status = 1
            continue
        if not quiet:
            verb = "   creating" if info.is_dir() else "  inflating"
            if info_zip and not info.is_dir() and not info.compress_type:
                verb = " extracting"
            pad = "" if info.is_dir() or not info_zip else " " * max(22 - len(shown), 0) + "  "
            ctx.out(f"{verb}: {shown}{pad}\n")
    return status
