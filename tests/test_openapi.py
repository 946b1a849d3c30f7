"""The OpenAPI document describes every operation: what it does, that it needs a bearer
token, what it answers when refused, and the values a fixed field accepts."""

from __future__ import annotations

import pytest

PUBLIC = {("post", "/api/v1/auth/token"), ("get", "/healthz"), ("get", "/api/v1/agency/ca.pem"),
          ("get", "/api/v1/agency/crl")}
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec(app):
    return app.openapi()


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def test_every_operation_has_a_summary_and_a_description(spec):
    missing = [f"{m.upper()} {p}" for m, p, op in operations(spec)
               if not op.get("summary", "").strip() or not op.get("description", "").strip()]
    assert missing == []


def test_protected_operations_name_the_bearer_scheme(spec):
    scheme = spec["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    unprotected = [f"{m.upper()} {p}" for m, p, op in operations(spec)
                   if (m, p) not in PUBLIC and {"bearer": []} not in op.get("security", [])]
    assert unprotected == []
    token = spec["paths"]["/api/v1/auth/token"]["post"]
    assert "security" not in token


def test_refusals_are_documented_with_the_detail_model(spec):
    error = spec["components"]["schemas"]["ErrorDetail"]
    assert "detail" in error["required"]
    ref = {"$ref": "#/components/schemas/ErrorDetail"}
    for method, path, operation in operations(spec):
        if path == "/healthz":
            continue
        responses = operation["responses"]
        for status in ("401", "403", "422"):
            assert responses[status]["content"]["application/json"]["schema"] == ref, (method, path, status)
    approve = spec["paths"]["/api/v1/documents/{code}/versions/{rev}/approve"]["post"]["responses"]
    assert {"401", "403", "404", "409", "422"} <= set(approve)
    upload = spec["paths"]["/api/v1/documents/{code}/versions/{rev}/attachments"]["post"]["responses"]
    assert "413" in upload


def enum_of(schemas, prop):
    """The values a property accepts, written in place or as a named list of the components."""
    for option in [prop, *prop.get("anyOf", [])]:
        if "enum" in option:
            return option["enum"]
        if "$ref" in option:
            return schemas[option["$ref"].rsplit("/", 1)[1]]["enum"]
    raise AssertionError(f"no fixed values in {prop}")


def test_fixed_choices_are_enumerated(spec):
    schemas = spec["components"]["schemas"]
    assert schemas["Decision"]["properties"]["decision"]["enum"] == ["reviewed", "approved", "rejected"]
    assert set(schemas["RecallRecord"]["properties"]["outcome"]["enum"]) == {"returned", "destroyed"}
    summary = schemas["DocumentSummary"]["properties"]
    assert "procedure" in enum_of(schemas, summary["kind"])
    assert set(enum_of(schemas, summary["confidentiality"])) == {"public", "internal", "restricted"}
    assert {"$ref": "#/components/schemas/Status"} in summary["status"]["anyOf"]
    assert {"draft", "in_review", "effective", "obsolete"} <= set(schemas["Status"]["enum"])


def test_each_fixed_list_is_one_named_list_with_the_stored_values(spec):
    from qms.distribution.choices import CopyState
    from qms.documents.choices import ExternalStatus, Kind
    from qms.library.choices import ReviewOutcome
    from qms.record_keeping.choices import Disposal, Medium

    schemas = spec["components"]["schemas"]
    for choice in (Kind, ExternalStatus, ReviewOutcome, Medium, Disposal, CopyState):
        assert schemas[choice.__name__]["enum"] == list(choice.values()), choice.__name__
    properties = {name: schemas[name]["properties"] for name in ("RecordEntryIn", "PeriodicReviewIn")}
    assert enum_of(schemas, properties["RecordEntryIn"]["medium"]) == list(Medium.values())
    assert enum_of(schemas, properties["PeriodicReviewIn"]["outcome"]) == list(ReviewOutcome.values())


def test_the_docs_page_loads_nothing_from_elsewhere(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text and "<script>" not in page.text
    for asset in ("swagger/swagger-ui-bundle.js", "swagger/swagger-ui.css", "api-docs.js"):
        assert f"/static/{asset}" in page.text
        assert client.get(f"/static/{asset}").status_code == 200
