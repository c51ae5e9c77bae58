# Long module: the _Builder walks stages and dispatches every instruction as one object (its
# state is the build); metadata steps, COPY plans, RUN mounts and remote sources are in steps.py,
# copying.py, mounts.py and remote.py.
"""The builder: a Dockerfile and a context in, an image and a record per step out.

It follows BuildKit (Docker's default builder):

- ``RUN``, ``COPY``, ``ADD`` and ``WORKDIR`` (other than ``/``) make a layer, an empty one too;
  every other instruction only changes the config and is an ``empty_layer`` history entry;
  ``ONBUILD`` adds no history entry at all;
- only the stages the target needs are built, the others are reported as skipped;
- the cache key of a layer step is its parent's key plus the operation after substitution:
  for ``RUN`` the command, environment (ENV and ARGs), user, working directory and shell; for
  ``COPY``/``ADD`` the content and modes of the selected sources (not their mtimes), the
  destination and ``--chown``/``--chmod``.  Metadata instructions create no operation, so
  changing a ``LABEL`` does not invalidate later steps, while a changed ``ENV`` makes later
  ``RUN`` steps miss.  A miss changes the key of every later step of the stage.

``RUN`` lines run in a container of the current image through the RUN shell
(:mod:`simulator.sh.run`), so their layers are that container's writable layer, with
copy-ups, whiteouts and opaque directories exactly as on overlayfs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

from simulator.builder.cache import BuildCache, cache_key, env_pairs
from simulator.builder.context import BuildContext
from simulator.builder.copying import CopyPlan, apply_copy, plan_copy
from simulator.builder.host import BuildHost, ContextSource
from simulator.builder.internal import (
    Base,
    from_vertex_owners,
    full_name,
    reads_context,
    source_names,
    step_prefix,
)
from simulator.builder.mounts import PreparedMount, strip_layer
from simulator.builder.mounts import install as install_mounts
from simulator.builder.mounts import prepare as prepare_mount
from simulator.builder.mounts import release as release_mounts
from simulator.builder.remote import remote_view
from simulator.builder.result import BuildResult, StageRecord, StepRecord
from simulator.builder.steps import CONFIG_UPDATES, InvalidInstruction, with_shell
from simulator.clock import rfc3339
from simulator.distro import library
from simulator.dockerfile import checks
from simulator.dockerfile import instructions as ins
from simulator.dockerfile._syntax import SyntaxProblem, parse_heredoc_word
from simulator.dockerfile.lexer import Lexer
from simulator.dockerfile.mounts import MountError, parse_mount
from simulator.dockerfile.parser import Dockerfile, Stage, parse_dockerfile
from simulator.errors import BuildError, ImageNotFound, RegistryUnreachable
from simulator.limits import Limits
from simulator.model.container import Container, runtime_mounts
from simulator.model.image import HistoryEntry, Image, ImageConfig
from simulator.model.layer import Layer
from simulator.model.paths import normalize
from simulator.reference import parse_reference
from simulator.sh.run import DEFAULT_PATH, run_argv
from simulator.userland._hints import missing_program_hint, unsimulated_effects
from simulator.userland.users import UnknownUser, resolve_user

__all__ = ["BuildCache", "BuildOptions", "build"]

PLATFORM_ARGS = {
    "TARGETPLATFORM": "linux/amd64",
    "TARGETOS": "linux",
    "TARGETARCH": "amd64",
    "TARGETVARIANT": "",
    "BUILDPLATFORM": "linux/amd64",
    "BUILDOS": "linux",
    "BUILDARCH": "amd64",
    "BUILDVARIANT": "",
}
PROXY_ARGS = {
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
}
LAYER_STEPS = (ins.Run, ins.Copy, ins.Add, ins.Workdir)
LINK_PARENT = "link:scratch"
"""The parent key of every ``COPY --link`` layer: an empty directory, whatever came before."""
LINK_CHOWN_BY_NAME = (
    "invalid user index: -1 (--chown={chown} names a user or group, and a --link copy cannot "
    "read /etc/passwd or /etc/group from the previous state: give numeric ids, "
    "e.g. --chown=1000:1000, or drop --link)"
)
"""BuildKit's error for ``COPY --link --chown=<name>`` (moby/buildkit#2987, docker/buildx#1526)."""


def link_chown(chown: str | None) -> str | None:
    """``--chown`` for a ``--link`` copy: numeric ids (``root`` is 0, as llb.WithUser reads it);
    ``None`` when a part is a name, which BuildKit cannot resolve on scratch."""
    if not chown:
        return None
    parts = ["0" if part == "root" else part for part in chown.split(":", 1)]
    return ":".join(parts) if all(part.isdigit() for part in parts) else None


@dataclass
class _StageState:
    index: int
    stage: Stage
    image: Image
    config: ImageConfig
    history: list[HistoryEntry]
    layers: list[Layer]
    key: str
    args: list[tuple[str, str | None]] = field(default_factory=list)
    cmd_set: bool = False
    rebuilt_at: int | None = None

    def env_map(self) -> dict[str, str]:
        """What builder-expanded instructions see: ARGs in scope, overridden by ENV."""
        env = {k: v for k, v in self.args if v is not None}
        env.update(self.config.env_dict())
        return env

    def declared(self) -> list[str]:
        """The ARG names in scope, with a value or not."""
        return [k for k, _ in self.args]

    def run_env(self) -> list[str]:
        """The environment of a RUN: the config's ENV plus ARG values ENV does not override."""
        env = self.config.env_dict()
        for key, value in self.args:
            if value is not None and key not in env:
                env[key] = value
        env.setdefault("PATH", DEFAULT_PATH)
        return sorted(f"{k}={v}" for k, v in env.items())


def _heredoc_word(word: str) -> bool:
    try:
        return parse_heredoc_word(word) is not None
    except SyntaxProblem:
        return False


class _Builder:
    def __init__(
        self,
        host: BuildHost,
        dockerfile: Dockerfile,
        context: BuildContext,
        *,
        build_args: Mapping[str, str],
        target: str | None,
        no_cache: bool,
        tag: str | None,
        limits: Limits | None,
        strict: bool = False,
        secrets: Mapping[str, bytes] | None = None,
        urls: Mapping[str, bytes] | None = None,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> None:
        self.host = host
        # (done, total, what) per step, as BuildKit numbers them ``[stage i/n]``; None: no reports
        self.progress = progress
        self.steps_done = 0
        self.steps_total = 0
        self.strict = strict
        self.secrets = dict(secrets or {})
        self.urls = dict(urls or {})
        self.post_layer: Any = None
        self.step_unsimulated: list[str] = []
        self.limits = limits if limits is not None else host.limits
        self.df = dockerfile
        self.context = context
        self.build_args = dict(build_args)
        self.used_args: set[str] = set()
        self.target = target
        self.no_cache = no_cache
        self.tag = tag
        if host.build_cache is None:
            host.build_cache = BuildCache()
        self.cache: BuildCache = host.build_cache
        self.lexer = Lexer(dockerfile.escape_token)
        self.steps: list[StepRecord] = []
        self.log: list[str] = []
        self.context_to_load = False
        self.warnings: list[str] = [
            f"{dockerfile.filename}:{w.line}: {w.message}"
            for w in dockerfile.warnings
            if w.rule not in checks.RULES  # the build checks report those, under # check=
        ]
        check_arg = self.build_args.get("BUILDKIT_DOCKERFILE_CHECK")
        if check_arg is not None:
            self.used_args.add("BUILDKIT_DOCKERFILE_CHECK")
        self.checker = checks.Checker.for_dockerfile(dockerfile, check_arg)
        self.vertex = 0
        self.multi = False  # [name i/n] labels: set by run()
        self.owners: dict[str, int] = {}  # image -> the stage naming its FROM vertex
        self.from_printed: set[str] = set()
        self.triggers: set[int] = set()  # id() of the current stage's ONBUILD trigger steps
        self.done: dict[int, _StageState] = {}
        self.global_env = self._global_args()
        self.checker.add(checks.file_checks(dockerfile, self.global_env, self.lexer))

    # -- helpers --------------------------------------------------------------------------------
    def fail(self, message: str, instr: ins.Instruction | None = None, step: str = "") -> BuildError:
        return BuildError(
            message,
            filename=self.df.filename,
            line=instr.line if instr else 0,
            step=step or (instr.original.split("\n")[0][:80] if instr else ""),
        )

    def image_or_fail(self, ref: str, what: str, instr: ins.Instruction) -> Image:
        """The image ``ref`` (stored, else the library), or one line naming the nearest ones
        (``what`` -- ``FROM x`` -- is already in the step the error shows)."""
        try:
            return self.host.base_image(ref)
        except (ImageNotFound, RegistryUnreachable) as e:
            # the library is asked first under any spelling (engine.images.pull, which the host's
            # base_image uses): a registry host in the name (mcr.microsoft.com/..., gcr.io/...) that does not
            # answer is the same dead end for a student: the image is not here
            why = f" ({e})" if isinstance(e, RegistryUnreachable) else ""
            near = ", ".join(library.nearest(ref.partition("@")[0]))
            if "@" in ref:
                # BuildKit resolves name:tag@digest by the digest alone (the tag is ignored):
                # the library's images have their own digests, never the one pinned here
                raise self.fail(
                    f"no image {ref!r}: a digest-pinned reference names one exact image, and "
                    f"layerlab's library cannot have it (its images have their own digests){why}; "
                    f"drop the @sha256:... to use a library tag: {near}",
                    instr,
                ) from None
            raise self.fail(
                f"no image {ref!r} here or in layerlab's library{why}; nearest library images: {near}",
                instr,
            ) from None

    def next_vertex(self) -> int:
        self.vertex += 1
        return self.vertex

    def _global_args(self) -> dict[str, str]:
        env = dict(PLATFORM_ARGS)
        for arg in self.df.global_args:
            for name, default in arg.args:
                value = self.build_args.get(name)
                if value is not None:
                    self.used_args.add(name)
                elif default is not None:
                    value = self.lexer.process_word(default, env)
                if value is not None:
                    env[name] = value
        return env

    def expand(
        self, instr: ins.Instruction, env: Mapping[str, str], declared: Iterable[str] = ()
    ) -> ins.Instruction:
        """``instr`` with its variables substituted; undefined ones are BuildKit's UndefinedVar,
        except ARGs declared without a value (validations.go ``reportUnmatchedVariables``)."""
        expanded = ins.expand_instruction_tracked(instr, self.lexer, env)
        undefined = set(expanded.undefined) - set(declared) - set(checks.NON_ENV_ARGS)
        self.checker.add(checks.undefined_var(name, env, instr.line) for name in sorted(undefined))
        return expanded.instruction

    # -- stage graph ----------------------------------------------------------------------------
    def base_images(self, needed: Iterable[int]) -> list[str]:
        """The images BuildKit loads metadata for, once each, fully qualified as it prints them:
        those the needed stages start from (not ``scratch``, not an earlier stage), and those a
        ``COPY --from`` or ``RUN --mount=from=`` names (dockerfile2llb makes each an unnamed
        stage and resolves it like a base; Docker 20.10's BuildKit did not print those)."""
        names: list[str] = []
        for index in needed:
            kind, value = self.base_of(index)
            images = [value] if kind == "image" else []
            images += self.image_sources([index])
            names += [str(n) for n in images if n not in names]
        return names

    def base_of(self, index: int) -> Base:
        """What stage ``index`` starts from: an earlier stage, ``scratch`` or an image."""
        base = self.lexer.process_word(self.df.stages[index].base, self.global_env)
        found = self.stage_index(base)
        if found is not None and found < index:
            return ("stage", found)
        if base.lower() == "scratch":
            return ("scratch", None)
        return ("image", full_name(base))

    def stage_sources(self, index: int) -> list[int]:
        """The other stages the steps of stage ``index`` copy or mount from, in order."""
        found = [
            self.stage_index(name) for i in self.df.stages[index].instructions for name in source_names(i)
        ]
        return [f for f in found if f is not None and f != index]

    def image_sources(self, indices: Iterable[int]) -> list[str]:
        """The images (not stages) the steps of these stages copy or mount from, fully qualified."""
        names: list[str] = []
        for index in indices:
            for instr in self.df.stages[index].instructions:
                for name in source_names(instr):
                    if self.stage_index(name) is None and full_name(name) not in names:
                        names.append(full_name(name))
        return names

    def label(self, stage: Stage) -> str:
        """The stage's name in ``[name i/n]``: its alias, else ``stage-N``; none when the build
        has one stage and no step reads an image (BuildKit makes such an image a stage too)."""
        if not self.multi:
            return ""
        return f"{stage.name if stage.alias else f'stage-{stage.index}'} "

    def resolved(self, ref: str) -> str:
        """``ref`` as BuildKit names its ``FROM`` vertex: fully qualified, with the digest its
        resolver returned (dockerfile2llb ``resolveBaseImage``: ``reference.WithDigest``) when
        the host knows the image's manifest digest (it was pulled with its ``Digest:`` line)."""
        name = full_name(ref)
        digest = self.host.resolved_digest(ref) if "@" not in name else None
        return f"{name}@{digest}" if digest else name

    def stage_total(self, stage: Stage, triggers: int) -> int:
        """``n`` of ``[i/n]``: the FROM when it is an image's, the layer steps, and every
        ONBUILD trigger of the base, layer step or not (dockerfile2llb ``cmdTotal``)."""
        own_from = self.base_of(stage.index)[0] == "image"
        return int(own_from) + triggers + sum(1 for i in stage.instructions if isinstance(i, LAYER_STEPS))

    def image_vertex(self, ref: str) -> None:
        """The ``FROM`` vertex of an image a step copies or mounts from: once, unnumbered."""
        name = self.resolved(ref)
        if name in self.from_printed:
            return
        self.from_printed.add(name)
        v = self.next_vertex()
        self.log += [f"#{v} FROM {name}", f"#{v} DONE 0.0s", ""]

    def stage_index(self, name: str) -> int | None:
        for stage in self.df.stages:
            if stage.alias is not None and stage.alias == name.lower():
                return stage.index
        if name.isdigit() and int(name) < len(self.df.stages):
            return int(name)
        return None

    def dependencies(self, stage: Stage) -> list[int]:
        deps = []
        base = self.lexer.process_word(stage.base, self.global_env)
        found = self.stage_index(base)
        if found is not None and found < stage.index:
            deps.append(found)
        for instr in stage.instructions:
            sources = [getattr(instr, "from_", None)]
            for text in getattr(instr, "mounts", ()):
                try:  # BuildKit allows no variable in a mount's from=: the raw text is enough
                    sources.append(parse_mount(text).from_)
                except MountError:
                    continue  # reported when the RUN runs
            for source in filter(None, sources):
                found = self.stage_index(self.lexer.process_word(source, self.global_env))
                if found is not None and found != stage.index:
                    deps.append(found)
        return deps

    def needed(self, target: int) -> list[int]:
        seen: set[int] = set()
        order: list[int] = []

        def visit(i: int) -> None:
            if i in seen:
                return
            seen.add(i)
            for dep in self.dependencies(self.df.stages[i]):
                if dep >= i:
                    raise self.fail(
                        f"stage {self.df.stages[i].name} refers to a later stage", self.df.stages[i].from_
                    )
                visit(dep)
            order.append(i)

        visit(target)
        return sorted(order)

    # -- progress -------------------------------------------------------------------------------
    def estimate(self, needed: Iterable[int]) -> int:
        """The numbered lines before the bases are known: one FROM per base image and each
        layer step (ONBUILD triggers add theirs when the base is read)."""
        indices = list(needed)
        images = {self.base_of(i)[1] for i in indices if self.base_of(i)[0] == "image"}
        steps = sum(1 for i in indices for s in self.df.stages[i].instructions if isinstance(s, LAYER_STEPS))
        return len(images) + steps

    def report(self, what: str) -> None:
        """A step starts: the steps before it are done (a WORKDIR / or a trigger may shift n)."""
        assert self.progress is not None
        self.steps_total = max(self.steps_total, self.steps_done + 1)
        self.progress(self.steps_done, self.steps_total, what)
        self.steps_done += 1

    # -- the build ------------------------------------------------------------------------------
    def run(self) -> BuildResult:
        if self.target is not None:
            target = self.stage_index(self.target)
            if target is None:
                names = ", ".join(s.name for s in self.df.stages)
                raise BuildError(f"target stage {self.target!r} could not be found; stages: {names}")
        else:
            target = len(self.df.stages) - 1
        needed = self.needed(target)
        self.multi = len(self.df.stages) > 1 or bool(self.image_sources(range(len(self.df.stages))))
        self.owners = from_vertex_owners(target, self.base_of, self.stage_sources)
        if self.progress is not None:
            self.steps_total = self.estimate(needed)
            self.progress(0, self.steps_total, "load build definition")
        self.log += [
            f"#{self.next_vertex()} [internal] load build definition from {self.df.filename}",
            f"#{self.vertex} DONE 0.0s",
            "",
        ]
        self.log += [f"#{self.next_vertex()} [internal] load .dockerignore", f"#{self.vertex} DONE 0.0s", ""]
        for name in self.base_images(needed):  # internal.py: BuildKit's order
            self.log += [
                f"#{self.next_vertex()} [internal] load metadata for {name}",
                f"#{self.vertex} DONE 0.0s",
                "",
            ]
        self.context_to_load = any(
            reads_context(i) for index in needed for i in self.df.stages[index].instructions
        )
        for index in needed:
            self.done[index] = self.build_stage(self.df.stages[index])
        failed = self.checker.error()  # convert.go finalizeResultImage: before the export
        if failed is not None:
            raise BuildError(
                failed + " (# check=error=true: " + "; ".join(w.short() for w in self.checker.found) + ")",
                filename=self.df.filename,
            )
        final = self.done[target]
        image = Image.of(
            final.layers,
            final.config,
            final.history,
            created=final.history[-1].created if final.history else final.image.created,
        )
        image = self.host.store_image(image, self.tag)
        unused = sorted(set(self.build_args) - self.used_args - PROXY_ARGS)
        if unused:
            self.warnings.append(f"one or more build-args {unused} were not consumed")
        self.warnings += [f"{self.df.filename}:{w.line}: {w.rule}: {w.message}" for w in self.checker.found]
        v = self.next_vertex()
        self.log += [f"#{v} exporting to image", f"#{v} writing image {image.id} done"]
        if self.tag:
            name, tag = parse_reference(self.tag)
            self.log.append(f"#{v} naming to docker.io/library/{name}:{tag} done")
        self.log.append(f"#{v} DONE 0.0s")
        if self.progress is not None:
            self.progress(self.steps_total, self.steps_total, f"writing image {image.id}")
        summary = self.checker.summary()
        if summary:
            self.log += ["", *summary]
        stages = tuple(
            StageRecord(
                s.index,
                s.name,
                s.base,
                s.index in self.done,
                self.done[s.index].image if s.index in self.done else None,
                tuple(self.dependencies(s)),
            )
            for s in self.df.stages
        )
        return BuildResult(
            image, tuple(self.steps), stages, self.tag, "\n".join(self.log), tuple(self.warnings)
        )

    def base_state(self, stage: Stage) -> _StageState:
        base = self.lexer.process_word(stage.base, self.global_env)
        found = self.stage_index(base)
        if found is not None and found < stage.index:
            parent = self.done[found]
            return _StageState(
                stage.index,
                stage,
                parent.image,
                parent.config,
                list(parent.history),
                list(parent.layers),
                parent.key,
                list(parent.args),
            )
        image = Image.of([]) if base == "scratch" else self.image_or_fail(base, f"FROM {base}", stage.from_)
        image.view  # noqa: B018 - its merged view (made when first read), which the stage's images extend
        config = image.config
        if base == "scratch":  # BuildKit's empty image (dockerui emptyImage): WorkingDir "/" and PATH
            config = replace(config, working_dir="/")
        if not config.env_dict().get("PATH"):
            config = config.with_env("PATH", DEFAULT_PATH)
        return _StageState(
            stage.index,
            stage,
            image,
            config,
            list(image.history),
            list(image.layers),
            image.id if image.layers else "scratch",
        )

    def build_stage(self, stage: Stage) -> _StageState:
        state = self.base_state(stage)
        triggers = list(state.config.on_build)
        state.config = replace(state.config, on_build=())
        instructions: list[ins.Instruction] = []
        for trigger in triggers:
            parsed = parse_dockerfile(f"FROM scratch\n{trigger}\n", filename=f"{self.df.filename} (ONBUILD)")
            instructions.extend(
                replace(i, line=stage.from_.line, end_line=stage.from_.line)
                for i in parsed.stages[0].instructions
            )
        self.triggers = {id(i) for i in instructions}
        instructions.extend(stage.instructions)
        self.checker.add(
            checks.stage_checks(
                stage,
                shell_set=bool(state.config.shell),
                instructions=instructions,
                workdir_set=self.workdir_in_chain(stage),
            )
        )
        total = self.stage_total(stage, len(triggers))
        label = self.label(stage)
        base_text = self.lexer.process_word(stage.base, self.global_env)
        kind, image_name = self.base_of(stage.index)
        if self.progress is not None:  # ONBUILD triggers known now
            self.steps_total += sum(1 for i in instructions[: len(triggers)] if isinstance(i, LAYER_STEPS))
        v = 0
        # one FROM vertex per image (stages FROM the same image share it, named by one of them,
        # see internal.from_vertex_owners); none for scratch, an earlier stage, or an image
        # without layers (dockerfile2llb: "isScratch"), which still counts as step 1
        if kind == "image" and image_name not in self.from_printed:
            self.from_printed.add(str(image_name))
            if state.image.layers:
                owner = self.df.stages[self.owners.get(str(image_name), stage.index)]
                shown = f"{step_prefix(self.label(owner), 1, self.stage_total(owner, len(triggers)))} FROM "
                shown += self.resolved(base_text)
                v = self.next_vertex()
                self.log.append(f"#{v} {shown}")
                if self.progress is not None:
                    self.report(shown)
            elif self.progress is not None:
                self.steps_total -= 1
        platform = self.lexer.process_word(stage.platform, self.global_env) if stage.platform else ""
        if platform and platform.rstrip("/") not in (PLATFORM_ARGS["BUILDPLATFORM"], "linux/amd64/v1"):
            note = (
                f"FROM --platform={platform}: layerlab's images are linux/amd64 only; "
                "this stage is built for linux/amd64"
            )
            if v:
                self.log.append(f"#{v} 0.000 layerlab: {note}")
            self.warnings.append(f"{self.df.filename}:{stage.from_.line}: {note}")
        if v:
            self.log += [f"#{v} DONE 0.0s", ""]
        if self.context_to_load:  # once, after the first FROM (a real build's order)
            self.context_to_load = False
            self.log += [
                f"#{self.next_vertex()} [internal] load build context",
                f"#{self.vertex} DONE 0.0s",
                "",
            ]
        position = 1 if kind == "image" else 0
        for instr in instructions:
            if isinstance(instr, LAYER_STEPS) and not (
                isinstance(instr, ins.Workdir) and self._workdir(state, instr) == "/"
            ):
                position += 1
            self.dispatch(state, instr, (position, total), label)
        final = Image.of(
            state.layers,
            state.config,
            state.history,
            created=state.history[-1].created if state.history else state.image.created,
        )
        if "view" in state.image._cache and state.image.layers == final.layers:  # the same merged tree
            final._cache["view"] = state.image.view  # (a COPY --from=<stage> reads it; cached builds too)
        state.image = final
        return state

    def workdir_in_chain(self, stage: Stage) -> bool:
        """Whether a stage ``stage`` is built on (``FROM <stage>``) has a ``WORKDIR``."""
        found = self.stage_index(self.lexer.process_word(stage.base, self.global_env))
        while found is not None and found < stage.index:
            parent = self.df.stages[found]
            if any(isinstance(i, ins.Workdir) for i in parent.instructions):
                return True
            stage, found = parent, self.stage_index(self.lexer.process_word(parent.base, self.global_env))
        return False

    # -- one instruction ------------------------------------------------------------------------
    def _workdir(self, state: _StageState, instr: ins.Workdir) -> str:
        path = self.expand(instr, state.env_map(), state.declared()).path  # type: ignore[attr-defined]
        return normalize(path if path.startswith("/") else f"{state.config.working_dir or '/'}/{path}")

    def now(self) -> str:
        return rfc3339(self.host.now())

    def metadata(
        self,
        state: _StageState,
        instr: ins.Instruction,
        created_by: str | None,
        position: tuple[int, int],
        config: ImageConfig,
    ) -> None:
        state.config = config
        if created_by is not None:  # BuildKit dates a config-only entry like the layer before it
            created = state.history[-1].created if state.history else state.image.created
            state.history.append(
                HistoryEntry(created_by, created, "buildkit.dockerfile.v0", empty_layer=True)
            )
        self.steps.append(
            StepRecord(
                0,
                state.stage.name,
                state.index,
                (0, position[1]),
                instr.keyword,
                instr.original,
                instr.line,
                created_by=created_by or "",
            )
        )

    def dispatch(
        self, state: _StageState, instr: ins.Instruction, position: tuple[int, int], label: str
    ) -> None:
        config = state.config
        if isinstance(instr, ins.Arg):
            self.dispatch_arg(state, instr, position)
            return
        if isinstance(instr, (ins.Run, ins.Cmd, ins.Entrypoint, ins.Shell)):
            expanded: ins.Instruction = instr
        else:
            expanded = self.expand(instr, state.env_map(), state.declared())
        if isinstance(expanded, ins.Workdir):
            self.dispatch_workdir(state, instr, expanded, position, label)
        elif isinstance(expanded, (ins.Run, ins.Copy, ins.Add)):
            self.dispatch_layer(state, instr, expanded, position, label)
        elif (update := CONFIG_UPDATES.get(type(expanded))) is not None:
            try:
                change = update(config, expanded, state.cmd_set)
            except InvalidInstruction as exc:
                raise self.fail(str(exc), instr) from None
            state.cmd_set = state.cmd_set or change.sets_cmd
            self.metadata(state, instr, change.created_by, position, change.config)
        else:  # pragma: no cover - the parser knows no other instruction
            raise self.fail(f"unsupported instruction {instr.keyword}", instr)

    def dispatch_arg(self, state: _StageState, instr: ins.Arg, position: tuple[int, int]) -> None:
        env = state.env_map()  # global ARGs are not in scope inside a stage until declared again
        parts = []
        for name, default in instr.args:
            value = self.build_args.get(name)
            if value is not None:
                self.used_args.add(name)
            elif default is not None:
                value = self.lexer.process_word(default, env)
            elif name in self.global_env:
                value = self.global_env[name]
            state.args = [(k, v) for k, v in state.args if k != name] + [(name, value)]
            parts.append(f"{name}={value}" if value is not None else name)
        self.metadata(state, instr, "ARG " + " ".join(parts), position, state.config)

    def with_shell(self, config: ImageConfig, command: tuple[str, ...], prepend: bool) -> tuple[str, ...]:
        return with_shell(config, command, prepend)

    def run_command_string(self, state: _StageState, argv: tuple[str, ...]) -> str:
        env = state.config.env_dict()
        pairs: dict[str, str] = {}
        for name, value in state.args:
            pairs[name] = env.get(name, value if value is not None else "")
        prefix = [f"|{len(pairs)}", *(f"{k}={v}" for k, v in pairs.items())] if pairs else []
        return " ".join([*prefix, *argv])

    # -- layer steps ----------------------------------------------------------------------------
    def dispatch_workdir(
        self,
        state: _StageState,
        instr: ins.Instruction,
        expanded: ins.Workdir,
        position: tuple[int, int],
        label: str,
    ) -> None:
        path = self._workdir(state, instr)  # type: ignore[arg-type]
        state.config = replace(state.config, working_dir=path)
        if path == "/":
            self.metadata(state, instr, "WORKDIR /", position, state.config)
            return
        desc = {"op": "WORKDIR", "path": path, "user": state.config.user, "text": f"WORKDIR {path}"}
        self.layer_step(
            state,
            instr,
            desc,
            f"WORKDIR {path}",
            position,
            label,
            lambda c: self.make_workdir(state, instr, c, path),
        )

    def make_workdir(self, state: _StageState, instr: ins.Instruction, c: Container, path: str) -> str:
        uid, gid = self.user_ids_in(c, state, instr)
        current = ""
        for part in [p for p in path.split("/") if p]:
            current += "/" + part
            if not c.exists(current):
                c.mkdir(current, 0o755)
                if (uid, gid) != (0, 0):
                    c.chown(current, uid, gid)
        return ""

    def user_ids_in(self, c: Container, state: _StageState, instr: ins.Instruction) -> tuple[int, int]:
        if not state.config.user:
            return 0, 0
        try:
            return resolve_user(c.read_file, state.config.user)
        except UnknownUser as e:
            raise self.fail(str(e), instr) from None

    def dispatch_layer(
        self,
        state: _StageState,
        instr: ins.Instruction,
        expanded: ins.Instruction,
        position: tuple[int, int],
        label: str,
    ) -> None:
        if isinstance(expanded, ins.Run):
            argv = self.run_argv(state, expanded)
            env = state.run_env()
            created_by = "RUN " + self.run_command_string(state, argv)
            desc: dict[str, Any] = {
                "op": "RUN",
                "argv": list(argv),
                "env": env,
                "cwd": state.config.working_dir or "/",
                "user": state.config.user,
                "network": expanded.network,
                "text": instr.original,
            }
            prepared = self.prepare_mounts(state, instr, expanded)
            if prepared:
                desc["mounts"] = [p.key for p in prepared]
            self.layer_step(
                state,
                instr,
                desc,
                created_by,
                position,
                label,
                lambda c: self.execute_run(state, instr, c, argv, env, prepared),
                mounts=True,
            )
            return
        assert isinstance(expanded, (ins.Copy, ins.Add))
        if not getattr(expanded, "from_", None):  # convert.go: only sources from the context
            local = [s for s in expanded.sources if "://" not in s and not s.startswith("git@")]
            self.checker.add(checks.copy_ignored(expanded.keyword, local, self.context.ignore, instr.line))
        plan = self.copy_plan(state, instr, expanded)
        flags = "".join(
            f" --{name}={value}"
            for name, value in (("chown", expanded.chown), ("chmod", expanded.chmod))
            if value
        )
        if getattr(expanded, "parents", False):
            flags = " --parents" + flags
        sources = " ".join([*expanded.sources, *(f"<<{h.name}" for h in expanded.heredocs)])
        created_by = f"{expanded.keyword}{flags} {sources} {expanded.dest}"
        desc = {
            "op": expanded.keyword,
            "sources": plan.checksums,
            "dest": plan.dest,
            "chown": expanded.chown,
            "chmod": expanded.chmod,
            "heredocs": [h.content for h in expanded.heredocs],
            "text": f"{expanded.keyword}{flags} {sources} {expanded.dest}",
        }
        link = bool(expanded.link) and not expanded.chmod  # convert_copy.go: --chmod turns --link off
        if link:
            plan.chown = link_chown(expanded.chown)
            if plan.chown is None and expanded.chown:
                raise self.fail(LINK_CHOWN_BY_NAME.format(chown=expanded.chown), instr)
            desc["link"] = True
        self.layer_step(
            state,
            instr,
            desc,
            created_by,
            position,
            label,
            lambda c: self.execute_copy(instr, c, plan),
            link=link,
        )

    def run_argv(self, state: _StageState, instr: ins.Run) -> tuple[str, ...]:
        command = tuple(instr.command)
        if instr.heredocs and instr.prepend_shell:
            doc = instr.heredocs[0]
            body = doc.content
            # convert.go dispatchRun: the command is one heredoc word (`<<EOF`, `<< EOF`), not
            # `<<EOF > /y`, whose heredoc the shell itself feeds to a command
            if len(command) == 1 and _heredoc_word(command[0]):
                if body.startswith("#!"):
                    interpreter = body.splitlines()[0][2:].strip().split()
                    return (*interpreter, "-c", body)
                return self.with_shell(state.config, (body,), True)
            full = " ".join(command) + "".join(f"\n{h.content}{h.name}" for h in instr.heredocs)
            return self.with_shell(state.config, (full,), True)
        return self.with_shell(state.config, command, instr.prepend_shell)

    def copy_plan(self, state: _StageState, instr: ins.Instruction, expanded: ins.Copy | ins.Add) -> CopyPlan:
        source_name = getattr(expanded, "from_", None)
        if source_name:
            index = self.stage_index(source_name)
            if index is not None and index in self.done:
                view = self.done[index].image.view
            else:
                view = self.image_or_fail(source_name, f"{expanded.keyword} --from={source_name}", instr).view
                self.image_vertex(source_name)
            keep_owner = True
        else:
            view = self.context.view
            keep_owner = False
        is_add = isinstance(expanded, ins.Add)
        try:
            checksum = expanded.checksum if isinstance(expanded, ins.Add) else None
            remote = remote_view(expanded.keyword, expanded.sources, checksum, self.urls)
        except BuildError as e:
            named = any(e.message.startswith(src) for src in expanded.sources)
            raise self.fail(f"{expanded.keyword} {e.message}" if named else e.message, instr) from None
        if remote is not None:  # downloaded files are not unpacked, and belong to root
            view, sources = remote
            expanded = replace(expanded, sources=sources)
            is_add = keep_owner = False
        try:
            return plan_copy(
                view,
                expanded,
                workdir=state.config.working_dir or "/",
                keep_owner=keep_owner,
                is_add=is_add,
            )
        except BuildError as e:
            raise self.fail(e.message, instr) from None

    def execute_copy(self, instr: ins.Instruction, c: Container, plan: CopyPlan) -> str:
        try:
            apply_copy(c, plan)
        except BuildError as e:
            raise self.fail(e.message, instr) from None
        except OSError as e:
            raise self.fail(f"{instr.keyword} failed: {e.strerror}: {e.filename}", instr) from None
        return ""

    def prepare_mounts(self, state: _StageState, instr: ins.Instruction, run: ins.Run) -> list[PreparedMount]:
        """The RUN's ``--mount``s resolved (see :mod:`simulator.builder.mounts`)."""
        out = []
        for text in run.mounts:
            try:
                mount = parse_mount(text)
            except MountError as e:
                raise self.fail(f"--mount={text}: {e}", instr) from None
            stage_view = None
            if mount.from_ and mount.type in ("bind", "cache"):
                index = self.stage_index(mount.from_)
                if index is not None and index in self.done:
                    stage_view = self.done[index].image.view
                else:
                    stage_view = self.image_or_fail(mount.from_, f"--mount=from={mount.from_}", instr).view
                    self.image_vertex(mount.from_)
            try:
                prepared = prepare_mount(
                    mount,
                    workdir=state.config.working_dir or "/",
                    context=self.context.view,
                    stage_view=stage_view if mount.type == "bind" else None,
                    cache=self.cache,
                    secrets=self.secrets,
                )
            except BuildError as e:
                raise self.fail(e.message, instr) from None
            if prepared is None and mount.type == "ssh":
                self.warnings.append(
                    f"{self.df.filename}:{instr.line}: --mount=type=ssh: layerlab has no SSH agent; "
                    "the step runs without one"
                )
            if prepared is not None:
                out.append(prepared)
        return out

    def execute_run(
        self,
        state: _StageState,
        instr: ins.Instruction,
        c: Container,
        argv: tuple[str, ...],
        env: list[str],
        mounts: list[PreparedMount] | None = None,
    ) -> str:
        uid, gid = self.user_ids_in(c, state, instr)
        process_env = dict(env_pairs(env))
        if mounts:
            process_env.update(install_mounts(c, mounts))
            base = state.image.view
            self.post_layer = lambda layer: strip_layer(layer, mounts, base)
        result = run_argv(
            c,
            argv,
            env=process_env,
            cwd=state.config.working_dir or "/",
            uid=uid,
            gid=gid,
            limits=self.limits,
            skip_unsimulated=True,
        )
        output = result.output  # stdout and stderr interleaved, as the build log shows them
        if result.exit_code != 0:
            shown = " ".join(argv)
            message = f'process "{shown}" did not complete successfully: exit code: {result.exit_code}'
            if output.strip():
                message += "\n" + "\n".join(output.strip().splitlines()[-10:])
            missing = result.unknown_command
            if result.exit_code == 127 and missing and "not found" in output:
                message += "\nhint: " + missing_program_hint(c, missing)
            raise self.fail(message, instr)
        if mounts:
            try:
                release_mounts(c, mounts, self.cache)
            except BuildError as e:
                raise self.fail(e.message, instr) from None
        self.step_unsimulated = list(result.unsimulated)
        if self.strict and result.unsimulated:
            raise self.fail(self.strict_message(result.unsimulated), instr)
        return output

    @staticmethod
    def strict_message(names: tuple[str, ...] | list[str]) -> str:
        shown = ", ".join(f"{n!r}" for n in names)
        return (
            f"{shown} {'is' if len(names) == 1 else 'are'} not simulated, and build(strict=True) stops "
            f"at what layerlab cannot simulate: the layer would lack "
            + "; ".join(unsimulated_effects(n) for n in names)
        )

    def layer_step(
        self,
        state: _StageState,
        instr: ins.Instruction,
        desc: dict[str, Any],
        created_by: str,
        position: tuple[int, int],
        label: str,
        execute: Any,
        mounts: bool = False,
        link: bool = False,
    ) -> None:
        # COPY --link: the files are copied into an empty directory (scratch) and that layer is
        # merged on top of the stage, so its key does not depend on the steps before it
        parent_key = LINK_PARENT if link else state.key
        key = cache_key(parent_key, desc)
        record = None if self.no_cache else self.cache.records.get(key)
        v = self.next_vertex()
        shown = " ".join(instr.original.split())
        # BuildKit v0.17+ marks a base's ONBUILD trigger (dockerfile2llb prefixCommand)
        title = f"{step_prefix(label, *position)} {'ONBUILD ' if id(instr) in self.triggers else ''}{shown}"
        self.log.append(f"#{v} {title}")
        if self.progress is not None:
            self.report(title)
        output = ""
        self.step_unsimulated = []
        if record is not None:
            layer = record.layer
            created = record.created  # a cached layer keeps the time it was made (buildkit/createdat)
            reason = None
            unsimulated = tuple(record.unsimulated)
            if self.strict and unsimulated:
                raise self.fail(self.strict_message(unsimulated), instr)
            self.log.append(f"#{v} CACHED")
            self.log += [self.unsimulated_line(v, name) for name in unsimulated]
        else:
            if self.no_cache:
                reason = "--no-cache was given"
            elif state.rebuilt_at is not None and not link:
                reason = f"a previous step of this stage (line {state.rebuilt_at}) was rebuilt"
            else:
                reason = self.cache.explain_miss(parent_key, desc)
            state.rebuilt_at = state.rebuilt_at or instr.line
            with self.host.work_container(
                Image.of([]) if link else state.image, runtime_mounts("buildkitsandbox") if mounts else None
            ) as c:
                self.post_layer = None
                output = execute(c)
                upper = c.upper if self.post_layer is None else self.post_layer(c.upper)
                layer = replace(
                    upper, created_by=created_by + " # buildkit", comment="buildkit.dockerfile.v0"
                )
            created = self.now()
            unsimulated = tuple(self.step_unsimulated)
            self.cache.store(parent_key, key, layer, desc, created, unsimulated)
            for line in output.splitlines():
                self.log.append(f"#{v} 0.000 {line}")
            self.log += [self.unsimulated_line(v, name) for name in unsimulated]
            self.log.append(f"#{v} DONE 0.0s")
        self.log.append("")
        history_text = created_by + (" # buildkit" if desc["op"] != "WORKDIR" else "")
        entry = HistoryEntry(history_text, created, "buildkit.dockerfile.v0")
        state.image = state.image.with_layer(layer, entry, state.config)
        state.layers.append(layer)
        state.history.append(entry)
        state.key = cache_key(state.key, {"op": "MERGE", "layer": key}) if link else key
        self.steps.append(
            StepRecord(
                v,
                state.stage.name,
                state.index,
                position,
                instr.keyword,
                shown,
                instr.line,
                record is not None,
                reason,
                layer,
                history_text,
                getattr(instr, "from_", None),
                output,
                unsimulated,
            )
        )
        for name in unsimulated:
            self.warnings.append(
                f"{self.df.filename}:{instr.line}: {name!r} is not simulated: its effects "
                f"({unsimulated_effects(name)}) are not in this layer"
            )

    @staticmethod
    def unsimulated_line(vertex: int, name: str) -> str:
        return (
            f"#{vertex} 0.000 layerlab: {name!r} is not simulated: its effects "
            f"({unsimulated_effects(name)}) are not in this layer"
        )


class BuildOptions(TypedDict, total=False):
    """The options of a build beside the Dockerfile and its context (see :func:`build`), as
    :meth:`Engine.build <simulator.engine.Engine.build>` and ``engine.images.build`` take them."""

    tag: str | None
    build_args: Mapping[str, str] | None
    target: str | None
    no_cache: bool
    filename: str
    limits: Limits | None
    strict: bool
    secrets: Mapping[str, bytes] | None
    urls: Mapping[str, bytes] | None
    progress: Callable[[int, int, str], None] | None


def build(
    host: BuildHost,
    dockerfile: str | None = None,
    context: ContextSource = None,
    *,
    tag: str | None = None,
    build_args: Mapping[str, str] | None = None,
    target: str | None = None,
    no_cache: bool = False,
    filename: str = "Dockerfile",
    limits: Limits | None = None,
    strict: bool = False,
    secrets: Mapping[str, bytes] | None = None,
    urls: Mapping[str, bytes] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> BuildResult:
    """Build an image the way BuildKit would (see the module docstring).

    Args:
        host: what stores the image and the cache and runs the steps' containers (the
            :class:`~simulator.engine.Engine` is one, see :class:`~simulator.builder.host.BuildHost`).
        dockerfile: the Dockerfile text; by default ``filename`` is read from the context.
        context: a mapping of path to content (bytes, str, or ``(bytes, mode)``), or a directory.
        tag: ``name[:tag]`` for the result.
        build_args: ``--build-arg`` values.
        target: the stage to build (``--target``); only the stages it needs are built.
        no_cache: ignore the cache (``--no-cache``); results are still stored in it.
        limits: what each RUN may use (:class:`~simulator.limits.Limits`; default: the host's).
            A RUN that reaches one fails the build with the limit's one-line message.
        strict: fail at a program layerlab does not simulate (``npm``, ``go``, ``python3
            app.py``) instead of going on without its effects (the log says which, and
            :attr:`StepRecord.unsimulated` names them); real-builder comparisons use it.
        secrets: ``--secret id=...``: what ``RUN --mount=type=secret,id=ID`` reads (at
            ``/run/secrets/ID`` or in ``env=``); never in a layer nor in the cache key.
        urls: the content ``ADD <url>`` would download (layerlab has no network), by URL.
        progress: called ``(done, total, what)`` as each step starts (``what`` is BuildKit's
            ``[stage i/n] INSTRUCTION``) and with ``(total, total, ...)`` once the image is
            written; ``total`` counts the needed stages' steps (it may grow with ONBUILD triggers).

    Raises:
        DockerfileError: the Dockerfile does not parse (line, column, caret, hint).
        BuildError: a step failed (the Dockerfile line and the reason).
    """
    ctx, found = BuildContext.create(context, filename)
    text = dockerfile if dockerfile is not None else found
    if text is None:
        raise BuildError(f"no Dockerfile given and no {filename!r} in the context")
    parsed = parse_dockerfile(text, filename=filename)
    builder = _Builder(
        host,
        parsed,
        ctx,
        build_args=build_args or {},
        target=target,
        no_cache=no_cache,
        tag=tag,
        limits=limits,
        strict=strict,
        secrets=secrets,
        urls=urls,
        progress=progress,
    )
    return builder.run()
