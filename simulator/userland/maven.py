"""``mvn``: ``package``, ``install``, ``verify``, ``clean``, ``dependency:go-offline`` / ``resolve``
-- by a model, from ``pom.xml``.

Maven Central is not reachable from where layerlab's data are made, so the sizes follow this
model (each figure is a constant below or in the modules named):

- **~/.m2/repository** (``-Dmaven.repo.local=`` in ``MAVEN_OPTS`` is read; ``-s`` settings are
  not): for each dependency of the POM (scopes compile, runtime, provided, test; a version taken
  from the ``<properties>`` when it is ``${...}``, from Spring Boot's managed versions when it has
  none), ``<group as dirs>/<artifact>/<version>/`` with the ``.jar``, the ``.pom``, their
  ``.sha1`` and ``_remote.repositories``.  A dependency of the table of
  :mod:`simulator.userland._spring` (Spring Boot's starters and what they bring: names, versions
  of the Boot 2.7 or 3.3 line, sizes from Maven Central's listings) brings its whole tree; any
  other is one jar of :data:`JAR_BYTES` (300 kB).  Each jar is a valid jar of that size.  Plus
  the build's own plugins (:data:`PLUGINS`: the default lifecycle's compiler, resources,
  surefire, jar, install plugins and their dependencies, :data:`PLUGIN_BYTES` in all, ~12 MB:
  what a first ``mvn package`` of a quickstart project downloads is of that order).
- **target/** (:mod:`simulator.userland._bootjar`): ``classes/`` (one ``.class`` per top-level
  type of each ``.java`` of ``src/main/java``, in its package's directory), the resources,
  ``maven-archiver/pom.properties`` and ``<artifactId>-<version>.jar``, a real zip (manifest,
  classes, resources, ``META-INF/maven/``); with the Spring Boot plugin (or the
  ``spring-boot-starter-parent`` parent) the jar is repackaged as Spring Boot's executable jar
  (launcher and ``Start-Class`` in the manifest, ``BOOT-INF/classes``, every compile/runtime
  dependency jar in ``BOOT-INF/lib``, the indexes, the 300 kB loader) and the plain one stays as
  ``.jar.original``.  Without a main class the repackage fails as the plugin does ("Unable to
  find main class").  ``-DskipTests`` / ``-Dmaven.test.skip`` change nothing here.

Without ``pom.xml`` it fails with Maven's own MissingProjectException text; a POM that is not
XML fails with Maven's "Non-parseable POM".
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from simulator.model.fs import FileSystem
from simulator.userland import _bootjar, _spring
from simulator.userland._bootjar import BOOT_LOADER
from simulator.userland._tree import is_dir, listdir, read_text, remove_tree, write
from simulator.userland._zip import stub_jar
from simulator.userland.registry import ExecContext, NotSimulated, register

__all__ = ["BOOT_LOADER", "JAR_BYTES", "PLUGINS", "PLUGIN_BYTES", "mvn"]

JAR_BYTES = 300_000
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


def _is_file(fs: FileSystem, path: str) -> bool:
    try:
        return fs.stat(path).is_file
    except (OSError, ValueError):
        return False


def _put_artifact(ctx: ExecContext, repo: str, group: str, artifact: str, version: str, size: int) -> None:
    base = f"{repo}/{group.replace('.', '/')}/{artifact}/{version}/{artifact}-{version}"
    if _is_file(ctx.fs, f"{base}.jar"):
        return  # already in the local repository: Maven does not download it again
    write(ctx.fs, f"{base}.jar", stub_jar(f"{base}.jar", size))
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


def _boot_version(pom: ET.Element, parent: ET.Element | None, value: Callable[[str], str]) -> str:
    """The project's Spring Boot version ("" when it is not a Boot project): the
    ``spring-boot-starter-parent`` parent's, else the ``spring-boot-dependencies`` BOM's or the
    ``spring-boot-maven-plugin``'s (:data:`_spring.DEFAULT_BOOT` when the plugin names none)."""
    if parent is not None and _child(parent, "artifactId") == "spring-boot-starter-parent":
        return value(_child(parent, "version"))
    for element in pom.iter():
        if _tag(element) in ("dependency", "plugin") and _child(element, "artifactId") in (
            "spring-boot-dependencies", "spring-boot-maven-plugin"
        ):  # fmt: skip
            found = value(_child(element, "version"))
            if found or _child(element, "artifactId") == "spring-boot-maven-plugin":
                return found or _spring.DEFAULT_BOOT
    return ""


def _plugin_setting(pom: ET.Element, plugin: str, name: str) -> str:
    for element in pom.iter():
        if _tag(element) == "plugin" and _child(element, "artifactId") == plugin:
            for configuration in _children(element, "configuration"):
                return _child(configuration, name)
    return ""


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

    boot = _boot_version(pom, parent, value)
    deps = []
    for block in _children(pom, "dependencies"):
        for dep in _children(block, "dependency"):
            g, a = value(_child(dep, "groupId")), value(_child(dep, "artifactId"))
            known = _spring.resolve(a, boot or _spring.DEFAULT_BOOT)
            v = value(_child(dep, "version")) or (boot if g == "org.springframework.boot" and boot else "") \
                or (known[0][2] if known else "") or (_child(parent, "version") if parent is not None else "") \
                or "managed"  # fmt: skip
            deps.append((g, a, v, _child(dep, "scope") or "compile"))
    repo = _repo(ctx)
    say = (lambda _t: None) if quiet else ctx.out
    say(f"[INFO] Scanning for projects...\n[INFO] \n[INFO] {'-' * 24}< {group}:{artifact} >{'-' * 24}\n"
        f"[INFO] Building {_child(pom, 'name') or artifact} {version}\n[INFO]   from pom.xml\n"
        f"[INFO] {'-' * 32}[ {packaging} ]{'-' * 32}\n")  # fmt: skip
    each = PLUGIN_BYTES // len(PLUGINS)
    for g, a, v in PLUGINS:
        _put_artifact(ctx, repo, g, a, v, each)
    libs: list[tuple[str, str, str, int]] = []  # what the executable jar nests, in classpath order
    placed: set[tuple[str, str]] = set()
    nested: set[tuple[str, str]] = set()
    provided: list[tuple[str, str, str, int]] = []  # a war's WEB-INF/lib-provided (Boot) or nothing
    declared = frozenset(a for _g, a, _v, _s in deps)
    for g, a, v, scope in deps:
        tree = _spring.resolve(a, boot or _spring.DEFAULT_BOOT, declared) or [(g, a, v, JAR_BYTES)]
        tree[0] = (g or tree[0][0], a, v, tree[0][3])
        for jar in tree:
            if (jar[0], jar[1]) not in placed:
                placed.add((jar[0], jar[1]))
                _put_artifact(ctx, repo, *jar)
            # the repackaged jar nests compile and runtime jars, without devtools (the plugin's default)
            if (
                scope in ("compile", "runtime")
                and a != "spring-boot-devtools"
                and (jar[0], jar[1]) not in nested
            ):
                nested.add((jar[0], jar[1]))
                libs.append(jar)
            elif scope == "provided" and jar not in provided:
                provided.append(jar)
    start = props.get("start-class", "") or _plugin_setting(pom, "spring-boot-maven-plugin", "mainClass")
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
            kept = [jar for jar in provided if (jar[0], jar[1]) not in nested]
            error = _package(ctx, pom_path, target, goal, (group, artifact, version, packaging), (libs, kept),
                             boot, value(start), repo, say)  # fmt: skip
            if error:
                say("[INFO] ------------------------------------------------------------------------\n"
                    "[INFO] BUILD FAILURE\n[INFO] ------------------------------------------------------------------------\n")  # fmt: skip
                ctx.out(f"[ERROR] {error} -> [Help 1]\n" + _HELP
                        + "[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/PluginExecutionException\n")  # fmt: skip
                return 1
        else:
            raise NotSimulated(f"'mvn {goal}' is not simulated; layerlab runs clean, compile, package, verify, install, "
                               "dependency:go-offline")  # fmt: skip
    say("[INFO] ------------------------------------------------------------------------\n[INFO] BUILD SUCCESS\n"
        "[INFO] ------------------------------------------------------------------------\n")  # fmt: skip
    return 0


def _java_release(ctx: ExecContext) -> str:
    """The JDK's feature release for ``Build-Jdk-Spec`` (the images' ``JAVA_VERSION=jdk-21.0.5+11``)."""
    found = re.search(r"(\d+)", ctx.env.get("JAVA_VERSION", ""))
    return found.group(1) if found else "17"


def _package(
    ctx: ExecContext, pom_path: str, target: str, goal: str, gav: tuple[str, str, str, str],
    jars: tuple[list[tuple[str, str, str, int]], list[tuple[str, str, str, int]]], boot: str, start: str,
    repo: str, say: Callable[[str], None],
) -> str | None:  # fmt: skip
    """Compile, and from ``package`` on write the jar (the war); the error's text when it fails.
    ``jars``: the compile/runtime and the provided dependencies, in classpath order."""
    project = posixpath.dirname(pom_path)
    group, artifact, version, packaging = gav
    sources = [
        (path, read_text(ctx.fs, path) or "", size)
        for path, size in _sources(ctx, f"{project}/src/main/java", ".java")
    ]
    files: list[tuple[str, bytes]] = []
    compiled = _bootjar.classes_of(sources)
    for rel, size, _text in compiled:
        data = _bootjar.class_bytes(f"{target}/classes/{rel}", size)
        write(ctx.fs, f"{target}/classes/{rel}", data)
        files.append((rel, data))
    for path, _size in _sources(ctx, f"{project}/src/main/resources"):
        rel = posixpath.relpath(path, f"{project}/src/main/resources")
        data = bytes(ctx.fs.read_file(path))
        write(ctx.fs, f"{target}/classes/{rel}", data)
        files.append((rel, data))
    if goal == "compile" or goal == "test":
        return None
    write(ctx.fs, f"{target}/maven-archiver/pom.properties",
          f"artifactId={artifact}\ngroupId={group}\nversion={version}\n")  # fmt: skip
    ext = "war" if packaging == "war" else "jar"
    jar = f"{target}/{artifact}-{version}.{ext}"
    plugin = "Maven WAR Plugin 3.4.0" if ext == "war" else "Maven JAR Plugin 3.4.1"
    head = [("Manifest-Version", "1.0"), ("Created-By", plugin), ("Build-Jdk-Spec", _java_release(ctx))]
    pom = bytes(ctx.fs.read_file(pom_path))

    def contents(listed: list[tuple[str, str, str, int]]) -> list[tuple[str, bytes]]:
        return [(f"{a}-{v}.jar", bytes(ctx.fs.read_file(f"{repo}/{g.replace('.', '/')}/{a}/{v}/{a}-{v}.jar")))
                for g, a, v, _size in listed]  # fmt: skip

    libs, provided = jars
    webapp = []
    if ext == "war":
        for path, _size in _sources(ctx, f"{project}/src/main/webapp"):
            webapp.append(
                (posixpath.relpath(path, f"{project}/src/main/webapp"), bytes(ctx.fs.read_file(path)))
            )
    thin = _bootjar.plain_jar(head, files, (group, artifact, version), pom,
                              (webapp, contents(libs)) if ext == "war" else None)  # fmt: skip
    write(ctx.fs, jar, thin)
    say(f"[INFO] Building {ext}: {jar}\n")
    if boot:
        start_class = start or _bootjar.main_class(compiled)
        if not start_class:
            return (f"Failed to execute goal org.springframework.boot:spring-boot-maven-plugin:{boot}:repackage "
                    f"(repackage) on project {artifact}: Execution repackage of goal org.springframework.boot:"
                    f"spring-boot-maven-plugin:{boot}:repackage failed: Unable to find main class")  # fmt: skip
        write(ctx.fs, f"{jar}.original", thin)
        war = (webapp, contents(provided)) if ext == "war" else None
        executable = _bootjar.boot_jar(head, files, (group, artifact, version), pom, start_class, boot,
                                       contents(libs), war)  # fmt: skip
        write(ctx.fs, jar, executable)
        say(f"[INFO] Replacing main artifact {jar} with repackaged archive, adding nested dependencies in BOOT-INF/.\n"
            f"[INFO] The original artifact has been renamed to {jar}.original\n")  # fmt: skip
    if goal == "install":
        base = f"{repo}/{group.replace('.', '/')}/{artifact}/{version}"
        write(ctx.fs, f"{base}/{artifact}-{version}.{ext}", bytes(ctx.fs.read_file(jar)))
        write(ctx.fs, f"{base}/{artifact}-{version}.pom", pom)
    return None
