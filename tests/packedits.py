"""Changing a copy of the Yunnan pack in a test (the `pack_copy` fixture of
tests/conftest.py) and reading what the loader says about it."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinyong.policy.reader import PackInvalid, read_pack


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file by `new`; `old` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(pack: Path) -> list[str]:
    """Every problem the reader finds in the pack (it must find one)."""
    with pytest.raises(PackInvalid) as error:
        read_pack(pack)
    return [str(problem) for problem in error.value.problems]
