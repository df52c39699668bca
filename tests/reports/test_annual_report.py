"""The annual report: a case log filed through the services, its figures worked out by hand, checked key by key.

The period runs from Monday 12 September 2022 to Monday 1 May 2023, both included. Cases sit on the
working-day boundaries around the Queen's funeral (Monday 19 September 2022), Christmas 2022 (26 and 27
December and 2 January were bank holidays) and the coronation (Monday 8 May 2023; 1 May was the early May
bank holiday), beside retrospective, offline and withdrawn cases, several children and a reason that
changed between notification and review.
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deadlines.models import BankHoliday
from deadlines.workingdays import WorkingCalendar
from incidents.codes import DEATH_CAUSES, SERIOUS_HARM_CAUSES, Ethnicity
from incidents.services import incident_create, incident_key_offline, incident_submit, incident_withdraw
from letters import rendering
from letters.models import Letter
from letters.services import letter_approve, letter_ask_for_approval, letter_draft, letter_issue, letter_update
from organisations.models import Role
from reports.figures import annual_report, flatten
from reports.models import WorkingDayIndex, WorkingDayIndexBuild, working_day_rows
from reviews.services import (
    rapid_review_not_needed,
    rapid_review_not_needed_accept,
    rapid_review_panel_decision_record,
    rapid_review_send,
    rapid_review_send_unnotified,
)

from ..conftest import rapid_review_values
from ..factories import LocalAuthorityFactory, MembershipFactory, RegionFactory, UserFactory

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db

PERIOD = {"date_from": D("2022-09-12"), "date_to": D("2023-05-01")}


# The index of working days ------------------------------------------------------------------------------


BOUNDARIES = {
    "the Queen's funeral": D("2022-09-19"),
    "Christmas 2022": D("2022-12-25"),
    "the coronation": D("2023-05-08"),
}


@pytest.mark.parametrize("boundary", BOUNDARIES.values(), ids=BOUNDARIES.keys())
def test_the_working_day_index_counts_as_the_calendar_does(boundary):
    """Every start within a fortnight of the bank holiday, every date up to 30 days on: the lag is the
    difference of ordinals, and "within n working days" the comparison reports.figures makes."""
    WorkingDayIndexBuild.objects.all().delete()  # built afresh by the service, not by the migration
    WorkingDayIndex.objects.cover(first=D("2022-01-01"), last=D("2023-12-31"))
    calendar = WorkingCalendar.from_database()
    days = {row.date: row for row in WorkingDayIndex.objects.filter(date__range=(D("2022-08-01"), D("2023-07-01")))}
    for offset in range(-14, 8):
        start = boundary + datetime.timedelta(days=offset)
        for later in range(31):
            day = start + datetime.timedelta(days=later)
            assert days[day].ordinal - days[start].ordinal == calendar.working_day_lag(start, day), (start, day)
            for n in (5, 15, 20):
                within = days[day].next_ordinal <= days[start].ordinal + n
                assert within == (day <= calendar.add_working_days(start, n)), (start, day, n)


def test_the_index_follows_the_bank_holidays_whenever_they_change(leeds, leeds_notifier, leeds_lead, london_time):
    """A day proclaimed a bank holiday after cases were filed counts at once, however it was added."""
    notified = file_case(
        leeds,
        leeds_notifier,
        london_time,
        incident="2022-10-03",
        notified="2022-10-11",
        late_reason="Notified a day late.",
        reason="serious_harm",
        children=[{"age_years": 4}],
    )
    with london_time("2022-10-12"):
        rapid_review_send(incident=notified, by=leeds_lead, **review("2022-10-12"))
    # Monday 3 October to Tuesday the 11th: the 4th, 5th, 6th, 7th, 10th and 11th, the 6th working day.
    before = annual_report(date_from=D("2022-10-01"), date_to=D("2022-10-31"))["timeliness"]
    assert (before["lag_working_days_mean"], before["within_5_working_days_of_incident"]) == (6, 0)

    # Added in one statement, as a data migration would: no model signal is sent.
    BankHoliday.objects.bulk_create([BankHoliday(date=D("2022-10-05"), title="A day proclaimed")])
    after = annual_report(date_from=D("2022-10-01"), date_to=D("2022-10-31"))["timeliness"]
    # Without the 5th, the 11th is the 5th working day.
    assert (after["lag_working_days_mean"], after["within_5_working_days_of_incident"]) == (5, 1)


def test_a_period_before_the_index_extends_it():
    WorkingDayIndex.objects.cover(first=D("1999-06-01"), last=D("1999-06-30"))
    june = {row.date: row for row in WorkingDayIndex.objects.filter(date__range=(D("1999-06-01"), D("1999-06-30")))}
    assert len(june) == 30
    assert june[D("1999-06-30")].ordinal - june[D("1999-06-01")].ordinal == 21  # 22 weekdays, no holiday


def test_the_rows_count_working_days_from_the_first_date():
    rows = list(
        working_day_rows(holidays=[D("2022-12-26"), D("2022-12-27")], first=D("2022-12-23"), last=D("2022-12-28"))
    )
    assert rows == [
        (D("2022-12-23"), 1, 1, True),  # Friday
        (D("2022-12-24"), 1, 2, False),  # Saturday: on or before the 2nd working day
        (D("2022-12-25"), 1, 2, False),
        (D("2022-12-26"), 1, 2, False),  # bank holidays
        (D("2022-12-27"), 1, 2, False),
        (D("2022-12-28"), 2, 2, True),
    ]


# The case log ------------------------------------------------------------------------------------------


def review(sent_on, **overrides):
    """A rapid review sent on the given day: completed the same day, as rapid_review_values otherwise."""
    return rapid_review_values(**{"completed_on": D(sent_on), **overrides})


def file_case(la, notifier, london_time, *, incident, notified, reason, children, aware=None, late_reason=""):
    """A local authority files a notification: started on the day it became aware, submitted on `notified`."""
    aware = aware or incident
    with london_time(aware):
        draft = incident_create(
            by=notifier,
            notifying_la=la,
            incident_date=D(incident),
            la_aware_date=D(aware),
            reason=reason,
            children=children,
        )
    with london_time(notified):
        return incident_submit(incident=draft, by=notifier, late_reason=late_reason)


@dataclass
class Cases:
    """The case log, each case named for what it shows."""

    queens_funeral_on_time: object
    queens_funeral_a_day_late: object
    christmas_on_time: object
    christmas_eve_saturday: object
    coronation_offline: object
    retrospective: object
    retrospective_the_same_day: object
    never_notified_yet: object


@pytest.fixture
def camden(db):
    return LocalAuthorityFactory(
        name="Camden", code="E09000007", region=RegionFactory(name="London", gss_code="E12000007")
    )


@pytest.fixture
def camden_notifier(camden):
    return MembershipFactory(user=UserFactory(email="notifier@camden.example.org"), organisation=camden).user


@pytest.fixture
def camden_lead(camden):
    user = UserFactory(email="lead@camden-partnership.example.org")
    MembershipFactory(user=user, organisation=camden.partnership, role=Role.PARTNERSHIP_LEAD)
    return user


def panel_letter_issued(version, *, secretariat, panel_member, london_time, on, panel_position):
    """The Panel's response letter, drafted, approved by a second person and issued: it records the position."""
    with london_time(on):
        letter = letter_draft(
            incident=version.rapid_review.incident,
            by=secretariat,
            kind=Letter.Kind.RAPID_REVIEW_RESPONSE,
            rapid_review_version=version,
        )
        sentences = rendering.decision_sentences(
            lcspr_decision=version.lcspr_decision, panel_position=panel_position, national_review="not_needed"
        )
        letter = letter_update(
            letter=letter,
            by=secretariat,
            panel_position=panel_position,
            national_review="not_needed",
            quality_themes=["commended"],
            body_markdown=letter.body_markdown + "\n\n" + "\n\n".join(sentences),
        )
        letter = letter_approve(letter=letter_ask_for_approval(letter=letter, by=secretariat), by=panel_member)
        return letter_issue(letter=letter, by=secretariat)


@pytest.fixture
def case_log(
    leeds,
    leeds_notifier,
    leeds_lead,
    camden,
    camden_notifier,
    camden_lead,
    secretariat,
    panel_member,
    london_time,
):
    """Every case of the log, filed through the services on its own dates."""
    # A. Incident Monday 12 September 2022; notified Tuesday the 20th, the 5th working day after it (the
    # 19th was the Queen's funeral). Its rapid review on 11 October, the 15th working day after notification.
    # The Panel agrees with "no local review" in an issued letter.
    a = file_case(
        leeds,
        leeds_notifier,
        london_time,
        incident="2022-09-12",
        notified="2022-09-20",
        reason="death",
        children=[
            {
                "age_years": 0,
                "sex": "female",
                "ethnicity": "white_british",
                "disability": "no",
                "family_known_to_csc": "current",
                "child_in_need": "current",
                "child_protection_plan": "current",
                "looked_after": "no",
                "care_order": "no",
            }
        ],
    )
    with london_time("2022-10-11"):
        version = rapid_review_send(
            incident=a,
            by=leeds_lead,
            **review("2022-10-11", reason_at_review="death", likely_cause="sudi_sudc", lcspr_decision="not_required"),
        ).versions.get()
    panel_letter_issued(
        version,
        secretariat=secretariat,
        panel_member=panel_member,
        london_time=london_time,
        on="2022-10-14",
        panel_position="agree",
    )

    # B. The same incident date, notified a day later (Wednesday the 21st, the 6th working day). Two
    # children. Notified as serious harm, the child died: death at review, which also gives the index
    # child's ethnicity. Its review on 13 October, the 16th working day. The Panel disagrees with its
    # local review (limited learning).
    b = file_case(
        leeds,
        leeds_notifier,
        london_time,
        incident="2022-09-12",
        notified="2022-09-21",
        late_reason="The social worker was on leave.",
        reason="serious_harm",
        children=[
            {
                "is_index": True,
                "age_years": 3,
                "sex": "male",
                "child_in_need": "previous",
                "looked_after": "foster_care",
            },
            {"age_years": 5, "sex": "female"},
        ],
    )
    with london_time("2022-10-13"):
        version = rapid_review_send(
            incident=b,
            by=leeds_lead,
            index_child={"ethnicity": "indian"},
            **review(
                "2022-10-13", reason_at_review="death", likely_cause="homicide_intrafamilial", lcspr_decision="required"
            ),
        ).versions.get()
    with london_time("2022-10-20"):
        rapid_review_panel_decision_record(
            incident=b,
            version=version,
            on=D("2022-10-20"),
            panel_position="disagree",
            national_review="not_needed",
            quality_themes=[],
            by=secretariat,
        )

    # C. Camden. Incident Friday 23 December 2022; notified Wednesday 4 January 2023, the 5th working day
    # (26 and 27 December and 2 January were bank holidays). Its review on 2 February, after the 20th
    # working day (1 February). The Panel disagrees with "no local review" (further learning).
    c = file_case(
        camden,
        camden_notifier,
        london_time,
        incident="2022-12-23",
        notified="2023-01-04",
        reason="serious_harm",
        children=[
            {
                "age_years": 14,
                "sex": "other",
                "ethnicity": "refused",
                "disability": "yes",
                "family_known_to_csc": "previous",
                "child_protection_plan": "previous",
                "care_order": "emergency_or_interim",
            }
        ],
    )
    with london_time("2023-02-02"):
        version = rapid_review_send(
            incident=c,
            by=camden_lead,
            **review(
                "2023-02-02",
                reason_at_review="serious_harm",
                likely_cause="child_criminal_exploitation",
                lcspr_decision="not_required",
            ),
        ).versions.get()
    with london_time("2023-02-10"):
        rapid_review_panel_decision_record(
            incident=c,
            version=version,
            on=D("2023-02-10"),
            panel_position="disagree",
            national_review="not_needed",
            quality_themes=[],
            by=secretariat,
        )

    # D. Camden. Incident Friday 16 December 2022; its 5th working day was Friday the 23rd, and it was
    # notified on Saturday the 24th: a lag of 5 working days, yet a day late. Its review on Wednesday
    # 18 January 2023, the 15th working day after that Saturday. No Panel position yet.
    d = file_case(
        camden,
        camden_notifier,
        london_time,
        incident="2022-12-16",
        notified="2022-12-24",
        late_reason="Notified at the weekend.",
        reason="serious_harm",
        children=[
            {
                "age_years": 17,
                "sex": "female",
                "ethnicity": "african",
                "child_in_need": "current",
                "looked_after": "residential_home",
                "care_order": "permanent",
            }
        ],
    )
    with london_time("2023-01-18"):
        rapid_review_send(
            incident=d,
            by=camden_lead,
            **review(
                "2023-01-18",
                reason_at_review="serious_harm",
                likely_cause="csa_extrafamilial",
                lcspr_decision="required",
            ),
        )

    # E. Leeds, by phone, keyed by the Panel. Incident Monday 1 May 2023 (the early May bank holiday, the
    # period's last day), known the next day; received Tuesday 9 May, the 5th working day after the
    # incident (the coronation was on the 8th). Its review on 7 June, the 20th working day after 9 May
    # (29 May was a bank holiday). Nothing is recorded about the child.
    with london_time("2023-05-10"):
        e = incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="phone",
            offline_received_on=D("2023-05-09"),
            incident_date=D("2023-05-01"),
            la_aware_date=D("2023-05-02"),
            reason="other",
            children=[{"looked_after": "previous"}],
        )
    with london_time("2023-06-07"):
        rapid_review_send(
            incident=e,
            by=leeds_lead,
            **review(
                "2023-06-07", reason_at_review="other", likely_cause="other_non_fatal", lcspr_decision="not_required"
            ),
        )

    # G. Camden's partnership sends a rapid review on Monday 6 February 2023 for an incident nobody
    # notified (Friday 20 January); the authority notifies it on Wednesday 8 February: retrospective.
    with london_time("2023-02-06"):
        g = rapid_review_send_unnotified(
            by=camden_lead,
            local_authority=camden,
            incident_fields={"incident_date": D("2023-01-20"), "la_aware_date": D("2023-01-23"), "reason": "death"},
            children=[
                {"age_years": 8, "sex": "male", "ethnicity": "white_black_caribbean", "care_order": "care_proceedings"}
            ],
            **review("2023-02-06", reason_at_review="death", likely_cause="extreme_neglect", lcspr_decision="required"),
        ).incident
    with london_time("2023-02-08"):
        incident_submit(incident=g, by=camden_notifier, late_reason="We were not aware a notification was needed.")

    # H. Leeds's partnership sends a review on Wednesday 1 March 2023 for an incident (Monday 27 February)
    # nobody notified; Leeds notifies it the same day. Retrospective all the same: its review came first.
    with london_time("2023-03-01"):
        h = rapid_review_send_unnotified(
            by=leeds_lead,
            local_authority=leeds,
            incident_fields={
                "incident_date": D("2023-02-27"),
                "la_aware_date": D("2023-02-27"),
                "reason": "serious_harm",
            },
            children=[{"age_years": 11, "sex": "female", "ethnicity": "pakistani", "disability": "no"}],
            **review(
                "2023-03-01", reason_at_review="serious_harm", likely_cause="self_harm", lcspr_decision="not_required"
            ),
        ).incident
        incident_submit(incident=h, by=leeds_notifier)

    # K. Camden's partnership sends a review on 20 April 2023 for an incident on the 17th; the authority
    # has not yet notified it. A rapid review was received: it is in the population, with no
    # notification date, and its reason at notification is the reason it was opened with.
    with london_time("2023-04-20"):
        k = rapid_review_send_unnotified(
            by=camden_lead,
            local_authority=camden,
            incident_fields={
                "incident_date": D("2023-04-17"),
                "la_aware_date": D("2023-04-17"),
                "reason": "serious_harm",
            },
            children=[{"age_years": 2, "sex": "male", "ethnicity": "white_british"}],
            **review(
                "2023-04-20",
                reason_at_review="serious_harm",
                likely_cause="non_fatal_neglect",
                lcspr_decision="not_required",
            ),
        ).incident

    # Outside the population:
    # F. Withdrawn after its rapid review was received.
    f = file_case(
        leeds,
        leeds_notifier,
        london_time,
        incident="2022-10-03",
        notified="2022-10-04",
        reason="serious_harm",
        children=[{"age_years": 9, "sex": "male", "looked_after": "other_residential"}],
    )
    with london_time("2022-10-20"):
        rapid_review_send(incident=f, by=leeds_lead, **review("2022-10-20", lcspr_decision="not_required"))
    with london_time("2022-10-25"):
        incident_withdraw(incident=f, by=secretariat, reason="The criteria for a notification are not met.")
    # I. Notified on 4 April 2023, its rapid review still awaited: counted as awaiting a rapid review.
    file_case(
        leeds,
        leeds_notifier,
        london_time,
        incident="2023-04-03",
        notified="2023-04-04",
        reason="death",
        children=[{"age_years": 1}],
    )
    # J. Notified the same day; the Panel accepted that no rapid review is needed: not awaited either.
    j = file_case(
        leeds,
        leeds_notifier,
        london_time,
        incident="2023-04-03",
        notified="2023-04-04",
        reason="serious_harm",
        children=[{"age_years": 6}],
    )
    with london_time("2023-04-11"):
        rapid_review_not_needed(incident=j, by=leeds_lead, reasons="No abuse or neglect was found.")
    with london_time("2023-04-12"):
        rapid_review_not_needed_accept(incident=j, by=secretariat)
    # L. A draft: the authority's own, nobody's statistic.
    with london_time("2023-04-03"):
        incident_create(
            by=leeds_notifier,
            notifying_la=leeds,
            incident_date=D("2023-04-03"),
            la_aware_date=D("2023-04-03"),
            reason="death",
            children=[{"age_years": 12}],
        )
    # M and N. The days either side of the period, each notified and reviewed.
    for incident, notified, sent in (
        ("2022-09-09", "2022-09-12", "2022-09-30"),
        ("2023-05-02", "2023-05-03", "2023-05-24"),
    ):
        outside = file_case(
            leeds,
            leeds_notifier,
            london_time,
            incident=incident,
            notified=notified,
            reason="death",
            children=[{"age_years": 15, "sex": "male"}],
        )
        with london_time(sent):
            rapid_review_send(incident=outside, by=leeds_lead, **review(sent, lcspr_decision="not_required"))

    return Cases(a, b, c, d, e, g, h, k)


# The figures, worked out by hand for the population A, B, C, D, E, G, H and K. Figures not listed are 0.
EXPECTED = {
    "period.from": "2022-09-12",
    "period.to": "2023-05-01",
    "period.date_basis": "incident_date",
    "notifications.total": 8,
    # At notification: A and G death; B, C, D, H serious harm, and K (not yet notified) the reason it
    # was opened with; E other.
    "notifications.by_reason.death": 2,
    "notifications.by_reason.serious_harm": 5,
    "notifications.by_reason.other": 1,
    # By incident month: A and B in September; C and D in December; G in January; H in February; K in
    # April; E on 1 May. October, November and March have none.
    "notifications.by_month.2022-09.death": 1,
    "notifications.by_month.2022-09.serious_harm": 1,
    "notifications.by_month.2022-09.total": 2,
    "notifications.by_month.2022-12.serious_harm": 2,
    "notifications.by_month.2022-12.total": 2,
    "notifications.by_month.2023-01.death": 1,
    "notifications.by_month.2023-01.total": 1,
    "notifications.by_month.2023-02.serious_harm": 1,
    "notifications.by_month.2023-02.total": 1,
    "notifications.by_month.2023-04.serious_harm": 1,
    "notifications.by_month.2023-04.total": 1,
    "notifications.by_month.2023-05.other": 1,
    "notifications.by_month.2023-05.total": 1,
    # Leeds: A, B, E, H. Camden: C, D, G, K.
    "notifications.by_region.Yorkshire and The Humber": 4,
    "notifications.by_region.London": 4,
    # B has two children; the others one each: 9 children.
    "notifications.with_multiple_children": 1,
    "notifications.children_involved": 9,
    # I. (J needs none; L is a draft; F was withdrawn; N is outside the period.)
    "notifications.awaiting_rapid_review": 1,
    # All but K have a notification date.
    "timeliness.with_notification_date": 7,
    # A (20 Sep), C (4 Jan), E (9 May) on their 5th working day, H on its 2nd. B on its 6th; D on the
    # Saturday after its 5th; G on its 13th.
    "timeliness.within_5_working_days_of_incident": 4,
    # Lags A 5, B 6, C 5, D 5, E 5, G 13, H 2: 41 over 7 is 5.857...; sorted 2 5 5 5 5 6 13, and the
    # nearest rank of the 90th percentile is ceil(0.9 x 7) = 7th: 13.
    "timeliness.lag_working_days_mean": 5.86,
    "timeliness.lag_working_days_p90": 13,
    # G notified after its review; H on the same day, yet opened from a review nobody notified.
    "timeliness.retrospective": 2,
    "timeliness.offline": 1,  # E
    # A, B, C, D, E: both dates known and not retrospective (G and H are; K has no notification date).
    "timeliness.rapid_reviews_assessed": 5,
    # A on its 15th working day, D on the 15th after its Saturday; B on its 16th and E on its 20th;
    # C after its 20th.
    "timeliness.rapid_review_within_15_working_days": 2,
    "timeliness.rapid_review_within_20_working_days": 4,
    # Local review required: B, D, G; not required: A, C, E, H, K.
    "decisions.recorded": 8,
    "decisions.lcspr_required": 3,
    "decisions.lcspr_not_required": 5,
    # A agreed (letter issued); B disagreed with "required"; C with "not required".
    "decisions.panel_assessed": 3,
    "decisions.panel_agreed": 1,
    "decisions.panel_disagreed_further_learning": 1,
    "decisions.panel_disagreed_limited_learning": 1,
    # At review: A, B (changed from serious harm) and G death; C, D, H, K serious harm; E other.
    "children.reason_at_review.death": 3,
    "children.reason_at_review.serious_harm": 4,
    "children.reason_at_review.other": 1,
    # The index children: A 0, B 3, C 14, D 17, E not recorded, G 8, H 11, K 2.
    "children.age_group.under_1": 1,
    "children.age_group.1_to_5": 2,
    "children.age_group.6_to_10": 1,
    "children.age_group.11_to_15": 2,
    "children.age_group.16_to_17": 1,
    "children.age_group.not_recorded": 1,
    # Female A, D, H; male B, G, K; other C; not recorded E.
    "children.sex.male": 3,
    "children.sex.female": 3,
    "children.sex.other": 1,
    "children.sex.not_recorded": 1,
    "children.age_group_by_sex.under_1.female": 1,  # A
    "children.age_group_by_sex.1_to_5.male": 2,  # B, K
    "children.age_group_by_sex.6_to_10.male": 1,  # G
    "children.age_group_by_sex.11_to_15.other": 1,  # C
    "children.age_group_by_sex.11_to_15.female": 1,  # H
    "children.age_group_by_sex.16_to_17.female": 1,  # D
    "children.age_group_by_sex.not_recorded.not_recorded": 1,  # E
    # A and K white British; B Indian (given at review); C refused; D African; E not recorded; G White
    # and Black Caribbean; H Pakistani.
    "children.ethnicity.white_british": 2,
    "children.ethnicity.indian": 1,
    "children.ethnicity.refused": 1,
    "children.ethnicity.african": 1,
    "children.ethnicity.not_recorded": 1,
    "children.ethnicity.white_black_caribbean": 1,
    "children.ethnicity.pakistani": 1,
    "children.ethnicity_group.white": 2,
    "children.ethnicity_group.mixed": 1,
    "children.ethnicity_group.asian": 2,
    "children.ethnicity_group.black": 1,
    "children.ethnicity_recorded": 7,  # all but E; "refused" is recorded
    "children.disability.yes": 1,  # C
    "children.disability.no": 2,  # A, H
    "children.disability.not_recorded": 5,
    # Death at review: A (female), B and G (male). Serious harm: C (other), D and H (female), K (male).
    "causes.death.sudi_sudc.female": 1,
    "causes.death.sudi_sudc.total": 1,
    "causes.death.homicide_intrafamilial.male": 1,
    "causes.death.homicide_intrafamilial.total": 1,
    "causes.death.extreme_neglect.male": 1,
    "causes.death.extreme_neglect.total": 1,
    "causes.serious_harm.child_criminal_exploitation.total": 1,
    "causes.serious_harm.csa_extrafamilial.female": 1,
    "causes.serious_harm.csa_extrafamilial.total": 1,
    "causes.serious_harm.self_harm.female": 1,
    "causes.serious_harm.self_harm.total": 1,
    "causes.serious_harm.non_fatal_neglect.male": 1,
    "causes.serious_harm.non_fatal_neglect.total": 1,
    # Social care, by reason at review: A (death) current on three; B (death) previously a child in need
    # and in foster care; C (serious harm) previously known and on a plan, an emergency order; D (serious
    # harm) a child in need, in a residential home, a permanent order; E (other) previously looked after:
    # in the total only; G (death) in care proceedings. F, withdrawn, is counted nowhere.
    "social_care.family_known_to_csc.current.death": 1,
    "social_care.family_known_to_csc.current.total": 1,
    "social_care.family_known_to_csc.previous.serious_harm": 1,
    "social_care.family_known_to_csc.previous.total": 1,
    "social_care.child_in_need.current.death": 1,
    "social_care.child_in_need.current.serious_harm": 1,
    "social_care.child_in_need.current.total": 2,
    "social_care.child_in_need.previous.death": 1,
    "social_care.child_in_need.previous.total": 1,
    "social_care.child_protection_plan.current.death": 1,
    "social_care.child_protection_plan.current.total": 1,
    "social_care.child_protection_plan.previous.serious_harm": 1,
    "social_care.child_protection_plan.previous.total": 1,
    "social_care.looked_after.foster_care.death": 1,
    "social_care.looked_after.foster_care.total": 1,
    "social_care.looked_after.residential_home.serious_harm": 1,
    "social_care.looked_after.residential_home.total": 1,
    "social_care.looked_after.previous.total": 1,
    "social_care.care_order.emergency_or_interim.serious_harm": 1,
    "social_care.care_order.emergency_or_interim.total": 1,
    "social_care.care_order.permanent.serious_harm": 1,
    "social_care.care_order.permanent.total": 1,
    "social_care.care_order.care_proceedings.death": 1,
    "social_care.care_order.care_proceedings.total": 1,
}


def expected_keys(months):
    """Every figure's key, from the data standard's list (data-standard.md, "The annual report")."""
    reasons = ["death", "serious_harm", "other"]
    age_groups = ["under_1", "1_to_5", "6_to_10", "11_to_15", "16_to_17", "not_recorded"]
    sexes = ["male", "female", "other", "not_recorded"]
    regions = [
        "North East",
        "North West",
        "Yorkshire and The Humber",
        "East Midlands",
        "West Midlands",
        "East of England",
        "London",
        "South East",
        "South West",
    ]
    keys = ["period.from", "period.to", "period.date_basis"]
    keys += [f"notifications.{name}" for name in ("total", "with_multiple_children", "children_involved")]
    keys += ["notifications.awaiting_rapid_review"]
    keys += [f"notifications.by_reason.{reason}" for reason in reasons]
    keys += [f"notifications.by_month.{month}.{key}" for month in months for key in [*reasons, "total"]]
    keys += [f"notifications.by_region.{region}" for region in regions]
    keys += [
        f"timeliness.{name}"
        for name in (
            "with_notification_date",
            "within_5_working_days_of_incident",
            "lag_working_days_mean",
            "lag_working_days_p90",
            "retrospective",
            "offline",
            "rapid_reviews_assessed",
            "rapid_review_within_15_working_days",
            "rapid_review_within_20_working_days",
        )
    ]
    keys += [
        f"decisions.{name}"
        for name in (
            "recorded",
            "lcspr_required",
            "lcspr_not_required",
            "panel_assessed",
            "panel_agreed",
            "panel_disagreed_further_learning",
            "panel_disagreed_limited_learning",
        )
    ]
    keys += [f"children.reason_at_review.{reason}" for reason in reasons]
    keys += [f"children.age_group.{group}" for group in age_groups]
    keys += [f"children.sex.{sex}" for sex in sexes]
    keys += [f"children.age_group_by_sex.{group}.{sex}" for group in age_groups for sex in sexes]
    keys += [f"children.ethnicity.{code}" for code in Ethnicity.values]
    keys += [f"children.ethnicity_group.{group}" for group in ("white", "mixed", "asian", "black", "other")]
    keys += ["children.ethnicity_recorded"]
    keys += [f"children.disability.{value}" for value in ("yes", "no", "not_recorded")]
    for reason, causes in (("death", DEATH_CAUSES), ("serious_harm", SERIOUS_HARM_CAUSES)):
        keys += [f"causes.{reason}.{cause}.{sex}" for cause in causes for sex in ("female", "male", "total")]
    for name, values in (
        ("family_known_to_csc", ["current", "previous"]),
        ("child_in_need", ["current", "previous"]),
        ("child_protection_plan", ["current", "previous"]),
        ("looked_after", ["foster_care", "residential_home", "other_residential", "previous"]),
        ("care_order", ["care_proceedings", "emergency_or_interim", "permanent", "other_order", "previous"]),
    ):
        keys += [f"social_care.{name}.{value}.{by}" for value in values for by in ("death", "serious_harm", "total")]
    return keys


PERIOD_MONTHS = ["2022-09", "2022-10", "2022-11", "2022-12", "2023-01", "2023-02", "2023-03", "2023-04", "2023-05"]


def test_the_figures_of_the_case_log_are_the_ones_worked_out_by_hand(case_log, london_time):
    with london_time("2023-07-03"):
        figures = dict(flatten(annual_report(**PERIOD)))

    assert sorted(figures) == sorted(expected_keys(PERIOD_MONTHS))
    assert set(EXPECTED) <= set(figures)
    wrong = {key: (value, EXPECTED.get(key, 0)) for key, value in figures.items() if value != EXPECTED.get(key, 0)}
    assert wrong == {}, "figure: (reported, expected)"


def test_it_counts_in_a_few_queries_whatever_the_number_of_cases(case_log, london_time):
    with london_time("2023-07-03"), CaptureQueriesContext(connection) as queries:
        annual_report(**PERIOD)
    # The index check (2), the flat counts (1), the children (1), the 90th percentile (1), months,
    # regions, age by sex, causes (4) and those awaiting a rapid review (1).
    assert len(queries) == 10


def test_an_empty_period_has_every_key_with_zero_counts(case_log):
    report = annual_report(date_from=D("2021-01-01"), date_to=D("2021-03-31"))
    figures = dict(flatten(report))
    assert sorted(figures) == sorted(expected_keys(["2021-01", "2021-02", "2021-03"]))
    assert report["period"] == {"from": "2021-01-01", "to": "2021-03-31", "date_basis": "incident_date"}
    # A mean or a percentile of no lags is not known, not 0.
    assert figures.pop("timeliness.lag_working_days_mean") is None
    assert figures.pop("timeliness.lag_working_days_p90") is None
    assert {key: value for key, value in figures.items() if not key.startswith("period.")} == dict.fromkeys(
        [key for key in figures if not key.startswith("period.")], 0
    )
    assert all(type(value) is int for key, value in figures.items() if not key.startswith("period."))


def test_a_period_of_one_day_takes_the_cases_of_that_day(case_log, london_time):
    with london_time("2023-07-03"):
        report = annual_report(date_from=D("2022-09-12"), date_to=D("2022-09-12"))
    # A and B: the day before (M) is outside.
    assert report["notifications"]["total"] == 2
    assert list(report["notifications"]["by_month"]) == ["2022-09"]


# The command --------------------------------------------------------------------------------------------


def run(*args):
    out = io.StringIO()
    call_command("annual_report", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_report_as_json(case_log, london_time):
    with london_time("2023-07-03"):
        printed = json.loads(run("--from", "2022-09-12", "--to", "2023-05-01"))
        assert printed == annual_report(**PERIOD)
    assert printed["timeliness"]["lag_working_days_p90"] == 13


def test_the_command_prints_one_row_per_figure_as_csv(case_log, london_time):
    with london_time("2023-07-03"):
        rows = list(csv.reader(io.StringIO(run("--from", "2022-09-12", "--to", "2023-05-01", "--format", "csv"))))
    assert rows[0] == ["figure", "value"]
    values = dict(rows[1:])
    assert len(values) == len(rows) - 1 == len(expected_keys(PERIOD_MONTHS))
    assert values["children.age_group_by_sex.under_1.female"] == "1"
    assert values["children.age_group_by_sex.under_1.male"] == "0"
    assert values["notifications.by_region.Yorkshire and The Humber"] == "4"
    assert values["timeliness.lag_working_days_mean"] == "5.86"
    assert values["period.date_basis"] == "incident_date"


def test_the_command_leaves_a_mean_of_nothing_empty_in_csv():
    rows = dict(csv.reader(io.StringIO(run("--from", "2021-01-01", "--to", "2021-01-31", "--format", "csv"))))
    assert rows["timeliness.lag_working_days_mean"] == ""
    assert rows["notifications.total"] == "0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2023-02-30", "--to", "2023-03-31"), "--from: Date has wrong format"),
        (("--from", "1 April 2022", "--to", "2023-03-31"), "--from: Date has wrong format"),
        (("--from", "2022-04-01", "--to", "9999-03-31"), "--to: Enter a date from 2000-01-01 to"),
        (("--from", "2023-04-01", "--to", "2023-03-31"), "--to: The end of the period must not be before its start"),
    ],
)
def test_the_command_refuses_a_bad_period(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
