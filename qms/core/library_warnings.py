"""Deprecation warnings of third-party libraries, kept away from the people running qms.

A library that warns about its own use of another one (pyHanko importing cryptography's
DSA key class, say) tells its maintainers something; printed on every start of the `qms`
command it reads like a fault to an administrator, who can do nothing about it. The
warnings are silenced for the libraries named here only: a deprecation raised from
qms's own code still shows, and the test suite keeps them visible where it asks to.
The lock file decides which versions are installed; `make lock` and the CI check of the
newest allowed versions show what a refresh would change.
"""

from __future__ import annotations

import re
import warnings

#: Top-level packages whose deprecation warnings are theirs to resolve, not the user's.
QUIET_LIBRARIES = (
    "pyhanko",
    "pyhanko_certvalidator",
    "asn1crypto",
    "oscrypto",
    "reportlab",
    "docx",
    "uvicorn",
    "starlette",
)


def silence_library_deprecations() -> None:
    """Ignore deprecation warnings raised from inside `QUIET_LIBRARIES`, and only those."""
    from cryptography.utils import CryptographyDeprecationWarning

    names = "|".join(re.escape(name) for name in QUIET_LIBRARIES)
    module = rf"({names})(\..*)?\Z"
    for category in (DeprecationWarning, PendingDeprecationWarning, CryptographyDeprecationWarning):
        warnings.filterwarnings("ignore", category=category, module=module)
