"""``images.json`` entries of node, golang, nginx, redis, postgres, httpd, eclipse-temurin, maven,
.NET and distroless (see :mod:`simulator.distro.generate.images` for the generation and sources).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from simulator.distro.generate.common import PATH, TRIXIE, _b, _image
from simulator.distro.generate.published_more import DOTNET, GO, TEMURIN
from simulator.distro.generate.published_recipes import NODE
from simulator.distro.jsondata import DATA

__all__ = ["entries"]

APPROX = "docker history / Docker Hub size (amd64, late 2025), approximate"


def _node() -> dict[str, dict[str, Any]]:
    out = {}
    for line, (version, _npm, _cp, yarn, _binary) in NODE.items():
        env = [PATH, f"NODE_VERSION={version}"] + ([f"YARN_VERSION={yarn}"] if yarn else [])
        config = {"Env": env, "Entrypoint": ["docker-entrypoint.sh"], "Cmd": ["node"]}
        user = _b(
            "RUN /bin/sh -c groupadd --gid 1000 node   && useradd --uid 1000 --gid node --shell /bin/bash --create-home node"
        )
        install = _b("RUN /bin/sh -c ARCH= && dpkgArch=\"$(dpkg --print-architecture)\" ... && curl -fsSLO --compressed "
                     "\"https://nodejs.org/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-$ARCH.tar.xz\" ... && tar -xJf "
                     "\"node-v$NODE_VERSION-linux-$ARCH.tar.xz\" -C /usr/local --strip-components=1 --no-same-owner ... "
                     "&& node --version && npm --version")  # fmt: skip
        yarn_steps = ([_b(f"ENV YARN_VERSION={yarn}", True),
                       _b("RUN /bin/sh -c set -ex ... && curl -fsSLO --compressed \"https://yarnpkg.com/downloads/$YARN_VERSION/yarn-v$YARN_VERSION.tar.gz\" "
                          "... && tar -xzf yarn-v$YARN_VERSION.tar.gz -C /opt/ && ln -s /opt/yarn-v$YARN_VERSION/bin/yarn /usr/local/bin/yarn ... && yarn --version")]
                      if yarn else [])  # fmt: skip
        tail = [_b("COPY docker-entrypoint.sh /usr/local/bin/"), _b('ENTRYPOINT ["docker-entrypoint.sh"]', True),
                _b('CMD ["node"]', True)]  # fmt: skip
        yarn_layers = [f"node-yarn-{yarn}"] if yarn else []
        variants = [
            # key suffix, base, user layer, node layer, base MB, extra tags
            ("slim", "debian:12-slim", "node-20-user", f"node-{version}", 74.8, ["bookworm-slim"]),
            ("trixie-slim", "debian:13-slim", "node-trixie-user", f"node-{version}", 78.6, []),
            ("bookworm", "buildpack-deps:bookworm", "node-20-user", f"node-{version}", 1050, [""]),
            ("trixie", "buildpack-deps:trixie", "node-trixie-user", f"node-{version}", 1110, []),
            ("alpine", "alpine:3.22", "node-alpine-user", f"node-{version}-alpine", 8.3, ["alpine3.22"]),
        ]
        for suffix, base, user_layer, node_layer, _base_mb, extra in variants:
            if line == "20" and suffix == "slim":
                continue  # node:20-slim is the library's existing (mid-2025) image
            tags = [f"node:{line}-{suffix}", f"node:{version}-{suffix}"]
            tags += [f"node:{line}-{e}" if e else f"node:{line}" for e in extra]
            if suffix == "bookworm":
                tags.append(f"node:{version}")
            if line == "24":  # Active LTS since 2025-10-28
                tags += [f"node:lts-{suffix}"] + [f"node:lts-{e}" if e else "node:lts" for e in extra]
            history = [user, _b(f"ENV NODE_VERSION={version}", True), install, *yarn_steps, *tail]
            if suffix == "alpine":
                history[0] = _b(
                    "RUN /bin/sh -c addgroup -g 1000 node     && adduser -u 1000 -G node -s /bin/sh -D node"
                )
                history[2] = _b("RUN /bin/sh -c apk add --no-cache libstdc++ && apk add --no-cache --virtual .build-deps curl ... "
                                "&& curl -fsSLO --compressed \"https://unofficial-builds.nodejs.org/download/release/v$NODE_VERSION/node-v$NODE_VERSION-linux-$ARCH-musl.tar.xz\" "
                                "... && node --version && npm --version")  # fmt: skip
            out[f"node:{line}-{suffix}"] = _image(tags, None, f"nodejs/docker-node {line}/{suffix}; npm/corepack/yarn sizes from the npm registry",
                                                   TRIXIE, [user_layer, node_layer, *yarn_layers, "node-entrypoint"], config,
                                                   history, base=base)  # fmt: skip
    return out


def _golang() -> dict[str, dict[str, Any]]:
    out = {}
    for xy, version in GO.items():
        env = ["PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
               f"GOLANG_VERSION={version}", "GOTOOLCHAIN=local", "GOPATH=/go"]  # fmt: skip
        steps = [_b("ENV PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", True),
                 _b(f"ENV GOLANG_VERSION={version}", True), _b("ENV GOTOOLCHAIN=local", True), _b("ENV GOPATH=/go", True),
                 _b("ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", True),
                 _b("COPY /target/ / # buildkit".removesuffix(" # buildkit")),
                 _b('RUN /bin/sh -c mkdir -p "$GOPATH/src" "$GOPATH/bin" && chmod -R 1777 "$GOPATH"'),
                 _b("WORKDIR /go", True)]  # fmt: skip
        suites = [("bookworm", "buildpack-deps:bookworm-scm", "golang-bookworm-gcc")]
        if xy != "1.22":  # go1.22 went out of support (Feb 2025) before trixie was released
            suites.append(("trixie", "buildpack-deps:trixie-scm", "golang-trixie-gcc"))
        default = "trixie" if xy != "1.22" else "bookworm"
        for suite, base, gcc in suites:
            tags = [f"golang:{xy}-{suite}", f"golang:{version}-{suite}"]
            if suite == default:
                tags += [f"golang:{xy}", f"golang:{version}"]
            gcc_step = _b("RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends g++ gcc libc6-dev make pkg-config; rm -rf /var/lib/apt/lists/*")  # fmt: skip
            out[f"golang:{xy}-{suite}"] = _image(tags, None, f"docker-library/golang {xy}/{suite}", TRIXIE, [gcc, f"go-{version}", "golang-gopath"],
                                                  {"Env": env, "Cmd": ["bash"], "WorkingDir": "/go"}, [gcc_step, *steps], base=base)  # fmt: skip
        alpine = "alpine:3.21" if xy == "1.22" else "alpine:3.22"
        tags = [f"golang:{xy}-alpine", f"golang:{version}-alpine", f"golang:{xy}-{alpine.replace(':', '')}"]
        out[f"golang:{xy}-alpine"] = _image(tags, None, f"docker-library/golang {xy}/alpine", TRIXIE,
                                            ["golang-alpine-ca", f"go-{version}", "golang-gopath"],
                                            {"Env": env, "Cmd": ["/bin/sh"], "WorkingDir": "/go"},
                                            [_b("RUN /bin/sh -c apk add --no-cache ca-certificates"), *steps], base=alpine)  # fmt: skip
    return out


def _nginx() -> dict[str, dict[str, Any]]:
    old = json.loads((DATA / "images.json").read_text(encoding="utf-8"))["images"]["nginx:1.27"]
    scripts = old["layers"][1:]
    out = {}
    stable = copy.deepcopy(old)
    stable.update(tags=["nginx:1.28", "nginx:1.28.0", "nginx:stable", "nginx:stable-bookworm"], created="2025-04-23T00:00:00Z",
                  source="nginxinc/docker-nginx stable/debian/Dockerfile (1.28.0, FROM debian:bookworm-slim); " + APPROX,
                  layers=["nginx-1.28", *scripts])  # fmt: skip
    text = json.dumps(stable).replace("1.27.5", "1.28.0")
    out["nginx:1.28"] = json.loads(text)
    for line, version, base, tags in (("1.27", "1.27.5", "alpine:3.21", ["nginx:alpine", "nginx:mainline-alpine", "nginx:1.27-alpine", "nginx:1.27.5-alpine"]),
                                      ("1.28", "1.28.0", "alpine:3.21", ["nginx:stable-alpine", "nginx:1.28-alpine", "nginx:1.28.0-alpine"])):  # fmt: skip
        env = [
            PATH,
            f"NGINX_VERSION={version}",
            "PKG_RELEASE=1",
            "DYNPKG_RELEASE=1",
            "NJS_VERSION=0.8.10",
            "NJS_RELEASE=1",
        ]
        history = [_b("LABEL maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>", True),
                   _b(f"ENV NGINX_VERSION={version}", True), _b("ENV PKG_RELEASE=1", True), _b("ENV DYNPKG_RELEASE=1", True),
                   _b("RUN /bin/sh -c set -x     && addgroup -g 101 -S nginx     && adduser -S -D -H -u 101 -h /var/cache/nginx -s /sbin/nologin -G nginx -g nginx nginx "
                      "    && apkArch=\"$(cat /etc/apk/arch)\" ... && apk add --no-cache $nginxPackages ... && ln -sf /dev/stdout /var/log/nginx/access.log "
                      "    && ln -sf /dev/stderr /var/log/nginx/error.log     && mkdir /docker-entrypoint.d"),
                   *[h for h in old["history"] if h["created_by"].startswith("COPY")],
                   _b('ENTRYPOINT ["/docker-entrypoint.sh"]', True), _b("EXPOSE map[80/tcp:{}]", True),
                   _b("STOPSIGNAL SIGQUIT", True), _b('CMD ["nginx" "-g" "daemon off;"]', True),
                   _b("ENV NJS_VERSION=0.8.10", True), _b("ENV NJS_RELEASE=1", True),
                   _b("RUN /bin/sh -c set -x     && apkArch=\"$(cat /etc/apk/arch)\" ... && apk add --no-cache $nginxPackages "
                      "(nginx-module-xslt nginx-module-geoip nginx-module-image-filter nginx-module-njs) ... && apk add --no-cache curl ca-certificates")]  # fmt: skip
        out[f"nginx:{line}-alpine"] = _image(tags, 52, f"nginxinc/docker-nginx {'mainline' if line == '1.27' else 'stable'}/alpine (FROM nginx:{line}-alpine-slim FROM {base}); {APPROX}",
                                             "2025-05-21T00:00:00Z", [f"nginx-{line}-alpine-slim", *scripts, f"nginx-{line}-alpine-njs"],
                                             {**old["config"], "Env": env}, history, base=base)  # fmt: skip
    return out


def _servers() -> dict[str, dict[str, Any]]:
    out = {}
    for line, version, tags, mb in (("7.4", "7.4.6", ["redis:7.4", "redis:7.4.6", "redis:7", "redis:7.4-bookworm"], 117),
                                    ("8.2", "8.2.3", ["redis:8.2", "redis:8.2.3", "redis:8", "redis:latest", "redis:bookworm"], 137)):  # fmt: skip
        env = [PATH, "GOSU_VERSION=1.17", f"REDIS_VERSION={version}"]
        history = [_b("RUN /bin/sh -c set -eux; groupadd -r -g 999 redis; useradd -r -g redis -u 999 redis"),
                   _b(f"ENV REDIS_VERSION={version}", True),
                   _b("RUN /bin/sh -c set -eux; savedAptMark=\"$(apt-mark showmanual)\"; apt-get update; apt-get install -y --no-install-recommends "
                      "ca-certificates wget dpkg-dev gcc libc6-dev libssl-dev make ...; wget -O redis.tar.gz \"$REDIS_DOWNLOAD_URL\"; ... make -C /usr/src/redis all; "
                      "make -C /usr/src/redis install; ... redis-cli --version; redis-server --version"),
                   _b("RUN /bin/sh -c mkdir /data && chown redis:redis /data"), _b("VOLUME [/data]", True), _b("WORKDIR /data", True),
                   _b("COPY docker-entrypoint.sh /usr/local/bin/"), _b('ENTRYPOINT ["docker-entrypoint.sh"]', True),
                   _b("EXPOSE map[6379/tcp:{}]", True), _b('CMD ["redis-server"]', True)]  # fmt: skip
        config = {"Env": env, "Entrypoint": ["docker-entrypoint.sh"], "Cmd": ["redis-server"], "WorkingDir": "/data",
                  "Volumes": {"/data": {}}, "ExposedPorts": {"6379/tcp": {}}}  # fmt: skip
        out[f"redis:{line}"] = _image(tags, mb, f"docker-library/redis {line}/debian (FROM debian:bookworm-slim); {APPROX}", TRIXIE,
                                      ["redis-user", f"redis-{version}", "redis-data", "redis-entrypoint"], config, history,
                                      base="debian:12-slim")  # fmt: skip
    for major, version in (("16", "16.11"), ("17", "17.7")):
        pkg = f"{version}-1.pgdg12+1"
        env = [f"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/{major}/bin",
               "GOSU_VERSION=1.17", "LANG=en_US.utf8", f"PG_MAJOR={major}", f"PG_VERSION={pkg}", "PGDATA=/var/lib/postgresql/data"]  # fmt: skip
        history = [_b("RUN /bin/sh -c set -eux; groupadd -r postgres --gid=999; useradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres; "
                      "install --verbose --directory --owner postgres --group postgres --mode 1777 /var/lib/postgresql"),
                   _b("ENV GOSU_VERSION=1.17", True), _b("RUN /bin/sh -c set -eux; ... wget -O /usr/local/bin/gosu \"https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$dpkgArch\"; ... gosu nobody true"),
                   _b("RUN /bin/sh -c set -eux; ... apt-get install -y --no-install-recommends locales libnss-wrapper xz-utils zstd; ... localedef -i en_US -c -f UTF-8 -A /usr/share/locale/locale.alias en_US.UTF-8"),
                   _b("ENV LANG=en_US.utf8", True), _b(f"ENV PG_MAJOR={major}", True),
                   _b(f"ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/{major}/bin", True),
                   _b(f"ENV PG_VERSION={pkg}", True),
                   _b("RUN /bin/sh -c set -ex; export PYTHONDONTWRITEBYTECODE=1; ... apt-get install -y --no-install-recommends \"postgresql-$PG_MAJOR=$PG_VERSION\"; ... postgres --version"),
                   _b("RUN /bin/sh -c install --verbose --directory --owner postgres --group postgres --mode 3777 /var/run/postgresql"),
                   _b("ENV PGDATA=/var/lib/postgresql/data", True),
                   _b("COPY docker-entrypoint.sh docker-ensure-initdb.sh /usr/local/bin/"),
                   _b('ENTRYPOINT ["docker-entrypoint.sh"]', True), _b("STOPSIGNAL SIGINT", True),
                   _b("EXPOSE map[5432/tcp:{}]", True), _b('CMD ["postgres"]', True)]  # fmt: skip
        config = {"Env": env, "Entrypoint": ["docker-entrypoint.sh"], "Cmd": ["postgres"], "StopSignal": "SIGINT",
                  "ExposedPorts": {"5432/tcp": {}}, "Volumes": {"/var/lib/postgresql/data": {}}}  # fmt: skip
        tags = [f"postgres:{major}", f"postgres:{version}", f"postgres:{major}-bookworm"]
        out[f"postgres:{major}"] = _image(tags, 435, f"docker-library/postgres {major}/bookworm; {APPROX}", "2025-11-13T00:00:00Z",
                                          ["postgres-user", "postgres-gosu", "postgres-locales", f"postgres-{version}", "postgres-dirs",
                                           "postgres-entrypoint"], config, history, base="debian:12-slim")  # fmt: skip
    env = ["PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HTTPD_PREFIX=/usr/local/apache2",
           "HTTPD_VERSION=2.4.65", "HTTPD_SHA256=58b8be97d9940ec17f7656c0c6b9f41b618aac468b894b534148e3296c53b8b3", "HTTPD_PATCHES="]  # fmt: skip
    history = [_b("ENV HTTPD_PREFIX=/usr/local/apache2", True), _b("ENV PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", True),
               _b('RUN /bin/sh -c mkdir -p "$HTTPD_PREFIX"     && chown www-data:www-data "$HTTPD_PREFIX"'), _b("WORKDIR /usr/local/apache2", True),
               _b("RUN /bin/sh -c set -eux;     apt-get update;     apt-get install -y --no-install-recommends         ca-certificates         libaprutil1-ldap         libldap-common     ;     rm -rf /var/lib/apt/lists/*"),
               _b("ENV HTTPD_VERSION=2.4.65", True), _b("ENV HTTPD_SHA256=...", True), _b("ENV HTTPD_PATCHES=", True),
               _b("RUN /bin/sh -c set -eux;     savedAptMark=\"$(apt-mark showmanual)\"; ... ./configure --build=\"$gnuArch\" --prefix=\"$HTTPD_PREFIX\" --enable-mods-shared=reallyall --enable-mpms-shared=all ...; make install; ... httpd -v"),
               _b("STOPSIGNAL SIGWINCH", True), _b("COPY httpd-foreground /usr/local/bin/"), _b("EXPOSE map[80/tcp:{}]", True),
               _b('CMD ["httpd-foreground"]', True)]  # fmt: skip
    out["httpd:2.4"] = _image(["httpd:2.4", "httpd:2.4.65", "httpd:2", "httpd:latest", "httpd:bookworm"], 148,
                              f"docker-library/httpd 2.4 (FROM debian:bookworm-slim); {APPROX}", "2025-07-23T00:00:00Z",
                              ["httpd-prefix", "httpd-deps", "httpd-2.4.65", "httpd-foreground"],
                              {"Env": env, "Cmd": ["httpd-foreground"], "WorkingDir": "/usr/local/apache2", "StopSignal": "SIGWINCH",
                               "ExposedPorts": {"80/tcp": {}}}, history, base="debian:12-slim")  # fmt: skip
    return out


def _jvm() -> dict[str, dict[str, Any]]:
    out = {}
    for feature, (version, java_version, _jdk, _jre) in TEMURIN.items():
        for kind in ("jdk", "jre"):
            env = ["JAVA_HOME=/opt/java/openjdk", "PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                   "LANG=en_US.UTF-8", "LANGUAGE=en_US:en", "LC_ALL=en_US.UTF-8", f"JAVA_VERSION={java_version}"]  # fmt: skip
            history = [_b("ENV JAVA_HOME=/opt/java/openjdk", True), _b("ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", True),
                       _b("ENV LANG=en_US.UTF-8 LANGUAGE=en_US:en LC_ALL=en_US.UTF-8", True),
                       _b("RUN /bin/sh -c set -eux;     apt-get update;     DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends         "
                          "curl wget fontconfig ca-certificates p11-kit tzdata locales binutils     ;     echo \"en_US.UTF-8 UTF-8\" >> /etc/locale.gen;     locale-gen en_US.UTF-8;     rm -rf /var/lib/apt/lists/*"),
                       _b(f"ENV JAVA_VERSION={java_version}", True),
                       _b("RUN /bin/sh -c set -eux;     ARCH=\"$(dpkg --print-architecture)\"; ... wget --progress=dot:giga -O /tmp/openjdk.tar.gz ${BINARY_URL}; ... "
                          "tar --extract --file /tmp/openjdk.tar.gz --directory \"$JAVA_HOME\" --strip-components 1 --no-same-owner ..."),
                       _b("RUN /bin/sh -c set -eux;     echo \"Verifying install ...\";" + (" echo \"javac --version\"; javac --version;" if kind == "jdk" else "")
                          + "     echo \"java --version\"; java --version;     echo \"Complete.\""),
                       _b("COPY --chmod=755 entrypoint.sh /__cacert_entrypoint.sh"), _b('ENTRYPOINT ["/__cacert_entrypoint.sh"]', True)]  # fmt: skip
            config: dict[str, Any] = {"Env": env, "Entrypoint": ["/__cacert_entrypoint.sh"]}
            if kind == "jdk":
                config["Cmd"] = ["jshell"]
                history.append(_b('CMD ["jshell"]', True))
            tags = [f"eclipse-temurin:{feature}-{kind}", f"eclipse-temurin:{feature}-{kind}-noble",
                    f"eclipse-temurin:{version.replace('+', '_')}-{kind}"]  # fmt: skip
            if kind == "jdk":
                tags += [f"eclipse-temurin:{feature}", f"eclipse-temurin:{feature}-noble"]
            out[f"eclipse-temurin:{feature}-{kind}"] = _image(tags, None,
                                                              f"adoptium/containers {feature}/{kind}/ubuntu/noble", "2025-10-22T00:00:00Z",
                                                              ["temurin-deps-noble", f"temurin-{feature}-{kind}", "temurin-verify", "temurin-entrypoint"],
                                                              config, history, base="ubuntu:24.04")  # fmt: skip
    base = out["eclipse-temurin:21-jdk"]
    env = [*base["config"]["Env"], "MAVEN_HOME=/usr/share/maven", "MAVEN_CONFIG=/root/.m2"]
    history = [_b("ENV MAVEN_HOME=/usr/share/maven", True), _b("COPY /usr/share/maven /usr/share/maven"),
               _b("RUN /bin/sh -c ln -s ${MAVEN_HOME}/bin/mvn /usr/bin/mvn"), _b("ARG MAVEN_VERSION=3.9.11", True),
               _b("ARG USER_HOME_DIR=/root", True), _b("ENV MAVEN_CONFIG=/root/.m2", True),
               _b("COPY mvn-entrypoint.sh /usr/local/bin/mvn-entrypoint.sh"), _b('ENTRYPOINT ["/usr/local/bin/mvn-entrypoint.sh"]', True),
               _b('CMD ["mvn"]', True)]  # fmt: skip
    out["maven:3.9-eclipse-temurin-21"] = _image(
        ["maven:3.9-eclipse-temurin-21", "maven:3.9.11-eclipse-temurin-21", "maven:3-eclipse-temurin-21", "maven:3.9", "maven:latest"],
        None, "carlossg/docker-maven eclipse-temurin-21 (FROM eclipse-temurin:21-jdk)",
        "2025-10-22T00:00:00Z", ["maven-3.9.11", "maven-link", "maven-entrypoint"],
        {"Env": env, "Entrypoint": ["/usr/local/bin/mvn-entrypoint.sh"], "Cmd": ["mvn"]}, history,
        base="eclipse-temurin:21-jdk")  # fmt: skip
    return out


def _dotnet() -> dict[str, dict[str, Any]]:
    out = {}
    mcr = "mcr.microsoft.com/dotnet"
    for channel, (runtime, aspnet, sdk) in DOTNET.items():
        env = [PATH, "APP_UID=1654", "ASPNETCORE_HTTP_PORTS=8080", "DOTNET_RUNNING_IN_CONTAINER=true"]
        deps = f"{mcr}/runtime-deps:{channel}"
        out[deps] = _image([deps, f"{deps}-bookworm-slim", f"{mcr}/runtime-deps:{runtime}"], None,
                           f"dotnet/dotnet-docker src/runtime-deps/{channel}/bookworm-slim", "2025-10-14T00:00:00Z",
                           ["dotnet-runtime-deps-bookworm", "dotnet-app-user"], {"Env": env},
                           [_b("ENV APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true", True),
                            _b("RUN /bin/sh -c apt-get update     && apt-get install -y --no-install-recommends         ca-certificates         libc6         libgcc-s1         libicu72         libssl3         libstdc++6         tzdata         zlib1g     && rm -rf /var/lib/apt/lists/*"),
                            _b("RUN /bin/sh -c groupadd         --gid=$APP_UID         app     && useradd --no-log-init         --uid=$APP_UID         --gid=$APP_UID         --create-home         app")],
                           base="debian:12-slim")  # fmt: skip
        rt = f"{mcr}/runtime:{channel}"
        rt_env = [*env, f"DOTNET_VERSION={runtime}"]
        out[rt] = _image([rt, f"{rt}-bookworm-slim", f"{mcr}/runtime:{runtime}"], None, f"dotnet/dotnet-docker src/runtime/{channel}/bookworm-slim",
                         "2025-10-14T00:00:00Z", [f"dotnet-runtime-{runtime}", "dotnet-link"], {"Env": rt_env},
                         [_b(f"ENV DOTNET_VERSION={runtime}", True), _b("COPY /dotnet /usr/share/dotnet"),
                          _b("RUN /bin/sh -c ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet")], base=deps)  # fmt: skip
        asp = f"{mcr}/aspnet:{channel}"
        asp_env = [*rt_env, f"ASPNET_VERSION={aspnet}"]
        out[asp] = _image([asp, f"{asp}-bookworm-slim", f"{mcr}/aspnet:{aspnet}"], None, f"dotnet/dotnet-docker src/aspnet/{channel}/bookworm-slim",
                          "2025-10-14T00:00:00Z", [f"aspnetcore-{aspnet}"], {"Env": asp_env},
                          [_b(f"ENV ASPNET_VERSION={aspnet}", True), _b("COPY /dotnet /usr/share/dotnet")], base=rt)  # fmt: skip
        sdk_ref = f"{mcr}/sdk:{channel}"
        sdk_env = [*asp_env, "DOTNET_GENERATE_ASPNET_CERTIFICATE=false", "DOTNET_NOLOGO=true", f"DOTNET_SDK_VERSION={sdk}",
                   "DOTNET_USE_POLLING_FILE_WATCHER=true", "NUGET_XMLDOC_MODE=skip",
                   "POWERSHELL_DISTRIBUTION_CHANNEL=PSDocker-DotnetSDK-Debian-12"]  # fmt: skip
        out[sdk_ref] = _image([sdk_ref, f"{sdk_ref}-bookworm-slim", f"{mcr}/sdk:{sdk}"], None,
                              f"dotnet/dotnet-docker src/sdk/{channel}/bookworm-slim/amd64", "2025-10-14T00:00:00Z",
                              ["dotnet-sdk-deps", f"dotnet-sdk-{sdk}"], {"Env": sdk_env},
                              [_b("ENV DOTNET_GENERATE_ASPNET_CERTIFICATE=false DOTNET_NOLOGO=true DOTNET_SDK_VERSION=" + sdk + " DOTNET_USE_POLLING_FILE_WATCHER=true NUGET_XMLDOC_MODE=skip POWERSHELL_DISTRIBUTION_CHANNEL=PSDocker-DotnetSDK-Debian-12", True),
                               _b("RUN /bin/sh -c apt-get update     && apt-get install -y --no-install-recommends         curl         git         libatomic1         wget     && rm -rf /var/lib/apt/lists/*"),
                               _b("RUN /bin/sh -c curl -fSL --output dotnet.tar.gz https://builds.dotnet.microsoft.com/dotnet/Sdk/$DOTNET_SDK_VERSION/dotnet-sdk-$DOTNET_SDK_VERSION-linux-x64.tar.gz ... "
                                  "&& tar -oxzf dotnet.tar.gz -C /usr/share/dotnet ./packs ./sdk ./sdk-manifests ./templates ./LICENSE.txt ./ThirdPartyNotices.txt ... "
                                  "&& dotnet help ... && curl -fSL --output PowerShell.Linux.x64.nupkg ... && ln -s /usr/share/powershell/pwsh /usr/bin/pwsh")],
                              base=asp)  # fmt: skip
    return out


def _distroless() -> dict[str, dict[str, Any]]:
    out = {}
    env = [PATH, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"]
    epoch = "1970-01-01T00:00:00Z"
    for name, layers, mb in (("static-debian12", ["distroless-static-debian12", "distroless-static-files"], 2.0),
                             ("base-debian12", ["distroless-static-debian12", "distroless-static-files", "distroless-base-debian12"], 20.7)):  # fmt: skip
        ref = f"gcr.io/distroless/{name}"
        history = [_h_bazel("bazel build ...") for _ in layers]
        for user, workdir, tag in (("0", "/", "latest"), ("65532", "/home/nonroot", "nonroot")):
            short = f"gcr.io/distroless/{name.removesuffix('-debian12')}:{tag}"  # the unversioned name is Debian 12's
            out[f"{ref}:{tag}"] = _image([f"{ref}:{tag}", short], mb, f"GoogleContainerTools/distroless {name} (Debian 12 packages, bazel rules_oci); "
                                         "created is the epoch, as in the real images; Docker Hub-style size, approximate",
                                         epoch, layers, {"Env": env, "User": user, "WorkingDir": workdir}, history)  # fmt: skip
    return out


def _h_bazel(created_by: str) -> dict[str, Any]:
    return {"created_by": created_by, "comment": "distroless: bazel rules_oci layer"}


def entries() -> dict[str, dict[str, Any]]:
    return {**_node(), **_golang(), **_nginx(), **_servers(), **_jvm(), **_dotnet(), **_distroless()}
