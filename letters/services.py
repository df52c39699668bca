"""Writes to the Panel's letters: draft, change, put forward, approve or send back, issue and discard.

As everywhere: the person sees the case and the letter (404), their role may take the step (403), the
letter's state allows it (409), the input is good (400); then the change and its timeline event, in one
transaction. An issued letter's PDF is stored with its SHA-256 and never rendered again.
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from incidents.codes import NationalReview, PanelPosition, PracticeTheme, QualityTheme
from incidents.workflow import (
    PDF,
    case_lock,
    document_store,
    documents_discarded_on_error,
    permission_check,
    timeline_record,
    today,
    transition_check,
    version_check,
    version_next,
)
from reviews.services import rapid_review_panel_decision_record

from . import rendering
from .models import BODY_MAX_LENGTH, COMMENT_MAX_LENGTH, Letter, LetterEvent

TEMPLATE_VERSION = "v1"
DECISION_FIELDS = ("panel_position", "national_review", "quality_themes", "practice_themes")
EDITABLE = ("subject", "body_markdown", *DECISION_FIELDS)


def _letter_seen(letter, *, by):
    """404 unless the person sees the case and this letter (a draft does not exist for the case's LA)."""
    permission_check(by=by, permission="letters.view_letter", record=letter)


def _letter_locked(letter, *, by):
    case_lock(letter.incident)
    letter = Letter.objects.select_for_update().select_related("incident").get(pk=letter.pk)
    _letter_seen(letter, by=by)
    return letter


def _context(incident, *, version=None, fields=None):
    """What a template is filled with: the case, the people written to, the dates and the decision."""
    partnership = incident.notifying_la.partnership
    context = {
        "reference": incident.reference,
        "local_authority": incident.notifying_la.name,
        "partnership": partnership.name if partnership else "",
        "incident_date": incident.incident_date,
        "notified_on": incident.notified_on,
        "today": today(),
    }
    if version is not None:
        context |= {"version": version.number, "sent_on": version.sent_on, "lcspr_decision": version.lcspr_decision}
    return context | (fields or {})


# Drafting --------------------------------------------------------------------------------------------


@transaction.atomic
def letter_draft(*, incident, by, kind, rapid_review_version=None):
    """A new draft of the given kind from its template, for the secretariat to edit. `by` is None when
    the service drafts it itself (a request for a retrospective notification)."""
    incident = case_lock(incident)
    if by is not None:
        permission_check(by=by, permission="letters.draft_letter", record=incident)
    if kind not in Letter.Kind.values:
        raise ValidationError({"kind": "Choose a kind of letter."})
    if kind == Letter.Kind.RAPID_REVIEW_RESPONSE:
        if rapid_review_version is None or rapid_review_version.rapid_review.incident_id != incident.pk:
            raise ValidationError({"rapid_review_version": "Say which version of the case's rapid review it answers."})
        answered = Letter.objects.filter(rapid_review_version=rapid_review_version).exclude(
            status=Letter.Status.DISCARDED
        )
        if answered.exists():
            raise TransitionNotAllowed("This version of the rapid review already has a response.")
    elif rapid_review_version is not None:
        raise ValidationError({"rapid_review_version": "Only a response answers a version of the rapid review."})
    letter = Letter(
        incident=incident,
        kind=kind,
        rapid_review_version=rapid_review_version,
        template_version=TEMPLATE_VERSION,
        subject=f"{Letter.Kind(kind).label}: {incident.reference}",
        body_markdown=rendering.template_text(
            kind, _context(incident, version=rapid_review_version), version=TEMPLATE_VERSION
        ),
        drafted_by=by,
    )
    letter._history_user = by
    letter.save()
    timeline_record(incident, LetterEvent.DRAFTED, by=by, details={"letter": letter.pk, "kind": kind})
    return letter


def _check_values(letter, values):
    errors = {}
    unknown = set(values) - set(EDITABLE)
    for name in sorted(unknown):
        errors[name] = "This field cannot be set here."
    if "body_markdown" in values and len(values["body_markdown"] or "") > BODY_MAX_LENGTH:
        errors["body_markdown"] = f"A letter is at most {BODY_MAX_LENGTH} characters."
    if "subject" in values and not (values["subject"] or "").strip():
        errors["subject"] = "Give the letter a subject."
    if values.get("panel_position") not in (None, "", *PanelPosition.values):
        errors["panel_position"] = "Choose agree or disagree."
    if values.get("national_review") not in (None, "", *NationalReview.values):
        errors["national_review"] = "Choose the decision on a national review."
    for name, allowed in (("quality_themes", QualityTheme.values), ("practice_themes", PracticeTheme.values)):
        unknown_codes = sorted(set(values.get(name) or ()) - set(allowed))
        if unknown_codes:
            errors[name] = f"Unknown: {', '.join(unknown_codes)}."
    if letter.kind != Letter.Kind.RAPID_REVIEW_RESPONSE and any(values.get(name) for name in DECISION_FIELDS):
        errors["kind"] = "Only a response to a rapid review records a decision."
    if errors:
        raise ValidationError(errors)


def letter_changeable(letter):
    """Whether its text and decision can still change: until it is issued or discarded."""
    return letter.status not in (Letter.Status.ISSUED, Letter.Status.DISCARDED)


@transaction.atomic
def letter_update(*, letter, by, version=None, **values):
    """Change the text or the decision. A letter put forward or approved goes back to draft, unapproved.

    `version`, the version of the letter the person read: refused (409) if it has changed since.
    """
    letter = _letter_locked(letter, by=by)
    permission_check(by=by, permission="letters.draft_letter", record=letter)
    if not letter_changeable(letter):
        raise TransitionNotAllowed(f"This letter is {letter.get_status_display().lower()}: it cannot be changed.")
    version_check(letter, expected=version)
    _check_values(letter, values)
    changed = sorted(name for name, value in values.items() if getattr(letter, name) != value)
    if not changed:
        return letter
    for name in changed:
        setattr(letter, name, values[name])
    if letter.status != Letter.Status.DRAFT:
        letter.reopen()
    letter.drafted_by = by
    version_next(letter)
    letter._history_user = by
    letter.save()
    timeline_record(letter.incident, LetterEvent.CHANGED, by=by, details={"letter": letter.pk, "fields": changed})
    return letter


# Approval and issue ----------------------------------------------------------------------------------


def decision_problems(letter):
    """What a response still lacks before it can go forward: the decision as fields, and text that says it."""
    if letter.kind != Letter.Kind.RAPID_REVIEW_RESPONSE:
        return {}
    problems = {}
    if not letter.panel_position:
        problems["panel_position"] = "Record whether the Panel agrees with the partnership's decision."
    if not letter.national_review:
        problems["national_review"] = "Record the Panel's decision on a national review."
    if problems:
        return problems
    sentences = rendering.decision_sentences(
        lcspr_decision=letter.rapid_review_version.lcspr_decision,
        panel_position=letter.panel_position,
        national_review=letter.national_review,
    )
    # Compared word by word, so a sentence wrapped across lines still counts.
    text = " ".join(letter.body_markdown.split())
    missing = [sentence for sentence in sentences if " ".join(sentence.split()) not in text]
    if missing:
        problems["body_markdown"] = "The letter must say the decision it records: " + " ".join(missing)
    return problems


@transaction.atomic
def letter_ask_for_approval(*, letter, by):
    letter = _letter_locked(letter, by=by)
    transition_check(letter, letter.ask_for_approval, by=by, done="put forward")
    problems = decision_problems(letter)
    if problems:
        raise ValidationError(problems)
    letter.ask_for_approval()
    version_next(letter)
    letter._history_user = by
    letter.save()
    timeline_record(letter.incident, LetterEvent.PUT_FORWARD, by=by, details={"letter": letter.pk})
    return letter


def letter_reviewer_check(*, letter, by, done):
    """Four eyes: the person who wrote the text neither approves it nor sends it back (403).

    The rule (letters.approve_letter) already says so, with a message that names no reason; this says
    why, and holds for administrators too, whom every rule lets through. Asked before the state (409),
    as a role is; the API and pages ask it too, before they read what was sent.
    """
    if letter.drafted_by_id is not None and letter.drafted_by_id == by.pk:
        raise PermissionDenied(f"You wrote this letter: someone else must check it before it is {done}.")


@transaction.atomic
def letter_approve(*, letter, by, version=None):
    """A second person approves: never the person who wrote the text (403).

    `version`, the version they read: a letter changed since (and put forward again) is refused (409), so
    nobody approves words they have not read.
    """
    letter = _letter_locked(letter, by=by)
    letter_reviewer_check(letter=letter, by=by, done="approved")
    transition_check(letter, letter.approve, by=by, done="approved")
    version_check(letter, expected=version)
    letter.approve(by=by, at=timezone.now())
    version_next(letter)
    letter._history_user = by
    letter.save()
    timeline_record(letter.incident, LetterEvent.APPROVED, by=by, details={"letter": letter.pk})
    return letter


@transaction.atomic
def letter_send_back(*, letter, by, comment):
    """A reviewer (a Panel member or colleague, not its writer) sends a letter awaiting approval back to draft,
    saying what should change. The comment is kept on the letter for its writer to see; the case's timeline
    records only that it was sent back, never the comment (the timeline holds no free text)."""
    letter = _letter_locked(letter, by=by)
    letter_reviewer_check(letter=letter, by=by, done="sent back")
    transition_check(letter, letter.send_back, by=by, done="sent back")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Enter a comment saying what should change."})
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError({"comment": f"A comment is at most {COMMENT_MAX_LENGTH:,} characters."})
    letter.send_back(by=by, at=timezone.now(), comment=comment)
    version_next(letter)
    letter._history_user = by
    letter.save()
    timeline_record(letter.incident, LetterEvent.SENT_BACK, by=by, details={"letter": letter.pk})
    return letter


@transaction.atomic
def letter_discard(*, letter, by):
    letter = _letter_locked(letter, by=by)
    transition_check(letter, letter.discard, by=by, done="discarded")
    letter.discard()
    version_next(letter)
    letter._history_user = by
    letter.save()
    timeline_record(letter.incident, LetterEvent.DISCARDED, by=by, details={"letter": letter.pk})
    return letter


def letter_render(letter, *, on=None):
    """The letter as a PDF, from its current text. Issued letters are never rendered again."""
    html = rendering.letter_html(
        title=letter.subject,
        reference=letter.incident.reference,
        date=on or today(),
        recipient_lines=_recipients(letter),
        body_markdown=letter.body_markdown,
    )
    return rendering.letter_pdf(html)


def _recipients(letter):
    la = letter.incident.notifying_la
    lines = []
    if la.partnership_id:
        lines.append(la.partnership.name)
    lines.append(la.name)
    return lines


def letter_preview(*, letter, by):
    """The PDF as it would be issued today, for the Panel to check (its writer, and the member who approves
    it: whoever sees the letter before it is issued); 409 once issued."""
    letter = Letter.objects.select_related("incident__notifying_la__partnership").get(pk=letter.pk)
    _letter_seen(letter, by=by)
    # The role before the state (403 before 409): the case's LA reads an issued letter but previews none.
    permission_check(by=by, permission="letters.preview_letter", record=letter)
    if letter.status in (Letter.Status.ISSUED, Letter.Status.DISCARDED):
        raise TransitionNotAllowed(f"This letter is {letter.get_status_display().lower()}: it is not rendered again.")
    return letter_render(letter)


@documents_discarded_on_error
@transaction.atomic
def letter_issue(*, letter, by, version=None):
    """Issue an approved letter: its PDF is stored with its SHA-256 and the letter can never change.

    A response answers its rapid review version: its panel_response deadline is met, and the decision
    is recorded on the rapid review for the annual report. `version`, as for approval.
    """
    letter = _letter_locked(letter, by=by)
    transition_check(letter, letter.issue, by=by, done="issued")
    version_check(letter, expected=version)
    on = today()
    pdf = letter_render(letter, on=on)
    document_store(letter.pdf, ContentFile(pdf), mime=PDF)
    letter.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    letter.issue(by=by, on=on)
    version_next(letter)
    letter._history_user = by
    letter.save()
    if letter.kind == Letter.Kind.RAPID_REVIEW_RESPONSE:
        rapid_review_panel_decision_record(
            incident=letter.incident,
            version=letter.rapid_review_version,
            on=on,
            panel_position=letter.panel_position,
            national_review=letter.national_review,
            quality_themes=letter.quality_themes,
            by=by,
        )
    timeline_record(letter.incident, LetterEvent.ISSUED, by=by, details={"letter": letter.pk, "kind": letter.kind})
    return letter
