"""Every check: a right answer passes, a wrong one fails with a hint, and a missing or malformed
answer gets feedback, never a traceback in the student's cell.

The answers are the notebooks' own (tests/notebooks/solutions.py).  A check that accepts
something clearly wrong, or raises on a malformed answer, is marked ``xfail(strict=True)``: what
the checks accept is another issue's to change, and the mark fails as soon as it is fixed.
"""

from __future__ import annotations

from typing import Any

import pytest

from simulator import Engine
from simulator.errors import SimulatorError
from simulator.teaching import (
    Feedback,
    check_cache_friendly,
    check_copy_up,
    check_disk_usage,
    check_errno,
    check_image_id_changes,
    check_layer_count,
    check_multi_stage,
    check_opaque_dir,
    check_rebuilt_steps,
    check_same_layer_cleanup,
    check_shared_layers,
    check_whiteout,
    check_whiteout_on_disk,
)

NO_ANSWER = [None, ..., "", "   "]
"""What a cell holds before the student answers (``...``) or after a half-hearted edit."""


def assert_right(feedback: Any) -> None:
    assert isinstance(feedback, Feedback)
    assert feedback.ok is True and feedback, feedback
    assert str(feedback).startswith("✓ Right")


def assert_wrong(feedback: Any) -> None:
    assert isinstance(feedback, Feedback)
    assert feedback.ok is False and not feedback, feedback
    assert feedback.message and feedback.hint, "a wrong answer gets a hint"
    assert "hint:" in str(feedback) and "hint" in feedback._repr_html_()


def assert_not_answered(feedback: Any) -> None:
    assert isinstance(feedback, Feedback)
    assert feedback.ok is None and not feedback, feedback
    assert feedback.message.startswith("No answer yet") and str(feedback).startswith("…")


def xfail(reason: str, raises: type[BaseException] = AssertionError) -> Any:
    """A known flaw: ``AssertionError`` when a wrong answer is accepted, else what it raises."""
    return pytest.mark.xfail(strict=True, reason=reason, raises=raises)


# ------------------------------------------------------------------------------------------
# Notebook 01

LAYERS_DOCKERFILE = """\
FROM busybox
ARG VERSION=1.0
ENV APP_VERSION=$VERSION
WORKDIR /srv
COPY app.sh .
RUN chmod +x app.sh
USER nobody
ENTRYPOINT ["./app.sh"]
"""
LAYERS_CONTEXT = {"app.sh": "#!/bin/sh\necho running\n"}


@pytest.mark.parametrize("answer", [3, "3", " 3 "])
def test_layer_count_right(answer):
    assert_right(check_layer_count(LAYERS_DOCKERFILE, answer, LAYERS_CONTEXT))


@pytest.mark.parametrize(("answer", "message"), [(2, "Too few."), (4, "Too many."), (8, "Too many.")])
def test_layer_count_wrong(answer, message):
    feedback = check_layer_count(LAYERS_DOCKERFILE, answer, LAYERS_CONTEXT)
    assert_wrong(feedback)
    assert feedback.message == message


@pytest.mark.parametrize("answer", NO_ANSWER)
def test_layer_count_no_answer(answer):
    assert_not_answered(check_layer_count(LAYERS_DOCKERFILE, answer, LAYERS_CONTEXT))


@pytest.mark.parametrize(
    "answer",
    ["three", [3], {3}, object(), True, pytest.param(3.7, marks=xfail("int(3.7) == 3: accepted as right"))],
)
def test_layer_count_malformed(answer):
    assert_wrong(check_layer_count(LAYERS_DOCKERFILE, answer, LAYERS_CONTEXT))


@pytest.mark.parametrize(
    "answer",
    [{"label", "byte", "history"}, ["history", "byte", "label"], {" Label ", "BYTE", "history"}],
)
def test_image_id_changes_right(answer):
    assert_right(check_image_id_changes(answer))


@pytest.mark.parametrize(
    "answer", [{"retag"}, {"label", "byte"}, {"label", "byte", "history", "pull-again"}, "label"]
)
def test_image_id_changes_wrong(answer):
    assert_wrong(check_image_id_changes(answer))


@pytest.mark.parametrize("answer", [*NO_ANSWER, set()])
def test_image_id_changes_no_answer(answer):
    assert_not_answered(check_image_id_changes(answer))


@pytest.mark.parametrize("answer", [{"nope"}, 42, {1}, [None], object()])
def test_image_id_changes_malformed(answer):
    feedback = check_image_id_changes(answer)
    assert_wrong(feedback)
    assert feedback.message.startswith("Unknown option")


# ------------------------------------------------------------------------------------------
# Notebook 02: each check looks at a container the student's command changed


def _container(command: str | None = None) -> Any:
    container = Engine().containers.create("alpine:3.20").start()
    if command:
        container.exec_run(command)
    return container


def _removed() -> Any:
    container = _container()
    container.stop()
    container.remove()
    return container


def test_copy_up_right():
    command = "chmod 644 /etc/passwd"
    assert_right(check_copy_up(_container(command), "/etc/passwd", command=command))


@pytest.mark.parametrize("command", ["true", "echo x >> /etc/passwd", "rm /etc/passwd", ""])
def test_copy_up_wrong(command):
    assert_wrong(check_copy_up(_container(command), "/etc/passwd", command=command))


@pytest.mark.parametrize("command", [None, ...])
def test_copy_up_no_answer(command):
    assert_not_answered(check_copy_up(_container(), "/etc/passwd", command=command))


@pytest.mark.parametrize("command", [42, ["chmod", "644", "/etc/passwd"]])
def test_copy_up_malformed(command):
    assert_wrong(check_copy_up(_container(), "/etc/passwd", command=command))


def test_copy_up_removed_container():
    assert_wrong(check_copy_up(_removed(), "/etc/passwd", command="rm -f /etc/passwd"))


@pytest.mark.parametrize("command", ["rm /etc/shells", "rm -f /etc/shells"])
def test_whiteout_right(command):
    assert_right(check_whiteout(_container(command), "/etc/shells", command=command))


@pytest.mark.parametrize("command", ["true", "chmod 600 /etc/shells", ""])
def test_whiteout_wrong(command):
    assert_wrong(check_whiteout(_container(command), "/etc/shells", command=command))


@pytest.mark.parametrize("command", [None, ...])
def test_whiteout_no_answer(command):
    assert_not_answered(check_whiteout(_container(), "/etc/shells", command=command))


@pytest.mark.parametrize("command", [42, ["rm", "/etc/shells"]])
def test_whiteout_malformed(command):
    assert_wrong(check_whiteout(_container(), "/etc/shells", command=command))


@xfail("raises ContainerStateError on a removed container (check_copy_up gives feedback)", SimulatorError)
def test_whiteout_removed_container():
    assert_wrong(check_whiteout(_removed(), "/etc/shells", command="rm /etc/shells"))


def test_opaque_dir_right():
    command = "rm -rf /etc/apk && mkdir /etc/apk"
    assert_right(check_opaque_dir(_container(command), "/etc/apk", command=command))


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("true", "not in the writable layer"),
        ("rm -rf /etc/apk", "whiteout"),
        ("touch /etc/apk/new", "not opaque"),
        ("", "not in the writable layer"),
    ],
)
def test_opaque_dir_wrong(command, message):
    feedback = check_opaque_dir(_container(command), "/etc/apk", command=command)
    assert_wrong(feedback)
    assert message in feedback.message


@pytest.mark.parametrize("command", [None, ...])
def test_opaque_dir_no_answer(command):
    assert_not_answered(check_opaque_dir(_container(), "/etc/apk", command=command))


@pytest.mark.parametrize("command", [42, ["mkdir", "/etc/apk"]])
def test_opaque_dir_malformed(command):
    assert_wrong(check_opaque_dir(_container(), "/etc/apk", command=command))


def test_opaque_dir_removed_container():
    assert_wrong(check_opaque_dir(_removed(), "/etc/apk", command="mkdir /etc/apk"))


# ------------------------------------------------------------------------------------------
# Notebook 03

BEFORE = """\
FROM busybox
RUN mkdir /app
ENV MODE=debug
RUN echo "$MODE" > /app/mode
COPY run.sh /app/
CMD ["sh", "/app/run.sh"]
"""
AFTER = BEFORE.replace("MODE=debug", "MODE=release")
RUN_CONTEXT = {"run.sh": "cat /app/mode\n"}


@pytest.mark.parametrize("answer", [{4, 5}, [5, 4], {"4", "5"}, (4, 5)])
def test_rebuilt_steps_right(answer):
    assert_right(check_rebuilt_steps(BEFORE, AFTER, answer, RUN_CONTEXT))


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({4}, "Some rebuilt steps are missing."),
        (set(), "Some rebuilt steps are missing."),
        ({3, 4, 5}, "Too many"),
        ({4, 5, 6}, "Too many"),
        ({2, 6}, "Not quite."),
    ],
)
def test_rebuilt_steps_wrong(answer, message):
    feedback = check_rebuilt_steps(BEFORE, AFTER, answer, RUN_CONTEXT)
    assert_wrong(feedback)
    assert feedback.message.startswith(message)


@pytest.mark.parametrize("answer", NO_ANSWER)
def test_rebuilt_steps_no_answer(answer):
    assert_not_answered(check_rebuilt_steps(BEFORE, AFTER, answer, RUN_CONTEXT))


@pytest.mark.parametrize(
    "answer",
    [
        4,
        {"x"},
        [None],
        object(),
        pytest.param("45", marks=xfail("a string is read digit by digit: '45' counts as {4, 5}")),
        pytest.param({4.5, 5}, marks=xfail("int(4.5) == 4: {4.5, 5} counts as {4, 5}")),
    ],
)
def test_rebuilt_steps_malformed(answer):
    assert_wrong(check_rebuilt_steps(BEFORE, AFTER, answer, RUN_CONTEXT))


CACHE_CONTEXT = {"packages.txt": "curl\n", "app.sh": "echo v1\n"}
CACHE_EDIT = {"app.sh": "echo v3\n"}
SLOW = """\
FROM alpine:3.20
WORKDIR /app
COPY . .
RUN apk add --no-cache $(cat packages.txt)
CMD ["sh", "app.sh"]
"""
FAST = """\
FROM alpine:3.20
WORKDIR /app
COPY packages.txt .
RUN apk add --no-cache $(cat packages.txt)
COPY app.sh .
CMD ["sh", "app.sh"]
"""


def _cache_friendly(dockerfile: Any) -> Feedback:
    return check_cache_friendly(dockerfile, CACHE_CONTEXT, CACHE_EDIT, expensive="apk add")


def test_cache_friendly_right():
    assert_right(_cache_friendly(FAST))


@pytest.mark.parametrize(
    ("dockerfile", "message"),
    [
        (SLOW, "The apk add step ran again"),
        ("FROM alpine:3.20\nCOPY . .\n", "No RUN step mentions"),
        ("FROM nosuch:1\n", "The build failed"),
        ("this is not a Dockerfile", "The build failed"),
    ],
)
def test_cache_friendly_wrong(dockerfile, message):
    feedback = _cache_friendly(dockerfile)
    assert_wrong(feedback)
    assert feedback.message.startswith(message)


@pytest.mark.parametrize("dockerfile", NO_ANSWER)
def test_cache_friendly_no_answer(dockerfile):
    assert_not_answered(_cache_friendly(dockerfile))


@pytest.mark.parametrize(
    "dockerfile",
    [
        pytest.param(
            42, marks=xfail("raises AttributeError: 'int' object has no attribute 'split'", AttributeError)
        ),
        pytest.param(
            [FAST],
            marks=xfail("raises AttributeError: 'list' object has no attribute 'split'", AttributeError),
        ),
    ],
)
def test_cache_friendly_malformed(dockerfile):
    assert_wrong(_cache_friendly(dockerfile))


# ------------------------------------------------------------------------------------------
# Notebook 04


@pytest.fixture(scope="module")
def three_images() -> Engine:
    engine = Engine()
    for ref in ("debian:bookworm-slim", "python:3.11-slim", "python:3.12-slim"):
        engine.images.pull(ref)
    return engine


def _stored_bytes(engine: Engine) -> int:
    """The notebook's solution: each distinct layer (by ChainID) counted once."""
    layers = {}
    for image in engine.images.list():
        for chain, layer in zip(image.chain_ids, image.layers, strict=True):
            layers[chain] = layer.size
    return sum(layers.values())


def test_disk_usage_right(three_images):
    stored = _stored_bytes(three_images)
    assert_right(check_disk_usage(three_images, stored))
    assert_right(check_disk_usage(three_images, str(stored)))
    assert_right(check_disk_usage(three_images, stored * 1.01))  # within 2%


def test_disk_usage_wrong(three_images):
    naive = sum(image.size for image in three_images.images.list())
    feedback = check_disk_usage(three_images, naive)
    assert_wrong(feedback)
    assert feedback.message == "That is the sum of the image sizes."
    assert_wrong(check_disk_usage(three_images, 1))
    assert_wrong(check_disk_usage(three_images, _stored_bytes(three_images) * 1.1))


@pytest.mark.parametrize("answer", NO_ANSWER)
def test_disk_usage_no_answer(three_images, answer):
    assert_not_answered(check_disk_usage(three_images, answer))


@pytest.mark.parametrize("answer", ["lots", [1], {1}, object(), float("nan"), float("inf"), -1, True])
def test_disk_usage_malformed(three_images, answer):
    assert_wrong(check_disk_usage(three_images, answer))


SHARED_A = "FROM busybox\nRUN mkdir /app\nRUN echo shared > /app/common\nRUN echo a > /app/who\n"
SHARED_B = "FROM busybox\nRUN mkdir /app\nRUN echo shared > /app/common\nRUN echo b > /app/who\n"


def _engine_with(*dockerfiles: tuple[str, str]) -> Engine:
    engine = Engine()
    for dockerfile, tag in dockerfiles:
        engine.images.build(dockerfile, context={}, tag=tag)
    return engine


def test_shared_layers_right():
    engine = _engine_with((SHARED_A, "app-a:1"), (SHARED_B, "app-b:1"))
    assert_right(check_shared_layers(engine, "app-a:1", "app-b:1", at_least=2))


@pytest.mark.parametrize(
    ("dockerfiles", "message"),
    [
        (
            [
                ("FROM busybox\nRUN echo a > /a\n", "app-a:1"),
                ("FROM alpine:3.20\nRUN echo b > /b\n", "app-b:1"),
            ],
            "They share 0 layer(s); 2 wanted.",
        ),
        (
            [("FROM busybox\nRUN echo a > /a\n", "app-a:1"), ("FROM busybox\nRUN echo b > /b\n", "app-b:1")],
            "They share 1 layer(s); 2 wanted.",
        ),
        ([(SHARED_A, "app-a:1"), (SHARED_A, "app-b:1")], "They are the same image."),
    ],
)
def test_shared_layers_wrong(dockerfiles, message):
    feedback = check_shared_layers(_engine_with(*dockerfiles), "app-a:1", "app-b:1", at_least=2)
    assert_wrong(feedback)
    assert feedback.message == message


def test_shared_layers_nothing_built():
    assert_not_answered(check_shared_layers(Engine(), "app-a:1", "app-b:1"))


@pytest.mark.parametrize("built", ["app-a:1", "app-b:1"])
def test_shared_layers_only_one_built(built):
    feedback = check_shared_layers(_engine_with((SHARED_A, built)), "app-a:1", "app-b:1")
    assert_wrong(feedback)
    assert "no image" in feedback.message


# ------------------------------------------------------------------------------------------
# Notebook 05


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
        "FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk\n",
    ],
)
def test_same_layer_cleanup_right(dockerfile):
    assert_right(check_same_layer_cleanup(dockerfile))


@pytest.mark.parametrize(
    ("dockerfile", "message"),
    [
        ("FROM alpine:3.20\nRUN apk add curl\nRUN rm -rf /var/cache/apk/*\n", "still shipped"),
        ("FROM alpine:3.20\nRUN apk add curl\n", "still shipped"),
        ("FROM alpine:3.20\n", "missing from the image"),
        ("FROM nosuch:1\n", "The build failed"),
        ("nonsense", "The build failed"),
    ],
)
def test_same_layer_cleanup_wrong(dockerfile, message):
    feedback = check_same_layer_cleanup(dockerfile)
    assert_wrong(feedback)
    assert message in feedback.message


@pytest.mark.parametrize("dockerfile", NO_ANSWER)
def test_same_layer_cleanup_no_answer(dockerfile):
    assert_not_answered(check_same_layer_cleanup(dockerfile))


@pytest.mark.parametrize(
    "dockerfile",
    [
        pytest.param(
            42, marks=xfail("raises AttributeError: 'int' object has no attribute 'split'", AttributeError)
        ),
        pytest.param(
            ["FROM alpine:3.20"],
            marks=xfail("raises AttributeError: 'list' object has no attribute 'split'", AttributeError),
        ),
    ],
)
def test_same_layer_cleanup_malformed(dockerfile):
    assert_wrong(check_same_layer_cleanup(dockerfile))


SOURCE = {"hello.c": "int main(void) { return 0; }\n"}
SINGLE = """\
FROM alpine:3.20
RUN apk add --no-cache gcc musl-dev
COPY hello.c /src/
RUN mkdir -p /app && printf 'ELF-stand-in' > /app/hello
CMD ["/app/hello"]
"""
MULTI = """\
FROM alpine:3.20 AS build
RUN apk add --no-cache gcc musl-dev
COPY hello.c /src/
RUN mkdir -p /app && printf 'ELF-stand-in' > /app/hello

FROM alpine:3.20
COPY --from=build /app/hello /app/hello
CMD ["/app/hello"]
"""


def test_multi_stage_right():
    assert_right(check_multi_stage(MULTI, SOURCE))


@pytest.mark.parametrize(
    ("dockerfile", "message"),
    [
        (SINGLE, "is shipped in a layer"),
        (SINGLE + "RUN apk del gcc\n", "is shipped in a layer"),
        ("FROM alpine:3.20\n", "is not in the final image"),
        ("FROM nosuch:1\n", "The build failed"),
    ],
)
def test_multi_stage_wrong(dockerfile, message):
    feedback = check_multi_stage(dockerfile, SOURCE)
    assert_wrong(feedback)
    assert message in feedback.message


@pytest.mark.parametrize("dockerfile", NO_ANSWER)
def test_multi_stage_no_answer(dockerfile):
    assert_not_answered(check_multi_stage(dockerfile, SOURCE))


@pytest.mark.parametrize(
    "dockerfile",
    [
        pytest.param(
            42, marks=xfail("raises AttributeError: 'int' object has no attribute 'split'", AttributeError)
        ),
        pytest.param(
            [MULTI],
            marks=xfail("raises AttributeError: 'list' object has no attribute 'split'", AttributeError),
        ),
    ],
)
def test_multi_stage_malformed(dockerfile):
    assert_wrong(check_multi_stage(dockerfile, SOURCE))


# ------------------------------------------------------------------------------------------
# Notebook 06


@pytest.mark.parametrize("answer", ["EXDEV", "exdev", " EXDEV "])
def test_errno_right(answer):
    assert_right(check_errno(answer))


@pytest.mark.parametrize("answer", ["ENOENT", "EPERM", "(none)"])
def test_errno_wrong(answer):
    assert_wrong(check_errno(answer))


@pytest.mark.parametrize("answer", NO_ANSWER)
def test_errno_no_answer(answer):
    assert_not_answered(check_errno(answer))


@pytest.mark.parametrize("answer", [18, "18", ["EXDEV"], object()])
def test_errno_malformed(answer):
    assert_wrong(check_errno(answer))


@pytest.mark.parametrize(
    "answer", ["a character device, numbers 0,0", "c 0/0", "character device 0:0", "Char device 0, 0"]
)
def test_whiteout_on_disk_right(answer):
    assert_right(check_whiteout_on_disk(answer))


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("a character device", "The file type is right."),
        ("an empty file", "Not quite."),
        ("0,0", "Not quite."),
        pytest.param(
            "not a char device, and not 0,0 either",
            "Not quite.",
            marks=xfail("keywords only: a description that denies both is accepted"),
        ),
    ],
)
def test_whiteout_on_disk_wrong(answer, message):
    feedback = check_whiteout_on_disk(answer)
    assert_wrong(feedback)
    assert feedback.message == message


@pytest.mark.parametrize("answer", NO_ANSWER)
def test_whiteout_on_disk_no_answer(answer):
    assert_not_answered(check_whiteout_on_disk(answer))


@pytest.mark.parametrize("answer", [42, ["c 0,0"], object()])
def test_whiteout_on_disk_malformed(answer):
    assert_wrong(check_whiteout_on_disk(answer))
