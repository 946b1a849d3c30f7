"""Where the project's non-Python resources live.

In a source checkout (or an editable install) templates, migrations, seed data and
procedures sit beside the package; a built wheel carries them inside the package
under ``_bundled``.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
_BUNDLED = PACKAGE_DIR / "_bundled"
_ROOT = _BUNDLED if _BUNDLED.is_dir() else PACKAGE_DIR.parent

TEMPLATES_DIR = _ROOT / "templates"
MIGRATIONS_DIR = _ROOT / "migrations"
SEED_DIR = _ROOT / "seed"
PROCEDURES_DIR = _ROOT / "procedures"
STATIC_DIR = PACKAGE_DIR / "static"
LOCALE_DIR = PACKAGE_DIR / "locale"
