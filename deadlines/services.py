"""Writes to the working-day calendar and to deadlines."""

from django.db import transaction
from govuk_bank_holidays.bank_holidays import BankHolidays

from .models import BankHoliday, Deadline


def govuk_bank_holidays():
    """England and Wales bank holidays from the list GOV.UK publishes, as bundled with govuk-bank-holidays.

    The package ships a copy of https://www.gov.uk/bank-holidays.json, so nothing is fetched at run time.
    """
    calendar = BankHolidays(use_cached_holidays=True)
    return calendar.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)


@transaction.atomic
def bank_holidays_sync(*, holidays=None):
    """Add any GOV.UK bank holiday the table lacks; never removes or changes a day. Returns how many were added."""
    holidays = govuk_bank_holidays() if holidays is None else holidays
    known = set(BankHoliday.objects.values_list("date", flat=True))
    new = [
        BankHoliday(date=h["date"], title=h["title"], source=BankHoliday.Source.GOVUK)
        for h in holidays
        if h["date"] not in known
    ]
    BankHoliday.objects.bulk_create(new)
    if new:
        # A new holiday moves the reminder dates counted in working days: each open deadline's next look
        # (Deadline.next_reminder_on) is worked out again by the reminder engine's next pass.
        Deadline.objects.open().update(next_reminder_on=None)
    return len(new)


def _outcome(met_on, cancelled_on):
    if met_on is not None:
        return Deadline.Status.MET, None
    if cancelled_on is not None:
        return Deadline.Status.CANCELLED, cancelled_on
    return Deadline.Status.OPEN, None


def _deadline_change(deadline, values):
    """Save the values that differ; a cancelled deadline stays cancelled, a met one is never cancelled."""
    if deadline.status == Deadline.Status.CANCELLED:
        return deadline  # nothing brings a cancelled deadline back: its case no longer needs it
    if deadline.status == Deadline.Status.MET and values.get("status") == Deadline.Status.CANCELLED:
        return deadline  # a met deadline is history; cancelling a stage cancels only open ones
    changed = [name for name, value in values.items() if getattr(deadline, name) != value]
    if changed:
        for name in changed:
            setattr(deadline, name, values[name])
        if {"due_on", "status"} & set(changed):
            # Its reminder dates moved, or it is no longer open: the reminder engine works out afresh when to
            # look at it (Deadline.next_reminder_on).
            deadline.next_reminder_on = None
            changed.append("next_reminder_on")
        deadline.save(update_fields=[*changed, "updated_at"])
    return deadline


def deadline_sync(*, incident, kind, responsible, starts_on, due_on, met_on=None, cancelled_on=None, subject=""):
    """Make the case's deadline of this kind say what its dates say; create it if it is new.

    The due date follows the dates it is computed from (a corrected awareness date moves it). Met
    stays met with the date it was met; an open deadline is cancelled when its case no longer needs it,
    and stays cancelled.
    """
    status, cancelled_on = _outcome(met_on, cancelled_on)
    values = {
        "responsible_id": responsible.pk,
        "starts_on": starts_on,
        "due_on": due_on,
        "status": status,
        "met_on": met_on,
        "cancelled_on": cancelled_on,
    }
    deadline, created = Deadline.objects.get_or_create(incident=incident, kind=kind, subject=subject, defaults=values)
    return deadline if created else _deadline_change(deadline, values)


def deadline_schedule(*, incident, kind, responsible, starts_on, due_on, subject=""):
    """Create the deadline, open, or move its dates; leave whether it was met or cancelled as it is.

    For a deadline whose dates one app knows and whose outcome a higher app records (deadline_outcome):
    the rapid review is due from the notification, and met when the review arrives.
    """
    values = {"responsible_id": responsible.pk, "starts_on": starts_on, "due_on": due_on}
    deadline, created = Deadline.objects.get_or_create(incident=incident, kind=kind, subject=subject, defaults=values)
    return deadline if created else _deadline_change(deadline, values)


def deadline_outcome(*, incident, kind, met_on=None, cancelled_on=None, subject=""):
    """Record what became of a scheduled deadline: met, cancelled, or (neither date) still open.

    Returns the deadline, or None if the case has none of this kind (nothing is created).
    """
    deadline = Deadline.objects.filter(incident=incident, kind=kind, subject=subject).first()
    if deadline is None:
        return None
    status, cancelled_on = _outcome(met_on, cancelled_on)
    return _deadline_change(deadline, {"status": status, "met_on": met_on, "cancelled_on": cancelled_on})


def deadlines_cancel_open(*, incident, on, kinds=None):
    """Cancel open deadlines of a case that it can no longer meet: all of them (a withdrawn
    notification needs no more action), or those of the given kinds (a stage that ended)."""
    deadlines = Deadline.objects.filter(incident=incident, status=Deadline.Status.OPEN)
    if kinds is not None:
        deadlines = deadlines.filter(kind__in=kinds)
    return deadlines.update(status=Deadline.Status.CANCELLED, cancelled_on=on, next_reminder_on=None)


# Many new cases at once -------------------------------------------------------------------------------
# A service that makes thousands of cases (the case-log import) works out each one's deadlines in memory
# and writes them together, rather than a query or two for every deadline of every case.


def deadline_values(
    *, incident_id, kind, responsible_id, starts_on, due_on, met_on=None, cancelled_on=None, subject=""
):
    """The fields of the deadline deadline_sync creates for a case that has none of this kind yet, for
    a service that makes many cases and writes their deadlines together.

    Met if met_on is given, else cancelled if cancelled_on is, else open: a met deadline is never cancelled.
    """
    status, cancelled_on = _outcome(met_on, cancelled_on)
    return {
        "incident_id": incident_id,
        "kind": kind,
        "subject": subject,
        "responsible_id": responsible_id,
        "starts_on": starts_on,
        "due_on": due_on,
        "status": status,
        "met_on": met_on,
        "cancelled_on": cancelled_on,
    }
