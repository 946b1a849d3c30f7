"""Distribution figures, on demand: prints them, asserts nothing.

    python -m bench.distribution                       # a scratch SQLite database
    python -m bench.distribution --url postgresql+psycopg://postgres@127.0.0.1:5432/qms_bench

1. Distributing one version to 1,000 users (target: under 1 s), through the service.
2. The acknowledgement dashboard over 200,000 acknowledgements of versions in force, plus
   100,000 of superseded versions (target: under 100 ms), and the query plans on SQLite.
3. The SQL statements (and time) of the reading-list pages for someone with 25 open tasks.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, bindparam, event, insert, select, text, update
from sqlalchemy.dialects import sqlite

from bench.dataset import write_acknowledgements
from qms import capabilities
from qms.accounts.auth import principal_for
from qms.accounts.models import Unit, User, UserRole
from qms.accounts.passwords import hash_password
from qms.core.config import Settings
from qms.core.db import make_engine, new_session, transaction
from qms.core.migrate import upgrade
from qms.distribution import dashboard, reports, service
from qms.distribution.models import Acknowledgement
from qms.distribution.schemas import DistributionRequest
from qms.documents.models import Document, Version

PASSWORD = "demo1234"
ZONE_SETTINGS = Settings()
UNITS = 8


def _status(index: int, k: int, version_status: str) -> str:
    """Seven in ten have read a version in force; of an ended one, half were still pending."""
    if version_status == "effective":
        return "acknowledged" if (index + k) % 10 < 7 else "pending"
    return "acknowledged" if k % 2 else "superseded"


def _now() -> datetime:
    return datetime.now(UTC)


def build(engine: Engine, users: int, documents: int, per_version: int) -> dict[str, float]:
    """Units, users, documents with a superseded and an effective version, and acknowledgements."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    upgrade(engine)
    now = _now()
    secret = hash_password(PASSWORD)
    with engine.begin() as connection:
        connection.execute(insert(Unit), [{"code": "SNV", "name": "Sở Nội vụ", "sort_order": 0,
                                           "active": True}])
        root = connection.execute(select(Unit.id).where(Unit.code == "SNV")).scalar_one()
        connection.execute(insert(Unit), [{"code": f"P{i}", "name": f"Phòng số {i}", "parent_id": root,
                                           "sort_order": i, "active": True} for i in range(1, UNITS + 1)])
        units = list(connection.execute(select(Unit.id).where(Unit.code != "SNV")).scalars())
        people = [("iso", ["quality_officer", "staff"]), ("giamdoc", ["approver", "staff"])]
        people += [(f"nv{i}", ["staff"]) for i in range(1, users - 1)]
        connection.execute(insert(User), [
            {"username": name, "full_name": f"Cán bộ {name}", "search_name": name, "title": "Chuyên viên",
             "unit_id": units[i % len(units)], "email": f"{name}@example.gov.vn", "password_hash": secret,
             "must_change_password": False, "active": True, "created_at": now, "password_changed_at": now}
            for i, (name, _roles) in enumerate(people)])
        ids = dict(connection.execute(select(User.username, User.id)).all())
        connection.execute(insert(UserRole), [{"user_id": ids[n], "role": r}
                                              for n, roles in people for r in roles])
        connection.execute(insert(Document), [
            {"code": f"QT-{n:04d}", "title": f"Quy trình số {n}", "kind": "procedure",
             "owner_unit_id": units[0],
             "confidentiality": "internal", "review_interval_months": 12, "needs_review": False,
             "search_text": "", "created_at": now, "updated_at": now} for n in range(1, documents + 1)])
        doc_ids = list(connection.execute(select(Document.id).order_by(Document.id)).scalars())
        connection.execute(insert(Version), [
            {"document_id": d, "revision": rev, "status": "effective" if rev == 2 else "superseded",
             "title": f"Quy trình số {n}", "kind": "procedure", "owner_unit_id": units[0],
             "confidentiality": "internal",
             "change_summary": f"Sửa đổi lần {rev}", "changed_sections": "", "lock_version": 1,
             "review_round": 1, "drafter_id": ids["iso"], "effective_date": date(2025, rev * 3, 1),
             "created_at": now, "updated_at": now} for n, d in enumerate(doc_ids, start=1) for rev in (1, 2)])
        versions = connection.execute(select(Version.id, Version.document_id, Version.status)).all()
        connection.execute(
            update(Document).where(Document.id == bindparam("d"))
            .values(latest_version_id=bindparam("v"), effective_version_id=bindparam("v")),
            [{"d": v.document_id, "v": v.id} for v in versions if v.status == "effective"])
    timings["documents and users"] = time.perf_counter() - started

    started = time.perf_counter()
    user_rows = [(ids[name], units[i % len(units)]) for i, (name, _r) in enumerate(people)]
    with engine.begin() as connection:
        write_acknowledgements(connection, [(v.id, v.status) for v in versions], user_rows, per_version, now,
                               _status)
    timings["acknowledgements"] = time.perf_counter() - started
    return timings


def _median_ms(action: Callable[[], object], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bench_distribution(engine: Engine, users: int) -> list[float]:
    """Distribute three fresh versions to every user (role staff), each in its own transaction."""
    with transaction(engine) as session:
        iso = principal_for(session, session.execute(select(User).where(User.username == "iso")).scalar_one())
        owner = session.execute(select(Unit.id).where(Unit.code == "P1")).scalar_one()
        for n in range(3):
            document = Document(code=f"BENCH-{n}", title=f"Quy trình đo số {n}", kind="procedure",
                                owner_unit_id=owner)
            session.add(document)
            session.flush()
            version = Version(document_id=document.id, revision=1, status="effective", drafter_id=iso.id,
                              effective_date=date.today())
            version.take_metadata(document)
            session.add(version)
            session.flush()
            document.effective_version_id = version.id
            document.latest_version_id = version.id
    seconds = []
    for n in range(3):
        started = time.perf_counter()
        with transaction(engine) as session:
            plan = service.distribute(session, iso, f"BENCH-{n}", 1,
                                      DistributionRequest(roles=["staff"], due_days=7), ZONE_SETTINGS.zone)
        seconds.append(time.perf_counter() - started)
        assert len(plan.recipients) == users, len(plan.recipients)
    return seconds


def bench_dashboard(engine: Engine) -> dict[str, float]:
    session = new_session(engine)
    try:
        head_user = session.execute(select(User).where(User.username == "giamdoc")).scalar_one()
        head = principal_for(session, head_user)
        code = session.execute(select(Document.code).order_by(Document.id).limit(1)).scalar_one()
        figures = {
            "by document, page 1 (sorted by overdue)": _median_ms(
                lambda: dashboard.by_document(session, head, sort="-overdue", limit=25)),
            "by document, sorted by code": _median_ms(
                lambda: dashboard.by_document(session, head, sort="code", limit=25)),
            "by unit": _median_ms(lambda: dashboard.by_unit(session, head)),
            "agency total": _median_ms(lambda: dashboard.agency_tally(session, head)),
            "one version (API summary)": _median_ms(
                lambda: reports.acknowledgement_summary(session, head, code, 2)),
            "one unit (drill-down)": _median_ms(
                lambda: dashboard.by_document(session, head, unit_code="P3", limit=25)),
        }
        total = session.execute(text("SELECT count(*) FROM acknowledgement")).scalar_one()
        current = session.execute(text(
            "SELECT count(*) FROM acknowledgement a JOIN document d ON d.effective_version_id = a.version_id"
        )).scalar_one()
        figures["_rows"] = total
        figures["_current_rows"] = current
        if engine.dialect.name == "sqlite":
            for label, query in (("by document", dashboard.by_document_query()),
                                 ("by unit", dashboard.by_unit_query())):
                compiled = query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
                plan = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
                print(f"  query plan, {label}:")
                for row in plan:
                    print(f"    {row[-1]}")
        return figures
    finally:
        session.close()


def bench_reading_pages(engine: Engine, url: str) -> dict[str, tuple[int, float]]:
    """Statements and time of the reading-list pages for a person with 25 open tasks."""
    from fastapi.testclient import TestClient

    from qms.app import create_app

    with transaction(engine) as session:
        user = session.execute(select(User).where(User.username == "nv7")).scalar_one()
        open_tasks = session.execute(
            select(Acknowledgement.id)
            .join(Document, Document.effective_version_id == Acknowledgement.version_id)
            .where(Acknowledgement.user_id == user.id, Acknowledgement.status == "pending")).all()
        print(f"  nv7 has {len(open_tasks)} open tasks")
    settings = Settings(database_url=url, secret_key="bench", data_dir=Path(tempfile.mkdtemp()))
    app = create_app(settings, engine)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    results: dict[str, tuple[int, float]] = {}
    with TestClient(app) as client:
        token = client.post("/api/v1/auth/token", json={"username": "nv7", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        page = client.get("/login")
        import re

        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        client.post("/login", data={"username": "nv7", "password": PASSWORD, "csrf_token": csrf})
        for label, path, extra in (("home page /", "/", {}), ("reading list /reading", "/reading", {}),
                                   ("API /api/v1/me/reading-list", "/api/v1/me/reading-list", headers)):
            client.get(path, headers=extra)
            event.listen(engine, "before_cursor_execute", count)
            statements.clear()
            started = time.perf_counter()
            response = client.get(path, headers=extra)
            elapsed = (time.perf_counter() - started) * 1000
            event.remove(engine, "before_cursor_execute", count)
            assert response.status_code == 200, (path, response.status_code)
            results[label] = (len(statements), elapsed)
            print(f"  {label}: {len(statements)} statements, {elapsed:.0f} ms")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="database URL (default: a new SQLite file in a temporary folder)")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--per-version", type=int, default=100,
                        help="acknowledgements per version in force (2,000 × 100 = 200,000)")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    capabilities.plug_in()
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    print(f"database: {engine.dialect.name}")
    for label, seconds in build(engine, args.users, args.documents, args.per_version).items():
        print(f"  built {label} in {seconds:.1f} s")

    seconds = bench_distribution(engine, args.users)
    print(f"distribution to {args.users} users: " + ", ".join(f"{s * 1000:.0f} ms" for s in seconds)
          + f" (target < 1000 ms; median {statistics.median(seconds) * 1000:.0f} ms)")

    figures = bench_dashboard(engine)
    print(f"dashboard over {figures.pop('_rows'):,} acknowledgements "
          f"({figures.pop('_current_rows'):,} of versions in force), median of 7 runs (target < 100 ms):")
    for label, ms in figures.items():
        print(f"  {label}: {ms:.1f} ms")

    print("reading-list pages (SQL statements per request, time):")
    bench_reading_pages(engine, url)


if __name__ == "__main__":
    main()
