"""The notebooks' exercises: ``check_*`` functions that give feedback and hints.

# Long module: one check per exercise with its acceptance rules (the right forms, the wrong
# ones the issue lists) and the small helpers they share; split by lesson it would scatter them.

Each check looks at what the student made (a number, a Dockerfile, a container) and answers
with a :class:`Feedback`: ``✓`` with what the result shows, or ``✗``/``…`` with a hint that
points at the idea, never at the answer.  The truth is computed with the engine each time,
not stored here, so reading this file does not give the answers away either.  A check never
raises on a wrong or missing answer; it shows it.

The :class:`~.feedback.Feedback` type and its helpers are in :mod:`.feedback`; :func:`reveal`
(the second half of a misconception probe) is in :mod:`.probes`.
"""

from __future__ import annotations

import errno as _errno
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..analysis import efficiency
from ..engine import Engine
from ..errors import SimulatorError
from ..model.container import Container
from ..model.image import Image
from ..text import human_size
from .feedback import Feedback, blank, missing, right, wrong

__all__ = [
    "check_cache_friendly",
    "check_copy_up",
    "check_disk_usage",
    "check_errno",
    "check_image_id_changes",
    "check_layer_count",
    "check_layer_lines",
    "check_multi_stage",
    "check_opaque_dir",
    "check_rebuilt_steps",
    "check_same_layer_cleanup",
    "check_shared_layers",
    "check_whiteout",
    "check_whiteout_on_disk",
]


def _dockerfile_problem(dockerfile: Any) -> Feedback | None:
    """``…`` for no answer, ``✗`` for something that is not a Dockerfile's text, else ``None``."""
    if blank(dockerfile):
        return missing("a Dockerfile")
    if not isinstance(dockerfile, str):
        return wrong(
            f"A Dockerfile is text; this is a {type(dockerfile).__name__}.",
            'Write it as a string: """FROM ...\nRUN ...\n""".',
        )
    return None


def _whole_number(value: Any) -> int | None:
    """``value`` as a whole number (``3``, ``"3"``, ``3.0``), else ``None`` (``3.7``, ``True``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().lstrip("+").isdigit():
        return int(value.strip())
    return None


def _build(
    dockerfile: str,
    context: Mapping[str, Any] | None = None,
    engine: Engine | None = None,
    tag: str | None = None,
) -> Any:
    engine = engine or Engine()
    return engine.images.build(dockerfile, context=dict(context or {}), tag=tag)


# ------------------------------------------------------------------------------------------
# Notebook 01: images and immutable layers


def check_layer_count(dockerfile: str, answer: Any, context: Mapping[str, Any] | None = None) -> Feedback:
    """How many layers does ``dockerfile`` add on top of its base image?"""
    if blank(answer):
        return missing("a number")
    guess = _whole_number(answer)
    if guess is None:
        return wrong(f"{answer!r} is not a whole number.", "Answer with a whole number such as 3.")
    result = _build(dockerfile, context)
    made = sum(1 for s in result.steps if s.layer is not None)
    if guess == made:
        metadata = sum(1 for s in result.steps if s.layer is None)
        return right(f"Right: {made} layer(s); the other {metadata} instruction(s) only changed the config.")
    # One hint for every wrong number: "too many / too few" would let a student search for it.
    return wrong(
        "Not that number.",
        "Go through the instructions one by one. With BuildKit, RUN, COPY and ADD always make a "
        "layer, even an empty one, and so does WORKDIR (except WORKDIR /); ARG, ENV, LABEL, EXPOSE, "
        "USER, CMD and ENTRYPOINT only edit the image config.",
    )


def _line_set(answer: Any) -> tuple[set[int] | None, Feedback | None]:
    """``answer`` as a set of line numbers (``{4, 5}``, ``[5, 4]``, ``{"4"}``, a lone ``4``), or
    the feedback for one that is missing or malformed (``"45"``, ``{4.5}``, a dict)."""
    if blank(answer):
        return None, missing("a set of line numbers, e.g. {3, 4}")
    numbers = [answer] if _whole_number(answer) is not None and not isinstance(answer, str) else answer
    if isinstance(numbers, (str, bytes, Mapping)) or not isinstance(numbers, Iterable):
        return None, wrong("Answer with a set of line numbers.", "For example {4, 5}; a single line is {4}.")
    lines = [_whole_number(x) for x in numbers]
    if any(n is None for n in lines):
        return None, wrong("Answer with a set of line numbers.", "Whole numbers only, for example {4, 5}.")
    return {n for n in lines if n is not None}, None


def check_layer_lines(dockerfile: str, answer: Any, context: Mapping[str, Any] | None = None) -> Feedback:
    """Which lines of ``dockerfile`` make a layer (``FROM`` is line 1)?  A set of line numbers.

    The truth is BuildKit's rule as the builder applies it (``WORKDIR /`` makes none, ``RUN true``
    an empty one); one message for every wrong set, so that it cannot be searched for.
    """
    guess, problem = _line_set(answer)
    if problem is not None or guess is None:
        return problem if problem is not None else missing("a set of line numbers")
    result = _build(dockerfile, context)
    truth = {s.line for s in result.steps if s.layer is not None}
    if guess == truth:
        empty = sorted(s.line for s in result.steps if s.layer is not None and s.layer.size == 0)
        note = (
            f" Line(s) {', '.join(map(str, empty))} made an empty (0B) layer, a layer all the same."
            if empty
            else ""
        )
        return right(
            f"Right: lines {', '.join(map(str, sorted(truth)))} make layers; the others only edit the config.{note}"
        )
    return wrong(
        "Not that set of lines.",
        "Decide by the kind of instruction, not by what it changes: with BuildKit RUN, COPY and ADD "
        "always make a layer (even an empty one), WORKDIR too unless it is WORKDIR /; ARG, ENV, "
        "LABEL, USER, EXPOSE, CMD and ENTRYPOINT only edit the config.",
    )


_ID_CHANGERS = {"retag": False, "label": True, "byte": True, "history": True, "pull-again": False}


def check_image_id_changes(answer: Any) -> Feedback:
    """Which of the operations change the ImageID?  ``answer`` is a set of option names.

    Options: ``"retag"`` (give the image another tag), ``"label"`` (add a LABEL),
    ``"byte"`` (change one byte of one file in one layer), ``"history"`` (change the
    command recorded in the history), ``"pull-again"`` (pull the same image on another machine).
    """
    if blank(answer) or answer == set():
        return missing("a set of option names, e.g. {'retag'}")
    if not isinstance(answer, Iterable) or isinstance(answer, (str, bytes, Mapping)):
        return wrong(
            f"Unknown option(s): {answer!r} is not a set of option names.",
            f"Answer with a set such as {{'retag'}}; the options: {', '.join(sorted(_ID_CHANGERS))}.",
        )
    chosen = {str(a).strip().lower() for a in answer}
    unknown = chosen - _ID_CHANGERS.keys()
    if unknown:
        return wrong(
            f"Unknown option(s): {', '.join(sorted(unknown))}.",
            f"Choose among {', '.join(sorted(_ID_CHANGERS))}.",
        )
    truth = {k for k, v in _ID_CHANGERS.items() if v}
    if chosen == truth:
        return right(
            "Right: the ImageID is the sha256 of the config JSON, which holds the DiffIDs, the "
            "settings (Env, Cmd, Labels ...) and the history, and nothing else (not the tag, not "
            "the machine)."
        )
    # No count of missing / extra options: with five options that would give the answer away.
    return wrong(
        "Not yet.",
        "Ask of each one: does it change a byte of the config JSON (which lists the DiffIDs)? "
        "Try it with content_addressing() or by computing image.id.",
    )


# ------------------------------------------------------------------------------------------
# Notebook 02: containers and copy-on-write


def check_copy_up(container: Container, path: str = "/etc/passwd", *, command: Any = "") -> Feedback:
    """Make ``container`` copy ``path`` up *without changing its content*.

    ``command`` is the student's command, when the notebook passes it (``...``: not answered yet).
    """
    if command is ... or command is None:
        return missing("a shell command")
    try:
        upper = container.upper_entries
    except SimulatorError as exc:
        return wrong(str(exc), "Use a container that still exists.")
    if not isinstance(command, str):
        return wrong("A command is text, such as 'ls -l /etc'.", "Write the command as a string.")
    copied = [c for c in container.copy_ups if c.path == path]
    if not copied:
        return wrong(
            f"{path} has not been copied up yet.",
            "Which operations on an existing file force overlayfs to copy the whole file into the "
            "writable layer? Not only writing to it.",
        )
    entry = upper.get(path)
    if entry is None or entry.is_whiteout:
        return wrong(
            f"{path} was copied up but then deleted.", "Keep the file; change something other than it."
        )
    original = container.image.view.lookup(path)
    if original is not None and entry.read() != original.read():
        return wrong(
            "The copy-up happened, but the content changed too.",
            "Find a command that touches only the file's metadata (its mode, owner or time).",
        )
    return right(
        f"Right: {path} was copied up whole ({human_size(copied[0].bytes)}) because of "
        f"'{copied[0].reason}', though its content is the same."
    )


def check_whiteout(container: Container, path: str = "/etc/shells", *, command: Any = "") -> Feedback:
    """Delete ``path`` (a file of the image) in ``container`` and leave the image alone."""
    if command is ... or command is None:
        return missing("a shell command")
    try:
        upper = container.upper_entries
        visible = container.exists(path)
    except SimulatorError as exc:
        return wrong(str(exc), "Use a container that still exists.")
    if not isinstance(command, str):
        return wrong("A command is text, such as 'ls -l /etc'.", "Write the command as a string.")
    entry = upper.get(path)
    if visible:
        return wrong(f"{path} is still visible in the container.", "Delete it with a shell command.")
    if entry is None or not entry.is_whiteout:
        return wrong(
            "The file is gone, but there is no whiteout for it.", "Delete only the file, not its directory."
        )
    if container.image.view.lookup(path) is None:
        return wrong("The image itself lost the file?", "Use a new container of the original image.")
    return right(
        "Right: the container has a whiteout, the image still has the file: other containers "
        "of the image still see it."
    )


def check_opaque_dir(container: Container, path: str = "/etc/ssl", *, command: Any = "") -> Feedback:
    """Make ``path`` an opaque directory in ``container``'s writable layer."""
    if command is ... or command is None:
        return missing("a shell command")
    try:
        entry = container.upper_entries.get(path)
    except SimulatorError as exc:
        return wrong(str(exc), "Use a container that still exists.")
    if not isinstance(command, str):
        return wrong("A command is text, such as 'ls -l /etc'.", "Write the command as a string.")
    if entry is None:
        return wrong(f"{path} is not in the writable layer yet.", "Start by deleting the directory.")
    if entry.is_whiteout:
        return wrong(f"{path} is a whiteout now (deleted).", "Now create a directory with the same name.")
    if not (entry.is_dir and entry.opaque):
        return wrong(
            f"{path} is in the writable layer but not opaque.",
            "An opaque directory appears when a directory is created where a deleted one was.",
        )
    hidden = len(container.image.listdir(path)) if container.image.view.lookup(path) is not None else 0
    return right(f"Right: {path} is opaque, so the {hidden} name(s) below it in the image are hidden.")


# ------------------------------------------------------------------------------------------
# Notebook 03: builds and the cache


def check_rebuilt_steps(
    dockerfile: str,
    edited: str,
    answer: Any,
    context: Mapping[str, Any] | None = None,
    edited_context: Mapping[str, Any] | None = None,
) -> Feedback:
    """After building ``dockerfile`` then ``edited``, which Dockerfile lines rebuild?  A set of lines."""
    if blank(answer):
        return missing("a set of line numbers, e.g. {3, 4}")
    numbers = [answer] if _whole_number(answer) is not None and not isinstance(answer, str) else answer
    if isinstance(numbers, (str, bytes, Mapping)) or not isinstance(numbers, Iterable):
        return wrong("Answer with a set of line numbers.", "For example {4, 5}; a single line is {4}.")
    lines = [_whole_number(x) for x in numbers]
    if any(n is None for n in lines):
        return wrong("Answer with a set of line numbers.", "Whole numbers only, for example {4, 5}.")
    guess = {n for n in lines if n is not None}
    engine = Engine()
    _build(dockerfile, context, engine)
    second = _build(edited, edited_context if edited_context is not None else context, engine)
    truth = {s.line for s in second.steps if s.layer is not None and not s.cached}
    if guess == truth:
        first = second.first_miss
        why = f" The first miss: {first.miss_reason}." if first is not None else ""
        return right(f"Right: {len(truth)} step(s) rebuild.{why}")
    # One message for every wrong set ("missing" / "too many" would let a student search for it).
    return wrong(
        "Not that set of lines.",
        "Find the first line whose cache key changes (a step's key is its parent's key plus its own "
        "instruction, its files and the environment it runs with). Once one step misses, what "
        "happens to every later step of the stage? Lines that only edit the config make no layer.",
    )


def check_cache_friendly(
    dockerfile: Any,
    context: Mapping[str, Any],
    edit: Mapping[str, Any],
    expensive: str = "install",
    reference: str | None = None,
) -> Feedback:
    """After changing the source files in ``edit``, the ``expensive`` RUN step must stay CACHED.

    The step must still do its work (its layer changes files), and with ``reference`` (the
    Dockerfile being rewritten) the image must hold every file the reference's image holds, with
    the same content: reordering is the skill, not dropping the install.
    """
    problem = _dockerfile_problem(dockerfile)
    if problem is not None:
        return problem
    engine = Engine()
    try:
        _build(dockerfile, context, engine)
        second = _build(dockerfile, {**context, **edit}, engine)
    except (SimulatorError, OSError) as exc:
        return wrong(f"The build failed: {exc}", "Fix the Dockerfile so that it builds first.")
    runs = [s for s in second.steps if s.keyword == "RUN" and expensive in s.instruction]
    if not runs:
        return wrong(f"No RUN step mentions {expensive!r}.", "Keep the expensive step in the Dockerfile.")
    if any(s.layer is None or not s.layer.entries for s in runs):
        return wrong(
            f"The {expensive} step changes no file: it does not do its work any more.",
            "Keep the command itself as it was; move the lines around it.",
        )
    if reference is not None:
        missing_files = _missing_files(reference, {**context, **edit}, second.image)
        if missing_files:
            return wrong(
                f"The image lacks what the original makes ({len(missing_files)} path(s), e.g. "
                f"{missing_files[0]}).",
                "Reorder the lines, but keep every instruction's effect: the same files in the end.",
            )
    if all(s.cached for s in runs):
        rebuilt = [s for s in second.steps if s.layer is not None and not s.cached]
        return right(f"Right: the {expensive} step stayed CACHED; only {len(rebuilt)} cheap step(s) rebuilt.")
    return wrong(
        f"The {expensive} step ran again: {runs[0].miss_reason}.",
        "Which files does that step need? Copy only those before it, and the rest after it.",
    )


def _missing_files(reference: str, context: Mapping[str, Any], image: Image) -> list[str]:
    """Paths of ``reference``'s image that ``image`` lacks, or holds with other content."""
    expected = _build(reference, context).image.view
    view = image.view
    out = []
    for item in expected.walk():
        mine = view.lookup(item.path)
        differs = mine is None or mine.kind != item.entry.kind
        if differs or (item.entry.is_file and mine is not None and mine.read() != item.entry.read()):
            out.append(item.path)
    return out


# ------------------------------------------------------------------------------------------
# Notebook 04: sharing and disk usage


class ImagesOnly:
    """What :func:`check_disk_usage` hands the student's function: an engine's image store only.

    ``docker system df`` (``engine.df()``) is not there: the exercise is to compute its number.
    """

    __slots__ = ("images",)

    def __init__(self, engine: Engine) -> None:
        self.images = engine.images

    def __repr__(self) -> str:
        return f"<images of an engine: {len(self.images.list())} image(s)>"


def _other_engine(image_store: str) -> Engine:
    """A second store for the check to run the student's function on (not shown in the lesson),
    of the same kind as the lesson's (``image_store``)."""
    engine = Engine(image_store=image_store)
    engine.images.pull("alpine:3.20", quiet=True)
    engine.images.pull("busybox", quiet=True)
    base = "FROM alpine:3.20\nRUN mkdir /opt/app && echo shared > /opt/app/common\n"
    engine.images.build(base + "RUN echo one > /opt/app/who\n", context={}, tag="one:1")
    engine.images.build(base + "RUN echo two > /opt/app/who\n", context={}, tag="two:1")
    return engine


def check_disk_usage(engine: Engine, answer: Any) -> Feedback:
    """``answer(engine)`` must compute the bytes the image layers take on disk (df's SIZE).

    ``answer`` is the student's function; it gets the image store only (:class:`ImagesOnly`),
    and runs on ``engine`` and on a second store, so a number copied from ``docker system df``
    does not pass: the skill is counting each distinct layer (by ChainID) once.
    """
    if blank(answer):
        return missing("a function stored_bytes(engine)")
    if not callable(answer):
        return wrong(
            f"{answer!r} is not a function.",
            "A number could be copied from docker system df. Write def stored_bytes(engine): ... that "
            "computes it from engine.images.list(); the check runs it on two engines.",
        )
    if engine.image_store != "overlay2":
        return wrong(
            f"This engine uses the {engine.image_store} image store, which counts unpacked snapshots in "
            "disk blocks plus compressed blobs, not layer bytes.",
            "The exercise is about Docker's overlay2 store: make the engine with "
            "Engine(image_store='overlay2').",
        )
    for store in (engine, _other_engine(engine.image_store)):
        df = store.df()
        try:
            value = answer(ImagesOnly(store))
        except AttributeError as exc:
            return wrong(
                f"Your function failed: {exc}.",
                "It gets the image store only (engine.images), not docker system df: compute from "
                "each image's layers and ChainIDs.",
            )
        except Exception as exc:
            return wrong(
                f"Your function failed: {type(exc).__name__}: {exc}.", "Run it on e1 yourself first."
            )
        guess = _whole_number(value)
        if guess is None:
            return wrong(f"Your function returned {value!r}, not a whole number of bytes.", "Return an int.")
        if guess == df.layers_size:
            continue
        if guess == df.naive_size:
            return wrong(
                "That is the sum of the image sizes.", "A layer shared by several images is stored once."
            )
        return wrong(
            "Not the bytes the layers take on disk"
            + ("" if store is engine else " (on the second engine)")
            + ".",
            "Add the sizes of the distinct layers (by ChainID), each one once.",
        )
    return right(
        f"Right on both engines: layers are stored once, so e1's disk holds "
        f"{human_size(engine.df().layers_size)}, not the {human_size(engine.df().naive_size)} the "
        "image sizes add up to."
    )


def check_shared_layers(engine: Engine, a: str, b: str, at_least: int = 2) -> Feedback:
    """Images ``a`` and ``b`` must share at least ``at_least`` layers *they built*: equal ChainIDs
    above their common base image (the base's own layers are shared by any two images of it)."""
    if a not in engine.images and b not in engine.images:
        return missing(f"two Dockerfiles, built and tagged {a} and {b}")
    try:
        ia, ib = engine.images.get(a), engine.images.get(b)
    except SimulatorError as exc:
        return wrong(str(exc), f"Build both images, tagged {a} and {b}.")
    if ia.id == ib.id:
        return wrong("They are the same image.", "Make the two Dockerfiles differ in their last step.")
    shared = 0
    for x, y in zip(ia.chain_ids, ib.chain_ids, strict=False):
        if x != y:
            break
        shared += 1
    base = _base_layers(engine, ia, ib, shared)
    built = shared - base
    if built >= at_least:
        if len(ia.layers) == shared or len(ib.layers) == shared:
            return wrong(
                "One image is the other's layers plus only config changes.",
                "Give each image a layer of its own on top of the shared ones.",
            )
        return right(
            f"Right: {built} layer(s) you built are shared (above the {base} of the base image), "
            "stored once and counted in SHARED SIZE."
        )
    return wrong(
        f"They share {built} layer(s) they built; {at_least} wanted.",
        "Layers of the base image are shared by any two images of it: that does not count. A built "
        "layer is shared only if it and everything below it are identical: same base, same "
        "instructions in the same order, same files. LABEL, ENV and CMD make no layer.",
    )


def _base_layers(engine: Engine, ia: Image, ib: Image, shared: int) -> int:
    """How many of the ``shared`` bottom layers are those of a pulled base image (from the library)."""
    best = 0
    for image in engine.images.list(all=True):
        n = len(image.chain_ids)
        if image.id in (ia.id, ib.id) or not best < n <= shared or not _pulled(engine, image):
            continue
        if tuple(ia.chain_ids[:n]) == tuple(image.chain_ids):
            best = n
    return best


def _pulled(engine: Engine, image: Image) -> bool:
    """Whether ``image`` is a base image of the library (pulled, not built here)."""
    for tag in engine.images.tags_of(image):
        try:
            if engine.library_has(tag) and engine.library_image(tag).id == image.id:
                return True
        except SimulatorError:
            continue
    return False


# ------------------------------------------------------------------------------------------
# Notebook 05: image size


def check_same_layer_cleanup(
    dockerfile: Any, must_have: str = "/usr/bin/curl", junk: str = "/var/cache/apk"
) -> Feedback:
    """The image must contain ``must_have`` and ship no bytes under ``junk``, even hidden ones."""
    problem = _dockerfile_problem(dockerfile)
    if problem is not None:
        return problem
    try:
        image = _build(dockerfile).image
    except (SimulatorError, OSError) as exc:
        return wrong(f"The build failed: {exc}", "Fix the Dockerfile so that it builds first.")
    if not image.view.exists(must_have):
        return wrong(f"{must_have} is missing from the image.", "Keep installing the package.")

    def under(path: str) -> bool:
        return path == junk or path.startswith(junk + "/")

    shipped = sum(e.disk_size for layer in image.layers for p, e in layer.entries.items() if under(p))
    if not shipped:
        return right(f"Right: {human_size(image.size)}, nothing under {junk} shipped in any layer.")
    hidden = any(
        under(p) and (e.is_whiteout or (e.is_dir and e.opaque))
        for layer in image.layers
        for p, e in layer.entries.items()
    )
    wasted = efficiency(image).wasted_bytes
    if hidden:  # deleted, but in a later layer
        return wrong(
            f"{human_size(shipped)} under {junk} are still shipped ({human_size(wasted)} wasted in all).",
            "Deleting in a later RUN only hides the files. Where must the deletion happen?",
        )
    return wrong(
        f"{human_size(shipped)} under {junk} are shipped in the image.",
        f"The package manager left files in {junk}. Either do not let it keep them, or remove "
        "them before the layer is made.",
    )


def check_multi_stage(
    dockerfile: Any, context: Mapping[str, Any], artifact: str = "/app/hello", tools: str = "/usr/bin/gcc"
) -> Feedback:
    """A multi-stage build: a stage with ``tools`` builds ``artifact``; the final stage copies it
    (``COPY --from``) onto a base that can run it, and ships no ``tools`` in any layer."""
    problem = _dockerfile_problem(dockerfile)
    if problem is not None:
        return problem
    try:
        result = _build(dockerfile, context)
    except (SimulatorError, OSError) as exc:
        return wrong(f"The build failed: {exc}", "Fix the Dockerfile so that it builds first.")
    image = result.image
    if not image.view.exists(artifact):
        return wrong(f"{artifact} is not in the final image.", "Copy the built file into the final stage.")
    if any(p == tools for layer in image.layers for p in layer.entries):
        return wrong(
            f"{tools} is shipped in a layer of the final image.",
            "Deleting the tools later does not help. Could the final image start FROM something "
            "that never had them?",
        )
    stages = {s.index: s for s in result.stages}
    final = max(stages) if stages else 0
    copies = [
        s
        for s in result.steps
        if s.stage_index == final and s.copy_from and s.layer is not None and artifact in s.layer.entries
    ]
    if len(stages) < 2 or not copies:
        return wrong(
            f"{artifact} is made in the final image itself, not copied from a build stage.",
            "The skill is a second stage: build in one stage (with the tools), then start a new "
            "stage FROM a small base and COPY --from=<first stage> only the result.",
        )
    source = next(
        (s for s in stages.values() if s.index != final and copies[0].copy_from in (s.name, str(s.index))),
        None,
    )
    if source is None or source.image is None or not source.image.view.exists(tools):
        return wrong(
            "The stage you copy from never had the build tools.",
            f"Build {artifact} in a stage that installs the tools ({tools}), and copy from that one.",
        )
    loaders = _loaders(source.image)
    if loaders and not loaders & _loaders(image):
        return wrong(
            f"The final image has no C library loader ({sorted(loaders)[0]}): {artifact} could not run.",
            "The program was linked against the build stage's C library: start the final stage FROM "
            "a base that has it (the same distribution, without the compiler).",
        )
    return right(
        f"Right: {artifact} was built with the tools in stage {source.name or source.index} and "
        f"copied into a final stage without them: {len(result.stages)} stages, final image "
        f"{human_size(image.size)}."
    )


def _loaders(image: Image) -> set[str]:
    """The dynamic loaders (``/lib/ld-*``) of ``image``."""
    try:
        return {f"/lib/{n}" for n in image.view.listdir("/lib") if n.startswith("ld-")}
    except (OSError, SimulatorError):
        return set()


# ------------------------------------------------------------------------------------------
# Notebook 06: the real overlayfs


def check_errno(answer: Any) -> Feedback:
    """Renaming a directory that comes from the image fails: with which errno?

    Every right form is accepted: the name (``"EXDEV"``, ``"errno.EXDEV"``), its number on Linux
    (``18``, ``"18"``) or its message (``"Invalid cross-device link"``).
    """
    if blank(answer):
        return missing("an errno name such as 'ENOENT'")
    from ..model.entries import Entry
    from ..model.layer import Layer

    image = Image.of([Layer.of({"/d": Entry.directory(), "/d/f": Entry.file(b"x")})])
    try:
        Container(image).rename("/d", "/e")
        number = 0
    except OSError as exc:
        number = exc.errno or 0
    truth = _errno.errorcode.get(number, "(none)")
    if not isinstance(answer, (str, int)) or isinstance(answer, bool):
        return wrong(f"{answer!r} is not an errno.", "Answer with its name, such as 'ENOENT'.")
    text = str(answer).strip()
    given = _whole_number(answer)
    if given is None:
        name = text.upper().removeprefix("ERRNO.")
        if name in _errno.errorcode.values():
            given = getattr(_errno, name)
        elif text.casefold() == os.strerror(number).casefold():
            given = number
    if given == number:
        return right(
            f"Right: {truth} ({number}, {os.strerror(number)}). `mv` catches it and falls back to "
            "copy + delete, as across file systems."
        )
    return wrong(
        "Not that one.",
        "The error says the two names are on different devices, as if the "
        "directory lived on another file system.",
    )


_NEGATION = re.compile(r"\b(not|no|never|without|neither|nor|isn't|isnt|aren't)\b|n't\b")


def check_whiteout_on_disk(answer: Any) -> Feedback:
    """What is a whiteout in the kernel's upper directory?  Describe its file type and numbers."""
    if blank(answer):
        return missing("a short description")
    if not isinstance(answer, str):
        return wrong(f"{answer!r} is not a description.", "Describe it in words, as text.")
    text = answer.lower()
    compact = text.replace(" ", "")
    kind = "char" in text or "character" in text or text.startswith("c ")
    numbers = (
        any(sep in compact for sep in ("0,0", "0/0", "0:0")) or re.search(r"\b0\s+0\b", text) is not None
    )
    if _NEGATION.search(text):
        return wrong(
            "Not quite.", "Say what it is, not what it is not: its file type and its device numbers."
        )
    if kind and numbers:
        return right("Right: a character device with device number 0/0 (ls -l shows 'c' and '0, 0').")
    if kind:
        return wrong(
            "The file type is right.", "Now its device numbers: look at the ls -l line of the upper dir."
        )
    return wrong("Not quite.", "Look at the first letter of its ls -l line in the kernel's upper directory.")
