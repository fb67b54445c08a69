"""Fixtures the attacks share: the reporting world and an API client of its provider."""

from tests.api.conftest import credentials  # noqa: F401 - a fixture
from tests.reporting.conftest import world  # noqa: F401 - a fixture
