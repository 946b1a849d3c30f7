"""The library's pages, gathered for create_app()."""

from __future__ import annotations

from fastapi import APIRouter

from qms.core.web import templates
from qms.library import (
    attachment_views,
    external_views,
    import_views,
    listeners,  # noqa: F401  (panels of the document pages, lifecycle listeners)
    records_views,
    request_views,
    review_views,
)
from qms.library.labels import TEMPLATE_GLOBALS

templates.env.globals.update(TEMPLATE_GLOBALS)
router = APIRouter(include_in_schema=False)
for module in (attachment_views, external_views, records_views, review_views, request_views, import_views):
    router.include_router(module.router)
