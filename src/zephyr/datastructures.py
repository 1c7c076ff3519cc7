"""Request data structures: Starlette's, plus ``UploadFile`` and the ``Default`` placeholder.

``UploadFile`` subclasses Starlette's so that it can be declared as an endpoint parameter or a
Pydantic field type; the multipart parser still produces Starlette ``UploadFile`` instances, and
validation accepts any of them.
"""

from typing import Any, TypeVar, cast

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import CoreSchema, core_schema
from starlette.datastructures import URL as URL
from starlette.datastructures import Address as Address
from starlette.datastructures import FormData as FormData
from starlette.datastructures import Headers as Headers
from starlette.datastructures import QueryParams as QueryParams
from starlette.datastructures import State as State
from starlette.datastructures import UploadFile as StarletteUploadFile

DefaultType = TypeVar("DefaultType")


class UploadFile(StarletteUploadFile):
    """Receive a file uploaded in a multipart form.

    Declare it as an endpoint or dependency parameter. The async methods (``read``, ``write``,
    ``seek``, ``close``) run file I/O in the thread pool once the file has rolled to disk; in a
    plain ``def`` endpoint use the blocking file object, ``upload_file.file``.

    Attributes:
        file: The underlying binary file object (blocking).
        filename: The file name the client sent, if any.
        size: The size in bytes, when known.
        headers: The headers of the file's multipart part.
        content_type: The part's ``Content-Type``, if any.
    """

    @classmethod
    def _validate(cls, value: Any) -> "UploadFile":
        """Accept any Starlette ``UploadFile`` as is; reject everything else."""
        if not isinstance(value, StarletteUploadFile):
            raise ValueError(f"Expected UploadFile, received: {type(value)}")
        # The parser creates Starlette's class; the instance is used as it is, not copied.
        return cast(UploadFile, value)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(cls._validate)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        # OpenAPI 3.1 describes binary content with contentMediaType, not format: binary.
        return {"type": "string", "contentMediaType": "application/octet-stream"}


class DefaultPlaceholder:
    """Wrap a default value so that an explicitly passed value can be told apart from it.

    Used internally for settings that cascade (application, router, route): a placeholder means
    "not set here", even when the wrapped default is truthy. Prefer :func:`Default` to build one.

    Args:
        value: The default value being wrapped.
    """

    def __init__(self, value: Any) -> None:
        self.value = value

    def __bool__(self) -> bool:
        return bool(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DefaultPlaceholder) and other.value == self.value

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r})"


def Default(value: DefaultType) -> DefaultType:
    """Return ``value`` wrapped in a :class:`DefaultPlaceholder`.

    Typed as returning ``value``'s own type so that it can stand as the default of a typed
    parameter; at runtime it is always a placeholder.
    """
    return cast(DefaultType, DefaultPlaceholder(value))
