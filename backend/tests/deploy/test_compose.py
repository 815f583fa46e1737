"""deploy/docker-compose.yml: valid against the Compose Specification's schema (no container engine runs
here), and what a user relies on: health checks, one public port, two API replicas, files that exist, pinned
images, and settings the processes accept."""

from __future__ import annotations

import copy
import ipaddress
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from app.config import Settings
from tests.deploy.support import COMPOSE_FILE, DEPLOY, compose, environment, long_running, services

SCHEMA = Path(__file__).with_name("compose-spec.json")  # see PROVENANCE.md
# Go's time.ParseDuration, which compose applies to health check intervals (the schema only says "string").
GO_DURATION = re.compile(r"^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+)$")
# What the compose file's required variables would hold (the values only have to be of the right shape).
VARIABLES = {
    "POSTGRES_PASSWORD": "a1b2c3d4",
    "CRYPTOMON_SECRET_KEY": "s" * 64,
    "CRYPTOMON_METRICS_TOKEN": "metrics-token",
}
APP_SERVICES = ("api", "worker", "ingest", "alerts")


@cache
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def schema_errors(document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator().iter_errors(document)
    ]


def interpolate(value: str) -> str:
    """Compose's interpolation of ${NAME}, ${NAME:-default}, ${NAME:?error} and $$, with VARIABLES set."""

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if name in VARIABLES:
            return VARIABLES[name]
        assert op != ":?", f"{name} is required but has no value in this test"
        return arg if op == ":-" else ""

    return re.sub(r"\$\$|\$\{(\w+)(?:(:[-?])([^}]*))?\}", one, value)


def published(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(host address, container port) of each published port; "" = every interface of the host."""
    result = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            if "published" in port:
                result.append((port.get("host_ip", ""), str(port["target"])))
            continue
        parts = str(port).rsplit(":", 2)
        if len(parts) == 1:  # "80": a random port of the host, every interface
            result.append(("", parts[0]))
        else:
            result.append((parts[0] if len(parts) == 3 else "", parts[-1]))
    return result


def test_the_compose_file_follows_the_compose_specification() -> None:
    assert schema_errors(compose()) == []


def test_the_schema_check_catches_mistakes() -> None:
    """The validation is not vacuous: a misspelt key and a value out of an enumeration are both reported."""
    document = copy.deepcopy(compose())
    document["services"]["api"]["healtcheck"] = document["services"]["api"].pop("healthcheck")
    document["services"]["worker"]["depends_on"]["migrate"]["condition"] = "service_done"
    errors = schema_errors(document)
    assert any("healtcheck" in error for error in errors), errors
    assert any("service_done" in error for error in errors), errors


def test_every_long_running_service_has_a_health_check() -> None:
    one_shot = {name for name, service in services().items() if not long_running(service)}
    assert one_shot == {"migrate"}
    for name, service in services().items():
        if name in one_shot:
            continue
        check = service.get("healthcheck")
        assert check and not check.get("disable"), f"{name} has no health check"
        assert check["test"][0] in ("CMD", "CMD-SHELL") and len(check["test"]) > 1, name
        assert check.get("interval") and check.get("timeout"), f"{name}: an interval and a timeout"
        for key in ("interval", "timeout", "start_period", "start_interval"):
            if key in check:
                assert GO_DURATION.match(check[key]), f"{name}: {key} {check[key]!r} is not a duration"


def test_every_process_of_the_cluster_runs() -> None:
    commands = {name: " ".join(service.get("command", [])) for name, service in services().items()}
    for name, command in {
        "migrate": "cryptomon migrate",
        "api": "cryptomon serve",
        "worker": "cryptomon worker",
        "beat": "cryptomon beat",
        "ingest": "cryptomon ingest",
        "alerts": "cryptomon alerts",
    }.items():
        assert commands[name].startswith(command), name
    assert "--no-migrate" in commands["api"]
    for name in ("api", "worker", "beat", "ingest", "alerts"):
        assert services()[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services()["beat"].get("deploy", {}).get("replicas", 1) == 1, "exactly one beat"
    assert services()["ingest"].get("deploy", {}).get("replicas", 1) == 1, "exactly one ingest"


def test_only_the_proxy_is_open_to_the_network() -> None:
    public, local = set(), set()
    for name, service in services().items():
        for host, _ in published(service):
            (local if host in ("127.0.0.1", "::1", "[::1]") else public).add(name)
    assert public == {"nginx"}
    assert local <= {"grafana", "prometheus"}
    assert published(services()["nginx"]) == [("", "80")]


def test_the_api_runs_two_replicas_behind_nginx() -> None:
    api = services()["api"]
    assert api["deploy"]["replicas"] == 2
    assert "ports" not in api and "container_name" not in api  # both would stop a second replica
    assert services()["nginx"]["depends_on"]["api"]["condition"] == "service_healthy"
    assert "/health/ready" in " ".join(api["healthcheck"]["test"])


def test_every_file_the_compose_file_mounts_exists() -> None:
    mounted = 0
    for name, service in services().items():
        build = service.get("build")
        if build:
            context = (DEPLOY / build["context"]).resolve()
            assert (context / build["dockerfile"]).is_file(), name
        for volume in service.get("volumes", []):
            source = volume["source"] if isinstance(volume, dict) else volume.split(":", 1)[0]
            if source.startswith((".", "/")):
                assert (DEPLOY / source).resolve().exists(), (
                    f"{name} mounts {source}, which is not in the repo"
                )
                mounted += 1
    for section in ("configs", "secrets"):
        for entry in compose().get(section, {}).values():
            if "file" in entry:
                assert (DEPLOY / entry["file"]).exists(), entry
    assert mounted >= 5  # nginx (2), Prometheus (1), Grafana (2)


def test_the_images_are_pinned() -> None:
    for name, service in services().items():
        if "build" in service:
            continue
        image = service["image"]
        assert ":" in image.rsplit("/", 1)[-1], f"{name}: {image} has no tag"
        tag = image.rsplit(":", 1)[1]
        assert not tag.startswith("latest") and re.search(r"\d", tag), f"{name}: {image} is not pinned"


def test_each_process_gets_the_settings_it_needs() -> None:
    for name in APP_SERVICES:
        env = environment(name)
        for required in ("CRYPTOMON_METRICS_TOKEN", "CRYPTOMON_SECRET_KEY"):
            assert re.fullmatch(rf"\$\{{{required}:\?.+\}}", env[required]), f"{name}: {required} is required"
        assert env["CRYPTOMON_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env["CRYPTOMON_REDIS_URL"].startswith("redis://redis:")
    for name in ("ingest", "alerts"):
        env = environment(name)
        assert env["CRYPTOMON_METRICS_PORT"] == "9100"
        # The default address is the loopback: Prometheus, in another container, must reach it.
        assert Settings.model_fields["metrics_host"].default == "127.0.0.1"
        assert env["CRYPTOMON_METRICS_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate", "beat"])
def test_the_processes_accept_their_environment(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every CRYPTOMON_* variable is a setting (a misspelt one would be ignored), and its value is valid."""
    env = environment(name)
    unknown = [
        key for key in env if key.startswith("CRYPTOMON_") and key[10:].lower() not in Settings.model_fields
    ]
    assert unknown == []
    for key in list(os.environ):
        if key.startswith("CRYPTOMON_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, interpolate(value))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.environment == "production" and settings.is_cluster
    assert settings.metrics_token == VARIABLES["CRYPTOMON_METRICS_TOKEN"]


def test_the_api_believes_the_forwarded_address_from_nginx_only() -> None:
    """The API trusts X-Forwarded-For from nginx's fixed address; not from the network's gateway, through
    which Docker's userland proxy brings connections made on the host itself."""
    address = services()["nginx"]["networks"]["default"]["ipv4_address"]
    subnet = ipaddress.ip_network(compose()["networks"]["default"]["ipam"]["config"][0]["subnet"])
    trusted = Settings(_env_file=None, trusted_proxies=environment("api")["CRYPTOMON_TRUSTED_PROXIES"])  # type: ignore[call-arg]
    assert ipaddress.ip_address(address) in subnet
    assert any(ipaddress.ip_address(address) in network for network in trusted.trusted_proxies)
    gateway = next(subnet.hosts())
    assert not any(gateway in network for network in trusted.trusted_proxies)


def test_the_header_explains_the_required_variables() -> None:
    header = COMPOSE_FILE.read_text().split("\nname:", 1)[0]
    required = set(re.findall(r"\$\{(\w+):\?", COMPOSE_FILE.read_text()))
    assert required == {"POSTGRES_PASSWORD", "CRYPTOMON_SECRET_KEY", "CRYPTOMON_METRICS_TOKEN"}
    for name in required:
        assert f"export {name}=" in header, name
