"""pytest support for the real-stack tests. The test modules live in tests/ and import these
fixtures explicitly (`from tests.realstack.conftest import realstack, pki`), so they work
however pytest is pointed at them.

A missing prerequisite skips the tests with a message naming it, except when CI=true: CI must
never skip them silently, so there it is a failure."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.realstack.pki import make_pki
from tests.realstack.prereqs import missing_prerequisites


def require_realstack() -> None:
    missing = missing_prerequisites()
    if not missing:
        return
    message = "real-stack prerequisites missing: " + "; ".join(missing)
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: failing instead of skipping)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def realstack() -> None:
    require_realstack()


@pytest.fixture(scope="session")
def pki(realstack, tmp_path_factory) -> Path:
    """CA, server (receiver.e2e.test), client (sender01.e2e.test) and rogue certificates."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def config_workdir(tmp_path_factory) -> Path:
    """Where generated config sets are built (once per session and worker)."""
    return tmp_path_factory.mktemp("configsets")
