"""Kiểm tra chuỗi nhật ký hệ thống trong gói hồ sơ đánh giá / Check the audit trail of an audit pack.

Chạy bằng Python 3.9 trở lên, không cần cài thêm gì / Python 3.9+ and its standard library alone:

    python verify_trail.py [THƯ_MỤC_GÓI] [--key-file TỆP_KHÓA]

The script is copied into every audit pack as it is; it reads ``audit-trail/audit-trail.csv``
and ``audit-trail/chain.json`` beside it (or in the folder given) and checks, row by row, that
the ids follow each other, that each row names the hash of the row before it, that each row's
content still gives its ``content_sha256``, and that the last row is the head the application
recorded. Rows written before the audit key existed are plain SHA-256 and are recomputed in
full; later rows are HMAC-SHA256 under the agency's audit key, recomputed when ``--key-file``
(the ``audit_key`` file of the data folder) or ``QMS_AUDIT_KEY`` gives it.
Exit status 0: intact; 1: a row is wrong (each one is named); 2: the pack cannot be read.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import hmac
import json
import os
import sys
from pathlib import Path

COLUMNS = ["id", "occurred_at", "actor_id", "actor_username", "action", "object_type", "object_id",
           "details", "address", "prev_hash", "hash", "content_sha256"]
GENESIS = "0" * 64
TRAIL = Path("audit-trail") / "audit-trail.csv"
CHAIN = Path("audit-trail") / "chain.json"
SHOWN = 50


def cell_text(cell: str) -> str:
    """A cell as the application wrote it: a spreadsheet would run a cell starting with ``=``,
    ``+``, ``-`` or ``@`` as a formula, so the file has an apostrophe in front of such cells
    and of every cell that itself starts with one; one leading apostrophe comes off."""
    return cell[1:] if cell.startswith("'") else cell


def payload(row: dict[str, str]) -> bytes:
    """The bytes the application hashed for one event (its ``compute_hash``)."""
    fields = {
        "id": int(row["id"]),
        "occurred_at": row["occurred_at"],
        "actor_id": int(row["actor_id"]) if row["actor_id"] else None,
        "actor_username": row["actor_username"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "details": row["details"],
        "address": row["address"],
        "prev_hash": row["prev_hash"],
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def check(folder: Path, key: bytes | None) -> tuple[list[str], int, bool]:
    """The problems found (empty: intact), the number of rows read, and whether keyed rows
    were recomputed with the key."""
    chain = json.loads((folder / CHAIN).read_text(encoding="utf-8"))
    keyed_from = chain.get("keyed_from")
    problems: list[str] = []
    expected_id, previous = 1, GENESIS
    count = 0
    with (folder / TRAIL).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            return [f"{TRAIL}: the columns are not {', '.join(COLUMNS)}"], 0, False
        for line, cells in enumerate(reader, start=2):
            row = {column: cell_text(cells[column] or "") for column in COLUMNS}
            count += 1
            where = f"row {line} of {TRAIL.as_posix()} (event #{row['id']})"
            try:
                event_id = int(row["id"])
                data = payload(row)
            except ValueError:
                problems.append(f"{where}: unreadable id or user id")
                continue
            if event_id != expected_id:
                problems.append(f"{where}: expected event #{expected_id}; events are missing or added")
            if row["prev_hash"] != previous:
                problems.append(f"{where}: prev_hash does not name the hash of the row before")
            if hashlib.sha256(data).hexdigest() != row["content_sha256"]:
                problems.append(f"{where}: the content was changed after the event was written")
            keyed = keyed_from is not None and event_id >= int(keyed_from)
            if not keyed and hashlib.sha256(data).hexdigest() != row["hash"]:
                problems.append(f"{where}: the hash does not match the content")
            elif keyed and key is not None and hmac.new(key, data, hashlib.sha256).hexdigest() != row["hash"]:
                problems.append(f"{where}: the HMAC under the audit key does not match the content")
            expected_id, previous = event_id + 1, row["hash"]
    head_id, head_hash = chain.get("last_id", 0), chain.get("last_hash", GENESIS)
    if expected_id - 1 != head_id or previous != head_hash:
        problems.append(f"the last row (event #{expected_id - 1}) is not the head the application "
                        f"recorded (event #{head_id}): rows were cut or added at the end")
    return problems, count, key is not None


def _key(path: str | None) -> bytes | None:
    if path:
        return Path(path).read_text(encoding="ascii").strip().encode("ascii")
    value = os.environ.get("QMS_AUDIT_KEY")
    return value.encode("utf-8") if value else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the hash chain of an audit pack's audit trail.")
    parser.add_argument("folder", nargs="?", default=str(Path(__file__).resolve().parent),
                        help="the extracted pack (default: the folder of this script)")
    parser.add_argument("--key-file", help="the audit_key file of the data folder, to check HMACs too")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):  # a Windows console or file in a legacy code page
        sys.stdout.reconfigure(errors="replace")
    try:
        problems, count, with_key = check(Path(args.folder), _key(args.key_file))
    except (OSError, ValueError, KeyError) as exc:
        print(f"CANNOT READ: {exc}")
        return 2
    if problems:
        print(f"BROKEN / BỊ SỬA ĐỔI: {len(problems)} problem(s) in {count} events")
        for problem in problems[:SHOWN]:
            print("  " + problem)
        if len(problems) > SHOWN:
            print(f"  … and {len(problems) - SHOWN} more")
        return 1
    scope = "hashes and HMACs recomputed" if with_key else (
        "links and content digests checked; HMACs need --key-file")
    print(f"OK / NGUYÊN VẸN: {count} events, the chain is intact ({scope}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
