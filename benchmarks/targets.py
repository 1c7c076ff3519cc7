"""The targets Zephyr must show (ratios measured in one run), and their evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.stats import paired_ratio


@dataclass(frozen=True, slots=True)
class Target:
    """A ceiling on Zephyr/FastAPI, optionally "no slower than" another column.

    Attributes:
        ceiling: The highest allowed Zephyr/FastAPI time ratio.
        strict: The ratio must stay strictly below the ceiling.
        not_slower_than: A column Zephyr's time must not exceed (Zephyr/it <= 1).
    """

    ceiling: float
    strict: bool = False
    not_slower_than: str | None = None

    def describe(self, labels: dict[str, str]) -> str:
        text = f"{'<' if self.strict else '≤'} {self.ceiling:.2f}"
        if self.not_slower_than:
            text += f", ≤ {labels[self.not_slower_than]}"
        return text


IN_PROCESS: dict[str, Target] = {
    "hello": Target(0.25, not_slower_than="starlette"),
    "path_query": Target(0.15, not_slower_than="starlette"),
    "body_model": Target(0.30),
    "deps_async": Target(0.25),
    "deps_sync": Target(0.15),
    "sync_endpoint": Target(0.50),
    "models_100": Target(0.60),
    "last_route": Target(0.20),
}
OTHERWISE = Target(1.0, strict=True, not_slower_than="litestar")

# End to end: Zephyr's requests/s at least this multiple of FastAPI's.
E2E_MIN_SPEEDUP = {"hello": 2.5, "path_query": 2.5}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of one target: met or not, and the measured ratios behind it."""

    met: bool | None  # None: could not be measured
    ratio: float | None
    floor_ratio: float | None
    note: str = ""


def in_process_target(scenario: str) -> Target:
    return IN_PROCESS.get(scenario, OTHERWISE)


def judge_in_process(scenario: str, times: dict[str, list[float]]) -> Verdict:
    """Judge Zephyr's times against FastAPI's (and the target's other column) in one run."""
    target = in_process_target(scenario)
    if "zephyr" not in times or "fastapi" not in times:
        return Verdict(None, None, None, "not measured")
    ratio = paired_ratio(times["zephyr"], times["fastapi"])
    assert ratio is not None
    met = ratio < target.ceiling if target.strict else ratio <= target.ceiling
    floor_ratio = None
    other = target.not_slower_than
    if other is not None and other in times:
        floor_ratio = paired_ratio(times["zephyr"], times[other])
        met = met and floor_ratio is not None and floor_ratio <= 1.0
    return Verdict(met, ratio, floor_ratio)


def judge_at_most(zephyr: list[float], fastapi: list[float]) -> Verdict:
    """Zephyr's value must not exceed FastAPI's (startup time, memory, OpenAPI time)."""
    ratio = paired_ratio(zephyr, fastapi)
    if ratio is None:
        return Verdict(None, None, None, "not measured")
    return Verdict(ratio <= 1.0, ratio, None)
