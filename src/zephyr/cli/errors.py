"""The one exception the CLI turns into a message for a person: what went wrong, what to do."""

from __future__ import annotations


class CLIError(Exception):
    """A problem the user can act on, reported without a CLI traceback.

    Attributes:
        message: What went wrong, in one sentence.
        hint: What to do about it (may span lines), or "".
        details: Text shown verbatim between the two, such as the user's own traceback.
    """

    def __init__(self, message: str, hint: str = "", details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details
