"""The API fuzzed from its own OpenAPI schema (schemathesis), as each role and as nobody.

Every operation the schema at /api/schema/ describes is called with requests generated from it: valid ones
(positive) and ones the schema forbids (negative), on cases seeded in varied states so that paths name
real cases, letters, versions and recommendations as well as made-up ones. Each response must:

- not be a server error (`not_a_server_error`): nothing a client sends is a 5xx;
- have a status code the operation declares (`status_code_conformance`);
- have a content type the operation declares for that status (`content_type_conformance`);
- have a body matching the declared schema for that status and type (`response_schema_conformance`);
- carry the headers the operation declares (`response_headers_conformance`);
- be refused with a 4xx when the request broke the schema (`negative_data_rejection`).

Every check runs on every operation: downloads (PDF, Word, CSV) declare their binary types, whose bodies the
schema checks do not parse, so none needs leaving out. `positive_data_acceptance` is not run: a valid request
is rightly refused for a role (403), outside one's cases (404) or in the wrong state (409).

The examples are bounded and reproducible: FUZZ_EXAMPLES per operation per role (positive and negative drawn
alike), with a fixed seed (Hypothesis's derandomize), so a CI run is the same run every time, and each role is
sent the same requests. They are not shrunk on failure: schemathesis prints the failing request to replay, and
shrinking against a slow endpoint could take longer than the whole run.
The number of examples run is printed at the end of the test run and written to fuzz.json among the test
artefacts (BROWSER_ARTIFACTS or CI_ARTIFACTS_DIR, var/test-artifacts/ by default).

Each example runs in a savepoint rolled back after it, so every request meets the seeded cases in their
seeded states; the seed is made once for the module, in a transaction rolled back at its end.
"""

import datetime
import json
import os
import time
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework import throttling
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from csprp.wsgi import application
from incidents.demo import demo_case_values, demo_cases_seed
from incidents.models import Incident
from incidents.services import incident_create, incident_key_offline
from letters.models import Letter
from letters.services import letter_approve, letter_ask_for_approval, letter_draft, letter_issue
from organisations.demo import demo_people_seed
from organisations.models import User
from organisations.selectors import organisation_find
from organisations.services import api_token_create
from reviews.demo import demo_reviews_seed
from reviews.models import Recommendation
from reviews.services import lcspr_milestone_add, rapid_review_not_needed, recommendation_add

from .conftest import case_values, recommendation_values
from .documents import real_pdf

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
ARTIFACTS = Path(
    os.environ.get("BROWSER_ARTIFACTS")
    or os.environ.get("CI_ARTIFACTS_DIR")
    or Path(settings.BASE_DIR) / "var" / "test-artifacts"
)

ROLES = {
    "la_notifier": "notifier@leeds.example.org",
    "partnership_lead": "lead@leeds-partnership.example.org",
    "panel_secretariat": "secretariat@panel.example.org",
    "panel_member": "member@panel.example.org",
    "analyst": "analyst@panel.example.org",
    "anonymous": None,
}
# Leeds, whose people the roles are, and Bradford, whose cases none of them may see.
LOCAL_AUTHORITIES = ("E08000035", "E08000032")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]

# The schema as the service serves it, read once when the tests are collected; requests go to the same WSGI
# application in this process. An operation the schema describes so that schemathesis cannot read it fails here.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


class Tally:
    """The examples run and what they were answered, for the summary line and the artefact."""

    def __init__(self):
        self.examples = 0
        self.tests = 0
        self.by_operation = {}
        self.by_role = {role: Counter() for role in ROLES}
        self.seconds = 0.0

    def count(self, operation, role, status_code):
        self.examples += 1
        self.by_operation.setdefault(operation.label, Counter())[str(status_code)] += 1
        self.by_role[role][str(status_code)] += 1

    def summary(self):
        return {
            "examples": self.examples,
            "examples_per_operation_and_role": EXAMPLES,
            "operations": len(self.by_operation),
            "roles": [role for role, statuses in self.by_role.items() if statuses],
            "tests": self.tests,
            "responses": dict(sorted(sum(self.by_role.values(), Counter()).items())),
            "responses_by_role": {role: dict(sorted(statuses.items())) for role, statuses in self.by_role.items()},
            "responses_by_operation": {
                label: dict(sorted(statuses.items())) for label, statuses in sorted(self.by_operation.items())
            },
            "checks": [check.__name__ for check in CHECKS],
            "seconds": round(self.seconds, 1),
        }

    def pytest_terminal_summary(self, terminalreporter):
        summary = self.summary()
        responses = ", ".join(f"{code}: {n}" for code, n in summary["responses"].items())
        terminalreporter.write_line(
            f"API fuzzing: {self.examples} examples, {EXAMPLES} for each of {summary['operations']} operations "
            f"as each of {len(summary['roles'])} roles ({self.tests} tests, {self.seconds:.0f}s); answers {responses}"
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "fuzz.json").write_text(json.dumps(summary, indent=2) + "\n")


@pytest.fixture(scope="module")
def tally(request):
    tally = Tally()
    request.config.pluginmanager.register(tally, "api-fuzz-tally")
    return tally


@pytest.fixture(scope="module")
def module_media(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-media")


@pytest.fixture
def media_root(settings, module_media):
    """The seeded documents live for the whole module, so every test reads them from one folder."""
    settings.MEDIA_ROOT = module_media
    return module_media


def _seed():
    """The demo's people and cases (draft, notified, late, withdrawn, offline, rapid reviews, a local review,
    a case opened from an unnotified rapid review), and beside them letters in every state, a local review's
    milestone and recommendation, a rapid review said not to be needed, an offline notification keyed with its
    email, and a case in Bradford that no Leeds role may see."""
    call_command("load_reference_data", verbosity=0)
    demo_people_seed()
    demo_cases_seed()
    demo_reviews_seed()
    people = {role: User.objects.get(email=email) for role, email in ROLES.items() if email}
    lead, secretariat, member = people["partnership_lead"], people["panel_secretariat"], people["panel_member"]
    reviewed = Incident.objects.filter(rapid_review__isnull=False, lcspr__isnull=True).order_by("pk").first()
    letters = [letter_draft(incident=reviewed, by=secretariat, kind=Letter.Kind.GENERAL) for _ in range(4)]
    for letter in letters[1:]:
        letter_ask_for_approval(letter=letter, by=secretariat)
    for letter in letters[2:]:
        letter_approve(letter=letter, by=member)
    letter_issue(letter=letters[3], by=secretariat)
    today = datetime.date.today()
    with_lcspr = Incident.objects.filter(lcspr__isnull=False).order_by("pk").first()
    lcspr_milestone_add(incident=with_lcspr, by=lead, happened_on=today, description="Scoping meeting held.")
    recommendation_add(incident=with_lcspr, by=lead, **recommendation_values(due_on=today))
    notified = Incident.objects.filter(status=Incident.Status.NOTIFIED, rapid_review__isnull=True).first()
    rapid_review_not_needed(incident=notified, by=lead, reasons="The child's injuries were accidental.")
    offline_values = demo_case_values(aware_working_days_ago=2)
    offline = incident_key_offline(
        by=secretariat,
        notifying_la=organisation_find(name_or_code=LOCAL_AUTHORITIES[0]),
        offline_method="email",
        offline_received_on=offline_values["la_aware_date"],
        offline_document=SimpleUploadedFile("notification.pdf", real_pdf("Notification")),
        **offline_values,
    )
    bradford_notifier = User.objects.get(email="notifier@bradford.example.org")
    incident_create(
        by=bradford_notifier,
        notifying_la=bradford_notifier.memberships.get().organisation,
        **case_values(
            incident_date=today - datetime.timedelta(days=3), la_aware_date=today - datetime.timedelta(days=2)
        ),
    )
    return {
        "reference": sorted(Incident.objects.values_list("reference", flat=True)),
        "cases": {
            "lcspr": [with_lcspr.reference],
            "offline": [offline.reference, *_references(channel="offline")],
            "not-needed": [notified.reference],
            "rapid-review": [reviewed.reference, *_references(rapid_review__isnull=False)],
            "submit": _references(status=Incident.Status.DRAFT),
        },
        "letter": sorted(Letter.objects.values_list("pk", flat=True)),
        "recommendation": sorted(Recommendation.objects.values_list("pk", flat=True)),
        "number": [1, 2],
        "tokens": {role: api_token_create(user=person) for role, person in people.items()},
    }


def _references(**filters):
    return sorted(Incident.objects.filter(**filters).values_list("reference", flat=True))


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, module_media):
    """Seeded once for the module, inside a transaction rolled back at its end."""
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=module_media, PASSWORD_HASHERS=fast_hashing),
        transaction.atomic(),
    ):
        yield _seed()
        transaction.set_rollback(True)


class EveryScope(dict):
    """One rate for every throttle scope, whatever scopes the settings name."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def __missing__(self, scope):
        return self.rate


@pytest.fixture
def rate_limit(monkeypatch, settings):
    """Set the API's rate limits: DRF's throttles read their rates once, on import, so each class's are
    replaced as well as the setting; the counts kept in the cache start again."""

    def limit(rate):
        rates = EveryScope(rate)
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
        classes = [throttling.SimpleRateThrottle]
        while classes:
            cls = classes.pop()
            monkeypatch.setattr(cls, "THROTTLE_RATES", rates)
            classes.extend(cls.__subclasses__())
        cache.clear()

    yield limit
    cache.clear()


@pytest.fixture
def unthrottled(rate_limit):
    """The fuzz sends hundreds of requests a minute as one person: no rate limit may refuse them."""
    rate_limit("1000000/second")


@pytest.fixture
def configured_as_live(settings):
    """The service as a live deployment is configured: with a secret for the analysts' pseudonyms, without
    which the export is refused (503) as it should be."""
    settings.PSEUDONYM_KEY = "fuzz-pseudonym-key-0123456789abcdef"


@pytest.fixture
def wsgi_in_test_transaction():
    """Requests go through the whole WSGI application; like Django's test client, it must not close the
    test's connection at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The seeded cases a path is about, by a part of it, first among the references it is given (Hypothesis draws
# the first of a list most often); the others, Bradford's among them, follow.
CASES_FOR_PATHS = {
    "/lcspr/": "lcspr",
    "/offline-document/": "offline",
    "/confirm/": "offline",
    "/rapid-review/not-needed/": "not-needed",
    "/rapid-review/": "rapid-review",
    "/submit/": "submit",
}


def _known(operation, name, seeded):
    """The seeded values a path parameter can take: {id} is a letter's or a recommendation's."""
    if name == "id":
        name = "recommendation" if "/recommendations/" in operation.path else "letter"
    values = seeded[name]
    if name == "reference":
        about = next((kind for part, kind in CASES_FOR_PATHS.items() if part in operation.path), None)
        first = seeded["cases"][about] if about else []
        values = list(dict.fromkeys([*first, *values]))
    return st.sampled_from(values)


def _known_body_values(case, seeded):
    """A valid body's references to a case or an authority, half the time made those of seeded ones, so that
    a valid request can reach as far as a real case (a letter for it, a case in Leeds) and not only its 404."""
    known = {"incident": seeded["reference"], "local_authority": list(LOCAL_AUTHORITIES)}
    names = sorted(name for name in known if isinstance(case.body, dict) and isinstance(case.body.get(name), str))
    if not names:
        return st.just(case)

    def replaced(values):
        case.body.update(values)
        return case

    chosen = st.fixed_dictionaries({name: st.sampled_from(known[name]) for name in names}).map(replaced)
    return st.one_of(st.just(case), chosen)


def _cases(operation, seeded):
    """Cases for an operation, its path naming a seeded object more often than a made-up one."""
    names = [parameter.name for parameter in operation.path_parameters]
    strategies = []
    for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
        generated = operation.as_strategy(generation_mode=mode)
        if names:
            known = st.fixed_dictionaries({name: _known(operation, name, seeded) for name in names}).flatmap(
                lambda values, mode=mode: operation.as_strategy(generation_mode=mode, path_parameters=values)
            )
            generated = st.one_of(known, known, known, generated)
        if mode == schemathesis.GenerationMode.POSITIVE:
            generated = generated.flatmap(lambda case: _known_body_values(case, seeded))
        strategies.append(generated)
    return st.one_of(strategies)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_it_answers_every_request_as_its_schema_says(
    operation, role, seeded, tally, unthrottled, configured_as_live, wsgi_in_test_transaction, media_root
):
    token = seeded["tokens"].get(role)
    # Plain bodies: the test calls the application directly, where nothing undoes the gzip a client may ask for.
    headers = {"Accept-Encoding": "identity", **({"Authorization": f"Token {token}"} if token else {})}
    started = time.monotonic()

    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        # Bodies with patterns and formats are slow to draw, and the fixtures are meant to be shared by every
        # example of a test (each example is rolled back): neither is a fault in the test.
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_cases(operation, seeded))
    def fuzz(case):
        # The request runs in a savepoint of the test's transaction, rolled back whatever it did.
        with transaction.atomic():
            try:
                response = case.call_and_validate(headers=headers, checks=CHECKS)
            finally:
                transaction.set_rollback(True)
        tally.count(operation, role, response.status_code)

    fuzz()
    tally.tests += 1
    tally.seconds += time.monotonic() - started


def test_it_answers_too_many_requests_as_its_schema_says(seeded, rate_limit, wsgi_in_test_transaction, media_root):
    """The fuzz runs unthrottled; this is the rate limit's answer, held to the same checks."""
    rate_limit("2/minute")
    me = schema["/api/v1/me/"]["GET"]
    headers = {"Authorization": f"Token {seeded['tokens']['analyst']}"}
    responses = [me.Case().call(headers=headers) for _ in range(3)]
    assert [response.status_code for response in responses] == [200, 200, 429]
    assert int(responses[-1].headers["retry-after"][0]) > 0
    me.Case().validate_response(responses[-1], checks=CHECKS)
