"""Pytest plugin: a throwaway 3-master Redis Cluster on free loopback ports, never the machine's Redis.

Three `redis-server --cluster-enabled yes` children, joined by `redis-cli --cluster create`
(no replicas), each in its own temp dir; the cluster bus ports are chosen free too
(`--cluster-port`), so nothing depends on `port + 10000` being free. Where `redis-server` or
`redis-cli` is missing the tests that use it are skipped, and the end of the run says so.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from tests.redis_server import _find_binary

MASTERS = 3
CLI_HINT = (
    "redis-cli not found: the Redis Cluster tests need it to join the nodes "
    "(Debian/Ubuntu: `apt-get install redis-tools`, which redis-server depends on)"
)
CLUSTER_HINT = (
    "redis-server not found: the Redis Cluster tests were skipped "
    "(Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`)"
)


def _free_ports(count: int) -> list[int]:
    """`count` distinct free loopback ports (all held open at once, so none repeats)."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def _command(port: int, *words: str, timeout: float = 2.0) -> bytes:
    """One inline command on a fresh connection; the raw reply (enough for PING, INFO, FLUSHALL)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(" ".join(words).encode() + b"\r\n")
        data = sock.recv(65536)
        if data.startswith(b"$"):  # a bulk string: read until its announced length is in
            size = int(data[1:data.index(b"\r\n")])
            while len(data) < data.index(b"\r\n") + 2 + size:
                more = sock.recv(65536)
                if not more:
                    break
                data += more
        return data


def _cluster_ok(port: int) -> bool:
    return b"cluster_state:ok" in _command(port, "CLUSTER", "INFO")


def _cli() -> str | None:
    fallback = Path("/usr/bin/redis-cli")
    return shutil.which("redis-cli") or (str(fallback) if fallback.exists() else None)


class RedisCluster:
    """A 3-master cluster of `redis-server` children; `url` is the `redis+cluster://` seed URL."""

    def __init__(self, server: str, cli: str, workdir: Path, masters: int = MASTERS,
                 durable: bool = False) -> None:
        """`durable=True`: append-only files, so a node stopped and started keeps its data."""
        self.server, self.cli, self.workdir, self.durable = server, cli, workdir, durable
        ports = _free_ports(2 * masters)
        self.ports, self.bus_ports = ports[:masters], ports[masters:]
        self.url = f"redis+cluster://127.0.0.1:{self.ports[0]}"
        self._procs: list[subprocess.Popen[bytes] | None] = [None] * masters

    def start(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        for node in range(len(self.ports)):
            self._spawn(node)
        for port in self.ports:
            self._wait(partial(self._answers, port), deadline, f"node {port} to start")
        create = [self.cli, "--cluster", "create", *(f"127.0.0.1:{p}" for p in self.ports),
                  "--cluster-replicas", "0", "--cluster-yes"]
        done = subprocess.run(create, capture_output=True, timeout=max(1.0, deadline - time.monotonic()))
        if done.returncode != 0:
            self.stop()
            raise RuntimeError(f"redis-cli --cluster create failed:\n{done.stdout.decode(errors='replace')}"
                               f"{done.stderr.decode(errors='replace')}")
        self._wait_ok(deadline)

    def _spawn(self, node: int) -> None:
        port, bus = self.ports[node], self.bus_ports[node]
        folder = self.workdir / str(port)
        folder.mkdir(exist_ok=True)
        args = [self.server, "--port", str(port), "--bind", "127.0.0.1", "--protected-mode", "yes",
                "--cluster-enabled", "yes", "--cluster-port", str(bus),
                "--cluster-config-file", str(folder / "nodes.conf"), "--cluster-node-timeout", "2000",
                "--save", "", "--dir", str(folder), "--loglevel", "warning"]
        args += ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else ["--appendonly", "no"]
        with open(folder / "redis.log", "ab") as log:
            self._procs[node] = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)

    def _wait_ok(self, deadline: float) -> None:
        for port in self.ports:
            self._wait(partial(_cluster_ok, port), deadline, f"node {port} to see the cluster as ok")

    def owner(self, slot: int) -> int:
        """The index (in `ports`) of the master serving `slot`."""
        nodes = _command(self.ports[0], "CLUSTER", "NODES").decode(errors="replace")
        for line in nodes.splitlines():
            fields = line.split()
            if len(fields) < 9 or "master" not in fields[2]:
                continue
            port = int(fields[1].split("@")[0].rsplit(":", 1)[1])
            for span in fields[8:]:
                first, _, last = span.partition("-")
                if first.isdigit() and int(first) <= slot <= int(last or first):
                    return self.ports.index(port)
        raise LookupError(f"no master serves slot {slot}")

    def stop_node(self, node: int) -> None:
        """SIGTERM one master (a durable one flushes its append-only file first)."""
        proc = self._procs[node]
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
            self._procs[node] = None

    def start_node(self, node: int, timeout: float = 30.0) -> None:
        """Start a stopped master again (its nodes.conf keeps its slots) and wait for `ok`."""
        deadline = time.monotonic() + timeout
        self._spawn(node)
        self._wait(lambda: self._answers(self.ports[node]), deadline, f"node {self.ports[node]} to start")
        self._wait_ok(deadline)

    def _answers(self, port: int) -> bool:
        try:
            return _command(port, "PING", timeout=0.2).startswith(b"+PONG")
        except OSError:
            return False

    def _wait(self, ready: Callable[[], bool], deadline: float, what: str) -> None:
        while True:
            try:
                if ready():
                    return
            except OSError:
                pass
            if time.monotonic() > deadline or any(p is not None and p.poll() is not None
                                                  for p in self._procs):
                logs = "\n".join((self.workdir / str(p) / "redis.log").read_text(errors="replace")
                                 for p in self.ports if (self.workdir / str(p) / "redis.log").exists())
                self.stop()
                raise RuntimeError(f"Redis Cluster: timed out waiting for {what}\n{logs}")
            time.sleep(0.05)

    def flushall(self) -> None:
        for port in self.ports:
            if not _command(port, "FLUSHALL").startswith(b"+OK"):
                raise RuntimeError(f"FLUSHALL failed on cluster node {port}")

    def info(self, port: int, section: str) -> str:
        return _command(port, "INFO", section).decode(errors="replace")

    def stop(self) -> None:
        running = [proc for proc in self._procs if proc is not None]
        for proc in running:
            if proc.poll() is None:
                proc.terminate()
        for proc in running:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._procs = [None] * len(self.ports)


def _binaries() -> tuple[str, str]:
    server = _find_binary()
    if server is None:
        pytest.skip(CLUSTER_HINT)
    cli = _cli()
    if cli is None:
        pytest.skip(CLI_HINT)
    return server, cli


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say it at the end too, so skipped cluster tests are not mistaken for passing ones."""
    if _find_binary() is not None and _cli() is None:
        terminalreporter.write_sep("!", CLI_HINT, red=True, bold=True)


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisCluster]:
    """The session's shared throwaway 3-master cluster (no persistence)."""
    server, cli = _binaries()
    cluster = RedisCluster(server, cli, tmp_path_factory.mktemp("cluster"))
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def clean_redis_cluster(redis_cluster: RedisCluster) -> str:
    """The shared cluster, emptied before the test; gives its `redis+cluster://` URL."""
    redis_cluster.flushall()
    return redis_cluster.url


@pytest.fixture
def make_redis_cluster(tmp_path: Path) -> Iterator[Callable[..., RedisCluster]]:
    """A factory of private clusters for tests that stop a node; all stopped at the end."""
    made: list[RedisCluster] = []
    server, cli = _binaries()

    def make(durable: bool = True) -> RedisCluster:
        workdir = tmp_path / f"cluster{len(made)}"
        workdir.mkdir()
        cluster = RedisCluster(server, cli, workdir, durable=durable)
        made.append(cluster)
        cluster.start()
        return cluster

    yield make
    for cluster in made:
        cluster.stop()
