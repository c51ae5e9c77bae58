"""``python -m simulator.distro format|check [DATA_DIR]``: rewrite the data files in canonical form, or validate them.

``format`` rewrites every JSON file under the data directory (the package's own by default) in
the one form :func:`simulator.distro.jsondata.dumps` writes, and names the files it changed.
``check`` runs :func:`simulator.distro.check.check`: it prints each image's built size next to
its documented one, then one line per problem, and exits with status 1 when there is any.
``generate`` runs the maintainers' generator (:mod:`simulator.distro.generate`: downloads, then
writes layers, images and digests); ``digests`` recomputes ``digests.json`` (:mod:`simulator.distro.digests`) after a data change.
"""

from __future__ import annotations

import sys
from pathlib import Path

from simulator.distro import check, jsondata, refresh

USAGE = "usage: python -m simulator.distro format|check|digests [DATA_DIR] | generate [--dry-run] [--cache DIR] [NAME ...]"


def main(argv: list[str]) -> int:
    if argv and argv[0] == "generate":  # the maintainers' generator (network); imported only here
        from simulator.distro import generate

        return generate.main(argv[1:])
    if not argv or argv[0] not in ("format", "check", "digests") or len(argv) > 2:
        print(USAGE, file=sys.stderr)
        return 2
    if argv[0] == "check":
        return check.main(argv[1:])
    root = Path(argv[1]) if len(argv) > 1 else jsondata.DATA
    if argv[0] == "digests":
        print(f"wrote {refresh.write(root, everything=True)}")
        return 0
    for name in jsondata.write_canonical(root):
        print(f"formatted {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
