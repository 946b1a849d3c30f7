"""The ceiling: a bare FastAPI + Jinja2 page rendering the same 25-row table of the
document register straight from the database, with no session, roles or layout."""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from sqlalchemy import text

from qms.core.db import make_engine

_engine = make_engine(os.environ["QMS_DATABASE_URL"])
_template = Environment(autoescape=True).from_string(
    "<!doctype html><html><body><table>{% for r in rows %}<tr><td>{{ r.code }}</td><td>{{ r.title }}</td>"
    "<td>{{ r.kind }}</td><td>{{ r.name }}</td><td>{{ r.revision }}</td><td>{{ r.effective_date }}</td>"
    "<td>{{ r.status }}</td></tr>{% endfor %}</table></body></html>"
)
_QUERY = text(
    "SELECT d.code, d.title, d.kind, u.name, v.revision, v.effective_date, v.status FROM document d "
    "JOIN unit u ON u.id = d.owner_unit_id JOIN document_version v ON v.id = d.effective_version_id "
    "ORDER BY d.code LIMIT 25"
)
app = FastAPI()


@app.get("/")
async def page() -> HTMLResponse:
    with _engine.connect() as connection:
        rows = connection.execute(_QUERY).all()
    return HTMLResponse(_template.render(rows=rows))
