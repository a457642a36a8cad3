"""The `xinyong` console script: Django's management commands under one name.

`xinyong migrate`, `xinyong policy load DIR`, `xinyong id check …` all run here. A bad
setting is reported as one clear line, not a traceback.
"""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "xinyong"
    if len(args) > 1 and not args[1].startswith("-"):
        # Commands are spelt with hyphens (`xinyong demo-data`); their modules cannot be.
        args[1] = args[1].replace("-", "_")
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"配置错误 / configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
