"""Every user-facing string is marked, and the English catalogue translates all of them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

from xinyong.core.audit import action_labels

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "xinyong"
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _catalogue() -> polib.POFile:
    return polib.pofile(str(CATALOGUE))


def test_every_message_has_an_english_translation():
    def translated(entry: polib.POEntry) -> bool:
        if entry.msgid_plural:
            return all(entry.msgstr_plural.values()) and bool(entry.msgstr_plural)
        return bool(entry.msgstr)

    untranslated = [entry.msgid for entry in _catalogue() if not translated(entry) or entry.fuzzy]
    assert untranslated == []


def test_the_catalogue_holds_every_marked_string_in_the_source(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: `make system-deps` installs gettext")
    copy = tmp_path / "xinyong"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("migrations", "*.mo"))
    # Without settings, makemessages scans the current folder only: the copy.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "-v", "0"],
        cwd=copy,
        check=True,
        env=env,
    )
    fresh = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = sorted({e.msgid for e in fresh if not e.obsolete} - {e.msgid for e in _catalogue()})
    assert missing == [], "run `make catalogue` and translate the new strings"


def test_every_audit_action_has_an_english_label():
    with translation.override("en"):
        for code, label in action_labels().items():
            text = str(label)
            assert text and not any("\u4e00" <= ch <= "\u9fff" for ch in text), code
