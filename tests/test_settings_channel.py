"""Settings reach code by one channel (qms.core.config): the request's app's settings in a
request, the job's in a job, the process's (an app's or a command's) elsewhere."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

import qms
from qms import cli
from qms.app import create_app
from qms.core import config
from qms.core.config import Settings
from qms.records import certificates


@pytest.fixture
def process(monkeypatch: pytest.MonkeyPatch) -> None:
    """No settings chosen yet in this process; those of before are put back after the test."""
    monkeypatch.setattr(config, "_process", None)


def _probed(app) -> None:  # type: ignore[no-untyped-def]
    @app.get("/_probe/settings")
    def probe() -> dict[str, str]:
        return {"timezone": config.current().timezone, "same": str(config.current() is app.state.settings)}


def test_before_an_app_or_command_the_settings_are_the_environments(process, monkeypatch) -> None:
    environment = Settings(data_dir=Path("/nonexistent"), timezone="Europe/Paris")
    monkeypatch.setattr(config, "_environment", lambda: environment)
    assert config.chosen() is None
    assert config.current() is environment
    assert certificates.agency_certificate() is None  # records are signed only by an app or command


def test_an_app_makes_its_settings_those_of_the_process(process, settings, engine: Engine) -> None:
    own = settings.model_copy(update={"timezone": "Europe/Paris"})
    create_app(own, engine)
    assert config.chosen() is own
    assert config.current() is own


def test_a_command_makes_its_settings_those_of_the_process(process, monkeypatch, tmp_path) -> None:
    seen: list[Settings | None] = []

    def command(settings: Settings, args: argparse.Namespace) -> int:
        seen.append(settings)
        seen.append(config.current())
        return 0

    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QMS_TIMEZONE", "Europe/Paris")
    monkeypatch.setattr(cli, "cmd_migrate", command)
    assert cli.main(["migrate"]) == 0
    assert seen[0] is seen[1] and seen[0] is not None and seen[0].timezone == "Europe/Paris"


def test_using_holds_in_its_block_only(process, settings) -> None:
    config.use(settings)
    other = settings.model_copy(update={"timezone": "Europe/Paris"})
    with config.using(other):
        assert config.current() is other and config.chosen() is other
    assert config.current() is settings


def test_a_request_reads_the_settings_of_the_app_serving_it(process, settings, engine: Engine) -> None:
    paris = create_app(settings.model_copy(update={"timezone": "Europe/Paris"}), engine)
    hanoi = create_app(settings, engine)  # made last: the process's settings
    _probed(paris)
    _probed(hanoi)
    with TestClient(paris) as client:
        assert client.get("/_probe/settings").json() == {"timezone": "Europe/Paris", "same": "True"}
        # A test swaps an app's settings: the next request follows.
        paris.state.settings = settings.model_copy(update={"timezone": "Asia/Tokyo"})
        assert client.get("/_probe/settings").json() == {"timezone": "Asia/Tokyo", "same": "True"}
    with TestClient(hanoi) as client:
        assert client.get("/_probe/settings").json() == {"timezone": "Asia/Ho_Chi_Minh", "same": "True"}
    assert config.current() is hanoi.state.settings


def test_no_capability_keeps_settings_of_its_own_or_reads_the_environment() -> None:
    package = Path(qms.__file__).parent
    problems = []
    for path in sorted(package.rglob("*.py")):
        name = str(path.relative_to(package.parent))
        if name in ("qms/core/config.py", "qms/cli.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.AnnAssign) and "Settings" in ast.unparse(node.annotation):
                problems.append(f"{name}:{node.lineno} keeps settings of its own")
        for node in ast.walk(tree):
            called = ast.unparse(node.func).split(".")[-1] if isinstance(node, ast.Call) else ""
            if called in ("load_settings", "Settings"):
                problems.append(f"{name}:{node.lineno} reads the environment: use qms.core.config.current()")
    assert problems == []
