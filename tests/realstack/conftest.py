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
from tests.realstack.roots import SPECS, RootBuildError, ensure_root, missing_build_tools


def skip_or_fail(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: failing instead of skipping)", pytrace=False)
    pytest.skip(message)


def require_realstack() -> None:
    missing = missing_prerequisites()
    if missing:
        skip_or_fail("real-stack prerequisites missing: " + "; ".join(missing))


def require_root(name: str) -> Path:
    """A Debian root of tests/realstack/roots.py, built now (minutes, once) when not cached."""
    require_realstack()
    if not (SPECS[name].path() / ".realstack-root.json").is_file():
        missing = missing_build_tools()
        if missing:
            skip_or_fail("cannot build the %s root (%s): missing %s" % (
                name, SPECS[name].purpose, "; ".join(missing)))
    try:
        return ensure_root(name)
    except (RootBuildError, OSError) as error:
        skip_or_fail("building the %s root failed: %s" % (name, error))


@pytest.fixture(scope="session")
def realstack() -> None:
    require_realstack()


@pytest.fixture(scope="session")
def hosttools_root(realstack) -> Path:
    return require_root("hosttools")


@pytest.fixture(scope="session")
def trixie_root(realstack) -> Path:
    return require_root("trixie")


@pytest.fixture(scope="session")
def sid_root(realstack) -> Path:
    return require_root("sid")


@pytest.fixture(scope="session")
def pki(realstack, tmp_path_factory) -> Path:
    """CA, server (receiver.e2e.test), client (sender01.e2e.test) and rogue certificates."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def config_workdir(tmp_path_factory) -> Path:
    """Where generated config sets are built (once per session and worker)."""
    return tmp_path_factory.mktemp("configsets")
