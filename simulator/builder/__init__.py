"""The builder: runs a parsed Dockerfile as BuildKit does (stages, steps, the build cache).

``builder`` drives a build, ``context`` reads the build context, ``copying`` plans COPY/ADD,
``result`` holds what a build returns (steps, cache hits and why a step missed).
"""
