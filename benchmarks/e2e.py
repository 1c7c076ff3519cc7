"""End to end: uvicorn pinned to one core, wrk pinned to the other, interleaved rounds.

Every framework's server is started once and idles while the others are measured; wrk
then takes turns between them (scenario by scenario, order rotated each round), so all of
them see the same machine conditions. Each answer is checked over HTTP before timing.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.frameworks import BY_NAME as FRAMEWORKS
from benchmarks.frameworks import supports
from benchmarks.inprocess import Progress
from benchmarks.scenarios import BY_NAME as SCENARIOS
from benchmarks.scenarios import HttpRequest, Scenario
from benchmarks.workers import REPO, bench_env

SERVER_CORE = "0"
WRK_CORE = "1"
E2E_CONNECTIONS = 50
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}


@dataclass(frozen=True, slots=True)
class WrkRun:
    """One wrk measurement."""

    requests_per_second: float
    p50: float
    p99: float
    errors: int


@dataclass(slots=True)
class EndToEndResults:
    """runs[scenario][framework] = one WrkRun per round; wrong: (framework, scenario) -> why."""

    frameworks: list[str]
    scenarios: list[Scenario]
    runs: dict[str, dict[str, list[WrkRun]]] = field(default_factory=dict)
    wrong: dict[tuple[str, str], str] = field(default_factory=dict)
    skipped: str = ""
    rounds: int = 0
    seconds: int = 0


def missing_tools() -> str:
    """Name the missing tools ("" when wrk and taskset are both installed)."""
    missing = [tool for tool in ("wrk", "taskset") if shutil.which(tool) is None]
    if not missing:
        return ""
    return f"{', '.join(missing)} not installed (apt-get install -y wrk util-linux)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One framework's uvicorn process on core 0."""

    def __init__(self, python: str, name: str, log_dir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log_path = log_dir / f"server-{name}.log"
        self._log = self.log_path.open("w")
        command = ["taskset", "-c", SERVER_CORE, python, "-m", "benchmarks.serve"]
        self.process = subprocess.Popen(
            [*command, name, str(self.port)],
            cwd=REPO,
            env=bench_env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def url(self, request: HttpRequest) -> str:
        query = f"?{request.query}" if request.query else ""
        return f"http://127.0.0.1:{self.port}{request.path}{query}"

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until the server accepts connections.

        Raises:
            RuntimeError: it exited or did not come up in time.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server {self.name!r} exited: {self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server {self.name!r} did not start: {self.log_tail()}")

    def log_tail(self) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def fetch(server: Server, request: HttpRequest) -> tuple[int, bytes]:
    """Send `request` over HTTP; return (status, body)."""
    http_request = urllib.request.Request(
        server.url(request),
        data=request.body or None,
        headers=dict(request.headers),
        method=request.method,
    )
    try:
        with urllib.request.urlopen(http_request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def lua_script(name: str, request: HttpRequest, directory: Path) -> Path:
    """Write the wrk script that sends `request`'s method, headers and body."""
    lines = [f'wrk.method = "{request.method}"']
    lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in request.headers]
    if request.body:
        lines.append(f"wrk.body = [==[{request.body.decode()}]==]")
    path = directory / f"wrk-{name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def parse_wrk(output: str) -> WrkRun:
    """Read requests/s, p50, p99 and socket errors + non-2xx answers from wrk's output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latencies = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    failures = re.findall(r"(?:Non-2xx or 3xx responses:|timeout)\s+(\d+)", output)
    errors = sum(int(count) for count in failures)
    return WrkRun(rps, _seconds(latencies["50"]), _seconds(latencies["99"]), errors)


def _seconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    if unit == "m":
        return float(number) * 60
    return float(number) * _UNITS[unit]


def run_wrk(server: Server, scenario: Scenario, seconds: int, directory: Path) -> WrkRun:
    """Run wrk on core 1 against `server` for `seconds`."""
    assert scenario.request is not None
    script = lua_script(scenario.name, scenario.request, directory)
    command = ["taskset", "-c", WRK_CORE, "wrk", "-t1", f"-c{E2E_CONNECTIONS}", f"-d{seconds}s"]
    command += ["--latency", "-s", str(script), server.url(scenario.request)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def check_servers(servers: dict[str, Server], results: EndToEndResults) -> None:
    """Check every server's answer to every end-to-end scenario once."""
    for name, server in servers.items():
        for scenario in results.scenarios:
            assert scenario.request is not None
            if not supports(FRAMEWORKS[name], scenario.name):
                continue
            status, body = fetch(server, scenario.request)
            error = scenario.expected_for(name).mismatch(status, body)
            if error is not None:
                results.wrong[(name, scenario.name)] = error


def run_end_to_end(
    python: str,
    names: list[str],
    scenarios: list[str],
    rounds: int,
    seconds: int,
    log_dir: Path,
    progress: Progress,
) -> EndToEndResults:
    """Serve every framework, check the answers, then run interleaved wrk rounds."""
    chosen = [SCENARIOS[name] for name in scenarios if SCENARIOS[name].e2e]
    results = EndToEndResults(names, chosen, rounds=rounds, seconds=seconds)
    results.skipped = missing_tools()
    if results.skipped:
        progress(f"end to end skipped: {results.skipped}")
        return results
    servers = {name: Server(python, name, log_dir) for name in names}
    try:
        for server in servers.values():
            server.wait_ready()
        check_servers(servers, results)
        for index in range(rounds):
            _round(servers, results, index, seconds, log_dir)
            progress(f"end-to-end round {index + 1}/{rounds} done")
    finally:
        for server in servers.values():
            server.close()
    return results


def _round(
    servers: dict[str, Server], results: EndToEndResults, index: int, seconds: int, tmp: Path
) -> None:
    for scenario in results.scenarios:
        names = [
            name
            for name in servers
            if supports(FRAMEWORKS[name], scenario.name)
            and (name, scenario.name) not in results.wrong
        ]
        if not names:
            continue
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            if index == 0:
                run_wrk(servers[name], scenario, 1, tmp)  # warm-up, not recorded
            run = run_wrk(servers[name], scenario, seconds, tmp)
            results.runs.setdefault(scenario.name, {}).setdefault(name, []).append(run)
