"""Pages of a list, and the sort keys a list accepts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    limit: int
    offset: int

    @property
    def number(self) -> int:
        return self.offset // self.limit + 1 if self.limit else 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit)) if self.limit else 1

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total


def clamp(limit: int | None, offset: int | None) -> tuple[int, int]:
    size = DEFAULT_PAGE_SIZE if not limit or limit < 1 else min(limit, MAX_PAGE_SIZE)
    return size, max(0, offset or 0)


def parse_sort(value: str | None, allowed: Sequence[str], default: str) -> tuple[str, bool]:
    """``"name"`` or ``"-name"`` → (key, descending); unknown keys fall back to the default."""
    raw = value or default
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in allowed:
        return parse_sort(default, allowed, default)
    return key, descending
