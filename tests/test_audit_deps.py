"""`make audit-deps` fails on a known vulnerability that has a fix, or when it could not look."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import audit_deps  # noqa: E402

CLEAN = {"dependencies": [{"name": "jinja2", "version": "3.1.6", "vulns": []}], "fixes": []}
UNFIXED = {"dependencies": [
    {"name": "jinja2", "version": "3.1.6", "vulns": []},
    {"name": "ecdsa", "version": "0.19.1", "vulns": [
        {"id": "GHSA-wj6h-64fc-37mp", "fix_versions": [], "aliases": ["CVE-2024-23342"]}]},
], "fixes": []}
FIXABLE = {"dependencies": [
    {"name": "starlette", "version": "0.40.0", "vulns": [
        {"id": "GHSA-f96h-pmfr-66vw", "fix_versions": ["0.47.2"], "aliases": ["CVE-2025-54121"]}]},
], "fixes": []}
UNREACHABLE = {"dependencies": [
    {"name": "jinja2",
     "skip_reason": "Dependency not found on PyPI and could not be audited: jinja2 (3.1.6)"},
], "fixes": []}


def run(monkeypatch: pytest.MonkeyPatch, *reports: dict, ignore: tuple[str, ...] = ()) -> tuple[int, list]:
    calls = []
    answers = iter(reports)

    def fake(lock: Path, ignored: list[str]) -> dict:
        calls.append((lock.name, list(ignored)))
        return next(answers)

    monkeypatch.setattr(audit_deps, "run_pip_audit", fake)
    locks = ["requirements/run.lock", "requirements/dev.lock"][:len(reports)]
    args = [*locks, *(part for vuln in ignore for part in ("--ignore-vuln", vuln))]
    return audit_deps.main(args), calls


def test_clean_locks_pass(monkeypatch, capsys):
    status, calls = run(monkeypatch, CLEAN, CLEAN)
    assert status == 0
    assert [name for name, _ in calls] == ["run.lock", "dev.lock"]
    assert "audit-deps: ok" in capsys.readouterr().out


def test_a_vulnerability_without_a_fix_is_reported_and_passes(monkeypatch, capsys):
    status, _ = run(monkeypatch, UNFIXED)
    out = capsys.readouterr().out
    assert status == 0
    assert "ecdsa 0.19.1: GHSA-wj6h-64fc-37mp (CVE-2024-23342), no fix released yet" in out


def test_a_vulnerability_with_a_fix_fails_and_names_the_version(monkeypatch, capsys):
    status, _ = run(monkeypatch, CLEAN, FIXABLE)
    out = capsys.readouterr().out
    assert status == 1
    assert "FIX AVAILABLE  starlette 0.40.0: GHSA-f96h-pmfr-66vw (CVE-2025-54121), fixed in 0.47.2" in out
    assert "FAILED" in out


def test_pins_that_could_not_be_looked_up_are_no_pass(monkeypatch, capsys):
    status, _ = run(monkeypatch, UNREACHABLE)
    out = capsys.readouterr().out
    assert status == 2
    assert "1 pins could NOT be audited" in out
    assert "NOT AUDITED" in out and "audit-deps: ok" not in out


def test_ignored_advisories_are_passed_to_pip_audit(monkeypatch):
    _status, calls = run(monkeypatch, CLEAN, ignore=("GHSA-f96h-pmfr-66vw",))
    assert calls == [("run.lock", ["GHSA-f96h-pmfr-66vw"])]


def test_each_lock_is_audited_as_written_and_a_crash_is_told(monkeypatch, capsys):
    """Pins and hashes as locked, no resolution, no pip: what is installed is what is audited."""
    commands = []

    def fake_run(command, **kwargs):
        commands.append(command)
        return subprocess.CompletedProcess(command, 1, stdout="", stderr="ConnectionError: pypi.org\n")

    monkeypatch.setattr(audit_deps.subprocess, "run", fake_run)
    with pytest.raises(SystemExit) as refused:
        audit_deps.run_pip_audit(Path("requirements/run.lock"), [])
    assert refused.value.code == 2
    assert ("could not audit requirements/run.lock (exit 1):\nConnectionError: pypi.org"
            in capsys.readouterr().err)
    [command] = commands
    assert command[1:3] == ["-m", "pip_audit"]
    assert {"--require-hashes", "--disable-pip"} <= set(command)
    assert command[command.index("--requirement") + 1] == "requirements/run.lock"
