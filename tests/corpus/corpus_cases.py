"""What each real-world Dockerfile of ``dockerfiles/`` must build into (issue 11 part 6).

One :class:`Case` per directory.  The expectations are written from the Dockerfile and
BuildKit's rules (history ``created_by`` of each layer, the files an install step must leave in
its layer, the commands no simulator can run), not from a simulator run.

``NEEDS`` is the one place that says which cases cannot build on this branch and why: images
of the library branch and tools of the toolchains branch (issue 11 parts 1 and 2).  Remove an
entry when what it names has landed; the test then has to pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PY310 = "/usr/local/lib/python3.10/site-packages"
PY311 = "/usr/local/lib/python3.11/site-packages"


def run(command: str, args: str = "") -> str:
    """BuildKit's history line of a ``RUN`` (``|N NAME=value ...`` when stage ARGs are in scope)."""
    return f"RUN {args + ' ' if args else ''}/bin/sh -c {command} # buildkit"


def copy(sources: str, dest: str, flags: str = "") -> str:
    return f"COPY {flags + ' ' if flags else ''}{sources} {dest} # buildkit"


def workdir(path: str) -> str:
    return f"WORKDIR {path}"


def prefix(text: str) -> str:
    """A history line checked by its start (long official-image scripts): ``prefix(run(x))``
    is the start ``RUN /bin/sh -c x`` (without the `` # buildkit`` that ends the whole line)."""
    return text.removesuffix(" # buildkit") + "..."


@dataclass(frozen=True)
class Case:
    """What one Dockerfile builds into.

    Attributes:
        layers: ``created_by`` of each layer the Dockerfile adds to the final image, in order
            (a line ending in ``...`` is compared by its start).
        files: by index in ``layers``: paths that layer must hold.
        unsimulated: Dockerfile line -> the commands that step could not simulate, for every
            step that has some; ``None``: not checked.
        config: attributes of the image config that must be equal.
        target: ``--target`` (what the project's compose file builds).
        checks: the build checks (rule, line) the build must report.
    """

    layers: list[str]
    files: dict[int, list[str]] = field(default_factory=dict)
    unsimulated: dict[int, tuple[str, ...]] | None = field(default_factory=dict)
    config: dict[str, object] = field(default_factory=dict)
    target: str | None = None
    checks: set[tuple[str, int]] = field(default_factory=set)


#: What ``apk add nodejs`` leaves in its layer on Alpine: node, the libraries it links that the
#: base lacks (libgcc_s), ca-certificates (nodejs' own depends) and apk's database.
APK_NODEJS = [
    "/usr/bin/node",
    "/usr/lib/libgcc_s.so.1",
    "/usr/sbin/update-ca-certificates",
    "/lib/apk/db/installed",
    "/etc/apk/world",
]
#: The builder stage's node_modules the microservices-demo node services copy (grpc, the profiler).
NODE_GRPC_PROFILER = [
    "/usr/src/app/node_modules/@grpc/grpc-js/package.json",
    "/usr/src/app/node_modules/@google-cloud/profiler/package.json",
]

CASES: dict[str, Case] = {
    "awesome-compose-flask": Case(
        [
            workdir("/app"),
            copy("requirements.txt", "/app"),
            run("pip3 install -r requirements.txt"),
            copy(".", "/app"),
        ],
        files={2: [f"{PY310}/flask/__init__.py"], 3: ["/app/app.py"]},
        config={"entrypoint": ("python3",), "cmd": ("app.py",), "working_dir": "/app"},
        target="builder",
        checks={("FromAsCasing", 15)},
    ),
    "awesome-compose-fastapi": Case(
        [
            workdir("/app"),
            copy("requirements.txt", "./"),
            run("pip install -r requirements.txt"),
            copy("./app", "./app"),
        ],
        files={2: [f"{PY310}/fastapi/__init__.py"], 3: ["/app/app/main.py"]},
        target="builder",
        checks={("FromAsCasing", 13)},
    ),
    "awesome-compose-django": Case(
        [
            workdir("/app"),
            copy("requirements.txt", "/app"),
            run("pip3 install -r requirements.txt --no-cache-dir"),
            copy(".", "/app"),
        ],
        files={2: [f"{PY310}/django/__init__.py"], 3: ["/app/manage.py"]},
        config={"entrypoint": ("python3",), "cmd": ("manage.py", "runserver", "0.0.0.0:8000")},
        target="builder",
        checks={("FromAsCasing", 12)},
    ),
    "awesome-compose-flask-redis": Case(
        [
            workdir("/code"),
            copy("requirements.txt", "/code"),
            run("pip3 install -r requirements.txt"),
            copy(".", "/code"),
        ],
        files={2: [f"{PY310}/flask/__init__.py", f"{PY310}/redis/__init__.py"]},
        target="builder",
        checks={("FromAsCasing", 15)},
    ),
    "awesome-compose-nginx-golang": Case(
        [copy("/code/bin/backend", "/usr/local/bin/backend")],
        files={0: ["/usr/local/bin/backend"]},
        config={"cmd": ("/usr/local/bin/backend",)},
        checks={
            ("FromAsCasing", 22),
            ("LegacyKeyValueFormat", 6),
            ("LegacyKeyValueFormat", 7),
            ("LegacyKeyValueFormat", 8),
        },
    ),
    "awesome-compose-nginx-flask-mysql-backend": Case(
        [
            workdir("/code"),
            copy("requirements.txt", "/code"),
            run("pip3 install -r requirements.txt"),
            copy(".", "."),
        ],
        files={
            2: [
                f"{PY310}/flask/__init__.py",
                f"{PY310}/mysql/connector/__init__.py",
                f"{PY310}/mysqlx/__init__.py",
                f"{PY310}/mysql_connector-2.2.9.dist-info/RECORD",
            ],
            3: ["/code/hello.py"],
        },
        config={"cmd": ("flask", "run")},
        target="builder",
        checks={("LegacyKeyValueFormat", line) for line in (11, 12, 13, 14)},
    ),
    "awesome-compose-nginx-flask-mysql-proxy": Case(
        [copy("conf", "/etc/nginx/conf.d/default.conf")], files={0: ["/etc/nginx/conf.d/default.conf"]}
    ),
    "awesome-compose-react-express-mysql-backend": Case(
        [
            workdir("/code"),
            copy("package.json", "/code/package.json"),
            copy("package-lock.json", "/code/package-lock.json"),
            run("npm ci", "|2 NODE_ENV=production PORT=80"),
            copy(".", "/code"),
        ],
        files={
            3: [
                "/code/node_modules/express/package.json",
                "/code/node_modules/knex/package.json",
                "/code/node_modules/mysql2/package.json",
                "/code/node_modules/.package-lock.json",
            ]
        },
        config={"cmd": ("node", "src/index.js"), "user": ""},
        target="development",
        checks={("FromAsCasing", 35), ("LegacyKeyValueFormat", 9), ("LegacyKeyValueFormat", 15)},
    ),
    "awesome-compose-spring-postgres": Case(
        [
            copy("/workdir/server/target/dependency/BOOT-INF/lib", "/app/lib"),
            copy("/workdir/server/target/dependency/META-INF", "/app/META-INF"),
            copy("/workdir/server/target/dependency/BOOT-INF/classes", "/app"),
        ],
        files={
            # jar -xf of mvn install's executable jar (Spring Boot 2.2.5: the BOM's 2.x line of jars)
            0: [
                "/app/lib/spring-boot-2.2.5.RELEASE.jar",
                "/app/lib/spring-boot-starter-web-2.2.5.RELEASE.jar",
                "/app/lib/postgresql-42.3.8.jar",
            ],
            1: ["/app/META-INF/MANIFEST.MF"],
            2: [
                "/app/com/company/project/Application.class",
                "/app/application.properties",
                "/app/templates/home.ftlh",
            ],
        },
        config={"entrypoint": ("java", "-cp", "app:app/lib/*", "com.company.project.Application")},
        checks={("FromAsCasing", 26)},
    ),
    "awesome-compose-nginx-wsgi-flask-nginx": Case(
        [
            run("apk add bash"),
            copy("nginx.conf", "/etc/nginx/nginx.conf", "--chown=nginx:nginx"),
            copy("start.sh", "/app/start.sh", "--chown=nginx:nginx"),
            workdir("/app"),
            prefix(run("chown -R nginx:nginx /app && chmod -R 755 /app &&")),
            run("touch /var/run/nginx.pid && chown -R nginx:nginx /var/run/nginx.pid"),
        ],
        files={0: ["/bin/bash"], 2: ["/app/start.sh"]},
        config={"user": "nginx", "cmd": ("nginx", "-g", "'daemon off;'")},
    ),
    "awesome-compose-vuejs": Case(
        [
            run("mkdir /project"),
            workdir("/project"),
            copy(".", "."),
            run("yarn global add @vue/cli"),
            run("yarn install"),
        ],
        files={
            3: [
                "/usr/local/share/.config/yarn/global/node_modules/@vue/cli/package.json",
                "/usr/local/bin/vue",
            ],
            4: [
                "/project/node_modules/vue/package.json",
                "/project/node_modules/@vue/cli-service/package.json",
                "/project/node_modules/.bin/vue-cli-service",
            ],
        },
        unsimulated=None,
        config={"cmd": ("yarn", "run", "serve")},
        target="development",
        checks={("FromAsCasing", 14)},
    ),
    "awesome-compose-nginx-nodejs-redis-web": Case(
        [
            workdir("/usr/src/app"),
            copy("package.json package-lock.json", "./"),
            run("npm ci"),
            copy("./server.js", "./"),
        ],
        files={
            2: [
                "/usr/src/app/node_modules/express/package.json",
                "/usr/src/app/node_modules/redis/package.json",
                "/usr/src/app/node_modules/body-parser/package.json",
            ]
        },
        config={"cmd": ("npm", "start")},
    ),
    "awesome-compose-traefik-golang": Case(
        [copy("/compose/hello-docker/backend", "/usr/local/bin/backend")],
        files={0: ["/usr/local/bin/backend"]},
        checks={("FromAsCasing", 9)},
    ),
    "docs-getting-started": Case(
        [workdir("/app"), copy(".", "."), run("yarn install --production")],
        files={
            2: [
                "/app/node_modules/express/package.json",
                "/app/node_modules/mysql2/package.json",
                "/app/node_modules/sqlite3/package.json",
                "/app/node_modules/wait-port/package.json",
                "/app/yarn.lock",
            ]
        },
        config={"cmd": ("node", "src/index.js")},
    ),
    "voting-app-vote": Case(
        [
            run(
                "apt-get update &&     apt-get install -y --no-install-recommends curl &&     rm -rf /var/lib/apt/lists/*"
            ),
            workdir("/usr/local/app"),
            copy("requirements.txt", "./requirements.txt"),
            run("pip install --no-cache-dir -r requirements.txt"),
            copy(".", "."),
        ],
        files={
            0: ["/usr/bin/curl"],
            3: [f"{PY311}/flask/__init__.py", f"{PY311}/redis/__init__.py", f"{PY311}/gunicorn/__init__.py"],
            4: ["/usr/local/app/app.py"],
        },
        target="final",
    ),
    "voting-app-result": Case(
        [
            run(
                "apt-get update &&     apt-get install -y --no-install-recommends curl tini &&     rm -rf /var/lib/apt/lists/*"
            ),
            workdir("/usr/local/app"),
            run("npm install -g nodemon"),
            copy("package*.json", "./"),
            run("npm ci &&  npm cache clean --force &&  mv /usr/local/app/node_modules /node_modules"),
            copy(".", "."),
        ],
        files={
            0: ["/usr/bin/tini"],
            2: ["/usr/local/lib/node_modules/nodemon/package.json", "/usr/local/bin/nodemon"],
            4: [
                "/node_modules/express/package.json",
                "/node_modules/socket.io/package.json",
                "/node_modules/@socket.io/component-emitter/package.json",
            ],
        },
        config={"entrypoint": ("/usr/bin/tini", "--"), "cmd": ("node", "server.js")},
    ),
    "voting-app-worker": Case(
        [workdir("/app"), copy("/app", ".")],
        files={1: ["/app/Worker.dll"]},
        config={"entrypoint": ("dotnet", "Worker.dll")},
    ),
    "voting-app-seed-data": Case(
        [
            run(
                "apt-get update     && apt-get install -y --no-install-recommends     apache2-utils     && rm -rf /var/lib/apt/lists/*"
            ),
            workdir("/seed"),
            copy(".", "."),
            run("python make-data.py"),
        ],
        files={
            0: ["/usr/bin/ab", "/usr/lib/x86_64-linux-gnu/libapr-1.so.0.7.2"],
            2: ["/seed/generate-votes.sh"],
        },
        unsimulated={14: ("python",)},
        config={"cmd": ("/seed/generate-votes.sh",)},
    ),
    "microservices-demo-emailservice": Case(
        [
            run("apk update     && apk add --no-cache libstdc++     && rm -rf /var/cache/apk/*"),
            workdir("/email_server"),
            copy("/usr/local/lib/python3.14/", "/usr/local/lib/python3.14/"),
            copy(".", "."),
        ],
        files={
            2: ["/usr/local/lib/python3.14/site-packages/grpc/__init__.py"],
            # email_server.py is over the context's 4 KB (SOURCE): the files the corpus has
            3: ["/email_server/logger.py", "/email_server/templates/confirmation.html"],
        },
        config={"entrypoint": ("python", "email_server.py")},
    ),
    "microservices-demo-frontend": Case(
        [
            workdir("/src"),
            copy("/go/bin/frontend", "/src/server"),
            copy("./templates", "./templates"),
            copy("./static", "./static"),
        ],
        files={1: ["/src/server"], 2: ["/src/templates/home.html"]},
        config={"entrypoint": ("/src/server",)},
    ),
    "microservices-demo-currencyservice": Case(
        [
            run("apk add --no-cache nodejs"),
            workdir("/usr/src/app"),
            copy("/usr/src/app/node_modules", "./node_modules"),
            copy(".", "."),
        ],
        files={
            0: APK_NODEJS,
            2: NODE_GRPC_PROFILER,
        },
        config={"entrypoint": ("node", "server.js")},
    ),
    "microservices-demo-paymentservice": Case(
        [
            run("apk add --no-cache nodejs"),
            workdir("/usr/src/app"),
            copy("/usr/src/app/node_modules", "./node_modules"),
            copy(".", "."),
        ],
        files={
            0: APK_NODEJS,
            2: NODE_GRPC_PROFILER,
            3: ["/usr/src/app/index.js"],
        },
        config={"entrypoint": ("node", "index.js")},
    ),
    "microservices-demo-productcatalogservice": Case(
        [workdir("/src"), copy("/productcatalogservice", "./server"), copy("products.json", ".")],
        files={1: ["/src/server"], 2: ["/src/products.json"]},
        config={"entrypoint": ("/src/server",)},
    ),
    "microservices-demo-shippingservice": Case(
        [workdir("/src"), copy("/go/bin/shippingservice", "/src/shippingservice")],
        files={1: ["/src/shippingservice"]},
        config={"entrypoint": ("/src/shippingservice",)},
    ),
    "microservices-demo-loadgenerator": Case(
        [
            run("apk update     && apk add --no-cache libstdc++     && rm -rf /var/cache/apk/*"),
            workdir("/loadgen"),
            copy("/install", "/usr/local"),
            copy("locustfile.py", "."),
        ],
        files={2: ["/usr/local/bin/locust"]},
        checks={("JSONArgsRecommended", 52)},
    ),
    "official-redis-7.2-alpine": Case(
        [
            run("set -eux; \taddgroup -S -g 1000 redis; \tadduser -S -G redis -u 999 redis"),
            run("set -eux; \tapk add --no-cache \t\ttzdata \t;"),
            prefix(run("set -eux; \tapk add --no-cache --virtual .gosu-fetch gnupg;")),
            prefix(run("set -eux; \t\tapk add --no-cache --virtual .build-deps")),
            run("mkdir /data && chown redis:redis /data"),
            workdir("/data"),
            copy("docker-entrypoint.sh", "/usr/local/bin/"),
        ],
        files={1: ["/usr/share/zoneinfo/UTC"], 6: ["/usr/local/bin/docker-entrypoint.sh"]},
        unsimulated=None,
        config={"entrypoint": ("docker-entrypoint.sh",), "cmd": ("redis-server",), "working_dir": "/data"},
        checks={("LegacyKeyValueFormat", line) for line in (24, 52, 53, 54)},
    ),
    "official-redis-7.2-debian": Case(
        [
            run("set -eux; \tgroupadd -r -g 999 redis; \tuseradd -r -g redis -u 999 redis"),
            run(
                "set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\ttzdata \t; \trm -rf /var/lib/apt/lists/*"
            ),
            prefix(run('set -eux; \tsavedAptMark="$(apt-mark showmanual)";')),
            prefix(run('set -eux; \t\tsavedAptMark="$(apt-mark showmanual)";')),
            run("mkdir /data && chown redis:redis /data"),
            workdir("/data"),
            copy("docker-entrypoint.sh", "/usr/local/bin/"),
        ],
        files={1: ["/usr/share/zoneinfo/UTC"]},
        unsimulated=None,
        config={"entrypoint": ("docker-entrypoint.sh",), "cmd": ("redis-server",)},
        checks={("LegacyKeyValueFormat", line) for line in (25, 59, 60, 61)},
    ),
    "official-httpd-2.4": Case(
        [
            run('mkdir -p "$HTTPD_PREFIX" \t&& chown www-data:www-data "$HTTPD_PREFIX"'),
            workdir("/usr/local/apache2"),
            prefix(run("set -eux; \tapt-get install --update -y --no-install-recommends")),
            prefix(run('set -eux; \t\tsavedAptMark="$(apt-mark showmanual)";')),
            copy("httpd-foreground", "/usr/local/bin/"),
        ],
        files={4: ["/usr/local/bin/httpd-foreground"]},
        unsimulated=None,
        config={"cmd": ("httpd-foreground",), "stop_signal": "SIGWINCH"},
        checks={("LegacyKeyValueFormat", line) for line in (6, 7, 24, 25)},
    ),
    "official-python-3.12-slim-bookworm": Case(
        [
            prefix(
                run(
                    "set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tca-certificates"
                )
            ),
            prefix(run('set -eux; \t\tsavedAptMark="$(apt-mark showmanual)";')),
            prefix(run("set -eux; \tfor src in idle3 pip3 pydoc3 python3 python3-config; do")),
        ],
        files={0: ["/etc/ssl/certs/ca-certificates.crt", "/usr/share/zoneinfo/UTC"]},
        unsimulated=None,
        config={"cmd": ("python3",)},
        checks={("LegacyKeyValueFormat", line) for line in (10, 15, 27, 28, 29)}
        | {("SecretsUsedInArgOrEnv", 27)},
    ),
    "official-node-22-alpine3.23": Case(
        [
            prefix(run("addgroup -g 1000 node     && adduser -u 1000 -G node -s /bin/sh -D node")),
            prefix(run("apk add --no-cache --virtual .build-deps-yarn curl gnupg tar")),
            copy("docker-entrypoint.sh", "/usr/local/bin/"),
        ],
        files={2: ["/usr/local/bin/docker-entrypoint.sh"]},
        unsimulated=None,
        config={"entrypoint": ("docker-entrypoint.sh",), "cmd": ("node",)},
    ),
    "official-nginx-stable-alpine-slim": Case(
        [
            prefix(run("set -x     && addgroup -g 101 -S nginx")),
            copy("docker-entrypoint.sh", "/"),
            copy("10-listen-on-ipv6-by-default.sh", "/docker-entrypoint.d"),
            copy("15-local-resolvers.envsh", "/docker-entrypoint.d"),
            copy("20-envsubst-on-templates.sh", "/docker-entrypoint.d"),
            copy("30-tune-worker-processes.sh", "/docker-entrypoint.d"),
        ],
        files={1: ["/docker-entrypoint.sh"], 5: ["/docker-entrypoint.d/30-tune-worker-processes.sh"]},
        unsimulated=None,
        config={
            "entrypoint": ("/docker-entrypoint.sh",),
            "cmd": ("nginx", "-g", "daemon off;"),
            "stop_signal": "SIGQUIT",
        },
        checks={("LegacyKeyValueFormat", line) for line in (10, 11, 12)},
    ),
}

NPM = "layerlab's npm catalogue (simulator/distro/data/npm.json, made by python -m simulator.distro.gen_npm)"
PYPI = "layerlab's PyPI catalogue (pip.json, gen_pip)"
APK = "layerlab's Alpine catalogue (packages.json: Alpine 3.20's packages)"
DEB = "layerlab's Debian catalogue (packages.json: Debian 12 packages)"

#: Why a case cannot build yet: each names the one thing missing (a gap of the simulator's data
#: or models, not of the Dockerfile); remove the entry when it lands, and the case has to pass.
NEEDS: dict[str, str] = {
    "official-httpd-2.4": "wget of httpd's source tarball (dlcdn.apache.org, then archive.apache.org) before its sha256 "
    "check: no network, as in an offline docker build (the apt steps before it build)",
    "official-nginx-stable-alpine-slim": "wget of nginx.org's signing key before its sha512 check: no network, as in an "
    "offline docker build (apk openssl installs before it; nginx.org's own apk repository is not modelled either)",
    "official-node-22-alpine3.23": "curl of node's musl tarball (unofficial-builds.nodejs.org) before its sha256 check: "
    "no network, as in an offline docker build (the apk steps before it install)",
    "official-python-3.12-slim-bookworm": "wget of CPython's source tarball (www.python.org) before its sha256 check: "
    "no network, as in an offline docker build (CPython's apt build deps install before it)",
    "official-redis-7.2-alpine": "wget of gosu's release (and its .asc) from github.com before its sha256 check: no "
    "network, as in an offline docker build (apk tzdata and gnupg install before it)",
    "official-redis-7.2-debian": "wget of gosu's release (and its .asc) from github.com before its sha256 check: no "
    "network, as in an offline docker build (apt-get install of ca-certificates, gnupg and wget before it builds)",
}

#: The corpus' base images the library will not have (tags older or newer than the library's,
#: digest-pinned references, a third-party image), mapped to the library image a teacher would
#: put in their place: the same distribution family and variant, the nearest version.  The test
#: tags the library image under the old name in its engine before the build, so the Dockerfile is
#: built byte for byte (its line numbers, history lines and checks unchanged); a digest-pinned
#: ``FROM name:tag@sha256:...`` cannot be tagged (BuildKit resolves it by the digest alone, and
#: no library image has that digest), so the test rewrites only that reference in a copy of the
#: Dockerfile.  docs/byod.md ("Old and pinned tags") says the same to users.
SUBSTITUTE: dict[str, tuple[str, str]] = {
    "python:3.7-alpine": ("python:3.10-alpine", "the oldest Python of the library, same Alpine variant"),
    "python:3.9-slim": ("python:3.10-slim", "the oldest Python of the library, same Debian slim variant"),
    "tiangolo/uvicorn-gunicorn-fastapi:python3.9-slim": (
        "python:3.10-slim",
        "a third-party image built FROM python:3.9-slim; its own layers (uvicorn, gunicorn, /app) are not modelled",
    ),
    "nginx:1.13-alpine": ("nginx:1.28-alpine", "nginx stable on Alpine: the config layout is the same"),
    "nginx:1.19.7-alpine": ("nginx:1.28-alpine", "nginx stable on Alpine: the config layout is the same"),
    "golang:1.18-alpine": ("golang:1.22-alpine", "the oldest Go of the library, same Alpine variant"),
    "golang:1.18": ("golang:1.22", "the oldest Go of the library, same Debian variant"),
    "node:14.17.3-alpine3.14": ("node:20-alpine", "the oldest Node.js LTS of the library, Alpine"),
    "node:14.4.0-alpine": ("node:20-alpine", "the oldest Node.js LTS of the library, Alpine"),
    "node:18-slim": ("node:20-slim", "the oldest Node.js LTS of the library, Debian slim"),
    "maven:3.8.5-eclipse-temurin-17": ("maven:3.9-eclipse-temurin-21", "the library's only Maven image"),
    "eclipse-temurin:17-jre-focal": (
        "eclipse-temurin:17-jre",
        "the same JRE on the library's Ubuntu (noble)",
    ),
    "mcr.microsoft.com/dotnet/sdk:7.0": (
        "mcr.microsoft.com/dotnet/sdk:8.0",
        ".NET 7 is out of support: the next LTS",
    ),
    "mcr.microsoft.com/dotnet/runtime:7.0": (
        "mcr.microsoft.com/dotnet/runtime:8.0",
        ".NET 7 is out of support: the next LTS",
    ),
    "alpine:3.23": ("alpine:3.22", "the newest Alpine of the library"),
    "node:20.20.2-alpine@sha256:fb4cd12c85ee03686f6af5362a0b0d56d50c58a04632e6c0fb8363f609372293": (
        "node:20-alpine",
        "digest-pinned: the same Node.js line on Alpine",
    ),
    "alpine:3.24.1@sha256:28bd5fe8b56d1bd048e5babf5b10710ebe0bae67db86916198a6eec434943f8b": (
        "alpine:3.22",
        "digest-pinned: the newest Alpine of the library",
    ),
    "golang:1.26.5-alpine@sha256:0178a641fbb4858c5f1b48e34bdaabe0350a330a1b1149aabd498d0699ff5fb2": (
        "golang:1.24-alpine",
        "digest-pinned: the newest Go of the library, Alpine",
    ),
    "python:3.14.6-alpine@sha256:26730869004e2b9c4b9ad09cab8625e81d256d1ce97e72df5520e806b1709f92": (
        "python:3.14-alpine",
        "digest-pinned: the same Python line (3.14) on Alpine",
    ),
}
