"""zephyr.auth is optional: never imported by zephyr, and a clear error without the extra."""

import subprocess
import sys
import textwrap


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )


def test_importing_zephyr_does_not_import_auth_or_its_dependencies() -> None:
    result = run(
        """
        import sys
        import zephyr, zephyr.security, zephyr.routing, zephyr.applications
        loaded = [m for m in ("zephyr.auth", "jwt", "pwdlib", "argon2") if m in sys.modules]
        print(loaded)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_missing_extra_names_it() -> None:
    for missing in ("jwt", "pwdlib", "cryptography"):
        result = run(
            f"""
            import sys
            sys.modules[{missing!r}] = None  # as if it were not installed
            try:
                import zephyr.auth
            except ImportError as exc:
                print(exc)
            """
        )
        assert result.returncode == 0, result.stderr
        assert "zephyr[auth]" in result.stdout, result.stdout
        assert "'auth' extra" in result.stdout
