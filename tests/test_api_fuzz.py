"""Property-based fuzzing of the JSON API from its own OpenAPI document (schemathesis).

Every operation of ``/openapi.json`` is called with generated inputs, valid and invalid, by a
quality officer, by a plain staff member and by an administrator (who alone reaches users,
units and the audit trail). Two things must hold for every answer:

* no server error: nothing answers 5xx, whatever the input;
* a refusal (4xx) is JSON with a ``detail`` message, as every other API error is.

Before the run the database holds a published procedure QT-01 (revision 1 in force with a
numbered paper copy, revision 2 a draft), a change request and a delegation. About half of
the generated paths name these objects instead of random ones, and about half of the valid
bodies name real units, people and documents, so that generated requests get past the 404s
and lookups to the rules behind them. In about half of the path parameters, queries and
bodies one value is also replaced by an extreme one of the same JSON type (a NUL or control
character, a number beyond 64 bits, a date at an end of the calendar...), which random
generation seldom draws in a few examples.

The bounded run of the normal suite is seeded and derandomized, so CI sees the same cases
every time. ``make fuzz`` runs the same test longer: ``QMS_FUZZ_EXAMPLES`` sets the cases
per operation of the fuzzing phase (the examples and coverage phases add their own, a
fixed set), ``QMS_FUZZ_SEED`` another seed.

Sign-out (``POST /api/v1/auth/logout``) is left out: it revokes the token that the rest of
the run signs with. Every other operation is fuzzed, including password changes and user
edits; the real username put into paths is ``xemxet``, never the caller, so the caller's
account and token stay usable.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from support import PASSWORD, api_headers

EXAMPLES = int(os.environ.get("QMS_FUZZ_EXAMPLES", "8"))
SEED = int(os.environ.get("QMS_FUZZ_SEED", "20240601"))

# Same-typed values that random generation seldom reaches in a few examples.
EXTREME_INTEGERS = (-1, 0, 2**31, 2**63, 10**20)
EXTREME_STRINGS = (
    "\x00", "QT\x00-01", "a\x1fb", "\u202e", " ", "0001-01-01", "9999-12-31", "2024-02-30",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "Ờ" * 400,
)

# Real values for body fields (by name), so that valid bodies get past the lookups.
BODY_VALUES = {
    "units": ("VP", "CCHC"),
    "documents": ("QT-01",),
    "drafters": ("soanthao", "iso"),
    "reviewers": ("xemxet", "xemxet2"),
    "approvers": ("giamdoc", "phogiamdoc"),
    "people": ("nhanvien", "xemxet", "soanthao"),
    "roles": ("staff", "reviewer"),
    "passwords": (PASSWORD,),
}
BODY_FIELDS = {
    "owner_unit": "units", "unit": "units", "keeping_unit": "units", "parent": "units",
    "units[*]": "units", "allowed_units[*]": "units",
    "document_code": "documents", "parent_code": "documents",
    "drafter": "drafters", "reviewers[*]": "reviewers", "approver": "approvers", "delegate": "approvers",
    "delegator": "approvers", "users[*]": "people", "paper_copies[*].holder": "people",
    "roles[*]": "roles", "password": "passwords",
}

if not hasattr(pytest.Function, "_nodeid"):
    # schemathesis' fixture-based loader renames the running item through ``_nodeid``,
    # which pytest 9.2 replaced by ``_id``; this keeps that attribute working.
    from _pytest.nodeid import coerce_node_id

    pytest.Function._nodeid = property(  # type: ignore[attr-defined]
        lambda self: str(self._id), lambda self, value: setattr(self, "_id", coerce_node_id(value)))


def _seed_data(api: Any) -> dict[str, Any]:
    """Objects that generated paths can name: a procedure in force and its draft, a paper
    copy, a change request, a delegation."""
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    response = api.post("iso", "/api/v1/documents/QT-01/versions/1/distribution",
                        {"units": ["VP"], "paper_copies": [{"holder": "nhanvien"}]})
    assert response.status_code == 200, response.text
    response = api.post("iso", "/api/v1/documents/QT-01/versions", {})
    assert response.status_code == 201, response.text
    response = api.post("nhanvien", "/api/v1/change-requests",
                        {"document_code": "QT-01", "reason": "Biểu mẫu đã cũ",
                         "proposal": "Thêm mục lưu hồ sơ điện tử"})
    assert response.status_code == 201, response.text
    request_id = response.json()["id"]
    response = api.post("giamdoc", "/api/v1/delegations",
                        {"delegate": "phogiamdoc", "starts_on": "2024-01-01", "ends_on": "2099-12-31",
                         "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"code": "QT-01", "rev": (1, 2), "username": "xemxet", "request_id": request_id,
            "delegation_id": response.json()["id"], "number": 1}


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, index))]
    return [(path, value)]


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, *rest = path
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], tuple(rest), new)}
    return [_replaced(item, tuple(rest), new) if index == head else item for index, item in enumerate(value)]


def _pool(leaf: Any) -> tuple[Any, ...]:
    if isinstance(leaf, bool):
        return ()
    if isinstance(leaf, int):
        return EXTREME_INTEGERS
    if isinstance(leaf, str):
        return EXTREME_STRINGS
    return ()


def with_extreme(value: Any) -> st.SearchStrategy[Any]:
    """The value as generated, or with one of its scalars replaced by an extreme one."""
    choices = [(path, _pool(leaf)) for path, leaf in _leaves(value) if _pool(leaf)]
    if not choices:
        return st.just(value)
    extreme = st.sampled_from(choices).flatmap(
        lambda choice: st.sampled_from(choice[1]).map(lambda new: _replaced(value, choice[0], new)))
    return st.just(value) | extreme


@pytest.fixture(params=["iso", "nhanvien", "quantri"])
def fuzz_user(request: pytest.FixtureRequest) -> str:
    """Who signs the generated calls: the quality officer (most document writes are allowed),
    a staff member (most are refused, which must be a clean 403) and an administrator."""
    return request.param


@pytest.fixture
def fuzz_headers(client, api, make, fuzz_user) -> dict[str, str]:
    make.user("quantri", "admin", unit="VP")
    return api_headers(client, fuzz_user)


@pytest.fixture
def api_schema(app, api, fuzz_headers):
    real = _seed_data(api)
    config = schemathesis.Config.from_dict({
        "seed": SEED,
        "suppress-health-check": ["all"],
        "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
        "dictionaries": {name: {"values": list(values)} for name, values in BODY_VALUES.items()},
        "parameters": {f"body.{field}": {"dictionary": name, "probability": 0.5}
                       for field, name in BODY_FIELDS.items()},
    })
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)

    # schemathesis finds hooks by their function names.
    @loaded.hook
    def flatmap_path_parameters(context, path_parameters):
        if not path_parameters:
            return st.just(path_parameters)
        seeded = st.fixed_dictionaries({
            key: st.sampled_from(real[key]) if isinstance(real.get(key), tuple)
            else st.just(real.get(key, value))
            for key, value in path_parameters.items()
        })
        return (st.just(path_parameters) | seeded).flatmap(with_extreme)

    @loaded.hook
    def flatmap_query(context, query):
        return with_extreme(query)

    @loaded.hook
    def flatmap_body(context, body):
        return with_extreme(body)

    return loaded


schema = schemathesis.pytest.from_fixture("api_schema").exclude(path="/api/v1/auth/logout")


def refusal_has_detail(ctx, response, case) -> None:
    """A 4xx answer is JSON and says why in ``detail``."""
    if 400 <= response.status_code < 500:
        try:
            body = response.json()
        except ValueError:
            body = None
        assert isinstance(body, dict) and isinstance(body.get("detail"), str) and body["detail"], (
            f"{response.status_code} without a JSON detail: {response.text[:200]!r}"
        )


@schema.parametrize()
def test_api_fuzz(case, fuzz_headers):
    case.call_and_validate(headers=fuzz_headers, checks=[not_a_server_error, refusal_has_detail])
