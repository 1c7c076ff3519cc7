"""The CI gate's id lists: reading, writing, and what counts as a regression."""

from pathlib import Path

import pytest
from tools.compat import excluded, gate, results


def outcomes(**by_id: str) -> results.Results:
    return {test_id.replace("__", "::"): {"outcome": o} for test_id, o in by_id.items()}


def test_ids_round_trip_sorted_and_deduplicated(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    gate.write_ids(path, ["b::t", "a::t", "b::t"], "some ids")

    text = path.read_text()
    assert text.startswith("# some ids: FastAPI ")
    assert gate.read_ids(path) == ["a::t", "b::t"]


def test_read_ids_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text("# header\n\n  tests/a.py::t  \n#tests/b.py::t\n")

    assert gate.read_ids(path) == ["tests/a.py::t"]


def test_read_ids_of_a_missing_file_stops_with_a_message(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="does not exist"):
        gate.read_ids(tmp_path / "nope.txt")


def test_passing_ids_are_counted_passes_only() -> None:
    tests = {
        "tests/a.py::ok": {"outcome": "passed"},
        "tests/a.py::xp": {"outcome": "xpassed"},
        "tests/a.py::bad": {"outcome": "failed"},
        "tests/a.py::skip": {"outcome": "skipped"},
        "tests/b.py::ok": {"outcome": "passed"},
    }
    exclusions = excluded.Exclusions([excluded.Entry("tests/b.py", "private", "why")])
    results.summarize(tests, exclusions)  # marks the excluded ones

    assert gate.passing_ids(tests) == ["tests/a.py::ok", "tests/a.py::xp"]


def test_regressions_are_listed_tests_that_did_not_pass_or_did_not_run() -> None:
    tests = {
        "tests/a.py::ok": {"outcome": "passed"},
        "tests/a.py::bad": {"outcome": "failed"},
        "tests/a.py::slow": {"outcome": "timeout"},
    }
    expected = ["tests/a.py::ok", "tests/a.py::bad", "tests/a.py::slow", "tests/a.py::gone"]

    assert gate.regressions(tests, expected) == [
        "tests/a.py::bad",
        "tests/a.py::slow",
        "tests/a.py::gone",
    ]


def test_write_passing_reports_what_it_drops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "passing.txt"
    monkeypatch.setattr(gate, "PASSING_FILE", path)
    gate.write_ids(path, ["tests/a.py::old", "tests/a.py::kept"], "listed")
    tests = {
        "tests/a.py::kept": {"outcome": "passed"},
        "tests/a.py::old": {"outcome": "failed"},
        "tests/a.py::new": {"outcome": "passed"},
    }

    gate.write_passing(tests)

    assert gate.read_ids(path) == ["tests/a.py::kept", "tests/a.py::new"]
    out = capsys.readouterr().out
    assert "no longer passes): tests/a.py::old" in out
    assert "(+1, -1)" in out


def test_committed_passing_list_only_names_collected_counted_tests() -> None:
    if not gate.PASSING_FILE.exists():
        pytest.skip("no passing.txt yet")
    collected = set(gate.read_ids(gate.COLLECTED_FILE))
    exclusions = excluded.load()
    for test_id in gate.read_ids(gate.PASSING_FILE):
        assert test_id in collected, test_id
        assert exclusions.category(test_id) is None, test_id
