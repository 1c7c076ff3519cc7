"""latest.json: every raw measurement of a run, written and read back (`--render`)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.e2e import EndToEndResults, WrkRun
from benchmarks.inprocess import InProcessResults
from benchmarks.report import Meta
from benchmarks.scenarios import BY_NAME as SCENARIOS
from benchmarks.startup import StartupResults

Parts = tuple[InProcessResults | None, EndToEndResults | None, StartupResults | None]


def _wrong_out(wrong: dict[tuple[str, str], str]) -> dict[str, str]:
    return {f"{framework}/{scenario}": error for (framework, scenario), error in wrong.items()}


def _wrong_in(wrong: dict[str, str]) -> dict[tuple[str, str], str]:
    return {tuple(key.split("/", 1)): error for key, error in wrong.items()}  # type: ignore[misc]


def dump(path: Path, meta: Meta, parts: Parts, failures: dict[str, str]) -> None:
    """Write the run's metadata, failures and every part's raw numbers as JSON."""
    in_process, e2e, startup = parts
    raw: dict[str, Any] = {"meta": asdict(meta), "failures": failures}
    if in_process is not None:
        raw["in_process"] = {**asdict(in_process), "wrong": _wrong_out(in_process.wrong)}
    if e2e is not None:
        data = asdict(e2e)
        data["scenarios"] = [scenario.name for scenario in e2e.scenarios]
        raw["e2e"] = {**data, "wrong": _wrong_out(e2e.wrong)}
    if startup is not None:
        raw["startup"] = asdict(startup)
    path.write_text(json.dumps(raw, indent=1) + "\n")


def load(path: Path) -> tuple[Meta, Parts, dict[str, str]]:
    """Read back what `dump` wrote."""
    raw = json.loads(path.read_text())
    in_process = e2e = startup = None
    if "in_process" in raw:
        data = raw["in_process"]
        in_process = InProcessResults(**{**data, "wrong": _wrong_in(data["wrong"])})
    if "e2e" in raw:
        data = raw["e2e"]
        runs = {
            scenario: {name: [WrkRun(**run) for run in series] for name, series in by.items()}
            for scenario, by in data["runs"].items()
        }
        e2e = EndToEndResults(
            **{
                **data,
                "scenarios": [SCENARIOS[name] for name in data["scenarios"]],
                "runs": runs,
                "wrong": _wrong_in(data["wrong"]),
            }
        )
    if "startup" in raw:
        startup = StartupResults(**raw["startup"])
    return Meta(**raw["meta"]), (in_process, e2e, startup), raw.get("failures", {})
