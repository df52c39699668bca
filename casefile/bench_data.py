"""Synthetic cases at national scale and far beyond, for the benchmarks (`manage.py bench_data`).

Rows go straight into PostgreSQL with COPY, a chunk of cases at a time, rather than through the services
one case at a time: a million cases through the services would take days. Chunks are built side by side
by as many processes as the machine has CPUs (`--processes`), each with its own random choices seeded
from the seed and the chunk, so the same seed gives the same data however many build it. Every row is what the services
would have written for a case that went through those steps on those dates: FSM states reached by allowed
transitions, deadlines due when the working-day calendar (deadlines.workingdays) says, met, cancelled or
open as the case's dates say, references in the CSPR-<year>-<number> format and unique, organisations in
the case's own authority, its partnership and the Panel. Simple history rows are not written (the services
would write one per change); nothing the pages, the API or the reports read depends on them.

Proportions, from domain.md and data-standard.md (about 400 notifications a year from 153 authorities;
the published figures' shares), for cases whose dates are old enough for each step to have happened:

- cases: spread evenly over every local authority and over incident dates from 1 January 2018 to
  yesterday; 3% reached the Panel another way and were keyed by it (offline), 2% of those not yet
  confirmed by the authority within their 5 working days;
- state: 95% notified, 2% withdrawn after notifying, 2% draft (every case whose notification would
  fall after today is a draft too), 1% opened from a rapid review nobody notified (awaiting the
  authority's retrospective notification); of the notified, 2% are retrospective;
- notification: 85% within the 5 working days of becoming aware, 15% late (6 to 20), with a reason;
- reason: 40% death, 58% serious harm, 2% other; 10% have a different home authority, 5% a placing one;
- children: 1 (91%), 2 (7%), 3 (1.5%), 4 (0.5%): about 1.1 a case, the index child first;
- rapid review: 85% of notified cases have one received (80% within 15 working days), 3% the Panel
  accepted none was needed, the rest are awaited (on time or overdue). Of those received, 75% have one
  version, 18% two and 7% three (each earlier one returned for more information and sent again);
  each version has its document's text (150 to 300 words of safeguarding vocabulary, one to three
  of the THEMES a review can be about among them) and its
  full-text search vector, as reviews.search would index them;
- local review (LCSPR): 40% of received rapid reviews decide one is required; of those old enough,
  75% published, 10% with the final report received, 5% not published, 10% still running past the
  six months; younger ones are in progress (10% paused);
- letters: a response to each received version the Panel answered (issued, with its PDF's digest),
  a draft or one awaiting approval for a version not yet answered, a request for each retrospective
  notification, feedback on half the published final reports, and a general letter on 15% of
  cases: about 1.2 a reviewed case;
- timeline: one event for each step above, with its date and actor;
- notices: a message to the authority's team mailbox for half of the events (sent, or pending and due
  for events of the last two days), a reminder for a third of the deadlines met or cancelled (sent or
  stopped) and one for every open deadline within 10 working days of its due date or past it (pending
  and due when it fell due in the last five days, sent before that).

One "big" case, for the detail benchmark: 5 children, 3 rapid review versions (two returned), their
letters, a local review and 20 timeline events.
"""

import contextlib
import datetime
import hashlib
import itertools
import json
import multiprocessing
import random
import time
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from knox.models import AuthToken

from deadlines.models import BankHoliday, Deadline
from deadlines.services import bank_holidays_sync
from deadlines.workingdays import WorkingCalendar
from incidents.codes import (
    CAUSES_BY_REASON,
    AbuseOrNeglect,
    CareOrder,
    Channel,
    Ethnicity,
    History,
    LookedAfter,
    NationalReview,
    PanelPosition,
    PracticeTheme,
    QualityTheme,
    Reason,
    Sex,
    TriState,
)
from incidents.models import Child, Incident, ReferenceSequence, TimelineEvent
from incidents.services import (
    NOTIFICATION_WORKING_DAYS,
    OFFLINE_CONFIRMATION_WORKING_DAYS,
    RAPID_REVIEW_WORKING_DAYS,
    RETROSPECTIVE_WORKING_DAYS,
)
from letters.models import Letter, LetterEvent
from letters.services import TEMPLATE_VERSION
from notices.models import Notice, Rung
from organisations.models import Membership, Organisation, Role, User
from organisations.services import reference_data_load
from reviews.models import (
    Lcspr,
    LcsprMilestone,
    LcsprPause,
    RapidReview,
    RapidReviewText,
    RapidReviewVersion,
    Recommendation,
    ReviewEvent,
)
from reviews.search import SEARCH_CONFIG, SEARCHED_FINDINGS
from reviews.services import FINAL_REPORT_WORKING_DAYS_BEFORE, LCSPR_MONTHS, RESUBMISSION_WORKING_DAYS

FIRST_INCIDENT_DATE = datetime.date(2018, 1, 1)
CHUNK_INCIDENTS = 5000
BENCH_EMAIL_DOMAIN = "bench.example.org"
PDF_DOCUMENT = "application/pdf"

# The tables --reset empties: the cases and everything recorded about them, and their history. Never
# organisations, people or reference data.
CASE_MODELS = (
    Incident,
    Child,
    TimelineEvent,
    ReferenceSequence,
    Deadline,
    RapidReview,
    RapidReviewVersion,
    RapidReviewText,
    Lcspr,
    LcsprPause,
    LcsprMilestone,
    Recommendation,
    Letter,
    Notice,
)

# The weighted choices of a case's details (value, weight); the module's docstring gives the rest.
AGES = (((0, 0), 30), ((1, 5), 20), ((6, 10), 10), ((11, 15), 25), ((16, 17), 15))
LOOKED_AFTER = (
    (LookedAfter.NO, 70),
    (LookedAfter.FOSTER_CARE, 8),
    (LookedAfter.RESIDENTIAL_HOME, 4),
    (LookedAfter.PREVIOUS, 8),
    (LookedAfter.NOT_RECORDED, 10),
)
CARE_ORDERS = (
    (CareOrder.NO, 80),
    (CareOrder.CARE_PROCEEDINGS, 5),
    (CareOrder.PERMANENT, 5),
    (CareOrder.PREVIOUS, 5),
    (CareOrder.NOT_RECORDED, 5),
)
ABUSE_OR_NEGLECT = ((AbuseOrNeglect.KNOWN, 40), (AbuseOrNeglect.SUSPECTED, 60))
NATIONAL_REVIEWS = (
    (NationalReview.NOT_NEEDED, 90),
    (NationalReview.UNDER_CONSIDERATION, 4),
    (NationalReview.COMMISSIONED, 1),
    (NationalReview.THEMATIC, 5),
)
LCSPR_OUTCOMES = (("published", 75), ("final_report_received", 10), ("not_published", 5), ("in_progress", 10))

# Words a rapid review is written in, for documents the full-text search has something real to find in.
PHRASES = (
    "the multi-agency safeguarding hub received a referral from the school",
    "health visitor contact was missed on two occasions",
    "the family was known to children's social care",
    "domestic abuse was reported by the police",
    "the child protection plan ended six months before the incident",
    "information sharing between agencies was delayed",
    "the GP was not told of the strategy discussion",
    "the mother's mental health needs were not assessed",
    "the father's history of violence was not known to the health visitor",
    "neglect of the home conditions was noted by the midwife",
    "a section 47 enquiry was started",
    "the baby was seen at the emergency department with bruising",
    "professional curiosity about the new partner was lacking",
    "the young person was missing from home several times",
    "criminal exploitation and county lines were suspected",
    "the youth offending service shared concerns with the police",
    "substance misuse by the parents affected their care",
    "the child was not brought to appointments",
    "safe sleep advice was given at the new birth visit",
    "the voice of the child was not heard in assessments",
    "escalation procedures were not used when agencies disagreed",
    "the learning from this review concerns supervision and challenge",
    "the partnership will audit the quality of strategy discussions",
    "housing and education were not invited to the core group",
    "the private fostering arrangement was not assessed",
    "self-harm and suicidal thoughts were disclosed to the school nurse",
    "online grooming was identified by the police",
    "the child's race, ethnicity and culture were not considered",
)
_SENTENCES = tuple((phrase.capitalize(), phrase.count(" ") + 1) for phrase in PHRASES)
# What one review is about, beside the words every review shares: each rapid review document has one to
# three of these, so a search for a theme's words finds a few cases in a hundred, as a search for what
# a case was about would, rather than every case (the shared phrases above are in nearly all of them).
THEMES = (
    "the infant died while co-sleeping with a parent who had been drinking",
    "abusive head trauma was diagnosed after the baby stopped breathing",
    "fabricated or induced illness was suspected by the paediatrician",
    "female genital mutilation was disclosed to the midwife",
    "honour-based abuse and forced marriage were feared by the sister",
    "radicalisation concerns were referred to the prevent programme",
    "modern slavery and trafficking were identified by the national referral mechanism",
    "the teenager was stabbed after being groomed by an older gang",
    "scalding injuries were explained as an accident in the bath",
    "the toddler swallowed methadone left within reach",
    "a dog attack happened while the child was unsupervised",
    "the drowning happened in a garden pond",
    "elective home education meant no professional saw the child",
    "the family moved between four authorities in two years",
    "the child had a learning disability and autism",
    "the young carer looked after a disabled parent",
    "an unregistered children's home held the young person",
    "the asylum seeking child arrived unaccompanied",
    "sexual abuse within the extended family was disclosed",
    "an intra-familial killing followed a separation",
    "the perpetrator was a new partner with convictions for violence",
    "fractured ribs of different ages were found on the skeletal survey",
    "starvation and faltering growth were missed by the nursery",
    "the adolescent took an overdose after online bullying",
    "a fire started while the children were left alone",
    "the mother concealed her pregnancy and gave birth alone",
    "parental learning disability limited understanding of the baby's needs",
    "cultural and language barriers meant an interpreter was needed",
    "a care leaver became a parent without support",
    "the child was shaken during a period of inconsolable crying",
    "hoarding and squalor made the house unsafe",
    "a medical condition delayed recognition of the injuries",
    "the pre-birth assessment was not completed before delivery",
    "the baby was discharged from the neonatal unit without a plan",
    "the child was exploited in a trap house in another county",
    "harmful sexual behaviour by a sibling was reported",
    "the looked after child absconded from a residential placement",
    "coercive control by the father isolated the family",
    "an animal cruelty report preceded the incident",
    "the police protection power was used at night",
)
_THEMED = tuple((phrase.capitalize(), phrase.count(" ") + 1) for phrase in THEMES)
_FIRST_NAMES = ("Amelia", "Oliver", "Isla", "Noah", "Ava", "Muhammad", "Mia", "Leo", "Ivy", "Arthur", "Zara", "Kai")
_LAST_NAMES = ("Smith", "Jones", "Taylor", "Brown", "Khan", "Williams", "Wilson", "Ahmed", "Evans", "Patel")
_BENCH_ROLES = (
    Role.LA_NOTIFIER,
    Role.PARTNERSHIP_LEAD,
    Role.PANEL_SECRETARIAT,
    Role.PANEL_MEMBER,
    Role.ANALYST,
)


class BenchDataError(Exception):
    """The database cannot take synthetic data (not PostgreSQL)."""


@dataclass
class BenchResult:
    incidents: int = 0
    rows: dict = field(default_factory=dict)
    seconds: float = 0.0
    big_case: str = ""
    tokens: dict = field(default_factory=dict)

    @property
    def total_rows(self):
        return sum(self.rows.values())

    @property
    def rows_per_second(self):
        return self.total_rows / self.seconds if self.seconds else 0.0


# Setting up ------------------------------------------------------------------------------------------


def _require_postgresql():
    if connection.vendor != "postgresql":
        raise BenchDataError(
            "Benchmark data is loaded with PostgreSQL's COPY: set DATABASE_URL to a PostgreSQL database."
        )


def bench_reference_data_ensure(*, holidays=None):
    """Load the authorities, partnerships, the Panel and bank holidays if the organisations table is empty."""
    if not Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY).exists():
        reference_data_load()
    if not BankHoliday.objects.exists():
        bank_holidays_sync(holidays=holidays)


def bench_tables_reset():
    """Empty the case tables (and their history), leaving organisations, people and reference data alone."""
    _require_postgresql()
    tables = []
    for model in CASE_MODELS:
        tables.append(model._meta.db_table)
        history = getattr(model, "history", None)
        if history is not None:
            tables.append(history.model._meta.db_table)
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit; TRUNCATE refuses while rows written in this transaction await it.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(connection.ops.quote_name(t) for t in tables)} RESTART IDENTITY CASCADE")


def bench_users_ensure(*, la):
    """One person for each role (the notifier in `la`, the lead in its partnership), each with a new API token.

    Returns {role: {"email", "organisation", "token"}}: earlier bench tokens are revoked.
    """
    panel = Organisation.objects.get(kind=Organisation.Kind.PANEL)
    organisations = {
        Role.LA_NOTIFIER: la,
        Role.PARTNERSHIP_LEAD: la.partnership,
        Role.PANEL_SECRETARIAT: panel,
        Role.PANEL_MEMBER: panel,
        Role.ANALYST: panel,
    }
    people = {}
    for role in _BENCH_ROLES:
        email = f"{role.value.replace('_', '-')}@{BENCH_EMAIL_DOMAIN}"
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": f"Bench {role.label}"})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.filter(user=user).exclude(organisation=organisations[role], role=role).delete()
        Membership.objects.get_or_create(user=user, organisation=organisations[role], role=role)
        AuthToken.objects.filter(user=user).delete()
        _token, key = AuthToken.objects.create(user=user, expiry=datetime.timedelta(days=30))
        people[role.value] = {"email": email, "organisation": organisations[role].name, "token": key, "id": user.pk}
    return people


# Ids and COPY ----------------------------------------------------------------------------------------


def _ids_reserve(cursor, model, n):
    """The first of n consecutive ids taken from the table's sequence, which moves past them."""
    table = model._meta.db_table
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [sequence])
    first = cursor.fetchone()[0]
    if n > 1:
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
    return first


def rows_copy(cursor, model, columns, rows):
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return len(rows)


# Columns of each table, in the order the generator's rows give them.
INCIDENT_COLUMNS = (
    "id", "reference", "status", "channel", "notifying_la_id", "home_la_id", "placing_la_id", "incident_date",
    "la_aware_date", "reason", "reason_at_notification", "abuse_or_neglect", "looked_after_child_death",
    "case_outline", "notified_on", "late_reason", "retrospective", "retrospective_requested_on", "withdrawn_on",
    "withdrawn_reason", "offline_method", "offline_received_on", "offline_document", "offline_keyed_on",
    "offline_confirmed_on", "offline_confirmed_by_id", "created_by_id", "created_at", "updated_at", "version",
)  # fmt: skip
CHILD_COLUMNS = (
    "incident_id", "is_index", "first_name", "last_name", "date_of_birth", "age_years", "sex",
    "gender_identity_differs", "lgbtq", "ethnicity", "disability", "disability_type", "family_known_to_csc",
    "child_in_need", "child_protection_plan", "looked_after", "placement", "care_order",
)  # fmt: skip
EVENT_COLUMNS = ("id", "incident_id", "kind", "at", "actor_id", "summary", "details")
DEADLINE_COLUMNS = (
    "id", "incident_id", "kind", "subject", "responsible_id", "starts_on", "due_on", "status", "met_on",
    "cancelled_on", "created_at", "updated_at",
)  # fmt: skip
REVIEW_COLUMNS = (
    "id", "incident_id", "partnership_id", "status", "first_sent_on", "reason_at_review", "likely_cause",
    "lcspr_decision", "panel_position", "national_review", "quality_themes", "returned_reason",
    "not_needed_reasons", "panel_not_needed_view", "not_needed_accepted_on", "created_at", "updated_at",
)  # fmt: skip
VERSION_COLUMNS = (
    "id", "rapid_review_id", "number", "document", "document_type", "completed_on", "sent_on", "reason_at_review",
    "likely_cause", "lcspr_decision", "lcspr_rationale", "lines_of_enquiry", "lcspr_decision_on",
    "national_review_recommended", "immediate_actions", "learning", "practice_themes", "sent_by_id", "sent_at",
    "panel_responded_on", "resubmit_by",
)  # fmt: skip
TEXT_COLUMNS = ("version_id", "text", "truncated", "indexed_at")
LCSPR_COLUMNS = (
    "id", "incident_id", "partnership_id", "status", "decision_on", "reviewer", "terms_of_reference", "panel_view",
    "final_report", "final_report_received_on", "planned_publication_on", "published_on", "publication_url",
    "not_published_reasons", "not_published_on", "created_at", "updated_at", "version",
)  # fmt: skip
PAUSE_COLUMNS = ("lcspr_id", "reason", "details", "panel_told_on", "started_on", "ended_on")
LETTER_COLUMNS = (
    "incident_id", "kind", "status", "rapid_review_version_id", "template_version", "subject", "body_markdown",
    "panel_position", "national_review", "quality_themes", "practice_themes", "drafted_by_id", "approved_by_id",
    "approved_at", "sent_back_comment", "issued_by_id", "issued_on", "pdf", "pdf_sha256", "created_at",
    "updated_at", "version",
)  # fmt: skip
NOTICE_COLUMNS = (
    "incident_id", "deadline_id", "rung_id", "occurrence", "event_id", "recipient_id", "mailbox", "due_on",
    "status", "attempts", "next_attempt_at", "claimed_at", "sent_at", "last_error", "created_at",
)  # fmt: skip

TABLES = (
    (Incident, INCIDENT_COLUMNS, "incidents"),
    (Child, CHILD_COLUMNS, "children"),
    (Deadline, DEADLINE_COLUMNS, "deadlines"),
    (TimelineEvent, EVENT_COLUMNS, "events"),
    (RapidReview, REVIEW_COLUMNS, "reviews"),
    (RapidReviewVersion, VERSION_COLUMNS, "versions"),
    (RapidReviewText, TEXT_COLUMNS, "texts"),
    (Lcspr, LCSPR_COLUMNS, "lcsprs"),
    (LcsprPause, PAUSE_COLUMNS, "pauses"),
    (Letter, LETTER_COLUMNS, "letters"),
    (Notice, NOTICE_COLUMNS, "notices"),
)


# Generating ------------------------------------------------------------------------------------------


def _at(day, rng, hour_from=8, hour_to=18):
    """A moment in the working day of `day`, in UTC."""
    moment = datetime.datetime.combine(day, datetime.time(rng.randrange(hour_from, hour_to), rng.randrange(60)))
    return moment.replace(tzinfo=datetime.UTC)


def _json(value):
    return json.dumps(value)


class _Rows:
    """The rows of one chunk, table by table, with the ids the chunk reserved."""

    def __init__(self):
        self.tables = {key: [] for _model, _columns, key in TABLES}


class _Builder:
    def __init__(self, *, rng, calendar, today, now, users, las, panel, rungs):
        self.rng = rng
        self.calendar = calendar
        self.today = today
        self.now = now
        self.users = users
        self.las = las
        self.panel = panel
        self.rungs = rungs
        self.wd = calendar.add_working_days
        self._picks = {}

    # Small helpers.

    def chance(self, p):
        return self.rng.random() < p

    def pick(self, weighted):
        # Called a few dozen times a case: the cumulative weights of each list are worked out once.
        prepared = self._picks.get(weighted)
        if prepared is None:
            values, weights = zip(*weighted, strict=True)
            prepared = self._picks[weighted] = (values, list(itertools.accumulate(weights)))
        return self.rng.choices(prepared[0], cum_weights=prepared[1])[0]

    def text(self, words_from, words_to, *, themes=0):
        """Shared phrases to a length between the two, with `themes` of the THEMES among them."""
        sentences, words = [], 0
        for sentence, length in self.rng.sample(_THEMED, themes):
            sentences.append(sentence)
            words += length
        target = self.rng.randint(words_from, words_to)
        while words < target:
            sentence, length = self.rng.choice(_SENTENCES)
            sentences.insert(self.rng.randint(0, len(sentences)), sentence)
            words += length
        return ". ".join(sentences) + "."

    # One case.

    def case(self, rows, ids, aware, *, big=False):
        rng, wd, today = self.rng, self.wd, self.today
        t = rows.tables
        incident_id = ids.next("incidents")
        la = rng.choice(self.las)
        partnership_id = la.partnership_id
        notifier, lead = self.users[Role.LA_NOTIFIER], self.users[Role.PARTNERSHIP_LEAD]
        secretariat, member = self.users[Role.PANEL_SECRETARIAT], self.users[Role.PANEL_MEMBER]
        incident_date = aware - datetime.timedelta(days=self.pick(((0, 60), (1, 20), (2, 10), (5, 7), (14, 3))))
        incident_date = max(incident_date, FIRST_INCIDENT_DATE)
        reason = self.pick(((Reason.DEATH, 40), (Reason.SERIOUS_HARM, 58), (Reason.OTHER, 2)))
        state = "notified" if big else self.pick((("notified", 95), ("withdrawn", 2), ("draft", 2), ("unnotified", 1)))
        offline = not big and state in ("notified", "withdrawn") and self.chance(0.03)
        retrospective = not big and state == "notified" and self.chance(0.02)
        lag = rng.randint(0, NOTIFICATION_WORKING_DAYS) if self.chance(0.85) or big else rng.randint(6, 20)
        notified_on = wd(aware, lag)
        if state in ("notified", "withdrawn") and notified_on > today:
            state = "draft"
        status = {
            "notified": Incident.Status.NOTIFIED,
            "withdrawn": Incident.Status.WITHDRAWN,
            "draft": Incident.Status.DRAFT,
            "unnotified": Incident.Status.NOT_NOTIFIED,
        }[state]
        la_aware_date = aware
        requested_on = None
        events = []  # (kind, day, actor, summary)

        def event(kind, day, actor, label=None):
            events.append((kind, day, actor, label or kind.label))

        if state == "unnotified" or retrospective:
            # The partnership's rapid review came first; the Panel asked the authority to notify.
            requested_on = wd(aware, rng.randint(10, 20))
            if requested_on > today:
                requested_on, retrospective, state, status = None, False, "draft", Incident.Status.DRAFT
            elif state == "unnotified":
                la_aware_date, notified_on = None, None
            else:
                notified_on = wd(requested_on, rng.randint(1, 8))
                if notified_on > today:
                    retrospective, state, status, notified_on = False, "unnotified", Incident.Status.NOT_NOTIFIED, None
                    la_aware_date = None
        if state == "draft":
            notified_on = None
        created_day = requested_on if state == "unnotified" or retrospective else aware
        created_at = _at(created_day, rng)
        withdrawn_on = None
        if state == "withdrawn":
            withdrawn_on = notified_on + datetime.timedelta(days=rng.randint(5, 60))
            if withdrawn_on > today:
                state, status, withdrawn_on = "notified", Incident.Status.NOTIFIED, None
        offline_fields = ("", None, "", None, None, None)
        offline = offline and notified_on is not None  # a case turned draft above was not keyed yet
        if offline:
            keyed_on = min(notified_on + datetime.timedelta(days=rng.randint(0, 2)), today)
            confirmed_on = wd(keyed_on, rng.randint(1, 8)) if self.chance(0.98) else None
            confirmed_on = confirmed_on if confirmed_on and confirmed_on <= today else None
            offline_fields = (
                rng.choice(("email", "phone", "post")),
                notified_on,
                f"offline-notifications/{notified_on:%Y/%m}/bench-{incident_id}.pdf",
                keyed_on,
                confirmed_on,
                secretariat if confirmed_on else None,
            )
        late = bool(notified_on and la_aware_date and notified_on > wd(la_aware_date, NOTIFICATION_WORKING_DAYS))
        # Numbered once the chunk is built (_references_number): the year stands in for it until then.
        reference = created_day.year
        if state == "unnotified" or retrospective:
            event(TimelineEvent.Kind.RETROSPECTIVE_REQUESTED, requested_on, secretariat)
        else:
            event(TimelineEvent.Kind.CREATED, created_day, notifier)
        if offline:
            event(TimelineEvent.Kind.KEYED_OFFLINE, offline_fields[3], secretariat)
            if offline_fields[4]:
                event(TimelineEvent.Kind.CONFIRMED, offline_fields[4], notifier)
        elif notified_on:
            event(TimelineEvent.Kind.SUBMITTED, notified_on, notifier)
        if withdrawn_on:
            event(TimelineEvent.Kind.WITHDRAWN, withdrawn_on, notifier)

        # Children.
        n_children = 5 if big else self.pick(((1, 910), (2, 70), (3, 15), (4, 5)))
        looked_after_death = False
        for number in range(n_children):
            low, high = self.pick(AGES)
            age = rng.randint(low, high)
            born = incident_date - relativedelta(years=age) - datetime.timedelta(days=rng.randint(1, 360))
            # The index child's date of birth is known in 90% of cases, another child's in 63%.
            known_born = born if (number == 0 or not self.chance(0.3)) and self.chance(0.9) else None
            if known_born:
                age = (
                    incident_date.year
                    - known_born.year
                    - ((incident_date.month, incident_date.day) < (known_born.month, known_born.day))
                )
            looked_after = self.pick(LOOKED_AFTER)
            if (
                number == 0
                and reason == Reason.DEATH
                and looked_after in (LookedAfter.FOSTER_CARE, LookedAfter.RESIDENTIAL_HOME)
            ):
                looked_after_death = True
            named = self.chance(0.7)
            t["children"].append(
                (
                    incident_id,
                    number == 0,
                    rng.choice(_FIRST_NAMES) if named else "",
                    rng.choice(_LAST_NAMES) if named else "",
                    known_born,
                    age,
                    self.pick(((Sex.MALE, 52), (Sex.FEMALE, 46), (Sex.NOT_RECORDED, 2))),
                    self.pick(((TriState.NO, 60), (TriState.YES, 2), (TriState.NOT_RECORDED, 38))),
                    self.pick(((TriState.NO, 50), (TriState.YES, 3), (TriState.NOT_RECORDED, 47))),
                    self.pick(
                        (
                            (Ethnicity.WHITE_BRITISH, 62),
                            (Ethnicity.WHITE_OTHER, 6),
                            (Ethnicity.MIXED_OTHER, 5),
                            (Ethnicity.PAKISTANI, 4),
                            (Ethnicity.INDIAN, 2),
                            (Ethnicity.BANGLADESHI, 2),
                            (Ethnicity.AFRICAN, 5),
                            (Ethnicity.CARIBBEAN, 3),
                            (Ethnicity.WHITE_BLACK_CARIBBEAN, 3),
                            (Ethnicity.OTHER_ETHNIC_GROUP, 2),
                            (Ethnicity.NOT_RECORDED, 6),
                        )
                    ),  # fmt: skip
                    self.pick(((TriState.NO, 70), (TriState.YES, 10), (TriState.NOT_RECORDED, 20))),
                    "",
                    self.pick(
                        ((History.CURRENT, 45), (History.PREVIOUS, 30), (History.NO, 20), (History.NOT_RECORDED, 5))
                    ),  # fmt: skip
                    self.pick(
                        ((History.CURRENT, 20), (History.PREVIOUS, 25), (History.NO, 45), (History.NOT_RECORDED, 10))
                    ),  # fmt: skip
                    self.pick(
                        ((History.CURRENT, 15), (History.PREVIOUS, 20), (History.NO, 55), (History.NOT_RECORDED, 10))
                    ),  # fmt: skip
                    looked_after,
                    "",
                    self.pick(
                        (("no", 80), ("care_proceedings", 5), ("permanent", 5), ("previous", 5), ("not_recorded", 5))
                    ),  # fmt: skip
                )
            )

        # Deadlines of the notification stage (incidents.services.incident_deadlines_refresh).
        def deadline(kind, responsible_id, starts_on, due_on, met_on=None, cancelled_on=None, subject=""):
            deadline_id = ids.next("deadlines")
            if met_on is not None:
                status, cancelled_on = Deadline.Status.MET, None
            elif cancelled_on is not None:
                status = Deadline.Status.CANCELLED
            else:
                status = Deadline.Status.OPEN
            made = _at(starts_on, rng)
            changed = _at(met_on or cancelled_on or starts_on, rng)
            t["deadlines"].append(
                (deadline_id, incident_id, kind, subject, responsible_id, starts_on, due_on, status, met_on,
                 cancelled_on, made, max(made, changed))
            )  # fmt: skip
            deadlines.append((deadline_id, kind, status, due_on, responsible_id))

        deadlines = []
        if la_aware_date:
            deadline(Deadline.Kind.NOTIFICATION, la.pk, la_aware_date, wd(la_aware_date, NOTIFICATION_WORKING_DAYS),
                     met_on=notified_on, cancelled_on=withdrawn_on)  # fmt: skip
        if offline:
            keyed_on = offline_fields[3]
            due_on = wd(keyed_on, OFFLINE_CONFIRMATION_WORKING_DAYS)
            deadline(Deadline.Kind.OFFLINE_CONFIRMATION, la.pk, keyed_on, due_on, met_on=offline_fields[4],
                     cancelled_on=withdrawn_on)  # fmt: skip
        if requested_on:
            due_on = wd(requested_on, RETROSPECTIVE_WORKING_DAYS)
            deadline(Deadline.Kind.RETROSPECTIVE_NOTIFICATION, la.pk, requested_on, due_on, met_on=notified_on,
                     cancelled_on=withdrawn_on)  # fmt: skip

        # The rapid review.
        review_status = rr_cancelled = None
        fate_not_needed = False
        versions = []  # (id, number, sent_on, responded_on, resubmit_by)
        first_sent_on = None
        if retrospective or state == "unnotified":
            first_sent_on = wd(aware, rng.randint(5, 12))
            if requested_on and first_sent_on >= requested_on:
                first_sent_on = requested_on - datetime.timedelta(days=1)
            review_status = RapidReview.Status.SUBMITTED
        elif state in ("notified", "withdrawn"):
            rr_due = wd(notified_on, RAPID_REVIEW_WORKING_DAYS)
            # A review not yet sent by today is awaited (on time or overdue); 2% are never sent.
            fate = "sent" if big else self.pick((("sent", 92), ("not_needed", 6), ("awaited", 2)))
            if state == "withdrawn":
                fate = "none"
            rr_met = None
            # A withdrawn notification needs no more action: its open deadlines are cancelled.
            rr_cancelled = withdrawn_on
            if fate == "sent":
                lag = rng.randint(5, RAPID_REVIEW_WORKING_DAYS) if self.chance(0.8) else rng.randint(16, 30)
                first_sent_on = wd(notified_on, lag)
                if first_sent_on > today:
                    first_sent_on, fate = None, "awaited"
                else:
                    review_status, rr_met = RapidReview.Status.SUBMITTED, first_sent_on
            if fate == "not_needed":
                fate_not_needed = True
                accepted = wd(notified_on, rng.randint(5, 20))
                if accepted <= today:
                    review_status, rr_cancelled = RapidReview.Status.NOT_NEEDED_ACCEPTED, accepted
                    if rr_cancelled < notified_on:
                        rr_cancelled = notified_on
                else:
                    review_status = RapidReview.Status.NOT_NEEDED_PROPOSED
            if fate == "awaited":
                review_status = RapidReview.Status.AWAITED
            if partnership_id:
                deadline(Deadline.Kind.RAPID_REVIEW, partnership_id, notified_on, rr_due, met_on=rr_met,
                         cancelled_on=rr_cancelled if rr_met is None else None)  # fmt: skip
            if fate == "not_needed":
                event(ReviewEvent.NO_RAPID_REVIEW_PROPOSED, min(wd(notified_on, 3), today), lead)
                if rr_cancelled:
                    event(ReviewEvent.NO_RAPID_REVIEW_ACCEPTED, rr_cancelled, secretariat)

        review_id = None
        letters_by_version = []
        if review_status is not None and partnership_id:
            review_id = ids.next("reviews")
            review_reason = reason if self.chance(0.95) else Reason.SERIOUS_HARM
            causes = sorted(CAUSES_BY_REASON[review_reason])
            likely_cause = rng.choice(causes)
            lcspr_decision = "required" if self.chance(0.4) or big else "not_required"
            if first_sent_on:
                n_versions = 3 if big else self.pick(((1, 75), (2, 18), (3, 7)))
                sent_on = first_sent_on
                for number in range(1, n_versions + 1):
                    version_id = ids.next("versions")
                    last = number == n_versions
                    responded = wd(sent_on, rng.randint(3, 10) if not last else rng.randint(8, 20))
                    responded = responded if responded <= today else None
                    resubmit_by = None
                    if not last and responded:
                        resubmit_by = wd(responded, RESUBMISSION_WORKING_DAYS)
                    versions.append((version_id, number, sent_on, responded, resubmit_by))
                    event(ReviewEvent.RAPID_REVIEW_SENT, sent_on, lead)
                    if not last:
                        if responded is None:
                            break
                        event(ReviewEvent.RAPID_REVIEW_RETURNED, responded, secretariat)
                        next_sent = wd(responded, rng.randint(3, 12))
                        if next_sent > today:
                            review_status = RapidReview.Status.RETURNED
                            break
                        sent_on = next_sent
            for version_id, number, sent_on, responded, resubmit_by in versions:
                following = next((v for v in versions if v[1] == number + 1), None)
                themes = rng.sample(PracticeTheme.values, rng.randint(1, 3))
                rationale = self.text(20, 50)
                enquiry, actions, learning = self.text(10, 30), self.text(10, 30), self.text(20, 60)
                t["versions"].append(
                    (version_id, review_id, number, f"rapid-reviews/{sent_on:%Y/%m}/bench-{version_id}.pdf",
                     PDF_DOCUMENT, sent_on - datetime.timedelta(days=rng.randint(0, 5)), sent_on, review_reason,
                     likely_cause, lcspr_decision, rationale, enquiry, None, self.chance(0.05), actions, learning,
                     _json(themes), lead, _at(sent_on, rng), responded, resubmit_by)
                )  # fmt: skip
                body = self.text(150, 300, themes=self.rng.randint(1, 3))
                t["texts"].append((version_id, body, False, _at(sent_on, rng)))
                deadline(Deadline.Kind.PANEL_RESPONSE, self.panel.pk, sent_on,
                         wd(sent_on, settings.PANEL_RESPONSE_WORKING_DAYS), met_on=responded,
                         subject=f"rapid review version {number}")  # fmt: skip
                if resubmit_by:
                    deadline(Deadline.Kind.RAPID_REVIEW_RESUBMISSION, partnership_id, responded, resubmit_by,
                             met_on=following[2] if following else None,
                             subject=f"rapid review version {number}")  # fmt: skip
                # The Panel's response: the last version's letter (issued once answered), none for a returned one.
                if following is None and review_status == RapidReview.Status.SUBMITTED:
                    letters_by_version.append((version_id, sent_on, responded, themes))
            position = national = ""
            quality = []
            if letters_by_version and letters_by_version[0][2]:
                position = self.pick(((PanelPosition.AGREE, 85), (PanelPosition.DISAGREE, 15)))
                national = self.pick(NATIONAL_REVIEWS)
                quality = rng.sample(QualityTheme.values, rng.randint(0, 2))
            last_sent = versions[-1][2] if versions else None
            t["reviews"].append(
                (review_id, incident_id, partnership_id, review_status, first_sent_on if versions else None,
                 review_reason if versions else "", likely_cause if versions else "",
                 lcspr_decision if versions else "", position, national, _json(quality),
                 "More on the agencies' involvement, please." if review_status == RapidReview.Status.RETURNED else "",
                 "Further enquiry found no abuse or neglect." if fate_not_needed else "",
                 "", rr_cancelled if review_status == RapidReview.Status.NOT_NEEDED_ACCEPTED else None,
                 created_at, _at(last_sent or created_day, rng))
            )  # fmt: skip

            # Letters.
            for version_id, sent_on, responded, themes in letters_by_version:
                if responded:
                    made = _at(sent_on, rng)
                    self.letter(t, incident_id, Letter.Kind.RAPID_REVIEW_RESPONSE, Letter.Status.ISSUED, version_id,
                                responded, made, position, national, quality, themes)  # fmt: skip
                    event(LetterEvent.ISSUED, responded, member)
                elif self.chance(0.6):
                    letter_status = rng.choice((Letter.Status.DRAFT, Letter.Status.AWAITING_APPROVAL))
                    self.letter(t, incident_id, Letter.Kind.RAPID_REVIEW_RESPONSE, letter_status, version_id, None,
                                _at(min(wd(sent_on, 3), today), rng), "", "", [], [])  # fmt: skip
                    event(LetterEvent.DRAFTED, min(wd(sent_on, 3), today), secretariat)

            # The local review.
            if versions and lcspr_decision == "required" and review_status == RapidReview.Status.SUBMITTED:
                self.lcspr(t, ids, incident_id, partnership_id, versions[-1][2], deadline, event, big=big)

        if requested_on:
            self.letter(t, incident_id, Letter.Kind.RETROSPECTIVE_REQUEST, Letter.Status.ISSUED, None, requested_on,
                        _at(requested_on, rng), "", "", [], [])  # fmt: skip
            event(LetterEvent.ISSUED, requested_on, member)
        if notified_on and (self.chance(0.15) or big):
            day = min(notified_on + datetime.timedelta(days=rng.randint(10, 120)), today)
            self.letter(t, incident_id, Letter.Kind.GENERAL, Letter.Status.ISSUED, None, day, _at(day, rng),
                        "", "", [], [])  # fmt: skip
            event(LetterEvent.ISSUED, day, member)

        if big:
            day = notified_on
            while len(events) < 20:
                day = min(day + datetime.timedelta(days=7), today)
                event(TimelineEvent.Kind.UPDATED, day, notifier)

        t["incidents"].append(
            (incident_id, reference, status, Channel.OFFLINE if offline else Channel.ONLINE, la.pk,
             rng.choice(self.las).pk if self.chance(0.10) else None,
             rng.choice(self.las).pk if self.chance(0.05) else None,
             incident_date, la_aware_date, reason, reason if notified_on else "",
             AbuseOrNeglect.NOT_SUSPECTED if looked_after_death else self.pick(ABUSE_OR_NEGLECT),
             looked_after_death, self.text(20, 60), notified_on,
             "The team was waiting for the police's account." if late else "", bool(retrospective),
             requested_on, withdrawn_on, "Further enquiry found the criteria were not met." if withdrawn_on else "",
             *offline_fields, notifier, created_at, _at(max(e[1] for e in events), rng) if events else created_at,
             1 + len(events))
        )  # fmt: skip

        # Timeline and messages.
        for kind, day, actor, summary in events:
            event_id = ids.next("events")
            at = _at(day, rng)
            t["events"].append((event_id, incident_id, str(kind), at, actor, summary, _json({})))
            if self.chance(0.5):
                self.notice_message(t, incident_id, event_id, la, at)

        # Reminders.
        for deadline_id, kind, status, due_on, responsible_id in deadlines:
            self.notice_reminder(t, incident_id, deadline_id, kind, status, due_on, responsible_id)
        return incident_id

    def lcspr(self, t, ids, incident_id, partnership_id, decision_on, deadline, event, *, big):
        rng, today, wd = self.rng, self.today, self.wd
        lcspr_id = ids.next("lcsprs")
        due = decision_on + relativedelta(months=LCSPR_MONTHS)
        received = planned = published = not_published_on = None
        if big:
            outcome = "published"
        elif due > today:
            outcome = "paused" if self.chance(0.1) else "in_progress"
        else:
            outcome = self.pick(LCSPR_OUTCOMES)
        if outcome in ("published", "final_report_received"):
            planned = decision_on + datetime.timedelta(days=rng.randint(120, 270))
            received = wd(planned, -FINAL_REPORT_WORKING_DAYS_BEFORE - rng.randint(-3, 10))
            if outcome == "published":
                published = planned
            if (published or received) > today:
                outcome, received, planned, published = "in_progress", None, None, None
        if outcome == "not_published":
            not_published_on = min(decision_on + datetime.timedelta(days=rng.randint(90, 300)), today)
        status = {
            "published": Lcspr.Status.PUBLISHED,
            "final_report_received": Lcspr.Status.FINAL_REPORT_RECEIVED,
            "not_published": Lcspr.Status.NOT_PUBLISHED,
            "in_progress": Lcspr.Status.IN_PROGRESS,
            "paused": Lcspr.Status.PAUSED,
        }[outcome]
        lead = self.users[Role.PARTNERSHIP_LEAD]
        t["lcsprs"].append(
            (lcspr_id, incident_id, partnership_id, status, decision_on, "An independent reviewer",
             self.text(30, 60), "", f"lcspr-final-reports/{received:%Y/%m}/bench-{lcspr_id}.pdf" if received else "",
             received, planned, published, f"https://example.org/lcspr/{lcspr_id}" if published else "",
             "The criminal trial has not concluded." if not_published_on else "", not_published_on,
             _at(decision_on, rng), _at(published or received or not_published_on or decision_on, rng), 1)
        )  # fmt: skip
        event(ReviewEvent.LCSPR_OPENED, decision_on, lead)
        if outcome == "paused":
            started = min(decision_on + datetime.timedelta(days=rng.randint(10, 60)), today)
            t["pauses"].append((lcspr_id, "criminal_proceedings", "", started, started, None))
            event(ReviewEvent.LCSPR_PAUSED, started, lead)
        ended = not_published_on
        deadline(
            Deadline.Kind.LCSPR_PUBLICATION, partnership_id, decision_on, due, met_on=published, cancelled_on=ended
        )
        if planned:
            deadline(Deadline.Kind.FINAL_REPORT, partnership_id, decision_on,
                     wd(planned, -FINAL_REPORT_WORKING_DAYS_BEFORE), met_on=received)  # fmt: skip
            event(ReviewEvent.FINAL_REPORT_RECEIVED, received, lead)
        if published:
            event(ReviewEvent.LCSPR_PUBLISHED, published, lead)
            if self.chance(0.5) or big:
                day = min(published + datetime.timedelta(days=rng.randint(10, 40)), today)
                self.letter(t, incident_id, Letter.Kind.FINAL_REPORT_FEEDBACK, Letter.Status.ISSUED, None, day,
                            _at(received, rng), "", "", [], [])  # fmt: skip
                event(LetterEvent.ISSUED, day, self.users[Role.PANEL_MEMBER])
        if not_published_on:
            event(ReviewEvent.LCSPR_NOT_PUBLISHED, not_published_on, lead)

    def letter(self, t, incident_id, kind, status, version_id, issued_on, made, position, national, quality, themes):
        rng = self.rng
        secretariat, member = self.users[Role.PANEL_SECRETARIAT], self.users[Role.PANEL_MEMBER]
        issued = status == Letter.Status.ISSUED
        approved = status in (Letter.Status.APPROVED, Letter.Status.ISSUED)
        body = self.text(80, 160)
        pdf = f"letters/{issued_on:%Y/%m}/bench-{incident_id}-{kind}.pdf" if issued else ""
        digest = hashlib.sha256(f"{incident_id}:{kind}:{body}".encode()).hexdigest() if issued else ""
        changed = _at(issued_on, rng) if issued else made
        t["letters"].append(
            (incident_id, kind, status, version_id, TEMPLATE_VERSION, Letter.Kind(kind).label, body, position,
             national, _json(quality), _json(themes), secretariat, member if approved else None,
             changed if approved else None, "", member if issued else None, issued_on if issued else None, pdf,
             digest, made, max(made, changed), 1 + (2 if issued else 0))
        )  # fmt: skip

    def mailbox(self, organisation):
        return organisation.team_mailbox or f"team-{organisation.code.lower()}@{BENCH_EMAIL_DOMAIN}"

    def notice_message(self, t, incident_id, event_id, la, at):
        recent = (self.now - at).days < 2
        pending = recent and self.chance(0.5)
        sent_at = None if pending else at + datetime.timedelta(minutes=self.rng.randint(1, 30))
        t["notices"].append(
            (incident_id, None, None, 0, event_id, None, self.mailbox(la), at.date(),
             Notice.Status.PENDING if pending else Notice.Status.SENT, 0 if pending else 1, min(at, self.now),
             sent_at, sent_at, "", at)
        )  # fmt: skip

    def notice_reminder(self, t, incident_id, deadline_id, kind, status, due_on, responsible_id):
        rungs = self.rungs.get(kind)
        if not rungs:
            return
        today = self.today
        if status == Deadline.Status.OPEN:
            if due_on > self.wd(today, 10):
                return
            remind_on = min(due_on, today)
            pending = (today - remind_on).days <= 5
            notice_status = Notice.Status.PENDING if pending else Notice.Status.SENT
        else:
            if not self.chance(1 / 3):
                return
            remind_on = self.wd(due_on, -3)
            notice_status = Notice.Status.SENT if self.chance(0.9) else Notice.Status.STOPPED
        at = _at(remind_on, self.rng, 6, 7)
        sent = at if notice_status == Notice.Status.SENT else None
        t["notices"].append(
            (incident_id, deadline_id, self.rng.choice(rungs), 0, None, None,
             self.mailbox(self.organisations[responsible_id]), remind_on, notice_status,
             1 if sent else 0, min(at, self.now), sent, sent, "", at)
        )  # fmt: skip


class _Ids:
    """Ids handed out from blocks reserved in each table's sequence."""

    def __init__(self, cursor, sizes):
        models = {key: model for model, _columns, key in TABLES}
        self.next_id = {key: _ids_reserve(cursor, models[key], n) for key, n in sizes.items()}
        self.last = {key: self.next_id[key] + n - 1 for key, n in sizes.items()}

    def next(self, key):
        value = self.next_id[key]
        if value > self.last[key]:
            raise RuntimeError(f"More {key} than reserved")
        self.next_id[key] = value + 1
        return value


# Upper bounds of each table's rows for a chunk of n cases (the big case's included), for reserving ids.
def _id_sizes(n):
    return {
        "incidents": n,
        "deadlines": n * 12 + 20,
        "events": n * 20 + 30,
        "reviews": n,
        "versions": n * 3,
        "lcsprs": n,
    }


def _search_vectors_update(cursor, first_version_id, last_version_id):
    """The search vector reviews.search would store: the findings at weight A, the document at weight B."""
    findings = " || E'\\n' || ".join(f"coalesce(v.{name}, '')" for name in SEARCHED_FINDINGS)
    # The table and column names are the models'; the values are parameters.
    sql = (
        f"UPDATE {RapidReviewText._meta.db_table} AS t"  # noqa: S608
        f" SET search_vector = setweight(to_tsvector(%s::regconfig, {findings}), 'A')"
        " || setweight(to_tsvector(%s::regconfig, t.text), 'B')"
        f" FROM {RapidReviewVersion._meta.db_table} AS v"
        " WHERE v.id = t.version_id AND t.version_id BETWEEN %s AND %s"
    )
    cursor.execute(
        sql,
        [SEARCH_CONFIG, SEARCH_CONFIG, first_version_id, last_version_id],
    )


def _references_number(cursor, incident_rows):
    """Give each case of a chunk its reference, CSPR-<year>-<number>, in the chunk's order, numbers taken
    from the year's ReferenceSequence row in one statement (committed at once outside a transaction)."""
    counts = {}
    for row in incident_rows:
        counts[row[1]] = counts.get(row[1], 0) + 1
    if not counts:
        return incident_rows
    table = ReferenceSequence._meta.db_table
    values = ", ".join(["(%s, %s)"] * len(counts))
    cursor.execute(
        f"INSERT INTO {table} AS s (year, last_number) VALUES {values}"  # noqa: S608 - the model's table name
        " ON CONFLICT (year) DO UPDATE SET last_number = s.last_number + EXCLUDED.last_number"
        " RETURNING year, last_number",
        [value for year, n in sorted(counts.items()) for value in (year, n)],
    )
    following = {year: last - counts[year] + 1 for year, last in cursor.fetchall()}
    numbered = []
    for row in incident_rows:
        year = row[1]
        numbered.append((row[0], f"CSPR-{year}-{following[year]:05d}", *row[2:]))
        following[year] += 1
    return numbered


@dataclass(frozen=True)
class _Chunk:
    index: int
    first: int  # the first case's position among all the cases
    n: int
    incidents: int  # how many cases in all
    span: int  # days from FIRST_INCIDENT_DATE to yesterday
    big_at: int
    seed: int


# The builder a chunk is built with, and the turns of the chunks' ids and references (None in one
# process): set before the chunks are built, and inherited by forked processes.
_builder = None
_turns = None


class _Turns:
    """Chunks built side by side take their ids, and later their references, in the chunks' order: so ids
    and references follow the calendar, as the services would have given them, and a sequence's nextval
    and setval are never split by another chunk's."""

    def __init__(self, context):
        self.changed = context.Condition()
        self.next = {"ids": context.Value("i", 0, lock=False), "references": context.Value("i", 0, lock=False)}

    @contextlib.contextmanager
    def turn(self, what, index):
        counter = self.next[what]
        with self.changed:
            self.changed.wait_for(lambda: counter.value == index)
            yield
            counter.value = index + 1
            self.changed.notify_all()


@contextlib.contextmanager
def _turn(what, index):
    if _turns is None:
        yield
    else:
        with _turns.turn(what, index):
            yield


def _chunk_build(chunk):
    """Build one chunk of cases and write it; returns its rows by table and the big case's id if it holds it.

    Each chunk has its own random choices, seeded from the seed and its index, so the data is the same
    however many processes build it (but for the order the references are numbered in)."""
    builder = _builder
    builder.rng = rng = random.Random(chunk.seed * 1_000_003 + chunk.index)  # noqa: S311 - synthetic, repeatable
    today = builder.today
    big_id = None
    with connection.cursor() as cursor:
        with _turn("ids", chunk.index):
            ids = _Ids(cursor, _id_sizes(chunk.n))
        rows = _Rows()
        for k in range(chunk.first, chunk.first + chunk.n):
            # Cases in date order, so references and ids follow the calendar as they would.
            aware = FIRST_INCIDENT_DATE + datetime.timedelta(
                days=(k * chunk.span) // chunk.incidents + rng.randint(0, 2)
            )
            aware = min(aware, today - datetime.timedelta(days=1))
            incident_id = builder.case(rows, ids, aware, big=k == chunk.big_at)
            if k == chunk.big_at:
                big_id = incident_id
        with _turn("references", chunk.index):
            rows.tables["incidents"] = _references_number(cursor, rows.tables["incidents"])
    written = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for model, columns, key in TABLES:
            written[key] = rows_copy(cursor, model, columns, rows.tables[key])
        if rows.tables["versions"]:
            _search_vectors_update(cursor, rows.tables["versions"][0][0], rows.tables["versions"][-1][0])
    return written, big_id


def bench_data_build(*, incidents, seed=2018, chunk=CHUNK_INCIDENTS, processes=1, holidays=None, progress=None):
    """Add `incidents` synthetic cases (one of them the big one) with everything recorded about them.

    With `processes` over 1, chunks are built and written by that many forked processes side by side (the
    generator and PostgreSQL then share the cores rather than taking turns); each process commits its own
    chunks, so it needs its own connection and cannot run inside a transaction.

    Returns a BenchResult: rows written per table, the seconds taken, the big case's reference and the
    bench people's API tokens.
    """
    global _builder
    _require_postgresql()
    if incidents < 1:
        raise ValueError("At least one case.")
    if processes > 1 and connection.in_atomic_block:
        raise BenchDataError("Several processes commit their own chunks: build outside a transaction.")
    bench_reference_data_ensure(holidays=holidays)
    started = time.monotonic()
    las = list(
        Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY, partnership__isnull=False).order_by("code")
    )
    if not las:
        raise BenchDataError("No local authority belongs to a partnership: load the reference data.")
    la = next((o for o in las if o.name == "Leeds"), las[0])
    people = bench_users_ensure(la=la)
    users = {Role(role): person["id"] for role, person in people.items()}
    panel = Organisation.objects.get(kind=Organisation.Kind.PANEL)
    rungs = {}
    for rung_id, kind in Rung.objects.values_list("pk", "deadline_kind"):
        rungs.setdefault(kind, []).append(rung_id)
    today = timezone.localdate()
    _builder = _Builder(
        rng=None,
        calendar=WorkingCalendar.from_database(),
        today=today,
        now=timezone.now(),
        users=users,
        las=las,
        panel=panel,
        rungs=rungs,
    )
    _builder.organisations = {o.pk: o for o in Organisation.objects.exclude(kind=Organisation.Kind.LOCAL_AUTHORITY)}
    _builder.organisations.update({o.pk: o for o in las})

    span = (today - datetime.timedelta(days=1) - FIRST_INCIDENT_DATE).days
    chunks = [
        _Chunk(index=i, first=first, n=min(chunk, incidents - first), incidents=incidents, span=span,
               big_at=incidents // 2, seed=seed)
        for i, first in enumerate(range(0, incidents, chunk))
    ]  # fmt: skip
    result = BenchResult(incidents=incidents, tokens=people)
    result.rows = {key: 0 for _model, _columns, key in TABLES}
    big_id, done = None, 0
    for written, chunk_big_id in _chunks_build(chunks, processes):
        for key, n in written.items():
            result.rows[key] += n
        big_id = big_id or chunk_big_id
        done += written["incidents"]
        if progress:
            progress(done, result.total_rows, time.monotonic() - started)
    _builder = None
    result.big_case = Incident.objects.values_list("reference", flat=True).get(pk=big_id)

    with connection.cursor() as cursor:
        for model, _columns, _key in TABLES:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    result.seconds = time.monotonic() - started
    return result


def _chunks_build(chunks, processes):
    """Each chunk's (rows, big case id), as the chunks are written: here, or by forked processes."""
    if processes <= 1 or len(chunks) == 1:
        for chunk in chunks:
            yield _chunk_build(chunk)
        return
    global _turns
    # A forked process must not share the parent's connection: each opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    _turns = _Turns(context)
    try:
        with context.Pool(processes) as pool:
            yield from pool.imap_unordered(_chunk_build, chunks)
    finally:
        _turns = None
