"""Compare the installed packages with a lock file's pins.

    python scripts/lock_check.py requirements/dev.lock           exit 1 unless every pin is
                                                                 installed at its version
    python scripts/lock_check.py --report requirements/dev.lock  list what a refresh would change
                                                                 (locked -> installed), exit 0

The first form is CI's proof that its virtualenv was built from the lock; the second tells
what a `make lock` refresh would change, run inside a virtualenv of the newest versions.
"""

from __future__ import annotations

import argparse
import re
import sys
from importlib import metadata
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_pins(lock: Path) -> dict[str, str]:
    return {normalise(match[1]): match[2] for line in lock.read_text(encoding="utf-8").splitlines()
            if (match := PIN.match(line))}


def installed_versions() -> dict[str, str]:
    return {normalise(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}


def differences(pins: dict[str, str], installed: dict[str, str]) -> list[str]:
    return [f"{name} {version} -> {installed.get(name, 'not installed')}"
            for name, version in sorted(pins.items()) if installed.get(name) != version]


def refresh_report(pins: dict[str, str], installed: dict[str, str]) -> list[str]:
    """What a refresh would change in an environment of the newest versions: pins that move
    and packages that would join. Build-only pins (the backend, absent from such an
    environment) and qms itself are left out."""
    moved = [f"{name} {pins[name]} -> {version}" for name, version in sorted(installed.items())
             if name in pins and pins[name] != version]
    joined = [f"{name} (new) {version}" for name, version in sorted(installed.items())
              if name not in pins and name != "qms"]
    return moved + joined


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("lock", type=Path)
    parser.add_argument("--report", action="store_true", help="list the differences, never fail")
    args = parser.parse_args(argv)
    pins = locked_pins(args.lock)
    if args.report:
        changes = refresh_report(pins, installed_versions())
        print("\n".join(changes) if changes else f"nothing: the {len(pins)} pins are the newest allowed")
        return 0
    changed = differences(pins, installed_versions())
    if changed:
        print(f"lock_check: the environment differs from {args.lock}:", *changed, sep="\n  ", file=sys.stderr)
        return 1
    print(f"lock_check: all {len(pins)} pins of {args.lock} are installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
