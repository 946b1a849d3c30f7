"""Two app processes on one database behave as one app: a session opened on one works
on the other, and a stale edit sent to the second process after a save on the first
is refused. Each process is the real `qms serve`."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
from test_crash_safety import _free_port, _start, _token, server_env  # noqa: F401 (fixture)


def test_two_processes_share_sessions_and_refuse_lost_updates(server_env, tmp_path):  # noqa: F811
    seeded = subprocess.run([sys.executable, "-m", "qms.cli", "seed", "--demo"], env=server_env,
                            capture_output=True, text=True, timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    ports = [_free_port(), _free_port()]
    servers = [_start(server_env, port, tmp_path / f"server-{port}.log") for port in ports]
    first, second = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        iso = _token(first, "iso")
        assert httpx.get(f"{second}/api/v1/me", headers=iso).json()["username"] == "iso"

        created = httpx.post(f"{first}/api/v1/documents", headers=iso, json={
            "code": "QT-77", "title": "Quy trình dùng chung", "kind": "procedure", "owner_unit": "VP"})
        assert created.status_code == 201
        etag = httpx.get(f"{second}/api/v1/documents/QT-77/versions/1", headers=iso).json()["etag"]

        def save(base: str, text: str) -> int:
            return httpx.patch(f"{base}/api/v1/documents/QT-77/versions/1",
                               headers={**iso, "If-Match": etag},
                               json={"sections": {"purpose": text}}, timeout=30).status_code

        with ThreadPoolExecutor(2) as pool:
            codes = sorted(pool.map(save, [first, second], ["Bản của máy 1", "Bản của máy 2"]))
        assert codes == [200, 409], "exactly one of two concurrent saves with the same etag wins"
        saved = httpx.get(f"{first}/api/v1/documents/QT-77/versions/1", headers=iso).json()
        assert saved["sections"]["purpose"] in ("Bản của máy 1", "Bản của máy 2")
        verify = httpx.get(f"{second}/api/v1/audit/verify", headers=_token(second, "danhgia")).json()
        assert verify["ok"] is True
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
