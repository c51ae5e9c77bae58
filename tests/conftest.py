"""Shared test set-up for layerlab.

Hypothesis profiles: ``dev`` (the default, quick and random) and ``ci`` (derandomized, more
examples, no deadline, and a reproduction blob printed with every failure).  ``CI`` in the
environment selects ``ci``; ``HYPOTHESIS_PROFILE=<name>`` (or pytest's ``--hypothesis-profile``)
overrides both.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from hypothesis import settings

# `derandomize=False` is explicit: Hypothesis derandomizes its own defaults whenever CI is set.
settings.register_profile("dev", max_examples=100, derandomize=False)
settings.register_profile("ci", derandomize=True, max_examples=200, deadline=None, print_blob=True)


def _profile_from_env(environ: Mapping[str, str]) -> str:
    """Name the profile to load: ``HYPOTHESIS_PROFILE`` if set, else ``ci`` under CI, else ``dev``."""
    if explicit := environ.get("HYPOTHESIS_PROFILE"):
        return explicit
    in_ci = environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}
    return "ci" if in_ci else "dev"


settings.load_profile(_profile_from_env(os.environ))


# --------------------------------------------------------------------------------------------
# Fixtures shared by several test files go below this line (one-file fixtures stay in that file).
