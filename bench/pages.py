"""Load on the busiest pages with wrk, next to a bare page of the same table.

    python -m bench.pages [--url DATABASE_URL] [--seconds 8] [--workers 1]

Builds the large agency (bench.dataset) in a scratch folder unless --url names a database
that already has it, serves it with `qms serve`, signs in, and runs wrk at 16
and 64 connections on each page. Prints requests per second, p50 and p99 latency, and the
ratio to the bare FastAPI + Jinja2 page measured in the same run (served with as many
worker processes as the app: ``--workers``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.dataset import PASSWORD, build
from qms import capabilities
from qms.core.db import make_engine

PAGES = {
    "document list": ("nhanvien1", "/documents"),
    "document list, 2nd page sorted": ("iso", "/documents?sort=-effective_date&page=2"),
    "search": ("nhanvien1", "/documents?q=ho+so"),
    "document page": ("nhanvien1", "/documents/QT-0042"),
    "home (reading list first)": ("nhanvien1", "/"),
    "reading list": ("nhanvien1", "/reading"),
    "acknowledgement dashboard": ("iso", "/distribution"),
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def _session_cookie(base: str, username: str) -> str:
    with httpx.Client(base_url=base) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def _wrk(url: str, connections: int, seconds: int, cookie: str | None) -> tuple[float, float, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} error responses")

    def percentile(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return rps, percentile("50"), percentile("99")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a database that already holds the bench dataset")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="processes for the app and the bare page")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    scratch = Path(tempfile.mkdtemp(prefix="qms-bench-"))
    url = args.url or f"sqlite:///{scratch / 'qms.sqlite3'}"
    if not args.url:
        capabilities.plug_in()
        print("building the dataset:", build(make_engine(url)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("QMS_")}
    env.update({"QMS_DATA_DIR": str(scratch), "QMS_DATABASE_URL": url, "QMS_SECRET_KEY": "bench"})
    app_port, bare_port = _free_port(), _free_port()
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "qms.cli", "serve", "--port", str(app_port),
             "--workers", str(args.workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.bare_app:app",
                "--port",
                str(bare_port),
                "--log-level",
                "warning",
                "--workers",
                str(args.workers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
        ),
    ]
    try:
        base = f"http://127.0.0.1:{app_port}"
        _wait(base + "/healthz")
        _wait(f"http://127.0.0.1:{bare_port}/")
        cookies = {user: _session_cookie(base, user) for user, _path in PAGES.values()}
        print("\none process each" if args.workers == 1 else f"\n{args.workers} worker processes each")
        print(f"\n{'page':34} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8}")
        for connections in (16, 64):
            bare, b50, b99 = _wrk(f"http://127.0.0.1:{bare_port}/", connections, args.seconds, None)
            label = "bare FastAPI+Jinja2 table"
            print(f"{label:34} {connections:>5} {bare:>8.0f} {b50:>8.1f} {b99:>8.1f} {'1.00':>8}")
            for name, (user, path) in PAGES.items():
                rps, p50, p99 = _wrk(base + path, connections, args.seconds, cookies[user])
                print(f"{name:34} {connections:>5} {rps:>8.0f} {p50:>8.1f} {p99:>8.1f} {rps / bare:>8.2f}")
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
