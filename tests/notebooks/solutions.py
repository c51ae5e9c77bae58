"""Answers for the notebooks' answer cells (tagged ``answer:<name>``), used only by the tests.

The suite runs each notebook once as stored (every check shows "no answer yet") and once with
these sources in place of the answer cells, expecting every check to pass and every probe to
say the prediction was right.  Teachers: docs/teachers-guide.md has the same answers, explained.
"""

from __future__ import annotations

SOLUTIONS: dict[str, str] = {
    # 01
    "p01_layers": 'probe = Probe("p01_layers", prediction=2, why="RUN and COPY make layers; ENV, LABEL, EXPOSE, CMD do not")',
    "ex01_count": "layers_added = 3",
    "ex01_lines": "layer_lines = {3, 5, 6}",
    # 02
    "p02_rm": 'probe = Probe("p02_rm", prediction="No", why="docker rm deletes the writable layer with the container", reason="b")',
    "ex02_copy": 'command = "chmod 644 /etc/passwd"',
    "ex02_whiteout": 'command = "rm /etc/shells"',
    "ex02_opaque": 'command = "rm -rf /etc/apk && mkdir /etc/apk"',
    # 03
    "p03_label": 'probe = Probe("p03_label", prediction="no", why="LABEL is config only and not in the RUN cache key", reason="c")',
    "ex03_lines": "rebuilt_lines = {4, 5}",
    "ex03_order": '''my_dockerfile = """\\
FROM alpine:3.20
WORKDIR /app
COPY packages.txt .
RUN apk add --no-cache $(cat packages.txt)
COPY app.sh .
CMD ["sh", "app.sh"]
"""''',
    # 04
    "p04_containers": 'probe = Probe("p04_containers", prediction="almost nothing", why="containers share the image layers", reason="b")',
    "ex04_bytes": """\
def stored_bytes(engine):
    layers = {}
    for img in engine.images.list():
        for chain, layer in zip(img.chain_ids, img.layers):
            layers[chain] = layer.size
    return sum(layers.values())""",
    "ex04_ids": 'changes_id = {"label", "byte", "history"}',
    "ex04_share": """\
DOCKERFILE_A = "FROM busybox\\nRUN mkdir /app\\nRUN echo shared > /app/common\\nRUN echo a > /app/who\\n"
DOCKERFILE_B = "FROM busybox\\nRUN mkdir /app\\nRUN echo shared > /app/common\\nRUN echo b > /app/who\\n"
e2.images.build(DOCKERFILE_A, context={}, tag="app-a:1")
e2.images.build(DOCKERFILE_B, context={}, tag="app-b:1")""",
    # 05
    "p05_delete": 'delete_probe = Probe("p05_delete", prediction="the same", why="the files stay in the lower layer", reason="c")',
    "p05_chmod": 'chmod_probe = Probe("p05_chmod", prediction="about 1 MB", why="a layer stores whole files", reason="a")',
    "ex05_cleanup": 'cleanup_dockerfile = "FROM alpine:3.20\\nRUN apk add --no-cache curl\\n"',
    "ex05_multistage": "multistage_dockerfile = MULTI",
    # 06
    "p06_whiteout": 'probe = Probe("p06_whiteout", prediction="a special marker file", why="overlayfs records deletions", reason="c")',
    "ex06_errno": 'errno_name = "EXDEV"',
    "ex06_device": 'whiteout_on_disk = "a character device, numbers 0,0"',
    # 07
    "p07_limit": 'probe = Probe("p07_limit", prediction="no", why="a limit is a cap; memory is used only when the process uses it", reason="b")',
    "ex07_stop": 'exit_codes = {"plain": 137, "graceful": 0, "tini": 143}',
    "ex07_limits": """\
def run_hog(engine):
    return engine.containers.run("busybox", HOG, detach=True, mem_limit="400m", cpus=1)""",
    # 09
    "p09_usage": 'probe = Probe("p09_usage", prediction="node-a", why="the scheduler adds up requests, not usage")',
    "ex09_where": 'answer = "small"',
    "ex09_fit": """\
def make_pod():
    return Pod("p", image="app:1", cpu="2", memory="1Gi")""",
    # 08
    "p08_pull": 'probe = Probe("p08_pull", prediction="only the layers it does not have", why="blobs are named by digest")',
    "ex08_download": "answer = 3",
    "ex08_mount": """\
def publish(engine, registry):
    engine.images.push("python:3.12-slim", registry, quiet=True)
    return engine.images.push("shop:1", registry, quiet=True)""",
}
