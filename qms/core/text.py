"""What no text sent by a user may contain, whatever the field."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from qms.core.i18n import _

# C0 control characters but tab, line feed and carriage return, and DEL. Nobody types them,
# and the stores and formats text goes to refuse them: PostgreSQL a NUL, Word's XML any of
# them (a stored one made every DOCX of the document fail).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise ValueError(_("Must not contain control characters (invisible characters such as NUL)."))
    return value


# Free text that is stored: titles, sections, steps, comments, reasons, notes.
Text = Annotated[str, AfterValidator(without_control_characters)]
