"""The cluster deployment on one machine: nginx on one port before two API processes, a Celery worker, beat,
the ingest process and a second alert engine, kept running by a small supervisor (`make cluster`).

    scripts/cluster.py start     # PostgreSQL and Redis when needed, migrations, every process; prints the URL
    scripts/cluster.py stop      # ends them all (the supervisor stops its children, then itself)
    scripts/cluster.py status    # each process, its pid and restarts

The supervisor restarts a process that dies (as `restart: unless-stopped` does in deploy/docker-compose.yml):
after 0.5 s, longer when it keeps dying. Settings (environment): CLUSTER_DIR (var/cluster: logs, pids, the
shared data dir), CLUSTER_PORT (8080), CLUSTER_APIS (2 API processes on CLUSTER_API_PORT+1..; 8100),
CLUSTER_DATABASE_URL (postgresql+asyncpg://postgres@127.0.0.1:5432/cryptomon_cluster, created when missing),
CLUSTER_REDIS_URL (redis://127.0.0.1:6379/0, under the namespace CLUSTER_NAMESPACE, "cluster"),
CLUSTER_WORKER_CONCURRENCY (2); any CRYPTOMON_* setting is passed on to every process. Standard library only:
bench/ and the soak import it to drive the same cluster.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / "backend" / ".venv" / "bin"
NGINX_LOCATIONS = ROOT / "deploy" / "nginx" / "cryptomon-locations.conf"


class Cluster:
    """Where one cluster lives and how it is reached, from the environment when it is made."""

    def __init__(self) -> None:
        env = os.environ.get
        self.dir = Path(env("CLUSTER_DIR", str(ROOT / "var" / "cluster"))).resolve()
        self.port = int(env("CLUSTER_PORT", "8080"))
        self.apis = int(env("CLUSTER_APIS", "2"))
        self.api_port_base = int(env("CLUSTER_API_PORT", "8100"))
        self.database_url = env(
            "CLUSTER_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/cryptomon_cluster"
        )
        self.redis_url = env("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/0")
        self.namespace = env("CLUSTER_NAMESPACE", "cluster")
        self.worker_concurrency = int(env("CLUSTER_WORKER_CONCURRENCY", "2"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api_ports(self) -> list[int]:
        return [self.api_port_base + i for i in range(1, self.apis + 1)]

    @property
    def state_file(self) -> Path:
        return self.dir / "cluster.json"

    @property
    def pid_file(self) -> Path:
        return self.dir / "supervisor.pid"

    def supervisor_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text())
        except (FileNotFoundError, ValueError):
            return None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            CRYPTOMON_DATABASE_URL=self.database_url,
            CRYPTOMON_REDIS_URL=self.redis_url,
            CRYPTOMON_NAMESPACE=self.namespace,
            CRYPTOMON_DATA_DIR=str(self.dir / "data"),
            CRYPTOMON_SECRET_KEY=self._secret_key(),
            CRYPTOMON_ENVIRONMENT=env.get("CRYPTOMON_ENVIRONMENT", "production"),
            CRYPTOMON_TRUSTED_PROXIES=env.get("CRYPTOMON_TRUSTED_PROXIES", "127.0.0.1"),
            CRYPTOMON_LOG_FORMAT=env.get("CRYPTOMON_LOG_FORMAT", "json"),
        )
        return env

    def commands(self) -> dict[str, list[str]]:
        """Each process of the cluster by name: the same commands as the compose file's services."""
        cryptomon = str(BIN / "cryptomon")
        procs = {
            f"api{i}": [cryptomon, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate"]
            for i, port in enumerate(self.api_ports(), 1)
        }
        procs["worker"] = [cryptomon, "worker", "--concurrency", str(self.worker_concurrency)]
        procs["beat"] = [cryptomon, "beat"]
        procs["ingest"] = [cryptomon, "ingest"]
        procs["alerts"] = [cryptomon, "alerts"]
        procs["nginx"] = [
            "nginx",
            "-p",
            str(self.dir),
            "-c",
            str(self.dir / "nginx.conf"),
            "-g",
            "daemon off;",
        ]
        return procs

    def process_env(self, name: str) -> dict[str, str]:
        env = self.env()
        metrics_ports = {"ingest": self.port + 1001, "alerts": self.port + 1002}  # 9081, 9082 by default
        if name in metrics_ports:
            env["CRYPTOMON_METRICS_PORT"] = str(metrics_ports[name])
        return env

    def _secret_key(self) -> str:
        path = self.dir / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    def state(self) -> dict[str, object]:
        try:
            return json.loads(self.state_file.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}


# -- nginx ------------------------------------------------------------------------------------------------


def nginx_conf(cluster: Cluster) -> str:
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in cluster.api_ports()
    )
    # Run as root (CI, containers) nginx would hand its workers to `nobody`, who cannot write the temp dirs.
    user = "user root;\n" if os.geteuid() == 0 else ""
    files = resource.getrlimit(resource.RLIMIT_NOFILE)[1]  # hard limit; a proxied WebSocket holds two
    if files == resource.RLIM_INFINITY:
        files = 1 << 20
    return f"""# Written by scripts/cluster.py: nginx in front of the API processes of `make cluster`.
{user}worker_processes 1;
pid {cluster.dir}/nginx.pid;
error_log {cluster.dir}/logs/nginx-error.log warn;
events {{ worker_connections {min(files // 2, 65536)}; }}
worker_rlimit_nofile {files};
http {{
    access_log off;
    client_body_temp_path {cluster.dir}/nginx/body;
    proxy_temp_path {cluster.dir}/nginx/proxy;
    fastcgi_temp_path {cluster.dir}/nginx/fastcgi;
    uwsgi_temp_path {cluster.dir}/nginx/uwsgi;
    scgi_temp_path {cluster.dir}/nginx/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; "" ""; }}
    upstream cryptomon_api {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{cluster.port};
        include {NGINX_LOCATIONS};
    }}
}}
"""


def ensure_nginx() -> None:
    if shutil.which("nginx"):
        return
    print("nginx: installing from Debian packages (nginx-light)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "nginx-light"], check=True, env=env)
    # The package starts a system nginx on port 80 where it can; ours runs on its own port and config.


# -- the supervisor ---------------------------------------------------------------------------------------


def _die_with_supervisor() -> None:
    """In the child before exec: SIGTERM when the supervisor dies, even by SIGKILL (PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


def supervise(cluster: Cluster) -> None:
    """Start every process and restart the ones that die, until SIGTERM."""
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    commands = cluster.commands()
    running: dict[str, subprocess.Popen[bytes]] = {}
    restarts = dict.fromkeys(commands, 0)
    started_at: dict[str, float] = {}
    due: dict[str, float] = dict.fromkeys(commands, 0.0)

    def launch(name: str) -> None:
        log = open(cluster.dir / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
        running[name] = subprocess.Popen(
            commands[name],
            preexec_fn=_die_with_supervisor,
            env=cluster.process_env(name),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            start_new_session=True,
        )
        log.close()
        started_at[name] = time.monotonic()

    def save() -> None:
        state = {
            "supervisor": os.getpid(),
            "url": cluster.url,
            "processes": {
                n: {"pid": p.pid, "restarts": restarts[n], "command": commands[n]} for n, p in running.items()
            },
        }
        tmp = cluster.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=1))
        tmp.replace(cluster.state_file)

    while not stopping:
        changed = False
        for name in commands:
            proc = running.get(name)
            if proc is not None and proc.poll() is not None:
                del running[name]
                # What it left behind goes with it, as when a container stops: nginx's workers would keep the
                # port, a Celery worker's pool would go on with its jobs.
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
                lived = time.monotonic() - started_at[name]
                # A process that dies at once is not hammered: 0.5 s, doubling up to 8 s while it keeps dying.
                backoff = 0.5 if lived > 30 else min(8.0, 0.5 * 2 ** min(restarts[name], 4))
                due[name] = time.monotonic() + backoff
                restarts[name] += 1
                changed = True
            if name not in running and time.monotonic() >= due[name]:
                launch(name)
                changed = True
        if changed:
            save()
        time.sleep(0.1)

    for proc in running.values():
        proc.send_signal(signal.SIGQUIT if proc.args[0] == "nginx" else signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in running.values():
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    cluster.state_file.unlink(missing_ok=True)
    cluster.pid_file.unlink(missing_ok=True)


# -- commands ---------------------------------------------------------------------------------------------


def ready(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_ready(cluster: Cluster, seconds: float = 240.0) -> None:
    urls = [f"http://127.0.0.1:{p}/health/ready" for p in cluster.api_ports()] + [
        f"{cluster.url}/health/ready"
    ]
    deadline = time.monotonic() + seconds
    while not all(ready(u) for u in urls):
        if time.monotonic() > deadline:
            raise SystemExit(f"the cluster did not become ready in {seconds:.0f} s: see {cluster.dir}/logs/")
        time.sleep(0.3)


def create_database(cluster: Cluster) -> None:
    """The cluster's own PostgreSQL database, created on first use."""
    url = cluster.database_url.replace("+asyncpg", "")
    base, _, name = url.rpartition("/")
    exists = subprocess.run(
        ["psql", f"{base}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", f"{base}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)


def start(cluster: Cluster) -> None:
    if cluster.supervisor_pid() is not None:
        print(f"the cluster is already running at {cluster.url} (scripts/cluster.py stop ends it)")
        return
    if "CLUSTER_DATABASE_URL" not in os.environ:
        subprocess.run([str(ROOT / "scripts" / "ensure-services.sh")], check=True)
        create_database(cluster)
    ensure_nginx()
    for sub in ("logs", "data", "nginx"):
        (cluster.dir / sub).mkdir(parents=True, exist_ok=True)
    (cluster.dir / "nginx.conf").write_text(nginx_conf(cluster))
    subprocess.run(
        ["nginx", "-t", "-q", "-p", str(cluster.dir), "-c", str(cluster.dir / "nginx.conf")], check=True
    )
    subprocess.run([str(BIN / "cryptomon"), "migrate"], env=cluster.env(), check=True, cwd=ROOT)
    with open(cluster.dir / "logs" / "supervisor.log", "ab") as log:
        supervisor = subprocess.Popen(
            [sys.executable, __file__, "supervise"],
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    cluster.pid_file.write_text(str(supervisor.pid))
    try:
        wait_ready(cluster)
    except SystemExit:
        stop(cluster)  # nothing half-started is left running
        raise
    print(f"Cryptomon cluster serving at {cluster.url}")
    print(f"  {cluster.apis} API processes, a worker, beat, ingest and a second alert engine behind nginx")
    print(f"  logs: {cluster.dir}/logs/   stop: make cluster-stop")


def stop(cluster: Cluster) -> None:
    pid = cluster.supervisor_pid()
    if pid is None:
        print("the cluster is not running")
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:  # gone without cleaning up (killed): forget it
        cluster.pid_file.unlink(missing_ok=True)
        cluster.state_file.unlink(missing_ok=True)
        return
    deadline = time.monotonic() + 30
    while cluster.pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    print("the cluster is stopped")


def status(cluster: Cluster) -> None:
    state = cluster.state()
    processes = state.get("processes")
    if not isinstance(processes, dict):
        print("the cluster is not running")
        return
    for name, info in processes.items():
        print(f"{name:8} pid {info['pid']:>7}  restarts {info['restarts']}")
    print(f"ready: {ready(cluster.url + '/health/ready')}  ({cluster.url})")


def main() -> None:
    cluster = Cluster()
    commands = {"start": start, "stop": stop, "status": status, "supervise": supervise}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        raise SystemExit(f"usage: {sys.argv[0]} {{{'|'.join(c for c in commands if c != 'supervise')}}}")
    commands[sys.argv[1]](cluster)


if __name__ == "__main__":
    main()
