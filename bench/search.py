"""Search figures, on demand: prints them, asserts nothing.

    python -m bench.search [--documents 2000]

Builds the large agency (bench.dataset, few acknowledgements) in a scratch SQLite database
and times, for a staff member, one page of the register found by a query (most relevant
first, then by code) and the search page's hits with their snippets.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from bench.dataset import build
from qms.accounts.auth import principal_for
from qms.accounts.models import User
from qms.core.db import make_engine
from qms.documents.finder import search_everywhere
from qms.documents.service import list_documents

QUERIES = ("ho so", "thanh lap hoi", "quy trinh", "QT-0042")


def timed(label: str, run: Callable[[], object], repeat: int = 30) -> None:
    run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    print(f"  {label:<44} {statistics.median(samples) * 1000:7.1f} ms   (p90 "
          f"{sorted(samples)[int(repeat * 0.9) - 1] * 1000:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        build(engine, documents=args.documents, acknowledgements=1000)
        with Session(engine) as session:
            actor = principal_for(session, session.execute(
                select(User).where(User.username == "nhanvien1")).scalar_one())
            print(f"{args.documents} documents, a page of 25, median of 30")
            for query in QUERIES:
                timed(f"register q={query!r}", lambda q=query: list_documents(session, actor, q=q, limit=25))
                timed(f"register q={query!r} sort=code",
                      lambda q=query: list_documents(session, actor, q=q, sort="code", limit=25))
                timed(f"search page q={query!r}",
                      lambda q=query: search_everywhere(session, actor, q, limit=20))


if __name__ == "__main__":
    main()
