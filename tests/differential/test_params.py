"""Path, query, header and cookie parameters: parsing, constraints, models, errors, order."""

from enum import Enum, IntEnum
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, Field

from .harness import Cases, get, post

cases = Cases()


class Color(str, Enum):
    red = "red"
    green = "green"


class Level(IntEnum):
    low = 1
    high = 2


@cases.add
def path_convertors(fw):
    app = fw.FastAPI()

    @app.get("/items/{item_id:int}")
    def item(item_id: int):
        return {"item_id": item_id}

    @app.get("/files/{file_path:path}")
    def file(file_path: str):
        return {"file_path": file_path}

    @app.get("/users/{user_id}")
    def user(user_id: int):
        return {"user_id": user_id}

    @app.get("/ratio/{x:float}")
    def ratio(x: float):
        return {"x": x}

    @app.get("/ids/{uid:uuid}")
    def ids(uid: str):
        return {"uid": uid}

    return app, [
        get("/items/5", ":int convertor"),
        get("/items/abc", ":int convertor does not match: 404, not 422"),
        get("/items/-5", ":int convertor rejects a sign: 404"),
        get("/files/a/b/c.txt", ":path keeps slashes"),
        get("/files/", ":path matches the empty string"),
        get("/users/12", "plain segment validated as int"),
        get("/users/abc", "int_parsing error, loc path"),
        get("/users/007", "leading zeros parse"),
        get("/users/1.0", "'1.0' for an int path param (pydantic lax mode)"),
        get("/ratio/1.5", ":float convertor"),
        get("/ids/4ac5e5d6-7f8e-4e4b-9f6a-3ad0b6f2c9a1", ":uuid convertor, str param"),
        get("/users/%F0%9F%98%80", "percent-encoded emoji in a segment"),
        get("/users/1%2F2", "an encoded slash is decoded before matching: 404"),
        get("/files/a%20b/%2E%2E/c", "encoded characters in a :path value"),
    ]


@cases.add
def path_enums_and_constraints(fw):
    app = fw.FastAPI()

    @app.get("/colors/{color}")
    def color(color: Color):
        return {"color": color, "is_red": color is Color.red}

    @app.get("/levels/{level}")
    def level(level: Level):
        return {"level": level}

    @app.get("/lit/{mode}")
    def lit(mode: Literal["a", "b"]):
        return {"mode": mode}

    @app.get("/bounded/{n}")
    def bounded(n: Annotated[int, fw.Path(gt=0, le=10, title="N")]):
        return {"n": n}

    @app.get("/old/{n}")
    def old_style(n: int = fw.Path(ge=1, description="default-value style")):
        return {"n": n}

    return app, [
        get("/colors/red", "enum member"),
        get("/colors/blue", "enum error lists the permitted values"),
        get("/colors/RED", "enum matching is case-sensitive"),
        get("/levels/2", "IntEnum from a path string"),
        get("/levels/3", "IntEnum error"),
        get("/lit/b", "Literal"),
        get("/lit/c", "Literal error"),
        get("/bounded/10", "le boundary"),
        get("/bounded/0", "gt error with ctx"),
        get("/bounded/11", "le error"),
        get("/old/0", "Path(ge=1) as a default value"),
    ]


@cases.add
def query_scalars(fw):
    app = fw.FastAPI()

    @app.get("/")
    def read(
        n: int,
        ratio: float = 0.5,
        name: str = "anon",
        limit: Optional[int] = None,
        code: Annotated[str | None, fw.Query()] = None,
    ):
        return {"n": n, "ratio": ratio, "name": name, "limit": limit, "code": code}

    return app, [
        get("/?n=1", "defaults fill in"),
        get("/", "required query missing"),
        get("/?n=x", "int_parsing"),
        get("/?n=1&n=2", "repeated key: last wins for a scalar"),
        get("/?n=3&ratio=1e3&name=%20bob%20", "exponent float, spaces kept"),
        get("/?n=1&limit=", "blank value for Optional[int]"),
        get("/?n=", "blank value for a required int"),
        get("/?n=1&name=", "blank value for a str with a default"),
        get("/?n=1&code", "key without '='"),
        get("/?n=1.5", "float string for an int"),
        get("/?n=1&ratio=nan", "nan is a float"),
        get("/?n=99999999999999999999999", "big int"),
        get("/?n=1&unknown=2", "unknown query params are ignored"),
    ]


@cases.add
def query_lists(fw):
    app = fw.FastAPI()

    @app.get("/ints")
    def ints(q: Annotated[list[int], fw.Query()]):
        return {"q": q}

    @app.get("/opt")
    def opt(q: list[str] | None = fw.Query(default=None)):
        return {"q": q}

    @app.get("/default")
    def default(tags: Annotated[list[str], fw.Query()] = ["a", "b"]):
        return {"tags": tags}

    @app.get("/colors")
    def colors(c: Annotated[list[Color], fw.Query()] = []):
        return {"c": c}

    @app.get("/bounded")
    def bounded(q: Annotated[list[str], fw.Query(min_length=2)]):
        return {"q": q}

    return app, [
        get("/ints?q=1&q=2&q=3", "repeated keys collect into a list, in order"),
        get("/ints?q=1&q=x&q=y", "one error per bad item, loc includes the index"),
        get("/ints", "required list missing"),
        get("/ints?q=1,2", "no comma splitting"),
        get("/opt", "optional list absent is None"),
        get("/opt?q=", "a blank item is kept in a list"),
        get("/default", "list default"),
        get("/default?tags=z", "a single value makes a one-item list"),
        get("/colors?c=red&c=green", "list of enums"),
        get("/colors?c=red&c=pink", "enum error inside a list"),
        get("/bounded?q=a", "min_length on a list counts items"),
    ]


@cases.add
def query_aliases_and_constraints(fw):
    app = fw.FastAPI()

    @app.get("/alias")
    def alias(item_query: Annotated[str, fw.Query(alias="item-query")] = "none"):
        return {"item_query": item_query}

    @app.get("/str")
    def strings(
        code: Annotated[str, fw.Query(min_length=2, max_length=4, pattern="^[a-z]+$")],
    ):
        return {"code": code}

    @app.get("/num")
    def numbers(
        a: int = fw.Query(gt=0),
        b: Annotated[float, fw.Query(ge=1, lt=2)] = 1,
        c: Annotated[int, fw.Query(le=5, multiple_of=2)] = 2,
    ):
        return {"a": a, "b": b, "c": c}

    return app, [
        get("/alias?item-query=x", "alias is the query name"),
        get("/alias?item_query=x", "the python name is not accepted"),
        get("/str?code=ab", "within bounds"),
        get("/str?code=a", "string_too_short"),
        get("/str?code=abcde", "string_too_long"),
        get("/str?code=AB", "pattern mismatch"),
        get("/num?a=0&b=2&c=7", "three constraint errors: order of loc"),
        get("/num?a=1&b=1.999&c=4", "all valid"),
        get("/num?a=1&c=3", "multiple_of"),
    ]


@cases.add
def query_bool(fw):
    app = fw.FastAPI()

    @app.get("/")
    def read(flag: bool, opt: bool = False):
        return {"flag": flag, "opt": opt}

    values = "yes on 1 true True TRUE off no 0 false f t y n maybe 2".split() + [""]
    return app, [get(f"/?flag={v}", f"bool parsing of {v!r}") for v in values] + [
        get("/?flag=1&opt", "bare key for a bool with a default"),
    ]


@cases.add
def headers(fw):
    app = fw.FastAPI()

    @app.get("/")
    def read(
        user_agent: Annotated[str, fw.Header()],
        x_token: Annotated[str | None, fw.Header()] = None,
        strange_header: str | None = fw.Header(default=None, convert_underscores=False),
        x_list: Annotated[list[str] | None, fw.Header()] = None,
        x_num: Annotated[int, fw.Header(alias="X-Number")] = 0,
    ):
        return {
            "ua": user_agent,
            "token": x_token,
            "strange": strange_header,
            "list": x_list,
            "num": x_num,
        }

    return app, [
        get("/", "TestClient sends user-agent: testclient"),
        get("/", "underscore becomes dash", headers={"X-Token": "abc"}),
        get("/", "no conversion: dash name is not matched", headers={"strange-header": "1"}),
        get("/", "no conversion: underscore name", headers={"strange_header": "1"}),
        get("/", "repeated header as a list", headers=[("x-list", "a"), ("x-list", "b")]),
        get("/", "repeated header for a scalar", headers=[("x-token", "1"), ("x-token", "2")]),
        get("/", "case-insensitive names", headers={"X-TOKEN": "up", "x-number": "7"}),
        get("/", "int header invalid", headers={"X-Number": "seven"}),
        get("/", "comma in one header is not split", headers={"x-list": "a, b"}),
    ]


@cases.add
def header_required_missing(fw):
    app = fw.FastAPI()

    @app.get("/")
    def read(x_api_key: str = fw.Header(), x_count: Annotated[int, fw.Header(gt=0)] = 1):
        return {"key": x_api_key, "count": x_count}

    return app, [
        get("/", "missing required header: loc uses the alias x-api-key"),
        get("/", "present", headers={"x-api-key": "k"}),
        get("/", "constraint on a header", headers={"x-api-key": "k", "x-count": "0"}),
        get("/", "empty header value", headers={"x-api-key": ""}),
    ]


@cases.add
def cookies(fw):
    app = fw.FastAPI()

    @app.get("/")
    def read(
        session: Annotated[str, fw.Cookie()],
        theme: str | None = fw.Cookie(default=None),
        visits: Annotated[int, fw.Cookie()] = 0,
    ):
        return {"session": session, "theme": theme, "visits": visits}

    return app, [
        get("/", "required cookie missing"),
        get("/", "cookies parsed", headers={"cookie": "session=s1; theme=dark; visits=3"}),
        get("/", "bad int cookie", headers={"cookie": "session=s1; visits=many"}),
        get("/", "quoted cookie value", headers={"cookie": 'session="a b"'}),
        get("/", "duplicate cookie: which wins", headers={"cookie": "session=1; session=2"}),
    ]


class Filters(BaseModel):
    model_config = {"extra": "forbid"}

    limit: int = Field(10, gt=0, le=100)
    order: Literal["asc", "desc"] = "asc"
    tags: list[str] = []


class CommonHeaders(BaseModel):
    x_tenant: str
    x_trace: str | None = None


class Prefs(BaseModel):
    theme: str = "light"
    lang: str = "en"


@cases.add
def param_models(fw):
    app = fw.FastAPI()

    @app.get("/q")
    def query_model(filters: Annotated[Filters, fw.Query()]):
        return filters

    @app.get("/all")
    def several(
        filters: Annotated[Filters, fw.Query()],
        headers: Annotated[CommonHeaders, fw.Header()],
        prefs: Annotated[Prefs, fw.Cookie()],
    ):
        return {"filters": filters, "headers": headers, "prefs": prefs}

    return app, [
        get("/q", "all defaults"),
        get("/q?limit=5&order=desc&tags=a&tags=b", "scalar and list fields"),
        get("/q?limit=0&order=up", "two field errors"),
        get("/q?limit=5&extra=1", "extra=forbid rejects unknown query keys"),
        get("/all", "missing required header field", headers={"cookie": "theme=dark"}),
        get(
            "/all?limit=2",
            "header model uses dashed names",
            headers={"x-tenant": "t1", "x-trace": "tr", "cookie": "lang=fr"},
        ),
        get("/all", "underscored header is not the field", headers={"x_tenant": "t1"}),
    ]


@cases.add
def optional_param_model(fw):
    app = fw.FastAPI()

    @app.get("/")
    def read(prefs: Annotated[Prefs | None, fw.Cookie()] = None):
        return {"prefs": prefs}

    return app, [
        get("/", "optional cookie model, no cookies"),
        get("/", "optional cookie model, some cookies", headers={"cookie": "theme=dark"}),
    ]


@cases.add
def many_errors_ordering(fw):
    app = fw.FastAPI()

    class Item(BaseModel):
        name: str
        price: float

    @app.post("/{item_id}")
    def create(
        item_id: int,
        item: Item,
        q: Annotated[int, fw.Query()],
        x_key: Annotated[str, fw.Header()],
        sid: Annotated[str, fw.Cookie()],
    ):
        return {"ok": True}

    return app, [
        post("/x", "path, query, header, cookie, body all invalid: error order"),
        post("/x?q=z", "bad values", json={"name": 1, "price": "free"}),
        post(
            "/1?q=1",
            "only body errors",
            json={"price": "1.5"},
            headers={"x-key": "k", "cookie": "sid=s"},
        ),
    ]


@cases.add
def params_in_dependencies(fw):
    app = fw.FastAPI()

    def paging(skip: int = 0, limit: Annotated[int, fw.Query(le=50)] = 10):
        return {"skip": skip, "limit": limit}

    def search(q: str | None = None, page=fw.Depends(paging)):
        return {"q": q, "page": page}

    def other_q(q: Annotated[str | None, fw.Query(max_length=3)] = None):
        return q

    @app.get("/")
    def read(s=fw.Depends(search), again: str | None = fw.Depends(other_q), x_tenant: str = "t"):
        return {"search": s, "again": again, "tenant": x_tenant}

    return app, [
        get("/?q=abc&skip=2", "params of a sub-dependency"),
        get("/?q=abcd", "same name q in two deps: one passes, the other's max_length fails"),
        get("/?limit=99&skip=x", "errors inside a sub-sub-dependency"),
        get("/?limit=99&q=toolong&x_tenant=u", "errors from two dependencies: order"),
    ]


@cases.add
def cached_dependency_with_invalid_param(fw):
    app = fw.FastAPI()

    def token(t: int):
        return t

    def a(x=fw.Depends(token)):
        return x

    def b(x=fw.Depends(token)):
        return x

    @app.get("/")
    def read(first=fw.Depends(a), second=fw.Depends(b), direct=fw.Depends(token)):
        return [first, second, direct]

    @app.get("/nocache")
    def nocache(x=fw.Depends(token), y=fw.Depends(token, use_cache=False)):
        return [x, y]

    return app, [
        get("/?t=4", "one value through three paths"),
        get("/?t=bad", "the cached dependency's error: reported once or three times?"),
        get("/", "missing: how many missing errors?"),
        get("/nocache?t=bad", "use_cache=False: errors duplicated?"),
    ]


test_params = cases.make_test()
