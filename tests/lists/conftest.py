from __future__ import annotations

from pathlib import Path


def drop_basis(path: Path, code: str) -> None:
    """Remove the `basis:` block of the item with this code."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- code: {code}")
    at = next(i for i in range(start, len(lines)) if lines[i].strip() == "basis:")
    end = at + 1
    while lines[end].startswith(" " * (len(lines[at]) - len(lines[at].lstrip()) + 2)):
        end += 1
    path.write_text("".join(lines[:at] + lines[end:]), encoding="utf-8")
