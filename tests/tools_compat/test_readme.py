"""The README's compat section: rendered from a run's summary, rewritten in place."""

from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from tools.compat import readme
from tools.compat.results import Summary

WHEN = datetime(2026, 11, 22, tzinfo=timezone.utc)


def summary(passed: int, failed: int) -> Summary:
    return Summary(
        outcomes=Counter({"passed": passed, "failed": failed}),
        excluded=Counter({"baseline": 10, "private": 400, "tooling": 19}),
    )


def test_section_states_the_figure_date_and_command() -> None:
    text = readme.section(summary(970, 30), WHEN)

    assert "**970 of 1000 counted tests pass (97.0%)**, 30 fail" in text
    assert "2026-11-22" in text
    assert "429 tests" in text
    assert ".venv/bin/python -m tools.compat " in text
    assert "--check" in text


def test_a_new_section_goes_before_the_benchmarks(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text("# Title\n\n<!-- bench:start -->\nbench\n<!-- bench:end -->\n")

    readme.update(summary(1, 0), path, WHEN)

    text = path.read_text()
    assert text.index(readme.START) < text.index(readme.END) < text.index(readme.BEFORE)
    assert text.startswith("# Title\n\n<!-- compat:start -->\n## FastAPI compatibility")
    assert text.endswith("<!-- bench:start -->\nbench\n<!-- bench:end -->\n")


def test_an_existing_section_is_replaced_in_place(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text("a\n<!-- compat:start -->\nold figure\n<!-- compat:end -->\nb\n")

    readme.update(summary(2, 1), path, WHEN)
    once = path.read_text()
    readme.update(summary(2, 1), path, WHEN)

    assert path.read_text() == once
    assert "old figure" not in once
    assert once.startswith("a\n<!-- compat:start -->\n") and once.endswith(
        "<!-- compat:end -->\nb\n"
    )
    assert once.count(readme.START) == 1


def test_without_either_marker_the_section_is_appended(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text("# Title\n")

    readme.update(summary(1, 1), path, WHEN)

    assert path.read_text().endswith(f"{readme.END}\n")


def test_the_repository_readme_has_the_section_before_the_benchmarks() -> None:
    text = readme.README.read_text()

    assert text.index(readme.START) < text.index(readme.END) < text.index(readme.BEFORE)
