"""What ``mvn package`` writes: the compiled classes, the plain jar and Spring Boot's executable jar.

- **Classes**: javac writes one ``.class`` per top-level type of a ``.java`` file (a class,
  interface, enum, record or annotation type), in the directory of its ``package`` (not of the
  source file); the model gives the types of a file the source's size between them (javac's
  output is close to its input for ordinary code).  Nested types (``Outer$Inner.class``) are not
  modelled.
- **The plain jar** (maven-jar-plugin): ``META-INF/MANIFEST.MF``, the classes and resources,
  ``META-INF/maven/<groupId>/<artifactId>/pom.xml`` and ``pom.properties``; deflated.
- **The executable jar** (spring-boot-maven-plugin's ``repackage``), the layout of Spring Boot's
  "The Executable Jar Format" reference page: the manifest names the launcher
  (``org.springframework.boot.loader.launch.JarLauncher`` from Boot 3.2,
  ``org.springframework.boot.loader.JarLauncher`` before) and the ``Start-Class``; the loader's
  classes at the root (:data:`BOOT_LOADER` bytes in all); the project's classes and resources in
  ``BOOT-INF/classes/``; every compile and runtime dependency jar, stored (not deflated, so the
  loader can open it in place) in ``BOOT-INF/lib/``, except ``spring-boot-devtools`` (the plugin
  leaves it out by default); ``BOOT-INF/classpath.idx`` (Boot 2.3 and later) and
  ``BOOT-INF/layers.idx`` (layered jars, the default from Boot 2.4).

Every jar is a real zip (see :mod:`simulator.userland._zip`); its size is what that zip takes.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

from simulator.distro.synthetic import synthetic_bytes
from simulator.userland._zip import ZipMember, make_zip

__all__ = ["BOOT_LOADER", "boot_jar", "classes_of", "manifest", "plain_jar"]

BOOT_LOADER = 300_000
"""The bytes of the Boot loader's classes in an executable jar (spring-boot-loader's jar is ~300 kB)."""

# A few of the loader's real class names (the rest of its bytes are folded into them).
_LOADER_32 = ("launch/JarLauncher", "launch/Launcher", "launch/ExecutableArchiveLauncher", "launch/Archive",
              "launch/LaunchedClassLoader", "launch/PropertiesLauncher", "launch/WarLauncher", "jar/NestedJarFile",
              "nio/file/NestedFileSystem", "zip/ZipContent", "net/protocol/jar/Handler", "ref/Cleaner")  # fmt: skip
_LOADER_OLD = ("JarLauncher", "Launcher", "ExecutableArchiveLauncher", "LaunchedURLClassLoader", "PropertiesLauncher",
               "WarLauncher", "MainMethodRunner", "archive/Archive", "archive/JarFileArchive",
               "data/RandomAccessData", "jar/JarFile", "jar/Handler")  # fmt: skip

_TYPE = re.compile(r"\b(?:class|interface|enum|record)\s+([A-Za-z_$][\w$]*)")
_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)\s*;", re.MULTILINE)


def _strip(source: str) -> str:
    """The source without comments, string and char literals (so braces and words in them don't count)."""
    return re.sub(
        r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', " ", source, flags=re.DOTALL
    )


def top_level_types(source: str) -> tuple[str, list[str]]:
    """``(package, names of the top-level types)`` of a Java source file."""
    code = _strip(source)
    package = _PACKAGE.search(code)
    names: list[str] = []
    depth = 0
    position = 0
    for match in re.finditer(r"[{}]|" + _TYPE.pattern, code):
        if match.group(0) == "{":
            depth += 1
        elif match.group(0) == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and not code[position : match.start()].rstrip().endswith("@"):
            names.append(match.group(1))
        position = match.end()
    return (package.group(1) if package else ""), names


def classes_of(sources: Iterable[tuple[str, str, int]]) -> list[tuple[str, int, str]]:
    """``(class path under classes/, size, source text)`` for each ``(path, text, size)`` of
    ``src/main/java`` (a file without a type keeps its name: javac would write nothing, but a
    file that hides its types from this reader should still be seen)."""
    out = []
    for path, text, size in sources:
        package, names = top_level_types(text)
        if not names:
            names = [posixpath.basename(path).removesuffix(".java")]
        folder = package.replace(".", "/")
        for name in names:
            rel = f"{folder}/{name}.class" if folder else f"{name}.class"
            out.append((rel, max(size // len(names), 1), text))
    return out


def main_class(classes: list[tuple[str, int, str]]) -> str | None:
    """The class the Boot plugin would find: the ``@SpringBootApplication`` one, else the first
    with a ``main`` method (the plugin looks for ``public static void main(String[])``)."""
    for want in ("@SpringBootApplication", "static void main"):
        for rel, _size, text in classes:
            if want in _strip(text):
                return rel.removesuffix(".class").replace("/", ".")
    return None


def manifest(attributes: list[tuple[str, str]]) -> bytes:
    """A jar manifest as ``java.util.jar.Manifest`` writes it: CRLF lines of at most 72 bytes
    (longer ones continue on lines starting with a space) and a blank line at the end."""
    out = []
    for name, value in attributes:
        line = f"{name}: {value}".encode()
        out.append(line[:72])
        line = line[72:]
        while line:
            out.append(b" " + line[:71])
            line = line[71:]
    return b"\r\n".join(out) + b"\r\n\r\n"


def _dirs(members: list[ZipMember]) -> list[ZipMember]:
    """``members`` with each directory entry before the first entry inside it (as jar tools write)."""
    out: list[ZipMember] = []
    made: set[str] = set()
    for member in members:
        parts = member.name.rstrip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            folder = "/".join(parts[:i]) + "/"
            if folder not in made:
                made.add(folder)
                out.append(ZipMember(folder, mode=0o755))
        if member.is_dir:
            if member.name not in made:
                made.add(member.name)
                out.append(member)
        else:
            out.append(member)
    return out


def _maven_meta(gav: tuple[str, str, str], pom: bytes) -> list[ZipMember]:
    group, artifact, version = gav
    base = f"META-INF/maven/{group}/{artifact}"
    props = f"artifactId={artifact}\ngroupId={group}\nversion={version}\n".encode()
    return [ZipMember(f"{base}/pom.xml", pom), ZipMember(f"{base}/pom.properties", props)]


def plain_jar(
    head: list[tuple[str, str]], files: list[tuple[str, bytes]], gav: tuple[str, str, str], pom: bytes
) -> bytes:
    """The maven-jar-plugin's jar: manifest ``head``, ``files`` (path under classes/, bytes), the POM."""
    members = [ZipMember("META-INF/MANIFEST.MF", manifest(head))]
    members += [ZipMember(rel, data) for rel, data in files]
    return make_zip(_dirs(members + _maven_meta(gav, pom)))


def _at_least(version: str, want: tuple[int, int]) -> bool:
    numbers = [int(n) for n in re.findall(r"\d+", version)[:2]] + [0, 0]
    return (numbers[0], numbers[1]) >= want


def boot_jar(
    head: list[tuple[str, str]],
    files: list[tuple[str, bytes]],
    gav: tuple[str, str, str],
    pom: bytes,
    start_class: str,
    boot_version: str,
    libs: list[tuple[str, bytes]],
) -> bytes:
    """The executable jar: ``head`` plus Boot's manifest entries, the loader, ``files`` under
    BOOT-INF/classes/, ``libs`` (jar name, bytes) under BOOT-INF/lib/, and the indexes."""
    new_loader = _at_least(boot_version, (3, 2))
    launcher = "org.springframework.boot.loader." + ("launch.JarLauncher" if new_loader else "JarLauncher")
    attributes = [*head, ("Main-Class", launcher), ("Start-Class", start_class),
                  ("Spring-Boot-Version", boot_version), ("Spring-Boot-Classes", "BOOT-INF/classes/"),
                  ("Spring-Boot-Lib", "BOOT-INF/lib/")]  # fmt: skip
    indexed, layered = _at_least(boot_version, (2, 3)), _at_least(boot_version, (2, 4))
    if indexed:
        attributes.append(("Spring-Boot-Classpath-Index", "BOOT-INF/classpath.idx"))
    if layered:
        attributes.append(("Spring-Boot-Layers-Index", "BOOT-INF/layers.idx"))
    members = [ZipMember("META-INF/MANIFEST.MF", manifest(attributes))]
    if new_loader:
        members.append(ZipMember("META-INF/services/java.nio.file.spi.FileSystemProvider",
                                 b"org.springframework.boot.loader.nio.file.NestedFileSystemProvider\n"))  # fmt: skip
    names = _LOADER_32 if new_loader else _LOADER_OLD
    for i, name in enumerate(names):
        path = f"org/springframework/boot/loader/{name}.class"
        share = BOOT_LOADER // len(names) + (BOOT_LOADER % len(names) if i == 0 else 0)
        members.append(ZipMember(path, synthetic_bytes(path, share)))
    members.append(ZipMember("BOOT-INF/classes/", mode=0o755))
    members += [ZipMember(f"BOOT-INF/classes/{rel}", data) for rel, data in files]
    members += _maven_meta(gav, pom)
    members.append(ZipMember("BOOT-INF/lib/", mode=0o755))
    members += [ZipMember(f"BOOT-INF/lib/{name}", data, stored=True) for name, data in libs]
    if indexed:
        members.append(ZipMember("BOOT-INF/classpath.idx",
                                 "".join(f'- "BOOT-INF/lib/{name}"\n' for name, _ in libs).encode()))  # fmt: skip
    if layered:
        snapshot = [name for name, _ in libs if "SNAPSHOT" in name]
        text = '- "dependencies":\n' + ('  - "BOOT-INF/lib/"\n' if len(snapshot) < len(libs) else "")
        text += '- "spring-boot-loader":\n  - "org/"\n- "snapshot-dependencies":\n'
        text += "".join(f'  - "BOOT-INF/lib/{name}"\n' for name in snapshot)
        text += ('- "application":\n  - "BOOT-INF/classes/"\n  - "BOOT-INF/classpath.idx"\n'
                 '  - "BOOT-INF/layers.idx"\n  - "META-INF/"\n')  # fmt: skip
        members.append(ZipMember("BOOT-INF/layers.idx", text.encode()))
    return make_zip(_dirs(members))
