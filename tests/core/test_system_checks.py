from __future__ import annotations

import base64
import os
import subprocess
import sys

from xinyong.core.checks import check_data_key, check_debug_exposure, check_secret_key


def test_it_reports_a_short_data_key_with_a_stable_id(settings):
    settings.XINYONG_DATA_KEY = base64.b64encode(b"too short").decode()
    errors = check_data_key()
    assert [error.id for error in errors] == ["xinyong.E002"]
    assert "32 bytes" in errors[0].msg


def test_it_reports_a_data_key_that_is_not_base64(settings):
    settings.XINYONG_DATA_KEY = "not base64!"
    assert [error.id for error in check_data_key()] == ["xinyong.E002"]


def test_it_accepts_the_test_keys():
    assert check_data_key() == []
    assert check_secret_key() == []


def test_it_warns_when_debug_meets_public_hosts(settings):
    settings.DEBUG, settings.ALLOWED_HOSTS = True, ["credit.example.gov.cn"]
    assert [warning.id for warning in check_debug_exposure()] == ["xinyong.W001"]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "xinyong", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def test_the_console_script_refuses_to_start_without_keys(tmp_path):
    result = _run(
        "check", XINYONG_VAR_DIR=str(tmp_path), XINYONG_SECRET_KEY="", XINYONG_DATA_KEY=""
    )
    assert result.returncode != 0
    assert "xinyong.E001" in result.stderr and "xinyong.E002" in result.stderr


def test_the_console_script_reports_a_bad_setting_in_one_line(tmp_path):
    result = _run("check", XINYONG_VAR_DIR=str(tmp_path), XINYONG_DEBUG="sometimes")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "配置错误 / configuration error: XINYONG_DEBUG='sometimes': expected true or false"
    )


def test_keys_init_creates_keys_the_checks_accept_and_never_overwrites(tmp_path):
    env = {"XINYONG_VAR_DIR": str(tmp_path), "XINYONG_SECRET_KEY": "", "XINYONG_DATA_KEY": ""}
    first = _run("keys", "init", **env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("created") == 2
    data_key = (tmp_path / "data.key").read_text()
    assert (tmp_path / "data.key").stat().st_mode & 0o777 == 0o600
    again = _run("keys", "init", **env)
    assert again.stdout.count("kept") == 2
    assert (tmp_path / "data.key").read_text() == data_key
    assert data_key.strip() not in first.stdout + again.stdout
    assert _run("check", **env).returncode == 0
