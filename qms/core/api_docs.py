"""The API's own documentation: the error body every router documents, and the interactive
page at /api/docs served from the Swagger UI files shipped in ``qms/static/swagger/`` (no
CDN, so it works without internet; no inline script, so a strict CSP allows it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import escape
from pydantic import BaseModel, Field

from qms.core.web import static_url

#: Swagger UI's version, as shipped in qms/static/swagger/ (npm swagger-ui-dist, Apache-2.0).
SWAGGER_UI_VERSION = "5.36.0"


class FieldError(BaseModel):
    field: str = Field(description="the field refused, dotted for a nested one")
    reason: str


class ErrorDetail(BaseModel):
    """What every refusal answers: a reason people can read, and for a refused field its name."""

    detail: str = Field(description="why the request was refused, in the caller's language")
    field: str | None = Field(default=None, description="the field at fault, when there is one")
    errors: list[FieldError] | None = Field(default=None, description="each field refused, with its reason")


_REASONS = {
    401: "Not signed in (no or an expired bearer token), or the signer's password is missing or wrong; "
         "nothing changed.",
    403: "The caller lacks the role or the right for this object, or must first choose a new password.",
    404: "No such object, or one the caller may not see.",
    409: "The object's state forbids it: a wrong status, a stale `If-Match`, a duplicate code, "
         "an open draft.",
    413: "The file is larger than the upload limit (`QMS_MAX_UPLOAD_MB`).",
    415: "The file's content is not of an accepted type.",
    422: "A field is missing or invalid: `field` and `errors` name it and say why.",
    429: "Too many failed sign-ins for this username or address: try again after `Retry-After` seconds.",
}
#: What any operation that needs a signed-in caller may answer.
PROTECTED = (401, 403, 404, 409, 422)


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for ``codes``, each with the ``ErrorDetail`` body."""
    return {code: {"model": ErrorDetail, "description": _REASONS[code]} for code in codes}


router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — API</title>
<link rel="stylesheet" href="{css}">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over /openapi.json, every file from this server."""
    app = request.app
    return HTMLResponse(_PAGE.format(
        title=escape(app.title), openapi=escape(app.openapi_url), css=static_url("swagger/swagger-ui.css"),
        bundle=static_url("swagger/swagger-ui-bundle.js"), init=static_url("api-docs.js"),
    ))
