"""Fixtures for the engine's contract tests."""

from __future__ import annotations

import pytest

from portal.engine.plugins import get_plugin_manager
from portal.engine.testing import write_dataset


@pytest.fixture
def data(tmp_path):
    """A small valid data set in a folder."""
    return write_dataset(tmp_path / "data")


@pytest.fixture
def core_pm():
    """Only the two core fields, so these tests do not depend on the others' tables."""
    return get_plugin_manager(only={"finance", "infrastructure"})


@pytest.fixture
def cli_plugins(monkeypatch, core_pm):
    """Make the CLI use ``core_pm`` (plus whatever a test registers on it)."""
    monkeypatch.setattr("portal.engine.plugins.get_plugin_manager", lambda only=None: core_pm)
    return core_pm


@pytest.fixture(scope="session")
def demo_data(demo_cache):
    """The demo data set (2025 variant, seed 2025), generated once per session."""
    return demo_cache.folder("2025")
