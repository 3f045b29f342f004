import pytest
from django.urls import reverse

from csoprogram.lib import fiscal
from csoprogram.models import DepartmentPublication
from tests.csoprogram.factories import DepartmentPublicationFactory, full_department
from tests.metrics.factories import MetricFactory, add_value

pytestmark = pytest.mark.django_db


def _publish(client, cso, ccso, department, metrics):
    client.force_login(cso)
    response = client.post(
        reverse("csoprogram:publication", args=[department.slug]),
        {"metrics": [m.pk for m in metrics]},
    )
    assert response.status_code == 302
    client.force_login(ccso)
    response = client.post(reverse("csoprogram:publication_approve", args=[department.slug]))
    assert response.status_code == 302
    client.logout()


def test_nothing_is_public_until_the_ccso_approves(client, cso_fleet, dept_fleet):
    full_department(dept_fleet)
    client.force_login(cso_fleet)
    client.post(reverse("csoprogram:publication", args=["fleet"]), {"metrics": []})
    client.logout()
    assert DepartmentPublication.objects.get().status == "requested"
    assert client.get(reverse("public:department", args=["fleet"])).status_code == 404
    assert "Office of Fleet Management" not in client.get(reverse("public:index")).content.decode()


def test_anonymous_visitor_sees_only_published_content(client, cso_fleet, ccso, dept_fleet):
    full_department(dept_fleet)
    chosen, hidden = dept_fleet.metrics.order_by("pk")[:2]
    hidden.name = "Internal backlog metric"
    hidden.save()
    _publish(client, cso_fleet, ccso, dept_fleet, [chosen])
    response = client.get(reverse("public:department", args=["fleet"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "We keep the city&#x27;s vehicles safe and ready." in html
    assert "Vehicles back on time" in html
    assert chosen.name in html
    assert "Internal backlog metric" not in html
    assert "The wait was too long" not in html  # no feedback text
    assert "Tracey" not in html and "cso_fleet" not in html  # no staff names
    assert (
        client.get(reverse("public:metric_sparkline", args=["fleet", chosen.pk])).status_code == 200
    )
    assert (
        client.get(reverse("public:metric_sparkline", args=["fleet", hidden.pk])).status_code == 404
    )
    assert "Office of Fleet Management" in client.get(reverse("public:index")).content.decode()


def test_withdrawn_page_answers_404_and_other_pages_still_ask_for_login(
    client, cso_fleet, ccso, dept_fleet
):
    full_department(dept_fleet)
    _publish(client, cso_fleet, ccso, dept_fleet, [])
    ccso.refresh_from_db()  # _publish logged out, which ended every session of the CCSO
    client.force_login(ccso)
    response = client.post(reverse("csoprogram:publication_withdraw", args=["fleet"]))
    assert response.status_code == 302 and not response.url.startswith(reverse("login"))
    client.logout()
    assert client.get(reverse("public:department", args=["fleet"])).status_code == 404
    response = client.get(reverse("csoprogram:outcomes_dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_department_without_an_approved_plan_is_not_public(client, dept_fleet):
    from tests.plans.factories import PlanFactory

    PlanFactory(department=dept_fleet, status="submitted", mission="Submitted, not approved")
    m = MetricFactory(department=dept_fleet)
    add_value(m, fiscal.last_completed_quarter().start, 20)
    pub = DepartmentPublicationFactory(department=dept_fleet, status="published")
    pub.metrics.add(m)
    assert client.get(reverse("public:department", args=["fleet"])).status_code == 404
