"""Audit the locked dependencies for known vulnerabilities with pip-audit.

    python scripts/audit_deps.py requirements/run.lock requirements/dev.lock [--ignore-vuln ID]

Each lock file is audited as written (its pins and hashes, no resolution: ``--require-hashes
--disable-pip``) against the PyPI advisory database. Every vulnerability found is listed.
Exit 1 when one has a fixed version (take it: raise the pin and `make lock`); a
vulnerability with no fix yet is reported and does not fail the run. Exit 2 when a pin
could not be audited at all (the advisory service unreachable): an audit that could not
look is no pass, and says so apart from a finding, so that CI on a machine without the
advisory service reports it instead of failing every run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    vuln_id: str
    aliases: tuple[str, ...]
    fix_versions: tuple[str, ...]

    def line(self) -> str:
        also = f" ({', '.join(self.aliases)})" if self.aliases else ""
        fix = f"fixed in {', '.join(self.fix_versions)}" if self.fix_versions else "no fix released yet"
        return f"{self.package} {self.version}: {self.vuln_id}{also}, {fix}"


@dataclass
class Outcome:
    audited: int = 0
    findings: list[Finding] = field(default_factory=list)
    unaudited: list[str] = field(default_factory=list)

    @property
    def fixable(self) -> list[Finding]:
        return [f for f in self.findings if f.fix_versions]


def read_report(report: dict[str, Any]) -> Outcome:
    """What one pip-audit JSON report says: findings, and the pins it could not look up."""
    outcome = Outcome()
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            outcome.unaudited.append(dependency["skip_reason"])
            continue
        outcome.audited += 1
        for vuln in dependency.get("vulns", []):
            outcome.findings.append(Finding(
                package=dependency["name"], version=dependency.get("version", "?"), vuln_id=vuln["id"],
                aliases=tuple(vuln.get("aliases", [])), fix_versions=tuple(vuln.get("fix_versions", [])),
            ))
    return outcome


def run_pip_audit(lock: Path, ignored: list[str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "pip_audit", "--require-hashes", "--disable-pip",
               "--requirement", str(lock), "--format", "json", "--aliases", "on", "--desc", "off",
               "--progress-spinner", "off"]
    for vuln_id in ignored:
        command += ["--ignore-vuln", vuln_id]
    # pip-audit exits 1 when it finds anything; the JSON on stdout says what.
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        print(f"audit-deps: pip-audit could not audit {lock} (exit {done.returncode}):\n{tail}",
              file=sys.stderr)
        raise SystemExit(2) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("locks", nargs="+", type=Path)
    parser.add_argument("--ignore-vuln", action="append", default=[], metavar="ID",
                        help="a vulnerability judged not to apply (say why where the option is set)")
    args = parser.parse_args(argv)
    seen: set[Finding] = set()
    failed = unaudited = False
    for lock in args.locks:
        outcome = read_report(run_pip_audit(lock, args.ignore_vuln))
        findings = [f for f in outcome.findings if f not in seen]
        seen.update(findings)
        print(f"audit-deps: {lock}: {outcome.audited} pins audited, "
              f"{len(outcome.findings)} known vulnerabilities "
              f"({len(outcome.fixable)} with a fix)")
        for finding in findings:
            mark = "FIX AVAILABLE" if finding.fix_versions else "no fix yet  "
            print(f"  {mark}  {finding.line()}")
        if outcome.unaudited:
            print(f"audit-deps: {lock}: {len(outcome.unaudited)} pins could NOT be audited, e.g.:")
            for reason in outcome.unaudited[:5]:
                print(f"  {reason}")
            unaudited = True
        failed = failed or bool(outcome.fixable)
    if failed:
        print("audit-deps: FAILED: raise the pins that have a fix (pyproject.toml, then make lock)")
        return 1
    if unaudited:
        print("audit-deps: NOT AUDITED: the advisory data of these pins could not be looked up")
        return 2
    print("audit-deps: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
