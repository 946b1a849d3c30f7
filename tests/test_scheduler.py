"""The due jobs: one process at a time under a lease in the database, daily jobs once a day,
a failing job never stops the others, and the scheduler that runs them inside ``qms serve``.
The lease works alike on SQLite and PostgreSQL (the suite's database)."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from qms.app import create_app
from qms.cli import main
from qms.core import joblock, jobs
from qms.core.clock import local_today
from qms.core.db import new_session, utcnow
from qms.core.jobs import Job, run_jobs
from qms.core.scheduler import Scheduler
from qms.documents.effective import versions_coming_into_force
from qms.documents.models import Version


def test_the_lease_goes_to_one_holder_at_a_time_and_back(engine):
    assert joblock.try_acquire(engine, "due-jobs", "host-a:1")
    assert not joblock.try_acquire(engine, "due-jobs", "host-b:2")
    assert joblock.try_acquire(engine, "due-jobs", "host-a:1"), "the holder renews its lease"
    joblock.release(engine, "due-jobs", "host-a:1")
    assert joblock.try_acquire(engine, "due-jobs", "host-b:2")
    joblock.release(engine, "due-jobs", "host-a:1")  # no longer theirs: nothing happens
    assert not joblock.try_acquire(engine, "due-jobs", "host-a:1")


def test_a_holder_that_crashed_blocks_the_others_only_until_its_lease_expires(engine):
    assert joblock.try_acquire(engine, "due-jobs", "crashed:1")
    later = utcnow() + joblock.LEASE - timedelta(seconds=5)
    assert not joblock.try_acquire(engine, "due-jobs", "alive:2", now=later)
    expired = utcnow() + joblock.LEASE + timedelta(seconds=1)
    assert joblock.try_acquire(engine, "due-jobs", "alive:2", now=expired)


def test_of_many_processes_asking_at_once_exactly_one_gets_the_lease(engine):
    start = threading.Barrier(8)

    def ask(number: int) -> bool:
        start.wait()
        return joblock.try_acquire(engine, "due-jobs", f"worker:{number}")

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(ask, range(8)))
    assert outcomes.count(True) == 1


def _probe(calls: list[str], name: str, fail: bool = False) -> Job:
    def run(engine, settings, today: date) -> str:
        calls.append(name)
        if fail:
            raise RuntimeError("the SMTP server is down")
        return f"{name}: 1 done"

    return Job(name, run)


def test_nothing_runs_while_another_process_holds_the_lease(engine, settings):
    calls: list[str] = []
    assert joblock.try_acquire(engine, jobs.LOCK, "other-host:7")
    outcomes = list(run_jobs(engine, settings, jobs=[_probe(calls, "probe")]))
    assert calls == []
    assert [str(o) for o in outcomes] == ["another process is running the due jobs; nothing done here"]
    joblock.release(engine, jobs.LOCK, "other-host:7")
    assert [str(o) for o in run_jobs(engine, settings, jobs=[_probe(calls, "probe")])] == ["probe: 1 done"]
    assert calls == ["probe"]
    assert joblock.try_acquire(engine, jobs.LOCK, "other-host:7"), "the lease is given back after a run"


def test_a_daily_job_runs_once_a_day_whichever_process_or_restart(engine, settings, monkeypatch):
    calls: list[str] = []
    daily = Job("daily-probe", _probe(calls, "daily").run, daily=True)
    every_time = _probe(calls, "every-time")
    for holder in ("host-a:1", "host-b:2", "host-a:3"):  # two hosts, then the first one restarted
        list(run_jobs(engine, settings, holder=holder, jobs=[daily, every_time]))
    assert calls == ["daily", "every-time", "every-time", "every-time"]
    assert joblock.last_run_day(engine, "daily-probe") == local_today(settings.zone)

    tomorrow = local_today(settings.zone) + timedelta(days=1)
    monkeypatch.setattr(jobs, "local_today", lambda zone: tomorrow)
    list(run_jobs(engine, settings, jobs=[daily]))
    assert calls[-1] == "daily" and calls.count("daily") == 2


def test_a_failing_job_is_reported_the_others_still_run_and_a_daily_one_is_tried_again(engine, settings):
    calls: list[str] = []
    failing = Job("mail-probe", _probe(calls, "mail", fail=True).run, daily=True)
    outcomes = list(run_jobs(engine, settings, jobs=[failing, _probe(calls, "after")]))
    assert [(o.job, o.failed) for o in outcomes] == [("mail-probe", True), ("after", False)]
    assert "the SMTP server is down" in str(outcomes[0])
    assert joblock.last_run_day(engine, "mail-probe") is None
    list(run_jobs(engine, settings, jobs=[failing]))
    assert calls == ["mail", "after", "mail"]


def test_the_list_of_jobs_covers_the_days_work():
    names = [job.name for job in jobs.JOBS]
    assert names[0] == "effective" and names[-1] == "mail"
    assert {"sessions", "review-notices", "acknowledgement-reminders"} <= set(names)
    assert {job.name for job in jobs.JOBS if job.daily} >= {"review-notices", "acknowledgement-reminders"}


# --- the scheduler inside the app ---------------------------------------------------------------------


def _approved_for_tomorrow(api, settings) -> None:
    api.create_procedure("QT-01")
    api.fill("QT-01")
    tomorrow = local_today(settings.zone) + timedelta(days=1)
    assert api.edit("QT-01", 1, {"effective_date": tomorrow.isoformat()}).status_code == 200
    assert api.publish("QT-01", 1)["status"] == "approved"


def _status(engine) -> str:
    with new_session(engine) as session:
        return session.execute(select(Version.status)).scalar_one()


def _the_day_comes(engine, settings) -> None:
    with new_session(engine, write=True) as session:
        session.execute(update(Version).values(effective_date=local_today(settings.zone)))
        session.commit()


def test_the_app_runs_the_due_jobs_in_a_thread_and_stops_them_with_it(api, engine, settings, monkeypatch):
    _approved_for_tomorrow(api, settings)
    rounds: list[str] = []
    real = versions_coming_into_force

    def watched(engine, settings, today):
        rounds.append(threading.current_thread().name)
        if len(rounds) == 1:
            raise RuntimeError("the database went away for a moment")
        return real(engine, settings, today)

    monkeypatch.setattr(jobs, "JOBS", [Job("effective", watched)])
    app = create_app(settings.model_copy(update={"scheduler": True, "scheduler_interval_seconds": 1}), engine)
    with TestClient(app):
        loop_thread = threading.current_thread().name
        deadline = time.monotonic() + 20
        while len(rounds) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(rounds) >= 2, "a failed round does not stop the scheduler"
        assert _status(engine) == "approved", "not before its day"
        _the_day_comes(engine, settings)
        while _status(engine) != "effective" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _status(engine) == "effective"
    assert all(name != loop_thread for name in rounds)
    stopped_at = len(rounds)
    time.sleep(1.5)
    assert len(rounds) == stopped_at, "nothing runs once the app has stopped"


def test_with_the_scheduler_turned_off_the_app_runs_nothing(api, engine, settings):
    _approved_for_tomorrow(api, settings)
    _the_day_comes(engine, settings)
    off = settings.model_copy(update={"scheduler": False, "scheduler_interval_seconds": 1})
    with TestClient(create_app(off, engine)):
        time.sleep(1.5)
    assert _status(engine) == "approved"
    lines = [str(outcome) for outcome in run_jobs(engine, settings)]  # what `qms run-jobs` prints
    assert lines[0] == "versions made effective: 1 (QT-01/1)"
    assert _status(engine) == "effective"


@pytest.mark.parametrize("value, expected", [("false", False), ("0", False), ("true", True)])
def test_the_setting_reads_from_the_environment(monkeypatch, value, expected):
    from qms.core.config import Settings

    monkeypatch.setenv("QMS_SCHEDULER", value)
    assert Settings().scheduler is expected


def test_the_scheduler_logs_what_was_done_not_quiet_minutes_nor_the_same_news_every_minute(
        engine, settings, monkeypatch, caplog):
    lines = iter(["versions made effective: 0", "mail not sent: QMS_SMTP_HOST is not set (2 message(s) wait)",
                  "mail not sent: QMS_SMTP_HOST is not set (2 message(s) wait)",
                  "mail not sent: QMS_SMTP_HOST is not set (3 message(s) wait)"])
    monkeypatch.setattr(jobs, "JOBS", [Job("probe", lambda engine, settings, today: next(lines))])
    scheduler = Scheduler(engine, settings)
    with caplog.at_level(logging.INFO, logger="qms.core.scheduler"):
        for _round in range(4):
            scheduler.run_once()
    assert [record.getMessage() for record in caplog.records] == [
        "due job probe: mail not sent: QMS_SMTP_HOST is not set (2 message(s) wait)",
        "due job probe: mail not sent: QMS_SMTP_HOST is not set (3 message(s) wait)",
    ]


def test_qms_run_jobs_takes_the_same_lease_and_exits_1_when_a_job_failed(engine, settings, monkeypatch,
                                                                         capsys):
    monkeypatch.setenv("QMS_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("QMS_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("QMS_SECRET_KEY", "test-secret")
    assert joblock.try_acquire(engine, jobs.LOCK, "app-host:1")
    assert main(["run-jobs"]) == 0
    assert capsys.readouterr().out == "another process is running the due jobs; nothing done here\n"

    joblock.release(engine, jobs.LOCK, "app-host:1")
    calls: list[str] = []
    monkeypatch.setattr(jobs, "JOBS", [_probe(calls, "mail", fail=True), _probe(calls, "after")])
    assert main(["run-jobs"]) == 1
    assert capsys.readouterr().out.splitlines() == ["mail failed: RuntimeError: the SMTP server is down",
                                                    "after: 1 done"]
