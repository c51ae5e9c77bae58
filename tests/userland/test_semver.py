"""npm's ranges: the examples of node-semver's README (Ranges, X-Ranges, Tilde, Caret, Hyphen,
Prerelease Tags), as (version, range, satisfies)."""

from __future__ import annotations

import pytest

from simulator.distro.semver import InvalidRange, max_satisfying, satisfies, valid_range

CASES = [
    ("1.2.7", ">1.2.3-alpha.3", True), ("1.2.3-alpha.7", ">1.2.3-alpha.3", True),
    ("3.4.5-alpha.9", ">1.2.3-alpha.3", False), ("1.2.3", "1.2.3 - 2.3.4", True), ("2.3.4", "1.2.3 - 2.3.4", True),
    ("2.3.5", "1.2.3 - 2.3.4", False), ("2.3.9", "1.2.3 - 2.3", True), ("2.4.0", "1.2.3 - 2.3", False),
    ("2.9.9", "1.2.3 - 2", True), ("3.0.0", "1.2.3 - 2", False), ("1.0.0", "1.2 - 2.3.4", False),
    ("0.0.0", "*", True), ("1.9.9", "1.x", True), ("2.0.0", "1.x", False), ("1.2.9", "1.2.x", True),
    ("1.3.0", "1.2.x", False), ("1.9.0", "1", True), ("1.2.5", "1.2", True),
    ("1.2.9", "~1.2.3", True), ("1.3.0", "~1.2.3", False), ("1.2.0", "~1.2", True), ("1.9.0", "~1", True),
    ("2.0.0", "~1", False), ("0.2.5", "~0.2.3", True), ("0.3.0", "~0.2", False),
    ("1.2.3-beta.4", "~1.2.3-beta.2", True), ("1.2.4-beta.2", "~1.2.3-beta.2", False),
    ("1.9.9", "^1.2.3", True), ("2.0.0", "^1.2.3", False), ("0.2.9", "^0.2.3", True), ("0.3.0", "^0.2.3", False),
    ("0.0.3", "^0.0.3", True), ("0.0.4", "^0.0.3", False), ("1.2.3-beta.4", "^1.2.3-beta.2", True),
    ("1.2.4-beta.2", "^1.2.3-beta.2", False), ("0.0.9", "^0.0.x", True), ("0.1.0", "^0.0", False),
    ("1.9.0", "^1.x", True), ("0.9.0", "^0.x", True), ("1.0.0", "^0.x", False),
    ("1.2.3", ">=1.2.3 <2.0.0", True), ("2.0.0", ">=1.2.3 <2.0.0", False), ("1.2.3", "1.2.7 || >=1.2.9 <2.0.0", False),
    ("1.2.7", "1.2.7 || >=1.2.9 <2.0.0", True), ("1.4.6", "1.2.7 || >=1.2.9 <2.0.0", True),
    ("2.0.0-rc.1", "^1.0.0", False), ("1.2.3", "v1.2.3", True), ("1.2.3", "=1.2.3", True), ("4.5.0", ">= 4.0.0", True),
]  # fmt: skip


@pytest.mark.parametrize(("version", "range_text", "expected"), CASES)
def test_node_semver_readme(version: str, range_text: str, expected: bool) -> None:
    assert satisfies(version, range_text) is expected


def test_max_satisfying_and_invalid_ranges() -> None:
    assert max_satisfying(["4.17.21", "4.18.2", "4.21.2", "5.1.0"], "^4.18.0") == "4.21.2"
    assert max_satisfying(["1.0.0"], "^2.0.0") is None
    assert not valid_range("latest") and valid_range("^1 || ~2.3")
    with pytest.raises(InvalidRange):
        satisfies("1.0.0", "github:user/repo")
