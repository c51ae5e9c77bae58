"""Published-figure layers of the server, JVM, Go, .NET and distroless images (see published_recipes).


Totals are ``docker history`` layer sizes of the amd64 images (late 2025) or the projects' own
published archive sizes, rounded and APPROXIMATE; the key paths are the real ones (checked
against the Dockerfiles of docker-library, adoptium/containers, dotnet/dotnet-docker and
GoogleContainerTools/distroless).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simulator.distro.generate.common import _d, _f, _l, _t
from simulator.distro.generate.published import Published
from simulator.distro.jsondata import DATA

__all__ = ["DOTNET", "TEMURIN", "more_layers"]

MB = 1_000_000
DH = "docker history (amd64, late 2025), approximate"
GO = {"1.22": "1.22.12", "1.23": "1.23.12", "1.24": "1.24.10"}
# feature -> (version, JAVA_VERSION, jdk layer, jre layer)
TEMURIN = {
    "17": ("17.0.17+10", "jdk-17.0.17+10", 300 * MB, 140 * MB),
    "21": ("21.0.9+10", "jdk-21.0.9+10", 330 * MB, 155 * MB),
}
# channel -> (runtime, aspnetcore, sdk)
DOTNET = {"8.0": ("8.0.21", "8.0.21", "8.0.415"), "9.0": ("9.0.10", "9.0.10", "9.0.306")}


def text_of(layer: str, path: str, root: Path = DATA) -> str:
    """The text of ``path`` in layer file ``layer`` (rows after includes), for derived user layers."""
    spec = json.loads((root / f"layers/{layer}.json").read_text(encoding="utf-8"))
    for row in spec["rows"]:
        if row[0] == path and row[1] == "t":
            return str(row[3])
    for included in spec.get("include", ()):
        return text_of(included, path, root)
    raise KeyError(f"{layer}: no text row {path}")


def _user_layer(
    name: str, base: str, users: str, groups: str, comment: str, home: list[list[Any]]
) -> Published:
    rows = [_t("/etc/passwd", text_of(base, "/etc/passwd") + users),
            _t("/etc/group", text_of(base, "/etc/group") + groups), *home]  # fmt: skip
    return Published(name, comment, -1, "the Dockerfile's RUN step", rows)


def more_layers(cache: Path) -> list[Published]:
    out: list[Published] = []
    # -- node's user on the other bases (node-20-user is bookworm's)
    out.append(_user_layer("node-alpine-user", "alpine-3.22", "node:x:1000:1000::/home/node:/bin/sh\n",
                           "node:x:1000:node\n", "node:*-alpine: RUN addgroup -g 1000 node && adduser -u 1000 -G node -s /bin/sh -D node",
                           [_d("/home/node", "2755", 1000, 1000)]))  # fmt: skip
    out.append(_user_layer("node-trixie-user", "debian-trixie-slim", "node:x:1000:1000::/home/node:/bin/bash\n",
                           "node:x:1000:\n", "node:*-trixie(-slim): RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node",
                           [_d("/home/node", "755", 1000, 1000), _f("/home/node/.bashrc", 3526), _f("/home/node/.profile", 807),
                            _f("/home/node/.bash_logout", 220)]))  # fmt: skip
    # -- golang
    for xy, version in GO.items():
        rows = [_f("/usr/local/go/bin/go", 14_800_000, "755"), _f("/usr/local/go/bin/gofmt", 3_200_000, "755"),
                _t("/usr/local/go/VERSION", f"go{version}\ntime 2025-11-01T00:00:00Z\n"),
                _f("/usr/local/go/pkg/tool/linux_amd64/compile", 26_000_000, "755"),
                _f("/usr/local/go/pkg/tool/linux_amd64/link", 8_900_000, "755"),
                _f("/usr/local/go/pkg/tool/linux_amd64/asm", 6_000_000, "755"),
                _f("/usr/local/go/pkg/tool/linux_amd64/cgo", 5_000_000, "755"),
                _f("/usr/local/go/pkg/tool/linux_amd64/vet", 10_000_000, "755"),
                _f("/usr/local/go/src/runtime/proc.go", 220_000), _f("/usr/local/go/src.bundle", 1)]  # fmt: skip
        out.append(Published(f"go-{version}", f"golang:{xy}'s toolchain: go{version}.linux-amd64.tar.gz unpacked in /usr/local/go "
                             "(COPY --from=build --link /target/ /); the standard library sources, tests and the rest of "
                             "pkg/tool are folded into src.bundle.", 230 * MB,
                             "go.dev/dl (the linux-amd64 archive, ~75 MB, unpacks to ~230 MB), approximate", rows,
                             fold="/usr/local/go/src.bundle"))  # fmt: skip
    out.append(Published("golang-gopath", "golang:*: RUN mkdir -p \"$GOPATH/src\" \"$GOPATH/bin\" && chmod -R 1777 \"$GOPATH\"",
                         -1, "the Dockerfile", [_d("/go", "1777"), _d("/go/bin", "1777"), _d("/go/src", "1777")]))  # fmt: skip
    out.append(Published("golang-alpine-ca", "golang:*-alpine: RUN apk add --no-cache ca-certificates", 700_000,
                         "apk index size of ca-certificates (Alpine 3.22), approximate",
                         [_f("/etc/ssl/certs/ca-certificates.crt", 222_000), _f("/usr/share/ca-certificates/mozilla.bundle", 1),
                          _f("/usr/bin/update-ca-certificates", 30_000, "755")], fold="/usr/share/ca-certificates/mozilla.bundle"))  # fmt: skip
    # -- nginx 1.28 (the 1.27 layout and files, 1.28.0's version) and the alpine variants
    out.append(Published("nginx-1.28", "nginx:1.28's big RUN layer: as nginx-1.27, for nginx 1.28.0 (njs 0.8.10).", -1, DH,
                         derive="nginx-1.27", replace=(("1.27.5", "1.28.0"), ("nginx:1.27", "nginx:1.28"))))  # fmt: skip
    for line, version, total in (("1.27", "1.27.5", 11_000_000), ("1.28", "1.28.0", 11_000_000)):
        rows = [_f("/usr/sbin/nginx", 1_600_000, "755"), _f("/usr/sbin/nginx-debug", 1_700_000, "755"),
                _t("/etc/nginx/nginx.conf", text_of("nginx-1.27", "/etc/nginx/nginx.conf")),
                _t("/etc/nginx/conf.d/default.conf", text_of("nginx-1.27", "/etc/nginx/conf.d/default.conf")),
                _t("/usr/share/nginx/html/index.html", text_of("nginx-1.27", "/usr/share/nginx/html/index.html")),
                _d("/var/cache/nginx", "755", 101, 101), _l("/var/log/nginx/access.log", "/dev/stdout"),
                _l("/var/log/nginx/error.log", "/dev/stderr"), _f("/usr/bin/envsubst", 47_000, "755"),
                _f("/usr/lib/nginx/modules/ngx_http_geoip_module.so", 30_000), _f("/usr/lib/libpcre2-8.so.0.14.0", 1),
                # the user and group of "addgroup -g 101 -S nginx && adduser -S -D -H -u 101 -h /var/cache/nginx
                # -s /sbin/nologin -G nginx -g nginx nginx" (nginxinc/docker-nginx alpine-slim/Dockerfile) on alpine:3.21
                _t("/etc/passwd", text_of("alpine-3.21", "/etc/passwd") + "nginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin\n"),
                _t("/etc/group", text_of("alpine-3.21", "/etc/group") + "nginx:x:101:nginx\n")]  # fmt: skip
        out.append(Published(f"nginx-{line}-alpine-slim", f"nginx:{line}-alpine-slim's RUN layer: nginx {version} from nginx.org's "
                             "Alpine packages, the nginx user (101), gettext's envsubst, the log symlinks.", total, DH, rows,
                             fold="/usr/lib/libpcre2-8.so.0.14.0"))  # fmt: skip
        out.append(Published(f"nginx-{line}-alpine-njs", f"nginx:{line}-alpine's RUN layer over alpine-slim: the njs, xslt, "
                             "image-filter and geoip modules with their libraries (libxslt, gd, geoip), and curl.", 36_000_000, DH,
                             [_f("/usr/lib/nginx/modules/ngx_http_js_module.so", 5_500_000), _f("/usr/bin/curl", 250_000, "755"),
                              _f("/usr/lib/libnginx-deps.bundle", 1)], fold="/usr/lib/libnginx-deps.bundle"))  # fmt: skip
    # -- redis
    for line, version, total in (("7.4", "7.4.6", 42_000_000), ("8.2", "8.2.3", 62_000_000)):
        rows = [_f("/usr/local/bin/redis-server", 16_000_000, "755"), _f("/usr/local/bin/redis-cli", 9_000_000, "755"),
                _f("/usr/local/bin/redis-benchmark", 8_000_000, "755"), _l("/usr/local/bin/redis-check-aof", "redis-server"),
                _l("/usr/local/bin/redis-check-rdb", "redis-server"), _l("/usr/local/bin/redis-sentinel", "redis-server"),
                _f("/usr/local/bin/gosu", 2_300_000, "755"), _f("/usr/local/lib/redis/modules.bundle", 1)]  # fmt: skip
        out.append(Published(f"redis-{version}", f"redis:{line}'s build layer: redis {version} built from source into "
                             "/usr/local/bin (server, cli, benchmark; check-aof, check-rdb and sentinel are links to redis-server), "
                             "gosu 1.17" + (", the redis 8 modules (search, json, timeseries, bloom) folded into modules.bundle" if line == "8.2" else ""),
                             total, DH, rows, fold="/usr/local/lib/redis/modules.bundle" if line == "8.2" else "/usr/local/bin/redis-server"))  # fmt: skip
    out.append(_user_layer("redis-user", "debian-bookworm-slim", "redis:x:999:999::/home/redis:/usr/sbin/nologin\n",
                           "redis:x:999:\n", "redis: RUN groupadd -r -g 999 redis && useradd -r -g redis -u 999 redis", []))  # fmt: skip
    out.append(Published("redis-data", "redis: RUN mkdir /data && chown redis:redis /data", -1, "the Dockerfile",
                         [_d("/data", "755", 999, 999)]))  # fmt: skip
    out.append(Published("redis-entrypoint", "redis: COPY docker-entrypoint.sh /usr/local/bin/", 1_000, "the Dockerfile",
                         [_f("/usr/local/bin/docker-entrypoint.sh", 1_000, "755")]))  # fmt: skip
    # -- postgres
    out.append(_user_layer("postgres-user", "debian-bookworm-slim",
                           "postgres:x:999:999::/var/lib/postgresql:/bin/bash\n", "postgres:x:999:\n",
                           "postgres: RUN groupadd -r postgres --gid=999; useradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres; mkdir -p /var/lib/postgresql",
                           [_d("/var/lib/postgresql", "755", 999, 999)]))  # fmt: skip
    out.append(Published("postgres-gosu", "postgres: RUN ... gosu 1.17 (and the apt packages to fetch it, purged)", 2_300_000,
                         "github.com/tianon/gosu releases: gosu-amd64 1.17, approximate", [_f("/usr/local/bin/gosu", 2_300_000, "755")]))  # fmt: skip
    out.append(Published("postgres-locales", "postgres: RUN apt-get install locales; localedef -i en_US -c -f UTF-8 -A "
                         "/usr/share/locale/locale.alias en_US.UTF-8 (+ libnss-wrapper xz-utils zstd)", 25_000_000, DH,
                         [_f("/usr/lib/locale/locale-archive", 3_000_000), _f("/usr/sbin/locale-gen", 2_000, "755"),
                          _f("/usr/bin/localedef", 300_000, "755"), _f("/usr/share/i18n/charmaps.bundle", 1)],
                         fold="/usr/share/i18n/charmaps.bundle"))  # fmt: skip
    for major, version, total in (("16", "16.11", 332_000_000), ("17", "17.7", 335_000_000)):
        bindir = f"/usr/lib/postgresql/{major}/bin"
        rows = [_f(f"{bindir}/postgres", 9_900_000, "755"), _f(f"{bindir}/initdb", 180_000, "755"),
                _f(f"{bindir}/pg_ctl", 80_000, "755"), _f(f"{bindir}/psql", 700_000, "755"),
                _f(f"{bindir}/pg_dump", 450_000, "755"), _f(f"{bindir}/pg_isready", 40_000, "755"),
                _l("/usr/bin/psql", "../share/postgresql-common/pg_wrapper"), _f("/usr/share/postgresql-common/pg_wrapper", 8_000, "755"),
                _f(f"/usr/share/postgresql/{major}/postgresql.conf.sample", 30_000),
                _f("/usr/lib/x86_64-linux-gnu/libLLVM.so.19.1", 120_000_000), _f(f"/usr/lib/postgresql/{major}/lib/deps.bundle", 1)]  # fmt: skip
        out.append(Published(f"postgres-{version}", f"postgres:{major}'s package layer: postgresql-{major} {version} from "
                             "apt.postgresql.org (bookworm-pgdg) with its dependencies (libLLVM for JIT is most of it).", total, DH,
                             rows, fold=f"/usr/lib/postgresql/{major}/lib/deps.bundle"))  # fmt: skip
    out.append(Published("postgres-dirs", "postgres: RUN install --verbose --directory --owner postgres --group postgres --mode 3777 /var/run/postgresql; "
                         "mkdir -p \"$PGDATA\" && chown -R postgres:postgres \"$PGDATA\" && chmod 1777 \"$PGDATA\"", -1, "the Dockerfile",
                         [_d("/var/run/postgresql", "3777", 999, 999), _d("/var/lib/postgresql/data", "1777", 999, 999)]))  # fmt: skip
    out.append(Published("postgres-entrypoint", "postgres: COPY docker-entrypoint.sh docker-ensure-initdb.sh /usr/local/bin/; "
                         "RUN ln -sT docker-ensure-initdb.sh /usr/local/bin/docker-enforce-initdb.sh", -1, "the Dockerfile",
                         [_f("/usr/local/bin/docker-entrypoint.sh", 12_400, "755"), _f("/usr/local/bin/docker-ensure-initdb.sh", 1_100, "755"),
                          _l("/usr/local/bin/docker-enforce-initdb.sh", "docker-ensure-initdb.sh")], fold="/usr/local/bin/docker-entrypoint.sh"))  # fmt: skip
    # -- httpd
    out.append(Published("httpd-prefix", "httpd: RUN mkdir -p \"$HTTPD_PREFIX\" && chown www-data:www-data \"$HTTPD_PREFIX\"",
                         -1, "the Dockerfile", [_d("/usr/local/apache2", "755", 33, 33)]))  # fmt: skip
    out.append(Published("httpd-deps", "httpd: RUN apt-get install -y --no-install-recommends ca-certificates libaprutil1-ldap "
                         "libldap-common (and the libraries they pull in)", 8_000_000, DH,
                         [_f("/usr/lib/x86_64-linux-gnu/libapr-1.so.0.7.2", 230_000), _f("/usr/lib/x86_64-linux-gnu/libaprutil-1.so.0.6.3", 200_000),
                          _f("/usr/lib/x86_64-linux-gnu/libldap-2.5.so.0.1.11", 350_000), _f("/usr/share/ca-certificates/mozilla.bundle", 1)],
                         fold="/usr/share/ca-certificates/mozilla.bundle"))  # fmt: skip
    out.append(Published("httpd-2.4.65", "httpd:2.4's build layer: httpd 2.4.65 built into /usr/local/apache2 (bin, modules, "
                         "conf, htdocs), build dependencies purged.", 62_000_000, DH,
                         [_f("/usr/local/apache2/bin/httpd", 2_600_000, "755"), _f("/usr/local/apache2/bin/apachectl", 3_500, "755"),
                          _f("/usr/local/apache2/bin/ab", 120_000, "755"), _f("/usr/local/apache2/conf/httpd.conf", 20_000),
                          _t("/usr/local/apache2/htdocs/index.html", "<html><body><h1>It works!</h1></body></html>\n"),
                          _f("/usr/local/apache2/modules/mod_ssl.so", 900_000, "755"), _f("/usr/local/apache2/modules.bundle", 1),
                          _d("/usr/local/apache2/logs", "755", 33, 33)], fold="/usr/local/apache2/modules.bundle"))  # fmt: skip
    out.append(Published("httpd-foreground", "httpd: COPY httpd-foreground /usr/local/bin/", -1, "the Dockerfile",
                         [_t("/usr/local/bin/httpd-foreground", "#!/bin/sh\nset -e\n\n# Apache gets grumpy about PID files pre-existing\nrm -f /usr/local/apache2/logs/httpd.pid\n\nexec httpd -DFOREGROUND \"$@\"\n", "755")]))  # fmt: skip
    # -- eclipse-temurin and maven
    for feature, (version, _java, jdk, jre) in TEMURIN.items():
        for kind, total in (("jdk", jdk), ("jre", jre)):
            home = "/opt/java/openjdk"
            rows = [_f(f"{home}/bin/java", 12_000, "755"), _f(f"{home}/bin/keytool", 12_000, "755"),
                    _f(f"{home}/lib/server/libjvm.so", 22_500_000), _f(f"{home}/lib/modules", 1),
                    _t(f"{home}/release", f'IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="{version.split("+")[0]}"\n'),
                    _f(f"{home}/lib/security/cacerts", 160_000)]  # fmt: skip
            if kind == "jdk":
                rows += [
                    _f(f"{home}/bin/{tool}", 12_000, "755")
                    for tool in ("javac", "jar", "jshell", "javadoc", "jlink", "jdeps")
                ]
                rows += [
                    _f(f"{home}/jmods/java.base.jmod", 23_000_000),
                    _f(f"{home}/lib/src.zip", 57_000_000),
                ]
            out.append(Published(f"temurin-{feature}-{kind}", f"eclipse-temurin:{feature}-{kind}'s RUN layer: OpenJDK{feature}U-{kind}_x64_linux_hotspot_{version.replace('+', '_')}.tar.gz "
                                 "unpacked in /opt/java/openjdk (lib/modules holds the bytes not named).", total,
                                 "github.com/adoptium/temurin releases (the x64 Linux archive, unpacked), approximate", rows,
                                 fold=f"{home}/lib/modules"))  # fmt: skip
    out.append(Published("temurin-verify", "eclipse-temurin: RUN set -eux; echo \"Verifying install ...\"; java --version; "
                         "echo \"Complete.\" (writes nothing)", -1, "docker history: 0 B", []))  # fmt: skip
    out.append(Published("temurin-entrypoint", "eclipse-temurin: COPY --chmod=755 entrypoint.sh /__cacert_entrypoint.sh", 5_300,
                         "the Dockerfile", [_f("/__cacert_entrypoint.sh", 5_300, "755")]))  # fmt: skip
    out.append(Published("maven-3.9.11", "maven:3.9-eclipse-temurin-21: COPY --from=... /usr/share/maven /usr/share/maven "
                         "(Apache Maven 3.9.11: bin/mvn, boot/, lib/*.jar) and ref/settings-docker.xml", 10_300_000,
                         "maven.apache.org: apache-maven-3.9.11-bin.tar.gz unpacked (~10 MB), approximate",
                         [_f("/usr/share/maven/bin/mvn", 6_600, "755"), _f("/usr/share/maven/bin/m2.conf", 1_200),
                          _f("/usr/share/maven/boot/plexus-classworlds-2.9.0.jar", 54_000),
                          _f("/usr/share/maven/conf/settings.xml", 10_000), _f("/usr/share/maven/lib/maven-core-3.9.11.jar", 720_000),
                          _f("/usr/share/maven/lib/jars.bundle", 1), _f("/usr/share/maven/ref/settings-docker.xml", 330)],
                         fold="/usr/share/maven/lib/jars.bundle"))  # fmt: skip
    out.append(Published("maven-link", "maven: RUN ln -s ${MAVEN_HOME}/bin/mvn /usr/bin/mvn", -1, "the Dockerfile",
                         [_l("/usr/bin/mvn", "/usr/share/maven/bin/mvn")]))  # fmt: skip
    out.append(Published("maven-entrypoint", "maven: COPY mvn-entrypoint.sh /usr/local/bin/mvn-entrypoint.sh", 1_600,
                         "the Dockerfile", [_f("/usr/local/bin/mvn-entrypoint.sh", 1_600, "755")]))  # fmt: skip
    # -- .NET
    out.append(_user_layer("dotnet-app-user", "debian-bookworm-slim", "app:x:1654:1654::/home/app:/bin/sh\n", "app:x:1654:\n",
                           "dotnet runtime-deps: RUN groupadd --gid=$APP_UID app && useradd --no-log-init --uid=$APP_UID --gid=$APP_UID --create-home app",
                           [_d("/home/app", "755", 1654, 1654)]))  # fmt: skip
    for channel, (runtime, aspnet, sdk) in DOTNET.items():
        share = "/usr/share/dotnet"
        out.append(Published(f"dotnet-runtime-{runtime}", f"dotnet/runtime:{channel}: the .NET runtime {runtime} "
                             f"(dotnet-runtime-{runtime}-linux-x64.tar.gz) in {share}", 72_000_000,
                             "dotnet.microsoft.com download (linux-x64 archive, unpacked), approximate",
                             [_f(f"{share}/dotnet", 72_000, "755"), _f(f"{share}/LICENSE.txt", 1_100),
                              _f(f"{share}/host/fxr/{runtime}/libhostfxr.so", 450_000),
                              _f(f"{share}/shared/Microsoft.NETCore.App/{runtime}/libcoreclr.so", 7_300_000),
                              _f(f"{share}/shared/Microsoft.NETCore.App/{runtime}/System.Private.CoreLib.dll", 15_000_000),
                              _f(f"{share}/shared/Microsoft.NETCore.App/{runtime}/assemblies.bundle", 1)],
                             fold=f"{share}/shared/Microsoft.NETCore.App/{runtime}/assemblies.bundle"))  # fmt: skip
        out.append(Published(f"aspnetcore-{aspnet}", f"dotnet/aspnet:{channel}: ASP.NET Core {aspnet} "
                             f"(aspnetcore-runtime, shared/Microsoft.AspNetCore.App/{aspnet})", 21_000_000,
                             "dotnet.microsoft.com download, approximate",
                             [_f(f"{share}/shared/Microsoft.AspNetCore.App/{aspnet}/Microsoft.AspNetCore.dll", 30_000),
                              _f(f"{share}/shared/Microsoft.AspNetCore.App/{aspnet}/assemblies.bundle", 1)],
                             fold=f"{share}/shared/Microsoft.AspNetCore.App/{aspnet}/assemblies.bundle"))  # fmt: skip
        out.append(Published(f"dotnet-sdk-{sdk}", f"dotnet/sdk:{channel}: the .NET SDK {sdk} in {share}/sdk, the "
                             "packs and templates, PowerShell in /usr/share/powershell (pwsh), and the first-run output of `dotnet help`.",
                             560_000_000, "dotnet.microsoft.com download + docker history, approximate",
                             [_f(f"{share}/sdk/{sdk}/dotnet.dll", 250_000), _f(f"{share}/sdk/{sdk}/sdk.bundle", 1),
                              _f(f"{share}/packs/Microsoft.NETCore.App.Ref/{runtime}/ref.bundle", 40_000_000),
                              _f("/usr/share/powershell/pwsh", 75_000, "755"), _l("/usr/bin/pwsh", "/usr/share/powershell/pwsh"),
                              _f("/usr/share/powershell/powershell.bundle", 160_000_000)], fold=f"{share}/sdk/{sdk}/sdk.bundle"))  # fmt: skip
    out.append(Published("dotnet-link", "dotnet/runtime: RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet", -1,
                         "the Dockerfile", [_l("/usr/bin/dotnet", "/usr/share/dotnet/dotnet")]))  # fmt: skip
    out.append(Published("dotnet-sdk-deps", "dotnet/sdk: RUN apt-get install -y --no-install-recommends curl git libatomic1 wget",
                         38_000_000, DH, [_f("/usr/bin/git", 4_200_000, "755"), _f("/usr/bin/curl", 300_000, "755"),
                                          _f("/usr/bin/wget", 520_000, "755"), _f("/usr/lib/git-core/git.bundle", 1)],
                         fold="/usr/lib/git-core/git.bundle"))  # fmt: skip
    # -- distroless: what its rules add to the packages' data (no dpkg database, no shell)
    out.append(Published("distroless-static-files", "distroless static: the passwd/group/nsswitch it writes, the CA bundle "
                         "update-ca-certificates would make, /home/nonroot and /tmp", -1, "GoogleContainerTools/distroless base/base.bzl",
                         [_t("/etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"
                             "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"),
                          _t("/etc/group", "root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n"),
                          _t("/etc/nsswitch.conf", "passwd:         files\ngroup:          files\nshadow:         files\n\nhosts:          files dns\n"),
                          _f("/etc/ssl/certs/ca-certificates.crt", 219_000), _d("/home/nonroot", "700", 65532, 65532),
                          _d("/root", "700"), _d("/tmp", "1777"), _d("/usr/local/bin"), _d("/usr/local/sbin"), _d("/usr/sbin"),
                          _d("/usr/bin"), _d("/sbin"), _d("/bin")]))  # fmt: skip
    return out
