"""The in-process benchmark: every scenario, every framework, in interleaved rounds.

Each framework lives in its own worker process (FastAPI and Zephyr both answer to `import
fastapi`, so they cannot share one). The orchestrator asks one worker at a time to run a
batch of calls, so the workers take turns: round r runs scenario s on A, B, C, ... (the
order rotated every round so no framework always goes first), then the next scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from benchmarks.frameworks import BY_NAME as FRAMEWORKS
from benchmarks.frameworks import supports
from benchmarks.workers import WorkerProcess

Progress = Callable[[str], None]


@dataclass(slots=True)
class InProcessResults:
    """Per-call seconds of every batch: times[scenario][framework] = one value per round.

    Attributes:
        wrong: (framework, scenario) -> what was wrong with its answer (never timed).
        counts: Calls per batch, per scenario and framework.
    """

    frameworks: list[str]
    scenarios: list[str]
    times: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    wrong: dict[tuple[str, str], str] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rounds: int = 0
    batch_seconds: float = 0.0


def check_answers(workers: dict[str, WorkerProcess], results: InProcessResults) -> None:
    """Have every worker answer every scenario once; record the wrong answers."""
    for name, worker in workers.items():
        for scenario, error in worker.ask("check")["errors"].items():
            results.wrong[(name, scenario)] = error


def timed_pairs(results: InProcessResults) -> list[tuple[str, list[str]]]:
    """(scenario, frameworks that answer it correctly), in scenario order."""
    pairs = []
    for scenario in results.scenarios:
        names = [
            name
            for name in results.frameworks
            if supports(FRAMEWORKS[name], scenario) and (name, scenario) not in results.wrong
        ]
        pairs.append((scenario, names))
    return pairs


def calibrate(
    workers: dict[str, WorkerProcess], results: InProcessResults, progress: Progress
) -> None:
    """Fix each framework's batch size per scenario so one batch takes about batch_seconds."""
    for scenario, names in timed_pairs(results):
        counts = results.counts.setdefault(scenario, {})
        for name in names:
            reply = workers[name].ask("calibrate", scenario=scenario, seconds=results.batch_seconds)
            counts[name] = int(reply["count"])
        progress(f"calibrated {scenario}: {counts}")


def run_round(workers: dict[str, WorkerProcess], results: InProcessResults, index: int) -> None:
    """One round: every scenario once on every framework, frameworks in rotated order."""
    for scenario, names in timed_pairs(results):
        if not names:
            continue
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            count = results.counts[scenario][name]
            seconds = float(workers[name].ask("time", scenario=scenario, count=count)["seconds"])
            results.times.setdefault(scenario, {}).setdefault(name, []).append(seconds / count)


def run_in_process(
    workers: dict[str, WorkerProcess],
    scenarios: list[str],
    rounds: int,
    batch_seconds: float,
    progress: Progress,
    fixed_count: int | None = None,
) -> InProcessResults:
    """Check every answer, calibrate, then run `rounds` interleaved rounds.

    Args:
        workers: One ready worker per framework, in column order.
        scenarios: The scenarios to time (all are checked).
        rounds: Number of rounds (each a batch per scenario and framework).
        batch_seconds: Target duration of one batch.
        progress: Receives one line per step.
        fixed_count: Use this many calls per batch instead of calibrating (smoke mode).
    """
    results = InProcessResults(list(workers), scenarios, rounds=rounds, batch_seconds=batch_seconds)
    check_answers(workers, results)
    for (name, scenario), error in results.wrong.items():
        progress(f"WRONG ANSWER {name} / {scenario}: {error}")
    if fixed_count is None:
        calibrate(workers, results, progress)
    else:
        for scenario, names in timed_pairs(results):
            results.counts[scenario] = dict.fromkeys(names, fixed_count)
    for index in range(rounds):
        run_round(workers, results, index)
        progress(f"in-process round {index + 1}/{rounds} done")
    return results
