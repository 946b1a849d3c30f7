"""Row operations of the steps table being edited: the same rules for the htmx editor and for
the plain form posted without JavaScript. Nothing here saves; the draft is saved as a whole."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qms.documents.schemas import Step

#: Step labels the editor numbers itself ("B1", "B2" … or blank); others are left as typed.
_AUTO_LABEL = re.compile(r"^(B\d+)?$")
OPERATIONS = ("add", "remove", "up", "down")


@dataclass(frozen=True)
class Focus:
    """Where the keyboard goes after an operation: the row and which of its controls, so that
    pressing "move up" again keeps moving the same step."""

    row: int
    control: str  # "up", "down", "remove", "field" (the row's first text field) or "add"


@dataclass(frozen=True)
class Edited:
    """The rows after an operation, where the keyboard goes, and for each row the index it had
    before (None for a new row): the editor carries text typed while the request was on its way
    into the row it was typed in."""

    steps: list[Step]
    focus: Focus | None
    origins: list[int | None]


def apply(steps: list[Step], op: str) -> Edited:
    """Apply ``op`` ("add", "add:2", "remove:1", "up:3", "down:0") to a copy of ``steps``;
    an unknown operation or an index out of range changes nothing."""
    operation, _sep, raw_index = op.partition(":")
    index = int(raw_index) if raw_index.isdigit() else -1
    rows: list[tuple[int | None, Step]] = list(enumerate(steps))
    focus: Focus | None = None
    if operation == "add":
        position = index + 1 if 0 <= index < len(rows) else len(rows)
        rows.insert(position, (None, Step(step=f"B{len(rows) + 1}")))
        focus = Focus(position, "field")
    elif operation == "remove" and 0 <= index < len(rows):
        rows.pop(index)
        focus = Focus(min(index, len(rows) - 1), "field") if rows else Focus(0, "add")
    elif operation == "up" and 0 < index < len(rows):
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
        focus = Focus(index - 1, "up" if index - 1 > 0 else "down")
    elif operation == "down" and 0 <= index < len(rows) - 1:
        rows[index + 1], rows[index] = rows[index], rows[index + 1]
        focus = Focus(index + 1, "down" if index + 1 < len(rows) - 1 else "up")
    result = [step for _origin, step in rows]
    if all(_AUTO_LABEL.match(step.step) for step in result):
        result = [step.model_copy(update={"step": f"B{n}"}) for n, step in enumerate(result, start=1)]
    return Edited(result, focus, [origin for origin, _step in rows])
