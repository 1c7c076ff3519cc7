"""Render the results as markdown: the full report and the README's short section."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from benchmarks.e2e import E2E_CONNECTIONS, EndToEndResults, WrkRun
from benchmarks.frameworks import BY_NAME as FRAMEWORKS
from benchmarks.inprocess import InProcessResults
from benchmarks.scenarios import BY_NAME as SCENARIOS
from benchmarks.startup import StartupResults
from benchmarks.stats import median_or_none, paired_ratio
from benchmarks.targets import (
    E2E_MIN_SPEEDUP,
    Verdict,
    in_process_target,
    judge_at_most,
    judge_in_process,
)

LABELS = {name: framework.label for name, framework in FRAMEWORKS.items()}
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"
DASH = "—"


@dataclass(frozen=True, slots=True)
class Meta:
    """What the report says about the run itself."""

    date: str
    cpu: str
    cores: int
    platform: str
    load_before: str
    load_after: str
    versions: dict[str, str]
    revision: str
    command: str
    loop: str


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown table (first column left-aligned, the others right-aligned)."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "---|" + "---:|" * (len(header) - 1))
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def micros(value: float | None) -> str:
    if value is None:
        return DASH
    us = value * 1e6
    return f"{us:.1f}" if us < 100 else f"{us:,.0f}"


def ratio(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def verdict_text(verdict: Verdict) -> str:
    if verdict.met is None:
        return verdict.note or DASH
    return "met" if verdict.met else "**MISSED**"


def header_lines(meta: Meta) -> list[str]:
    v = meta.versions
    framework_versions = ", ".join(
        f"{name} {v.get(name) or '?'}"
        for name in ("fastapi", "litestar", "starlette", "pydantic", "pydantic-core", "uvicorn")
    )
    return [
        f"- date: {meta.date}",
        f"- machine: {meta.cpu}, {meta.cores} cores ({meta.platform}); load average "
        f"before/after the run: {meta.load_before} / {meta.load_after}",
        f"- Zephyr {v.get('zephyr', '?')} at {meta.revision}; Python {v.get('python', '?')}; "
        f"{framework_versions}; event loop: {meta.loop}",
        f"- command: `{meta.command}`",
    ]


def in_process_lines(results: InProcessResults) -> list[str]:
    """The in-process table: median µs per request per column, paired ratios, target."""
    names = results.frameworks
    header = ["scenario", *(LABELS[name] + " µs" for name in names)]
    header += ["Z/FastAPI", "Z/Litestar", "Z/Starlette", "target (Z/FastAPI)", "result"]
    rows = []
    for scenario in (SCENARIOS[name] for name in results.scenarios):
        times = results.times.get(scenario.name, {})
        row = [scenario.label]
        for name in names:
            wrong = (name, scenario.name) in results.wrong
            row.append("wrong" if wrong else micros(median_or_none(times.get(name, []))))
        zephyr = times.get("zephyr", [])
        for other in ("fastapi", "litestar", "starlette"):
            row.append(ratio(paired_ratio(zephyr, times.get(other, []))))
        verdict = judge_in_process(scenario.name, times)
        if ("zephyr", scenario.name) in results.wrong:
            verdict = Verdict(False, None, None)
        row += [in_process_target(scenario.name).describe(LABELS), verdict_text(verdict)]
        rows.append(row)
    lines = [
        "### In process (ASGI app called directly, no server)",
        "",
        f"Median µs per request over {results.rounds} interleaved rounds of ~"
        f"{results.batch_seconds * 1000:.0f} ms batches; ratios are medians of per-round "
        "ratios (lower is better for Zephyr).",
        "",
        *table(header, rows),
    ]
    return lines + wrong_lines(results.wrong)


def wrong_lines(wrong: dict[tuple[str, str], str]) -> list[str]:
    if not wrong:
        return []
    lines = ["", "Wrong answers (not timed):", ""]
    for (name, scenario), error in sorted(wrong.items()):
        lines.append(f"- {LABELS[name]} / {scenario}: `{error[:300]}`")
    return lines


def _rps(runs: list[WrkRun]) -> list[float]:
    return [run.requests_per_second for run in runs]


def e2e_lines(results: EndToEndResults) -> list[str]:
    """The end-to-end table: requests/s and p50/p99 latency per column, Zephyr/FastAPI."""
    title = "### End to end (uvicorn + uvloop + httptools, 1 worker on core 0; wrk on core 1)"
    if results.skipped:
        return [title, "", f"Skipped: {results.skipped}."]
    names = results.frameworks
    header = ["scenario", *(LABELS[name] for name in names), "Z/FastAPI req/s", "target"]
    rows = []
    for name in SCENARIOS:
        runs = results.runs.get(name)
        if runs is None:
            continue
        row = [SCENARIOS[name].label]
        for framework in names:
            row.append(_e2e_cell(runs.get(framework, []), (framework, name) in results.wrong))
        speedup = paired_ratio(_rps(runs.get("zephyr", [])), _rps(runs.get("fastapi", [])))
        goal = E2E_MIN_SPEEDUP.get(name)
        met = DASH
        if goal is not None and speedup is not None:
            met = f"≥ {goal:.1f}x " + ("met" if speedup >= goal else "**MISSED**")
        rows.append([*row, DASH if speedup is None else f"{speedup:.3f}", met])
    return [
        title,
        "",
        f"Each cell: requests/s · p50 / p99 latency (median of {results.rounds} interleaved "
        f"wrk runs of {results.seconds} s, {E2E_CONNECTIONS} connections).",
        "",
        *table(header, rows),
        *wrong_lines(results.wrong),
    ]


def _e2e_cell(runs: list[WrkRun], wrong: bool) -> str:
    if wrong:
        return "wrong"
    if not runs:
        return DASH
    rps = median(run.requests_per_second for run in runs)
    p50 = median(run.p50 for run in runs) * 1000
    p99 = median(run.p99 for run in runs) * 1000
    errors = sum(run.errors for run in runs)
    suffix = f" ({errors} errors)" if errors else ""
    return f"{rps:,.0f} · {p50:.2f} / {p99:.2f} ms{suffix}"


STARTUP_METRICS = (
    ("build_seconds", "import + build + first request (ms)", 1000.0),
    ("rss_mb", "RSS after build (MB)", 1.0),
    ("openapi_seconds", "first `openapi()` (ms)", 1000.0),
    ("openapi_large_seconds", "first `openapi()` of a 501-route app (ms)", 1000.0),
)


def startup_lines(results: StartupResults) -> list[str]:
    """The startup table for the 300-route app."""
    names = results.frameworks
    header = ["300-route app", *(LABELS[name] for name in names), "Z/FastAPI", "target"]
    rows = []
    for key, label, scale in STARTUP_METRICS:
        values = {name: _metric(results, name, key) for name in names}
        row = [label]
        for name in names:
            row.append(_startup_cell(results, name, key, values[name], scale))
        verdict = judge_at_most(values.get("zephyr", []), values.get("fastapi", []))
        row += [ratio(verdict.ratio), "≤ FastAPI " + verdict_text(verdict)]
        rows.append(row)
    lines = [
        "### Startup and size (300-route app, a fresh process per measurement)",
        "",
        f"Median of {results.repetitions} interleaved repetitions.",
        "",
        *table(header, rows),
    ]
    for name, error in results.failed.items():
        lines.append(f"- {LABELS[name]} probe failed: `{error[:300]}`")
    return lines


def _metric(results: StartupResults, name: str, key: str) -> list[float]:
    values = (sample.get(key) for sample in results.samples.get(name, []))
    return [float(value) for value in values if isinstance(value, (int, float))]


def _startup_cell(
    results: StartupResults, name: str, key: str, values: list[float], scale: float
) -> str:
    if values:
        return f"{median(values) * scale:,.1f}"
    samples = results.samples.get(name, [])
    note_key = key.replace("_seconds", "_note")
    note = str(samples[0].get(note_key, "")) if samples and key.startswith("openapi") else ""
    return "n/a" if note.startswith("n/a") else DASH


Outcome = tuple[bool, str]


def in_process_outcomes(results: InProcessResults) -> list[Outcome]:
    outcomes = []
    for name in results.scenarios:
        verdict = judge_in_process(name, results.times.get(name, {}))
        if ("zephyr", name) in results.wrong:
            verdict = Verdict(False, None, None, "Zephyr answered wrongly")
        elif verdict.met is None:
            continue
        target = in_process_target(name)
        text = f"{SCENARIOS[name].label}: Zephyr/FastAPI {ratio(verdict.ratio)}"
        if target.not_slower_than:
            text += f", Zephyr/{LABELS[target.not_slower_than]} {ratio(verdict.floor_ratio)}"
        text += f" (target {target.describe(LABELS)})"
        if verdict.note:
            text += f" — {verdict.note}"
        outcomes.append((bool(verdict.met), text))
    return outcomes


def e2e_outcomes(results: EndToEndResults) -> list[Outcome]:
    outcomes = []
    for name, goal in E2E_MIN_SPEEDUP.items():
        runs = results.runs.get(name, {})
        speedup = paired_ratio(_rps(runs.get("zephyr", [])), _rps(runs.get("fastapi", [])))
        if speedup is not None:
            # Three decimals: a speedup just under the target must not print as reaching it.
            text = f"end to end, {SCENARIOS[name].label}: {speedup:.3f}x FastAPI's requests/s"
            outcomes.append((speedup >= goal, f"{text} (target ≥ {goal:.1f}x)"))
    return outcomes


def startup_outcomes(results: StartupResults) -> list[Outcome]:
    outcomes = []
    for key, label, _ in STARTUP_METRICS:
        zephyr, fastapi = _metric(results, "zephyr", key), _metric(results, "fastapi", key)
        verdict = judge_at_most(zephyr, fastapi)
        if verdict.met is not None:
            subject = label if "route app" in label else f"300-route app, {label}"
            text = f"{subject}: Zephyr/FastAPI {ratio(verdict.ratio)} (target ≤ 1)"
            outcomes.append((verdict.met, text))
    return outcomes


def target_lines(
    in_process: InProcessResults | None,
    e2e: EndToEndResults | None,
    startup: StartupResults | None,
) -> list[str]:
    """One line per target: met or missed, with the measured ratio."""
    outcomes: list[Outcome] = []
    if in_process is not None:
        outcomes += in_process_outcomes(in_process)
    if e2e is not None and not e2e.skipped:
        outcomes += e2e_outcomes(e2e)
    if startup is not None:
        outcomes += startup_outcomes(startup)
    met = sum(1 for ok, _ in outcomes if ok)
    lines = [f"### Targets: {met} met, {len(outcomes) - met} missed", ""]
    lines += [f"- {'met' if ok else '**MISSED**'} — {text}" for ok, text in outcomes]
    return lines


def render(
    meta: Meta,
    in_process: InProcessResults | None,
    e2e: EndToEndResults | None,
    startup: StartupResults | None,
    failures: dict[str, str],
) -> str:
    """The full report (benchmarks/results/latest.md)."""
    lines = ["# Zephyr benchmarks", "", *header_lines(meta), ""]
    for part, error in failures.items():
        lines += [f"**{part}: not measured** — `{error[:500]}`", ""]
    lines += [*target_lines(in_process, e2e, startup), ""]
    for section in (
        in_process_lines(in_process) if in_process else None,
        e2e_lines(e2e) if e2e else None,
        startup_lines(startup) if startup else None,
    ):
        if section:
            lines += [*section, ""]
    lines.append(
        "Zephyr runs the same FastAPI-API app file as the FastAPI column, through "
        "`zephyr.compat.install()`. Starlette and bare ASGI are hand-written floors."
    )
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, section: str) -> None:
    """Replace the README's text between the bench markers (appending them if absent)."""
    text = readme.read_text()
    block = f"{README_START}\n{section.rstrip()}\n{README_END}"
    pattern = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text)


def readme_section(report: str, dated_name: str) -> str:
    """The README's Benchmarks section: how to run, then the latest report's tables."""
    body = report.split("\n", 1)[1].lstrip()  # drop the report's own title
    body = body.replace("### ", "#### ")
    return "\n".join(
        [
            "## Benchmarks",
            "",
            "Measured side by side against FastAPI 0.165 and Litestar in one run, interleaved "
            "(`python3 -m benchmarks`; see `benchmarks/README.md`). Latest run "
            f"(`benchmarks/results/latest.md`, also `benchmarks/results/{dated_name}`):",
            "",
            body,
        ]
    )
