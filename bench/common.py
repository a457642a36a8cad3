"""Pieces every benchmark prints with."""

from __future__ import annotations

from collections.abc import Sequence


def format_table(lines: Sequence[Sequence[str]], left: int = 1) -> str:
    """A plain-text table: the first line is the header, the first `left` columns
    left-aligned, the others right-aligned (they hold figures)."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    text = [
        "  ".join(
            cell.ljust(width) if i < left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    ]
    text.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(text)
