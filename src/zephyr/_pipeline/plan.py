"""The compiled form of one endpoint: frozen, slotted, printable.

An `EndpointPlan` holds everything a request needs, decided once at startup: how to pull
each parameter out of the request, the one validator for all of them, how to decode the body,
which dependency steps to run in which order (and which of them share a thread hop), and how
to encode the response. `describe()` renders it for `zephyr routes` and for debugging.

Request-time values live in one dict per request, keyed by strings fixed here:
  "<param key>"   a validated path/query/header/cookie value (see `ParamSource.key`)
  "body:<name>"   a validated body value
  "@request", "@response", "@background", "@scopes:<n>"   framework objects
  "#<n>"          the result of step n
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import TypeAdapter
from pydantic_core import SchemaValidator

from zephyr._concurrency_limit import DependencyConcurrency

# "stream": a generator endpoint, called (not iterated) to get the generator it streams.
StepKind = Literal["async", "sync", "async_gen", "sync_gen", "stream"]
Location = Literal["path", "query", "header", "cookie"]


@dataclass(frozen=True, slots=True)
class ModelKey:
    """One field of a Query/Header/Cookie parameter model.

    Attributes:
        name: The model field's name.
        lookups: (request key, dict key, request name as declared) to try in order; the first
            present wins (the first is used when none is).
        multi: Read every repeated value as a list.
        consumed: Request keys that belong to this field (so they are not passed as extras).
    """

    name: str
    lookups: tuple[tuple[str, str, str], ...]
    multi: bool
    consumed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParamSource:
    """One path/query/header/cookie value (or parameter model) to pull from the request.

    Attributes:
        key: Key of the raw value in the params validator's input and of the validated value.
        location: Where the value is read from.
        names: Request keys to try, in order (lower-cased for headers).
        report_names: The key to report in an error's `loc` for each entry of `names`.
        multi: Read every repeated value as a list (sequence annotations).
        model_fields: For a parameter model, its fields; the raw value is then a dict built
            from them plus every other key of the location (the model decides about extras).
        model_optional: The parameter is `Model | None`: absent unless one of its keys is sent.
        model_extra: The model allows or forbids extra keys (extras alone make it present).
        model_loc_by_alias: Report a header model's errors under the header name read.
    """

    key: str
    location: Location
    names: tuple[str, ...] = ()
    report_names: tuple[str, ...] = ()
    multi: bool = False
    model_fields: tuple[ModelKey, ...] = ()
    model_optional: bool = False
    model_extra: bool = False
    model_loc_by_alias: bool = False


@dataclass(frozen=True, slots=True)
class DefaultValue:
    """The value used for an optional parameter the request did not carry.

    Attributes:
        key: The values-dict key it fills.
        value: The declared default (deep-copied per request when mutable, as FastAPI does).
        factory: The declared `default_factory`, called per request instead of copying.
        copy: Whether `value` is mutable and must be copied.
        validate: The declaration asked for `validate_default`.
    """

    key: str
    value: Any
    factory: Callable[[], Any] | None
    copy: bool
    validate: bool = False


@dataclass(frozen=True, slots=True)
class ParamsPlan:
    """All path/query/header/cookie parameters of an endpoint and their single validator.

    `sources` lists every parameter; `simple` and `general` split them for the request path:
    one-name scalar or sequence parameters, read by a precomputed rule, and the others
    (parameter models, aliases with several names, sequences from path or cookie).
    """

    sources: tuple[ParamSource, ...]
    validator: SchemaValidator | None
    defaults: tuple[DefaultValue, ...]
    validate_defaults: tuple[DefaultValue, ...]
    error_prefix: dict[str, tuple[str, ...]]
    needs_query: bool
    needs_headers: bool
    needs_cookies: bool
    singles: dict[str, SchemaValidator] = field(default_factory=dict, repr=False)
    simple: tuple[SimpleRead, ...] = ()
    general: tuple[ParamSource, ...] = ()


# How a one-name, non-model parameter picks its raw value from its location's data.
PICK_VALUE = 0  # path and cookie: the value itself when present
PICK_LAST = 1  # a query scalar: the last value sent (Starlette)
PICK_FIRST = 2  # a header scalar: the first value sent (Starlette)
PICK_ALL = 3  # a query or header sequence: every value, when any was sent

# (values-dict key, location, request name, PICK_*): what `collect_values` reads for the
# parameters that need nothing else (see `ParamsPlan.simple`).
SimpleRead = tuple[str, str, str, int]


@dataclass(frozen=True, slots=True)
class FormKey:
    """How one value is read from a parsed form.

    Attributes:
        names: Form keys to try, in order; the first holding a value wins.
        multi: Read every value sent under the key (sequence annotations).
        file_bytes: "one"/"many" when the parameter wants the bytes of uploaded file(s).
        sequence_type: The container for "many" (list, tuple, set...).
    """

    names: tuple[str, ...]
    multi: bool = False
    file_bytes: Literal["one", "many"] | None = None
    sequence_type: Callable[[Any], Any] | None = None


@dataclass(frozen=True, slots=True)
class FormModel:
    """A Pydantic model declared as `Form()`: filled from the form's keys.

    Attributes:
        keys: The model's fields (empty for a union of models: every key goes through).
        optional: Declared `Model | None`: absent unless one of its keys is sent.
        own_names: Every form key that belongs to the model's fields.
        extra_matters: The model allows or forbids extra keys, so extras alone make it present.
    """

    keys: tuple[FormKey, ...]
    optional: bool
    own_names: frozenset[str]
    extra_matters: bool


@dataclass(frozen=True, slots=True)
class BodyField:
    """One body parameter when the body is an object keyed by parameter names (or a form).

    Attributes:
        key: The values-dict key it fills.
        names: Keys to look it up under, in order (the first is reported when missing).
        adapter: Its validator.
        default: Its default, when optional.
        form_key: How to read it from a form (form bodies only).
        form_model: Set when the parameter is a Pydantic model filled from the whole form.
    """

    key: str
    names: tuple[str, ...]
    adapter: TypeAdapter[Any]
    default: DefaultValue | None
    form_key: FormKey | None = None
    form_model: FormModel | None = None


@dataclass(frozen=True, slots=True)
class BodyPlan:
    """How to read and validate the request body.

    Attributes:
        kind: "json" for JSON bodies, "form" for urlencoded/multipart forms.
        single_key: When the body is one value (not embedded): its key in the values dict.
        single_adapter: Validator of that value.
        single_default: Default used when the body is empty and the parameter is optional.
        json_direct: The single value may be validated straight from JSON bytes (no Python
            JSON parse first) without changing any result.
        fields: Embedded body parameters (an object keyed by their names).
        strict_content_type: Require a JSON content type before parsing the body as JSON.
        keys: Every values-dict key the body fills (for error routing).
        shared: Other parameters with the single value's name (in other dependencies): each
            validates the same whole body with its own type, as in FastAPI.
    """

    kind: Literal["json", "form"]
    single_key: str | None
    single_adapter: TypeAdapter[Any] | None
    single_default: DefaultValue | None
    json_direct: bool
    fields: tuple[BodyField, ...]
    strict_content_type: bool
    keys: tuple[str, ...]
    shared: tuple[BodyField, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    """One call: a dependency, or the endpoint itself (always the last step).

    Attributes:
        index: Position in the plan; the result is stored under "#<index>".
        call: The callable (after dependency overrides).
        kind: How it is called: awaited, in a thread, or entered as a (sync/async) generator.
        args: (keyword name, values-dict key) pairs.
        scope: Exit scope of a generator: "function" (before the response) or "request".
        concurrency: The `max_concurrency` budget, if declared.
        label: A readable name for `describe()` and error messages.
        keys_needed: Every param/body key this step depends on, through its sub-steps too.
    """

    index: int
    call: Callable[..., Any]
    kind: StepKind
    args: tuple[tuple[str, str], ...]
    scope: Literal["function", "request"] | None
    concurrency: DependencyConcurrency | None
    label: str
    keys_needed: frozenset[str]
    # PERF: dependency chains — the values-dict key of this step's result, built once.
    result_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "result_key", f"#{self.index}")


@dataclass(frozen=True, slots=True)
class Stage:
    """Steps run together: a run of plain-`def` steps shares ONE thread hop."""

    steps: tuple[Step, ...]
    in_thread: bool


@dataclass(frozen=True, slots=True)
class ResponsePlan:
    """How the endpoint's return value becomes a response.

    Attributes:
        adapter: The response model's validator/serializer, or None (jsonable encoding).
        response_class: The class used when the fast path does not apply.
        status_code: The route's declared status code.
        dump_options: include/exclude/by_alias/exclude_* for the model dump.
        fast_json: Encode straight to JSON bytes and send raw messages (what FastAPI's
            default JSON handling produces, byte for byte).
        stream: For generator endpoints: "jsonl", "sse" or "raw" (the response class's own).
        item_adapter: Validator/serializer of each streamed item, from the return annotation.
        plain_status: The status of a JSON response when no `response` parameter changes it
            and the status allows a body (None otherwise: the general path decides).
    """

    adapter: TypeAdapter[Any] | None
    response_class: type[Any]
    status_code: int | None
    dump_options: dict[str, Any]
    fast_json: bool
    stream: Literal["jsonl", "sse", "raw"] | None = None
    item_adapter: TypeAdapter[Any] | None = None
    plain_status: int | None = None


@dataclass(frozen=True, slots=True)
class EndpointPlan:
    """Everything a request to one route runs, compiled once.

    Attributes:
        path: The route path template; methods: the HTTP methods (None for WebSockets).
        name: The route name; endpoint: the user's function.
        params: Path/query/header/cookie extraction and validation.
        body: Body decoding, or None when the endpoint takes no body.
        steps: Dependency calls then the endpoint, in execution order.
        stages: The same steps grouped into thread hops.
        error_order: Param/body keys in the order FastAPI reports their errors (with repeats).
        specials: Which framework objects the steps need ("request", "response", ...).
        scopes: SecurityScopes values needed, keyed by their values-dict key.
        response: Response encoding (None for WebSocket endpoints).
        has_exit_stack: Some step is a generator, so exit stacks are needed.
        max_body_size: The route's effective body limit in bytes (None: inherited/unlimited).
        form_limits: max_fields / max_files / max_part_size for form parsing.
        direct_call: The endpoint is the only step and a coroutine: await it directly.
        no_inputs: Besides, it takes nothing from the request (no parameters, body, framework
            objects or scopes) and returns a plain (not streamed) response.
        values_are_kwargs: Besides, it takes only path/query/header/cookie parameters, each
            under its own name: the validated values are its keyword arguments as they are.
    """

    path: str
    methods: frozenset[str] | None
    name: str
    endpoint: Callable[..., Any]
    params: ParamsPlan
    body: BodyPlan | None
    steps: tuple[Step, ...]
    stages: tuple[Stage, ...]
    error_order: tuple[str, ...]
    specials: frozenset[str]
    scopes: tuple[tuple[str, tuple[str, ...]], ...]
    response: ResponsePlan | None
    has_exit_stack: bool
    endpoint_context: dict[str, Any]
    max_body_size: int | None = None
    form_limits: dict[str, int] = field(default_factory=dict)
    direct_call: bool = False
    no_inputs: bool = False
    values_are_kwargs: bool = False

    def describe(self) -> str:
        """Render the plan as readable text (one fact per line)."""
        methods = ",".join(sorted(self.methods)) if self.methods else "WS"
        lines = [f"{methods} {self.path}  ->  {self.name}"]
        for source in self.params.sources:
            kind = "model" if source.model_fields else ("list" if source.multi else "one")
            lines.append(f"  param {source.key}: {source.location} {source.names} ({kind})")
        if self.body is not None:
            how = "json->validator" if self.body.json_direct else self.body.kind
            lines.append(f"  body: {how}, keys {self.body.keys}")
        for stage in self.stages:
            where = "thread hop" if stage.in_thread else "event loop"
            names = ", ".join(f"{step.label} [{step.kind}]" for step in stage.steps)
            lines.append(f"  stage ({where}): {names}")
        if self.response is not None:
            encoder = "model" if self.response.adapter is not None else "jsonable"
            cls = self.response.response_class.__name__
            lines.append(f"  response: {encoder} -> {cls}, status {self.response.status_code}")
        return "\n".join(lines)
