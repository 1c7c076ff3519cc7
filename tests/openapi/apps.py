"""Apps written once against a framework namespace ``fw`` (``fastapi`` or ``zephyr``).

No ``from __future__ import annotations``: endpoint annotations name ``fw``, a local.

Each builder returns an application whose OpenAPI document and docs pages the tests compare
between the two frameworks. Together they cover what a path operation can declare: parameters
of every location with constraints and examples, parameter models, JSON bodies (single,
embedded, multiple), forms and files, response models (declared or from the return
annotation), additional responses, status codes, tags, summaries, descriptions, operation
ids, deprecation, ``include_in_schema``, ``openapi_extra``, callbacks, webhooks, security
schemes, included routers, mounted sub-apps, and the app-level document settings.
"""

import datetime
import enum
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, computed_field
from starlette.routing import Route

BUILDERS: dict[str, Callable[[Any], Any]] = {}


def builder(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    BUILDERS[func.__name__] = func
    return func


# Models are defined at module level, shared by both frameworks: the document names them.


class Color(str, enum.Enum):
    red = "red"
    green = "green"


class Tag(BaseModel):
    label: str = Field(min_length=1, max_length=20)


class Item(BaseModel):
    """An item for sale.

    Shown in the docs.
    \f
    Hidden from the docs.
    """

    name: str = Field(examples=["Hammer"])
    description: str | None = Field(default=None, title="Details")
    price: float = Field(gt=0, description="Unit price")
    tax: Decimal | None = None
    tags: list[Tag] = []
    color: Color = Color.red
    created: datetime.datetime | None = None


class User(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": 1, "email": "a@b.c"}]})

    id: int
    email: str
    nickname: str | None = None


class WithComputed(BaseModel):
    first: str
    last: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


class Shared(BaseModel):
    """Used as input and output: split in two schemas when they differ."""

    value: int
    note: str = "n/a"


class FilterParams(BaseModel):
    model_config = {"extra": "forbid"}

    limit: int = Field(100, gt=0, le=100)
    offset: int = Field(0, ge=0)
    order_by: Literal["created_at", "updated_at"] = "created_at"
    tags: list[str] = []


class CommonHeaders(BaseModel):
    host: str
    save_data: bool
    x_tag: list[str] = []


class Cookies(BaseModel):
    session_id: str
    tracker: str | None = None


class LoginForm(BaseModel):
    username: str
    password: str = Field(alias="pass")


class Message(BaseModel):
    message: str


class Invoice(BaseModel):
    id: str
    total: float


class InvoiceEvent(BaseModel):
    description: str
    paid: bool


class Subscription(BaseModel):
    username: str
    monthly_fee: float
    start_date: datetime.datetime


class Cat(BaseModel):
    kind: Literal["cat"]
    meows: int


class Dog(BaseModel):
    kind: Literal["dog"]
    barks: float


@builder
def parameters(fw: Any) -> Any:
    app = fw.FastAPI(title="Params", version="0.1.0")

    @app.get("/items/{item_id}")
    def read_item(
        item_id: Annotated[int, fw.Path(title="The ID", ge=1, le=1000)],
        q: Annotated[
            str | None,
            fw.Query(
                alias="item-query",
                min_length=3,
                max_length=50,
                pattern="^fixedquery$",
                description="Search text",
                deprecated=True,
            ),
        ] = None,
        size: Annotated[float, fw.Query(gt=0, lt=10.5, example=2.5)] = 1.0,
        hidden: Annotated[str | None, fw.Query(include_in_schema=False)] = None,
        user_agent: Annotated[str | None, fw.Header()] = None,
        strange_header: Annotated[str | None, fw.Header(convert_underscores=False)] = None,
        x_token: Annotated[list[str] | None, fw.Header()] = None,
        ads_id: Annotated[str | None, fw.Cookie()] = None,
    ) -> dict[str, Any]:
        return {}

    @app.get("/models/{model_name}")
    def get_model(model_name: Color, flags: Annotated[list[int], fw.Query()] = [1, 2]):  # noqa: B006
        return {}

    @app.get("/files/{file_path:path}")
    def read_file(file_path: str, uid: uuid.UUID | None = None, when: datetime.date | None = None):
        return {}

    @app.get("/examples/")
    def with_examples(
        q: Annotated[
            str,
            fw.Query(
                openapi_examples={
                    "normal": {"summary": "A normal example", "value": "foo"},
                    "other": {"summary": "Other", "description": "**md**", "value": "bar"},
                },
            ),
        ],
        n: Annotated[int | None, fw.Query(examples=[1, 2])] = None,
    ):
        return {}

    return app


@builder
def parameter_models(fw: Any) -> Any:
    app = fw.FastAPI()

    @app.get("/items/")
    def items(filter_query: Annotated[FilterParams, fw.Query()]):
        return {}

    @app.get("/headers/")
    def headers(headers: Annotated[CommonHeaders, fw.Header()]):
        return {}

    @app.get("/cookies/")
    def cookies(cookies: Annotated[Cookies | None, fw.Cookie()] = None):
        return {}

    return app


@builder
def bodies(fw: Any) -> Any:
    app = fw.FastAPI()

    @app.post("/items/", response_model=Item, status_code=201, tags=["items"])
    def create_item(item: Item) -> Any:
        return item

    @app.put("/items/{item_id}")
    def update_item(
        item_id: int,
        item: Annotated[
            Item,
            fw.Body(
                openapi_examples={
                    "normal": {"summary": "Works", "value": {"name": "Foo", "price": 35.4}},
                    "invalid": {"summary": "Rejected", "value": {"name": "Baz", "price": "x"}},
                }
            ),
        ],
        user: User,
        importance: Annotated[int, fw.Body(gt=0)],
        q: str | None = None,
    ) -> dict[str, Any]:
        return {}

    @app.put("/embed/{item_id}")
    def embed(item_id: int, item: Annotated[Item, fw.Body(embed=True)]):
        return {}

    @app.post("/scalars/")
    def scalars(weights: dict[int, float], tags: Annotated[set[str], fw.Body()] = set()):  # noqa: B006
        return {}

    @app.post("/optional-body/")
    def optional_body(item: Item | None = None):
        return {}

    @app.post("/example-body/")
    def example_body(item: Annotated[Item, fw.Body(example={"name": "Old", "price": 1})]):
        return {}

    @app.post("/pets/")
    def pets(pet: Annotated[Union[Cat, Dog], Field(discriminator="kind")]) -> Cat | Dog:
        return pet

    @app.post("/vendor/", openapi_extra={"x-vendor": {"level": 1}})
    def vendor(payload: Annotated[bytes, fw.Body(media_type="application/octet-stream")] = b""):
        return {}

    return app


@builder
def forms_and_files(fw: Any) -> Any:
    app = fw.FastAPI()

    @app.post("/login/")
    def login(username: Annotated[str, fw.Form()], password: Annotated[str, fw.Form()]):
        return {}

    @app.post("/login-model/")
    def login_model(data: Annotated[LoginForm, fw.Form()]):
        return {}

    @app.post("/files/")
    def create_file(
        file: Annotated[bytes, fw.File(description="A file read as bytes")],
        token: Annotated[str, fw.Form()],
    ):
        return {}

    @app.post("/uploadfiles/")
    def upload(files: list[fw.UploadFile], note: Annotated[str | None, fw.Form()] = None):
        return {}

    @app.post("/single-upload/")
    def single_upload(file: fw.UploadFile | None = None):
        return {}

    return app


@builder
def responses(fw: Any) -> Any:
    app = fw.FastAPI(responses={418: {"description": "I'm a teapot"}})

    @app.get(
        "/items/{item_id}",
        response_model=Item,
        responses={
            404: {"model": Message, "description": "The item was not found"},
            200: {
                "description": "Item requested by ID",
                "content": {"image/png": {}},
            },
            "5XX": {"description": "Server trouble"},
        },
    )
    def read_item(item_id: str):
        return {}

    @app.get("/users/", response_model=list[User], response_description="All users")
    def users():
        return []

    @app.get("/maybe/", response_model=User | None)
    def maybe():
        return None

    @app.delete("/items/{item_id}", status_code=204)
    def delete(item_id: int) -> None:
        return None

    @app.get("/html/", response_class=fw.responses.HTMLResponse)
    def html():
        return "<p>hi</p>"

    @app.get("/plain/", response_class=fw.responses.PlainTextResponse, status_code=202)
    def plain():
        return "ok"

    @app.get("/redirect/", response_class=fw.responses.RedirectResponse)
    def redirect():
        return "/"

    @app.get("/default/", responses={"default": {"description": "Anything else", "model": Message}})
    def default_response(q: int = 0):
        return {}

    @app.get("/no-schema/", response_model=None)
    def no_schema() -> fw.responses.Response:
        return fw.responses.Response()

    @app.get("/union/", responses={400: {"model": Message}, 401: {"description": "No"}})
    def union_return() -> Item | User:
        return User(id=1, email="x")

    return app


@builder
def metadata(fw: Any) -> Any:
    app = fw.FastAPI(
        title="ChimichangApp",
        summary="Deadpool's favorite app. Nuff said.",
        description="Manage **chimichangas**.\n\n## Items\n\nYou can **read items**.",
        version="0.0.1",
        terms_of_service="http://example.com/terms/",
        contact={
            "name": "Deadpoolio",
            "url": "http://x-force.example.com/contact/",
            "email": "dp@x-force.example.com",
        },
        license_info={"name": "Apache 2.0", "identifier": "Apache-2.0"},
        openapi_tags=[
            {"name": "users", "description": "Operations with users."},
            {
                "name": "items",
                "description": "Items.",
                "externalDocs": {"description": "More", "url": "https://example.com/"},
            },
        ],
        servers=[
            {"url": "https://stag.example.com", "description": "Staging environment"},
            {"url": "/relative", "description": "Relative"},
        ],
        openapi_external_docs={"description": "External", "url": "https://docs.example.com"},
        swagger_ui_parameters={"syntaxHighlight": False, "deepLinking": False},
        swagger_ui_init_oauth={"clientId": "abc", "usePkceWithAuthorizationCodeGrant": True},
    )

    @app.get("/users/", tags=["users"], summary="List users", deprecated=True)
    def read_users():
        """Ignored because a summary... but the description stays."""
        return []

    @app.get("/items/", tags=["items"], operation_id="listItems", description="Explicit")
    def read_items():
        """Not used: description= wins."""
        return []

    @app.get("/hidden/", include_in_schema=False)
    def hidden():
        return {}

    @app.api_route("/multi/", methods=["GET", "POST"], name="multi_method")
    def multi():
        return {}

    @app.get("/enum-tag/", tags=[Color.green])
    def enum_tag():
        return {}

    return app


@builder
def routers(fw: Any) -> Any:
    app = fw.FastAPI(dependencies=[fw.Depends(lambda: None)])

    def common(token: Annotated[str, fw.Header()], page: int = 1) -> None:
        return None

    def deeper(skip: int = 0, commons: None = fw.Depends(common)) -> None:
        return None

    items = fw.APIRouter(
        prefix="/items",
        tags=["items"],
        dependencies=[fw.Depends(common)],
        responses={404: {"description": "Not found"}},
    )

    @items.get("/")
    def list_items(d: None = fw.Depends(deeper)):
        return []

    @items.put("/{item_id}", tags=["custom"], responses={403: {"description": "Forbidden"}})
    def update_item(item_id: str, item: Item):
        return item

    admin = fw.APIRouter()

    @admin.post("/")
    def admin_root(payload: Shared) -> Shared:
        return payload

    nested = fw.APIRouter(prefix="/nested", deprecated=True)

    @nested.get("/leaf", operation_id="the_leaf")
    def leaf():
        return {}

    items.include_router(nested)
    app.include_router(items)
    app.include_router(
        admin,
        prefix="/admin",
        tags=["admin"],
        dependencies=[fw.Depends(common)],
        responses={418: {"description": "I'm a teapot"}},
    )

    def custom_id(route: Any) -> str:
        return f"{route.tags[0]}-{route.name}"

    custom = fw.APIRouter(tags=["custom"], generate_unique_id_function=custom_id)

    @custom.post("/custom-ids")
    def custom_ids(item: Item, extra: Annotated[int, fw.Body()]):
        return {}

    app.include_router(custom)
    return app


@builder
def security(fw: Any) -> Any:
    sec = fw.security
    app = fw.FastAPI()
    oauth2 = sec.OAuth2PasswordBearer(
        tokenUrl="token", scopes={"me": "Read me", "items": "Read items"}
    )
    bearer = sec.HTTPBearer(description="Bearer token", auto_error=False)
    basic = sec.HTTPBasic()
    api_key = sec.APIKeyHeader(name="X-API-Key", scheme_name="ApiKeyAuth")
    cookie_key = sec.APIKeyCookie(name="session")
    query_key = sec.APIKeyQuery(name="api_key", auto_error=False)
    code_flow = sec.OAuth2AuthorizationCodeBearer(
        authorizationUrl="https://auth.example.com/authorize",
        tokenUrl="https://auth.example.com/token",
        refreshUrl="https://auth.example.com/refresh",
        scopes={"read": "Read"},
    )
    oidc = sec.OpenIdConnect(openIdConnectUrl="https://example.com/.well-known/openid")

    def current_user(token: Annotated[str, fw.Depends(oauth2)]) -> str:
        return token

    def active_user(
        user: Annotated[str, fw.Security(current_user, scopes=["me"])],
    ) -> str:
        return user

    @app.post("/token")
    def login(form: Annotated[sec.OAuth2PasswordRequestForm, fw.Depends()]):
        return {}

    @app.get("/users/me")
    def me(user: Annotated[str, fw.Security(active_user, scopes=["items"])]):
        return {}

    @app.get("/bearer")
    def bearer_route(creds: Annotated[Any, fw.Depends(bearer)]):
        return {}

    @app.get("/basic", dependencies=[fw.Depends(basic), fw.Depends(api_key)])
    def basic_route():
        return {}

    @app.get("/keys")
    def keys(a: Annotated[Any, fw.Depends(cookie_key)], b: Annotated[Any, fw.Depends(query_key)]):
        return {}

    @app.get("/code")
    def code(token: Annotated[str, fw.Security(code_flow, scopes=["read"])]):
        return {}

    @app.get("/oidc")
    def oidc_route(token: Annotated[Any, fw.Depends(oidc)]):
        return {}

    return app


@builder
def callbacks_and_webhooks(fw: Any) -> Any:
    app = fw.FastAPI()
    callback_router = fw.APIRouter()

    @callback_router.post("{$callback_url}/invoices/{$request.body.id}", response_model=Message)
    def invoice_notification(body: InvoiceEvent):
        pass

    @callback_router.get("{$callback_url}/hidden", include_in_schema=False)
    def hidden_notification(secret: Tag):
        pass

    @app.post("/invoices/", callbacks=callback_router.routes)
    def create_invoice(invoice: Invoice, callback_url: str | None = None):
        return {"msg": "Invoice received"}

    def plain(request: Any) -> None:
        return None

    # A Starlette route among the callbacks is skipped; a hidden one is listed, empty.
    @app.put("/events/", callbacks=[Route("/plain", plain), *callback_router.routes])
    def events(name: str):
        return {}

    @app.webhooks.post("new-subscription")
    def new_subscription(body: Subscription):
        """When a new user subscribes, we send this."""

    return app


@builder
def input_output(fw: Any) -> Any:
    app = fw.FastAPI()

    @app.post("/shared/")
    def shared(value: Shared) -> Shared:
        return value

    @app.get("/computed/")
    def computed() -> WithComputed:
        return WithComputed(first="a", last="b")

    @app.post("/computed/")
    def computed_in(value: WithComputed) -> list[WithComputed]:
        return [value]

    return app


@builder
def no_separate_schemas(fw: Any) -> Any:
    app = fw.FastAPI(separate_input_output_schemas=False)

    @app.post("/shared/")
    def shared(value: Shared) -> Shared:
        return value

    @app.get("/computed/")
    def computed() -> WithComputed:
        return WithComputed(first="a", last="b")

    return app


@builder
def mounted(fw: Any) -> Any:
    app = fw.FastAPI(title="Main")

    @app.get("/app")
    def main_route():
        return {}

    sub = fw.FastAPI(title="Sub", root_path_in_servers=True)

    @sub.get("/sub")
    def sub_route(q: int = 0):
        return {}

    app.mount("/subapi", sub)
    return app


@builder
def no_docs(fw: Any) -> Any:
    app = fw.FastAPI(openapi_url="/api/v1/openapi.json", docs_url="/documentation", redoc_url=None)

    @app.get("/")
    def root():
        return {}

    return app


@builder
def duplicate_names(fw: Any) -> Any:
    app = fw.FastAPI()

    first = type("Clash", (BaseModel,), {"__annotations__": {"x": int}, "__module__": "one"})
    second = type("Clash", (BaseModel,), {"__annotations__": {"y": str}, "__module__": "other"})

    @app.post("/a")
    def a(body: first) -> second:  # type: ignore[valid-type]
        return second(y="1")

    return app


class Node(BaseModel):
    """A recursive model."""

    value: int
    children: list["Node"] = []


class Page(BaseModel):
    items: list[Item]
    next: str | None = None


@builder
def schema_details(fw: Any) -> Any:
    app = fw.FastAPI()

    # Same annotation, defaults and bounds that only differ by type: 1, 1.0, True.
    @app.get("/a")
    def a(x: float = 1, y: Annotated[float, fw.Query(gt=1)] = 2):
        return {}

    @app.get("/b")
    def b(x: float = 1.0, y: Annotated[float, fw.Query(gt=1.0)] = 2.0):
        return {}

    @app.get("/c")
    def c(x: int | bool = True, z: Literal[1, 2] = 1, w: dict[str, list[int]] | None = None):
        return {}

    @app.post("/tree")
    def tree(node: Node) -> Node:
        return node

    @app.get("/page")
    def page(raw: Annotated[bytes | None, fw.Query()] = None) -> Page:
        return Page(items=[])

    @app.get("/datetimes")
    def datetimes(
        when: datetime.datetime,
        delta: datetime.timedelta | None = None,
        at: Annotated[datetime.time | None, fw.Header()] = None,
    ) -> dict[str, datetime.datetime]:
        return {}

    return app


@builder
def custom_security_scheme(fw: Any) -> Any:
    models = fw.openapi.models

    class TenantKey(fw.security.base.SecurityBase):
        def __init__(self) -> None:
            self.model = models.APIKey(**{"in": models.APIKeyIn.header}, name="X-Tenant")
            self.scheme_name = "Tenant"

        def __call__(self, request: fw.Request) -> str | None:
            return request.headers.get("X-Tenant")

    tenant = TenantKey()
    app = fw.FastAPI(dependencies=[fw.Depends(tenant)])
    router = fw.APIRouter(dependencies=[fw.Security(tenant, scopes=["read"])])

    @router.get("/tenants/{tenant_id}")
    def read(tenant_id: str, key: Annotated[str | None, fw.Depends(tenant)]):
        return {}

    app.include_router(router, prefix="/v1", include_in_schema=True)
    hidden = fw.APIRouter()

    @hidden.get("/internal")
    def internal():
        return {}

    app.include_router(hidden, include_in_schema=False)

    @app.webhooks.post("tenant-created", tags=["hooks"])
    def tenant_created(body: Message, key: Annotated[Any, fw.Depends(tenant)]):
        """Sent when a tenant is created."""

    return app


@builder
def extras(fw: Any) -> Any:
    app = fw.FastAPI()

    @app.post(
        "/extra/",
        openapi_extra={
            "parameters": [{"name": "X-Extra", "in": "header", "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/x-yaml": {"schema": {"type": "object"}}}},
            "x-aperture-labs-portal": "blue",
        },
    )
    def extra(q: int = 0):
        return {}

    @app.get("/extra-responses/", openapi_extra={"responses": {"200": {"x-note": "merged"}}})
    def extra_responses() -> Item:
        return Item(name="a", price=1)

    @app.get(
        "/response-headers/",
        responses={
            200: {
                "headers": {"X-Rate": {"description": "Rate", "schema": {"type": "integer"}}},
                "model": Page,
            },
            202: {"content": {"application/json": {"example": {"message": "later"}}}},
        },
    )
    def response_headers() -> Item:
        return Item(name="a", price=1)

    return app


class Profile(BaseModel):
    model_config = {"extra": "forbid"}

    display_name: str
    bio: str | None = None


class Address(BaseModel):
    street: str
    city: str = Field(validation_alias="town")


@builder
def form_models(fw: Any) -> Any:
    app = fw.FastAPI()

    @app.post("/optional-profile/")
    def optional_profile(profile: Annotated[Profile | None, fw.Form()] = None):
        return {}

    @app.post("/required-nullable/")
    def required_nullable(
        address: Annotated[Address | None, fw.Form()], note: Annotated[str, fw.Form()]
    ):
        return {}

    @app.post("/pet-form/")
    def pet_form(pet: Annotated[Cat | Dog, fw.Form()]):
        return {}

    @app.post("/mixed/")
    def mixed(
        login: Annotated[LoginForm, fw.Form()],
        avatar: Annotated[fw.UploadFile | None, fw.File()] = None,
    ):
        return {}

    return app


@builder
def streams(fw: Any) -> Any:
    from collections.abc import AsyncIterable, Iterable

    app = fw.FastAPI()

    @app.get("/items/stream")
    async def stream_items() -> AsyncIterable[Item]:
        yield Item(name="a", price=1)

    @app.get("/raw/stream")
    def stream_raw():
        yield {"any": "thing"}

    @app.get("/events", response_class=fw.sse.EventSourceResponse)
    async def events(topic: str = "all") -> AsyncIterable[Message]:
        yield Message(message="hi")

    @app.post("/events/plain", response_class=fw.sse.EventSourceResponse, status_code=201)
    def plain_events() -> Iterable[str]:
        yield "x"

    return app
