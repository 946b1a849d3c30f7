"""The lock files pin what pyproject.toml asks for, and agree with each other."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from lock_check import differences, locked_pins, normalise, refresh_report  # noqa: E402

RUN_LOCK = ROOT / "requirements" / "run.lock"
DEV_LOCK = ROOT / "requirements" / "dev.lock"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _requirements(lines: list[str]) -> list[Requirement]:
    return [Requirement(line) for line in lines]


@pytest.mark.parametrize(("lock", "declared"), [
    (RUN_LOCK, PROJECT["dependencies"]),
    (DEV_LOCK, PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
], ids=["run", "dev"])
def test_every_declared_dependency_is_pinned_within_its_range(lock, declared):
    pins = locked_pins(lock)
    for requirement in _requirements(declared):
        name = normalise(requirement.name)
        assert name in pins, f"{requirement.name} is not in {lock.name}: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock.name} pins {name}=={pins[name]} outside {requirement}: run `make lock`")


def test_the_dev_lock_keeps_every_runtime_pin():
    run, dev = locked_pins(RUN_LOCK), locked_pins(DEV_LOCK)
    assert {name: dev.get(name) for name in run} == run


@pytest.mark.parametrize("lock", [RUN_LOCK, DEV_LOCK], ids=["run", "dev"])
def test_every_pin_carries_hashes_and_no_registry_is_named(lock):
    text = lock.read_text(encoding="utf-8")
    entries = [entry for entry in text.split("\n") if entry and not entry.startswith((" ", "#"))]
    assert entries and all(entry.endswith("\\") for entry in entries), "a pin without --hash lines"
    assert "--index-url" not in text and "--find-links" not in text and "--extra-index-url" not in text


def test_the_build_backend_is_locked_too():
    backend = _requirements(tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"])
    pins = locked_pins(RUN_LOCK)
    for requirement in backend:
        assert requirement.specifier.contains(pins.get(normalise(requirement.name), "0"))


def test_ci_names_what_differs_from_the_lock():
    pins = {"fastapi": "0.165.0", "hatchling": "1.33.0"}
    assert differences(pins, {"fastapi": "0.165.0", "hatchling": "1.33.0"}) == []
    assert differences(pins, {"fastapi": "0.166.0"}) == ["fastapi 0.165.0 -> 0.166.0",
                                                         "hatchling 1.33.0 -> not installed"]


def test_the_refresh_report_lists_moves_and_newcomers_but_not_build_only_pins():
    pins = {"fastapi": "0.165.0", "hatchling": "1.33.0"}
    installed = {"fastapi": "0.166.0", "qms": "0.1.0", "anyio-extra": "1.0"}
    assert refresh_report(pins, installed) == ["fastapi 0.165.0 -> 0.166.0", "anyio-extra (new) 1.0"]
