"""The Vietnamese catalog is complete and compiled, and the UI and the API speak it by default.

The extraction runs here, in-process, over the sources named in ``babel.cfg``, so a
message added to the code or a template without a translation fails this module even
when nobody has refreshed ``messages.pot`` (``make messages`` does that).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from support import api_headers, post_form

from qms.core.i18n import DOMAIN, translations
from qms.core.paths import LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = LOCALE_DIR / "vi" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO_FILE = LOCALE_DIR / "vi" / "LC_MESSAGES" / f"{DOMAIN}.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

Key = tuple[str, str | None]  # (singular msgid, context)


def extract_sources(root: Path = ROOT) -> dict[Key, tuple[bool, str]]:
    """Every message Babel finds under ``root`` with the project's babel.cfg.

    Returns ``{(msgid, context): (is_plural, "file:line")}``.
    """
    with open(root / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    top_dirs = {pattern.split("/", 1)[0] for pattern, _method in method_map}

    # The folders the `messages` target of the Makefile skips. Babel's default filter
    # would also skip every folder starting with "_", such as templates/_macros.
    def wanted(dirpath: str) -> bool:
        relative = Path(dirpath).relative_to(root)
        name = relative.name
        if name == "__pycache__" or name == "_bundled" or name.startswith("."):
            return False
        return relative.parts[0] in top_dirs

    found: dict[Key, tuple[bool, str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(root), method_map, options_map, directory_filter=wanted
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((msgid, context), (isinstance(message, tuple), f"{filename}:{lineno}"))
    return found


def load_po(path: Path = PO_FILE) -> Catalog:
    with open(path, "rb") as po:
        return read_po(po, locale="vi", domain=DOMAIN)


def catalog_problems(extracted: dict[Key, tuple[bool, str]], catalog: Catalog) -> list[str]:
    """Why the catalog does not translate the extracted messages; empty when it does."""
    problems = []
    for (msgid, context), (is_plural, where) in sorted(extracted.items(), key=lambda kv: kv[0][0]):
        entry = catalog.get(msgid, context)
        if entry is None:
            problems.append(f"missing from the .po: {msgid!r} ({where})")
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(form and form.strip() for form in forms):
            problems.append(f"untranslated: {msgid!r} ({where})")
            continue
        if is_plural != entry.pluralizable:
            problems.append(f"singular/plural mismatch: {msgid!r}")
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        expected = set().union(*(PLACEHOLDER.findall(text) for text in ids))
        for form in forms:
            if set(PLACEHOLDER.findall(form)) != expected:
                problems.append(f"placeholders differ: {msgid!r} -> {form!r}")
            elif "%" in PLACEHOLDER.sub("", form).replace("%%", ""):
                problems.append(f"stray '%' (write '%%'): {msgid!r} -> {form!r}")
    return problems


def compiled_messages(catalog: Catalog) -> dict[object, object]:
    """What the catalog means at run time: translated, non-fuzzy messages and the plural rule."""
    messages: dict[object, object] = {"Plural-Forms": catalog.plural_forms}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        string = tuple(message.string) if isinstance(message.string, (tuple, list)) else message.string
        if not string or (isinstance(string, tuple) and not all(string)):
            continue
        message_id = tuple(message.id) if isinstance(message.id, (tuple, list)) else message.id
        messages[(message_id, message.context)] = string
    return messages


# --- the catalog ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extracted() -> dict[Key, tuple[bool, str]]:
    return extract_sources()


def test_extraction_finds_python_templates_and_macros(extracted):
    sources = {where.split(":")[0].replace(os.sep, "/") for _plural, where in extracted.values()}
    assert any(path.startswith("qms/") for path in sources)
    assert any(path.startswith("templates/") for path in sources)
    assert any(path.startswith("templates/_macros/") for path in sources), \
        "folders starting with '_' must not be skipped"
    assert ("Sign in", None) in extracted
    assert extracted[("%(num)s user", None)][0], "ngettext is extracted as a plural message"


def test_every_extracted_message_has_a_vietnamese_translation(extracted):
    problems = catalog_problems(extracted, load_po())
    assert not problems, "run `make messages` and translate:\n" + "\n".join(problems)


def test_po_header_declares_vietnamese_with_one_plural_form():
    catalog = load_po()
    assert not catalog.fuzzy
    headers = dict(catalog.mime_headers)
    assert headers["Language"] == "vi"
    assert headers["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=utf-8" in headers["Content-Type"].lower()


def test_checker_catches_missing_fuzzy_and_broken_entries():
    catalog = Catalog(locale="vi")
    catalog.add("Sign in", "Đăng nhập")
    catalog.add("Save", "")
    catalog.add("Sign out", "Đăng xuất", flags=["fuzzy"])
    catalog.add("Unit %(code)s was saved.", "Đã lưu đơn vị %(ma)s.")
    extracted = {(msgid, None): (False, "x.py:1") for msgid in
                 ("Sign in", "Save", "Sign out", "Unit %(code)s was saved.", "Users")}
    problems = "\n".join(catalog_problems(extracted, catalog))
    assert "untranslated: 'Save'" in problems
    assert "fuzzy: 'Sign out'" in problems
    assert "placeholders differ" in problems
    assert "missing from the .po: 'Users'" in problems
    assert "Sign in" not in problems


def test_compiled_catalog_matches_the_po():
    with open(MO_FILE, "rb") as mo:
        compiled = read_mo(mo)
    source = compiled_messages(load_po())
    built = compiled_messages(compiled)
    stale = {key for key in source.keys() | built.keys() if source.get(key) != built.get(key)}
    assert not stale, "messages.mo is out of date; run `make messages`: " + ", ".join(
        repr(key) for key in sorted(stale, key=repr)[:10])


def test_runtime_catalog_translates_with_placeholders():
    vi = translations("vi")
    assert vi.gettext("Sign in") == "Đăng nhập"
    assert vi.ngettext("%(num)s user", "%(num)s users", 3) % {"num": 3} == "3 người dùng"
    assert translations("en").gettext("Sign in") == "Sign in"


# --- the running app ------------------------------------------------------------------------------


def test_sign_in_page_is_vietnamese_by_default_and_english_on_request(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert '<html lang="vi">' in page.text
    assert "Đăng nhập" in page.text
    assert "Tên đăng nhập" in page.text

    response = post_form(client, "/language", {"language": "en", "next": "/login"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"

    page = client.get("/login")
    assert '<html lang="en">' in page.text
    assert "Sign in" in page.text
    assert "Username" in page.text
    assert "Đăng nhập" not in page.text

    post_form(client, "/language", {"language": "vi", "next": "/login"})
    assert "Đăng nhập" in client.get("/login").text


def test_api_errors_are_vietnamese_by_default(client, make):
    make.user("quantri", "admin")

    wrong = client.post("/api/v1/auth/token", json={"username": "quantri", "password": "Sai12345"})
    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."

    missing = client.get("/api/v1/users/khongco", headers=api_headers(client, "quantri"))
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Người dùng khongco không tồn tại."


def test_api_errors_follow_accept_language(client):
    response = client.get("/api/v1/me", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Please sign in."
    assert client.get("/api/v1/me").json()["detail"] == "Vui lòng đăng nhập."
