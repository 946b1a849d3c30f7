"""Settings from the environment and the ``qms`` command's answers to an operator."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from qms import cli
from qms.core.config import ConfigError, Settings, load_settings

QMS = str(Path(sys.executable).with_name("qms"))


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean QMS_ environment with its own data folder."""
    for name in list(os.environ):
        if name.startswith("QMS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    return monkeypatch


# --- settings ---------------------------------------------------------------------------


def test_defaults_need_no_environment(env, tmp_path):
    settings = load_settings()
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.default_language == "vi"
    assert settings.is_sqlite
    assert settings.effective_database_url == f"sqlite:///{(tmp_path / 'data' / 'qms.sqlite3').resolve()}"
    assert (tmp_path / "data").is_dir()


def test_values_come_from_qms_variables(env):
    env.setenv("QMS_DATABASE_URL", "postgresql+psycopg://qms:b%40d@db.local:5433/qms")
    env.setenv("QMS_SMTP_PORT", "587")
    env.setenv("QMS_TIMEZONE", "Asia/Bangkok")
    env.setenv("QMS_BASE_URL", "https://qms.example.gov.vn")
    settings = load_settings()
    assert not settings.is_sqlite
    assert settings.smtp_port == 587
    assert str(settings.zone) == "Asia/Bangkok"
    assert settings.secure_cookies


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("QMS_TIMEZONE", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
    ("QMS_TIMEZONE", "../../etc/passwd", "unknown time zone"),
    ("QMS_DATABASE_URL", "mysql://x", "must start with sqlite:/// or postgresql+psycopg://"),
    ("QMS_DATABASE_URL", "postgresql+psycopg://qms@db:port/qms", "not a valid database URL"),
    ("QMS_DATABASE_URL", "sqlite:///", "must name a database file"),
    ("QMS_SMTP_PORT", "abc", "valid integer"),
    ("QMS_SMTP_PORT", "70000", "less than or equal to 65535"),
    ("QMS_SMTP_FROM", "khong-phai-email", "valid email address"),
    ("QMS_SESSION_HOURS", "0", "greater than or equal to 1"),
    ("QMS_DEFAULT_LANGUAGE", "fr", "must be vi or en"),
    ("QMS_SMTP_STARTTLS", "có lẽ", "valid boolean"),
    ("QMS_TSA_URL", "tsa.example.vn", "must be an http:// or https:// URL"),
])
def test_a_wrong_setting_names_the_variable_and_the_reason(env, name, value, reason):
    env.setenv(name, value)
    with pytest.raises(ConfigError) as wrong:
        load_settings()
    message = str(wrong.value)
    assert message.startswith(f"{name}: ")
    assert reason in message
    assert "\n" not in message


def test_a_data_folder_that_cannot_be_made_is_named(env, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    env.setenv("QMS_DATA_DIR", str(blocker / "data"))
    with pytest.raises(ConfigError) as wrong:
        load_settings()
    assert str(wrong.value).startswith("QMS_DATA_DIR: cannot create")


def test_secret_key_is_made_once_kept_private_and_reused(tmp_path):
    settings = Settings(data_dir=tmp_path)
    key = settings.resolved_secret_key()
    key_file = tmp_path / "secret_key"
    assert len(key) >= 40
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert Settings(data_dir=tmp_path).resolved_secret_key() == key
    assert Settings(data_dir=tmp_path, secret_key="given").resolved_secret_key() == "given"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"], "no drafts left behind"


def test_workers_starting_together_agree_on_one_secret_key(tmp_path, monkeypatch):
    """The second worker finds no key file, but the first one links its key in place first."""
    first = Settings(data_dir=tmp_path)
    real_link = os.link
    winner: dict[str, str] = {}

    def link_after_another_worker(src, dst):
        if not winner:
            winner["key"] = "k" * 64
            Path(dst).write_text(winner["key"], encoding="ascii")
        return real_link(src, dst)

    monkeypatch.setattr(os, "link", link_after_another_worker)
    assert first.resolved_secret_key() == winner["key"]
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


# --- the command ------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "value"), [
    ("QMS_TIMEZONE", "Mars/Olympus"),
    ("QMS_DATABASE_URL", "mysql://x"),
    ("QMS_SMTP_PORT", "abc"),
    ("QMS_DATABASE_URL", "postgresql+psycopg://qms@db:port/qms"),
])
def test_migrate_with_a_wrong_setting_exits_2_with_one_line(env, capsys, name, value):
    env.setenv(name, value)
    assert cli.main(["migrate"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"qms: configuration error: {name}: ")


def test_unreachable_postgresql_gives_one_clear_line(env, capsys):
    env.setenv("QMS_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/qms")
    assert cli.main(["migrate"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("qms: cannot use the database: ")
    assert "127.0.0.1" in lines[0] and "refused" in lines[0]


def test_unopenable_sqlite_file_gives_one_clear_line(env, capsys, tmp_path):
    env.setenv("QMS_DATABASE_URL", f"sqlite:///{tmp_path}/missing/folder/qms.sqlite3")
    assert cli.main(["migrate"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("qms: cannot use the database: ")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("QMS_TIMEZONE", "Mars/Olympus", "qms: configuration error: QMS_TIMEZONE: unknown time zone"),
    ("QMS_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/qms",
     "qms: cannot use the database: "),
])
def test_the_installed_command_prints_no_traceback(tmp_path, name, value, message):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QMS_")}
    environment.update({"QMS_DATA_DIR": str(tmp_path), name: value})
    result = subprocess.run([QMS, "migrate"], env=environment, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr


def test_migrate_builds_a_new_database_and_verify_audit_finds_it_intact(env, capsys, tmp_path):
    assert cli.main(["migrate"]) == 0
    assert capsys.readouterr().out.strip() == "qms: database schema is up to date"
    assert (tmp_path / "data" / "qms.sqlite3").exists()
    assert cli.main(["migrate"]) == 0, "upgrading an up-to-date database is harmless"
    capsys.readouterr()
    assert cli.main(["verify-audit"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "audit chain intact: 0 events", "versions checked: 0, all match their signatures"]


def test_create_admin_then_sign_in(env, capsys, monkeypatch, tmp_path):
    import io

    from fastapi.testclient import TestClient

    from qms.app import create_app

    assert cli.main(["migrate"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("Baove2024x\n"))
    assert cli.main(["create-admin", "quantri"]) == 0
    assert "administrator quantri created" in capsys.readouterr().out
    with TestClient(create_app(load_settings())) as client:
        response = client.post("/api/v1/auth/token", json={"username": "quantri", "password": "Baove2024x"})
        assert response.status_code == 200
        client.app.state.engine.dispose()


def test_create_admin_refuses_a_weak_password_in_one_line(env, capsys, monkeypatch):
    import io

    assert cli.main(["migrate"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO("quantri\n"))
    assert cli.main(["create-admin", "quantri"]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_seed_without_demo_explains_itself(env, capsys):
    assert cli.main(["seed"]) == 2
    assert "seed --demo" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "field"), [
    (["create-admin", "Bad Name"], "username"),
    (["create-admin", "quantri", "--unit-code", "có dấu"], "code"),
])
def test_create_admin_with_bad_names_says_which_in_one_line(env, capsys, monkeypatch, args, field):
    import io

    assert cli.main(["migrate"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO("Baove2024x\n"))
    assert cli.main(args) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"qms: {field}: ")


def test_a_second_first_admin_is_refused(env, capsys, monkeypatch):
    import io

    assert cli.main(["migrate"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("Baove2024x\n"))
    assert cli.main(["create-admin", "quantri"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("Baove2024x\n"))
    assert cli.main(["create-admin", "quantri2"]) == 2
    assert "an administrator already exists" in capsys.readouterr().err
