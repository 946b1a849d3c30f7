"""How a stored file is shown: its size and its kind."""

from __future__ import annotations


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def file_kind(media_type: str) -> str:
    if "wordprocessing" in media_type or "ms-word" in media_type:
        return "Word"
    if "spreadsheet" in media_type or "ms-excel" in media_type:
        return "Excel"
    if media_type == "application/pdf":
        return "PDF"
    return media_type


TEMPLATE_GLOBALS = {"file_size": file_size, "file_kind": file_kind}
