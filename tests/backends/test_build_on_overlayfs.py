"""Builds on the real overlayfs backend give the very layers the model gives."""

from __future__ import annotations

import pytest

from simulator import Engine
from simulator.backends import availability

DOCKERFILE = """\
FROM busybox
RUN mkdir -p /data/sub && echo hi > /data/sub/f && rm -rf /etc/group && chmod 600 /etc/passwd
RUN rm -rf /data && mkdir /data && ln -s /etc/passwd /data/pw && mv /bin/ls /bin/list
RUN echo more >> /etc/passwd && touch /tmp/t && rm /tmp/t
WORKDIR /app
COPY a /app/
"""


def test_build_on_kernel_overlayfs_matches_the_model(tmp_path) -> None:
    found = availability(str(tmp_path))
    if not found.ok:
        pytest.skip(f"overlayfs backend unavailable: {found.reason}")
    model = Engine().images.build(dockerfile=DOCKERFILE, context={"a": b"x"})
    real_engine = Engine(backend="overlayfs", state_dir=str(tmp_path))
    real = real_engine.images.build(dockerfile=DOCKERFILE, context={"a": b"x"})
    for mine, theirs in zip(model.image.layers, real.image.layers, strict=True):
        assert dict(mine.entries) == dict(theirs.entries)
    assert real.image.diff_ids == model.image.diff_ids
    assert real.image.id == model.image.id
