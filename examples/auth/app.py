"""A notes API behind a login: the FastAPI OAuth2 + JWT tutorial in a few lines of zephyr.auth.

* `POST /token` takes the OAuth2 password form and returns a signed access token with the
  scopes the user asked for and is allowed;
* `GET /users/me` needs any valid token; `GET /notes` needs the `notes:read` scope and
  `POST /notes` the `notes:write` scope (declared with `Security`, as in FastAPI's docs);
* `GET /admin/users` needs the `admin` role; `/ws` is a WebSocket behind the same token.

Needs the `auth` extra (`pip install "zephyr[auth]"`). Run it with
`uvicorn examples.auth.app:app`; the signing secret comes from `EXAMPLE_JWT_SECRET`, or a
random one is made at start-up (tokens then die with the process).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, Field

from zephyr import Depends, FastAPI, HTTPException, Security, WebSocket, status
from zephyr.auth import AccessTokens, Claims, Key, PasswordHasher, Token, TokenAuth
from zephyr.security import OAuth2PasswordRequestForm

SCOPES = {"notes:read": "Read your notes", "notes:write": "Write notes"}


@dataclass
class UserRecord:
    """A stored user: what the database would hold."""

    username: str
    full_name: str
    password_hash: str
    scopes: list[str]
    roles: list[str] = field(default_factory=list)
    disabled: bool = False


class User(BaseModel):
    """A user as the API shows it (never the hash)."""

    username: str
    full_name: str
    roles: list[str]


class NoteIn(BaseModel):
    """A note as clients send it."""

    text: str = Field(min_length=1, max_length=500)


class Note(NoteIn):
    """A stored note."""

    id: int
    author: str


passwords = PasswordHasher()
tokens = AccessTokens(
    Key.hmac(os.environ.get("EXAMPLE_JWT_SECRET") or secrets.token_urlsafe(48), kid="main"),
    issuer="zephyr-example",
    audience="notes-api",
)

USERS: dict[str, UserRecord] = {}
NOTES: list[Note] = []


def add_user(
    username: str, password: str, *, scopes: Sequence[str], roles: Sequence[str] = ()
) -> None:
    """Register a user (a sign-up endpoint would do this)."""
    USERS[username] = UserRecord(
        username, username.title(), passwords.hash(password), list(scopes), list(roles)
    )


def load_user(claims: Claims) -> UserRecord | None:
    """Return the active user a verified token names; None makes the token invalid."""
    user = USERS.get(claims.subject)
    return None if user is None or user.disabled else user


auth: TokenAuth[UserRecord] = TokenAuth(
    tokens, token_url="token", scopes=SCOPES, user_loader=load_user
)
CurrentUser = Annotated[UserRecord, Depends(auth.current_user)]

app = FastAPI(title="Notes, behind a login")


@app.post("/token")
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Exchange a user name and password for an access token."""
    user = USERS.get(form.username)
    # verify() checks a dummy hash for unknown users, so timing does not reveal who exists.
    stored_hash = user.password_hash if user is not None else None
    valid, new_hash = passwords.verify_and_update(form.password, stored_hash)
    if user is None or not valid or user.disabled:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if new_hash is not None:
        user.password_hash = new_hash  # stronger parameters since this hash was made
    requested = form.scopes or user.scopes
    granted = [scope for scope in requested if scope in user.scopes]
    return auth.token_response(user.username, scopes=granted, roles=user.roles)


@app.get("/users/me")
def read_me(user: CurrentUser) -> User:
    """Return the logged-in user."""
    return User(username=user.username, full_name=user.full_name, roles=user.roles)


@app.get("/notes")
def list_notes(
    user: Annotated[UserRecord, Security(auth.current_user, scopes=["notes:read"])],
) -> list[Note]:
    """List the caller's notes."""
    return [note for note in NOTES if note.author == user.username]


@app.post("/notes", status_code=status.HTTP_201_CREATED)
def create_note(
    note: NoteIn,
    user: Annotated[UserRecord, Security(auth.current_user, scopes=["notes:write"])],
) -> Note:
    """Store a note for the caller."""
    stored = Note(id=len(NOTES) + 1, author=user.username, text=note.text)
    NOTES.append(stored)
    return stored


@app.get("/admin/users", dependencies=[Depends(auth.require_roles("admin"))])
def list_users() -> list[User]:
    """List every user (admins only)."""
    return [User(username=u.username, full_name=u.full_name, roles=u.roles) for u in USERS.values()]


@app.websocket("/ws")
async def notifications(
    websocket: WebSocket, claims: Annotated[Claims, Security(auth.claims, scopes=["notes:read"])]
) -> None:
    """Greet a logged-in WebSocket client (the same token, in the Authorization header)."""
    await websocket.accept()
    await websocket.send_json({"hello": claims.subject, "scopes": list(claims.scopes)})
    await websocket.close()


add_user("alice", "wonderland", scopes=["notes:read", "notes:write"], roles=["admin"])
add_user("bob", "builder", scopes=["notes:read"])
