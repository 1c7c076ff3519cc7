"""Startup and size of the 300-route app: one fresh process per measurement, interleaved."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field

from benchmarks.inprocess import Progress
from benchmarks.workers import REPO, bench_env


@dataclass(slots=True)
class StartupResults:
    """samples[framework] = one probe result per repetition (see startup_probe.py)."""

    frameworks: list[str]
    samples: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    repetitions: int = 0


def probe(python: str, name: str) -> dict[str, object]:
    """Run one startup probe in a fresh interpreter and return its measurements."""
    completed = subprocess.run(
        [python, "-m", "benchmarks.startup_probe", name],
        cwd=REPO,
        env=bench_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr.strip().splitlines()[-1])
    result: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def run_startup(
    python: str, names: list[str], repetitions: int, progress: Progress
) -> StartupResults:
    """Probe every framework `repetitions` times, taking turns (order rotated per round).

    One unrecorded probe per framework comes first, so that every measured one finds the
    bytecode caches written and the files in the OS page cache (Zephyr's sources change
    often; their first import after an edit would otherwise pay for compiling them).
    """
    results = StartupResults(names, repetitions=repetitions)
    for name in names:
        try:
            probe(python, name)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            results.failed[name] = str(exc)
    for index in range(repetitions):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            if name in results.failed:
                continue
            try:
                sample = probe(python, name)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                results.failed[name] = str(exc)
                progress(f"startup probe {name} failed: {exc}")
                continue
            results.samples.setdefault(name, []).append(sample)
        progress(f"startup round {index + 1}/{repetitions} done")
    return results
