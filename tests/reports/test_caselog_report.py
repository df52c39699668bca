"""A hand-built case log, imported, and its annual report worked out by hand, key by key; and a case
imported counted exactly as the same case filed through the service and the API.

The case log (tests/reports/data/caselog_report.csv), for incidents from 1 September 2022 to 30 June 2023.
Bank holidays that matter: Monday 19 September 2022 (the Queen's funeral), 26 and 27 December 2022,
2 January 2023, Monday 8 May 2023 (the coronation) and Monday 29 May 2023.

A 00201 Leeds. Incident Monday 12 September 2022, notified Tuesday the 20th: 13, 14, 15, 16, (19 is a
  holiday), 20 is 5 working days, so within 5 (without the funeral it would be late). Rapid review on
  11 October: the 15th working day after the 20th, so within 15. Serious harm at notification, death at
  review (extreme neglect); a girl of 3, White British, not disabled; family known now, child in need
  before, on a plan now. Local review required, the Panel agreed.
B 00202 Bradford, offline. Incident Tuesday 20 December 2022, notified Tuesday 3 January 2023: 21, 22, 23,
  28, 29, 30 and 3 January are 7 working days (26, 27 December and 2 January are holidays): late. Review on
  25 January: the 16th working day after the 3rd, so not within 15 but within 20. Death throughout (sudden
  unexplained death in infancy); a boy under 1, African; 3 children. Not required; the Panel disagreed:
  further learning.
C 00203 Cumbria, a new authority in the North West. Incident Tuesday 2 May 2023, notified Wednesday the 10th:
  3, 4, 5, (8 is the coronation), 9, 10 are 5 working days, within 5. Review on 31 May:
  the 14th working day after the 10th (29 May is a holiday), within 15. Serious harm (non-fatal assault
  within the family); a child of 12 whose sex is recorded as other, Indian, disabled, family known before,
  in a residential children's home, in care proceedings; 2 children. Required; the Panel disagreed: limited
  learning.
D 00204 Leeds. Incident Monday 3 October 2022, notified 1 November, after its rapid review of 20 October:
  retrospective, so its review's timeliness is not assessed. 21 working days. Other at notification,
  serious harm at review (self-harm); a girl of 15, Pakistani. Not required; not yet assessed by the Panel.
E 00205 withdrawn: outside the report.
F 00206 notified with no rapid review yet: awaiting, outside the report.
G 00207 incident on 31 August 2022, the day before the period: outside the report.
H 00208 Leeds, no notification date in the log, a rapid review on 1 December 2022: in the report, with
  nothing known of the child. Death at review (medical); no decision recorded.
"""

import copy
import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from incidents.codes import CAUSES_BY_REASON, Ethnicity, Reason
from incidents.models import Incident
from reports.caselog import caselog_read
from reports.figures import annual_report
from reports.services import caselog_import
from reviews.services import rapid_review_panel_decision_record
from tests.documents import real_pdf

pytestmark = pytest.mark.django_db

CASE_LOG = Path(__file__).parent / "data" / "caselog_report.csv"
PERIOD = {"date_from": datetime.date(2022, 9, 1), "date_to": datetime.date(2023, 6, 30)}


def _import(path, london_time):
    with london_time("2024-01-15"):
        log = caselog_read(path.read_bytes())
        assert not log.problems, log.problems
        caselog_import(log=log)


def _zeros(keys):
    return dict.fromkeys(keys, 0)


def expected_report():
    months = ["2022-09", "2022-10", "2022-11", "2022-12", "2023-01", "2023-02", "2023-03", "2023-04"]
    months += ["2023-05", "2023-06"]
    by_month = {m: {"death": 0, "serious_harm": 0, "other": 0, "total": 0} for m in months}
    by_month["2022-09"].update(serious_harm=1, total=1)  # A
    by_month["2022-10"].update(other=1, total=1)  # D
    by_month["2022-11"].update(death=1, total=1)  # H
    by_month["2022-12"].update(death=1, total=1)  # B
    by_month["2023-05"].update(serious_harm=1, total=1)  # C
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
    sexes = ["male", "female", "other", "not_recorded"]
    ages = ["under_1", "1_to_5", "6_to_10", "11_to_15", "16_to_17", "not_recorded"]
    age_by_sex = {age: _zeros(sexes) for age in ages}
    age_by_sex["1_to_5"]["female"] = 1  # A
    age_by_sex["under_1"]["male"] = 1  # B
    age_by_sex["11_to_15"]["other"] = 1  # C
    age_by_sex["11_to_15"]["female"] = 1  # D
    age_by_sex["not_recorded"]["not_recorded"] = 1  # H
    causes = {
        reason: {cause: {"female": 0, "male": 0, "total": 0} for cause in CAUSES_BY_REASON[Reason(reason)]}
        for reason in ("death", "serious_harm")
    }
    causes["death"]["extreme_neglect"] = {"female": 1, "male": 0, "total": 1}  # A
    causes["death"]["sudi_sudc"] = {"female": 0, "male": 1, "total": 1}  # B
    causes["death"]["medical"] = {"female": 0, "male": 0, "total": 1}  # H: sex not recorded
    causes["serious_harm"]["non_fatal_assault_intrafamilial"] = {"female": 0, "male": 0, "total": 1}  # C: other
    causes["serious_harm"]["self_harm"] = {"female": 1, "male": 0, "total": 1}  # D
    ethnicity = _zeros(Ethnicity.values)
    ethnicity.update(white_british=1, african=1, indian=1, pakistani=1, not_recorded=1)

    def by_reason(keys):
        return {key: {"death": 0, "serious_harm": 0, "total": 0} for key in keys}

    social_care = {
        "family_known_to_csc": by_reason(["current", "previous"]),
        "child_in_need": by_reason(["current", "previous"]),
        "child_protection_plan": by_reason(["current", "previous"]),
        "looked_after": by_reason(["foster_care", "residential_home", "other_residential", "previous"]),
        "care_order": by_reason(["care_proceedings", "emergency_or_interim", "permanent", "other_order", "previous"]),
    }
    social_care["family_known_to_csc"]["current"] = {"death": 1, "serious_harm": 0, "total": 1}  # A
    social_care["family_known_to_csc"]["previous"] = {"death": 0, "serious_harm": 1, "total": 1}  # C
    social_care["child_in_need"]["previous"] = {"death": 1, "serious_harm": 0, "total": 1}  # A
    social_care["child_protection_plan"]["current"] = {"death": 1, "serious_harm": 0, "total": 1}  # A
    social_care["looked_after"]["residential_home"] = {"death": 0, "serious_harm": 1, "total": 1}  # C
    social_care["care_order"]["care_proceedings"] = {"death": 0, "serious_harm": 1, "total": 1}  # C
    return {
        "period": {"from": "2022-09-01", "to": "2023-06-30", "date_basis": "incident_date"},
        "notifications": {
            "total": 5,  # A, B, C, D, H
            "by_reason": {"death": 2, "serious_harm": 2, "other": 1},  # at notification: B, H; A, C; D
            "by_month": by_month,
            "by_region": {**_zeros(regions), "Yorkshire and The Humber": 4, "North West": 1},
            "with_multiple_children": 2,  # B (3), C (2)
            "children_involved": 8,  # 1 + 3 + 2 + 1 + 1
            "awaiting_rapid_review": 1,  # F
        },
        "timeliness": {
            "with_notification_date": 4,  # not H
            "within_5_working_days_of_incident": 2,  # A, C
            "lag_working_days_mean": 9.5,  # (5 + 7 + 5 + 21) / 4
            "lag_working_days_p90": 21,  # rank ceil(0.9 x 4) = 4 of 5, 5, 7, 21
            "retrospective": 1,  # D
            "offline": 1,  # B
            "rapid_reviews_assessed": 3,  # A, B, C (D is retrospective, H has no notification date)
            "rapid_review_within_15_working_days": 2,  # A (15th), C (14th); not B (16th)
            "rapid_review_within_20_working_days": 3,
        },
        "decisions": {
            "recorded": 4,  # not H
            "lcspr_required": 2,  # A, C
            "lcspr_not_required": 2,  # B, D
            "panel_assessed": 3,  # A, B, C
            "panel_agreed": 1,  # A
            "panel_disagreed_further_learning": 1,  # B: disagreed with not required
            "panel_disagreed_limited_learning": 1,  # C: disagreed with required
        },
        "children": {
            "reason_at_review": {"death": 3, "serious_harm": 2, "other": 0},  # A, B, H; C, D
            "age_group": {"under_1": 1, "1_to_5": 1, "6_to_10": 0, "11_to_15": 2, "16_to_17": 0, "not_recorded": 1},
            "sex": {"male": 1, "female": 2, "other": 1, "not_recorded": 1},
            "age_group_by_sex": age_by_sex,
            "ethnicity": ethnicity,
            "ethnicity_group": {"white": 1, "mixed": 0, "asian": 2, "black": 1, "other": 0},
            "ethnicity_recorded": 4,
            "disability": {"yes": 1, "no": 1, "not_recorded": 3},  # C; A; B, D, H
        },
        "causes": causes,
        "social_care": social_care,
    }


def _compare(actual, expected, path=""):
    """Every key, one by one, so a difference names its place."""
    assert set(actual) == set(expected), f"{path}: keys {sorted(set(actual) ^ set(expected))}"
    for key, value in expected.items():
        if isinstance(value, dict):
            _compare(actual[key], value, f"{path}.{key}")
        else:
            assert actual[key] == value, f"{path}.{key}: {actual[key]} != {value}"


def test_the_hand_built_case_log_gives_the_figures_worked_out_by_hand(leeds, bradford, london_time):
    _import(CASE_LOG, london_time)
    assert Incident.objects.count() == 8
    _compare(annual_report(**PERIOD), expected_report())


def test_an_imported_case_counts_as_the_same_case_filed_through_the_service_and_the_api(
    leeds, leeds_notifier, leeds_lead, secretariat, client_for, london_time, tmp_path
):
    """Case A of the log, imported; then (in a fresh state) filed by its authority on the API and sent
    by its partnership on the API, with the Panel's response recorded by the service the letters use."""
    log = tmp_path / "one.csv"
    header, a_row = CASE_LOG.read_text().splitlines()[:2]
    log.write_text(f"{header}\n{a_row}\n")

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            _import(log, london_time)
            imported = annual_report(**PERIOD)
            raise Rollback
    except Rollback:
        pass
    assert not Incident.objects.exists()

    notifier, lead = client_for(leeds_notifier), client_for(leeds_lead)
    with london_time("2022-09-20"):
        child = {
            "age_years": 3,
            "sex": "female",
            "ethnicity": "white_british",
            "disability": "no",
            "family_known_to_csc": "current",
            "child_in_need": "previous",
            "child_protection_plan": "current",
            "looked_after": "no",
            "care_order": "no",
        }
        body = {
            "local_authority": leeds.code,
            "incident_date": "2022-09-12",
            "la_aware_date": "2022-09-12",
            "reason": "serious_harm",
            "children": [child],
        }
        created = notifier.post("/api/v1/incidents/", body, format="json")
        assert created.status_code == 201, created.content
        reference = created.json()["reference"]
        assert notifier.post(f"/api/v1/incidents/{reference}/submit/", {}, format="json").status_code == 200
    with london_time("2022-10-11"):
        sent = lead.post(
            f"/api/v1/incidents/{reference}/rapid-review/",
            {
                "document": SimpleUploadedFile("review.pdf", real_pdf()),
                "completed_on": "2022-10-11",
                "reason_at_review": "death",
                "likely_cause": "extreme_neglect",
                "lcspr_decision": "required",
                "lcspr_rationale": "Learning across agencies.",
                "lines_of_enquiry": "Neglect recognised late.",
            },
            format="multipart",
        )
        assert sent.status_code == 201, sent.content
    incident = Incident.objects.get(reference=reference)
    with london_time("2022-10-25"):
        rapid_review_panel_decision_record(
            incident=incident,
            version=incident.rapid_review.versions.get(),
            on=incident.rapid_review.versions.get().sent_on,
            panel_position="agree",
            national_review="not_needed",
            quality_themes=[],
            by=secretariat,
        )
    filed = annual_report(**PERIOD)
    _compare(filed, copy.deepcopy(imported))
    assert filed["notifications"]["total"] == 1
    assert filed["timeliness"]["within_5_working_days_of_incident"] == 1
    assert filed["timeliness"]["rapid_review_within_15_working_days"] == 1
