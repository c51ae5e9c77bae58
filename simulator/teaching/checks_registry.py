"""The exercises of the registry lesson: what a pull downloads, and a push that mounts instead of uploading.

As in :mod:`.checks`, the truth is computed each time, here by really pulling and pushing with
:mod:`simulator.registry`: into a scratch engine that holds the same images as the student's
(so the student's engine is never changed), or with an engine and registry made for the check.
A check never raises on a wrong or missing answer.
"""

from __future__ import annotations

from typing import Any

from ..engine import Engine
from ..errors import SimulatorError
from ..registry import PushResult, Registry, pull
from .feedback import Feedback, blank, missing, right, wrong

__all__ = ["SHOP_CONTEXT", "SHOP_DOCKERFILE", "check_downloaded_blobs", "check_mounted_push"]

SHOP_DOCKERFILE = "FROM python:3.12-slim\nCOPY app.py /srv/app.py\n"
"""The app of the mounting exercise: one layer on top of python:3.12-slim."""
SHOP_CONTEXT = {"app.py": "print('shop v1')\n"}


def _whole_number(answer: Any) -> int | None:
    if isinstance(answer, bool):
        return None
    if isinstance(answer, int):
        return answer
    if isinstance(answer, str) and answer.strip().isdigit():
        return int(answer.strip())
    return None


def check_downloaded_blobs(
    engine: Any, ref: str, registry: Registry, answer: Any, *, store: str = "overlay2"
) -> Feedback:
    """How many layer blobs will ``pull(engine, ref, registry, store=store)`` download?

    The truth: the same pull into a scratch engine holding the same images as ``engine``.
    """
    if blank(answer):
        return missing("a whole number of layer blobs")
    number = _whole_number(answer)
    if number is None:
        return wrong(f"{answer!r} is not a whole number.", "Count the layer blobs the pull will download.")
    scratch = Engine()
    for image in engine.images.list(all=True):
        scratch.images.add(image)
    result = pull(scratch, ref, registry, store=store, quiet=True)
    truth, total = len(result.downloaded), len(result.image.layers)
    if number == truth:
        return right(
            f"Right: {truth} of {total} layer blobs are downloaded with store={store!r}; "
            f"the other {total - truth} print 'Already exists'."
        )
    if number == total:
        return wrong(
            f"Not the whole image: {number} is every layer.",
            "A pull fetches only the blobs that are missing locally; the layers this engine already "
            "holds print 'Already exists'.",
        )
    hint = (
        "With overlay2 a layer counts as present only when the whole stack below it matches (its "
        "ChainID): after the first missing layer, every layer above is downloaded, even one you hold."
        if store == "overlay2"
        else "With the containerd store each compressed blob counts on its own: a blob already in the "
        "content store is never downloaded again, whatever lies below it."
    )
    return wrong(f"Not {number}.", hint)


def check_mounted_push(publish: Any) -> Feedback:
    """``publish(engine, registry)`` must push ``shop:1`` so that its base layers are mounted, not uploaded.

    The check makes a fresh engine holding python:3.12-slim and ``shop:1`` (:data:`SHOP_DOCKERFILE`)
    and an empty registry, calls ``publish`` and looks at the :class:`PushResult` it returns.
    """
    if blank(publish):
        return missing("a function publish(engine, registry) that returns the push of shop:1")
    if not callable(publish):
        return wrong(f"{publish!r} is not a function.", "Write def publish(engine, registry): ...")
    engine, registry = Engine(), Registry()
    engine.images.pull("python:3.12-slim", quiet=True)
    shop = engine.images.build(SHOP_DOCKERFILE, context=SHOP_CONTEXT, tag="shop:1").image
    try:
        result = publish(engine, registry)
    except (SimulatorError, LookupError, ValueError, TypeError) as exc:
        return wrong(f"publish failed: {exc}", "Use engine.images.push(ref, registry, quiet=True).")
    if not isinstance(result, PushResult):
        return wrong(
            f"publish returned {type(result).__name__}, not the PushResult of shop:1.",
            "Return what engine.images.push('shop:1', registry) returns.",
        )
    if not result.lines or result.lines[0] != "The push refers to repository [shop]":
        return wrong("The returned push is not the push of shop:1.", "Return the push of shop:1, made last.")
    base = len(shop.layers) - 1
    if len(result.mounted) == base and len(result.pushed) == 1:
        return right(
            f"Right: the {base} base layers say 'Mounted from python' (the registry links the blobs it "
            "already has into repository shop) and only the app's layer is uploaded."
        )
    if len(result.pushed) == len(shop.layers):
        return wrong(
            "Every layer was uploaded.",
            "A registry keeps blobs per repository; to mount one into 'shop', it must already be in "
            "another repository of the same registry, pushed (or pulled) by this engine.",
        )
    return wrong(
        f"{len(result.mounted)} mounted, {len(result.pushed)} uploaded, {len(result.existing)} already there.",
        "Mounting happens when the blob is in another repository of this registry, not yet in 'shop'.",
    )
