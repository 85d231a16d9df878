"""Production settings: the documented environment passes Django's deployment checks."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from core.logging import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {  # as documented in the README, "Production settings"
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x7Qp" * 12,
    "DJANGO_ALLOWED_HOSTS": "moviesyoudidntwatch.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://moviesyoudidntwatch.com",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "DJANGO_SECURE_HSTS_PRELOAD": "true",
    "DJANGO_SECURE_COOKIES": "true",
    "DJANGO_BEHIND_TLS_PROXY": "true",
    "LOG_FORMAT": "json",
}


def check_deploy(extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DJANGO_SETTINGS_MODULE": "moviesyoudidntwatch.settings.base", **extra}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_documented_production_environment_passes_check_deploy() -> None:
    result = check_deploy(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_notices_a_missing_switch() -> None:
    result = check_deploy({**PRODUCTION, "DJANGO_SECURE_HSTS_SECONDS": "0"})
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = check_deploy({k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_static_files_and_security_headers(api_client: APIClient) -> None:
    css = api_client.get("/static/admin/css/base.css")
    assert css.status_code == 200
    response = api_client.get("/healthz")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_json_log_lines() -> None:
    record = logging.LogRecord("catalog", logging.WARNING, __file__, 1, "TMDB %s failed", ("/genre",), None)
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "catalog", "TMDB /genre failed")
