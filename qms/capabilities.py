"""Loads every capability, so that their tables are on the metadata and their listeners
on the lifecycle events are registered, whichever entry point starts (app, CLI, tests)."""

from __future__ import annotations

import importlib

#: Modules that register lifecycle listeners or tables at import; a capability adds itself here.
MODULES = (
    "qms.models",
    "qms.distribution.listeners",
    "qms.distribution.workflow_notices",
    "qms.library.listeners",
    "qms.records.listeners",
)


def load() -> None:
    for name in MODULES:
        importlib.import_module(name)
