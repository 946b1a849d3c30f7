"""Differences between two revisions: the signed details, word by word in sections, row by row
in steps."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from qms.documents.models import SECTIONS, Version
from qms.documents.schemas import Step

#: Runs of whitespace, words, and single punctuation marks: "cửa." and "cửa" share the word.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class SectionDiff:
    section: str
    changed: bool
    ops: list[dict[str, str]] = field(default_factory=list)


@dataclass
class StepDiff:
    op: str  # equal | insert | delete | replace
    old: dict[str, str] | None
    new: dict[str, str] | None


@dataclass(frozen=True)
class DetailChange:
    """A detail signed with each revision (title, kind, owner unit, confidentiality) that differs."""

    field: str
    old: str
    new: str


@dataclass
class VersionDiff:
    revision: int
    against: int
    sections: list[SectionDiff]
    steps: list[StepDiff]
    details: list[DetailChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return (bool(self.details) or any(s.changed for s in self.sections)
                or any(s.op != "equal" for s in self.steps))


def details_diff(old: Version, new: Version, unit_codes: Mapping[int, str]) -> list[DetailChange]:
    """The signed details that changed, the owner unit named by its code."""
    def values(version: Version) -> dict[str, str]:
        unit = unit_codes.get(version.owner_unit_id, "") if version.owner_unit_id is not None else ""
        return {"title": version.title, "kind": version.kind, "owner_unit": unit,
                "confidentiality": version.confidentiality}

    before, after = values(old), values(new)
    return [DetailChange(name, before[name], after[name]) for name in before if before[name] != after[name]]


def word_diff(old: str, new: str) -> list[dict[str, str]]:
    """Runs of equal, deleted and inserted text; whitespace kept so the text reads as written.

    A space between two changed words belongs to the change, so that replacing "tài liệu"
    by "hồ sơ" reads as one deletion and one insertion rather than word by word.
    """
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    chunks: list[tuple[str, str, str]] = [(tag, "".join(a[i1:i2]), "".join(b[j1:j2])) for tag, i1, i2, j1, j2
              in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]
    merged: list[tuple[str, str, str]] = []
    for index, (tag, before, after) in enumerate(chunks):
        between_changes = (0 < index < len(chunks) - 1 and chunks[index - 1][0] != "equal"
                           and chunks[index + 1][0] != "equal")
        if tag == "equal" and between_changes and not before.strip():
            tag = "replace"
        if tag != "equal" and merged and merged[-1][0] != "equal":
            _tag, earlier_before, earlier_after = merged.pop()
            tag, before, after = "replace", earlier_before + before, earlier_after + after
        merged.append((tag, before, after))
    ops: list[dict[str, str]] = []
    for tag, before, after in merged:
        if tag == "equal":
            ops.append({"op": "equal", "text": before})
            continue
        if before:
            ops.append({"op": "delete", "text": before})
        if after:
            ops.append({"op": "insert", "text": after})
    return ops


def steps_diff(old: list[Step], new: list[Step]) -> list[StepDiff]:
    a = [tuple(s.model_dump().values()) for s in old]
    b = [tuple(s.model_dump().values()) for s in new]
    result: list[StepDiff] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            result += [StepDiff("equal", old[i].model_dump(), new[j].model_dump())
                       for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
        elif tag == "replace":
            pairs = list(zip(range(i1, i2), range(j1, j2), strict=False))
            result += [StepDiff("replace", old[i].model_dump(), new[j].model_dump()) for i, j in pairs]
            result += [StepDiff("delete", old[i].model_dump(), None) for i in range(i1 + len(pairs), i2)]
            result += [StepDiff("insert", None, new[j].model_dump()) for j in range(j1 + len(pairs), j2)]
        elif tag == "delete":
            result += [StepDiff("delete", old[i].model_dump(), None) for i in range(i1, i2)]
        else:
            result += [StepDiff("insert", None, new[j].model_dump()) for j in range(j1, j2)]
    return result


def diff_versions(old: Version, old_steps: list[Step], new: Version, new_steps: list[Step],
                  unit_codes: Mapping[int, str] | None = None) -> VersionDiff:
    sections = []
    for name in SECTIONS:
        before, after = getattr(old, name), getattr(new, name)
        changed = before != after
        sections.append(SectionDiff(name, changed, word_diff(before, after) if changed else []))
    return VersionDiff(new.revision, old.revision, sections, steps_diff(old_steps, new_steps),
                       details_diff(old, new, unit_codes or {}))
