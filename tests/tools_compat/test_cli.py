"""The command line: argument checks, the pytest command and the CI gate's verdict."""

from pathlib import Path
from typing import Any

import pytest
from tools.compat import cli, env, gate


@pytest.mark.parametrize(
    "argv",
    [
        ["--check", "tests/test_path.py"],
        ["--write-passing", "-k", "body"],
        ["--write-readme", "--no-expand"],
        ["--check", "--baseline"],
        ["--write-readme", "--baseline"],
    ],
)
def test_gate_modes_refuse_partial_or_baseline_runs(argv: list[str]) -> None:
    with pytest.raises(SystemExit, match="compat: "):
        cli.main(argv)


def test_gate_modes_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--check", "--write-passing"])
    assert "not allowed with" in capsys.readouterr().err


def test_pytest_command_passes_the_suite_options(tmp_path: Path) -> None:
    args = cli.parse_args(["tests/test_path.py", "-k", "item", "--workers", "3"])
    suite = env.Suite(tmp_path, tmp_path, frozenset(), frozenset())

    cmd = cli.pytest_command(Path("/py"), args, suite, Path("/raw.json"))

    assert cmd[:4] == ["/py", "-m", "pytest", "tests/test_path.py"]
    assert cmd[cmd.index("--zephyr-compat-json") + 1] == "/raw.json"
    assert cmd[cmd.index("-k") + 1] == "item"
    assert cmd[cmd.index("-n") + 1] == "3"
    assert "--timeout=20" in cmd


def test_check_gate_retries_then_reports_only_real_regressions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    passing = tmp_path / "passing.txt"
    gate.write_ids(passing, ["t.py::ok", "t.py::flaky", "t.py::broken", "t.py::gone"], "ids")
    monkeypatch.setattr(gate, "PASSING_FILE", passing)
    retried: list[list[str]] = []

    def fake_retry(raw: dict[str, Any], ids: list[str], *args: Any) -> None:
        retried.append(ids)
        raw["tests"].update(
            {
                "t.py::flaky": {"outcome": "passed"},
                "t.py::broken": {"outcome": "failed", "message": "AssertionError: boom"},
            }
        )

    monkeypatch.setattr(cli, "retry_unreported", fake_retry)
    tests = {
        "t.py::ok": {"outcome": "passed"},
        "t.py::flaky": {"outcome": "timeout"},
        "t.py::broken": {"outcome": "failed"},
    }
    args = cli.parse_args(["--check"])

    regressed = cli.check_gate(tests, args, None, Path("/py"), tmp_path)  # type: ignore[arg-type]

    assert retried == [["t.py::broken", "t.py::flaky", "t.py::gone"]]
    assert regressed == ["t.py::broken", "t.py::gone"]
    assert tests["t.py::flaky"]["outcome"] == "passed"
    out = capsys.readouterr().out
    assert "flaky (passed on retry): t.py::flaky" in out
    assert "REGRESSION t.py::broken: failed AssertionError: boom" in out
    assert "REGRESSION t.py::gone: missing" in out
    assert "FAILED, 2 tests" in out


def test_check_gate_passes_without_retry_when_all_listed_tests_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    passing = tmp_path / "passing.txt"
    gate.write_ids(passing, ["t.py::ok"], "ids")
    monkeypatch.setattr(gate, "PASSING_FILE", passing)
    monkeypatch.setattr(cli, "retry_unreported", lambda *a: pytest.fail("no retry expected"))
    tests = {"t.py::ok": {"outcome": "passed"}, "t.py::new": {"outcome": "failed"}}

    regressed = cli.check_gate(tests, cli.parse_args(["--check"]), None, Path("/py"), tmp_path)  # type: ignore[arg-type]

    assert regressed == []
