"""Command line of tools/compat: run FastAPI's own test suite against Zephyr and count.

Run from the repository root: ``.venv/bin/python -m tools.compat --help``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tools.compat import env, excluded, gate, privates, readme, results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.compat",
        description=f"Run FastAPI {env.FASTAPI_VERSION}'s test suite against Zephyr.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        default=["tests"],
        help="test paths inside the sdist, e.g. tests/test_tutorial (default: tests)",
    )
    parser.add_argument("-k", dest="keyword", help="pytest -k expression")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="pytest-xdist workers; 0 runs in one process (default: 2)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=20,
        help="per-test timeout in seconds, counted as failed (default: 20)",
    )
    parser.add_argument(
        "--baseline", action="store_true", help="run against the real FastAPI instead of Zephyr"
    )
    parser.add_argument("--json", type=Path, help="write per-test outcomes and counts here")
    parser.add_argument(
        "--top", type=int, default=0, help="list only the N files with most failures (default: all)"
    )
    parser.add_argument(
        "--no-expand",
        action="store_true",
        help="count a file that fails to collect as 1 failure instead of "
        "its tests' number as collected with the real FastAPI",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="re-resolve pins and rebuild the venvs"
    )
    parser.add_argument(
        "--private-imports",
        action="store_true",
        help="only list the private fastapi modules and names the suite uses",
    )
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument(
        "--write-excluded",
        action="store_true",
        help="run the whole suite against the real FastAPI, scan it, and rewrite "
        "tools/compat/excluded.json and tools/compat/collected.txt",
    )
    modes.add_argument(
        "--write-passing",
        action="store_true",
        help="run the whole suite against Zephyr and rewrite tools/compat/passing.txt "
        "(the counted tests that pass: the CI gate's list)",
    )
    modes.add_argument(
        "--check",
        action="store_true",
        help="CI gate: run the whole suite against Zephyr; exit 1 when a test listed in "
        "tools/compat/passing.txt no longer passes",
    )
    parser.add_argument(
        "--write-readme",
        action="store_true",
        help="rewrite README.md's compat section with this run's figure (a whole-suite run "
        "against Zephyr; --write-passing does it too)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=env.DEFAULT_CACHE,
        help=f"downloads, venvs and logs (default: {env.DEFAULT_CACHE})",
    )
    parser.add_argument(
        "--keep-tmp", action="store_true", help="keep the unpacked suite and print where it is"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the suite as asked and print the counts; return the process exit code."""
    args = parse_args(argv)
    args.write_readme = args.write_readme or args.write_passing
    whole_suite = args.write_excluded or args.write_passing or args.check or args.write_readme
    if whole_suite and (args.paths != ["tests"] or args.keyword or args.no_expand):
        raise SystemExit(
            "compat: --write-excluded, --write-passing, --write-readme and --check run the "
            "whole suite; drop the paths, -k and --no-expand"
        )
    if args.write_excluded:
        if args.write_readme:
            raise SystemExit("compat: --write-readme records a run against Zephyr")
        args.baseline = True
    elif whole_suite and args.baseline:
        raise SystemExit(
            "compat: --write-passing, --write-readme and --check judge Zephyr, not --baseline"
        )
    started = time.monotonic()
    cache: Path = args.cache_dir.expanduser().resolve()
    if cache == env.REPO_ROOT or env.REPO_ROOT in cache.parents:
        raise SystemExit("compat: --cache-dir must be outside the repository")
    sdist = env.download_sdist(cache)
    workdir = Path(tempfile.mkdtemp(prefix="zephyr-compat-"))
    try:
        suite = env.unpack(sdist, workdir)
        if args.private_imports:
            print(privates.report(suite.root, suite.fastapi_modules, suite.fastapi_privates))
            return 0
        return run_and_count(args, cache, sdist, suite, started)
    finally:
        if args.keep_tmp:
            print(f"compat: unpacked suite kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run_and_count(
    args: argparse.Namespace, cache: Path, sdist: Path, suite: env.Suite, started: float
) -> int:
    """Build the venv for the chosen mode, run pytest there, then count and report."""
    for path in args.paths:
        if not (suite.root / path.split("::")[0]).exists():
            raise SystemExit(f"compat: no {path} in FastAPI's sdist (paths are like tests/...)")
    requirements = env.suite_requirements(suite.root / "pyproject.toml")
    requirements += env.resolved_pins(cache, args.rebuild)
    mode = "baseline" if args.baseline else "zephyr"
    if args.baseline:
        python = env.build_baseline_venv(cache, sdist, requirements, args.rebuild)
    else:
        python = env.build_zephyr_venv(cache, requirements, args.rebuild)
    known_ids = None
    if not (args.no_expand or args.keyword):
        known_ids = known_test_ids(args, cache, sdist, suite, requirements)
    log = cache / "logs" / f"{mode}-last.log"
    # Per-run files live in the run's temporary folder: two runs at once (a developer's and
    # scripts/test) share the cache but must not read each other's outcomes.
    cmd = pytest_command(python, args, suite, suite.root.parent / f"{mode}-raw.json")
    print(
        f"compat: running FastAPI {env.FASTAPI_VERSION}'s suite against {mode}; log: {log}",
        flush=True,
    )
    run_started = time.monotonic()
    raw = run_pytest(cmd, suite, python, alias=not args.baseline, log=log)
    # With -k the expected set is unknowable; node ids with `::` are not paths to scope by.
    paths_only = all("::" not in path for path in args.paths)
    scope = None if args.keyword or not paths_only else [p.rstrip("/") for p in args.paths]
    if known_ids is not None and scope is not None:
        retry_unreported(raw, results.unreported(raw, known_ids, scope), args, suite, python, cache)
    tests = results.merge(raw, known_ids, scope)
    if raw["exitstatus"] not in (0, 1):
        print(
            f"compat: WARNING: pytest ended with status {raw['exitstatus']} (interrupted or "
            f"internal error); unfinished tests count as missing. See {log}",
            file=sys.stderr,
        )
    if args.write_excluded:
        write_excluded(suite, tests)
    exclusions = excluded.load()
    regressed: list[str] = []
    if args.check:
        regressed = check_gate(tests, args, suite, python, cache)
    run_seconds = time.monotonic() - run_started
    summary = results.summarize(tests, exclusions)
    if args.write_passing:
        gate.write_passing(tests)
    if args.write_readme:
        readme.update(summary)
    total = time.monotonic() - started
    print(f"compat: pytest ran {run_seconds:.0f}s of {total:.0f}s wall time", flush=True)
    if args.json:
        meta = run_metadata(args, mode, cmd, raw, run_seconds, total, known_ids is not None)
        results.write_json(args.json, meta, summary, tests)
    print(results.report(summary, args.top), flush=True)
    return 1 if regressed else 0


def known_test_ids(
    args: argparse.Namespace, cache: Path, sdist: Path, suite: env.Suite, requirements: list[str]
) -> list[str]:
    """Return the ids of every test the real FastAPI collects.

    They come from the committed tools/compat/collected.txt when it exists (so a Zephyr run
    needs no FastAPI install at all), else from a collect-only run with the real FastAPI.
    --write-excluded always collects afresh and rewrites the file.
    """
    if not args.write_excluded and not args.rebuild and gate.COLLECTED_FILE.exists():
        return gate.read_ids(gate.COLLECTED_FILE)
    # In baseline mode that venv was just built (or rebuilt) by the caller.
    rebuild = args.rebuild and not args.baseline
    ids = baseline_test_ids(cache, sdist, suite, requirements, rebuild)
    if args.write_excluded:
        gate.write_ids(gate.COLLECTED_FILE, ids, "every test id the real FastAPI collects")
    return ids


def write_excluded(suite: env.Suite, tests: results.Results) -> None:
    """Rewrite excluded.json from a baseline run's outcomes and a scan of the suite."""
    entries = [
        *excluded.baseline_entries(tests),
        *excluded.scan_entries(suite.root, suite.fastapi_privates),
    ]
    meta = {
        "fastapi_version": env.FASTAPI_VERSION,
        "generated_by": ".venv/bin/python -m tools.compat --write-excluded",
        "categories": {
            "baseline": "not passed by the real FastAPI on this machine (baseline run)",
            "tooling": "tests of FastAPI's repository scripts or its `fastapi` command",
            "private": "uses underscore-private FastAPI names (imports, patches, attributes)",
        },
        "provided_privates": excluded.PROVIDED_PRIVATES,
    }
    exclusions = excluded.Exclusions(entries)
    excluded.write(excluded.EXCLUDED_FILE, exclusions, meta)
    print(f"compat: wrote {len(exclusions.entries)} entries to {excluded.EXCLUDED_FILE}")


def check_gate(
    tests: results.Results,
    args: argparse.Namespace,
    suite: env.Suite,
    python: Path,
    cache: Path,
) -> list[str]:
    """Return the listed passing tests that no longer pass, after one retry in one process.

    The retry keeps a test that failed once under load (a timing-sensitive test on a busy CI
    machine) from failing the gate; it is still reported.
    """
    expected = gate.read_ids(gate.PASSING_FILE)
    regressed = gate.regressions(tests, expected)
    if not regressed:
        print(f"compat gate: all {len(expected)} tests of {gate.PASSING_FILE.name} pass")
        return []
    print(f"compat gate: {len(regressed)} listed tests did not pass; running them again")
    raw: dict[str, Any] = {"tests": {}, "collection": {}}
    retry_unreported(raw, regressed, args, suite, python, cache)
    for test_id, info in raw["tests"].items():
        if info["outcome"] in excluded.PASSED:
            print(f"compat gate: flaky (passed on retry): {test_id}")
        tests[test_id] = info  # the retry's outcome (and message) is the verdict
    still = gate.regressions(tests, expected)
    for test_id in still:
        info = tests.get(test_id, {"outcome": "missing", "message": results.MISSING_MESSAGE})
        print(f"compat gate: REGRESSION {test_id}: {info['outcome']} {info.get('message', '')}")
    if still:
        print(
            f"compat gate: FAILED, {len(still)} tests of tools/compat/{gate.PASSING_FILE.name} "
            "no longer pass"
        )
    return still


def pytest_command(
    python: Path, args: argparse.Namespace, suite: env.Suite, raw: Path
) -> list[str]:
    """Return the pytest command line; FastAPI's own pyproject.toml supplies the rest."""
    # pytest-timeout interrupts a slow test once; a test that hangs again after that (in
    # teardown, or while its event loop cancels tasks) is killed by the plugin at this limit.
    hard_limit = 2 * args.timeout + 10
    cmd = [str(python), "-m", "pytest", *args.paths,
           "-p", "zephyr_compat_plugin", "--zephyr-compat-json", str(raw),
           f"--zephyr-compat-hard-limit={hard_limit:g}",
           # Without it one file that fails to import stops the whole run before any test.
           "--continue-on-collection-errors",
           f"--timeout={args.timeout:g}", "-p", "no:cacheprovider", "-q", "--tb=short"]  # fmt: skip
    if args.keyword:
        cmd += ["-k", args.keyword]
    if args.workers > 0:
        # Each killed worker is replaced; xdist's default allows only 4 per worker.
        cmd += ["-n", str(args.workers), "--max-worker-restart=500"]
    return cmd


def retry_unreported(
    raw: dict[str, Any],
    test_ids: list[str],
    args: argparse.Namespace,
    suite: env.Suite,
    python: Path,
    cache: Path,
) -> None:
    """Run once more, in one process, the tests that got no result; fold results into ``raw``.

    pytest-xdist can drop a dead worker's queued tests when the other worker has already been
    shut down. What still gets no result is then counted as ``missing``.
    """
    if not test_ids:
        return
    print(f"compat: running {len(test_ids)} tests again in one process", flush=True)
    id_file = suite.root.parent / "retry-ids.txt"
    id_file.write_text("\n".join(test_ids) + "\n")  # pytest reads arguments from @file.
    retry_args = argparse.Namespace(**{**vars(args), "paths": [f"@{id_file}"], "workers": 0})
    cmd = pytest_command(python, retry_args, suite, suite.root.parent / "retry-raw.json")
    again = run_pytest(cmd, suite, python, not args.baseline, cache / "logs" / "retry-last.log")
    raw["tests"].update(again["tests"])
    raw["collection"].update(again["collection"])
    raw["retry_exitstatus"] = again["exitstatus"]


def run_pytest(cmd: list[str], suite: env.Suite, python: Path, alias: bool, log: Path) -> Any:
    """Run pytest in the suite's root with output to ``log``; return the plugin's raw JSON."""
    raw_path = Path(cmd[cmd.index("--zephyr-compat-json") + 1])
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    raw_path.unlink(missing_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    run_env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", env.ALIAS_ENV)
    }
    run_env["PYTHONPATH"] = str(suite.plugin_dir)
    # Tests that start `python`, `coverage` or `fastapi` by name must get the venv's.
    run_env["PATH"] = f"{python.parent}{os.pathsep}{run_env.get('PATH', '')}"
    if alias:
        run_env[env.ALIAS_ENV] = "1"
    with log.open("w") as out:
        code = subprocess.run(
            cmd,
            cwd=suite.root,
            env=run_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    if not raw_path.exists():
        tail = log.read_text(errors="replace").splitlines()[-30:]
        print("\n".join(tail), file=sys.stderr)
        raise SystemExit(f"compat: pytest exited {code.returncode} without results; see {log}")
    return json.loads(raw_path.read_text())


def baseline_test_ids(
    cache: Path, sdist: Path, suite: env.Suite, requirements: list[str], rebuild: bool
) -> list[str]:
    """Return every test id the real FastAPI collects (one collect-only run, cached).

    The cache lives inside the baseline venv, so it is redone whenever that venv is rebuilt
    (new dependencies can change what gets collected, e.g. tests that skip without orjson).
    """
    python = env.build_baseline_venv(cache, sdist, requirements, rebuild)
    path = python.parent.parent / "zephyr-compat-collected.json"
    if not path.exists():
        raw = cache / "logs" / "collect-raw.json"
        cmd = [str(python), "-m", "pytest", "tests", "--collect-only", "-q",
               "-p", "zephyr_compat_plugin", "--zephyr-compat-json", str(raw),
               "--continue-on-collection-errors", "-p", "no:cacheprovider"]  # fmt: skip
        print("compat: collecting test ids with the real FastAPI", flush=True)
        log = cache / "logs" / "collect-last.log"
        collected = run_pytest(cmd, suite, python, alias=False, log=log)["collected"]
        path.write_text(json.dumps(collected, indent=0))
    ids: list[str] = json.loads(path.read_text())
    return ids


def run_metadata(
    args: argparse.Namespace,
    mode: str,
    cmd: list[str],
    raw: Any,
    run_seconds: float,
    total: float,
    expanded: bool,
) -> dict[str, Any]:
    """Return what the JSON file says about the run besides the outcomes."""
    commit = subprocess.run(
        ["git", "-C", str(env.REPO_ROOT), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "mode": mode,
        "fastapi_version": env.FASTAPI_VERSION,
        "zephyr_commit": commit or None,
        "paths": args.paths,
        "keyword": args.keyword,
        "workers": args.workers,
        "timeout_s": args.timeout,
        "collection_errors_expanded": expanded,
        "pytest_command": cmd,
        "pytest_exitstatus": raw["exitstatus"],
        "retry_exitstatus": raw.get("retry_exitstatus"),
        "pytest_seconds": round(run_seconds, 1),
        "wall_seconds": round(total, 1),
    }
