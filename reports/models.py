"""Each calendar date's place among working days, so the database counts working days itself.

The annual report needs, for every case in a period, working-day lags and whether one date is "within
n working days" of another. With this table each is a subtraction or a comparison of two integers in
SQL (reports.figures), never a loop over cases. The table is built from the service's calendar
(deadlines.workingdays.WorkingCalendar over the BankHoliday table) and rebuilt whenever those holidays
change: `WorkingDayIndex.objects.cover()` checks that before every report.
"""

import datetime
import hashlib

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone

from deadlines.models import BankHoliday
from deadlines.workingdays import WorkingCalendar
from incidents.codes import ETHNICITY_GROUPS
from incidents.models import Incident
from reviews.models import RapidReview

ETHNICITY_GROUP_CODES = tuple(ETHNICITY_GROUPS)

# The index reaches back to the service's earliest dates (organisations.serializers.EARLIEST_DATE) and
# forward a few years past today, extended when a report asks for dates beyond it.
INDEX_FIRST_DATE = datetime.date(2000, 1, 1)
INDEX_YEARS_AHEAD = 5
# Changes when the way the index is computed changes, so an index built the old way is rebuilt.
INDEX_VERSION = "1"


def holidays_digest(holidays):
    """A fingerprint of the bank holidays (and of how the index is built) an index was built from."""
    text = INDEX_VERSION + ":" + ",".join(sorted(day.isoformat() for day in holidays))
    return hashlib.sha256(text.encode()).hexdigest()


def working_day_rows(*, holidays, first, last):
    """(date, ordinal, next_ordinal, is_working_day) for every date from `first` to `last`.

    `ordinal` counts the working days from `first` up to and including the date, so the working-day
    lag between two dates (domain.md: the working days after the first, up to and including the
    second) is the difference of their ordinals. `next_ordinal` is the ordinal of the date if it is a
    working day, otherwise of the next working day: a date is on or before add_working_days(X, n)
    exactly when its next_ordinal is at most ordinal(X) + n.
    """
    calendar = WorkingCalendar(holidays)
    ordinal = 0
    day = first
    while day <= last:
        working = calendar.is_working_day(day)
        ordinal += working
        yield day, ordinal, ordinal if working else ordinal + 1, working
        day += datetime.timedelta(days=1)


def index_bounds(*, first, last, today):
    """The dates an index covering `first` to `last` is built for: never less than the usual range."""
    ahead = datetime.date(today.year + INDEX_YEARS_AHEAD, 12, 31)
    return min(first, INDEX_FIRST_DATE), max(last, ahead)


class WorkingDayIndexManager(models.Manager):
    def cover(self, *, first, last):
        """Make sure the index is built from today's bank holidays and covers `first` to `last`.

        Checked before each report (two small reads), so the index follows the holidays however they
        change: the admin, a data migration, a bulk update or a test's own calendar. Rebuilt only
        when they changed, under a lock on the build record so two reports never build it at once.
        """
        digest = holidays_digest(BankHoliday.objects.values_list("date", flat=True))
        build = WorkingDayIndexBuild.objects.filter(pk=WorkingDayIndexBuild.ONLY).first()
        if build and build.covers(digest=digest, first=first, last=last):
            return False
        with transaction.atomic():
            build, _ = WorkingDayIndexBuild.objects.select_for_update().get_or_create(pk=WorkingDayIndexBuild.ONLY)
            holidays = list(BankHoliday.objects.values_list("date", flat=True))
            digest = holidays_digest(holidays)
            if build.covers(digest=digest, first=first, last=last):
                return False  # built by another report while this one waited for the lock
            first, last = index_bounds(first=first, last=last, today=timezone.localdate())
            self.rebuild(holidays=holidays, first=first, last=last)
            build.holidays_digest, build.first_date, build.last_date = digest, first, last
            build.save()
        return True

    def rebuild(self, *, holidays, first, last):
        self.all().delete()
        self.bulk_create(
            (
                self.model(date=day, ordinal=ordinal, next_ordinal=next_ordinal, is_working_day=working)
                for day, ordinal, next_ordinal, working in working_day_rows(holidays=holidays, first=first, last=last)
            ),
            batch_size=2000,
        )


class CaseDate(models.ForeignObject):
    """A join from a case's date to that date's entry in the index, for the report's queries.

    Declared here, on the index, as the case's apps know nothing of reports. Many cases share a date, so
    the target is not unique (as for Django's GenericRelation); it is read only from the case's side,
    through its related_query_name: one entry per case, joined, never looked up row by row.
    """

    requires_unique_target = False


def case_date(to, *, date_field, query_name):
    return CaseDate(
        to,
        on_delete=models.DO_NOTHING,
        from_fields=["date"],
        to_fields=[date_field],
        related_name="+",
        related_query_name=query_name,
        null=True,  # no column: a case's date may be empty, and the migration needs no default
    )


class WorkingDayIndex(models.Model):
    """One calendar date and its place among working days (see working_day_rows)."""

    date = models.DateField(primary_key=True)
    ordinal = models.PositiveIntegerField(help_text="Working days from the first date of the index up to this one.")
    next_ordinal = models.PositiveIntegerField(help_text="The ordinal of this date, or of the next working day.")
    is_working_day = models.BooleanField()

    # Joins only: an entry has many cases on its date, and these are never read from this side.
    cases_on_incident_date = case_date(Incident, date_field="incident_date", query_name="incident_date_entry")
    cases_on_notified_date = case_date(Incident, date_field="notified_on", query_name="notified_on_entry")
    rapid_reviews_on_sent_date = case_date(RapidReview, date_field="first_sent_on", query_name="first_sent_on_entry")

    objects = WorkingDayIndexManager()

    class Meta:
        ordering = ["date"]
        verbose_name = "working day index entry"
        verbose_name_plural = "working day index"

    def __str__(self):
        return f"{self.date}: {self.ordinal}"


class WorkingDayIndexBuild(models.Model):
    """What the working day index was last built from: the bank holidays, as a digest, and its dates."""

    ONLY = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY)
    holidays_digest = models.CharField(max_length=64, blank=True)
    first_date = models.DateField(null=True)
    last_date = models.DateField(null=True)
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(name="working_day_index_build_only_one", condition=models.Q(id=1))]

    def __str__(self):
        return f"Working day index {self.first_date} to {self.last_date}"

    def covers(self, *, digest, first, last):
        return (
            self.holidays_digest == digest
            and self.first_date is not None
            and self.first_date <= first
            and last <= self.last_date
        )


class CensusComparator(models.Model):
    """The population the children's ethnicity is set against on the reports page (the census).

    An administrator loads it in the admin: each ethnic group's share of the comparison population, in
    per cent, from a named source. The newest is used.
    """

    name = models.CharField(max_length=200, help_text="For example: Census 2021, children aged 0 to 17, England.")
    source_url = models.URLField("source", max_length=500, blank=True)
    year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-created_at"]

    def __str__(self):
        return self.name


class CensusShare(models.Model):
    """One ethnic group's share of a comparator's population, in per cent."""

    comparator = models.ForeignKey(CensusComparator, on_delete=models.CASCADE, related_name="shares")
    ethnicity_group = models.CharField(max_length=10, choices=[(g, g.capitalize()) for g in ETHNICITY_GROUP_CODES])
    percentage = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["comparator", "ethnicity_group"]
        constraints = [
            models.UniqueConstraint(fields=["comparator", "ethnicity_group"], name="census_share_one_per_group"),
            models.CheckConstraint(
                name="census_share_a_percentage", condition=models.Q(percentage__gte=0, percentage__lte=100)
            ),
        ]

    def __str__(self):
        return f"{self.get_ethnicity_group_display()}: {self.percentage}%"
