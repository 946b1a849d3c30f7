"""Third-party deprecation warnings stay away from users; qms's own still show."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from qms.core.library_warnings import QUIET_LIBRARIES


def _stderr_of(code: str) -> str:
    """Standard error of a fresh interpreter that imports qms and runs `code`.

    `-W default` shows every warning once, as a developer would ask: what stays silent
    is silenced by qms, not by Python's defaults.
    """
    script = "import warnings\nimport qms\n" + textwrap.dedent(code)
    result = subprocess.run([sys.executable, "-W", "default", "-c", script], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_importing_the_signing_libraries_prints_nothing():
    assert _stderr_of("import pyhanko.sign.signers.pdf_cms, qms.records.signing, qms.app") == ""


@pytest.mark.parametrize("library", QUIET_LIBRARIES)
def test_a_listed_library_s_deprecations_are_silent(library):
    stderr = _stderr_of(f"""
        from cryptography.utils import CryptographyDeprecationWarning
        for category in (DeprecationWarning, CryptographyDeprecationWarning):
            warnings.warn_explicit("old API", category, "lib.py", 1, module="{library}.sub")
        """)
    assert stderr == ""


@pytest.mark.parametrize("module", ["qms.documents.service", "pyhankoish", "__main__"])
def test_other_modules_deprecations_still_show(module):
    stderr = _stderr_of(f"""
        warnings.warn_explicit("old API", DeprecationWarning, "mod.py", 7, module="{module}")
        """)
    assert "DeprecationWarning: old API" in stderr


def test_a_library_s_other_warnings_still_show():
    stderr = _stderr_of("""
        warnings.warn_explicit("bad PDF", UserWarning, "lib.py", 1, module="pyhanko.pdf_utils")
        """)
    assert "UserWarning: bad PDF" in stderr
