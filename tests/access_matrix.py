"""The access matrix: the people it signs in as, the Leeds cases it builds in every state, and what each URL of
the service lets each of them do (tests/test_access_matrix.py reads it against the URL configuration)."""

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.services import incident_create, incident_key_offline, incident_submit, incident_withdraw
from letters import rendering
from letters.models import Letter
from letters.services import letter_approve, letter_ask_for_approval, letter_draft, letter_issue, letter_update
from organisations.models import Role
from reviews.services import (
    lcspr_final_report,
    lcspr_pause,
    lcspr_publish,
    rapid_review_return,
    rapid_review_send,
    rapid_review_send_unnotified,
    recommendation_add,
)

from .conftest import case_values, rapid_review_values, recommendation_values
from .documents import real_pdf
from .factories import LocalAuthorityFactory, MembershipFactory, PanelFactory, UserFactory

# The people ------------------------------------------------------------------------------------------------

LA_NOTIFIER = Role.LA_NOTIFIER.value
PARTNERSHIP_LEAD = Role.PARTNERSHIP_LEAD.value
SECRETARIAT = Role.PANEL_SECRETARIAT.value
MEMBER = Role.PANEL_MEMBER.value
ANALYST = Role.ANALYST.value
STAFF = "staff"
ANONYMOUS = "anonymous"
ROLES = (LA_NOTIFIER, PARTNERSHIP_LEAD, SECRETARIAT, MEMBER, ANALYST, STAFF, ANONYMOUS)

OWN = "own"  # Leeds, whose cases they are
OTHER = "other"  # Bradford, against Leeds' cases
ENGLAND = "england"  # the Panel and administrators, in no local organisation


@dataclass(frozen=True)
class Person:
    role: str
    org: str
    user: object = None

    @property
    def label(self):
        return self.role if self.org == ENGLAND else f"{self.role} ({self.org} organisation)"

    @property
    def local(self):
        return self.role in (LA_NOTIFIER, PARTNERSHIP_LEAD)


def people_create():
    """One person per role and organisation: Leeds' and Bradford's notifiers and partnership leads, the Panel's
    secretariat, member and analyst, an administrator in no organisation, and someone not signed in."""
    leeds = LocalAuthorityFactory(name="Leeds", code="E08000035")
    bradford = LocalAuthorityFactory(name="Bradford", code="E08000032")
    panel = PanelFactory()

    def member_of(organisation, role, email):
        user = UserFactory(email=email)
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    people = [
        Person(LA_NOTIFIER, OWN, member_of(leeds, Role.LA_NOTIFIER, "notifier@leeds.example.org")),
        Person(LA_NOTIFIER, OTHER, member_of(bradford, Role.LA_NOTIFIER, "notifier@bradford.example.org")),
        Person(PARTNERSHIP_LEAD, OWN, member_of(leeds.partnership, Role.PARTNERSHIP_LEAD, "lead@leeds.example.org")),
        Person(
            PARTNERSHIP_LEAD,
            OTHER,
            member_of(bradford.partnership, Role.PARTNERSHIP_LEAD, "lead@bradford.example.org"),
        ),
        Person(SECRETARIAT, ENGLAND, member_of(panel, Role.PANEL_SECRETARIAT, "secretariat@panel.example.org")),
        Person(MEMBER, ENGLAND, member_of(panel, Role.PANEL_MEMBER, "member@panel.example.org")),
        Person(ANALYST, ENGLAND, member_of(panel, Role.ANALYST, "analyst@panel.example.org")),
        Person(STAFF, ENGLAND, UserFactory(email="admin@csprp.example.org", is_staff=True, is_superuser=True)),
        Person(ANONYMOUS, ENGLAND),
    ]
    return leeds, people


# The cases ------------------------------------------------------------------------------------------------

DRAFT = "draft"
NOTIFIED = "notified"  # awaiting its rapid review
OFFLINE = "offline"  # keyed in by the Panel, awaiting the authority's confirmation
NOT_NOTIFIED = "not_notified"  # opened from a rapid review nobody notified: a retrospective notification asked for
RAPID_REVIEW_RECEIVED = "rapid_review_received"  # with the Panel's response drafted
RAPID_REVIEW_RETURNED = "rapid_review_returned"
RESPONDED = "responded"  # the Panel's response letter issued
LCSPR_IN_PROGRESS = "lcspr_in_progress"
LCSPR_PAUSED = "lcspr_paused"
LCSPR_PUBLISHED = "lcspr_published"
WITHDRAWN = "withdrawn"
STATES = (
    DRAFT,
    NOTIFIED,
    OFFLINE,
    NOT_NOTIFIED,
    RAPID_REVIEW_RECEIVED,
    RAPID_REVIEW_RETURNED,
    RESPONDED,
    LCSPR_IN_PROGRESS,
    LCSPR_PAUSED,
    LCSPR_PUBLISHED,
    WITHDRAWN,
)
SUBMITTED = tuple(state for state in STATES if state != DRAFT)
REVIEWED = (RAPID_REVIEW_RECEIVED, RAPID_REVIEW_RETURNED, RESPONDED, LCSPR_IN_PROGRESS, LCSPR_PAUSED, LCSPR_PUBLISHED)
WITH_LCSPR = (LCSPR_IN_PROGRESS, LCSPR_PAUSED, LCSPR_PUBLISHED)
WITH_LETTER = (RAPID_REVIEW_RECEIVED, RESPONDED)
# What no one outside a case may read anywhere: its index child's surname and date of birth (each case's own).
CHILD_SURNAME = "Quillfeather"
CHILD_BORN = datetime.date(2019, 3, 17)


@dataclass
class Case:
    state: str
    incident: object
    letter: object = None
    recommendation: object = None

    @property
    def surname(self):
        return child_surname(self.state)


def child_surname(state):
    return f"{CHILD_SURNAME}-{state.replace('_', '-')}"


def _children(state):
    return [
        {
            "is_index": True,
            "first_name": "Imogen",
            "last_name": child_surname(state),
            "date_of_birth": CHILD_BORN,
            "sex": "female",
            "ethnicity": "white_british",
        }
    ]


def _submitted(leeds, notifier, state):
    incident = incident_create(by=notifier, notifying_la=leeds, **case_values(children=_children(state)))
    return incident_submit(incident=incident, by=notifier, late_reason="Not known to us until later.")


def _reviewed(leeds, notifier, lead, state, *, lcspr_decision="not_required"):
    incident = _submitted(leeds, notifier, state)
    rapid_review_send(incident=incident, by=lead, **rapid_review_values(lcspr_decision=lcspr_decision))
    return incident


def _response(incident, secretariat):
    letter = letter_draft(
        incident=incident,
        by=secretariat,
        kind=Letter.Kind.RAPID_REVIEW_RESPONSE,
        rapid_review_version=incident.rapid_review.versions.get(),
    )
    sentences = rendering.decision_sentences(
        lcspr_decision=letter.rapid_review_version.lcspr_decision, panel_position="agree", national_review="not_needed"
    )
    return letter_update(
        letter=letter,
        by=secretariat,
        panel_position="agree",
        national_review="not_needed",
        quality_themes=["commended"],
        body_markdown=letter.body_markdown + "\n\n" + "\n\n".join(sentences),
    )


def cases_create(leeds, people):
    """A Leeds case in every state, each made through the services as the people concerned make it."""
    by_role = {(person.role, person.org): person.user for person in people}
    notifier, lead = by_role[LA_NOTIFIER, OWN], by_role[PARTNERSHIP_LEAD, OWN]
    secretariat, member = by_role[SECRETARIAT, ENGLAND], by_role[MEMBER, ENGLAND]
    cases = {}

    cases[DRAFT] = Case(
        DRAFT, incident_create(by=notifier, notifying_la=leeds, **case_values(children=_children(DRAFT)))
    )
    cases[NOTIFIED] = Case(NOTIFIED, _submitted(leeds, notifier, NOTIFIED))
    cases[OFFLINE] = Case(
        OFFLINE,
        incident_key_offline(
            by=secretariat,
            notifying_la=leeds,
            offline_method="email",
            offline_received_on=datetime.date(2022, 9, 14),
            offline_document=SimpleUploadedFile("notification.pdf", real_pdf("Notification")),
            **case_values(children=_children(OFFLINE)),
        ),
    )
    unnotified = rapid_review_send_unnotified(
        by=lead,
        local_authority=leeds,
        incident_fields={"incident_date": datetime.date(2022, 9, 10), "reason": "serious_harm"},
        children=_children(NOT_NOTIFIED),
        **rapid_review_values(lcspr_decision="not_required"),
    )
    cases[NOT_NOTIFIED] = Case(NOT_NOTIFIED, unnotified.incident)

    received = _reviewed(leeds, notifier, lead, RAPID_REVIEW_RECEIVED)
    cases[RAPID_REVIEW_RECEIVED] = Case(RAPID_REVIEW_RECEIVED, received, letter=_response(received, secretariat))

    returned = _reviewed(leeds, notifier, lead, RAPID_REVIEW_RETURNED)
    rapid_review_return(incident=returned, by=secretariat, reason="Say more about the health visits.")
    cases[RAPID_REVIEW_RETURNED] = Case(RAPID_REVIEW_RETURNED, returned)

    responded = _reviewed(leeds, notifier, lead, RESPONDED)
    letter = letter_ask_for_approval(letter=_response(responded, secretariat), by=secretariat)
    letter = letter_issue(letter=letter_approve(letter=letter, by=member), by=secretariat)
    cases[RESPONDED] = Case(RESPONDED, responded, letter=letter)

    for state in WITH_LCSPR:
        incident = _reviewed(leeds, notifier, lead, state, lcspr_decision="required")
        recommendation = recommendation_add(incident=incident, by=lead, **recommendation_values())
        cases[state] = Case(state, incident, recommendation=recommendation)
    today = datetime.date.today()
    lcspr_pause(incident=cases[LCSPR_PAUSED].incident, by=lead, reason="inquest", panel_told_on=today)
    published = cases[LCSPR_PUBLISHED].incident
    lcspr_final_report(
        incident=published,
        by=lead,
        document=SimpleUploadedFile("final.pdf", real_pdf("Final report")),
        planned_publication_on=today + datetime.timedelta(days=21),
    )
    lcspr_publish(incident=published, by=lead, published_on=today, url="https://example.org/child-a")

    withdrawn = _submitted(leeds, notifier, WITHDRAWN)
    cases[WITHDRAWN] = Case(WITHDRAWN, incident_withdraw(incident=withdrawn, by=notifier, reason="Not a serious case."))

    for case in cases.values():
        case.incident.refresh_from_db()
    assert set(cases) == set(STATES)
    return cases


# What each URL allows ---------------------------------------------------------------------------------------

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # anyone signed in, whatever their role; not about one case
ROLES_ONLY = "roles_only"  # some roles, not about one case: 403 for the others
CASE = "case"  # about one case: 404 for anyone who does not see it, then 403 for a role not allowed
LETTER = "letter"  # about one letter: as a case, and a letter not yet issued does not exist for the case's LA
OWN_TOKEN = "own_token"  # one person's API token: anyone else finds none (404)
STAFF_ONLY = "staff_only"  # the admin: everyone else is sent to the admin's sign-in

LOCAL = frozenset({LA_NOTIFIER, PARTNERSHIP_LEAD})
PANEL = frozenset({SECRETARIAT, MEMBER})
CASE_READERS = LOCAL | PANEL | {STAFF}  # everyone who sees some cases
SIGNED_IN_ROLES = CASE_READERS | {ANALYST}
STATISTICS = PANEL | {ANALYST, STAFF}
NOTIFIERS = frozenset({LA_NOTIFIER, STAFF})
LEADS = frozenset({PARTNERSHIP_LEAD, STAFF})
SECRETARIAT_ONLY = frozenset({SECRETARIAT, STAFF})
PANEL_CASEWORK = PANEL | {STAFF}
CASE_EDITORS = frozenset({LA_NOTIFIER, SECRETARIAT, STAFF})  # incidents.change_case
LCSPR_RUNNERS = frozenset({PARTNERSHIP_LEAD, SECRETARIAT, STAFF})  # reviews.run_lcspr
NOBODY = frozenset()

WITH_RAPID_REVIEW = (NOT_NOTIFIED, *REVIEWED)
RETURNABLE = (NOT_NOTIFIED, RAPID_REVIEW_RECEIVED, RESPONDED, *WITH_LCSPR)  # a review the Panel has, not returned
SENDABLE = (NOTIFIED, OFFLINE, RAPID_REVIEW_RETURNED)  # a rapid review awaited, or returned for more
ANY = frozenset({200, 201, 204, 301, 302, 303})
POST_ONLY = frozenset({405})


@dataclass(frozen=True)
class Entry:
    """One URL's rule. `readers` GET it (2xx or 3xx) in the `applies` states (all `states` unless given) and get
    `otherwise` in the rest; a role not among them gets `refused` (403). `writers` may send it POST, PATCH or
    DELETE (readers unless given); everyone else is refused without anything changing. `get` replaces what
    readers get for a URL that answers no GET. `kwargs` fills the URL for a case (None: no case in it)."""

    kind: str
    readers: frozenset = NOBODY
    writers: frozenset | None = None
    states: tuple = ()
    applies: tuple | None = None
    otherwise: frozenset = frozenset()
    refused: frozenset = frozenset({403})
    get: frozenset = ANY
    query: str = ""
    kwargs: object = None

    @property
    def may_write(self):
        return self.readers if self.writers is None else self.writers

    def applies_in(self, state):
        return state in (self.states if self.applies is None else self.applies)


def by_reference(case, world):
    return {"reference": case.incident.reference}


def by_child(case, world):
    return {"reference": case.incident.reference, "child_id": case.incident.children.get(is_index=True).pk}


def by_recommendation(case, world):
    return {"reference": case.incident.reference, "pk": case.recommendation.pk}


def by_version(case, world):
    return {"reference": case.incident.reference, "number": 1}


def by_letter(case, world):
    return {"pk": case.letter.pk}


def by_token(case, world):
    return {"token_key": world.token_key}


def public(**options):
    return Entry(PUBLIC, readers=SIGNED_IN_ROLES | {ANONYMOUS}, **options)


def signed_in(**options):
    return Entry(SIGNED_IN, readers=SIGNED_IN_ROLES, **options)


def roles(readers, **options):
    return Entry(ROLES_ONLY, readers=frozenset(readers), **options)


def case(readers, states=STATES, kwargs=by_reference, **options):
    return Entry(CASE, readers=frozenset(readers), states=states, kwargs=kwargs, **options)


def letter(readers, **options):
    return Entry(LETTER, readers=frozenset(readers), states=WITH_LETTER, kwargs=by_letter, **options)


def notification_step(readers=CASE_EDITORS, **options):
    """A notification's question pages: shown while it is unsubmitted, otherwise the person goes to the case."""
    return case(readers, **options)


def lcspr_step(**options):
    return case(LCSPR_RUNNERS, states=WITH_LCSPR, **options)


def post_only(kind_entry, writers):
    """A URL that takes only POST (or PATCH): GET is 405 for everyone who may see it."""
    return kind_entry(writers=frozenset(writers), get=POST_ONLY)


ACCESS = {
    # Signing in, the service's own pages and its health.
    "home": signed_in(writers=NOBODY),
    "sign-in": public(),
    "two-factor-verify": public(),
    # GET is refused (signing out is a POST); a POST signs anyone out, which is theirs to do.
    "sign-out": public(get=POST_ONLY),
    "two-factor": signed_in(),
    "two-factor-set-up": signed_in(),
    "two-factor-recovery-codes": signed_in(get=POST_ONLY),
    "web:accessibility": public(writers=NOBODY),
    "web:privacy": public(writers=NOBODY),
    "healthz": public(writers=NOBODY),
    "web:tokens": signed_in(),
    "web:token-revoke": Entry(OWN_TOKEN, readers=SIGNED_IN_ROLES, get=POST_ONLY, kwargs=by_token),
    # Cases and their notification.
    "web:case-list": roles(CASE_READERS, writers=NOBODY),
    "web:case": case(CASE_READERS, writers=NOBODY),
    "web:search": roles(CASE_READERS),
    "web:notification-start": roles({LA_NOTIFIER}),
    "web:notification-new": roles({LA_NOTIFIER}),
    "web:notification-dates": notification_step(),
    "web:notification-incident": notification_step(),
    "web:notification-children": notification_step(),
    "web:notification-child-add": notification_step(),
    "web:notification-child": notification_step(kwargs=by_child),
    "web:notification-check": notification_step(),
    "web:notification-late": notification_step(NOTIFIERS),
    "web:notification-sent": case(CASE_READERS, writers=NOBODY),
    "web:retrospective": notification_step(NOTIFIERS),
    "web:confirm-offline": notification_step(NOTIFIERS),
    "web:withdraw": notification_step(),
    # Rapid reviews.
    "web:rapid-review": case(CASE_READERS, writers=NOBODY),
    "web:rapid-review-send": case(LEADS, applies=SENDABLE, otherwise=frozenset({409})),
    "web:rapid-review-return": case(SECRETARIAT_ONLY, applies=RETURNABLE, otherwise=frozenset({409})),
    # Local reviews: they exist once a rapid review decides on one.
    "web:lcspr": case(CASE_READERS, states=WITH_LCSPR, writers=NOBODY),
    "web:lcspr-details": lcspr_step(),
    "web:lcspr-planned-publication": lcspr_step(),
    "web:lcspr-pause": lcspr_step(),
    "web:lcspr-resume": lcspr_step(),
    "web:lcspr-final-report": lcspr_step(),
    "web:lcspr-publish": lcspr_step(),
    "web:lcspr-not-published": lcspr_step(),
    "web:lcspr-milestone-add": lcspr_step(),
    "web:lcspr-recommendation-add": lcspr_step(),
    "web:lcspr-recommendation-status": lcspr_step(kwargs=by_recommendation),
    # The Panel's work.
    "web:queue": roles(PANEL_CASEWORK, writers=NOBODY),
    "web:queue-rapid-reviews": roles(PANEL_CASEWORK, writers=NOBODY),
    "web:queue-letters": roles(PANEL_CASEWORK, writers=NOBODY),
    "web:queue-overdue": roles(PANEL_CASEWORK, writers=NOBODY),
    "web:queue-chasers": roles(SECRETARIAT_ONLY, writers=NOBODY),
    "web:queue-failed-messages": roles(PANEL_CASEWORK, writers=NOBODY),
    "web:offline-start": roles(SECRETARIAT_ONLY),
    "web:offline-received": roles(SECRETARIAT_ONLY),
    "web:offline-dates": roles(SECRETARIAT_ONLY),
    "web:offline-incident": roles(SECRETARIAT_ONLY),
    "web:offline-child": roles(SECRETARIAT_ONLY),
    "web:offline-check": roles(SECRETARIAT_ONLY),
    "web:offline-keyed": case(SECRETARIAT_ONLY, writers=NOBODY),
    "web:regions": roles(STATISTICS, writers=NOBODY),
    "web:statistics": roles(STATISTICS, writers=NOBODY),
    # Letters: the Panel's; the case's LA and partnership read issued ones.
    "web:letter-new": case(SECRETARIAT_ONLY),
    "web:letter": letter(CASE_READERS, writers=SECRETARIAT_ONLY),
    "web:letter-preview": letter(PANEL_CASEWORK, applies=(RAPID_REVIEW_RECEIVED,), otherwise=frozenset({409})),
    "web:letter-approve": letter(CASE_READERS, writers={MEMBER, STAFF}, get=POST_ONLY),
    "web:letter-issue": letter(CASE_READERS, writers=SECRETARIAT_ONLY, get=POST_ONLY),
    # A question page whose step the person may not take goes back to the letter they may read.
    "web:letter-send-back": letter(PANEL_CASEWORK, writers={MEMBER, STAFF}, refused=frozenset({302})),
    "web:letter-discard": letter(PANEL_CASEWORK, writers=SECRETARIAT_ONLY, refused=frozenset({302})),
    "web:letters-awaiting-approval": roles(PANEL_CASEWORK, writers=NOBODY),
    "web:practice-themes": roles(PANEL_CASEWORK, writers=NOBODY),
    "web:national-reviews": roles(PANEL_CASEWORK, writers=NOBODY),
    # The API.
    "api-organisations": signed_in(writers=NOBODY),
    "api-me": signed_in(),
    "api-my-notices": signed_in(writers=NOBODY),
    "api-chasers": roles(SECRETARIAT_ONLY, writers=NOBODY),
    "api-deadlines": roles(CASE_READERS, writers=NOBODY),
    "api-rapid-reviews": roles(CASE_READERS, writers=LEADS, get=POST_ONLY),
    "incident-list": roles(CASE_READERS, writers=CASE_EDITORS),
    "incident-detail": case(CASE_READERS, writers=CASE_EDITORS),
    "incident-submit": case(CASE_READERS, writers=NOTIFIERS, get=POST_ONLY),
    "incident-confirm": case(CASE_READERS, writers=NOTIFIERS, get=POST_ONLY),
    "incident-withdraw": case(CASE_READERS, writers=CASE_EDITORS, get=POST_ONLY),
    "incident-offline-document": case(
        CASE_READERS, states=(NOTIFIED, OFFLINE), applies=(OFFLINE,), otherwise=frozenset({404})
    ),
    "api-rapid-review": case(CASE_READERS, states=WITH_RAPID_REVIEW, writers=LEADS),
    "api-rapid-review-document": case(CASE_READERS, states=WITH_RAPID_REVIEW, kwargs=by_version, writers=NOBODY),
    "api-rapid-review-return": case(CASE_READERS, writers=SECRETARIAT_ONLY, get=POST_ONLY),
    "api-rapid-review-not-needed": case(CASE_READERS, writers=LEADS, get=POST_ONLY),
    "api-rapid-review-not-needed-accept": case(CASE_READERS, writers=PANEL_CASEWORK, get=POST_ONLY),
    "api-rapid-review-not-needed-decline": case(CASE_READERS, writers=PANEL_CASEWORK, get=POST_ONLY),
    # The Panel's members give the Panel's view of a local review; its runners change the rest.
    "api-lcspr": case(CASE_READERS, states=WITH_LCSPR, writers=LCSPR_RUNNERS | {MEMBER}),
    "api-lcspr-pause": case(CASE_READERS, states=WITH_LCSPR, writers=LCSPR_RUNNERS, get=POST_ONLY),
    "api-lcspr-resume": case(CASE_READERS, states=WITH_LCSPR, writers=LCSPR_RUNNERS, get=POST_ONLY),
    "api-lcspr-final-report": case(
        CASE_READERS, states=WITH_LCSPR, writers=LCSPR_RUNNERS, applies=(LCSPR_PUBLISHED,), otherwise=frozenset({404})
    ),
    "api-lcspr-publish": case(CASE_READERS, states=WITH_LCSPR, writers=LCSPR_RUNNERS, get=POST_ONLY),
    "api-lcspr-not-published": case(CASE_READERS, states=WITH_LCSPR, writers=LCSPR_RUNNERS, get=POST_ONLY),
    "api-lcspr-milestones": case(CASE_READERS, states=WITH_LCSPR, writers=LCSPR_RUNNERS, get=POST_ONLY),
    "api-lcspr-recommendations": case(CASE_READERS, states=WITH_LCSPR, writers=LCSPR_RUNNERS),
    "api-lcspr-recommendation": case(
        CASE_READERS, states=WITH_LCSPR, kwargs=by_recommendation, writers=LCSPR_RUNNERS, get=POST_ONLY
    ),
    "letter-list": roles(CASE_READERS, writers=SECRETARIAT_ONLY),
    "letter-detail": letter(CASE_READERS, writers=SECRETARIAT_ONLY),
    "letter-pdf": letter(CASE_READERS, writers=NOBODY, applies=(RESPONDED,), otherwise=frozenset({404})),
    "letter-preview": letter(
        PANEL_CASEWORK, writers=NOBODY, applies=(RAPID_REVIEW_RECEIVED,), otherwise=frozenset({409})
    ),
    "letter-ask-for-approval": letter(CASE_READERS, writers=SECRETARIAT_ONLY, get=POST_ONLY),
    "letter-approve": letter(CASE_READERS, writers={MEMBER, STAFF}, get=POST_ONLY),
    "letter-send-back": letter(CASE_READERS, writers={MEMBER, STAFF}, get=POST_ONLY),
    "letter-issue": letter(CASE_READERS, writers=SECRETARIAT_ONLY, get=POST_ONLY),
    "letter-discard": letter(CASE_READERS, writers=SECRETARIAT_ONLY, get=POST_ONLY),
    "api-reports-annual": roles(STATISTICS, writers=NOBODY, query="from=2022-04-01&to=2023-03-31"),
    "api-reports-cases-csv": roles(STATISTICS, writers=NOBODY),
    "api-reports-dfe-csv": roles(STATISTICS, writers=NOBODY, query="from_year=2022"),
    # The API's description holds no data: open to all, as the docs of a public API are.
    "schema": public(writers=NOBODY),
    "api-docs": public(writers=NOBODY),
}
