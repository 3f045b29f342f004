import pytest

from departments.models import DepartmentRole
from tests.departments.factories import UserFactory, assign


@pytest.fixture
def cso2_fleet(dept_fleet):
    """A second CSO of the Office of Fleet Management, for two-person edits."""
    return assign(
        UserFactory(username="cso2_fleet", first_name="Devon", last_name="Price"),
        dept_fleet,
        DepartmentRole.CSO,
    )
