"""Turn the plugin's raw outcomes into per-test results, counts and the printed summary."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.compat.excluded import Exclusions

# Every way a test can fail to pass that counts against us. `collection_error` marks a test
# that never ran because its file (or package) failed to import; `crashed`, one whose process
# died (or was killed for hanging past the timeout); `missing`, one that FastAPI collects but
# that got no result at all.
FAILED = ("failed", "error", "timeout", "crashed", "collection_error", "missing")
MISSING_MESSAGE = "collected with the real FastAPI, but got no result here"
Results = dict[str, dict[str, str]]


@dataclass
class Summary:
    """Counts of one run: per outcome and failures per test file, for the counted tests;
    the excluded ones (see excluded.py) are tallied apart."""

    outcomes: Counter[str] = field(default_factory=Counter)
    failures_by_file: Counter[str] = field(default_factory=Counter)
    broken_collectors: list[str] = field(default_factory=list)
    excluded: Counter[str] = field(default_factory=Counter)
    excluded_passed: int = 0

    @property
    def passed(self) -> int:
        """Return counted tests that passed, unexpected passes of xfail tests included."""
        return self.outcomes["passed"] + self.outcomes["xpassed"]

    @property
    def failed(self) -> int:
        """Return counted tests that failed in any way, collection errors and timeouts
        included."""
        return sum(self.outcomes[name] for name in FAILED)

    @property
    def percent(self) -> float:
        """Return the share of counted tests that passed (skips are not counted)."""
        total = self.passed + self.failed
        return 100.0 * self.passed / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Return the summary as plain JSON-ready data."""
        return {
            "passed": self.passed,
            "failed": self.failed,
            "percent_of_counted": round(self.percent, 2),
            "outcomes": dict(sorted(self.outcomes.items())),
            "failures_by_file": dict(self.failures_by_file.most_common()),
            "collection_errors": self.broken_collectors,
            "excluded": dict(sorted(self.excluded.items())),
            "excluded_passed": self.excluded_passed,
        }


def merge(raw: dict[str, Any], known_ids: list[str] | None, scope: list[str] | None) -> Results:
    """Return one outcome per test id, charging collection errors to the tests they hid.

    Args:
        raw: What the pytest plugin wrote.
        known_ids: Test ids collected with the real FastAPI, or None when unknown. A file that
            fails to import reports no tests: each known test under it then counts as a
            ``collection_error``; without ``known_ids`` the file itself counts as one.
        scope: The paths that were run, or None when a ``-k`` filter makes the expected set
            unknowable. Known tests in scope that got no result at all (an interrupted run, a
            crashed worker) are counted as ``missing``, which is a failure.
    """
    tests: Results = dict(raw["tests"])
    for node, info in sorted(raw["collection"].items()):
        if info["outcome"] == "skipped":
            # A module-level skip: nothing under it was collected; count the file once.
            tests.setdefault(node, {"outcome": "skipped", "message": info["message"]})
            continue
        entry = {"outcome": "collection_error", "message": info["message"], "collector": node}
        hidden = [t for t in known_ids or [] if _is_under(t, node) and t not in tests]
        for test_id in hidden or [node]:
            tests[test_id] = entry
    if known_ids is not None and scope is not None:
        for test_id in unreported(raw, known_ids, scope):
            tests[test_id] = {"outcome": "missing", "message": MISSING_MESSAGE}
    return dict(sorted(tests.items()))


def unreported(raw: dict[str, Any], known_ids: list[str], scope: list[str]) -> list[str]:
    """Return known tests within ``scope`` that got no result and no collector explains."""
    collectors = list(raw["collection"])
    return [
        test_id
        for test_id in known_ids
        if test_id not in raw["tests"]
        and any(_is_under(test_id, path) for path in scope)
        and not any(_is_under(test_id, node) for node in collectors)
    ]


def _is_under(test_id: str, collector: str) -> bool:
    return test_id.startswith(collector + "::") or test_id.startswith(collector.rstrip("/") + "/")


def summarize(tests: Results, exclusions: Exclusions | None = None) -> Summary:
    """Count outcomes and failing tests per file; excluded tests are only tallied apart.

    Each excluded test gets an ``excluded`` field (its category) in ``tests``.
    """
    summary = Summary()
    collectors: set[str] = set()
    for test_id, info in tests.items():
        outcome = info["outcome"]
        category = exclusions.category(test_id) if exclusions is not None else None
        if category is not None:
            info["excluded"] = category
            summary.excluded[category] += 1
            summary.excluded_passed += outcome in ("passed", "xpassed")
            continue
        summary.outcomes[outcome] += 1
        if outcome in FAILED:
            summary.failures_by_file[test_id.split("::")[0]] += 1
        if "collector" in info:
            collectors.add(info["collector"])
    summary.broken_collectors = sorted(collectors)
    return summary


def report(summary: Summary, top: int) -> str:
    """Return the printed report; its last line is `final_line`."""
    lines = [f"counted test files with failures ({len(summary.failures_by_file)}):"]
    ranked = summary.failures_by_file.most_common(top or None)
    lines += [f"  {count:5d}  {path}" for path, count in ranked]
    if top and len(summary.failures_by_file) > top:
        lines.append(f"  ... {len(summary.failures_by_file) - top} more files (see --json)")
    o = summary.outcomes
    lines.append(
        f"compat detail: {o['failed']} failed, {o['error']} errors, {o['timeout']} timeouts, "
        f"{o['crashed']} crashed, "
        f"{o['collection_error']} in collection errors of {len(summary.broken_collectors)} "
        f"files, {o['missing']} missing; not run: {o['skipped']} skipped, {o['xfailed']} xfailed; "
        f"{o['xpassed']} xpassed (counted as passed)"
    )
    excluded = summary.excluded
    lines.append(
        f"compat excluded (tools/compat/excluded.json): {sum(excluded.values())} tests "
        f"({excluded['baseline']} not passing with the real FastAPI, {excluded['tooling']} "
        f"repository tooling/CLI, {excluded['private']} private names); "
        f"{summary.excluded_passed} of them pass on Zephyr anyway"
    )
    lines.append(final_line(summary))
    return "\n".join(lines)


def final_line(summary: Summary) -> str:
    """Return ``compat: N passed, M failed (X% of counted)``, always printed last."""
    return (
        f"compat: {summary.passed} passed, {summary.failed} failed "
        f"({summary.percent:.1f}% of counted)"
    )


def write_json(path: Path, meta: dict[str, Any], summary: Summary, tests: Results) -> None:
    """Write the machine-readable result: run metadata, summary and per-test outcomes."""
    data = {**meta, "summary": summary.as_dict(), "tests": tests}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))
