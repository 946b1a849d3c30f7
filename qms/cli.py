"""The ``qms`` command: serve, migrate, seed, verify-audit, create-admin, run-jobs."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from qms import capabilities
from qms.core.config import ConfigError, Settings, load_settings, use
from qms.core.db import make_engine, transaction
from qms.core.private_files import restrict_umask


def _fail(message: str) -> int:
    print(f"qms: {message}", file=sys.stderr)
    return 2


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    from qms.audit.anchor import bind

    engine = make_engine(settings.effective_database_url)
    bind(engine, settings)
    return engine


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from qms.core.migrate import upgrade

    upgrade(_engine(settings))
    print("qms: database schema is up to date")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from qms.core.migrate import upgrade

    upgrade(_engine(settings))
    print(f"qms: serving on http://{args.host}:{args.port} (data folder {settings.data_dir.resolve()})",
          flush=True)
    uvicorn.run("qms.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="warning", proxy_headers=True, log_config=_serve_logging())
    return 0


def _serve_logging() -> dict[str, object]:
    """uvicorn's logging in every worker, with the app's own messages from INFO up (the due
    jobs that did something, records signed) on standard error."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["qms"] = {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    config["handlers"]["qms"] = {"class": "logging.StreamHandler", "formatter": "qms",
                                 "stream": "ext://sys.stderr"}
    config["loggers"]["qms"] = {"handlers": ["qms"], "level": "INFO", "propagate": False}
    return config


def cmd_seed(settings: Settings, args: argparse.Namespace) -> int:
    from qms.core.migrate import upgrade
    from qms.files.storage import file_store
    from qms.seeding import seed_demo

    if not args.demo:
        return _fail("only `qms seed --demo` exists: it loads the demo agency")
    engine = _engine(settings)
    upgrade(engine)
    with transaction(engine) as session:
        report = seed_demo(session, settings.zone, file_store(settings))
    print(report)
    if settings.signing_p12 is None:
        from qms.accounts.agency import agency_profile
        from qms.records.certificates import create_demo_certificate, crl_url

        path, created = create_demo_certificate(settings.data_dir, agency_profile(engine).name,
                                                crl_url(settings.base_url))
        print(f"demo signing certificate {'created' if created else 'kept'}: {path} "
              "(demo certificate — not legally valid; set QMS_SIGNING_P12 for the agency's own)")
        from qms.records.personal_certificates import give_demo_certificates
        from qms.seeding import load_demo_data

        demo = load_demo_data()
        with transaction(engine) as session:
            given = give_demo_certificates(session, settings, demo.get("demo_certificates", []),
                                           demo["demo_password"])
        if given:
            print("demo personal signing certificates: " + ", ".join(given))
    return 0


def cmd_import_procedures(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from qms.files.storage import file_store
    from qms.intake.procedures import import_directory

    directory = Path(args.directory)
    if not directory.is_dir():
        return _fail(f"{directory} is not a folder")
    with transaction(_engine(settings)) as session:
        reports = import_directory(session, directory, settings.zone, file_store(settings))
    for report in reports:
        print(report)
    errors = sum(report.action == "error" for report in reports)
    print(f"qms: {len(reports) - errors} files imported or unchanged, {errors} with errors")
    return 1 if errors else 0


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from qms.backup import BackupError, backup

    try:
        print(backup(settings, _engine(settings), Path(args.file)))
    except BackupError as exc:
        return _fail(str(exc))
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from qms.audit.service import verify_chain
    from qms.backup import BackupError, restore

    engine = _engine(settings)
    try:
        print(restore(settings, engine, Path(args.file)))
    except BackupError as exc:
        return _fail(str(exc))
    with transaction(_engine(settings), write=False) as session:
        status = verify_chain(session)
    print(f"audit chain: {'intact' if status.ok else f'broken at event {status.first_bad_event}'}, "
          f"{status.events} events")
    return 0 if status.ok else 1


def cmd_verify_audit(settings: Settings, args: argparse.Namespace) -> int:
    """The audit chain, then every version from submission on with its stored files."""
    from qms.core.i18n import set_language
    from qms.documents.integrity import verify_integrity
    from qms.files.storage import file_store

    set_language("en")  # the command speaks English, like the rest of its output
    with transaction(_engine(settings), write=False) as session:
        report = verify_integrity(session, file_store(settings))
    chain = report.chain
    if chain.ok:
        print(f"audit chain intact: {chain.events} events")
    else:
        print(f"audit chain broken: first bad event {chain.first_bad_event} "
              f"({chain.events} events verified before it): {chain.reason}")
    if report.bad_versions:
        print(f"versions checked: {report.versions_checked}, {len(report.bad_versions)} no longer match "
              "their signatures:")
        for finding in report.bad_versions:
            print(f"  {finding.ref}: {'; '.join(finding.problems)}")
    else:
        print(f"versions checked: {report.versions_checked}, all match their signatures")
    return 0 if report.ok else 1


def cmd_verify_pdf(settings: Settings, args: argparse.Namespace) -> int:
    """Validate a signed record: intact, valid and trusted against the agency's CA."""
    from pathlib import Path

    from qms.records.certificates import agency_certificate
    from qms.records.signing import validate

    path = Path(args.file)
    if not path.is_file():
        return _fail(f"{path} is not a file")
    agency = agency_certificate(settings)
    if agency is None:
        return _fail("no agency certificate is configured (QMS_SIGNING_P12, or `qms seed --demo`)")
    verdict = validate(path.read_bytes(), agency.trust_roots)
    print(f"{path}: signed={verdict.signed} intact={verdict.intact} valid={verdict.valid} "
          f"trusted={verdict.trusted} whole_file={verdict.whole_file}"
          + (f" signers={' → '.join(verdict.signers)!r}" if len(verdict.signers) > 1
             else f" signer={verdict.signer!r}" if verdict.signer else "")
          + (f" timestamp={verdict.timestamped_at.isoformat()}" if verdict.timestamped_at else ""))
    print("VALID: an unaltered record signed by the agency" if verdict.ok
          else f"NOT VALID: {verdict.problem}")
    return 0 if verdict.ok else 1


def cmd_create_admin(settings: Settings, args: argparse.Namespace) -> int:
    """The first administrator of a real installation (no demo data)."""
    from qms.seeding import create_first_admin

    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    with transaction(_engine(settings)) as session:
        create_first_admin(session, args.username, args.full_name, args.unit_code, args.unit_name,
                           password)
    print(f"qms: administrator {args.username} created")
    return 0


def cmd_run_jobs(settings: Settings, args: argparse.Namespace) -> int:
    from qms.core.jobs import run_jobs

    failed = False
    for outcome in run_jobs(_engine(settings), settings):
        print(outcome, flush=True)
        failed = failed or outcome.failed
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qms", description="ISO 9001 document control")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="upgrade the schema, then serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=cmd_serve)

    sub.add_parser("migrate", help="upgrade the database schema").set_defaults(handler=cmd_migrate)

    seed = sub.add_parser("seed", help="load the demo agency (idempotent)")
    seed.add_argument("--demo", action="store_true", help="units, users and content of the demo")
    seed.set_defaults(handler=cmd_seed)

    procedures = sub.add_parser("import-procedures", help="import procedure source files (idempotent)")
    procedures.add_argument("directory")
    procedures.set_defaults(handler=cmd_import_procedures)

    backup = sub.add_parser("backup", help="write a consistent copy of the database and stored files")
    backup.add_argument("file")
    backup.set_defaults(handler=cmd_backup)

    restore = sub.add_parser("restore", help="restore a backup into an empty data folder and database")
    restore.add_argument("file")
    restore.set_defaults(handler=cmd_restore)

    sub.add_parser("verify-audit", help="check the audit chain; exit 1 if broken").set_defaults(
        handler=cmd_verify_audit
    )

    verify_pdf = sub.add_parser("verify-pdf", help="validate a signed PDF record; exit 1 if not valid")
    verify_pdf.add_argument("file")
    verify_pdf.set_defaults(handler=cmd_verify_pdf)

    admin = sub.add_parser("create-admin", help="create the first administrator (password on stdin)")
    admin.add_argument("username")
    admin.add_argument("--full-name", default="Quản trị hệ thống")
    admin.add_argument("--unit-code", default="VP")
    admin.add_argument("--unit-name", default="Văn phòng")
    admin.set_defaults(handler=cmd_create_admin)

    sub.add_parser("run-jobs", help="do the work that is due, once").set_defaults(
        handler=cmd_run_jobs
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    restrict_umask()
    handler: Callable[[Settings, argparse.Namespace], int] = args.handler
    try:
        settings = use(load_settings())
        capabilities.plug_in()
        return handler(settings, args)
    except ConfigError as exc:
        return _fail(f"configuration error: {exc}")
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return _fail(f"cannot use the database: {reason}")
    except SQLAlchemyError as exc:
        return _fail(f"database error: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    except ValidationError as exc:
        from qms.core.forms import field_errors

        field, reason = next(iter(field_errors(exc.errors()).items()))
        return _fail(f"{field}: {reason}")
    except Exception as exc:
        from qms.core.errors import QMSError

        if isinstance(exc, QMSError):
            return _fail(exc.detail)
        raise


if __name__ == "__main__":
    sys.exit(main())
