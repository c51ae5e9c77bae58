"""The notebooks' exercises: ``check_*`` functions that give feedback and hints.

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
    "check_multi_stage",
    "check_opaque_dir",
    "check_rebuilt_steps",
    "check_same_layer_cleanup",
    "check_shared_layers",
    "check_whiteout",
    "check_whiteout_on_disk",
]


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
    result = _build(dockerfile, context)
    made = sum(1 for s in result.steps if s.layer is not None)
    try:
        guess = int(answer)
    except (TypeError, ValueError):
        return wrong(f"{answer!r} is not a number.", "Answer with a whole number such as 3.")
    if guess == made:
        metadata = sum(1 for s in result.steps if s.layer is None)
        return right(f"Right: {made} layer(s); the other {metadata} instruction(s) only changed the config.")
    if guess > made:
        return wrong(
            "Too many.",
            "Not every instruction makes a layer: ARG, ENV, LABEL, EXPOSE, USER, CMD and "
            "ENTRYPOINT only edit the image config.",
        )
    return wrong(
        "Too few.",
        "With BuildKit, RUN, COPY and ADD always make a layer, even when they change little; "
        "so does every WORKDIR except WORKDIR /, even when the directory already exists.",
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
    chosen = {
        str(a).strip().lower()
        for a in (answer if isinstance(answer, Iterable) and not isinstance(answer, str) else [answer])
    }
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
    missed, extra = len(truth - chosen), len(chosen - truth)
    return wrong(
        f"Not yet: {missed} missing and {extra} too many.",
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
    upper = container.upper_entries
    entry = upper.get(path)
    if container.exists(path):
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
    entry = container.upper_entries.get(path)
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
    try:
        guess = {int(x) for x in answer}
    except (TypeError, ValueError):
        return wrong("Answer with a set of line numbers.", "For example {4, 5}.")
    engine = Engine()
    _build(dockerfile, context, engine)
    second = _build(edited, edited_context if edited_context is not None else context, engine)
    truth = {s.line for s in second.steps if s.layer is not None and not s.cached}
    if guess == truth:
        first = second.first_miss
        why = f" The first miss: {first.miss_reason}." if first is not None else ""
        return right(f"Right: {len(truth)} step(s) rebuild.{why}")
    if guess < truth:
        return wrong(
            "Some rebuilt steps are missing.",
            "Once one step misses the cache, what happens to every later step of the stage?",
        )
    if guess > truth:
        return wrong(
            "Too many: some of these steps are still cached.",
            "A step's cache key depends on its parent and its own instruction, not on later lines; "
            "and metadata-only lines make no layer to rebuild.",
        )
    return wrong("Not quite.", "Find the first line whose cache key changes; count from there.")


def check_cache_friendly(
    dockerfile: str, context: Mapping[str, Any], edit: Mapping[str, Any], expensive: str = "install"
) -> Feedback:
    """After changing the source files in ``edit``, the ``expensive`` RUN step must stay CACHED."""
    if blank(dockerfile):
        return missing("a Dockerfile")
    engine = Engine()
    try:
        _build(dockerfile, context, engine)
        second = _build(dockerfile, {**context, **edit}, engine)
    except (SimulatorError, OSError) as exc:
        return wrong(f"The build failed: {exc}", "Fix the Dockerfile so that it builds first.")
    runs = [s for s in second.steps if s.keyword == "RUN" and expensive in s.instruction]
    if not runs:
        return wrong(f"No RUN step mentions {expensive!r}.", "Keep the expensive step in the Dockerfile.")
    if all(s.cached for s in runs):
        rebuilt = [s for s in second.steps if s.layer is not None and not s.cached]
        return right(f"Right: the {expensive} step stayed CACHED; only {len(rebuilt)} cheap step(s) rebuilt.")
    return wrong(
        f"The {expensive} step ran again: {runs[0].miss_reason}.",
        "Which files does that step need? Copy only those before it, and the rest after it.",
    )


# ------------------------------------------------------------------------------------------
# Notebook 04: sharing and disk usage


def check_disk_usage(engine: Engine, answer: Any) -> Feedback:
    """How many bytes do the engine's image layers take on disk (``docker system df`` SIZE)?"""
    if blank(answer):
        return missing("a number of bytes")
    df = engine.df()
    truth = df.layers_size
    try:
        guess = float(answer)
    except (TypeError, ValueError):
        return wrong("Answer with a number of bytes.", "For example 12_000_000.")
    if truth and abs(guess - truth) <= 0.02 * truth:
        return right(
            f"Right (within 2%): layers are stored once, so the disk holds "
            f"{human_size(truth)}, not the {human_size(df.naive_size)} the image sizes add up to."
        )
    if abs(guess - df.naive_size) <= 0.02 * max(df.naive_size, 1):
        return wrong(
            "That is the sum of the image sizes.", "A layer shared by several images is stored once."
        )
    return wrong("Not quite.", "Add the sizes of the distinct layers (by ChainID), each one once.")


def check_shared_layers(engine: Engine, a: str, b: str, at_least: int = 2) -> Feedback:
    """Images ``a`` and ``b`` must share at least ``at_least`` bottom layers (equal ChainIDs)."""
    if a not in engine.images and b not in engine.images:
        return missing(f"two Dockerfiles, built and tagged {a} and {b}")
    try:
        ia, ib = engine.images.get(a), engine.images.get(b)
    except SimulatorError as exc:
        return wrong(str(exc), f"Build both images, tagged {a} and {b}.")
    shared = 0
    for x, y in zip(ia.chain_ids, ib.chain_ids, strict=False):
        if x != y:
            break
        shared += 1
    if ia.id == ib.id:
        return wrong("They are the same image.", "Make the two Dockerfiles differ in their last step.")
    if shared >= at_least:
        return right(f"Right: {shared} shared layer(s), stored once and counted in SHARED SIZE.")
    return wrong(
        f"They share {shared} layer(s); {at_least} wanted.",
        "A layer is shared only if it and everything below it are identical: same base, "
        "same instructions in the same order, same files.",
    )


# ------------------------------------------------------------------------------------------
# Notebook 05: image size


def check_same_layer_cleanup(
    dockerfile: str, must_have: str = "/usr/bin/curl", junk: str = "/var/cache/apk"
) -> Feedback:
    """The image must contain ``must_have`` and ship no bytes under ``junk``, even hidden ones."""
    if blank(dockerfile):
        return missing("a Dockerfile")
    try:
        image = _build(dockerfile).image
    except (SimulatorError, OSError) as exc:
        return wrong(f"The build failed: {exc}", "Fix the Dockerfile so that it builds first.")
    if not image.view.exists(must_have):
        return wrong(f"{must_have} is missing from the image.", "Keep installing the package.")
    shipped = sum(
        e.disk_size
        for layer in image.layers
        for p, e in layer.entries.items()
        if p == junk or p.startswith(junk + "/")
    )
    if shipped:
        wasted = efficiency(image).wasted_bytes
        return wrong(
            f"{human_size(shipped)} under {junk} are still shipped ({human_size(wasted)} wasted in all).",
            "Deleting in a later RUN only hides the files. Where must the deletion happen?",
        )
    return right(f"Right: {human_size(image.size)}, nothing under {junk} shipped in any layer.")


def check_multi_stage(
    dockerfile: str, context: Mapping[str, Any], artifact: str = "/app/hello", tools: str = "/usr/bin/gcc"
) -> Feedback:
    """The final image must contain ``artifact`` and no ``tools`` in any layer."""
    if blank(dockerfile):
        return missing("a Dockerfile")
    try:
        result = _build(dockerfile, context)
    except (SimulatorError, OSError) as exc:
        return wrong(f"The build failed: {exc}", "Fix the Dockerfile so that it builds first.")
    image = result.image
    if not image.view.exists(artifact):
        return wrong(f"{artifact} is not in the final image.", "Copy the built file into the final stage.")
    shipped = [p for layer in image.layers for p in layer.entries if p == tools]
    if shipped:
        return wrong(
            f"{tools} is shipped in a layer of the final image.",
            "Deleting the tools later does not help. Could the final image start FROM something "
            "that never had them?",
        )
    return right(
        f"Right: {artifact} is there, the tools are not; {len(result.stages)} stage(s), "
        f"final image {human_size(image.size)}."
    )


# ------------------------------------------------------------------------------------------
# Notebook 06: the real overlayfs


def check_errno(answer: Any) -> Feedback:
    """Renaming a directory that comes from the image fails: with which errno name?"""
    if blank(answer):
        return missing("an errno name such as 'ENOENT'")
    from ..model.entries import Entry
    from ..model.layer import Layer

    image = Image.of([Layer.of({"/d": Entry.directory(), "/d/f": Entry.file(b"x")})])
    try:
        Container(image).rename("/d", "/e")
        truth = "(none)"
    except OSError as exc:
        truth = _errno.errorcode.get(exc.errno or 0, "")
    if str(answer).strip().upper() == truth:
        return right(
            f"Right: {truth}. `mv` catches it and falls back to copy + delete, as across file systems."
        )
    return wrong(
        "Not that one.",
        "The error says the two names are on different devices, as if the "
        "directory lived on another file system.",
    )


def check_whiteout_on_disk(answer: Any) -> Feedback:
    """What is a whiteout in the kernel's upper directory?  Describe its file type and numbers."""
    if blank(answer):
        return missing("a short description")
    text = str(answer).lower()
    kind = "char" in text or "character" in text or text.startswith("c ")
    numbers = (
        "0,0" in text.replace(" ", "") or "0/0" in text.replace(" ", "") or "0:0" in text.replace(" ", "")
    )
    if kind and numbers:
        return right("Right: a character device with device number 0/0 (ls -l shows 'c' and '0, 0').")
    if kind:
        return wrong(
            "The file type is right.", "Now its device numbers: look at the ls -l line of the upper dir."
        )
    return wrong("Not quite.", "Look at the first letter of its ls -l line in the kernel's upper directory.")
