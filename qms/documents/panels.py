"""Sections that other capabilities add to the document and version pages.

A capability registers a provider, ``provider(session, actor, document, version)``,
returning a :class:`Panel` (a template and its context), several, or None; the pages include
the panels in the order they were registered, in their slot: ``notice`` (a line under the
title), ``top`` (above the content), ``bottom`` (below it) or ``end`` (closing the text).
Providers must run a bounded number of queries, whatever the library's size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.documents.models import Document, Version


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    slot: Literal["notice", "top", "bottom", "end"] = "bottom"


Provider = Callable[[Session, Principal, Document, Version | None], Panel | Sequence[Panel] | None]

_document_providers: list[Provider] = []
_version_providers: list[Provider] = []


def on_document_page(provider: Provider) -> Provider:
    if provider not in _document_providers:
        _document_providers.append(provider)
    return provider


def on_version_page(provider: Provider) -> Provider:
    if provider not in _version_providers:
        _version_providers.append(provider)
    return provider


def _collect(providers: list[Provider], session: Session, actor: Principal, document: Document,
             version: Version | None) -> dict[str, list[Panel]]:
    slots: dict[str, list[Panel]] = {"notice": [], "top": [], "bottom": [], "end": []}
    for provider in providers:
        given = provider(session, actor, document, version)
        for panel in [given] if isinstance(given, Panel) else given or ():
            slots[panel.slot].append(panel)
    return slots


def document_panels(session: Session, actor: Principal, document: Document,
                    version: Version | None) -> dict[str, list[Panel]]:
    return _collect(_document_providers, session, actor, document, version)


def version_panels(session: Session, actor: Principal, document: Document,
                   version: Version) -> dict[str, list[Panel]]:
    return _collect(_version_providers, session, actor, document, version)
