"""WebSocket objects, re-exported from Starlette so ``isinstance`` checks work across libraries."""

from starlette.websockets import WebSocket as WebSocket
from starlette.websockets import WebSocketDisconnect as WebSocketDisconnect
from starlette.websockets import WebSocketState as WebSocketState
