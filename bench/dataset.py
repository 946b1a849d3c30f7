"""A large agency for the benchmarks: units, users, documents with several revisions,
signatures and revision history, written with Core bulk inserts.

    python -m bench.dataset --url sqlite:////tmp/qms-bench/qms.sqlite3
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import islice

from sqlalchemy import Connection, Engine, bindparam, insert, select, text, update
from sqlmodel import Session

from qms import capabilities
from qms.accounts.models import AgencyProfile, Unit, User, UserRole
from qms.accounts.passwords import hash_password
from qms.core.db import make_engine
from qms.core.migrate import upgrade
from qms.core.search import words
from qms.distribution import tally
from qms.distribution.models import Acknowledgement, Distribution
from qms.documents.content import current_hash
from qms.documents.models import Document, RevisionHistory, Signature, Version, VersionStep

PASSWORD = "demo1234"
UNIT_NAMES = [
    "Văn phòng Sở",
    "Phòng Kế hoạch – Tài chính",
    "Phòng Cải cách hành chính",
    "Thanh tra Sở",
    "Phòng Tổ chức, biên chế",
    "Phòng Xây dựng chính quyền",
    "Bộ phận Một cửa",
    "Phòng Công chức",
]
TOPICS = [
    "tiếp nhận hồ sơ",
    "thẩm định",
    "cấp giấy phép",
    "đánh giá nội bộ",
    "kiểm soát tài liệu",
    "xử lý phản ánh",
    "lưu trữ hồ sơ",
    "khen thưởng",
    "tuyển dụng công chức",
    "thành lập hội",
]


def build(
    engine: Engine, *, documents: int = 2000, revisions: int = 5, users: int = 1000,
    acknowledgements: int = 200_000,
) -> dict[str, float]:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    upgrade(engine)
    password_hash = hash_password(PASSWORD)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(AgencyProfile),
            [
                {
                    "name": "Sở Nội vụ tỉnh Ninh Bình",
                    "parent_name": "Ủy ban nhân dân tỉnh Ninh Bình",
                    "short_name": "Sở Nội vụ",
                    "address": "",
                }
            ],
        )
        connection.execute(
            insert(Unit), [{"code": "SNV", "name": "Sở Nội vụ", "sort_order": 0, "active": True}]
        )
        root = connection.execute(select(Unit.id).where(Unit.code == "SNV")).scalar_one()
        connection.execute(
            insert(Unit),
            [
                {"code": f"U{i}", "name": name, "parent_id": root, "sort_order": i, "active": True}
                for i, name in enumerate(UNIT_NAMES, start=1)
            ],
        )
        unit_ids = list(connection.execute(select(Unit.id).where(Unit.code != "SNV")).scalars())
        people = [
            ("iso", "Nguyễn Thị Thu Hà", ["quality_officer", "staff"]),
            ("giamdoc", "Đặng Văn Bình", ["approver", "staff"]),
            ("xemxet", "Phạm Thị Lan", ["reviewer", "staff"]),
        ]
        people += [(f"nhanvien{i}", f"Cán bộ số {i}", ["staff"]) for i in range(1, users - 2)]
        connection.execute(
            insert(User),
            [
                {
                    "username": name,
                    "full_name": full,
                    "search_name": full.lower(),
                    "title": "Chuyên viên",
                    "unit_id": unit_ids[i % len(unit_ids)],
                    "email": f"{name}@example.gov.vn",
                    "password_hash": password_hash,
                    "must_change_password": False,
                    "active": True,
                    "created_at": now,
                    "password_changed_at": now,
                }
                for i, (name, full, _roles) in enumerate(people)
            ],
        )
        ids = dict(connection.execute(select(User.username, User.id)).all())
        connection.execute(
            insert(UserRole),
            [{"user_id": ids[name], "role": role} for name, _full, roles in people for role in roles],
        )
    timings["users"] = time.perf_counter() - started

    started = time.perf_counter()
    start_day = date(2021, 1, 4)
    with engine.begin() as connection:
        connection.execute(
            insert(Document),
            [
                {
                    "code": f"QT-{n:04d}",
                    "title": f"Quy trình {TOPICS[n % len(TOPICS)]} số {n}",
                    "kind": "procedure",
                    "owner_unit_id": unit_ids[n % len(unit_ids)],
                    "confidentiality": "public" if n % 5 == 0 else "internal",
                    "review_interval_months": 12,
                    "needs_review": False,
                    "search_text": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(1, documents + 1)
            ],
        )
        doc_ids = dict(connection.execute(select(Document.code, Document.id)).all())
        metadata = {
            row.id: {"title": row.title, "kind": row.kind, "owner_unit_id": row.owner_unit_id,
                     "confidentiality": row.confidentiality}
            for row in connection.execute(select(Document.id, Document.title, Document.kind,
                                                 Document.owner_unit_id, Document.confidentiality))
        }
        rows = []
        for code, doc_id in doc_ids.items():
            n = int(code[3:])
            for revision in range(1, revisions + 1):
                rows.append(
                    {
                        "document_id": doc_id,
                        "revision": revision,
                        **metadata[doc_id],
                        "status": "effective" if revision == revisions else "superseded",
                        "purpose": f"Quy định trình tự {TOPICS[n % len(TOPICS)]} của Sở.",
                        "scope": "Áp dụng đối với các phòng, đơn vị thuộc Sở.",
                        "references": "TCVN ISO 9001:2015.",
                        "definitions": "",
                        "content": f"Nội dung {TOPICS[(n + revision) % len(TOPICS)]}, lần {revision}.",
                        "forms": "",
                        "records": "",
                        "change_summary": f"Sửa đổi lần {revision}",
                        "changed_sections": "",
                        "effective_date": start_day + timedelta(days=90 * revision + n % 60),
                        "content_hash": f"{n:032x}{revision:032x}",
                        "hash_scheme": 3,
                        "lock_version": 1,
                        "review_round": 1,
                        "drafter_id": ids["iso"],
                        "approver_id": ids["giamdoc"],
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        connection.execute(insert(Version), rows)
        versions = list(
            connection.execute(
                select(
                    Version.id,
                    Version.document_id,
                    Version.revision,
                    Version.status,
                    Version.effective_date,
                    Version.content_hash,
                )
            )
        )
        connection.execute(
            insert(Signature),
            [
                {
                    "version_id": v.id,
                    "user_id": ids[who],
                    "meaning": meaning,
                    "purpose": "issue",
                    "review_round": 1,
                    "signed_at": now,
                    "comment": "",
                    "content_hash": v.content_hash,
                    "signer_name": who,
                    "signer_title": "",
                    "on_behalf_of_title": "",
                }
                for v in versions
                for who, meaning in (("iso", "drafted"), ("xemxet", "reviewed"), ("giamdoc", "approved"))
            ],
        )
        connection.execute(
            insert(VersionStep),
            [
                {
                    "version_id": v.id,
                    "position": p,
                    "step": f"B{p}",
                    "responsibility": "Văn phòng Sở",
                    "task": f"Thực hiện bước {p}",
                    "duration": "1 ngày",
                    "output": "Hồ sơ",
                }
                for v in versions
                if v.status == "effective"
                for p in range(1, 6)
            ],
        )
        connection.execute(
            insert(RevisionHistory),
            [
                {
                    "document_id": v.document_id,
                    "revision": v.revision,
                    "effective_date": v.effective_date,
                    "change_summary": f"Sửa đổi lần {v.revision}",
                    "changed_sections": "",
                }
                for v in versions
            ],
        )
        codes = {doc_id: code for code, doc_id in doc_ids.items()}
        titles = dict(connection.execute(select(Document.id, Document.title)).all())
        connection.execute(
            update(Document)
            .where(Document.id == bindparam("doc_id"))
            .values(
                latest_version_id=bindparam("version_id"),
                effective_version_id=bindparam("version_id"),
                search_code=bindparam("folded_code"),
                search_title=bindparam("folded_title"),
                search_text=bindparam("folded"),
            ),
            [
                {
                    "doc_id": v.document_id,
                    "version_id": v.id,
                    "folded_code": " ".join(words(codes[v.document_id])),
                    "folded_title": " ".join(words(titles[v.document_id])),
                    "folded": " ".join(
                        words(f"{codes[v.document_id]} {titles[v.document_id]} {TOPICS[v.document_id % 10]}")
                    ),
                }
                for v in versions
                if v.status == "effective"
            ],
        )
    timings["documents"] = time.perf_counter() - started

    started = time.perf_counter()
    seal_versions(engine)
    timings["hashes"] = time.perf_counter() - started

    started = time.perf_counter()
    in_force = [(v.id, v.status) for v in versions if v.status == "effective"]
    with engine.begin() as connection:
        per_version = acknowledgements // max(len(in_force), 1)
        write_acknowledgements(connection, in_force, _staff(engine), per_version, now)
    timings["acknowledgements"] = time.perf_counter() - started
    return timings


def seal_versions(engine: Engine) -> None:
    """Give every version the real hash of its content, and its signatures the same, so that
    `qms verify-audit` finds a library that verifies."""
    with Session(engine) as session:
        query = select(Document.code, Version).join(Document, Document.id == Version.document_id)
        rows = session.execute(query)
        hashes = [{"vid": version.id, "digest": current_hash(session, code, version)}
                  for code, version in rows.all()]
        session.rollback()
    with engine.begin() as connection:
        connection.execute(update(Version).where(Version.id == bindparam("vid"))
                           .values(content_hash=bindparam("digest")), hashes)
        connection.execute(update(Signature).where(Signature.version_id == bindparam("vid"))
                           .values(content_hash=bindparam("digest")), hashes)


def _staff(engine: Engine) -> list[tuple[int, int]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(User.id, User.unit_id).order_by(User.id))]


def reading_status(index: int, k: int, version_status: str) -> str:
    """Nine in ten have read a version in force; the rest are pending."""
    return "pending" if (index + k) % 10 == 0 else "acknowledged"


def write_acknowledgements(
    connection: Connection, versions: Sequence[tuple[int, str]], staff: Sequence[tuple[int, int]],
    per_version: int, now: datetime, status_of: Callable[[int, int, str], str] = reading_status,
) -> None:
    """Each version (id, status) distributed to ``per_version`` people (half as many for a
    version no longer in force), some due dates past; written 20,000 rows at a time."""
    connection.execute(insert(Distribution), [
        {"version_id": version_id, "targets": "{}", "due_days": 7, "due_at": now, "recipients_added": 0,
         "created_at": now} for version_id, _status in versions])
    distributions = dict(connection.execute(select(Distribution.version_id, Distribution.id)).all())

    def rows() -> Iterator[dict[str, object]]:
        for index, (version_id, version_status) in enumerate(versions):
            for k in range(per_version if version_status == "effective" else per_version // 2):
                user_id, unit_id = staff[(index * 37 + k) % len(staff)]
                status = status_of(index, k, version_status)
                yield {"version_id": version_id, "user_id": user_id, "unit_id": unit_id,
                       "distribution_id": distributions[version_id], "status": status, "assigned_at": now,
                       "due_at": now + timedelta(days=(k % 14) - 7), "reminders_sent": 0,
                       "acknowledged_at": now if status == "acknowledged" else None}

    pending = rows()
    while batch := list(islice(pending, 20_000)):
        connection.execute(insert(Acknowledgement), batch)
    tally.rebuild(connection)
    connection.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--revisions", type=int, default=5)
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    capabilities.plug_in()
    timings = build(
        make_engine(args.url), documents=args.documents, revisions=args.revisions, users=args.users
    )
    print(" ".join(f"{name}: {seconds:.1f} s" for name, seconds in timings.items()))


if __name__ == "__main__":
    main()
