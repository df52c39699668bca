"""The annual report over 100,000 incidents on PostgreSQL: timed, and counted in a fixed number of queries.

Slow (it bulk-creates the cases), so it runs only when asked:
REPORT_SCALE=1 DATABASE_URL=postgres://... pytest -s tests/reports/test_report_scale.py
"""

import datetime
import os
import random
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.codes import DEATH_CAUSES, SERIOUS_HARM_CAUSES, Ethnicity, History, LookedAfter, Sex
from incidents.models import Child, Incident
from organisations.reference_data import REGIONS
from reports.figures import annual_report
from reviews.models import RapidReview

from ..factories import LocalAuthorityFactory, RegionFactory, UserFactory

INCIDENTS = int(os.environ.get("REPORT_SCALE_INCIDENTS", "100000"))
FIRST_DAY = datetime.date(2015, 4, 1)
DAYS = 3650  # ten years of incidents

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("REPORT_SCALE"), reason="slow: set REPORT_SCALE=1 to run"),
    pytest.mark.skipif("postgres" not in os.environ.get("DATABASE_URL", ""), reason="timed on PostgreSQL"),
]


def bulk_cases(count, *, seed=11):
    """`count` incidents across ten years and nine regions: most notified with a rapid review, some
    withdrawn, awaiting a review or retrospective; one to three children each."""
    rng = random.Random(seed)
    las = [
        LocalAuthorityFactory(name=f"Authority in {region}", region=RegionFactory(name=region, gss_code=code))
        for region, code in REGIONS.items()
    ]
    author = UserFactory(email="bulk@example.org")
    incidents = []
    for number in range(count):
        incident_date = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
        notified_on = incident_date + datetime.timedelta(days=rng.randrange(0, 15))
        reason = rng.choice(["death", "serious_harm", "serious_harm", "other"])
        incidents.append(
            Incident(
                reference=f"CSPR-BULK-{number:06d}",
                status=rng.choices(["notified", "withdrawn", "not_notified"], weights=[90, 5, 5])[0],
                channel=rng.choices(["online", "offline"], weights=[95, 5])[0],
                notifying_la=rng.choice(las),
                incident_date=incident_date,
                la_aware_date=incident_date,
                reason=reason,
                reason_at_notification=reason,
                notified_on=notified_on,
                retrospective=rng.random() < 0.03,
                offline_received_on=notified_on,
                created_by=author,
            )
        )
    Incident.objects.bulk_create(incidents, batch_size=5000)

    children, reviews = [], []
    for incident in incidents:
        for number in range(rng.choices([1, 2, 3], weights=[80, 15, 5])[0]):
            children.append(
                Child(
                    incident=incident,
                    is_index=number == 0,
                    age_years=rng.choice([None, *range(18)]),
                    sex=rng.choice(Sex.values),
                    ethnicity=rng.choice(Ethnicity.values),
                    family_known_to_csc=rng.choice(History.values),
                    child_in_need=rng.choice(History.values),
                    child_protection_plan=rng.choice(History.values),
                    looked_after=rng.choice(LookedAfter.values),
                )
            )
        if rng.random() < 0.95:
            reason = rng.choice(["death", "serious_harm", "other"])
            causes = DEATH_CAUSES if reason == "death" else SERIOUS_HARM_CAUSES
            reviews.append(
                RapidReview(
                    incident=incident,
                    partnership_id=incident.notifying_la.partnership_id,
                    status=RapidReview.Status.SUBMITTED,
                    first_sent_on=incident.notified_on + datetime.timedelta(days=rng.randrange(-5, 40)),
                    reason_at_review=reason,
                    likely_cause=rng.choice(list(causes)),
                    lcspr_decision=rng.choice(["required", "not_required"]),
                    panel_position=rng.choice(["", "agree", "disagree"]),
                )
            )
    Child.objects.bulk_create(children, batch_size=5000)
    RapidReview.objects.bulk_create(reviews, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(children), len(reviews)


def timed_report(date_from, date_to):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = annual_report(date_from=date_from, date_to=date_to)
        seconds = time.perf_counter() - started
    return report, seconds, len(queries)


def test_the_report_over_100000_incidents_takes_seconds_not_minutes():
    started = time.perf_counter()
    children, reviews = bulk_cases(INCIDENTS)
    print(
        f"\n{INCIDENTS} incidents, {children} children, {reviews} rapid reviews made in "
        f"{time.perf_counter() - started:.1f}s"
    )

    for date_from, date_to in (
        (datetime.date(2022, 4, 1), datetime.date(2023, 3, 31)),
        (FIRST_DAY, FIRST_DAY + datetime.timedelta(days=DAYS)),
    ):
        report, seconds, queries = timed_report(date_from, date_to)
        print(
            f"{date_from} to {date_to}: {report['notifications']['total']} incidents in the population, "
            f"{seconds:.2f}s, {queries} queries"
        )
        assert queries <= 10
        assert seconds < 30

    assert (
        report["notifications"]["total"]
        == Incident.objects.exclude(status="withdrawn").filter(rapid_review__isnull=False).count()
    )
