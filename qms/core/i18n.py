"""Gettext catalogs (Babel) and the language of the current request.

Message ids are English; the Vietnamese catalog is complete and is the default.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from babel.support import NullTranslations, Translations

from qms.core.paths import LOCALE_DIR

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LANGUAGE = "vi"
DOMAIN = "messages"

_current_language: ContextVar[str] = ContextVar("qms_language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], domain=DOMAIN)


def set_language(language: str) -> None:
    _current_language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Words chosen in ``language`` for a while (an e-mail in the agency's language, say)."""
    before = current_language()
    set_language(language)
    try:
        yield
    finally:
        set_language(before)


def current_language() -> str:
    return _current_language.get()


def gettext(message: str, **params: object) -> str:
    text = translations(current_language()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(current_language()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


def gettext_noop(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


_ = gettext
N_ = gettext_noop
