"""``python -m simulator.backends check|cleanup [--state-dir DIR] [--all] [--layers]``."""

from __future__ import annotations

import argparse
import sys

from .overlayfs import DEFAULT_STATE_DIR, availability, cleanup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator.backends", description=__doc__)
    parser.add_argument(
        "command",
        choices=("check", "cleanup"),
        help="check: can the overlayfs backend run here; cleanup: remove stale mounts",
    )
    parser.add_argument("--state-dir", default=DEFAULT_STATE_DIR)
    parser.add_argument("--all", action="store_true", help="cleanup: also containers of live processes")
    parser.add_argument("--layers", action="store_true", help="cleanup: also the materialised layer cache")
    args = parser.parse_args(argv)
    if args.command == "check":
        found = availability(args.state_dir)
        print(("available: " if found.ok else "unavailable: ") + found.reason)
        return 0 if found.ok else 1
    actions = cleanup(args.state_dir, all=args.all, layers=args.layers)
    print("\n".join(actions) if actions else f"nothing to clean under {args.state_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
