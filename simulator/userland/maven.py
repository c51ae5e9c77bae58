"""``mvn``: ``package``, ``install``, ``verify``, ``clean``, ``dependency:go-offline`` / ``resolve``
-- by a model, from ``pom.xml``.

Maven Central is not reachable from where layerlab's data are made, so the sizes follow this
model (each figure is a constant below):

- **~/.m2/repository** (``-Dmaven.repo.local=`` or ``-s`` settings are not read): for each
  dependency of the POM (scopes compile, runtime, provided, test; a version taken from the
  ``<properties>`` when it is ``${...}``), ``<group as dirs>/<artifact>/<version>/`` with the
  ``.jar`` (:data:`JAR_BYTES`, 300 kB), the ``.pom``, their ``.sha1`` and ``_remote.repositories``;
  plus the build's own plugins (:data:`PLUGINS`: the default lifecycle's compiler, resources,
  surefire, jar, install plugins and their dependencies, :data:`PLUGIN_BYTES` in all, ~12 MB:
  what a first ``mvn package`` of a quickstart project downloads is of that order).
- **target/**: ``classes/`` (one ``.class`` per ``.java`` of ``src/main/java``, the same size: javac's
  output is close to its input for ordinary code), the resources, ``maven-archiver/pom.properties``
  and ``<artifactId>-<version>.jar`` (classes and resources, 60% compressed, plus 2 kB of
  manifest); with the Spring Boot plugin (or the ``spring-boot-starter-parent`` parent), the jar
  is repackaged with every compile/runtime dependency jar and the 300 kB Boot loader, and the
  thin one stays as ``.jar.original``.  ``-DskipTests`` / ``-Dmaven.test.skip`` change nothing here.

Without ``pom.xml`` it fails with Maven's own MissingProjectException text; a POM that is not
XML fails with Maven's "Non-parseable POM".
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET

from simulator.userland._tree import is_dir, listdir, put_file, read_text, remove_tree, write
from simulator.userland.registry import ExecContext, NotSimulated, register

__all__ = ["JAR_BYTES", "PLUGINS", "PLUGIN_BYTES", "mvn"]

JAR_BYTES = 300_000
BOOT_LOADER = 300_000
PLUGIN_BYTES = 12_000_000
PLUGINS = (
    ("org.apache.maven.plugins", "maven-resources-plugin", "3.3.1"),
    ("org.apache.maven.plugins", "maven-compiler-plugin", "3.13.0"),
    ("org.apache.maven.plugins", "maven-surefire-plugin", "3.2.5"),
    ("org.apache.maven.plugins", "maven-jar-plugin", "3.4.1"),
    ("org.apache.maven.plugins", "maven-install-plugin", "3.1.2"),
    ("org.apache.maven.plugins", "maven-clean-plugin", "3.3.2"),
)
"""The default lifecycle's plugins (Maven 3.9's default bindings for a jar project)."""

_HELP = (
    "[ERROR] \n[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.\n"
    "[ERROR] Re-run Maven using the -X switch to enable full debug logging.\n[ERROR] \n"
    "[ERROR] For more information about the errors and possible solutions, please read the following articles:\n"
)  # Maven 3's own lines (their trailing blank is Maven's)


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, name: str) -> str:
    if element is None:
        return ""
    for child in element:
        if _tag(child) == name:
            return (child.text or "").strip()
    return ""


def _children(element: ET.Element | None, name: str) -> list[ET.Element]:
    return [c for c in (element if element is not None else []) if _tag(c) == name]


def _repo(ctx: ExecContext) -> str:
    for arg in ctx.env.get("MAVEN_OPTS", "").split():
        if arg.startswith("-Dmaven.repo.local="):
            return arg.partition("=")[2]
    return f"{ctx.env.get('HOME', '/root') or '/root'}/.m2/repository"


def _put_artifact(ctx: ExecContext, repo: str, group: str, artifact: str, version: str, size: int) -> None:
    base = f"{repo}/{group.replace('.', '/')}/{artifact}/{version}/{artifact}-{version}"
    put_file(ctx.fs, f"{base}.jar", size)
    write(ctx.fs, f"{base}.pom", f"<project><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
                                 f"<version>{version}</version></project>\n")  # fmt: skip
    write(ctx.fs, f"{base}.jar.sha1", "0" * 40)
    write(ctx.fs, f"{base}.pom.sha1", "0" * 40)
    write(ctx.fs, f"{posixpath.dirname(base)}/_remote.repositories",
          f"{artifact}-{version}.jar>central=\n{artifact}-{version}.pom>central=\n")  # fmt: skip


def _sources(ctx: ExecContext, directory: str, suffix: str = "") -> list[tuple[str, int]]:
    out = []
    for name in listdir(ctx.fs, directory):
        path = f"{directory}/{name}"
        if is_dir(ctx.fs, path):
            out += _sources(ctx, path, suffix)
        elif name.endswith(suffix):
            out.append((path, ctx.fs.stat(path).size))
    return out


@register("mvn", "mvnw")
def mvn(ctx: ExecContext, argv: list[str]) -> int:
    """``mvn [-B] [-q] [-DskipTests] [-f pom.xml] clean|package|install|verify|dependency:go-offline``."""
    goals = [a for a in argv[1:] if not a.startswith("-")]
    quiet = "-q" in argv or "--quiet" in argv
    if "-v" in argv or "--version" in argv:
        ctx.out("Apache Maven 3.9.9\nMaven home: /usr/share/maven\n")
        return 0
    pom_path = f"{ctx.cwd.rstrip('/')}/pom.xml"
    if "-f" in argv and argv.index("-f") + 1 < len(argv):
        pom_path = ctx.abspath(argv[argv.index("-f") + 1])
        goals = [g for g in goals if ctx.abspath(g) != pom_path]
    if not goals:
        ctx.out("[ERROR] No goals have been specified for this build.\n")
        return 1
    text = read_text(ctx.fs, pom_path)
    if text is None:
        ctx.out("[ERROR] The goal you specified requires a project to execute but there is no POM in this directory "
                f"({posixpath.dirname(pom_path)}). Please verify you invoked Maven from the correct directory. -> [Help 1]\n"
                + _HELP + "[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/MissingProjectException\n")  # fmt: skip
        return 1
    try:
        pom = ET.fromstring(text)
    except ET.ParseError as exc:
        ctx.out(
            f"[ERROR] Non-parseable POM {pom_path}: {exc} @ line {exc.position[0]}, column {exc.position[1]}\n"
        )
        return 1
    props = {_tag(p): (p.text or "").strip() for prop in _children(pom, "properties") for p in prop}
    parent = next(iter(_children(pom, "parent")), None)
    group = _child(pom, "groupId") or _child(parent, "groupId")
    artifact = _child(pom, "artifactId")
    version = _child(pom, "version") or _child(parent, "version")
    packaging = _child(pom, "packaging") or "jar"
    props.update({"project.version": version, "project.groupId": group, "project.artifactId": artifact})

    def value(text: str) -> str:
        return re.sub(r"\$\{([^}]+)\}", lambda m: props.get(m.group(1), m.group(0)), text)

    deps = []
    for block in _children(pom, "dependencies"):
        for dep in _children(block, "dependency"):
            deps.append((value(_child(dep, "groupId")), value(_child(dep, "artifactId")),
                         value(_child(dep, "version")) or (_child(parent, "version") if parent is not None else "")
                         or "managed", _child(dep, "scope") or "compile"))  # fmt: skip
    boot = "spring-boot" in _child(parent, "artifactId") or "spring-boot-maven-plugin" in text
    repo = _repo(ctx)
    say = (lambda _t: None) if quiet else ctx.out
    say(f"[INFO] Scanning for projects...\n[INFO] \n[INFO] {'-' * 24}< {group}:{artifact} >{'-' * 24}\n"
        f"[INFO] Building {_child(pom, 'name') or artifact} {version}\n[INFO]   from pom.xml\n"
        f"[INFO] {'-' * 32}[ {packaging} ]{'-' * 32}\n")  # fmt: skip
    each = PLUGIN_BYTES // len(PLUGINS)
    for g, a, v in PLUGINS:
        _put_artifact(ctx, repo, g, a, v, each)
    for g, a, v, _scope in deps:
        _put_artifact(ctx, repo, g, a, v, JAR_BYTES)
    target = f"{posixpath.dirname(pom_path)}/target"
    for goal in goals:
        if goal == "clean":
            remove_tree(ctx.fs, target)
        elif goal in (
            "dependency:go-offline",
            "dependency:resolve",
            "dependency:resolve-plugins",
            "validate",
        ):
            continue
        elif goal in ("compile", "test", "package", "verify", "install"):
            _package(ctx, pom_path, target, goal, (group, artifact, version, packaging), deps, boot, repo)
        else:
            raise NotSimulated(f"'mvn {goal}' is not simulated; layerlab runs clean, compile, package, verify, install, "
                               "dependency:go-offline")  # fmt: skip
    say("[INFO] ------------------------------------------------------------------------\n[INFO] BUILD SUCCESS\n"
        "[INFO] ------------------------------------------------------------------------\n")  # fmt: skip
    return 0


def _package(
    ctx: ExecContext, pom_path: str, target: str, goal: str, gav: tuple[str, str, str, str],
    deps: list[tuple[str, str, str, str]], boot: bool, repo: str,
) -> None:  # fmt: skip
    project = posixpath.dirname(pom_path)
    group, artifact, version, packaging = gav
    classes = 0
    for path, size in _sources(ctx, f"{project}/src/main/java", ".java"):
        rel = posixpath.relpath(path, f"{project}/src/main/java")[: -len(".java")] + ".class"
        put_file(ctx.fs, f"{target}/classes/{rel}", size)
        classes += size
    for path, size in _sources(ctx, f"{project}/src/main/resources"):
        rel = posixpath.relpath(path, f"{project}/src/main/resources")
        write(ctx.fs, f"{target}/classes/{rel}", bytes(ctx.fs.read_file(path)))
        classes += size
    if goal == "compile" or goal == "test":
        return
    write(ctx.fs, f"{target}/maven-archiver/pom.properties",
          f"artifactId={artifact}\ngroupId={group}\nversion={version}\n")  # fmt: skip
    thin = int(classes * 0.6) + 2_000
    ext = "war" if packaging == "war" else "jar"
    jar = f"{target}/{artifact}-{version}.{ext}"
    if boot:
        runtime = [d for d in deps if d[3] in ("compile", "runtime")]
        put_file(ctx.fs, f"{jar}.original", thin)
        put_file(ctx.fs, jar, thin + BOOT_LOADER + JAR_BYTES * len(runtime))
    else:
        put_file(ctx.fs, jar, thin)
    if goal == "install":
        base = f"{repo}/{group.replace('.', '/')}/{artifact}/{version}"
        write(ctx.fs, f"{base}/{artifact}-{version}.{ext}", bytes(ctx.fs.read_file(jar)))
        write(ctx.fs, f"{base}/{artifact}-{version}.pom", read_text(ctx.fs, pom_path) or "")
