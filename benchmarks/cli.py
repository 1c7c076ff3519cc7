"""`python3 -m benchmarks`: the whole suite, or `--smoke`, or `--profile SCENARIO`.

The orchestrator (this process) imports no framework: it creates the bench venv, starts
one worker process per framework and takes their measurements in turns. See README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from benchmarks import env, rawdata, report
from benchmarks.e2e import run_end_to_end
from benchmarks.frameworks import FRAMEWORKS
from benchmarks.inprocess import InProcessResults, run_in_process
from benchmarks.scenarios import BY_NAME as SCENARIOS
from benchmarks.startup import run_startup
from benchmarks.workers import REPO, WorkerError, WorkerProcess, start_workers

RESULTS = REPO / "benchmarks" / "results"
ALL_PARTS = ("inprocess", "e2e", "startup")
T = TypeVar("T")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 -m benchmarks", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="one checked short round")
    parser.add_argument("--only", default=",".join(ALL_PARTS), help="parts: inprocess,e2e,startup")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated")
    parser.add_argument("--rounds", type=int, default=21, help="in-process rounds")
    parser.add_argument("--batch-ms", type=float, default=50.0, help="in-process batch length")
    parser.add_argument("--e2e-rounds", type=int, default=3)
    parser.add_argument("--e2e-seconds", type=int, default=5)
    parser.add_argument("--startup-reps", type=int, default=7)
    parser.add_argument("--venv", type=Path, default=env.DEFAULT_VENV, help="bench venv path")
    parser.add_argument("--python", help="use this interpreter instead of the bench venv")
    parser.add_argument("--no-write", action="store_true", help="print only; write no files")
    parser.add_argument("--render", action="store_true", help="re-render from latest.json")
    parser.add_argument("--profile", metavar="SCENARIO", help="profile one scenario and exit")
    parser.add_argument("--framework", default="zephyr", help="framework for --profile")
    parser.add_argument("--count", type=int, default=2000, help="calls for --profile")
    return parser.parse_args(argv)


def progress(line: str) -> None:
    print(f"[bench] {line}", file=sys.stderr, flush=True)


def importable(python: str, module: str) -> bool:
    command = [python, "-c", f"import {module}"]
    return subprocess.run(command, capture_output=True).returncode == 0


def selected_scenarios(args: argparse.Namespace) -> list[str]:
    """The scenarios named by --scenarios, in the suite's order.

    Raises:
        SystemExit: an unknown scenario name.
    """
    chosen = set(args.scenarios.split(","))
    unknown = chosen - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"unknown scenarios {sorted(unknown)}; choose from {', '.join(SCENARIOS)}")
    return [name for name in SCENARIOS if name in chosen]


def framework_names(python: str, smoke: bool) -> list[str]:
    """The columns to measure; in smoke mode Litestar is optional (the main venv lacks it)."""
    names = [framework.name for framework in FRAMEWORKS]
    if smoke and not importable(python, "litestar"):
        progress("litestar is not installed in this venv: its column is skipped")
        names.remove("litestar")
    return names


def measure_in_process(
    python: str, names: list[str], args: argparse.Namespace, log_dir: Path
) -> tuple[InProcessResults, str]:
    """Run the in-process part; return the results and the workers' event loop name."""
    workers = start_workers(python, names, log_dir)
    try:
        loop = next(iter(workers.values())).loop_name
        scenarios = selected_scenarios(args)
        if args.smoke:
            results = run_in_process(workers, scenarios, 1, 0.0, progress, fixed_count=2)
        else:
            batch = args.batch_ms / 1000
            results = run_in_process(workers, scenarios, args.rounds, batch, progress)
    finally:
        for worker in workers.values():
            worker.close()
    return results, loop


def smoke(python: str, args: argparse.Namespace, log_dir: Path) -> int:
    """Run every in-process scenario once per framework; fail on any wrong answer.

    The last line has the "N passed, N failed" form that CI logs are read for.
    """
    names = framework_names(python, smoke=True)
    results, _ = measure_in_process(python, names, args, log_dir)
    for (name, scenario), error in sorted(results.wrong.items()):
        print(f"benchmark smoke: WRONG ANSWER from {name} for {scenario!r}: {error}")
    if results.wrong:
        print(f"benchmark smoke: worker logs in {log_dir}")
    passed = sum(len(times) for times in results.times.values())
    print(f"benchmark smoke ({', '.join(names)}); every answer checked, speed not judged")
    print(f"smoke: {passed} passed, {len(results.wrong)} failed")
    return 1 if results.wrong else 0


def profile(python: str, args: argparse.Namespace, log_dir: Path) -> int:
    """Print a profile of `--count` calls of one scenario on one framework."""
    if args.profile not in SCENARIOS:
        print(f"unknown scenario {args.profile!r}; choose from {', '.join(SCENARIOS)}")
        return 2
    worker = WorkerProcess(python, args.framework, log_dir)
    try:
        worker.wait_ready()
        errors = worker.ask("check")["errors"]
        if args.profile in errors:
            print(f"wrong answer, not profiled: {errors[args.profile]}")
            return 1
        worker.ask("time", scenario=args.profile, count=max(1, args.count // 10))  # warm up
        print(worker.ask("profile", scenario=args.profile, count=args.count)["text"])
    finally:
        worker.close()
    return 0


def attempt(part: str, failures: dict[str, str], measure: Callable[[], T]) -> T | None:
    """Run one part; on failure record why and go on, so the other parts still report."""
    try:
        return measure()
    except (WorkerError, RuntimeError, OSError, subprocess.SubprocessError) as exc:
        failures[part] = f"{type(exc).__name__}: {exc}"
        progress(f"{part} failed: {exc}")
        return None


def full_run(python: str, args: argparse.Namespace, log_dir: Path) -> int:
    """Measure the selected parts, write the report and the README section."""
    parts = set(args.only.split(","))
    names = framework_names(python, smoke=False)
    load_before = env.load_average()
    failures: dict[str, str] = {}
    in_process = e2e = startup = None
    loop = ""
    if "inprocess" in parts:
        outcome = attempt(
            "in process", failures, lambda: measure_in_process(python, names, args, log_dir)
        )
        if outcome is not None:
            in_process, loop = outcome
    if "e2e" in parts:
        e2e_names = [f.name for f in FRAMEWORKS if f.e2e and f.name in names]
        e2e = attempt(
            "end to end",
            failures,
            lambda: run_end_to_end(
                python,
                e2e_names,
                selected_scenarios(args),
                args.e2e_rounds,
                args.e2e_seconds,
                log_dir,
                progress,
            ),
        )
    if "startup" in parts:
        startup_names = [f.name for f in FRAMEWORKS if f.routes is not None and f.name in names]
        startup = attempt(
            "startup",
            failures,
            lambda: run_startup(python, startup_names, args.startup_reps, progress),
        )
    meta = report.Meta(
        date=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        cpu=env.cpu_model(),
        cores=os.cpu_count() or 0,
        platform=f"{sys.platform}, {os.uname().release}",
        load_before=load_before,
        load_after=env.load_average(),
        versions=env.versions(python),
        revision=env.git_revision(),
        command=" ".join(["python3 -m benchmarks", *sys.argv[1:]]),
        loop=loop or "uvloop",
    )
    measured: rawdata.Parts = (in_process, e2e, startup)
    if args.no_write:
        print(report.render(meta, *measured, failures))
    else:
        print(write_results(meta, measured, failures))
    if failures:
        print(f"benchmark: {len(failures)} part(s) failed; logs in {log_dir}", file=sys.stderr)
        return 1
    return 0


def write_results(meta: report.Meta, parts: rawdata.Parts, failures: dict[str, str]) -> str:
    """Write latest.md, a dated copy, latest.json and the README section; return the report."""
    text = report.render(meta, *parts, failures)
    RESULTS.mkdir(parents=True, exist_ok=True)
    dated = f"{meta.date[:10]}.md"
    (RESULTS / "latest.md").write_text(text)
    (RESULTS / dated).write_text(text)
    rawdata.dump(RESULTS / "latest.json", meta, parts, failures)
    report.update_readme(REPO / "README.md", report.readme_section(text, dated))
    progress(f"wrote {RESULTS / 'latest.md'}, {RESULTS / dated} and README.md's section")
    return text


def render_again() -> int:
    """Re-render latest.md, its dated copy and the README section from latest.json."""
    meta, parts, failures = rawdata.load(RESULTS / "latest.json")
    print(write_results(meta, parts, failures))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        return render_again()
    log_dir = Path(tempfile.mkdtemp(prefix="zephyr-bench-"))
    if args.python:
        python = args.python
    elif args.smoke:
        python = sys.executable  # the project's own venv: Zephyr and real FastAPI are there
    else:
        progress(f"preparing the bench venv {args.venv} (pip log: {log_dir / 'pip.log'})")
        python = env.ensure_venv(args.venv, log_dir / "pip.log")
    try:
        if args.profile:
            status = profile(python, args, log_dir)
        elif args.smoke:
            status = smoke(python, args, log_dir)
        else:
            status = full_run(python, args, log_dir)
    except WorkerError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        status = 1
    if status == 0:
        shutil.rmtree(log_dir, ignore_errors=True)  # logs are kept only to explain a failure
    return status
