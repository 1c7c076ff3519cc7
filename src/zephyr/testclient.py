"""The test client, re-exported from Starlette (it requires ``httpx``)."""

from starlette.testclient import TestClient as TestClient
