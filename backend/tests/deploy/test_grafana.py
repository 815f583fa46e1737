"""The Grafana dashboard and its provisioning: every metric a panel asks for is one the app serves at
/metrics, every expression is PromQL (promtool, when installed), and the provisioning finds the dashboard
and the compose file's Prometheus."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from app.config import Settings
from app.main import create_app
from tests.deploy.support import DASHBOARD, GRAFANA, load_yaml, services, tool

PROMTOOL = tool("promtool")
# Words of PromQL that are not metric names when they are not followed by "(".
KEYWORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "offset",
    "and",
    "or",
    "unless",
}
# What the dashboard must show (issue 21): the hot path, the queues, the connections and HTTP.
REQUIRED = {
    "cryptomon_ticks",
    "cryptomon_tick_hop_seconds",
    "cryptomon_tick_latency_seconds",
    "cryptomon_alert_latency_seconds",
    "cryptomon_notifications_pending",
    "cryptomon_jobs",
    "cryptomon_ws_connections",
    "cryptomon_http_request_duration_seconds",
    "cryptomon_http_requests",
}


def dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return data


def panels() -> list[dict[str, Any]]:
    found = []
    for panel in dashboard()["panels"]:
        found += [panel, *panel.get("panels", [])]  # rows may hold panels
    return [panel for panel in found if panel.get("type") != "row"]


def expressions() -> list[str]:
    return [target["expr"] for panel in panels() for target in panel["targets"]]


def metric_names(expr: str) -> set[str]:
    """The metric names of a PromQL expression: identifiers outside label matchers, ranges, strings and
    grouping clauses that are not functions, aggregations or keywords."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        if match.group() in KEYWORDS or expr[match.end() :].lstrip().startswith("("):
            continue
        names.add(match.group())
    return names


def base_name(name: str) -> str:
    """A sample's family: a histogram's _bucket/_sum/_count and a counter's _total removed."""
    return re.sub(r"(_bucket|_sum|_count|_total)$", "", name)


@pytest.fixture(scope="module")
async def served_metrics(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The families the API's own /metrics lists (histograms and gauges are listed before any sample). The
    app is not started: every metric is registered when its module is imported."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("metrics"),
        secret_key="test-secret-key-" + "x" * 32,
        environment="test",
        metrics_token=None,
    )
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    return {base_name(family.name) for family in text_string_to_metric_families(response.text)}


def test_the_metric_name_reader() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (le, hop) (rate(cryptomon_tick_hop_seconds_bucket{hop!="x"}[5m])))'
        ' / on (instance) group_left sum(up{job="api"}) or vector(0)'
    )
    assert metric_names(expr) == {"cryptomon_tick_hop_seconds_bucket", "up"}


def test_every_panel_asks_for_metrics_the_app_serves(served_metrics: set[str]) -> None:
    assert "cryptomon_http_request_duration_seconds" in served_metrics  # the scrape itself worked
    for panel in panels():
        for target in panel["targets"]:
            names = metric_names(target["expr"])
            assert names, f"{panel['title']}: no metric in {target['expr']}"
            missing = {name for name in names if base_name(name) not in served_metrics}
            assert missing == set(), f"{panel['title']}: {missing} not in the app's /metrics"


def test_the_dashboard_shows_the_hot_path_the_queues_and_http() -> None:
    used = {base_name(name) for expr in expressions() for name in metric_names(expr)}
    assert used >= REQUIRED, REQUIRED - used
    exprs = " ".join(expressions())
    assert 'cryptomon_ticks_total{outcome="ACCEPTED"}' in exprs
    assert re.search(r"histogram_quantile\(0\.95, sum by \(le, hop\)", exprs)
    for quantile in ("0.5", "0.95"):
        alert = (
            f"histogram_quantile({quantile}, sum by (le) (rate(cryptomon_alert_latency_seconds_bucket[5m])))"
        )
        assert alert in exprs
    assert 'cryptomon_http_requests_total{status=~"5.."}' in exprs


@pytest.mark.skipif(PROMTOOL is None, reason="promtool is not installed (apt-get install prometheus)")
def test_every_expression_is_promql(tmp_path: Path) -> None:
    """promtool parses each expression as a recording rule's."""
    assert PROMTOOL
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [{"record": f"dashboard:expr{i}", "expr": e} for i, e in enumerate(expressions())],
            }
        ]
    }
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(rules))
    result = subprocess.run(
        [PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stdout + result.stderr
    path.write_text(
        yaml.safe_dump({"groups": [{"name": "x", "rules": [{"record": "x:y", "expr": "sum(("}]}]})
    )
    broken = subprocess.run(
        [PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True, timeout=30
    )
    assert broken.returncode != 0


def test_the_panels_are_well_formed() -> None:
    ids = [panel["id"] for panel in panels()]
    assert len(ids) == len(set(ids)) >= 8
    assert dashboard()["uid"] == "cryptomon"
    for panel in panels():
        assert panel["title"] and panel["targets"], panel.get("title")
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"]) and panel["gridPos"]["x"] + panel["gridPos"][
            "w"
        ] <= 24
        refs = [target["refId"] for target in panel["targets"]]
        assert len(refs) == len(set(refs)), panel["title"]


def test_grafana_is_provisioned_with_the_prometheus_and_the_dashboard() -> None:
    [source] = load_yaml(GRAFANA / "provisioning" / "datasources" / "prometheus.yml")["datasources"]
    assert source["type"] == "prometheus"
    host, port = re.fullmatch(r"http://([\w-]+):(\d+)", source["url"]).groups()  # type: ignore[union-attr]
    assert (
        host in services() and "--config.file=/etc/prometheus/prometheus.yml" in services()[host]["command"]
    )
    assert port == "9090"
    for panel in panels():
        for ref in (panel["datasource"], *(target["datasource"] for target in panel["targets"])):
            assert ref == {"type": "prometheus", "uid": source["uid"]}, panel["title"]

    mounts = {
        volume.split(":")[1]: volume.split(":")[0]
        for volume in services()["grafana"]["volumes"]
        if volume.startswith("./")
    }
    assert mounts["/etc/grafana/provisioning"] == "./grafana/provisioning"
    [provider] = load_yaml(GRAFANA / "provisioning" / "dashboards" / "cryptomon.yml")["providers"]
    assert mounts[provider["options"]["path"]] == "./grafana/dashboards"
    assert DASHBOARD.parent == GRAFANA / "dashboards"
