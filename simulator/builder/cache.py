"""The build cache: operation keys to the layers they made, and why a step missed.

A layer step's key is ``sha256`` of its parent key and a description of its operation (the
command, environment, user and working directory of a RUN; the sources' checksums, owner and
mode of a COPY/ADD), never of timestamps: the rule BuildKit follows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from simulator.model.entries import Entry
from simulator.model.layer import Layer

__all__ = ["BuildCache", "CacheRecord", "cache_key", "env_pairs"]


@dataclass
class CacheRecord:
    layer: Layer
    desc: dict[str, Any]
    parent: str
    created: str = ""
    unsimulated: tuple[str, ...] = ()  # programs of the step layerlab did not simulate


@dataclass
class BuildCache:
    """The engine's build cache: operation keys to the layers they made."""

    records: dict[str, CacheRecord] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    mounts: dict[str, dict[str, Entry]] = field(default_factory=dict)
    """``RUN --mount=type=cache`` contents by cache id (path below the target -> entry): they
    persist from build to build and are never part of a layer."""

    def __len__(self) -> int:
        return len(self.records)

    def store(
        self,
        parent: str,
        key: str,
        layer: Layer,
        desc: dict[str, Any],
        created: str = "",
        unsimulated: tuple[str, ...] = (),
    ) -> None:
        if key not in self.records:
            self.records[key] = CacheRecord(layer, desc, parent, created, unsimulated)
            self.children.setdefault(parent, []).append(key)

    def explain_miss(self, parent: str, desc: dict[str, Any]) -> str:
        """Why no cached result matches ``desc`` on top of ``parent``."""
        siblings = [self.records[k].desc for k in self.children.get(parent, ())]
        same_op = [d for d in siblings if d["op"] == desc["op"]]
        if not siblings:
            return "no cached result for this step yet (first build on this base)"
        if not same_op:
            return f"the instruction changed: the cache has {siblings[-1]['text']!r} here"
        best = same_op[-1]
        if desc["op"] == "RUN":
            if best["argv"] != desc["argv"]:
                return f"the command changed: was {best['text']!r}"
            if best["env"] != desc["env"]:
                old, new = dict(env_pairs(best["env"])), dict(env_pairs(desc["env"]))
                changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
                detail = ", ".join(
                    f"{k}: {old.get(k, '(unset)')!r} → {new.get(k, '(unset)')!r}" for k in changed
                )
                return f"the environment changed (ENV or ARG): {detail}"
            for key in ("user", "cwd"):
                if best[key] != desc[key]:
                    return (
                        f"the {'USER' if key == 'user' else 'WORKDIR'} changed: {best[key]!r} → {desc[key]!r}"
                    )
        if desc["op"] in ("COPY", "ADD") and best.get("sources") != desc.get("sources"):
            old, new = best.get("sources", {}), desc.get("sources", {})
            changed = sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))
            shown = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
            return f"source files changed (content or mode): {shown}"
        return f"the instruction changed: was {best['text']!r}"


def env_pairs(env: list[str]) -> list[tuple[str, str]]:
    """``["A=1", "B"]`` -> ``[("A", "1"), ("B", "")]``."""
    return [(item.split("=", 1)[0], item.split("=", 1)[1] if "=" in item else "") for item in env]


def cache_key(parent: str, desc: dict[str, Any]) -> str:
    payload = json.dumps([parent, {k: v for k, v in desc.items() if k != "text"}], sort_keys=True)
    return "sha256:" + hashlib.sha256(payload.encode()).hexdigest()
