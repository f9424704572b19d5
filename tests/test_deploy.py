"""The deployment files agree with the code: commands that exist, settings that are read, /metrics private."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from ruamel.yaml import YAML
from typer.core import TyperGroup

from bot.cli import app
from bot.settings import WHATSAPP_TEMPLATE_VARS, env_names
from webhooks.health import router as health_router

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")  # $NAME or ${NAME} (compose, systemd, Docker)
_ASSIGNED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.M)  # as tests/test_settings.py reads .env.example


def known_settings() -> set[str]:
    return {*env_names().values(), *WHATSAPP_TEMPLATE_VARS}


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def bot_services() -> dict[str, dict[str, Any]]:
    """The compose services that run our image (built from deploy/Dockerfile)."""
    return {name: service for name, service in compose()["services"].items() if "build" in service}


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of each Dockerfile line, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines
            if line and not line.startswith("#")]


def docker_json(instruction: str) -> list[str]:
    found = [args for name, args in dockerfile() if name == instruction]
    assert len(found) == 1, f"one {instruction} in the Dockerfile"
    parsed: list[str] = YAML(typ="safe").load(found[0])  # the exec form is a JSON list
    return parsed


def unit(path: Path) -> dict[str, list[str]]:
    """Each `Key=value` of a systemd unit (all sections), in order."""
    keys: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def labor_bot_invocations() -> Iterator[tuple[str, list[str]]]:
    """(where, arguments after `labor-bot`) for every labor-bot command the files run."""
    entrypoint = docker_json("ENTRYPOINT")
    assert entrypoint == ["labor-bot"]
    yield "Dockerfile CMD", docker_json("CMD")
    for name, service in bot_services().items():
        command = service["command"]
        yield f"compose {name}", shlex.split(command) if isinstance(command, str) else list(command)
    for path in UNITS:
        for line in unit(path)["ExecStart"]:
            program, *args = shlex.split(line)
            assert program.endswith("/labor-bot"), f"{path.name} runs {program}"
            yield path.name, args


def test_every_labor_bot_command_they_run_exists_with_those_options() -> None:
    group = typer.main.get_command(app)
    seen = []
    for where, args in labor_bot_invocations():
        command = group
        words = list(args)
        path = []
        while isinstance(command, TyperGroup):
            assert words, f"{where}: `labor-bot {' '.join(args)}` names no sub-command"
            path.append(words.pop(0))
            found = command.commands.get(path[-1])
            assert found is not None, f"{where}: `labor-bot {' '.join(path)}` is not a command"
            command = found
        # Parses (and checks) the options and their values as the command would, without running
        # it: an unknown option or a bad value raises here.
        command.make_context(" ".join(path), words)
        seen.append(" ".join(path))
    assert sorted(set(seen)) == ["serve", "worker"]
    assert len(seen) == 1 + 2 + len(UNITS)  # the image's default, two services, two units
    assert [p.name for p in UNITS] == ["labor-bot-worker.service", "labor-bot.service"]


def test_every_variable_they_set_or_read_is_a_setting() -> None:
    known = known_settings()
    used: dict[str, set[str]] = {}
    compose_text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    used["compose.yaml references"] = set(_REFERENCE.findall(compose_text))
    for name, service in compose()["services"].items():
        environment = service.get("environment", {})
        names = ({item.split("=", 1)[0] for item in environment} if isinstance(environment, list)
                 else set(environment))
        used[f"compose {name}"] = names
    docker = dockerfile()
    used["Dockerfile"] = {
        *(args.split("=", 1)[0].split()[0] for name, args in docker if name in ("ENV", "ARG")),
        *(n for _, args in docker for n in _REFERENCE.findall(args)),
    }
    for path in UNITS:
        keys = unit(path)
        used[path.name] = {
            *(shlex.split(value)[0].split("=", 1)[0] for value in keys.get("Environment", [])),
            *(n for line in keys["ExecStart"] for n in _REFERENCE.findall(line)),
        }
    unknown = {where: sorted(names - known) for where, names in used.items() if names - known}
    assert unknown == {}
    assert used["compose server"] == {"REDIS_URL", "FLOWS_DIR", "PROMETHEUS_MULTIPROC_DIR"}
    assert used["labor-bot.service"] == {"PROMETHEUS_MULTIPROC_DIR"}


def test_every_setting_is_in_env_example_and_both_deployments_read_that_file() -> None:
    documented = set(_ASSIGNED.findall((ROOT / ".env.example").read_text(encoding="utf-8")))
    assert sorted(known_settings() - documented) == []
    for name, service in bot_services().items():
        assert service["env_file"] == "../.env", name  # the repository root's .env
    for path in UNITS:
        keys = unit(path)
        assert keys["EnvironmentFile"] == [f"{keys['WorkingDirectory'][0]}/.env"], path.name
        assert keys["User"] == ["labor-bot"] and keys["Restart"] == ["always"], path.name


def test_the_server_runs_several_workers_with_a_fresh_metrics_folder() -> None:
    server = bot_services()["server"]
    assert "--workers" in server["command"]
    assert server["environment"]["PROMETHEUS_MULTIPROC_DIR"] in [t.split(":")[0] for t in server["tmpfs"]]
    keys = unit(DEPLOY / "systemd/labor-bot.service")
    assert "--workers" in keys["ExecStart"][0]
    assert keys["Environment"] == [f"PROMETHEUS_MULTIPROC_DIR=/run/{keys['RuntimeDirectory'][0]}"]


def test_health_checks_restarts_and_a_persistent_redis() -> None:
    services = compose()["services"]
    assert set(services) == {"server", "worker", "redis"}
    assert all(s["restart"] in ("always", "unless-stopped") for s in services.values())
    routes = {getattr(route, "path", "") for route in health_router.routes}
    probe = " ".join(services["server"]["healthcheck"]["test"])
    probed = set(re.findall(r"127\.0\.0\.1:8000(/\w+)", probe))
    assert probed and probed <= routes
    assert "/readyz" in routes and "/readyz" in (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    redis = services["redis"]
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    command = " ".join(redis["command"])
    assert "--appendonly yes" in command and "--maxmemory-policy noeviction" in command
    volume = next(v for v in redis["volumes"] if v.endswith(":/data"))
    assert volume.split(":")[0] in compose()["volumes"]  # a named volume, not the container's layer
    for name, service in bot_services().items():
        assert service["depends_on"]["redis"]["condition"] == "service_healthy", name
    # Only this machine reaches the server; the world comes in through Caddy.
    assert all(p.startswith("127.0.0.1:") for p in services["server"]["ports"])
    assert "ports" not in redis and "ports" not in services["worker"]


def test_the_image_installs_the_package_and_runs_as_its_own_user() -> None:
    docker = dockerfile()
    assert docker[0] == ("FROM", "python:3.11-slim")
    users = [args for name, args in docker if name == "USER"]
    assert users and users[-1] not in ("root", "0")
    run = " ".join(args for name, args in docker if name == "RUN")
    assert "pip install --no-cache-dir -e ." in run and "labor-bot flows check" in run
    copied = [args.split()[:-1] for name, args in docker if name == "COPY"]
    sources = {source for sources in copied for source in sources}
    assert {"bot", "webhooks", "locales", "flows", "pyproject.toml"} <= sources
    assert all((ROOT / source).exists() for source in sources)
    assert ".env" not in sources and "." not in sources  # secrets never go into the image
    assert ".env" in (ROOT / ".dockerignore").read_text(encoding="utf-8").split()


def caddy_blocks(text: str) -> list[tuple[tuple[str, ...], str]]:
    """Each directive line of a Caddyfile with the headers of the blocks around it."""
    found: list[tuple[tuple[str, ...], str]] = []
    stack: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line == "}":
            stack.pop()
        elif line.endswith("{"):
            stack.append(line[:-1].strip())
            found.append((tuple(stack[:-1]), line[:-1].strip()))
        else:
            found.append((tuple(stack), line))
    assert stack == [], "unbalanced braces"
    return found


def test_caddy_never_forwards_metrics_and_cuts_slow_clients() -> None:
    lines = caddy_blocks((DEPLOY / "Caddyfile").read_text(encoding="utf-8"))
    proxies = [(around, line) for around, line in lines if line.startswith("reverse_proxy")]
    assert [line for _, line in proxies] == ["reverse_proxy 127.0.0.1:8000"]
    site = next(header for around, header in lines if around == () and header.startswith("bot."))
    around = proxies[0][0]
    # The proxy sits in a `handle` without a matcher; Caddy tries `handle /metrics*` first and
    # the handle blocks exclude each other, so /metrics never reaches it.
    assert around == (site, "handle")
    metrics = [(a, line) for a, line in lines if a == (site, "handle /metrics*")]
    assert [line for _, line in metrics] == ["respond 404"]
    assert not any("metrics" in part for a, _ in proxies for part in a)
    timeouts = {line.split()[0] for a, line in lines if a and a[-1] == "timeouts"}
    assert {"read_header", "read_body", "idle"} <= timeouts
    assert "log" not in {line.split(" ", 1)[0] for _, line in lines}  # no access log of workers' addresses


def test_the_deploy_guide_points_at_every_file() -> None:
    guide = (ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    for path in [DEPLOY / "compose.yaml", DEPLOY / "Dockerfile", DEPLOY / "Caddyfile", *UNITS]:
        assert str(path.relative_to(ROOT)) in guide
