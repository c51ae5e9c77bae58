"""go, mvn and dotnet by their documented models, run through the RUN shell on a small image made
here with the programs at the official images' paths (/usr/local/go/bin/go,
/usr/share/maven/bin/mvn, /usr/share/dotnet/dotnet), and the same commands failing with
``not found`` on an image without them."""

from __future__ import annotations

import io
import zipfile

import pytest

from simulator.distro import library
from simulator.model.container import Container
from simulator.sh.run import run_script
from simulator.userland import dotnet as dotnetmod
from simulator.userland import golang

PATH = "/usr/local/go/bin:/go/bin:/usr/share/maven/bin:/usr/share/dotnet:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
ENV = {"PATH": PATH, "HOME": "/root", "GOPATH": "/go"}


@pytest.fixture
def box() -> Container:
    """debian:12 with the three toolchains' programs where their official images put them."""
    c = Container(library.get("debian:12"))
    for path in ("/usr/local/go/bin/go", "/usr/share/maven/bin/mvn", "/usr/share/dotnet/dotnet"):
        c.makedirs(path.rsplit("/", 1)[0])
        c.write_file(path, b"\x7fELF", 0o755)
    c.makedirs("/src")
    return c


def sh(c: Container, script: str, cwd: str = "/src", env: dict[str, str] | None = None):
    return run_script(c, script, env={**ENV, **(env or {})}, cwd=cwd)


GO_MOD = """module example.com/hello

go 1.22

require (
\tgithub.com/gin-gonic/gin v1.9.1
\tgithub.com/BurntSushi/toml v1.3.2 // indirect
)
"""
GO_SUM = """github.com/gin-gonic/gin v1.9.1 h1:4idEAncQnU5cB7BeOkPtxjfCSye0AAm1R0RVIqJ+Jmg=
github.com/gin-gonic/gin v1.9.1/go.mod h1:hPrL7YrpYKXt5YId3A/Tnip5kqbEAP+KLuI3SUcPTeU=
github.com/BurntSushi/toml v1.3.2 h1:o7IhLm0Msx3BaB+n3Ag7L8EVlByGnpq14C4YWiu/gL8=
github.com/go-playground/locales v0.14.1/go.mod h1:hxrqLVvrK65+Rwrd5Fc6F2O76J/NuW9t0sjnWqG1slY=
"""


def test_go_mod_download_fills_the_module_cache(box: Container) -> None:
    box.write_file("/src/go.mod", GO_MOD)
    box.write_file("/src/go.sum", GO_SUM)
    result = sh(box, "go mod download")
    assert result.exit_code == 0, result.output
    cache = "/go/pkg/mod/cache/download"
    assert box.exists(f"{cache}/github.com/gin-gonic/gin/@v/v1.9.1.zip")
    assert box.exists(f"{cache}/github.com/!burnt!sushi/toml/@v/v1.3.2.zip")  # Go's case escaping
    assert box.exists("/go/pkg/mod/github.com/gin-gonic/gin@v1.9.1/go.mod")
    assert box.exists(f"{cache}/github.com/go-playground/locales/@v/v0.14.1.mod")  # a go.mod-only line
    assert not box.exists(f"{cache}/github.com/go-playground/locales/@v/v0.14.1.zip")


def test_go_without_go_mod_fails_as_go_does(box: Container) -> None:
    result = sh(box, "go mod download")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n"
    )


def test_go_build_of_files_needs_no_go_mod_for_the_standard_library(box: Container) -> None:
    # cmd/go: "go build main.go" builds the package command-line-arguments; outside a module it
    # builds while every import is in the standard library (awesome-compose traefik-golang)
    box.write_file("/src/main.go", 'package main\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\nfunc main() {}\n')
    result = sh(box, "CGO_ENABLED=0 go build -o backend main.go && go build main.go")
    assert result.exit_code == 0, result.output
    assert box.stat("/src/backend").mode & 0o111 and box.exists("/src/main")  # named after the first file
    box.write_file("/src/web.go", 'package main\n\nimport "github.com/gin-gonic/gin"\n\nfunc main() {}\n')
    result = sh(box, "go build web.go")
    assert result.exit_code == 1
    assert result.stderr == (
        "web.go:3:8: no required module provides package github.com/gin-gonic/gin: go.mod file not found"
        " in current directory or any parent directory; see 'go help modules'\n"
    )
    assert sh(box, "go build .").stderr.startswith("go: go.mod file not found")  # a package path needs one


def test_go_build_binary_size_model(box: Container) -> None:
    box.write_file("/src/go.mod", GO_MOD)
    box.write_file("/src/main.go", "package main\n" + "//" * 500 + "\n")
    result = sh(box, "CGO_ENABLED=0 GOOS=linux go build -o /out/server .", env={})
    assert result.exit_code == 0, result.output
    size = box.stat("/out/server").size
    source = box.stat("/src/main.go").size
    assert size == golang.HELLO_BYTES + 2 * golang.PER_MODULE + source // 2
    assert box.stat("/out/server").mode & 0o111
    sh(box, "go build -ldflags='-s -w' -o /out/small .")
    assert box.stat("/out/small").size < size
    sh(box, "go build")
    assert box.exists("/src/hello")  # the module path's last element
    assert sh(box, "GOOS=windows go build").exit_code == 0 and box.exists("/src/hello.exe")


def test_go_version_reads_the_image_env(box: Container) -> None:
    result = sh(box, "go version", env={"GOLANG_VERSION": "1.23.4"})
    assert result.stdout == "go version go1.23.4 linux/amd64\n"


POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId>
    <version>3.3.5</version></parent>
  <groupId>com.example</groupId><artifactId>demo</artifactId><version>0.0.1-SNAPSHOT</version>
  <properties><java.version>21</java.version><jjwt.version>0.12.6</jjwt.version></properties>
  <dependencies>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
    <dependency><groupId>io.jsonwebtoken</groupId><artifactId>jjwt-api</artifactId><version>${jjwt.version}</version></dependency>
    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5.10.0</version><scope>test</scope></dependency>
  </dependencies>
</project>
"""


def test_mvn_package_spring_boot(box: Container) -> None:
    box.write_file("/src/pom.xml", POM)
    box.makedirs("/src/src/main/java/com/example")
    box.write_file(
        "/src/src/main/java/com/example/App.java",
        "package com.example;\n@SpringBootApplication\npublic class App {\n"
        "  public static void main(String[] args) {}\n}\n" + "// padding\n" * 100,
    )
    result = sh(box, "mvn -B -DskipTests package")
    assert result.exit_code == 0, result.output
    assert "[INFO] BUILD SUCCESS" in result.stdout
    assert box.exists("/src/target/classes/com/example/App.class")
    jar = zipfile.ZipFile(io.BytesIO(box.read_file("/src/target/demo-0.0.1-SNAPSHOT.jar")))
    thin = zipfile.ZipFile(io.BytesIO(box.read_file("/src/target/demo-0.0.1-SNAPSHOT.jar.original")))
    libs = [n for n in jar.namelist() if n.startswith("BOOT-INF/lib/") and n.endswith(".jar")]
    assert "BOOT-INF/lib/jjwt-api-0.12.6.jar" in libs and "BOOT-INF/lib/spring-webmvc-6.1.14.jar" in libs
    assert not any("junit" in n for n in libs)  # the test scope is not nested
    assert "com/example/App.class" in thin.namelist() and not any(
        n.startswith("BOOT-INF") for n in thin.namelist()
    )
    assert box.exists("/root/.m2/repository/io/jsonwebtoken/jjwt-api/0.12.6/jjwt-api-0.12.6.jar")
    assert box.exists("/root/.m2/repository/org/apache/maven/plugins/maven-compiler-plugin")


def test_mvn_without_pom_is_missing_project(box: Container) -> None:
    result = sh(box, "mvn package")
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "[ERROR] The goal you specified requires a project to execute but there is no POM in this directory (/src)."
    )
    assert "MissingProjectException" in result.stdout


def test_mvn_go_offline_fills_m2_only(box: Container) -> None:
    box.write_file("/src/pom.xml", POM)
    assert sh(box, "mvn -B dependency:go-offline").exit_code == 0
    assert box.exists("/root/.m2/repository") and not box.exists("/src/target")


CSPROJ = """<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageReference Include="Newtonsoft.Json" Version="13.0.3" /></ItemGroup>
</Project>
"""


def test_dotnet_restore_and_publish(box: Container) -> None:
    box.write_file("/src/api.csproj", CSPROJ)
    box.write_file("/src/Program.cs", "x" * 5000)
    result = sh(box, "dotnet restore && dotnet publish -c Release -o /app/out")
    assert result.exit_code == 0, result.output
    assert box.exists("/src/obj/project.assets.json")
    assert box.exists("/root/.nuget/packages/newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg")
    assert box.stat("/app/out/api.dll").size == 8_000 + 2_000
    assert box.stat("/app/out/api").size == dotnetmod.APPHOST_BYTES
    assert box.exists("/app/out/Newtonsoft.Json.dll") and box.exists("/app/out/api.runtimeconfig.json")
    assert b"Microsoft.AspNetCore.App" in box.read_file("/app/out/api.runtimeconfig.json")
    assert box.exists("/src/bin/Release/net8.0/api.dll")


def test_dotnet_without_project_is_msb1003(box: Container) -> None:
    result = sh(box, "dotnet restore")
    assert result.exit_code == 1
    assert result.stdout.startswith("MSBUILD : error MSB1003: Specify a project or solution file.")


def test_toolchains_are_not_found_on_an_image_without_them() -> None:
    c = Container(library.get("debian:12"))
    for command in ("go build", "mvn package", "dotnet restore"):
        result = run_script(c, command, env=ENV)
        assert result.exit_code == 127
        assert result.stderr.endswith(f"{command.split()[0]}: not found\n")
