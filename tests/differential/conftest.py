"""Show which frameworks the differential suite compares."""

from .harness import ORACLE, SUBJECT


def pytest_report_header() -> str:
    return f"differential: {ORACLE} (oracle) vs {SUBJECT} (subject; set DIFF_SUBJECT to change)"
