import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(default_language):
    """The import tests read the English texts: reverse() gives /en/ URLs, and service
    messages come in English (the Norwegian screens have a test of their own)."""
    translation.activate("en")
    yield
