"""Differential harness: an app written once against ``fw``, built on two frameworks, compared.

A case is a function ``case(fw)`` that builds an application with the framework namespace ``fw``
(``fastapi`` or ``zephyr``: the same API) and returns the steps to replay against it::

    cases = Cases()

    @cases.add
    def query_bool(fw):
        app = fw.FastAPI()

        @app.get("/")
        def read(flag: bool):
            return {"flag": flag}

        return app, [
            get("/?flag=yes", "'yes' parses as true"),
            get("/?flag=maybe", "not a bool: 422 bool_parsing"),
        ]

    test_query_bool = cases.make_test()

A case that takes a second parameter, ``case(fw, log)``, gets a fresh list to append side effects
to (the order dependencies ran, what a yield dependency saw...). The harness takes what was
appended during each step and compares it too, so a step compares:

* status code, body bytes, and the response's header list (names and values, in order);
* the exception the TestClient raised instead of answering (type name and message), when the case
  keeps ``raise_server_exceptions=True`` (the default);
* the side-effect log entries appended during the step;
* the warnings issued during the step, e.g. deprecations: their categories, in order. Not their
  messages: those are product copy that names the framework and its docs.

Warnings issued while building the app (``FastAPI(root_path=...)`` is deprecated) are compared in
an extra ``<case> build`` item, present when FastAPI's build warns.

Steps are requests (``get``, ``post``, ``request``...) or actions (``do``) that change the app
between requests (set ``dependency_overrides``, add a route to an already included router...).
Each step is its own pytest item, named ``<case>#<index> <METHOD> <url>``; all steps of a case are
replayed in order, once per framework, and the outcomes are cached for the session. Cases with a
log get two more items, ``<case> startup`` and ``<case> shutdown``: what the lifespan logged or
raised (the client is always used as a context manager, so the lifespan runs).

The oracle is always FastAPI. The subject is Zephyr, or whatever package ``DIFF_SUBJECT`` names:
``DIFF_SUBJECT=fastapi`` runs FastAPI on both sides, which checks every case is deterministic.

Normalisation (the only things not compared byte for byte):

* memory addresses (``0x7f...``) in exception messages and log entries become ``0x?``;
* the ``allow`` header of a 405 is compared as a sorted method list: FastAPI keeps a route's
  methods in a ``set``, so its order ("PUT, GET" or "GET, PUT") depends on the string hash seed.

Nothing is dropped from headers: TestClient sets neither ``date`` nor ``server``, so no header
legitimately varies between runs. Cases avoid time-dependent values (cookie ``expires`` computed
from now, random ids).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import inspect
import os
import re
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import ModuleType
from typing import Any

import pytest

ORACLE = "fastapi"
SUBJECT = os.environ.get("DIFF_SUBJECT", "zephyr")

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")


# --------------------------------------------------------------------------- the `fw` namespace


class Framework:
    """The namespace a case is written against: ``fw.FastAPI``, ``fw.responses.HTMLResponse``...

    Top-level names come from the package; any other attribute is imported as a submodule at
    FastAPI's path (``fw.security`` is ``fastapi.security`` or ``zephyr.security``).
    """

    def __init__(self, package: str) -> None:
        self.package = package
        self._module: ModuleType = importlib.import_module(package)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return getattr(self._module, name)
        except AttributeError:
            pass
        qualified = f"{self.package}.{name}"
        try:
            return importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name != qualified:
                raise
            raise AttributeError(f"{self.package} has no attribute or submodule {name!r}") from None

    def __repr__(self) -> str:
        return f"Framework({self.package!r})"


# --------------------------------------------------------------------------- steps


@dataclasses.dataclass(frozen=True)
class Request:
    """One HTTP request; ``kwargs`` go to ``TestClient.request`` (json, content, headers...)."""

    method: str
    url: str
    note: str
    kwargs: dict[str, Any] = dataclasses.field(default_factory=dict, hash=False)

    @property
    def label(self) -> str:
        url = self.url if len(self.url) <= 60 else self.url[:57] + "..."
        return f"{self.method} {url}"


@dataclasses.dataclass(frozen=True)
class Do:
    """An action between requests; its return value (repr) or exception is compared."""

    action: Callable[[], Any]
    note: str

    @property
    def label(self) -> str:
        return f"do {self.note}"


Step = Request | Do


def request(method: str, url: str, note: str = "", **kwargs: Any) -> Request:
    return Request(method.upper(), url, note, kwargs)


def get(url: str, note: str = "", **kwargs: Any) -> Request:
    return request("GET", url, note, **kwargs)


def post(url: str, note: str = "", **kwargs: Any) -> Request:
    return request("POST", url, note, **kwargs)


def put(url: str, note: str = "", **kwargs: Any) -> Request:
    return request("PUT", url, note, **kwargs)


def delete(url: str, note: str = "", **kwargs: Any) -> Request:
    return request("DELETE", url, note, **kwargs)


def do(action: Callable[[], Any], note: str) -> Do:
    return Do(action, note)


# --------------------------------------------------------------------------- outcomes


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one step produced on one framework."""

    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    raised: str | None = None
    log: tuple[Any, ...] = ()
    returned: str | None = None
    warned: tuple[tuple[str, str], ...] = ()


# Usage errors whose wording Zephyr improves (naming the cause and the fix): only the leading
# clause, which states what went wrong, is compared.
_REWORDED_ERRORS = frozenset({"FastAPIError", "DependencyScopeError"})


def describe_exception(exc: BaseException) -> str:
    """``TypeName: message`` with memory addresses normalised (the type's module is not compared:
    ``fastapi.exceptions.X`` and ``zephyr.exceptions.X`` are the same behaviour)."""
    message = str(exc)
    if type(exc).__name__ in _REWORDED_ERRORS:
        message = re.split(r"[.:]", message, maxsplit=1)[0]
    return normalise(f"{type(exc).__name__}: {message}")


def normalise(value: Any) -> Any:
    if isinstance(value, str):
        return _ADDRESS.sub("0x?", value)
    if isinstance(value, tuple):
        return tuple(normalise(item) for item in value)
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, dict):
        return {normalise(k): normalise(v) for k, v in value.items()}
    return value


def normalise_header(name: str, value: str) -> tuple[str, str]:
    if name == "allow":  # a set's order in FastAPI: see the module docstring
        value = ", ".join(sorted(method.strip() for method in value.split(",")))
    return name, value


def differences(expected: Outcome, actual: Outcome) -> list[str]:
    """Human-readable differences between the oracle's and the subject's outcome ([] if same)."""
    found: list[str] = []
    if expected.raised != actual.raised:
        found.append(f"raised:\n  fastapi: {expected.raised}\n  subject: {actual.raised}")
    if expected.status != actual.status:
        found.append(f"status: fastapi {expected.status}, subject {actual.status}")
    if expected.body != actual.body:
        found.append(f"body:\n  fastapi: {expected.body[:800]!r}\n  subject: {actual.body[:800]!r}")
    if expected.headers != actual.headers:
        what = "headers"
        if sorted(expected.headers) == sorted(actual.headers):
            what = "headers (same set, different order)"
        found.append(
            f"{what}:\n  fastapi: {list(expected.headers)}\n  subject: {list(actual.headers)}"
        )
    if expected.log != actual.log:
        found.append(
            f"side effects:\n  fastapi: {list(expected.log)}\n  subject: {list(actual.log)}"
        )
    if [w[0] for w in expected.warned] != [w[0] for w in actual.warned]:
        found.append(f"warnings:\n  fastapi: {expected.warned}\n  subject: {actual.warned}")
    if expected.returned != actual.returned:
        found.append(
            f"action returned:\n  fastapi: {expected.returned}\n  subject: {actual.returned}"
        )
    return found


# --------------------------------------------------------------------------- playing a case


@dataclasses.dataclass(frozen=True)
class Scenario:
    app: Any
    steps: Sequence[Step]
    log: list[Any] | None = None


def wants_log(build: Callable[..., Any]) -> bool:
    return len(inspect.signature(build).parameters) > 1


def build_scenario(build: Callable[..., Any], fw: Framework) -> Scenario:
    """Call the case: ``build(fw)`` or ``build(fw, log)``; it returns ``(app, steps)``."""
    log: list[Any] | None = [] if wants_log(build) else None
    built = build(fw) if log is None else build(fw, log)
    if not (isinstance(built, tuple) and len(built) == 2):
        raise TypeError(f"a case returns (app, steps), not {built!r}")
    return Scenario(built[0], tuple(built[1]), log)


@dataclasses.dataclass(frozen=True)
class Played:
    """Every step's outcome; the warnings of the build; the lifespan's log and exceptions."""

    steps: tuple[Outcome, ...]
    build: Outcome
    startup: Outcome
    shutdown: Outcome


@contextlib.contextmanager
def recording_warnings() -> Iterator[list[tuple[str, str]]]:
    """Collect ``(category name, message)`` of every warning issued inside the block."""
    seen: list[tuple[str, str]] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield seen
    seen.extend((w.category.__name__, normalise(str(w.message))) for w in caught)


def _take(log: list[Any] | None) -> tuple[Any, ...]:
    if log is None:
        return ()
    taken = tuple(normalise(entry) for entry in log)
    log.clear()
    return taken


def _send(client: Any, step: Request) -> Outcome:
    kwargs = dict(step.kwargs)
    kwargs.setdefault("follow_redirects", False)
    try:
        response = client.request(step.method, step.url, **kwargs)
    except Exception as exc:
        return Outcome(raised=describe_exception(exc))
    headers = tuple(
        normalise_header(name.decode("latin-1").lower(), value.decode("latin-1"))
        for name, value in response.headers.raw
    )
    return Outcome(status=response.status_code, headers=headers, body=response.content)


def _act(step: Do) -> Outcome:
    try:
        returned = step.action()
    except Exception as exc:
        return Outcome(raised=describe_exception(exc))
    return Outcome(returned=normalise(repr(returned)))


def play(build: Callable[..., Any], package: str, **client_options: Any) -> Played:
    """Build the case with ``package``; replay all its steps through that package's TestClient."""
    with recording_warnings() as warned:
        scenario = build_scenario(build, fw := Framework(package))
    built = Outcome(warned=tuple(warned))
    app_package = type(scenario.app).__module__.split(".")[0]
    if app_package != package:
        raise AssertionError(
            f"the case built a {type(scenario.app).__module__}.{type(scenario.app).__name__}, "
            f"not a {package} app: write it against `fw`, never import a framework directly"
        )
    log = scenario.log
    _take(log)  # anything logged while building is not a step's side effect
    client = fw.testclient.TestClient(scenario.app, **client_options)
    outcomes: list[Outcome] = []
    try:
        client.__enter__()
    except Exception as exc:
        startup = Outcome(raised=describe_exception(exc), log=_take(log))
        skipped = Outcome(raised=f"not run: lifespan startup failed: {startup.raised}")
        return Played(tuple(skipped for _ in scenario.steps), built, startup, Outcome())
    startup = Outcome(log=_take(log))
    try:
        for step in scenario.steps:
            with recording_warnings() as warned:
                outcome = _send(client, step) if isinstance(step, Request) else _act(step)
            outcomes.append(dataclasses.replace(outcome, log=_take(log), warned=tuple(warned)))
    finally:
        try:
            client.__exit__(None, None, None)
        except Exception as exc:
            shutdown = Outcome(raised=describe_exception(exc), log=_take(log))
        else:
            shutdown = Outcome(log=_take(log))
    return Played(tuple(outcomes), built, startup, shutdown)


# --------------------------------------------------------------------------- the registry


@dataclasses.dataclass
class Case:
    name: str
    build: Callable[..., Any]
    client_options: dict[str, Any]
    steps: Sequence[Step] = ()
    has_log: bool = False
    build_warns: bool = False


_played: dict[tuple[str, str, str], Played | BaseException] = {}


def played(case: Case, role: str) -> Played:
    """Play ``case`` once per session for ``role`` ("oracle" or "subject")."""
    package = ORACLE if role == "oracle" else SUBJECT
    key = (case.build.__module__, case.name, role)
    if key not in _played:
        try:
            _played[key] = play(case.build, package, **case.client_options)
        except BaseException as exc:  # cached: every step of the case reports it
            if not isinstance(exc, Exception):
                raise
            _played[key] = exc
    result = _played[key]
    if isinstance(result, BaseException):
        frames = traceback.extract_tb(result.__traceback__)[-3:]
        where = "".join(traceback.format_list(frames))
        pytest.fail(
            f"{role} ({package}) could not play case {case.name!r}: "
            f"{describe_exception(result)}\n{where}",
            pytrace=False,
        )
    return result


def check(case: Case, index: int | str) -> None:
    """Assert that step ``index`` (or "build", "startup", "shutdown") came out the same."""
    expected, actual = played(case, "oracle"), played(case, "subject")
    if isinstance(index, int):
        step = case.steps[index]
        where = f"{case.name}#{index} {step.label}" + (f" ({step.note})" if step.note else "")
        pair = expected.steps[index], actual.steps[index]
    else:
        where = f"{case.name} {index}"
        pair = getattr(expected, index), getattr(actual, index)
    found = differences(*pair)
    if found:
        pytest.fail(f"{where}\n" + "\n".join(found), pytrace=False)


# Cases that exercise features whose issue is still open. They stay in the suite so the
# comparison is ready; strict xfail turns into a failure the moment the feature works, which
# is the cue to delete the entry here.
PENDING_FEATURES: dict[str, str] = {}


def _pending_marks(name: str) -> tuple[Any, ...]:
    reason = PENDING_FEATURES.get(name)
    if reason is None or SUBJECT == ORACLE:
        return ()
    return (pytest.mark.xfail(reason=f"pending: {reason}", strict=True),)


class Cases:
    """A registry of cases for one test module; ``make_test()`` turns it into a pytest test."""

    def __init__(self) -> None:
        self.cases: dict[str, Case] = {}

    def add(self, build: Callable[..., Any] | None = None, **client_options: Any) -> Any:
        """Register a case: ``@cases.add`` or ``@cases.add(raise_server_exceptions=False)``."""

        def register(build: Callable[..., Any]) -> Callable[..., Any]:
            name = build.__name__
            if name in self.cases:
                raise ValueError(f"duplicate case {name}")
            self.cases[name] = Case(name, build, client_options)
            return build

        return register(build) if build is not None else register

    def collect(self) -> list[Case]:
        """Build every case with the oracle once, to learn its steps (for test ids)."""
        for case in self.cases.values():
            with recording_warnings() as warned:
                case.steps = build_scenario(case.build, Framework(ORACLE)).steps
            case.has_log = wants_log(case.build)
            case.build_warns = bool(warned)
        return list(self.cases.values())

    def params(self) -> Iterable[Any]:
        for case in self.collect():
            marks = _pending_marks(case.name)
            for index, step in enumerate(case.steps):
                yield pytest.param(case, index, id=f"{case.name}#{index} {step.label}", marks=marks)
            if case.build_warns:
                yield pytest.param(case, "build", id=f"{case.name} build")
            if case.has_log:
                yield pytest.param(case, "startup", id=f"{case.name} startup")
                yield pytest.param(case, "shutdown", id=f"{case.name} shutdown")

    def make_test(self) -> Callable[[Case, int | str], None]:
        @pytest.mark.parametrize(("case", "index"), list(self.params()))
        def test_same_as_fastapi(case: Case, index: int | str) -> None:
            check(case, index)

        return test_same_as_fastapi
