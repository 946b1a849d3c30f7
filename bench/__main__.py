"""`make bench`: every benchmark in turn, each in its own process, printing its figures.

    python -m bench                 # records, distribution, page load, search
    python -m bench pages           # one of them
"""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = ("records", "distribution", "pages", "search")


def main() -> int:
    chosen = sys.argv[1:] or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    status = 0
    for name in chosen:
        print(f"\n=== bench.{name}", flush=True)
        status |= subprocess.call([sys.executable, "-m", f"bench.{name}"])
    return status


if __name__ == "__main__":
    sys.exit(main())
