"""deploy/prometheus/prometheus.yml: `promtool check config` (Debian's prometheus package) when installed, and
always its structure against the compose file: every API replica with the metrics token, ingest and alert
engines on their metrics port, every 15 s."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.support import (
    PROMETHEUS_CONFIG,
    compose,
    environment,
    load_yaml,
    scrape_config_with_token_file,
    services,
    tool,
)

PROMTOOL = tool("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool is not installed (apt-get install --no-install-recommends prometheus)"
)


def jobs() -> dict[str, dict[str, Any]]:
    return {job["job_name"]: job for job in load_yaml(PROMETHEUS_CONFIG)["scrape_configs"]}


def targets(job: dict[str, Any]) -> list[tuple[str, int]]:
    """(host, port) of each static target and DNS name of a job."""
    found = [
        (host, int(port))
        for static in job.get("static_configs", [])
        for host, port in (target.rsplit(":", 1) for target in static["targets"])
    ]
    for dns in job.get("dns_sd_configs", []):
        assert dns.get("type", "SRV") == "A", "Docker's DNS answers A records"
        found += [(name, int(dns["port"])) for name in dns["names"]]
    return found


def promtool_check(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL
    config = tmp_path / "prometheus.yml"
    config.write_text(text)
    return subprocess.run(
        [PROMTOOL, "check", "config", str(config)], capture_output=True, text=True, timeout=30
    )


@needs_promtool
def test_promtool_accepts_the_configuration(tmp_path: Path) -> None:
    """promtool checks that the token file exists: here it is a file of the test's."""
    token = tmp_path / "metrics_token"
    token.write_text("metrics-token\n")
    result = promtool_check(tmp_path, scrape_config_with_token_file(token))
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_would_reject_a_broken_configuration(tmp_path: Path) -> None:
    token = tmp_path / "metrics_token"
    token.write_text("metrics-token\n")
    broken = scrape_config_with_token_file(token).replace("type: Bearer", "type: Bearer\n      password: x")
    assert promtool_check(tmp_path, broken).returncode != 0


def test_every_process_with_metrics_is_scraped_every_15_seconds() -> None:
    config = load_yaml(PROMETHEUS_CONFIG)
    assert config["global"]["scrape_interval"] == "15s"
    assert all(job.get("scrape_interval", "15s") == "15s" for job in jobs().values())
    assert {"api", "ingest", "alerts"} <= set(jobs())
    for name, job in jobs().items():
        for host, _ in targets(job):
            assert host == "localhost" or host in services(), f"{name}: {host} is not a compose service"


def test_each_api_replica_is_scraped_with_the_token() -> None:
    api = jobs()["api"]
    assert targets(api) == [("api", 8000)]
    assert [dns["type"] for dns in api["dns_sd_configs"]] == ["A"], "one target per replica, not one name"
    assert api.get("metrics_path", "/metrics") == "/metrics"
    assert api["authorization"]["type"] == "Bearer"
    token_file = api["authorization"]["credentials_file"]
    # The file is the compose secret made from the variable the API processes check.
    prometheus_secrets = services()["prometheus"]["secrets"]
    mounted = {
        (s if isinstance(s, str) else s["source"]): (
            s if isinstance(s, str) else s.get("target", s["source"])
        )
        for s in prometheus_secrets
    }
    [(secret, target)] = [(name, target) for name, target in mounted.items() if token_file.endswith(target)]
    assert token_file == (target if target.startswith("/") else f"/run/secrets/{target}")
    assert compose()["secrets"][secret] == {"environment": "CRYPTOMON_METRICS_TOKEN"}
    assert environment("api")["CRYPTOMON_METRICS_TOKEN"].startswith("${CRYPTOMON_METRICS_TOKEN:?")


@pytest.mark.parametrize("service", ["ingest", "alerts"])
def test_ingest_and_alert_engines_are_scraped_on_their_metrics_port(service: str) -> None:
    job = jobs()[service]
    port = int(environment(service)["CRYPTOMON_METRICS_PORT"])
    assert targets(job) == [(service, port)]
    assert "authorization" not in job, "their metrics port is plain (the project's network only)"
    assert not any(p for p in services()[service].get("ports", [])), "and never published"
