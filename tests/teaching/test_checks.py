"""Every check: a right answer passes, a wrong one fails with a hint, and a missing or malformed
answer gets feedback, never a traceback in the student's cell.

The answers are the notebooks' own (tests/notebooks/solutions.py).  Each check is fed right
answers in every accepted form, wrong ones (including those issue 14 lists as once accepted),
degenerate and malformed ones; and its feedback must not let a student search for the answer.
"""

from __future__ import annotations

from typing import Any

import pytest

from simulator import Engine
from simulator.teaching import (
    Feedback,
    check_cache_friendly,
    check_copy_up,
    check_disk_usage,
    check_errno,
    check_image_id_changes,
    check_layer_count,
    check_layer_lines,
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


@pytest.mark.parametrize("answer", [2, 4, 8, 0, "4"])
def test_layer_count_wrong(answer):
    feedback = check_layer_count(LAYERS_DOCKERFILE, answer, LAYERS_CONTEXT)
    assert_wrong(feedback)
    assert feedback.message == "Not that number."


def test_layer_count_feedback_does_not_point_at_the_answer():
    """Every wrong number gets the same feedback: no "too many / too few" to search with."""
    answers = {str(check_layer_count(LAYERS_DOCKERFILE, n, LAYERS_CONTEXT)) for n in (0, 1, 2, 4, 5, 9)}
    assert len(answers) == 1


@pytest.mark.parametrize("answer", [3.0, "+3"])
def test_layer_count_every_right_form(answer):
    assert_right(check_layer_count(LAYERS_DOCKERFILE, answer, LAYERS_CONTEXT))


@pytest.mark.parametrize("answer", NO_ANSWER)
def test_layer_count_no_answer(answer):
    assert_not_answered(check_layer_count(LAYERS_DOCKERFILE, answer, LAYERS_CONTEXT))


@pytest.mark.parametrize(
    "answer",
    ["three", [3], {3}, object(), True, 3.7],
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


LINES_DOCKERFILE = """\
FROM busybox
WORKDIR /
RUN true
ENV PATH=/opt/bin:$PATH
ADD notes.txt /srv/
WORKDIR /srv
USER nobody
"""
LINES_CONTEXT = {"notes.txt": "layers are tar files\n"}


@pytest.mark.parametrize("answer", [{3, 5, 6}, [6, 5, 3], {"3", "5", "6"}, (3, 5, 6.0)])
def test_layer_lines_right(answer):
    feedback = check_layer_lines(LINES_DOCKERFILE, answer, LINES_CONTEXT)
    assert_right(feedback)
    assert "empty" in feedback.message  # RUN true: an empty layer, a layer all the same


@pytest.mark.parametrize(
    "answer",
    [
        {5, 6},  # "RUN true changes nothing, so no layer": the classic builder's rule
        {2, 3, 5, 6},  # WORKDIR / makes none
        {2, 3, 4, 5, 6, 7},  # every instruction makes a layer
        {3, 5},  # WORKDIR /srv does
        set(),
        3,
    ],
)
def test_layer_lines_wrong(answer):
    feedback = check_layer_lines(LINES_DOCKERFILE, answer, LINES_CONTEXT)
    assert_wrong(feedback)
    assert feedback.message == "Not that set of lines."


def test_layer_lines_feedback_cannot_enumerate_the_answer():
    answers = [{5, 6}, {3}, {3, 5}, {3, 5, 6, 7}, set(), {1}]
    assert len({str(check_layer_lines(LINES_DOCKERFILE, a, LINES_CONTEXT)) for a in answers}) == 1


@pytest.mark.parametrize("answer", NO_ANSWER)
def test_layer_lines_no_answer(answer):
    assert_not_answered(check_layer_lines(LINES_DOCKERFILE, answer, LINES_CONTEXT))


@pytest.mark.parametrize("answer", [{"x"}, [None], object(), {3.5, 5}, {"3": 1}, "356", b"3"])
def test_layer_lines_malformed(answer):
    assert_wrong(check_layer_lines(LINES_DOCKERFILE, answer, LINES_CONTEXT))


@pytest.mark.parametrize("answer", [*NO_ANSWER, set()])
def test_image_id_changes_no_answer(answer):
    assert_not_answered(check_image_id_changes(answer))


def test_image_id_changes_feedback_cannot_enumerate_the_answer():
    """Every wrong set of options gets the same words (no count of missing / extra ones)."""
    wrong_sets = [{"retag"}, {"label"}, {"label", "byte"}, {"label", "byte", "history", "retag"}]
    assert len({str(check_image_id_changes(a)) for a in wrong_sets}) == 1


@pytest.mark.parametrize("answer", [{"nope"}, 42, {1}, [None], object(), {"label": 1}])
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


@pytest.mark.parametrize("answer", [{4}, set(), {3, 4, 5}, {4, 5, 6}, {2, 6}, 4])
def test_rebuilt_steps_wrong(answer):
    feedback = check_rebuilt_steps(BEFORE, AFTER, answer, RUN_CONTEXT)
    assert_wrong(feedback)
    assert feedback.message == "Not that set of lines."


def test_rebuilt_steps_feedback_cannot_enumerate_the_answer():
    """Subsets and supersets of the answer get the same feedback as anything else."""
    answers = [{4}, {5}, {3, 4, 5}, {4, 5, 6}, {2, 6}, set()]
    assert len({str(check_rebuilt_steps(BEFORE, AFTER, a, RUN_CONTEXT)) for a in answers}) == 1


@pytest.mark.parametrize("answer", NO_ANSWER)
def test_rebuilt_steps_no_answer(answer):
    assert_not_answered(check_rebuilt_steps(BEFORE, AFTER, answer, RUN_CONTEXT))


@pytest.mark.parametrize(
    "answer",
    [
        {"x"},
        [None],
        object(),
        {4.0, 5.5},
        {"4": 1, "5": 2},
        "45",
        {4.5, 5},
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
    return check_cache_friendly(dockerfile, CACHE_CONTEXT, CACHE_EDIT, expensive="apk add", reference=SLOW)


def test_cache_friendly_right():
    assert_right(_cache_friendly(FAST))
    assert_right(_cache_friendly(FAST.replace("COPY app.sh .", "COPY . .")))  # another right form
    assert_right(check_cache_friendly(FAST, CACHE_CONTEXT, CACHE_EDIT, expensive="apk add"))


@pytest.mark.parametrize(
    ("dockerfile", "message"),
    [
        (SLOW, "The apk add step ran again"),
        ("FROM alpine:3.20\nCOPY . .\n", "No RUN step mentions"),
        ("FROM alpine\nRUN echo apk add\n", "The apk add step changes no file"),  # issue 14
        (  # the install stays cached because app.sh is never copied
            "FROM alpine:3.20\nWORKDIR /app\nCOPY packages.txt .\nRUN apk add --no-cache $(cat packages.txt)\n",
            "The image lacks",
        ),
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
        42,
        [FAST],
    ],
)
def test_cache_friendly_malformed(dockerfile):
    assert_wrong(_cache_friendly(dockerfile))


# ------------------------------------------------------------------------------------------
# Notebook 04


@pytest.fixture(scope="module")
def three_images() -> Engine:
    engine = Engine(image_store="overlay2")  # the exercise counts the graphdriver store's layer bytes
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
    assert_right(check_disk_usage(three_images, _stored_bytes))


def test_disk_usage_a_pasted_number_is_refused(three_images):
    """Issue 14: a number copied from docker system df passed; the skill is computing it."""
    feedback = check_disk_usage(three_images, three_images.df().layers_size)
    assert_wrong(feedback)
    assert "not a function" in feedback.message


def test_disk_usage_reading_df_is_refused(three_images):
    feedback = check_disk_usage(three_images, lambda engine: engine.df().layers_size)
    assert_wrong(feedback)
    assert "docker system df" in feedback.hint


def test_disk_usage_on_the_containerd_store_says_which_store_the_exercise_is_about():
    feedback = check_disk_usage(Engine(), _stored_bytes)  # the default store: containerd
    assert_wrong(feedback)
    assert "containerd image store" in feedback.message and "image_store='overlay2'" in feedback.hint


def test_disk_usage_wrong(three_images):
    feedback = check_disk_usage(three_images, lambda e: sum(i.size for i in e.images.list()))
    assert_wrong(feedback)
    assert feedback.message == "That is the sum of the image sizes."
    assert_wrong(check_disk_usage(three_images, lambda e: 1))
    assert_wrong(check_disk_usage(three_images, lambda e: int(_stored_bytes(e) * 1.1)))
    # right on e1 only: a constant fitted to the lesson's engine fails on the second one
    fitted = _stored_bytes(three_images)
    feedback = check_disk_usage(three_images, lambda e: fitted)
    assert_wrong(feedback)
    assert "second engine" in feedback.message


@pytest.mark.parametrize("answer", NO_ANSWER)
def test_disk_usage_no_answer(three_images, answer):
    assert_not_answered(check_disk_usage(three_images, answer))


@pytest.mark.parametrize(
    "answer",
    [
        "lots",
        [1],
        lambda e: "many",
        lambda e: 1.5,
        lambda e: float("nan"),
        lambda e: 1 / 0,
        lambda: 3,  # takes no engine
        lambda e: True,
    ],
)
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
            "They share 0 layer(s) they built; 2 wanted.",
        ),
        (
            [("FROM busybox\nRUN echo a > /a\n", "app-a:1"), ("FROM busybox\nRUN echo b > /b\n", "app-b:1")],
            "They share 0 layer(s) they built; 2 wanted.",
        ),
        (  # issue 14: two LABEL-only Dockerfiles share only the base image's layers
            [("FROM busybox\nLABEL v=a\n", "app-a:1"), ("FROM busybox\nLABEL v=b\n", "app-b:1")],
            "They share 0 layer(s) they built; 2 wanted.",
        ),
        (
            [
                ("FROM python:3.12-slim\nLABEL v=a\n", "app-a:1"),
                ("FROM python:3.12-slim\nLABEL v=b\n", "app-b:1"),
            ],
            "They share 0 layer(s) they built; 2 wanted.",
        ),
        (
            [(SHARED_A, "app-a:1"), (SHARED_A + "LABEL v=b\n", "app-b:1")],
            "One image is the other's layers plus only config changes.",
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
        ("FROM alpine:3.20\nRUN apk add curl\n", "are shipped in the image"),
        ("FROM alpine:3.20\n", "missing from the image"),
        ("FROM nosuch:1\n", "The build failed"),
        ("nonsense", "The build failed"),
    ],
)
def test_same_layer_cleanup_wrong(dockerfile, message):
    feedback = check_same_layer_cleanup(dockerfile)
    assert_wrong(feedback)
    assert message in feedback.message


def test_same_layer_cleanup_hint_fits_what_was_done():
    """Issue 14: the hint spoke of "a later RUN" when nothing had been deleted."""
    kept = check_same_layer_cleanup("FROM alpine:3.20\nRUN apk add curl\n")
    assert "later" not in kept.hint.lower()
    deleted_later = check_same_layer_cleanup(
        "FROM alpine:3.20\nRUN apk add curl\nRUN rm -rf /var/cache/apk/*\n"
    )
    assert "later RUN" in deleted_later.hint


@pytest.mark.parametrize("dockerfile", NO_ANSWER)
def test_same_layer_cleanup_no_answer(dockerfile):
    assert_not_answered(check_same_layer_cleanup(dockerfile))


@pytest.mark.parametrize(
    "dockerfile",
    [
        42,
        ["FROM alpine:3.20"],
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


@pytest.mark.parametrize(
    "dockerfile",
    [
        MULTI,
        MULTI.replace("AS build", "AS builder").replace("--from=build ", "--from=builder "),
        MULTI.replace("--from=build ", "--from=0 "),  # a stage named by its index
        MULTI.replace("FROM alpine:3.20\nCOPY", "FROM alpine:3.20 AS final\nCOPY"),
    ],
)
def test_multi_stage_right(dockerfile):
    assert_right(check_multi_stage(dockerfile, SOURCE))


@pytest.mark.parametrize(
    ("dockerfile", "message"),
    [
        (SINGLE, "is shipped in a layer"),
        (SINGLE + "RUN apk del gcc\n", "is shipped in a layer"),
        ("FROM alpine:3.20\n", "is not in the final image"),
        ("FROM nosuch:1\n", "The build failed"),
        # issue 14: a single stage that never had the tools passed
        ("FROM alpine:3.20\nRUN mkdir -p /app && printf 'ELF-stand-in' > /app/hello\n", "not copied from"),
        (  # two stages, but the final one makes the file itself
            "FROM alpine:3.20 AS build\nRUN apk add --no-cache gcc musl-dev\n\n"
            "FROM alpine:3.20\nRUN mkdir -p /app && printf 'ELF-stand-in' > /app/hello\n",
            "not copied from",
        ),
        (  # copied from a stage that never had the tools
            "FROM alpine:3.20 AS build\nRUN mkdir -p /app && printf 'ELF-stand-in' > /app/hello\n\n"
            "FROM alpine:3.20\nCOPY --from=build /app/hello /app/hello\n",
            "never had the build tools",
        ),
        (  # issue 14: FROM scratch has no C library to run the program
            MULTI.replace("FROM alpine:3.20\nCOPY", "FROM scratch\nCOPY"),
            "no C library loader",
        ),
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
        42,
        [MULTI],
    ],
)
def test_multi_stage_malformed(dockerfile):
    assert_wrong(check_multi_stage(dockerfile, SOURCE))


# ------------------------------------------------------------------------------------------
# Notebook 06


@pytest.mark.parametrize(
    "answer", ["EXDEV", "exdev", " EXDEV ", 18, "18", "errno.EXDEV", "Invalid cross-device link"]
)
def test_errno_right(answer):
    assert_right(check_errno(answer))


@pytest.mark.parametrize("answer", ["ENOENT", "EPERM", "(none)", 2, "1", "ENOSUCH"])
def test_errno_wrong(answer):
    assert_wrong(check_errno(answer))


@pytest.mark.parametrize("answer", NO_ANSWER)
def test_errno_no_answer(answer):
    assert_not_answered(check_errno(answer))


@pytest.mark.parametrize("answer", [["EXDEV"], object(), 18.5, True, "EX DEV", b"EXDEV"])
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
        ("not a char device, and not 0,0 either", "Not quite."),  # issue 14: was accepted
        ("it isn't a character device 0/0", "Not quite."),
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
