"""WebSocket endpoints: parameters, dependencies, errors, close codes, broadcasting."""

from typing import Annotated, Any

import pytest
from pydantic import BaseModel

from zephyr import (
    APIRouter,
    Cookie,
    Depends,
    FastAPI,
    Header,
    Query,
    WebSocket,
    WebSocketDisconnect,
    WebSocketException,
    status,
)
from zephyr.testclient import TestClient


def test_path_query_header_and_cookie_parameters() -> None:
    app = FastAPI()

    @app.websocket("/rooms/{room}")
    async def room(
        websocket: WebSocket,
        room: str,
        token: Annotated[str, Query()],
        x_client: Annotated[str, Header()],
        session: Annotated[str | None, Cookie()] = None,
    ) -> None:
        await websocket.accept()
        await websocket.send_json(
            {"room": room, "token": token, "client": x_client, "session": session}
        )
        await websocket.close()

    client = TestClient(app)
    client.cookies.set("session", "s1")
    with client.websocket_connect("/rooms/lobby?token=t", headers={"x-client": "cli"}) as websocket:
        assert websocket.receive_json() == {
            "room": "lobby",
            "token": "t",
            "client": "cli",
            "session": "s1",
        }


def test_invalid_parameters_close_with_1008_and_the_errors() -> None:
    app = FastAPI()

    @app.websocket("/ws")
    async def ws(websocket: WebSocket, count: int) -> None:
        await websocket.accept()

    with pytest.raises(WebSocketDisconnect) as caught:
        with TestClient(app).websocket_connect("/ws?count=many") as websocket:
            websocket.receive_text()
    assert caught.value.code == status.WS_1008_POLICY_VIOLATION
    assert caught.value.reason == [
        {
            "type": "int_parsing",
            "loc": ["query", "count"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "many",
        }
    ]


def test_dependencies_with_yield_wrap_the_connection_and_see_the_disconnect() -> None:
    events: list[Any] = []
    app = FastAPI()
    router = APIRouter(prefix="/chat")

    async def session(websocket: WebSocket) -> Any:
        events.append(("open", websocket.url.path))
        try:
            yield "session"
        except WebSocketDisconnect as exc:
            # The endpoint's exception is delivered here; handled, so the session just ends.
            events.append(("client left", exc.code))
        finally:
            events.append("closed")

    @router.websocket("/ws")
    async def ws(websocket: WebSocket, current: Annotated[str, Depends(session)]) -> None:
        await websocket.accept()
        while True:
            text = await websocket.receive_text()
            await websocket.send_text(f"{current}: {text}")

    app.include_router(router)
    with TestClient(app).websocket_connect("/chat/ws") as websocket:
        websocket.send_text("hi")
        assert websocket.receive_text() == "session: hi"
    assert events == [("open", "/chat/ws"), ("client left", 1000), "closed"]


def test_websocket_exception_closes_with_its_code_and_reason() -> None:
    app = FastAPI()

    async def require_token(token: str | None = None) -> str:
        if token != "ok":
            raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION, reason="bad token")
        return token

    @app.websocket("/ws")
    async def ws(websocket: WebSocket, token: Annotated[str, Depends(require_token)]) -> None:
        await websocket.accept()
        await websocket.send_text(token)

    client = TestClient(app)
    with pytest.raises(WebSocketDisconnect) as caught:
        with client.websocket_connect("/ws?token=no") as websocket:
            websocket.receive_text()
    assert (caught.value.code, caught.value.reason) == (1008, "bad token")
    with client.websocket_connect("/ws?token=ok") as websocket:
        assert websocket.receive_text() == "ok"


def test_text_bytes_and_json_messages() -> None:
    app = FastAPI()

    class Message(BaseModel):
        text: str

    @app.websocket("/echo")
    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text(await websocket.receive_text())
        await websocket.send_bytes(await websocket.receive_bytes())
        message = Message.model_validate(await websocket.receive_json())
        await websocket.send_json(message.model_dump())
        await websocket.close(code=4000, reason="done")

    with TestClient(app).websocket_connect("/echo") as websocket:
        websocket.send_text("t")
        assert websocket.receive_text() == "t"
        websocket.send_bytes(b"\x00\x01")
        assert websocket.receive_bytes() == b"\x00\x01"
        websocket.send_json({"text": "j"})
        assert websocket.receive_json() == {"text": "j"}
        with pytest.raises(WebSocketDisconnect) as caught:
            websocket.receive_text()
    assert (caught.value.code, caught.value.reason) == (4000, "done")


class ConnectionManager:
    """The broadcast pattern from FastAPI's WebSocket tutorial."""

    def __init__(self) -> None:
        self.active: list[WebSocket] = []

    async def connect(self, websocket: WebSocket) -> None:
        await websocket.accept()
        self.active.append(websocket)

    def disconnect(self, websocket: WebSocket) -> None:
        self.active.remove(websocket)

    async def broadcast(self, message: str) -> None:
        for connection in list(self.active):
            try:
                await connection.send_text(message)
            except WebSocketDisconnect:
                # A client that is going away; its own handler removes it.
                pass


def test_connection_manager_broadcasts_to_many_clients_over_uvicorn() -> None:
    import socket

    import anyio
    import uvicorn
    from websockets.asyncio.client import connect

    app = FastAPI()
    manager = ConnectionManager()

    @app.websocket("/ws/{name}")
    async def ws(websocket: WebSocket, name: str) -> None:
        await manager.connect(websocket)
        try:
            while True:
                await manager.broadcast(f"{name}: {await websocket.receive_text()}")
        except WebSocketDisconnect:
            manager.disconnect(websocket)
            await manager.broadcast(f"{name} left")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical")
    server = uvicorn.Server(config)

    async def scenario() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(server.serve)
            with anyio.fail_after(20):
                while not server.started:
                    await anyio.sleep(0.02)
                url = f"ws://127.0.0.1:{port}/ws/c"
                clients = [await connect(f"{url}{index}") for index in range(25)]
                while len(manager.active) < len(clients):
                    await anyio.sleep(0.01)
                await clients[0].send("hello")
                assert [await client.recv() for client in clients] == ["c0: hello"] * 25
                await clients[-1].close()
                assert [await client.recv() for client in clients[:-1]] == ["c24 left"] * 24
                assert len(manager.active) == 24
            # Shutting down closes the remaining connections (1012, "service restart").
            server.should_exit = True

    anyio.run(scenario)
