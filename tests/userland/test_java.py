"""``mvn package``'s jars (Spring Boot's executable jar, the plain jar), ``jar`` and ``unzip``,
run through the RUN shell on the library's JDK, Alpine and Debian images.

The expectations come from Spring Boot's "The Executable Jar Format" reference page, the JDK 17
jar tool and Info-ZIP / busybox unzip as run on this machine (tests/userland/test_java_real.py
compares with them directly)."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.distro import library
from simulator.model.container import Container
from simulator.sh.run import run_script
from simulator.userland import _bootjar, _spring
from simulator.userland._zip import BadZip, ZipMember, make_zip, mode_of, read_zip, stub_jar

JDK = "maven:3.9-eclipse-temurin-21"


def env_of(image: str) -> dict[str, str]:
    return dict(e.split("=", 1) for e in library.get(image).config.env) | {"HOME": "/root"}


def box(image: str = JDK) -> Container:
    c = Container(library.get(image))
    c.makedirs("/src")
    return c


def sh(c: Container, script: str, image: str = JDK, cwd: str = "/src"):
    return run_script(c, script, env=env_of(image), cwd=cwd)


def pom(parent: str = "", deps: str = "", plugins: str = "") -> str:
    return f"""<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  {parent}
  <groupId>com.example</groupId><artifactId>demo</artifactId><version>0.0.1-SNAPSHOT</version>
  <dependencies>{deps}</dependencies>
  <build><plugins>{plugins}</plugins></build>
</project>
"""


def boot_parent(version: str) -> str:
    return (
        "<parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId>"
        f"<version>{version}</version></parent>"
    )


def dep(artifact: str, group: str = "org.springframework.boot", scope: str = "") -> str:
    scoped = f"<scope>{scope}</scope>" if scope else ""
    return f"<dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>{scoped}</dependency>"


BOOT_PLUGIN = "<plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin>"
APP = """package com.example.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/* class Hidden {} in a comment is no class */
@SpringBootApplication
public class DemoApplication {
    static class Nested {}
    public static void main(String[] args) { SpringApplication.run(DemoApplication.class, args); }
}

class Helper { String s = "class NotOne {"; }
"""


def project(c: Container, text: str, sources: dict[str, str] | None = None) -> None:
    c.write_file("/src/pom.xml", text)
    for name, body in (sources or {"com/example/demo/DemoApplication.java": APP}).items():
        c.makedirs("/src/src/main/java/" + name.rsplit("/", 1)[0])
        c.write_file(f"/src/src/main/java/{name}", body)
    c.makedirs("/src/src/main/resources/static")
    c.write_file("/src/src/main/resources/application.properties", "server.port=8080\n")


def open_jar(c: Container, path: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(c.read_file(path)))


def manifest_of(z: zipfile.ZipFile) -> dict[str, str]:
    text = z.read("META-INF/MANIFEST.MF").decode().replace("\r\n ", "")
    return dict(line.split(": ", 1) for line in text.split("\r\n") if line)


# ------------------------------------------------------------------ javac's classes
def test_one_class_per_top_level_type_in_its_package_directory() -> None:
    package, names = _bootjar.top_level_types(APP)
    assert package == "com.example.demo"
    assert names == ["DemoApplication", "Helper"]  # not Nested, not the words in comments and strings
    source = "package a.b;\npublic @interface Marker {}\nenum Color { RED }\nrecord Point(int x, int y) {}\n"
    assert _bootjar.top_level_types(source) == ("a.b", ["Marker", "Color", "Point"])


def test_classes_follow_the_package_not_the_file_path() -> None:
    c = box()
    project(c, pom(), {"misplaced/Thing.java": "package com.other;\nclass Thing {}\nclass Two {}\n"})
    assert sh(c, "mvn -q compile").exit_code == 0
    assert c.exists("/src/target/classes/com/other/Thing.class")
    assert c.exists("/src/target/classes/com/other/Two.class")
    assert not c.exists("/src/target/classes/misplaced")


# ------------------------------------------------------------------ the jars
def test_plain_jar_of_a_project_without_spring_boot() -> None:
    c = box()
    project(c, pom())
    result = sh(c, "mvn -B package")
    assert result.exit_code == 0, result.output
    assert "[INFO] Building jar: /src/target/demo-0.0.1-SNAPSHOT.jar" in result.stdout
    z = open_jar(c, "/src/target/demo-0.0.1-SNAPSHOT.jar")
    assert z.namelist()[:2] == ["META-INF/", "META-INF/MANIFEST.MF"]
    names = set(z.namelist())
    assert {"com/example/demo/DemoApplication.class", "com/example/demo/Helper.class", "application.properties",
            "META-INF/maven/com.example/demo/pom.xml", "META-INF/maven/com.example/demo/pom.properties"} <= names  # fmt: skip
    assert not any(n.startswith(("BOOT-INF", "org/springframework")) for n in names)
    assert manifest_of(z) == {
        "Manifest-Version": "1.0",
        "Created-By": "Maven JAR Plugin 3.4.1",
        "Build-Jdk-Spec": "21",
    }
    assert not c.exists("/src/target/demo-0.0.1-SNAPSHOT.jar.original")


def test_spring_boot_3_executable_jar_layout() -> None:
    c = box()
    deps = dep("spring-boot-starter-web") + dep("spring-boot-devtools", scope="runtime")
    deps += dep("spring-boot-starter-test", scope="test") + dep("postgresql", "org.postgresql", "runtime")
    project(c, pom(boot_parent("3.3.5"), deps, BOOT_PLUGIN))
    result = sh(c, "mvn -B package")
    assert result.exit_code == 0, result.output
    z = open_jar(c, "/src/target/demo-0.0.1-SNAPSHOT.jar")
    m = manifest_of(z)
    assert m["Main-Class"] == "org.springframework.boot.loader.launch.JarLauncher"
    assert m["Start-Class"] == "com.example.demo.DemoApplication"
    assert m["Spring-Boot-Version"] == "3.3.5"
    assert (m["Spring-Boot-Classes"], m["Spring-Boot-Lib"]) == ("BOOT-INF/classes/", "BOOT-INF/lib/")
    assert m["Spring-Boot-Classpath-Index"] == "BOOT-INF/classpath.idx"
    assert m["Spring-Boot-Layers-Index"] == "BOOT-INF/layers.idx"
    names = z.namelist()
    assert "org/springframework/boot/loader/launch/JarLauncher.class" in names
    assert "BOOT-INF/classes/com/example/demo/DemoApplication.class" in names
    assert "BOOT-INF/classes/application.properties" in names
    libs = [
        n.removeprefix("BOOT-INF/lib/") for n in names if n.startswith("BOOT-INF/lib/") and n.endswith(".jar")
    ]
    for jar in ("spring-boot-3.3.5.jar", "spring-webmvc-6.1.14.jar", "tomcat-embed-core-10.1.31.jar",
                "jackson-databind-2.17.2.jar", "postgresql-42.7.4.jar", "micrometer-observation-1.13.6.jar"):  # fmt: skip
        assert jar in libs
    assert not any(n.startswith(("spring-boot-devtools", "spring-boot-starter-test", "junit")) for n in libs)
    assert len(libs) == len(set(libs))
    for name in libs:  # nested jars are stored, whole, and are jars themselves
        info = z.getinfo(f"BOOT-INF/lib/{name}")
        assert info.compress_type == zipfile.ZIP_STORED
        assert zipfile.ZipFile(io.BytesIO(z.read(info))).namelist()[0] == "META-INF/MANIFEST.MF"
    index = z.read("BOOT-INF/classpath.idx").decode().splitlines()
    assert index == [f'- "BOOT-INF/lib/{name}"' for name in libs]
    layers = z.read("BOOT-INF/layers.idx").decode()
    assert layers.startswith('- "dependencies":\n  - "BOOT-INF/lib/"\n- "spring-boot-loader":\n  - "org/"\n')
    assert layers.endswith('- "application":\n  - "BOOT-INF/classes/"\n  - "BOOT-INF/classpath.idx"\n'
                           '  - "BOOT-INF/layers.idx"\n  - "META-INF/"\n')  # fmt: skip
    original = open_jar(c, "/src/target/demo-0.0.1-SNAPSHOT.jar.original")
    assert "com/example/demo/DemoApplication.class" in original.namelist()


def test_the_jar_size_is_its_dependencies_sizes() -> None:
    c = box()
    project(c, pom(boot_parent("3.3.5"), dep("spring-boot-starter-web"), BOOT_PLUGIN))
    assert sh(c, "mvn -q package").exit_code == 0
    tree = _spring.resolve("spring-boot-starter-web", "3.3.5")
    nested = sum(size for *_gav, size in tree)
    assert 19_000_000 < nested < 21_000_000  # a Boot 3.3 web app's BOOT-INF/lib is ~20 MB
    size = c.stat("/src/target/demo-0.0.1-SNAPSHOT.jar").size
    assert nested + _bootjar.BOOT_LOADER // 2 < size < nested + _bootjar.BOOT_LOADER + 100_000
    spring_core = "/root/.m2/repository/org/springframework/spring-core/6.1.14/spring-core-6.1.14.jar"
    assert c.stat(spring_core).size == _spring.ARTIFACTS["spring-core"][2]


def test_spring_boot_2_uses_the_old_launcher_and_the_2_x_jars() -> None:
    c = box()
    project(c, pom(boot_parent("2.2.5.RELEASE"), dep("spring-boot-starter-data-jpa"), BOOT_PLUGIN))
    assert sh(c, "mvn -q package").exit_code == 0
    z = open_jar(c, "/src/target/demo-0.0.1-SNAPSHOT.jar")
    m = manifest_of(z)
    assert m["Main-Class"] == "org.springframework.boot.loader.JarLauncher"
    assert "Spring-Boot-Layers-Index" not in m and "Spring-Boot-Classpath-Index" not in m  # before Boot 2.3
    names = z.namelist()
    assert "org/springframework/boot/loader/JarLauncher.class" in names
    assert "BOOT-INF/lib/hibernate-core-5.6.15.Final.jar" in names
    assert "BOOT-INF/lib/antlr-2.7.7.jar" in names
    assert not any("micrometer-observation" in n or "jakarta.inject-api" in n for n in names)  # 3.x only


def test_a_long_start_class_is_continued_in_the_manifest() -> None:
    text = _bootjar.manifest([("Start-Class", "com.example." + "verylongpackagename." * 4 + "App")])
    lines = text.split(b"\r\n")
    assert all(len(line) <= 72 for line in lines) and lines[1].startswith(b" ")


def test_no_main_class_fails_the_repackage() -> None:
    c = box()
    project(c, pom(boot_parent("3.3.5"), dep("spring-boot-starter"), BOOT_PLUGIN),
            {"com/example/Lib.java": "package com.example;\npublic class Lib {}\n"})  # fmt: skip
    result = sh(c, "mvn -B package")
    assert result.exit_code == 1
    assert "[INFO] BUILD FAILURE" in result.stdout
    assert (
        "spring-boot-maven-plugin:3.3.5:repackage failed: Unable to find main class -> [Help 1]"
        in result.stdout
    )


def test_start_class_property_wins() -> None:
    c = box()
    text = pom(boot_parent("3.3.5"), dep("spring-boot-starter"), BOOT_PLUGIN)
    text = text.replace(
        "<dependencies>",
        "<properties><start-class>com.example.demo.Helper</start-class></properties><dependencies>",
    )
    project(c, text)
    assert sh(c, "mvn -q package").exit_code == 0
    assert (
        manifest_of(open_jar(c, "/src/target/demo-0.0.1-SNAPSHOT.jar"))["Start-Class"]
        == "com.example.demo.Helper"
    )


def test_stub_jar_has_the_exact_size() -> None:
    for size in (5_000, 300_000, 1_234_567):
        data = stub_jar("/m2/x-1.0.jar", size)
        assert len(data) == size
        assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


# ------------------------------------------------------------------ jar
def sample_jar(c: Container, path: str = "/src/app.jar") -> None:
    c.write_file(path, make_zip([
        ZipMember("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\n\r\n"),
        ZipMember("BOOT-INF/classes/App.class", b"\xca\xfe\xba\xbe" * 10),
        ZipMember("BOOT-INF/lib/dep.jar", b"PK" * 50, stored=True),
        ZipMember("bin/run.sh", b"#!/bin/sh\n", mode=0o755),
        ZipMember("../escape.txt", b"x"),
    ]))  # fmt: skip


@pytest.mark.parametrize("command", ["jar -xf app.jar", "jar xf app.jar", "jar --extract --file app.jar",
                                     "jar --extract --file=app.jar", "jar -x -f app.jar"])  # fmt: skip
def test_jar_extract_spellings(command: str) -> None:
    c = box()
    sample_jar(c)
    result = sh(c, command)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert c.read_file("/src/BOOT-INF/lib/dep.jar") == b"PK" * 50
    assert c.exists("/src/META-INF/MANIFEST.MF")
    assert c.stat("/src/bin/run.sh").mode & 0o777 == 0o644  # the JDK's jar does not restore modes
    assert c.stat("/src/BOOT-INF").mode & 0o777 == 0o755
    assert c.exists("/src/escape.txt") and not c.exists("/escape.txt")  # '..' dropped, as the JDK's jar does


def test_jar_extract_verbose_and_selected_entries() -> None:
    c = box()
    sample_jar(c)
    result = sh(c, "jar xvf app.jar BOOT-INF/lib nothere")
    assert result.exit_code == 0
    assert (
        result.stdout == "extracted: BOOT-INF/lib/dep.jar\n"
    )  # stored; the directories it makes are not entries
    assert not c.exists("/src/META-INF")


def test_jar_extract_through_a_glob_into_a_workdir() -> None:
    """The corpus' ``RUN mkdir -p target/dependency && cd ... && jar -xf ../*.jar``."""
    c = box()
    c.makedirs("/src/target/dependency")
    sample_jar(c, "/src/target/app-1.0.jar")
    c.write_file("/src/target/app-1.0.jar.original", b"not matched by *.jar")
    assert sh(c, "jar -xf ../*.jar", cwd="/src/target/dependency").exit_code == 0
    assert c.exists("/src/target/dependency/BOOT-INF/classes/App.class")


@pytest.mark.parametrize("command", ["jar tf app.jar", "jar -tf app.jar", "jar --list --file app.jar"])
def test_jar_list(command: str) -> None:
    c = box()
    sample_jar(c)
    result = sh(c, command)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["META-INF/MANIFEST.MF", "BOOT-INF/classes/App.class", "BOOT-INF/lib/dep.jar",
                                          "bin/run.sh", "../escape.txt"]  # fmt: skip


def test_jar_missing_archive_is_the_java_exception() -> None:
    c = box()
    for command, frame in (("jar -xf nope.jar", "Main.extract("), ("jar tf nope.jar", "Main.list(")):
        result = sh(c, command)
        assert result.exit_code == 1 and result.stdout == ""
        lines = result.stderr.splitlines()
        assert lines[0] == "java.nio.file.NoSuchFileException: nope.jar"
        assert all(line.startswith("\tat ") for line in lines[1:]) and frame in result.stderr


def test_jar_on_a_directory_or_not_a_zip() -> None:
    c = box()
    c.write_file("/src/nz.jar", "notzip\n")
    result = sh(c, "jar xf nz.jar")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        1,
        "java.util.zip.ZipException: zip END header not found",
    )
    result = sh(c, "jar tf /src")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        1,
        "java.io.FileNotFoundException: /src (Is a directory)",
    )


def test_jar_usage_errors() -> None:
    c = box()
    usage = "Usage: jar [OPTION...] [ [--release VERSION] [-C dir] files] ...\nTry `jar --help' for more information.\n"
    assert (sh(c, "jar").exit_code, sh(c, "jar").stderr) == (1, usage)
    result = sh(c, "jar -cf x.jar")
    assert result.exit_code == 1
    assert result.stderr.startswith("'c' flag requires manifest or input files to be specified!\n")


def test_jar_create_then_list_and_extract_round_trip() -> None:
    c = box()
    c.makedirs("/src/out/com/example")
    c.write_file("/src/out/com/example/Main.class", b"\xca\xfe" * 100)
    result = sh(c, "jar cvfe app.jar com.example.Main -C out com")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "added manifest"
    assert "adding: com/example/Main.class(in = 200) (out= " in result.stdout
    z = open_jar(c, "/src/app.jar")
    assert z.namelist() == [
        "META-INF/",
        "META-INF/MANIFEST.MF",
        "com/",
        "com/example/",
        "com/example/Main.class",
    ]
    assert manifest_of(z) == {"Manifest-Version": "1.0", "Created-By": "21.0.9 (Eclipse Adoptium)",
                              "Main-Class": "com.example.Main"}  # fmt: skip
    assert sh(c, "mkdir x && cd x && jar xf ../app.jar").exit_code == 0
    assert c.read_file("/src/x/com/example/Main.class") == b"\xca\xfe" * 100


def test_jar_create_with_a_missing_file_writes_nothing() -> None:
    c = box()
    c.write_file("/src/a.txt", "a")
    result = sh(c, "jar cf out.jar a.txt nothere")
    assert (result.exit_code, result.stderr) == (1, "nothere : no such file or directory\n")
    assert not c.exists("/src/out.jar")


def test_jar_is_only_in_jdk_images() -> None:
    c = box("debian:12")
    result = sh(c, "jar xf x.jar", "debian:12")
    assert result.exit_code == 127


# ------------------------------------------------------------------ unzip
def test_busybox_unzip_on_alpine() -> None:
    image = "alpine:3.20"
    c = box(image)
    sample_jar(c, "/src/app.zip")
    result = sh(c, "unzip app.zip -d out", image)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:4] == ["Archive:  app.zip", "  inflating: META-INF/MANIFEST.MF",
                                              "  inflating: BOOT-INF/classes/App.class",
                                              "  inflating: BOOT-INF/lib/dep.jar"]  # busybox: stored too  # fmt: skip
    assert c.stat("/src/out/bin/run.sh").mode & 0o777 == 0o755  # the mode of an entry made on Unix
    again = sh(c, "unzip app.zip -d out", image)
    assert again.exit_code == 1 and again.stderr == "unzip: can't read standard input\n"
    missing = sh(c, "unzip nope", image)
    assert (missing.exit_code, missing.stderr) == (1, "unzip: can't open nope[.zip]\n")


def test_info_zip_unzip_on_debian() -> None:
    image = "buildpack-deps:bookworm"
    c = box(image)
    sample_jar(c, "/src/app.zip")
    result = sh(c, "unzip -o app.zip", image)
    assert result.exit_code == 1, result.output  # the warning for ../escape.txt is status 1
    assert 'warning:  skipped "../" path component(s) in ../escape.txt\n' in result.stdout
    assert "  inflating: META-INF/MANIFEST.MF    \n" in result.stdout
    assert " extracting: BOOT-INF/lib/dep.jar    \n" in result.stdout  # Info-ZIP: stored
    assert c.stat("/src/bin/run.sh").mode & 0o777 == 0o755
    listing = sh(c, "unzip -l app.zip", image).stdout.splitlines()
    assert listing[-1] == f"{25 + 40 + 100 + 10 + 1:>9}{5:>22} files"
    missing = sh(c, "unzip nope", image)
    assert (missing.exit_code, missing.stderr) == (
        9,
        "unzip:  cannot find or open nope, nope.zip or nope.ZIP.\n",
    )


def test_jar_option_errors() -> None:
    c = box()
    sample_jar(c)
    result = sh(c, "jar -xz app.jar")
    assert (result.exit_code, result.stderr) == (
        1,
        "Illegal option: z\nTry `jar --help' for more information.\n",
    )
    result = sh(c, "jar --bogus")
    assert (result.exit_code, result.stderr) == (
        1,
        "unrecognized option : --bogus\nTry `jar --help' for more information.\n",
    )


def test_jar_extract_into_a_directory_is_jdk_21s() -> None:
    c = box()  # the maven image's JDK 21
    sample_jar(c)
    assert sh(c, "jar xf app.jar -C out").exit_code == 0
    assert c.exists("/src/out/BOOT-INF/lib/dep.jar")
    image = "eclipse-temurin:17-jdk"
    c17 = box(image)
    sample_jar(c17)
    result = sh(c17, "jar xf app.jar -C out", image)
    assert (result.exit_code, result.stderr) == (
        1,
        "Error parsing file arguments\nTry `jar --help' for more information.\n",
    )


def test_jar_keep_old_files() -> None:
    c = box()
    sample_jar(c)
    c.makedirs("/src/bin")
    c.write_file("/src/bin/run.sh", "old\n")
    result = sh(c, "jar -xkvf app.jar bin")
    assert (result.exit_code, result.stdout) == (0, "  skipped: bin/run.sh exists\n")
    assert c.read_file("/src/bin/run.sh") == b"old\n"


def test_jar_create_into_a_missing_directory() -> None:
    c = box()  # JDK 21 makes the parents (JDK-8281104)
    c.write_file("/src/a.txt", "a")
    assert sh(c, "jar cf sub/dir/x.jar a.txt").exit_code == 0
    assert c.exists("/src/sub/dir/x.jar")
    image = "eclipse-temurin:17-jdk"
    c17 = box(image)
    c17.write_file("/src/a.txt", "a")
    result = sh(c17, "jar cf sub/dir/x.jar a.txt", image)
    assert result.exit_code == 1 and not c17.exists("/src/sub")
    assert (
        result.stderr.startswith("java.nio.file.NoSuchFileException: /tmp/x")
        and " -> sub/dir/x.jar\n" in result.stderr
    )


def test_war_packaging_plain_and_spring_boot() -> None:
    c = box()
    text = pom(
        deps=dep("postgresql", "org.postgresql") + dep("jakarta.servlet-api", "jakarta.servlet", "provided")
    )
    project(
        c,
        text.replace(
            "<version>0.0.1-SNAPSHOT</version>", "<version>0.0.1-SNAPSHOT</version><packaging>war</packaging>"
        ),
    )
    c.makedirs("/src/src/main/webapp/WEB-INF")
    c.write_file("/src/src/main/webapp/index.jsp", "<html/>\n")
    result = sh(c, "mvn -B package")
    assert result.exit_code == 0, result.output
    assert "[INFO] Building war: /src/target/demo-0.0.1-SNAPSHOT.war" in result.stdout
    names = open_jar(c, "/src/target/demo-0.0.1-SNAPSHOT.war").namelist()
    assert {"index.jsp", "WEB-INF/classes/com/example/demo/DemoApplication.class",
            "WEB-INF/lib/postgresql-42.7.4.jar", "WEB-INF/lib/checker-qual-3.42.0.jar"} <= set(names)  # fmt: skip
    assert not any("servlet-api" in n for n in names)  # provided: the container has it
    boot = box()
    deps = dep("spring-boot-starter-web") + dep("spring-boot-starter-tomcat", scope="provided")
    text = pom(boot_parent("3.3.5"), deps, BOOT_PLUGIN)
    project(
        boot,
        text.replace(
            "<version>0.0.1-SNAPSHOT</version>", "<version>0.0.1-SNAPSHOT</version><packaging>war</packaging>"
        ),
    )
    assert sh(boot, "mvn -q package").exit_code == 0
    z = open_jar(boot, "/src/target/demo-0.0.1-SNAPSHOT.war")
    m = manifest_of(z)
    assert m["Main-Class"] == "org.springframework.boot.loader.launch.WarLauncher"
    assert (m["Spring-Boot-Classes"], m["Spring-Boot-Lib"]) == ("WEB-INF/classes/", "WEB-INF/lib/")
    names = z.namelist()
    assert "WEB-INF/classes/com/example/demo/DemoApplication.class" in names
    assert "WEB-INF/lib/spring-webmvc-6.1.14.jar" in names and "WEB-INF/classpath.idx" in names
    # the web starter brings the tomcat starter, but its own provided declaration is nearer: it wins
    assert "WEB-INF/lib-provided/spring-boot-starter-tomcat-3.3.5.jar" in names
    assert "WEB-INF/lib-provided/tomcat-embed-core-10.1.31.jar" in names  # the provided starter's tree
    assert "WEB-INF/lib/tomcat-embed-core-10.1.31.jar" not in names
    assert not any(n.startswith("BOOT-INF") for n in names)


def test_jar_update_is_not_simulated_and_jre_images_have_no_jar() -> None:
    c = box()
    sample_jar(c)
    result = sh(c, "jar uf app.jar x")
    assert result.exit_code == 127 and "not simulated" in result.stderr
    image = "eclipse-temurin:17-jre"
    assert sh(box(image), "jar tf x.jar", image).exit_code == 127


# ------------------------------------------------------------------ properties
names = st.lists(st.text("abcXYZ019_-.", min_size=1, max_size=8), min_size=1, max_size=4).map("/".join)


@given(st.lists(st.tuples(names, st.binary(max_size=300), st.sampled_from([0o644, 0o755, 0o600]), st.booleans()),
                max_size=8))  # fmt: skip
def test_zip_round_trip(members: list[tuple[str, bytes, int, bool]]) -> None:
    made = [ZipMember(name, data, mode, stored) for name, data, mode, stored in members]
    read = read_zip(make_zip(made))
    first: dict[str, ZipMember] = {}
    for member in made:
        first.setdefault(member.name, member)
    assert [info.filename for info, _ in read] == list(first)
    for info, data in read:
        assert data == first[info.filename].data
        assert mode_of(info) == first[info.filename].mode


@given(st.lists(st.tuples(st.from_regex(r"[A-Za-z][A-Za-z-]{0,30}", fullmatch=True),
                          st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=200)), max_size=5))  # fmt: skip
def test_manifest_lines_fit_72_bytes_and_unfold_to_the_values(attributes: list[tuple[str, str]]) -> None:
    text = _bootjar.manifest(attributes)
    assert text.endswith(b"\r\n\r\n")
    lines = text[:-4].split(b"\r\n") if attributes else []
    assert all(len(line) <= 72 for line in lines)
    unfolded = text.decode().replace("\r\n ", "").split("\r\n")
    assert [tuple(line.split(": ", 1)) for line in unfolded if line] == attributes


def test_not_a_zip_is_bad_zip() -> None:
    with pytest.raises(BadZip, match="not a zip archive"):
        read_zip(b"not a zip at all")
