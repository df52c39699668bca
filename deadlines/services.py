"""Writes to the working-day calendar."""

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
    return len(new)


def deadline_sync(*, incident, kind, responsible, starts_on, due_on, met_on=None, cancelled_on=None, subject=""):
    """Make the case's deadline of this kind say what its dates say; create it if it is new.

    The due date follows the dates it is computed from (a corrected awareness date moves it). Met
    stays met with the date it was met; an open deadline is cancelled when its case no longer needs it,
    and stays cancelled.
    """
    if met_on is not None:
        status, cancelled_on = Deadline.Status.MET, None
    elif cancelled_on is not None:
        status = Deadline.Status.CANCELLED
    else:
        status = Deadline.Status.OPEN
    deadline, created = Deadline.objects.get_or_create(
        incident=incident,
        kind=kind,
        subject=subject,
        defaults={
            "responsible": responsible,
            "starts_on": starts_on,
            "due_on": due_on,
            "status": status,
            "met_on": met_on,
            "cancelled_on": cancelled_on,
        },
    )
    if created or deadline.status == Deadline.Status.CANCELLED:
        return deadline  # nothing brings a cancelled deadline back: its case no longer needs it
    if deadline.status == Deadline.Status.MET and status == Deadline.Status.CANCELLED:
        return deadline  # a met deadline is history; withdrawal cancels only open ones
    values = {
        "responsible_id": responsible.pk,
        "starts_on": starts_on,
        "due_on": due_on,
        "status": status,
        "met_on": met_on,
        "cancelled_on": cancelled_on,
    }
    changed = [name for name, value in values.items() if getattr(deadline, name) != value]
    if changed:
        for name in changed:
            setattr(deadline, name, values[name])
        deadline.save(update_fields=[*changed, "updated_at"])
    return deadline


def deadlines_cancel_open(*, incident, on):
    """Cancel every open deadline of a case (a withdrawn notification needs no more action)."""
    return Deadline.objects.filter(incident=incident, status=Deadline.Status.OPEN).update(
        status=Deadline.Status.CANCELLED, cancelled_on=on
    )
