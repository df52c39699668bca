"""Demonstration rapid reviews and local reviews, made through the services on the demo cases."""

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from incidents.demo import DEMO_OUTLINE, demo_case_values
from incidents.models import Incident
from incidents.services import incident_create, incident_submit
from incidents.workflow import today
from organisations.models import User
from organisations.selectors import organisation_find

from . import services


def demo_document(name):
    """A small Word document standing in for the partnership's rapid review."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as docx:
        docx.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
            'main+xml"/></Types>',
        )
        docx.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
            "<w:r><w:t>Demonstration rapid review: not a real child.</w:t></w:r></w:p></w:body></w:document>",
        )
    return SimpleUploadedFile(name, out.getvalue())


def _review(**overrides):
    values = {
        "document": demo_document("rapid-review.docx"),
        "completed_on": today(),
        "reason_at_review": "serious_harm",
        "likely_cause": "non_fatal_assault_intrafamilial",
        "lcspr_decision": "not_required",
        "lcspr_rationale": "Learning is already being acted on through a single-agency review.",
        "practice_themes": ["whole_family"],
    }
    return {**values, **overrides}


@transaction.atomic
def demo_reviews_seed():
    """A rapid review, a local review in progress and a rapid review nobody notified, once."""
    if Incident.objects.filter(case_outline=DEMO_OUTLINE, rapid_review__isnull=False).exists():
        return 0
    notifier = User.objects.get(email="notifier@leeds.example.org")
    lead = User.objects.get(email="lead@leeds-partnership.example.org")
    leeds = organisation_find(name_or_code="E08000035")

    def notified(**kwargs):
        incident = incident_create(by=notifier, notifying_la=leeds, **demo_case_values(**kwargs))
        return incident_submit(incident=incident, by=notifier)

    reviews = [services.rapid_review_send(incident=notified(aware_working_days_ago=3), by=lead, **_review())]
    with_lcspr = notified(aware_working_days_ago=4, reason="death", age=0, sex="male")
    reviews.append(
        services.rapid_review_send(
            incident=with_lcspr,
            by=lead,
            **_review(
                reason_at_review="death",
                likely_cause="sudi_sudc",
                lcspr_decision="required",
                lines_of_enquiry="Safe sleep advice across health visiting and midwifery.",
                practice_themes=["babies"],
            ),
        )
    )
    reviews.append(
        services.rapid_review_send_unnotified(
            by=lead,
            local_authority=leeds,
            incident_fields={
                "incident_date": today() - datetime.timedelta(days=20),
                "reason": "serious_harm",
                "case_outline": DEMO_OUTLINE,
            },
            children=[{"age_years": 14, "sex": "male"}],
            **_review(likely_cause="child_criminal_exploitation", practice_themes=["risks_outside_family"]),
        )
    )
    return len(reviews)
