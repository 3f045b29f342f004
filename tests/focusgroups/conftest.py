import pytest

from tests.focusgroups.factories import ThemeFactory


@pytest.fixture
def themes(db):
    names = ["Wait times", "Communication", "Staff courtesy", "Online services"]
    return {n: ThemeFactory(name=n) for n in names}
