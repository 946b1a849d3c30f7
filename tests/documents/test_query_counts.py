"""Pages run a bounded number of SQL statements, however many documents there are."""

from __future__ import annotations

from sqlalchemy import event
from support import counting, login


def _page_counts(client, engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = {}
    pages = ("/documents", "/documents?q=quy+trinh", "/documents/QT-01", "/documents/QT-01/versions/1", "/")
    for url in pages:
        client.get(url)  # warm the per-process caches (the agency profile, read every 30 s)
        with counting(engine) as statements:
            response = client.get(url)
        assert response.status_code == 200, (url, response.text[:300])
        counts[url] = len(statements)
    return counts


def test_document_pages_do_not_grow_with_the_library(api, client, engine):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    login(client, "iso")
    few = _page_counts(client, engine)
    for number in range(2, 32):
        code = f"QT-{number:02d}"
        api.create_procedure(code, f"Quy trình số {number}")
        api.fill(code)
        api.publish(code)
    many = _page_counts(client, engine)
    print("SQL statements per page:", many)
    assert many == few
    # The version page also checks its version against the signatures (content, signatures,
    # the hash the audit trail recorded, attached files, signed PDF): six statements of its own;
    # one more finds the approver its submit and withdrawal forms propose.
    assert max(many.values()) <= 33


def test_a_page_holds_one_database_connection(api, client, engine):
    """The layout (the bell, the agency's name) reads with the request's own session: a
    request that took a second connection while holding its first could, under load, wait
    for the pool forever."""
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    login(client, "iso")
    checkouts: list[object] = []

    def checkout(dbapi_connection, record, proxy):  # type: ignore[no-untyped-def]
        checkouts.append(record)

    for url in ("/documents", "/documents/QT-01", "/", "/reading", "/notifications"):
        event.listen(engine, "checkout", checkout)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "checkout", checkout)
        assert len(checkouts) == 1, (url, len(checkouts))
        checkouts.clear()
