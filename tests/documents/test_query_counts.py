"""Pages run a bounded number of SQL statements, however many documents there are."""

from __future__ import annotations

from sqlalchemy import event
from support import PASSWORD, counting, login

from qms.core.clock import local_today


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


def test_a_signers_pages_do_not_grow_with_their_tasks(api, client, engine, settings):
    """Whose turn it is is decided for every task at once: the task list, the home page and a
    version page awaiting approval read as many statements for twelve tasks as for one,
    signing in one's own name or for the head."""
    def counts(username: str) -> dict[str, int]:
        login(client, username)
        found = {}
        for url in ("/tasks", "/", "/documents/QT-01/versions/1"):
            client.get(url)
            with counting(engine) as statements:
                response = client.get(url)
            assert response.status_code == 200, (url, response.text[:300])
            assert "QT-01" in response.text
            found[url] = len(statements)
        return found

    def awaiting_approval(code: str) -> None:
        api.create_procedure(code, f"Quy trình {code}")
        api.fill(code)
        assert api.submit(code, 1).status_code == 200
        assert api.review(code, 1).status_code == 200

    awaiting_approval("QT-01")
    today = local_today(settings.zone)
    assert api.post("giamdoc", "/api/v1/delegations", {
        "delegate": "phogiamdoc", "starts_on": today.isoformat(), "ends_on": today.isoformat(),
        "note": "Đi công tác", "password": PASSWORD}).status_code == 201
    few = {name: counts(name) for name in ("giamdoc", "phogiamdoc")}
    for number in range(2, 13):
        awaiting_approval(f"QT-{number:02d}")
    many = {name: counts(name) for name in ("giamdoc", "phogiamdoc")}
    print("SQL statements per page:", many)
    assert many == few
