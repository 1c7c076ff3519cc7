"""STARTUP ONLY: refuse form parameters when python-multipart is missing or the wrong package.

Two distributions install an importable `multipart`: python-multipart (what Starlette's form
parsers need) and an unrelated package of the same name. A route declaring `Form()` or `File()`
is checked when it is declared, so a broken install fails at import time with instructions,
not on the first form request.
"""

from __future__ import annotations

import importlib

from zephyr.logger import logger

multipart_not_installed_error = (
    'Form data requires "python-multipart" to be installed. \n'
    'You can install "python-multipart" with: \n\n'
    "pip install python-multipart\n"
)
multipart_incorrect_install_error = (
    'Form data requires "python-multipart" to be installed. '
    'It seems you installed "multipart" instead. \n'
    'You can remove "multipart" with: \n\n'
    "pip uninstall multipart\n\n"
    'And then install "python-multipart" with: \n\n'
    "pip install python-multipart\n"
)
# The first release importable as `python_multipart` (earlier ones shadow the `multipart` name).
_FIRST_SEPARATE_RELEASE = "0.0.12"


def _has_python_multipart() -> bool:
    try:
        from python_multipart import __version__
    except ImportError:
        return False
    # Read at each call (not cached) so the version seen is the one installed now.
    return bool(__version__ > _FIRST_SEPARATE_RELEASE)


def ensure_multipart_is_installed() -> None:
    """Raise RuntimeError (and log it) unless python-multipart can parse forms.

    An old python-multipart that is only importable as `multipart` is accepted; the
    unrelated `multipart` package (it lacks `multipart.multipart.parse_options_header`) is not.
    """
    if _has_python_multipart():
        return
    # Imported by name: the legacy `multipart` module has no type information.
    try:
        legacy = importlib.import_module("multipart")
        legacy_version = legacy.__version__
    except (ImportError, AttributeError):
        logger.error(multipart_not_installed_error)
        raise RuntimeError(multipart_not_installed_error) from None
    try:
        parser = importlib.import_module("multipart.multipart")
        parse_options_header = parser.parse_options_header
    except (ImportError, AttributeError):
        parse_options_header = None
    if not legacy_version or parse_options_header is None:
        logger.error(multipart_incorrect_install_error)
        raise RuntimeError(multipart_incorrect_install_error)
