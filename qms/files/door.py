"""How stored files plug in: the words the templates use to show a file's size and kind. The
upload limit is a middleware that ``create_app`` places among the others."""

from __future__ import annotations

from fastapi import FastAPI

from qms.core import web
from qms.files import labels


def setup(app: FastAPI | None) -> None:
    web.add_template_globals(labels.TEMPLATE_GLOBALS)
