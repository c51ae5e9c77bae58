"""npm over the corpus' lock files (tests/corpus), compared with what the real npm installed.

``data/npm_corpus.json`` is what the real npm (11.19.1, against registry.npmjs.org on
2026-12-07, the day the catalogue was regenerated) installed for four corpus cases with the
npm command of their Dockerfile (``--ignore-scripts``), recorded by
``data/record_npm_corpus.py``: every ``node_modules`` location and version (``dev``/``optional``
marked), the bytes of its regular files, npm's lock and config warnings and its summary line.
Nothing here reaches a registry; the comparison is with those recorded data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator import Engine
from simulator.builder.builder import build
from simulator.distro.check_toolchains import alias_target
from simulator.distro.gen_npm import _intact, _lock_pins, corpus_roots
from simulator.userland._npmtree import build_tree, npm_catalogue, parse_yarn_lock, tree_from_lock
from simulator.userland._tree import tree_size

from .test_npm import Container, library, run

CORPUS = Path(__file__).parents[1] / "corpus" / "dockerfiles"
REAL = json.loads((Path(__file__).parent / "data" / "npm_corpus.json").read_text())
WARNINGS = ("npm warn old lockfile", "npm warn ancient lockfile", "npm warn config")


def corpus_box(case: str) -> Container:
    c = Container(library.get("node:20-slim"))
    c.makedirs("/app")
    for name in ("package.json", "package-lock.json"):
        c.write_file(f"/app/{name}", (CORPUS / case / name).read_bytes())
    return c


@pytest.mark.parametrize("case", sorted(c for c in REAL if (CORPUS / c / "package-lock.json").exists()))
def test_the_corpus_locks_install_what_the_real_npm_installed(case: str) -> None:
    real = REAL[case]
    c = corpus_box(case)
    argv = real["command"].split()
    env = {"HOME": "/root", "PATH": "/usr/local/bin:/usr/bin:/bin", **real["env"]}
    code, out, err = run(c, *argv, env=env)
    assert code == 0, err
    hidden = json.loads(c.read_file("/app/node_modules/.package-lock.json"))["packages"]
    mine = {
        location: entry["version"]
        + (" dev" if entry.get("dev") else "")
        + (" optional" if entry.get("optional") else "")
        for location, entry in hidden.items()
    }
    assert mine == real["tree"]
    # the catalogue keeps 12 files a package (their bytes all there), so only the bytes compare
    assert (
        tree_size(c, "/app/node_modules") - c.stat("/app/node_modules/.package-lock.json").size
        == real["bytes"]
    )
    assert [line for line in err.splitlines() if line.startswith(WARNINGS)] == real["warnings"]
    assert out.strip().startswith(real["summary"] + " in ")


def test_the_vue_cli_project_resolves_as_the_real_npm_resolved_it() -> None:
    # 912 packages with nested copies: arborist keeps debug@2's ms@2.0.0 out of send/node_modules,
    # where it would shadow the root ms@2.1.3 that send itself needs (CanPlaceDep's conflict)
    real = REAL["awesome-compose-vuejs"]
    tree = build_tree(json.loads((CORPUS / "awesome-compose-vuejs" / "package.json").read_text()))
    mine = {
        k: n.version + (" dev" if n.dev else "") + (" optional" if n.optional else "")
        for k, n in tree.items()
    }
    assert mine == real["tree"]
    assert mine["node_modules/send/node_modules/debug/node_modules/ms"] == "2.0.0 dev"
    assert sum(node.meta["unpackedSize"] for node in tree.values()) == real["bytes"]  # 128,742,189


def test_every_version_the_corpus_locks_pin_is_in_the_catalogue() -> None:
    ranges, pins = corpus_roots(CORPUS)
    assert ("body-parser", "1.19.2") in pins and ("@socket.io/component-emitter", "3.1.0") in pins
    catalogue = npm_catalogue()
    assert [f"{n}@{v}" for n, v in sorted(pins) if v not in catalogue.get(n, {}).get("versions", {})] == []
    assert ("mysql2", "^2.3.3") in ranges and ("@google-cloud/profiler", "7.0.0") in ranges
    assert [f"{n}@{r}" for n, r in ranges if n not in catalogue] == []


def test_lock_pins_of_every_lock_version() -> None:
    v1 = {"lockfileVersion": 1, "requires": True, "dependencies": {
        "a": {"version": "1.0.0", "dependencies": {"b": {"version": "2.0.0"}, "c": {"version": "3.0.0", "bundled": True}}},
        "x": {"version": "npm:vue-loader@15.10.1"}, "g": {"version": "git+https://example.org/g.git"}}}  # fmt: skip
    assert _lock_pins(v1) == {("a", "1.0.0"), ("b", "2.0.0"), ("vue-loader", "15.10.1")}
    v3 = {"lockfileVersion": 3, "packages": {"": {"name": "app"}, "node_modules/a": {"version": "1.0.0"},
          "node_modules/a/node_modules/@s/b": {"version": "2.0.0-rc.1"}, "node_modules/x": {"name": "y", "version": "1.2.3"},
          "node_modules/a/node_modules/c": {"version": "3.0.0", "inBundle": True},
          "node_modules/l": {"resolved": "packages/l", "link": True}, "packages/l": {"version": "0.0.0"}}}  # fmt: skip
    assert _lock_pins(v3) == {("a", "1.0.0"), ("@s/b", "2.0.0-rc.1"), ("y", "1.2.3")}


def test_the_generator_checks_a_cached_tarball_against_its_integrity() -> None:
    # sha512 of b"" in SRI form, and sha1 (the integrity of packages older than npm 5)
    empty = "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    assert _intact(b"", empty)
    assert not _intact(b"x", empty)
    assert _intact(b"", "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=")


def test_an_alias_installs_the_package_under_the_alias_name() -> None:
    # package.json "dependencies": {"cors2": "npm:cors@^2.8.5"}: npm puts cors in node_modules/cors2
    assert alias_target("npm:cors@^2.8.5") == ("cors", "^2.8.5")
    assert alias_target("npm:@vue/cli") == ("@vue/cli", "latest")
    tree = build_tree({"dependencies": {"cors2": "npm:cors@^2.8.5"}})
    node = tree["node_modules/cors2"]
    assert (node.pkg, node.name) == ("cors", "cors2") and "node_modules/cors" not in tree
    assert "node_modules/object-assign" in tree  # cors' own dependency, hoisted
    c = Container(library.get("node:20-slim"))
    c.makedirs("/app")
    c.write_file("/app/package.json", json.dumps({"dependencies": {"cors2": "npm:cors@^2.8.5"}}))
    assert run(c, "npm", "install")[0] == 0
    assert json.loads(c.read_file("/app/node_modules/cors2/package.json"))["name"] == "cors"
    lock = json.loads(c.read_file("/app/package-lock.json"))
    assert lock["packages"]["node_modules/cors2"]["name"] == "cors"
    again = tree_from_lock(lock)["node_modules/cors2"]
    assert (again.pkg, again.version) == ("cors", node.version)


def test_bundled_lock_entries_come_inside_their_parent() -> None:
    cors = npm_catalogue()["cors"]["latest"]
    lock = {"lockfileVersion": 3, "packages": {"node_modules/cors": {"version": cors},
            "node_modules/cors/node_modules/nothere": {"version": "9.9.9", "inBundle": True}}}  # fmt: skip
    assert list(tree_from_lock(lock)) == ["node_modules/cors"]


def test_npm_install_keeps_the_versions_of_a_lock_in_sync() -> None:
    # the nginx-nodejs-redis lock pins express 4.17.3 for ^4.17.2; npm install (not ci) installs that, not 4.22
    c = corpus_box("awesome-compose-nginx-nodejs-redis-web")
    code, _out, err = run(c, "npm", "install", "--no-audit")
    assert code == 0, err
    assert json.loads(c.read_file("/app/node_modules/express/package.json"))["version"] == "4.17.3"
    assert err.startswith("npm warn old lockfile\n")


@pytest.mark.parametrize("what", sorted(REAL["changes"]))
def test_npm_install_over_a_changed_lock_writes_the_real_npms_lock(what: str) -> None:
    # arborist starts from the lock: only the edges it leaves unsatisfied are resolved; a copy
    # replaced takes with it the old copies the new one cannot use (pruneForReplacement), and
    # what nothing reaches any more goes.  Moving express to ^4.18.2 re-resolves express and its
    # new needs, but keeps cookie-signature@1.0.6 and proxy-addr@2.0.7 (a fresh tree takes newer)
    real = REAL["changes"][what]
    c = corpus_box(real["case"])
    manifest = json.loads(c.read_file("/app/package.json"))
    manifest["dependencies"].update(real["dependencies"])
    c.write_file("/app/package.json", json.dumps(manifest))
    code, _out, err = run(c, *real["command"].split(), "--no-audit")
    assert code == 0, err
    lock = json.loads(c.read_file("/app/package-lock.json"))["packages"]
    assert {k: v["version"] for k, v in lock.items() if k} == real["tree"]


@pytest.mark.parametrize("case", ["microservices-demo-currencyservice", "microservices-demo-paymentservice"])
def test_the_microservices_builder_stage_installs_the_profiler(case: str) -> None:
    # the cases' last stage needs apk nodejs (corpus NEEDS); their builder stage is npm's
    from tests.corpus.test_corpus import substituted

    engine = Engine()
    result = build(engine, None, substituted(engine, case), target="builder")
    layer = result.image.layers[-1]
    for name in ("@google-cloud/profiler", "@grpc/grpc-js", "pino"):
        assert f"/usr/src/app/node_modules/{name}/package.json" in layer.entries
    assert result.image.history[-1].created_by == "RUN /bin/sh -c npm install --only=production # buildkit"


def test_yarn_global_add_fills_yarns_cache_not_npms() -> None:
    # awesome-compose vuejs: yarn global add @vue/cli (as root: yarn's cache /usr/local/share/.cache/yarn/v6)
    c = Container(library.get("node:20-alpine"))
    code, out, err = run(c, "yarn", "global", "add", "@vue/cli", cwd="/")
    assert code == 0, err
    assert out.startswith('success Installed "@vue/cli@') and "      - vue\n" in out
    assert c.exists("/usr/local/share/.config/yarn/global/node_modules/@vue/cli/package.json")
    cached = c.listdir("/usr/local/share/.cache/yarn/v6")
    assert any(name.startswith("npm-@vue-cli-5.") for name in cached) and len(cached) > 500
    assert not c.exists("/root/.npm/_cacache")


YARN_LOCK = """# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"body-parser@1.19.2":
  version "1.19.2"

express@^4.17.1, express@~4.17.0:
  version "4.17.3"
  resolved "https://registry.yarnpkg.com/express/-/express-4.17.3.tgz"
  dependencies:
    body-parser "1.19.2"
"""


def test_parse_yarn_lock_maps_every_spec_of_an_entry() -> None:
    assert parse_yarn_lock(YARN_LOCK) == {
        ("body-parser", "1.19.2"): "1.19.2",
        ("express", "^4.17.1"): "4.17.3",
        ("express", "~4.17.0"): "4.17.3",
    }
    assert parse_yarn_lock('"@vue/vue-loader-v15@npm:vue-loader@^15.9.7":\n  version "15.11.1"\n') == {
        ("@vue/vue-loader-v15", "npm:vue-loader@^15.9.7"): "15.11.1"
    }


def test_yarn_install_keeps_the_versions_of_yarn_lock() -> None:
    # yarn 1 installs what yarn.lock says for a spec (express 4.17.3), not the newest 4.x
    c = Container(library.get("node:20-slim"))
    c.makedirs("/app")
    c.write_file("/app/package.json", json.dumps({"dependencies": {"express": "^4.17.1"}}))
    c.write_file("/app/yarn.lock", YARN_LOCK)
    code, _out, err = run(c, "yarn", "install")
    assert code == 0, err
    assert json.loads(c.read_file("/app/node_modules/express/package.json"))["version"] == "4.17.3"
    assert json.loads(c.read_file("/app/node_modules/body-parser/package.json"))["version"] == "1.19.2"
    c.write_file("/app/yarn.lock", YARN_LOCK.replace('"4.17.3"', '"4.17.2"'))  # published, not catalogued
    code, _out, err = run(c, "yarn", "install")
    assert code == 1
    assert "yarn.lock names express@4.17.2, which is not in layerlab's npm catalogue" in err
    assert "this is a gap in the simulator" in err
