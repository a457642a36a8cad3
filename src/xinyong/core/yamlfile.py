"""YAML reading for policy packs and calendar files: PyYAML's safe loader, through
libyaml when PyYAML was built with it (the wheels are): the same documents and errors,
about ten times faster, which every pack load (and every test that loads the pack) feels."""

from __future__ import annotations

from typing import Any

import yaml

_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    return yaml.load(text, Loader=_SAFE_LOADER)
