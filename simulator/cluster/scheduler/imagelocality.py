"""ImageLocality: prefer nodes that already hold the pod's images, damped by how widely they spread.

Rules from ``pkg/scheduler/framework/plugins/imagelocality/image_locality.go``:

- each init container and container whose ``normalizedImageName(image)`` the node reports adds
  ``int64(float64(size) * float64(numNodes) / float64(totalNumNodes))`` — the *spread* factor, so an
  image on few nodes attracts pods less than its size suggests ("node heating");
- the sum is clamped to ``[23 MiB, 1000 MiB × number of containers]`` and mapped linearly to 0-100
  with integer division.  No normalisation step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .framework import MAX_NODE_SCORE

__all__ = ["MAX_CONTAINER_THRESHOLD", "MB", "MIN_THRESHOLD", "calculate_priority", "image_locality_score"]

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    """Clamp the summed image scores and scale them to 0-100.

    >>> calculate_priority(100 * MB, 1), calculate_priority(800 * MB, 1), calculate_priority(20 * MB, 1)
    (7, 79, 0)
    """
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    sum_scores = min(max(sum_scores, MIN_THRESHOLD), max_threshold)
    return MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


def scaled_image_score(size: int, num_nodes: int, total_nodes: int) -> int:
    spread = float(num_nodes) / float(total_nodes)
    return int(float(size) * spread)


def image_locality_score(
    images: Sequence[str], node_images: Mapping[str, int], num_nodes: Mapping[str, int], total_nodes: int
) -> tuple[int, int]:
    """(score, summed scaled bytes) for a pod whose normalised images are ``images``."""
    total = 0
    for name in images:
        size = node_images.get(name)
        if size is not None:
            total += scaled_image_score(size, num_nodes.get(name, 0), total_nodes)
    return calculate_priority(total, len(images)), total
