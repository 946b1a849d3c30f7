"""What qms writes is readable by its own user only: files 0600, folders 0700.

The data folder holds the database, the keys, the stored files of the library and the
records, and backups hold all of them: another account on the host has no business reading
any of it. :func:`restrict_umask` runs at startup (``qms`` commands and ``create_app``) so
that whatever a library creates is private too; the places that write files also ask for
the modes themselves, so that they hold under a server that set a looser umask later.
"""

from __future__ import annotations

import os
from pathlib import Path

UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700


def restrict_umask() -> None:
    os.umask(UMASK)


def private_dir(path: Path) -> Path:
    """``mkdir -p`` giving 0700 to each folder it creates; folders already there are left alone."""
    missing: list[Path] = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)
    return path


def private_file(path: Path) -> None:
    """Create ``path`` empty and 0600 if missing; make an existing one 0600 if it is ours.
    A missing folder or a file of another account is left for the caller to report.

    An existing file is never opened: closing any descriptor of a file drops every POSIX
    lock the process holds on it, and SQLite's locks on an open database are such locks."""
    try:
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        elif path.stat().st_mode & 0o077:
            os.chmod(path, FILE_MODE)
    except OSError:
        pass
