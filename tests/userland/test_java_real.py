"""The jars ``mvn package`` makes, read by the real ``unzip`` and ``jar``; and layerlab's ``jar`` and
``unzip`` compared with the real ones on the same archives (offline; each test skips when its
tool is absent)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from simulator.model.container import Container

from .test_java import APP, BOOT_PLUGIN, boot_parent, box, dep, pom, project, sample_jar, sh

pytestmark = pytest.mark.real


def real(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} is not installed on this machine")
    return subprocess.run(["sh", "-c", 'umask 022; exec "$@"', "sh", *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "LC_ALL": "C"}, check=False)  # fmt: skip


def jdk_version() -> str:
    """``jar --version``'s version (``17.0.15``); skips when there is no JDK."""
    if shutil.which("jar") is None:
        pytest.skip("jar (a JDK) is not installed on this machine")
    out = subprocess.run(["jar", "--version"], capture_output=True, text=True, timeout=60, check=False).stdout
    return out.split()[1]


def jdk_major() -> int:
    return int(jdk_version().split(".")[0])


@pytest.fixture(scope="module")
def boot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Container, Path]:
    """A Spring Boot 3.3 web + JPA project packaged by the model, and its jar on the host."""
    c = box()
    project(c, pom(boot_parent("3.3.5"), dep("spring-boot-starter-web") + dep("spring-boot-starter-data-jpa"),
                   BOOT_PLUGIN), {"com/example/demo/DemoApplication.java": APP})  # fmt: skip
    assert sh(c, "mvn -q package").exit_code == 0
    path = tmp_path_factory.mktemp("boot") / "demo.jar"
    path.write_bytes(c.read_file("/src/target/demo-0.0.1-SNAPSHOT.jar"))
    return c, path


def test_real_unzip_reads_the_executable_jar(boot: tuple[Container, Path]) -> None:
    _c, path = boot
    got = real(["unzip", "-l", str(path)], path.parent)
    assert got.returncode == 0, got.stderr
    assert "BOOT-INF/lib/spring-webmvc-6.1.14.jar" in got.stdout
    assert "org/springframework/boot/loader/launch/JarLauncher.class" in got.stdout
    tested = real(["unzip", "-tq", str(path)], path.parent)
    assert tested.returncode == 0 and "No errors detected" in tested.stdout


def test_real_jar_lists_what_ours_lists(boot: tuple[Container, Path]) -> None:
    c, path = boot
    jdk_major()
    got = real(["jar", "tf", str(path)], path.parent)
    ours = sh(c, "jar tf target/demo-0.0.1-SNAPSHOT.jar")
    assert got.returncode == ours.exit_code == 0
    assert ours.stdout == got.stdout


def test_real_jar_extracts_what_ours_extracts(tmp_path: Path) -> None:
    jdk_major()
    c = box()
    sample_jar(c)
    (tmp_path / "app.jar").write_bytes(c.read_file("/src/app.jar"))
    got = real(["jar", "xvf", "app.jar"], tmp_path)
    ours = sh(c, "jar xvf app.jar")
    assert (ours.exit_code, ours.stdout, ours.stderr) == (got.returncode, got.stdout, got.stderr)
    for rel in ("META-INF/MANIFEST.MF", "BOOT-INF/lib/dep.jar", "bin/run.sh", "escape.txt", "BOOT-INF"):
        mode = (tmp_path / rel).stat().st_mode & 0o7777
        assert c.stat(f"/src/{rel}").mode & 0o7777 == mode, rel


def test_real_jar_missing_archive_message(tmp_path: Path) -> None:
    version = jdk_version()
    c = box()
    for args in (["xf", "nope.jar"], ["-tf", "nope.jar"], ["--extract", "--file", "nope.jar"]):
        got = real(["jar", *args], tmp_path)
        ours = sh(c, "jar " + " ".join(args))
        assert ours.exit_code == got.returncode == 1
        if version == "17.0.15":  # the stack trace's frames were transcribed from this one
            assert ours.stderr == got.stderr
        else:
            assert ours.stderr.splitlines()[0] == got.stderr.splitlines()[0]


def test_real_jar_usage_and_create_errors(tmp_path: Path) -> None:
    jdk_major()
    c = box()
    (tmp_path / "a.txt").write_text("a")
    c.write_file("/src/a.txt", "a")
    for args in ([], ["-cf", "x.jar"], ["cf", "out.jar", "a.txt", "nothere"], ["-xz", "a.jar"], ["--bogus"]):
        got = real(["jar", *args], tmp_path)
        ours = sh(c, " ".join(["jar", *args]))
        assert (ours.exit_code, ours.stdout, ours.stderr) == (got.returncode, got.stdout, got.stderr)
    assert not (tmp_path / "out.jar").exists() and not c.exists("/src/out.jar")


def test_real_jar_create_verbose_matches(tmp_path: Path) -> None:
    jdk_major()
    c = box()
    files = {
        "out/com/example/Main.class": b"\xca\xfe\xba\xbe" + bytes(range(256)) * 3,
        "out/app.properties": b"a=1\n" * 40,
    }
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
        c.makedirs("/src/" + rel.rsplit("/", 1)[0])
        c.write_file("/src/" + rel, data)
    got = real(["jar", "cvf", "app.jar", "-C", "out", "."], tmp_path)
    ours = sh(c, "jar cvf app.jar -C out .")
    assert ours.exit_code == got.returncode == 0
    assert sorted(ours.stdout.splitlines()) == sorted(got.stdout.splitlines())
    listed = real(["jar", "tf", "app.jar"], tmp_path).stdout.splitlines()
    assert sorted(sh(c, "jar tf app.jar").stdout.splitlines()) == sorted(listed)


@pytest.mark.parametrize("tool", ["unzip", "busybox"])
def test_real_unzip_matches(tool: str, tmp_path: Path) -> None:
    image = "buildpack-deps:bookworm" if tool == "unzip" else "alpine:3.20"
    argv = ["unzip"] if tool == "unzip" else ["busybox", "unzip"]
    c = box(image)
    sample_jar(c, "/src/app.zip")
    (tmp_path / "app.zip").write_bytes(c.read_file("/src/app.zip"))
    for args in (["app.zip", "-d", "out"], ["-l", "app.zip"], ["nope"], ["-o", "-q", "app.zip"]):
        got = real([*argv, *args], tmp_path)
        ours = sh(c, " ".join(["unzip", *args]), image)
        assert (ours.exit_code, ours.stdout, ours.stderr) == (got.returncode, got.stdout, got.stderr), args
    for rel in ("out/bin/run.sh", "out/META-INF/MANIFEST.MF", "out/BOOT-INF/lib", "bin/run.sh"):
        assert c.stat(f"/src/{rel}").mode & 0o7777 == (tmp_path / rel).stat().st_mode & 0o7777, rel


def test_real_jar_keep_old_files_matches(tmp_path: Path) -> None:
    jdk_major()
    c = box()
    sample_jar(c)
    (tmp_path / "app.jar").write_bytes(c.read_file("/src/app.jar"))
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "run.sh").write_text("old\n")
    c.makedirs("/src/bin")
    c.write_file("/src/bin/run.sh", "old\n")
    got = real(["jar", "-xkvf", "app.jar"], tmp_path)
    if "Illegal option: k" in got.stderr:
        pytest.skip("this JDK's jar has no -k (JDK-8335912: JDK 24, backported to the 17 and 21 updates)")
    ours = sh(c, "jar -xkvf app.jar")
    assert (ours.exit_code, ours.stdout, ours.stderr) == (got.returncode, got.stdout, got.stderr)
    assert (tmp_path / "bin" / "run.sh").read_text() == c.read_file("/src/bin/run.sh").decode() == "old\n"
