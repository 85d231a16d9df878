"""The full stack's files: a compose file that validates, health checks, and an image that is not root."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_stack_has_every_service_with_health_checks() -> None:
    services = compose()["services"]
    assert {"web", "worker", "beat", "db", "redis", "setup"} <= set(services)
    for name in ("web", "worker", "db", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "load_catalog --if-empty" in services["setup"]["command"]
    assert "train_recommender --if-needed" in services["setup"]["command"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["setup"]["condition"] == "service_completed_successfully"
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()


def test_image_runs_as_a_non_root_user() -> None:
    lines = [line.split() for line in (ROOT / "Dockerfile").read_text().splitlines() if line.strip()]
    users = [words[1] for words in lines if words[0] == "USER"]
    assert users
    assert users[-1] not in ("root", "0")


@pytest.mark.skipif(not (shutil.which("docker-compose") or shutil.which("docker")), reason="no docker client")
def test_compose_config_validates() -> None:
    command = ["docker-compose"] if shutil.which("docker-compose") else ["docker", "compose"]
    probe = subprocess.run([*command, "version"], capture_output=True, text=True, timeout=60, check=False)
    if probe.returncode != 0:
        pytest.skip("docker client without the compose plugin")
    env = {**os.environ, "DJANGO_SECRET_KEY": "x" * 60}
    result = subprocess.run(
        [*command, "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
