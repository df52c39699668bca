"""The national statistics page: the annual report's figures as tables and SVG charts, for a period, to
the Panel and analysts only; each table as CSV."""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import CensusComparator
from reviews.services import rapid_review_send
from tests.conftest import rapid_review_values
from tests.signin import sign_in

from .helpers import error_summary_links, page_facts

pytestmark = pytest.mark.django_db

PERIOD = {
    "period_from-day": "1",
    "period_from-month": "4",
    "period_from-year": "2022",
    "period_to-day": "31",
    "period_to-month": "3",
    "period_to-year": "2023",
}


def signed_in(user):
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def reviewed(notified, leeds_lead, london_time):
    """The Leeds case of 10 September 2022, notified on the 14th, its rapid review sent on 3 October."""
    with london_time("2022-10-03"):
        rapid_review_send(incident=notified, by=leeds_lead, **rapid_review_values())
    return notified


def _table(html, name):
    section = html[html.index(f'id="{name}"') :]
    return section[: section.index("</section>")]


def test_the_panel_and_analysts_see_it_and_nobody_else(analyst, secretariat, panel_member, leeds_notifier, leeds_lead):
    for person in (analyst, secretariat, panel_member):
        response = signed_in(person).get(reverse("web:statistics"))
        assert response.status_code == 200
        assert page_facts(response).title.startswith("National statistics – ")
        assert 'href="/statistics/"' in response.content.decode()  # in the service's navigation
    for person in (leeds_notifier, leeds_lead):
        assert signed_in(person).get(reverse("web:statistics")).status_code == 403
        assert 'href="/statistics/"' not in signed_in(person).get(reverse("home")).content.decode()


def test_the_default_period_is_the_last_complete_april_to_march_year(analyst, london_time):
    with london_time("2026-12-02"):
        html = signed_in(analyst).get(reverse("web:statistics")).content.decode()
    assert "From 1 April 2025 to 31 March 2026" in html
    with london_time("2026-03-31"):
        html = signed_in(analyst).get(reverse("web:statistics")).content.decode()
    assert "From 1 April 2024 to 31 March 2025" in html


def test_figures_as_tables_with_per_cents_and_charts_beside_them(analyst, reviewed):
    response = signed_in(analyst).get(reverse("web:statistics"), PERIOD)
    html = response.content.decode()
    assert "From 1 April 2022 to 31 March 2023: 1 notification, 1 child involved." in html
    by_reason = _table(html, "notifications_by_reason")
    assert '<th scope="row" class="govuk-table__header">Serious harm</th>' in by_reason
    assert ">100.0%<" in by_reason and ">0.0%<" in by_reason
    by_month = _table(html, "notifications_by_month")
    assert 'role="img"' in by_month and 'aria-label="Notifications by month of the incident and reason' in by_month
    assert "2022-09" in by_month
    timeliness = _table(html, "timeliness")
    # Incident on Saturday 10 September 2022, notified on Wednesday the 14th: 3 working days, within 5.
    assert "Notified within 5 working days of the incident" in timeliness
    lags = _table(html, "notification_lag")
    assert 'role="img"' in lags
    assert "<svg" in _table(html, "age_by_sex") and "<svg" in _table(html, "ethnicity_group")
    assert "No census comparator is loaded" in _table(html, "ethnicity_group")


def test_every_table_downloads_as_the_csv_of_what_it_shows(analyst, reviewed):
    client = signed_in(analyst)
    html = client.get(reverse("web:statistics"), PERIOD).content.decode()
    names = [part.split('"')[0] for part in html.split('<section class="govuk-!-margin-bottom-8" id="')[1:]]
    assert len(names) >= 15
    for name in names:
        response = client.get(reverse("web:statistics"), {**PERIOD, "download": name})
        assert response.status_code == 200, name
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f'filename="{name}-2022-04-01-to-2023-03-31.csv"' in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert len(rows) >= 2, name
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("web:statistics"), {**PERIOD, "download": "notifications_by_reason"}
                ).content.decode()
            )
        )
    )
    assert rows == [
        ["Item", "Number", "Per cent"],
        ["Death", "0", "0.0%"],
        ["Serious harm", "1", "100.0%"],
        ["Other", "0", "0.0%"],
    ]
    assert client.get(reverse("web:statistics"), {**PERIOD, "download": "nonsense"}).status_code == 404


def test_a_bad_period_is_a_gov_uk_error_and_keeps_what_was_typed(analyst):
    bad = {**PERIOD, "period_from-day": "31", "period_from-month": "2"}
    response = signed_in(analyst).get(reverse("web:statistics"), bad)
    assert response.status_code == 400
    assert error_summary_links(response) == ["id_period_from-day"]
    backwards = {**PERIOD, "period_to-year": "2021"}
    response = signed_in(analyst).get(reverse("web:statistics"), backwards)
    assert response.status_code == 400
    assert "To must be the same as or after From" in response.content.decode()


def test_the_census_comparator_an_administrator_loads_is_set_beside_the_children(admin_client, analyst, reviewed):
    response = admin_client.post(
        reverse("admin:reports_censuscomparator_add"),
        {
            "name": "Census 2021, children, England",
            "year": "2021",
            "source_url": "",
            "shares-TOTAL_FORMS": "2",
            "shares-INITIAL_FORMS": "0",
            "shares-MIN_NUM_FORMS": "0",
            "shares-MAX_NUM_FORMS": "5",
            "shares-0-ethnicity_group": "white",
            "shares-0-percentage": "70.50",
            "shares-1-ethnicity_group": "asian",
            "shares-1-percentage": "12.25",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CensusComparator.objects.get().shares.count() == 2
    table = _table(signed_in(analyst).get(reverse("web:statistics"), PERIOD).content.decode(), "ethnicity_group")
    assert "Census 2021, children, England" in table
    assert ">70.50%<" in table and ">100.0%<" in table  # the index child is white British: 1 of 1 recorded


def test_the_page_links_the_analysts_exports_which_download_with_the_session(analyst, reviewed, settings):
    settings.PSEUDONYM_KEY = "a-test-key-for-the-pseudonyms"
    client = signed_in(analyst)
    html = client.get(reverse("web:statistics"), PERIOD).content.decode()
    downloads = html[html.index('id="downloads"') :]
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', downloads[:2000])][:2]
    assert links[0] == "/api/v1/reports/dfe.csv?from_year=2022&to_year=2023"
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, (link, response.content[:300])
        assert response["Content-Type"].startswith("text/csv")
    cases = b"".join(client.get(links[1]).streaming_content).decode()
    assert len(cases.splitlines()) == 2  # the header and the one child
    assert reviewed.reference not in cases
