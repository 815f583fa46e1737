"""deploy/nginx/nginx.conf, the compose file's proxy: `nginx -t` on it with the shared locations (Debian's
nginx; `api` resolved to the loopback, as Docker's DNS would resolve it to the replicas), and the names the
two files and the compose file share."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.deploy.support import NGINX_CONF, NGINX_LOCATIONS, services, tool

INCLUDE = "/etc/nginx/cryptomon-locations.conf"
NGINX = tool("nginx")
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx-light; scripts/ensure-services.sh)"
)


def nginx_test(tmp_path: Path, conf: str) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on `conf` as the container would read it, but with `api` on the loopback (no Docker DNS
    here) and the include taken from the repository."""
    assert NGINX
    conf = conf.replace("server api:8000", "server 127.0.0.1:8000").replace(INCLUDE, str(NGINX_LOCATIONS))
    (tmp_path / "nginx.conf").write_text(conf)
    return subprocess.run(
        [
            NGINX,
            "-t",
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-g",
            f"pid {tmp_path / 'nginx.pid'}; error_log stderr;",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )


@needs_nginx
def test_nginx_accepts_the_proxy_configuration(tmp_path: Path) -> None:
    result = nginx_test(tmp_path, NGINX_CONF.read_text())
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@needs_nginx
def test_nginx_would_reject_a_configuration_missing_what_the_locations_need(tmp_path: Path) -> None:
    """The check can fail: without the map, the shared locations use an unknown variable."""
    conf = re.sub(r"map \$http_upgrade \$connection_upgrade \{[^}]*\}", "", NGINX_CONF.read_text())
    assert conf != NGINX_CONF.read_text()
    result = nginx_test(tmp_path, conf)
    assert result.returncode != 0 and "connection_upgrade" in result.stderr


def test_the_proxy_reaches_every_api_replica_through_one_upstream() -> None:
    conf, locations = NGINX_CONF.read_text(), NGINX_LOCATIONS.read_text()
    upstreams = dict(re.findall(r"upstream\s+(\w+)\s*\{([^}]*)\}", conf))
    used = set(re.findall(r"proxy_pass\s+http://(\w+)", locations))
    assert used and used <= set(upstreams)
    servers = re.findall(r"^\s*server\s+([\w.-]+):(\d+)", upstreams["cryptomon_api"], re.MULTILINE)
    assert servers == [("api", "8000")]
    assert "--port 8000" in " ".join(services()["api"]["command"])
    assert re.search(r"keepalive\s+\d+;", upstreams["cryptomon_api"])
    assert re.search(r'map \$http_upgrade \$connection_upgrade \{\s*default upgrade;\s*"" "";\s*\}', conf)


def test_the_compose_file_mounts_both_files_where_nginx_reads_them() -> None:
    conf = NGINX_CONF.read_text()
    assert re.search(rf"^\s*include {re.escape(INCLUDE)};", conf, re.MULTILINE)
    assert re.search(r"^\s*listen 80( default_server)?;", conf, re.MULTILINE)
    mounts = {
        volume.split(":")[1]: volume.split(":")[0]
        for volume in services()["nginx"]["volumes"]
        if ":" in volume
    }
    assert mounts["/etc/nginx/nginx.conf"] == "./nginx/nginx.conf"
    assert mounts[INCLUDE] == "./nginx/cryptomon-locations.conf"
    # The health check asks nginx itself, on an address only the container sees.
    health = " ".join(services()["nginx"]["healthcheck"]["test"])
    port_path = re.search(r"127\.0\.0\.1:(\d+)(/\S*)", health)
    assert port_path
    assert re.search(rf"listen 127\.0\.0\.1:{port_path.group(1)};", conf)
    assert f"location = {port_path.group(2)}" in conf


def test_the_access_log_leaves_out_query_strings() -> None:
    """WebSockets and event streams send the access token as ?token=: it must not reach the log."""
    formats = re.findall(r"log_format\s+\w+\s+((?:'[^']*'\s*)+);", NGINX_CONF.read_text())
    assert formats
    for log_format in formats:
        assert "$uri" in log_format
        assert not re.search(r"\$(request|request_uri|args|query_string|arg_\w+)\b", log_format), log_format
    assert re.search(r"access_log\s+\S+\s+(\w+);", NGINX_CONF.read_text())
