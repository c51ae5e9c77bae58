"""npm, yarn, pnpm, npx and corepack over the npm catalogue, on the node:20-slim library image.

``data/npm_express_nodemon.json`` is what the real npm (11.19.1, against registry.npmjs.org on
2026-12-07, the day the catalogue was made) wrote in ``package-lock.json`` for
``{"dependencies": {"express": "^4.18.2"}, "devDependencies": {"nodemon": "^3.0.0"}}``: every
location and version (``dev`` marked); its ``node_modules`` held 952 files, 3,876,069 bytes, and
``.bin`` had mime, nodemon, nodetouch and semver.  Its messages (``npm ci`` without a lock file,
``Missing script``, ``ETARGET``) are the ones that npm printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.distro import library
from simulator.model.container import Container
from simulator.userland import npm as npmmod  # noqa: F401 - registers the commands
from simulator.userland._npmtree import build_tree, npm_catalogue
from simulator.userland._tree import tree_size
from simulator.userland.registry import COMMANDS, ExecContext

REAL = json.loads((Path(__file__).parent / "data" / "npm_express_nodemon.json").read_text())
MANIFEST = {"name": "app", "version": "1.0.0", "dependencies": {"express": "^4.18.2"},
            "devDependencies": {"nodemon": "^3.0.0"}, "scripts": {"build": "mkdir -p dist && echo built > dist/x"}}  # fmt: skip


def run(
    fs: Container, *argv: str, cwd: str = "/app", env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    def sub(args: list[str], *, env: dict[str, str] | None = None, stdin: object = None) -> int:
        command = COMMANDS[args[0].rsplit("/", 1)[-1]]
        return command(ExecContext(fs=fs, env=env or {}, cwd=cwd), args)

    ctx = ExecContext(
        fs=fs, env=env or {"HOME": "/root", "PATH": "/usr/local/bin:/usr/bin:/bin"}, cwd=cwd, run=sub
    )
    code = COMMANDS[argv[0]](ctx, list(argv))
    return code, ctx.stdout.decode(), ctx.stderr.decode()


@pytest.fixture
def node() -> Container:
    c = Container(library.get("node:20-slim"))
    c.makedirs("/app")
    c.write_file("/app/package.json", json.dumps(MANIFEST))
    return c


def test_tree_is_the_real_npms_for_express_and_nodemon() -> None:
    tree = build_tree(MANIFEST)
    mine = {loc: n.version + (" dev" if n.dev else "") for loc, n in tree.items()}
    real = {
        k: v for k, v in REAL.items() if k != "node_modules/fsevents"
    }  # macOS-only optional: not installed
    assert mine == real
    assert "node_modules/nodemon/node_modules/debug" in mine and "node_modules/send/node_modules/ms" in mine


def test_install_writes_node_modules_of_the_real_size(node: Container) -> None:
    code, out, err = run(node, "npm", "install")
    assert code == 0, err
    assert out == "\nadded 99 packages, and audited 100 packages in 1s\n\nfound 0 vulnerabilities\n"
    size = tree_size(node, "/app/node_modules") - node.stat("/app/node_modules/.package-lock.json").size
    assert size == 3_876_069
    assert sorted(node.listdir("/app/node_modules/.bin")) == ["mime", "nodemon", "nodetouch", "semver"]
    assert node.readlink("/app/node_modules/.bin/nodemon") == "../nodemon/bin/nodemon.js"
    manifest = json.loads(node.read_file("/app/node_modules/express/package.json"))
    assert manifest["name"] == "express" and manifest["version"] == REAL["node_modules/express"]
    lock = json.loads(node.read_file("/app/package-lock.json"))
    assert lock["lockfileVersion"] == 3 and lock["packages"][""]["devDependencies"] == {"nodemon": "^3.0.0"}
    assert lock["packages"]["node_modules/nodemon"]["dev"] is True
    assert node.exists("/root/.npm/_cacache/content-v2") and node.exists("/root/.npm/_cacache/index-v5")


def test_omit_dev_production_and_node_env(node: Container) -> None:
    run(node, "npm", "install")
    for flags, env in (
        (["--omit=dev"], None),
        (["--production"], None),
        ([], {"HOME": "/root", "NODE_ENV": "production"}),
    ):
        c = Container(library.get("node:20-slim"))
        c.makedirs("/app")
        c.write_file("/app/package.json", node.read_file("/app/package.json"))
        c.write_file("/app/package-lock.json", node.read_file("/app/package-lock.json"))
        code, out, _ = run(c, "npm", "ci", *flags, env=env)
        assert code == 0
        assert "added 69 packages" in out or "added" in out
        assert not c.exists("/app/node_modules/nodemon") and c.exists("/app/node_modules/express")
        prod = sum(1 for v in REAL.values() if not v.endswith(" dev"))
        assert f"added {prod} packages" in out


def test_ci_without_a_lock_file_is_npms_usage_error(node: Container) -> None:
    code, out, err = run(node, "npm", "ci")
    assert code == 1 and out == ""
    assert err.startswith(
        "npm error code EUSAGE\nnpm error\n"
        "npm error The `npm ci` command can only install with an existing package-lock.json or\n"
        "npm error npm-shrinkwrap.json with lockfileVersion >= 1. Run an install with npm@5 or\n"
        "npm error later to generate a package-lock.json file, then try again.\n"
    )
    assert not node.exists("/app/node_modules")


def test_ci_out_of_sync_lock(node: Container) -> None:
    run(node, "npm", "install")
    node.write_file(
        "/app/package.json",
        json.dumps({**MANIFEST, "dependencies": {"express": "^4.18.2", "cors": "^2.8.5"}}),
    )
    code, _, err = run(node, "npm", "ci")
    assert code == 1 and "are in sync" in err and "Missing: cors@^2.8.5 from lock file" in err


def test_ci_removes_node_modules_first(node: Container) -> None:
    run(node, "npm", "install")
    node.write_file("/app/node_modules/stray.txt", "x")
    assert run(node, "npm", "ci")[0] == 0
    assert not node.exists("/app/node_modules/stray.txt")


def test_install_named_package_adds_a_caret_range(node: Container) -> None:
    code, _, _ = run(node, "npm", "install", "cors")
    assert code == 0
    manifest = json.loads(node.read_file("/app/package.json"))
    assert manifest["dependencies"]["cors"] == "^" + npm_catalogue()["cors"]["latest"]
    assert node.exists("/app/node_modules/cors/package.json")


def test_no_matching_version_is_etarget(node: Container) -> None:
    code, _, err = run(node, "npm", "install", "express@^99")
    assert code == 1
    assert err.startswith(
        "npm error code ETARGET\nnpm error notarget No matching version found for express@^99.\n"
    )


def test_unknown_package_is_e404_with_the_catalogue_line(node: Container) -> None:
    code, _, err = run(node, "npm", "install", "exprss")
    assert code == 1 and "npm error code E404" in err and "npm catalogue" in err and "express" in err


def test_missing_package_json(node: Container) -> None:
    code, _, err = run(node, "npm", "install", cwd="/")
    assert code == 1 and "npm error code ENOENT" in err
    assert (
        "Could not read package.json: Error: ENOENT: no such file or directory, open '/package.json'" in err
    )


def test_run_script_runs_it_through_the_shell_with_the_banner(node: Container) -> None:
    seen = []

    def sub(args: list[str], *, env: dict[str, str] | None = None, stdin: object = None) -> int:
        seen.append((args, (env or {}).get("PATH", "")))
        return 0

    ctx = ExecContext(fs=node, env={"HOME": "/root", "PATH": "/usr/bin"}, cwd="/app", run=sub)
    assert COMMANDS["npm"](ctx, ["npm", "run", "build"]) == 0
    assert ctx.stdout.decode() == "\n> app@1.0.0 build\n> mkdir -p dist && echo built > dist/x\n\n"
    assert seen == [(["sh", "-c", "mkdir -p dist && echo built > dist/x"], "/app/node_modules/.bin:/usr/bin")]


def test_missing_script(node: Container) -> None:
    code, _, err = run(node, "npm", "run", "nosuch")
    assert code == 1 and err.startswith('npm error Missing script: "nosuch"\nnpm error\n')


def test_global_install_links_bins_in_usr_local_bin(node: Container) -> None:
    code, _, _ = run(node, "npm", "install", "-g", "nodemon")
    assert code == 0
    assert node.readlink("/usr/local/bin/nodemon") == "../lib/node_modules/nodemon/bin/nodemon.js"
    assert node.exists("/usr/local/lib/node_modules/nodemon/node_modules/chokidar/package.json")


def test_yarn_frozen_lockfile_and_lock(node: Container) -> None:
    code, out, _ = run(node, "yarn", "install")
    assert code == 0 and "success Saved lockfile." in out
    lock = node.read_file("/app/yarn.lock").decode()
    assert lock.startswith(
        "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n"
    )
    assert "\nexpress@^4.18.2:\n  version " in lock
    assert node.exists("/app/node_modules/express/package.json")
    node.write_file("/app/package.json", json.dumps({**MANIFEST, "dependencies": {"cors": "^2.8.5"}}))
    code, _, err = run(node, "yarn", "install", "--frozen-lockfile")
    assert (
        code == 1 and "Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`." in err
    )


def test_pnpm_store_and_symlinks(node: Container) -> None:
    code, _, err = run(node, "pnpm", "install")
    assert code == 0, err
    link = node.readlink("/app/node_modules/express")
    assert link.startswith(".pnpm/express@") and link.endswith("/node_modules/express")
    version = REAL["node_modules/express"]
    assert node.exists(f"/app/node_modules/.pnpm/express@{version}/node_modules/express/package.json")
    assert node.exists("/root/.local/share/pnpm/store/v3/files")
    assert not node.exists("/app/node_modules/accepts")  # pnpm does not hoist: only direct deps at the top


def test_corepack_enable_and_npx(node: Container) -> None:
    ctx = ExecContext(fs=node, env={"HOME": "/root"}, cwd="/app", which=lambda n: "/usr/local/bin/node")
    assert COMMANDS["corepack"](ctx, ["corepack", "enable"]) == 0
    assert node.readlink("/usr/local/bin/pnpm") == "../lib/node_modules/corepack/dist/pnpm.js"


def test_a_vite_react_project_builds_dist_by_the_size_model() -> None:
    from simulator import Engine
    from simulator.builder.builder import build
    from simulator.userland import jsbuild

    manifest = {"name": "web", "version": "0.0.0", "scripts": {"build": "vite build"},
                "dependencies": {"react": "^18.2.0", "react-dom": "^18.2.0"},
                "devDependencies": {"vite": "^5.0.0", "@vitejs/plugin-react": "^4.0.0"}}  # fmt: skip
    context = {"package.json": json.dumps(manifest), "index.html": "<!doctype html>\n", "src/main.jsx": "x" * 5000,
               "src/index.css": "y" * 1000}  # fmt: skip
    dockerfile = "FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\nRUN npm run build\n"
    result = build(Engine(), dockerfile, context)
    assert all(not s.unsimulated for s in result.steps)
    view = result.image.view
    assets = view.listdir("/app/dist/assets")
    js = next(n for n in assets if n.endswith(".js"))
    size = view.lookup(f"/app/dist/assets/{js}").size  # type: ignore[union-attr]
    assert size == jsbuild.RUNTIME_BYTES[("react-dom", "18")] + int(5000 * 0.6) + 1_000
    assert any(n.endswith(".css") for n in assets)
    assert "> web@0.0.0 build" in result.log and "> vite build" in result.log


def test_vite_build_without_install_is_not_found() -> None:
    from simulator import BuildError, Engine
    from simulator.builder.builder import build

    manifest = {"name": "web", "version": "0.0.0", "scripts": {"build": "vite build"}}
    with pytest.raises(BuildError) as info:
        build(Engine(), "FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm run build\n",
              {"package.json": json.dumps(manifest)})  # fmt: skip
    assert "vite: not found" in str(info.value)


def test_ci_reads_a_version_1_lock(node: Container) -> None:
    express = REAL["node_modules/express"]
    lock = {"name": "app", "version": "1.0.0", "lockfileVersion": 1, "requires": True,
            "dependencies": {"express": {"version": express, "requires": {}},
                             "nodemon": {"version": REAL["node_modules/nodemon"].split()[0], "dev": True}}}  # fmt: skip
    node.write_file("/app/package-lock.json", json.dumps(lock))
    code, out, err = run(node, "npm", "ci")
    assert code == 0, err
    assert "added 2 packages" in out
    assert json.loads(node.read_file("/app/node_modules/express/package.json"))["version"] == express


def test_a_second_install_is_up_to_date(node: Container) -> None:
    run(node, "npm", "install")
    code, out, _ = run(node, "npm", "install")
    assert code == 0 and out == "\nup to date, audited 100 packages in 1s\n\nfound 0 vulnerabilities\n"


VITE_REAL = json.loads((Path(__file__).parent / "data" / "npm_vite_react.json").read_text())
VITE_MANIFEST = {"name": "web", "version": "0.0.0", "dependencies": {"react": "^18.2.0", "react-dom": "^18.2.0",
                 "axios": "^1.6.0"}, "devDependencies": {"vite": "^5.0.0", "@vitejs/plugin-react": "^4.0.0",
                 "typescript": "^5.0.0"}}  # fmt: skip


def test_vite_react_tree_and_size_are_the_real_npms() -> None:
    """``data/npm_vite_react.json``: the real npm 11's lock for VITE_MANIFEST (same day as the
    catalogue); its node_modules held 2,799 files, 70,674,792 bytes (esbuild's postinstall had
    put the 9.7 MB native binary in esbuild/bin)."""
    tree = build_tree(VITE_MANIFEST)
    mine = {
        k: n.version + (" dev" if n.dev else "") + (" optional" if n.optional else "")
        for k, n in tree.items()
    }
    # npm's lock also lists the other platforms' optional packages (esbuild's 22, rollup's 19 ...)
    installed = {k: v for k, v in VITE_REAL.items() if k in mine or not v.endswith(" optional")}
    assert mine == installed
    c = Container(library.get("node:20-slim"))
    c.makedirs("/app")
    c.write_file("/app/package.json", json.dumps(VITE_MANIFEST))
    assert run(c, "npm", "install", "--no-audit")[0] == 0
    size = tree_size(c, "/app/node_modules") - c.stat("/app/node_modules/.package-lock.json").size
    assert size == 70_674_792


def test_yarn_global_add_installs_in_yarns_global_folder(node: Container) -> None:
    # Yarn 1 as root: the global folder /usr/local/share/.config/yarn/global (a project of its
    # own) and the binaries in /usr/local/bin (awesome-compose vuejs: yarn global add @vue/cli)
    code, out, _ = run(node, "yarn", "global", "add", "nodemon", cwd="/")
    assert code == 0, out
    folder = "/usr/local/share/.config/yarn/global"
    version = json.loads(node.read_file(f"{folder}/node_modules/nodemon/package.json"))["version"]
    assert json.loads(node.read_file(f"{folder}/package.json")) == {
        "dependencies": {"nodemon": f"^{version}"}
    }
    assert out.startswith(f'success Installed "nodemon@{version}" with binaries:\n      - nodemon\n')
    assert node.readlink("/usr/local/bin/nodemon") == f"{folder}/node_modules/nodemon/bin/nodemon.js"
    assert not node.exists("/usr/local/lib/node_modules/nodemon")  # not npm's global folder
