"""The corpus against a real builder, RUN steps set aside (issue 11 part 6).

No registry with the corpus' real base images is reachable offline, and a ``RUN`` needs the real
image's programs.  Every other instruction needs only the base image's tree and config, so:

1. each base image a case uses is exported from the model's library to an OCI layout
   (:func:`simulator.oci.write_layout`; file contents are the library's synthetic bytes, the
   same on both sides);
2. :func:`derive` writes the Dockerfile both builders build: ``RUN`` removed, ``FROM`` renamed;
3. buildah (``bud --layers --isolation chroot --format docker``), or Docker 20.10's BuildKit,
   and the model build it from the same context, with the case's ``--target``;
4. :func:`compare` lines up the layers the Dockerfile added (paths, kind, mode, uid, gid, size,
   content digest, link targets) and the config fields a Dockerfile sets.

What is set aside is named in :data:`EXCLUDED`, each with why.  A comparison that finds
anything else reports it as a difference.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from simulator.builder.result import BuildResult as SimResult
from simulator.distro import library
from simulator.dockerfile.parser import parse_dockerfile
from simulator.oci import write_layout
from tests.realtools import harness
from tests.realtools.harness import RealEntry
from tests.realtools.test_build_parity import sim_changeset, squash

from .corpus_cases import SUBSTITUTE

Changeset = dict[str, RealEntry]

#: What the comparison leaves out, by name, and why (the test module prints these).
EXCLUDED: dict[str, str] = {
    "history-text": "history created_by differs by builder by design: BuildKit writes "
    "'COPY x y # buildkit', buildah the classic '/bin/sh -c #(nop) COPY file:<digest> in y'; "
    "layers are paired by the instruction that made them instead",
    "mtimes": "each builder stamps the time of its own build on what it creates (BuildKit "
    "without SOURCE_DATE_EPOCH does too); RealEntry leaves mtime out of equality",
    "workdir-layer": "BuildKit (and so the model) makes a layer for WORKDIR; buildah makes none "
    "and creates the directory in the next layer-making step (docs/differences.md, WORKDIR "
    "row): the model's WORKDIR layers are squashed into the next layer before comparing",
    "trailing-workdir": "a WORKDIR after the last COPY/ADD leaves no directory in buildah's image "
    "(it creates it only for a later RUN or COPY, and RUN steps are removed here); the model's "
    "directory is checked to exist instead (docs/differences.md, WORKDIR row)",
    "env-order": "ENV of a name the image already has: BuildKit replaces the value in place "
    "(moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go, addEnv), as the model does; "
    "buildah's SetEnv removes it and appends it at the end: Env is compared as name -> value",
    "buildkit-0.8-history": "against Docker 20.10 only, whose BuildKit (0.8) is older than the one "
    "the model follows (moby/buildkit frontend/dockerfile/dockerfile2llb): its COPY lines leave "
    "out --chown=/--chmod= (dispatchCopy's commitMessage has them now), EXPOSE is 'EXPOSE "
    "map[80/tcp:{}]' (now 'EXPOSE [80/tcp]', convert_expose.go) and HEALTHCHECK's struct has no "
    "StartInterval (one quoted duration fewer), and ARG keeps the value the Dockerfile wrote where "
    "BuildKit now writes the value used (a global or automatic ARG's too): history lines are "
    "compared in the old form, ARG lines by their names",
    "scratch-workdir": "BuildKit's empty image, the start of FROM scratch, has WorkingDir '/' "
    "(moby/buildkit frontend/dockerui, emptyImage), as the model's has; buildah's has none: "
    "against buildah, a WorkingDir '/' of the model's equals an absent one",
    "buildah-label": "buildah adds the io.buildah.version label to every image it writes",
}


# -- 1. the derived Dockerfile ----------------------------------------------------------------

_FROM = re.compile(r"^(\s*FROM\s+(?:--\S+\s+)*)(\S+)", re.I)


def derive(text: str, rename: Callable[[str], str], drop: Iterable[int] = (), *, syntax: bool = True) -> str:
    """The Dockerfile both builders build: ``text`` with its ``RUN`` steps removed.

    Rules (the whole derivation):

    * every line of every ``RUN`` instruction (its continuation lines and heredoc bodies too)
      becomes an empty line, so every other instruction keeps its line number;
    * the image of a ``FROM`` that names neither an earlier stage nor ``scratch`` becomes
      ``rename(image)``; its flags (``--platform=...``) and ``AS name`` are kept;
    * a ``COPY --from=<stage>`` that starts on a line of ``drop`` is blanked the same way (for a
      second build, once the first showed that it copies what a removed ``RUN`` made);
    * with ``syntax=False`` (for Docker 20.10), a ``# syntax=`` directive line is blank too: it
      names a frontend image to pull, which cannot be had offline, so the daemon's built-in
      Dockerfile frontend builds instead;
    * every other byte is kept as it is (comments, directives, ``ARG``, ``ONBUILD RUN ...``).

    Raises:
        ValueError: a ``FROM`` image made of ARGs (the renaming needs a literal name), or a line
            of ``drop`` that does not start a ``COPY --from`` of an earlier stage.
    """
    drop = set(drop)
    df = parse_dockerfile(text)
    lines = text.split("\n")
    if not syntax:
        for index, line in enumerate(lines):
            if not line.startswith("#"):
                break
            if re.match(r"#\s*syntax\s*=", line, re.I):
                lines[index] = ""
    stages: set[str] = set()
    for stage in df.stages:
        base = stage.from_.base
        if base.lower() not in stages and base.lower() != "scratch":
            if "$" in base:
                raise ValueError(
                    f"line {stage.from_.line}: FROM {base}: an ARG-made image name cannot be renamed"
                )
            index = stage.from_.line - 1
            match = _FROM.match(lines[index])
            if match is None or match[2] != base:
                raise ValueError(f"line {stage.from_.line}: FROM {base} is not on one line")
            lines[index] = match[1] + rename(base) + lines[index][match.end() :]
        if stage.alias:
            stages.add(stage.alias.lower())
        for instruction in stage.instructions:
            if instruction.line in drop:
                source = getattr(instruction, "from_", None) or ""
                if type(instruction).__name__ != "Copy" or source.lower() not in stages:
                    raise ValueError(
                        f"line {instruction.line}: {instruction.original}: not a COPY --from=<stage>"
                    )
                drop.remove(instruction.line)
            elif type(instruction).__name__ != "Run":
                continue
            for index in range(instruction.line - 1, instruction.end_line):
                lines[index] = ""
    if drop:
        raise ValueError(f"line {min(drop)}: no instruction starts there")
    return "\n".join(lines)


def base_images(text: str, target: str | None) -> list[str]:
    """The images (not stages, not scratch) of the stages ``target`` depends on, as written."""
    df = parse_dockerfile(text)
    by_name = {s.alias.lower(): s for s in df.stages if s.alias}
    wanted = [by_name[target.lower()] if target else df.stages[-1]]
    seen: list[str] = []
    done: set[int] = set()
    while wanted:
        stage = wanted.pop()
        if stage.index in done:
            continue
        done.add(stage.index)
        base = stage.from_.base
        if base.lower() in by_name and by_name[base.lower()].index < stage.index:
            wanted.append(by_name[base.lower()])
        elif base.lower() != "scratch" and base not in seen:
            seen.append(base)
        for instruction in stage.instructions:
            source = getattr(instruction, "from_", None)
            if type(instruction).__name__ in ("Copy", "Add") and source:
                if source.lower() in by_name:
                    wanted.append(by_name[source.lower()])
                elif source not in seen:
                    seen.append(source)
    return seen


def library_tag(image: str) -> str:
    """The library image a corpus ``FROM`` stands for (``SUBSTITUTE`` applied)."""
    return SUBSTITUTE[image][0] if image in SUBSTITUTE else image


# -- 2. the base images as OCI layouts ---------------------------------------------------------

#: The ``org.opencontainers.image.ref.name`` every exported layout holds its image under (the
#: writer annotates the tag part, as containerd and ``docker save`` do).
LAYOUT_TAG = "latest"


def export_base(tag: str, dest: Path) -> str:
    """``oci:<dir>:latest`` for library image ``tag``, written once under ``dest``.

    The directory name is made of lower-case letters, digits and single dashes: buildah turns
    an ``oci:`` path into a reference name, which rejects upper case and ``_``/``-`` runs.
    """
    image = library.get(tag)
    name = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-") + "-" + image.id.split(":")[1][:12]
    layout = dest / name
    if not (layout / "index.json").exists():
        shutil.rmtree(layout, ignore_errors=True)
        dest.mkdir(parents=True, exist_ok=True)
        write_layout(image, layout, [f"layerlab-corpus-base:{LAYOUT_TAG}"])
    return f"oci:{layout}:{LAYOUT_TAG}"


# -- 3. reading buildah's image ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RealTop:
    """The part of buildah's image the comparison reads: config and the layers above the base."""

    config: dict[str, Any]
    history: list[tuple[str, bool]]  # (created_by, empty_layer) above the base
    layers: list[Changeset]


def above_base(history: list[tuple[str, bool]], base_layers: int) -> list[tuple[str, bool]]:
    """The (created_by, empty_layer) entries after the one of the base's last layer."""
    non_empty = [i for i, (_, empty) in enumerate(history) if not empty]
    return history[non_empty[base_layers - 1] + 1 :] if base_layers else history


def read_top(directory: Path, base_layers: int) -> RealTop:
    """Config and the changesets of the layers above the first ``base_layers`` of an image that
    ``skopeo copy`` wrote to a ``dir:`` directory.

    ``dir:``, not ``oci:``: it keeps buildah's Docker manifest and config as they are, where a
    copy to an OCI layout converts the config and drops ``Healthcheck`` and ``Shell``.  The base
    layers are not read (their blobs are the model's own export); each layer read is checked
    against its DiffID.
    """

    def blob(digest: str) -> bytes:
        hexdigest = digest.removeprefix("sha256:")
        data = (directory / hexdigest).read_bytes()
        if hashlib.sha256(data).hexdigest() != hexdigest:
            raise harness.HarnessError(f"blob {digest} in {directory} does not match its digest")
        return data

    manifest = json.loads((directory / "manifest.json").read_text())
    config = json.loads(blob(manifest["config"]["digest"]))
    layers = []
    for layer, diff_id in list(zip(manifest["layers"], config["rootfs"].get("diff_ids") or [], strict=True))[
        base_layers:
    ]:
        raw = harness._decompress(blob(layer["digest"]), layer["mediaType"])
        if "sha256:" + hashlib.sha256(raw).hexdigest() != diff_id:
            raise harness.HarnessError(f"layer {layer['digest']} does not match DiffID {diff_id}")
        layers.append(harness.read_changeset(raw)[0])
    history = [(h.get("created_by", ""), bool(h.get("empty_layer"))) for h in config.get("history", [])]
    return RealTop(config, above_base(history, base_layers), layers)


def read_saved(archive: Path, base_layers: int) -> RealTop:
    """The same as :func:`read_top`, from the ``docker save`` archive of Docker 20.10 (its
    ``manifest.json``, the config file, uncompressed ``<id>/layer.tar`` members)."""
    import tarfile

    with tarfile.open(archive) as tar:

        def member(name: str) -> bytes:
            f = tar.extractfile(name)
            if f is None:
                raise harness.HarnessError(f"{archive}: {name} is not a file")
            return f.read()

        (manifest,) = json.loads(member("manifest.json"))
        config = json.loads(member(manifest["Config"]))
        diff_ids = config["rootfs"].get("diff_ids") or []
        layers = []
        for name, diff_id in list(zip(manifest["Layers"], diff_ids, strict=True))[base_layers:]:
            raw = member(name)
            if "sha256:" + hashlib.sha256(raw).hexdigest() != diff_id:
                raise harness.HarnessError(f"{archive}: {name} does not match DiffID {diff_id}")
            layers.append(harness.read_changeset(raw)[0])
    history = [(h.get("created_by", ""), bool(h.get("empty_layer"))) for h in config.get("history", [])]
    return RealTop(config, above_base(history, base_layers), layers)


# -- 4. the comparison -------------------------------------------------------------------------


def _keyword(created_by: str) -> str:
    """COPY, ADD or WORKDIR from a history line of either builder (no RUN is left)."""
    text = created_by.split("#(nop) ", 1)[-1].strip()
    return text.split(None, 1)[0].upper() if text else ""


def real_layers(top: RealTop) -> list[tuple[str, Changeset]]:
    layers = iter(top.layers)
    return [(_keyword(by), next(layers)) for by, empty in top.history if not empty]


def sim_layers(
    result: SimResult, base_layers: int, squash_workdir: bool = True
) -> tuple[list[tuple[str, Changeset]], Changeset | None]:
    """(keyword, changeset) per layer above the base, WORKDIR layers squashed into the next
    (rule ``workdir-layer``, unless ``squash_workdir`` is false); also what trailing WORKDIR
    layers hold (rule ``trailing-workdir``)."""
    out: list[tuple[str, Changeset]] = []
    pending: Changeset | None = None
    pairs = [(h, layer) for h, layer in result.image.layer_history() if layer is not None][base_layers:]
    for h, layer in pairs:
        keyword = _keyword(h.created_by)
        changes = sim_changeset(layer)
        if keyword == "WORKDIR" and squash_workdir:
            pending = changes if pending is None else squash(pending, changes)
            continue
        if pending is not None:
            changes, pending = squash(pending, changes), None
        out.append((keyword, changes))
    return out, pending


#: The config fields a Dockerfile sets (``Shell`` too: ``SHELL`` is one).
CONFIG_FIELDS = (
    "Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts", "Labels", "Volumes",
    "StopSignal", "Healthcheck", "Shell", "OnBuild",
)  # fmt: skip


def config_fields(config: Mapping[str, Any] | None, env_order: bool = False) -> dict[str, Any]:
    """The compared fields, an absent field and an empty one alike (``null``, ``[]``, ``{}``);
    ``Env`` as a mapping (rule ``env-order``) unless ``env_order``."""
    config = config or {}
    out: dict[str, Any] = {name: config.get(name) or None for name in CONFIG_FIELDS}
    labels = {k: v for k, v in (out["Labels"] or {}).items() if k != "io.buildah.version"}
    out["Labels"] = labels or None  # rule buildah-label
    if not env_order:
        env = (v.split("=", 1) for v in out["Env"] or ())
        out["Env"] = dict(sorted((pair[0], pair[-1]) for pair in env)) or None  # rule env-order
    for name in ("ExposedPorts", "Volumes"):
        out[name] = sorted(out[name]) if out[name] else None
    return out


def _diff(real: Mapping[str, RealEntry], sim: Mapping[str, RealEntry], who: str) -> list[str]:
    return [
        f"  {path}: {who} {real.get(path)!r}  model {sim.get(path)!r}"
        for path in sorted(set(real) | set(sim))
        if real.get(path) != sim.get(path)
    ]


def buildkit_08(created_by: str) -> str:
    """A current BuildKit history line as Docker 20.10's BuildKit 0.8 writes it (rule
    ``buildkit-0.8-history``)."""
    if created_by.startswith(("COPY ", "ADD ")):
        return re.sub(r" --ch(own|mod)=\S+", "", created_by)
    if created_by.startswith("EXPOSE ["):
        return "EXPOSE map[" + " ".join(f"{p}:{{}}" for p in sorted(created_by[8:-1].split())) + "]"
    if created_by.startswith("ARG "):
        return "ARG " + " ".join(part.split("=", 1)[0] for part in created_by[4:].split(" "))
    if created_by.startswith("HEALTHCHECK &{"):
        return re.sub(r'( "[^"]*" "[^"]*" "[^"]*") "[^"]*"( \'.*\'\})$', r"\1\2", created_by)
    return created_by


def compare(top: RealTop, sim: SimResult, base_layers: int, *, buildkit: bool = False) -> list[str]:
    """Every difference between buildah's and the model's build, one paragraph each.

    ``buildkit``: ``top`` is BuildKit's (Docker 20.10 with ``DOCKER_BUILDKIT=1``), whose rules
    the model follows: no rule but ``history-text``'s timestamps and ``mtimes`` applies, and the
    history lines above the base are compared too.
    """
    problems = []
    who = "BuildKit" if buildkit else "buildah"
    real, (model, trailing) = real_layers(top), sim_layers(sim, base_layers, squash_workdir=not buildkit)
    if [k for k, _ in real] != [k for k, _ in model]:
        problems.append(f"layer-making steps: {who} {[k for k, _ in real]}, model {[k for k, _ in model]}")
    else:
        for number, ((keyword, r), (_, s)) in enumerate(zip(real, model, strict=True), 1):
            lines = _diff(r, s, who)
            if lines:
                problems.append(f"added layer {number} ({keyword}):\n" + "\n".join(lines))
    if buildkit:
        history = above_base([(h.created_by, h.empty_layer) for h in sim.image.history], base_layers)
        if [(buildkit_08(by), empty) for by, empty in history] != [
            (buildkit_08(by), e) for by, e in top.history
        ]:
            problems.append(f"history: BuildKit {top.history}, model {history}")
    if trailing is not None:  # rule trailing-workdir: the model's own directory must be there
        workdir = sim.image.config.working_dir
        entry = sim.image.view.lookup(workdir) if workdir else None
        if workdir and (entry is None or not entry.is_dir):
            problems.append(f"the model's trailing WORKDIR {workdir} is not a directory")
    rc = config_fields(top.config.get("config"), env_order=buildkit)
    sc = config_fields(sim.image.config_json().get("config"), env_order=buildkit)
    if not buildkit and rc["WorkingDir"] is None and sc["WorkingDir"] == "/":
        sc["WorkingDir"] = None  # rule scratch-workdir
    problems += [f"config {k}: {who} {rc[k]!r}, model {sc[k]!r}" for k in rc if rc[k] != sc[k]]
    return problems
