"""Self-checks: the harness must notice every kind of difference, so it cannot silently pass."""

import pathlib
import re
import subprocess
import sys
import warnings

import fastapi
import fastapi.security
import pytest
from starlette.applications import Starlette

from . import harness, test_app, test_bodies, test_dependencies, test_params, test_responses
from .harness import Case, Framework, Outcome, differences, do, get, play

TOPIC_MODULES = [test_params, test_bodies, test_dependencies, test_responses, test_app]


def tiny_app(
    fw,
    log,
    *,
    body="a",
    status=200,
    headers=(("x-a", "1"),),
    log_entry="ran",
    raise_=None,
    returned="same",
    warn=None,
):
    """An app whose every observable is a knob, so two variants differ in exactly one thing."""
    app = fw.FastAPI()

    @app.get("/")
    def read():
        log.append(log_entry)
        if warn is not None:
            warnings.warn(warn, DeprecationWarning, stacklevel=1)
        if raise_ is not None:
            raise raise_
        return fw.responses.PlainTextResponse(body, status_code=status, headers=dict(headers))

    return app, [get("/", "the knobs"), do(lambda: returned, "return a value")]


VARIANTS = {
    "body": {"body": "b"},
    "status": {"status": 201},
    "header value": {"headers": (("x-a", "2"),)},
    "extra header": {"headers": (("x-a", "1"), ("x-b", "1"))},
    "header order": {"headers": (("x-b", "1"), ("x-a", "1"))},
    "side effects": {"log_entry": "other"},
    "raised": {"raise_": ValueError("boom")},
    "action returned": {"returned": "different"},
    "warning": {"warn": "old"},
}


def test_identical_apps_agree():
    first = play(tiny_app, "fastapi")
    second = play(tiny_app, "fastapi")
    assert [differences(a, b) for a, b in zip(first.steps, second.steps)] == [[], []]
    assert first.steps[0].status == 200 and first.steps[0].log == ("ran",)


@pytest.mark.parametrize("knob", list(VARIANTS))
def test_a_different_app_is_detected(knob):
    reference = play(tiny_app, "fastapi")
    variant = play(lambda fw, log: tiny_app(fw, log, **VARIANTS[knob]), "fastapi")
    found = [d for a, b in zip(reference.steps, variant.steps) for d in differences(a, b)]
    assert found, f"the harness missed a difference in {knob}"


def test_header_order_is_reported_as_such():
    found = differences(
        Outcome(status=200, headers=(("a", "1"), ("b", "2"))),
        Outcome(status=200, headers=(("b", "2"), ("a", "1"))),
    )
    assert found and "different order" in found[0]


def test_warnings_are_compared_by_category_only():
    assert differences(Outcome(warned=(("W", "a"),)), Outcome(warned=(("W", "b"),))) == []
    assert differences(Outcome(warned=(("W", "a"),)), Outcome(warned=()))


def test_allow_header_is_compared_as_a_set_only():
    assert harness.normalise_header("allow", "PUT, GET") == ("allow", "GET, PUT")
    assert harness.normalise_header("x-allow", "PUT, GET") == ("x-allow", "PUT, GET")


def test_check_fails_and_names_the_case_and_request(monkeypatch):
    builds = []

    def flaky(fw):
        builds.append(fw.package)
        app = fw.FastAPI()
        answer = len(builds)

        @app.get("/")
        def read():
            return answer

        return app, [get("/", "answers differ between the two builds")]

    monkeypatch.setattr(harness, "SUBJECT", "fastapi")
    monkeypatch.setattr(harness, "_played", {})
    case = Case("flaky", flaky, {}, steps=flaky(Framework("fastapi"))[1])
    builds.clear()
    with pytest.raises(pytest.fail.Exception, match=r"flaky#0 GET / \(answers differ"):
        harness.check(case, 0)
    assert builds == ["fastapi", "fastapi"]


def test_exception_messages_are_normalised_not_dropped():
    assert harness.describe_exception(ValueError("at 0x7f3a2b1c9d10")) == "ValueError: at 0x?"
    assert differences(Outcome(raised="A: x"), Outcome(raised="A: y"))


def test_a_case_must_build_its_app_with_fw():
    def not_fw(fw):
        return Starlette(), []

    with pytest.raises(AssertionError, match="never import a framework directly"):
        play(not_fw, "fastapi")


def test_framework_namespace_resolves_names_and_submodules():
    fw = Framework("fastapi")
    assert fw.FastAPI is fastapi.FastAPI
    assert fw.security is fastapi.security
    with pytest.raises(AttributeError):
        fw.no_such_thing  # noqa: B018


def test_the_subject_is_not_fastapi_in_disguise():
    if harness.SUBJECT == harness.ORACLE:
        pytest.skip("DIFF_SUBJECT=fastapi: comparing FastAPI with itself on purpose")
    subject_app = Framework(harness.SUBJECT).FastAPI
    assert not subject_app.__module__.startswith("fastapi"), subject_app.__module__


SUBJECT_ONLY_SCRIPT = """
import sys
from differential import harness
harness.Cases.make_test = lambda self: None  # no collection: it would build with FastAPI
from differential import test_app, test_bodies, test_dependencies, test_params, test_responses
for module in (test_params, test_bodies, test_dependencies, test_responses, test_app):
    for case in module.cases.cases.values():
        try:
            harness.play(case.build, harness.SUBJECT, **case.client_options)
        except Exception:
            pass  # a case the subject cannot play yet fails in its own test
print(sorted(name for name in sys.modules if name.split(".")[0] == "fastapi"))
"""


def test_the_subject_runs_without_fastapi():
    """A subject that delegated to FastAPI under the hood would pass every case; forbid it."""
    if harness.SUBJECT == harness.ORACLE:
        pytest.skip("DIFF_SUBJECT=fastapi: comparing FastAPI with itself on purpose")
    result = subprocess.run(
        [sys.executable, "-c", SUBJECT_ONLY_SCRIPT],
        cwd=pathlib.Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout


def test_cases_never_import_a_framework():
    pattern = re.compile(r"^\s*(from|import)\s+(fastapi|zephyr)\b", re.MULTILINE)
    for module in TOPIC_MODULES:
        source = pathlib.Path(module.__file__).read_text()
        assert not pattern.search(source), f"{module.__name__} imports a framework: use fw"


def test_the_suite_is_broad():
    cases = [case for module in TOPIC_MODULES for case in module.cases.cases.values()]
    requests = [s for case in cases for s in case.steps if isinstance(s, harness.Request)]
    assert len(cases) >= 40 and len(requests) >= 150, (len(cases), len(requests))
    assert all(step.note for case in cases for step in case.steps), "every step says what it tests"
