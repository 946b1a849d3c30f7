"""A section's Markdown as layout blocks: paragraphs, headings, bullet and numbered lists,
bold and italic, and pipe tables. Raw HTML is kept as the text it is."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from qms.records.layout import Block, Column, Heading, ListBlock, Paragraph, Run, Table

#: a page has room for this many readable columns; the cells of any further ones join the last
MAX_COLUMNS = 10
_parser = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def inline_runs(token: Token | None) -> list[Run]:
    """The runs of an inline token: text with bold and italic; code and links as text."""
    if token is None or not token.children:
        return [Run(token.content)] if token is not None and token.content else []
    result: list[Run] = []
    bold = italic = 0
    for child in token.children:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind in ("text", "code_inline", "html_inline"):
            if child.content:
                result.append(Run(child.content, bold=bold > 0, italic=italic > 0))
        elif kind in ("softbreak", "hardbreak"):
            result.append(Run(" " if kind == "softbreak" else "\n", bold=bold > 0, italic=italic > 0))
    return _merge(result)


def _merge(items: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in items:
        if merged and (merged[-1].bold, merged[-1].italic) == (run.bold, run.italic):
            merged[-1] = Run(merged[-1].text + run.text, bold=run.bold, italic=run.italic)
        else:
            merged.append(run)
    return merged


#: Characters of a code (capitals and digits, the widest) that the text width of a portrait page
#: holds in a table cell: the measure of the floor that keeps a column's longest word whole.
LINE_CHARS = 72
#: A word longer than this (a web address) may break: its column is not widened past this.
LONGEST_KEPT_WORD = 20


def _column_share(header: list[list[Run]], rows: list[list[list[Run]]]) -> list[float]:
    """Column widths from the length of their text, with a floor so no column is crushed and
    each column's longest word (a form code such as BM-QT01-02) fits on one line."""
    count = len(header)
    lengths, floors = [], []
    for index in range(count):
        texts = ["".join(r.text for r in cell)
                 for cell in [header[index], *(row[index] for row in rows if index < len(row))]]
        longest = max((len(text) for text in texts), default=1)
        word = max((len(w) for text in texts for w in text.split()), default=1)
        lengths.append(min(max(longest, 4), 60))
        floors.append(max(0.07, (min(word, LONGEST_KEPT_WORD) + 1.5) / LINE_CHARS))
    if sum(floors) >= 1:
        return [floor / sum(floors) for floor in floors]
    fixed: dict[int, float] = {}
    while True:  # give the floor to the columns below it, share the rest by length
        free = [i for i in range(count) if i not in fixed]
        room = 1 - sum(fixed.values())
        total = sum(lengths[i] for i in free) or 1
        shares = {i: room * lengths[i] / total for i in free}
        under = [i for i in free if shares[i] < floors[i]]
        if not under:
            return [fixed.get(i, shares.get(i, 0.0)) for i in range(count)]
        fixed.update({i: floors[i] for i in under})


def _fold(cells: list[list[Run]]) -> list[list[Run]]:
    """The cells past the last column a page can show, joined into it with " | "."""
    last: list[Run] = []
    for cell in cells[MAX_COLUMNS - 1:]:
        if cell:
            last.extend([Run(" | "), *cell] if last else cell)
    return [*cells[: MAX_COLUMNS - 1], _merge(last)]


def _table(tokens: list[Token], start: int) -> tuple[Table, int]:
    header: list[list[Run]] = []
    aligns: list[str] = []
    rows: list[list[list[Run]]] = []
    row: list[list[Run]] | None = None
    in_head = False
    index = start
    while index < len(tokens):
        token = tokens[index]
        if token.type == "table_close":
            break
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            if not in_head:
                rows.append(row)
            row = None
        elif token.type in ("th_open", "td_open"):
            style = str(token.attrs.get("style", "")) if token.attrs else ""
            cell = inline_runs(tokens[index + 1]) if tokens[index + 1].type == "inline" else []
            if in_head:
                header.append(cell)
                aligns.append("center" if "center" in style else "right" if "right" in style else "left")
            elif row is not None:
                row.append(cell)
        index += 1
    width = len(header)
    rows = [(r + [[] for _ in range(width)])[:width] for r in rows]
    if width > MAX_COLUMNS:
        header, aligns = _fold(header), aligns[:MAX_COLUMNS]
        rows = [_fold(row) for row in rows]
    shares = _column_share(header, rows)
    columns = [Column("".join(r.text for r in cell), share, align)  # type: ignore[arg-type]
               for cell, share, align in zip(header, shares, aligns, strict=True)]
    return Table(columns=columns, rows=rows), index


def markdown_blocks(text: str, *, heading_offset: int = 1) -> list[Block]:
    """Blocks of one section; ``## x`` inside a section becomes a level-2 heading and so on."""
    tokens = _parser.parse(text or "")
    blocks: list[Block] = []
    list_stack: list[ListBlock] = []
    item_runs: list[Run] | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1:])
            blocks.append(Heading("".join(r.text for r in inline_runs(tokens[index + 1])),
                                  level=min(max(level - heading_offset, 2), 3)))
            index += 2
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1)) if token.attrs else 1
            block = ListBlock(items=[], ordered=kind == "ordered_list_open", start=start,
                              level=len(list_stack))
            list_stack.append(block)
            blocks.append(block)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif kind == "list_item_open":
            item_runs = []
            list_stack[-1].items.append(item_runs)
        elif kind == "list_item_close":
            item_runs = None
        elif kind == "inline" and list_stack and item_runs is not None:
            if item_runs:
                item_runs.append(Run(" "))
            item_runs.extend(inline_runs(token))
        elif kind == "inline":
            content = inline_runs(token)
            if content:
                blocks.append(Paragraph(content, indent=0.0))
        elif kind in ("fence", "code_block"):
            blocks.append(Paragraph([Run(token.content.rstrip("\n"))], align="left"))
        elif kind == "table_open":
            table, index = _table(tokens, index)
            blocks.append(table)
        index += 1
    return blocks
