"""The Panel's forms: filtering its queue, keying a notification that came another way, and returning a
rapid review.

They only read what was typed. Whether the answers add up (dates, who may key a notification, whether
the original must be attached, whether a return date is after today) is for incidents.services and
reviews.services to say; their errors come back onto these fields.
"""

from django import forms

from deadlines.models import Deadline
from incidents.codes import OfflineMethod, Reason, Sex
from letters.models import Letter
from notices.selectors import CHASED_KINDS
from organisations.models import Organisation

from .forms import SHORT_TEXT_MAX_LENGTH, GovDateField, GovForm, age_field, radio_field, text_field
from .notification_forms import NAME_MAX_LENGTH, DatesForm, IncidentForm

REFERENCE_MAX_LENGTH = 30


def _select(label, choices, *, error, required=False, help_text=""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.Select,
        help_text=help_text,
        error_messages={"required": error, "invalid_choice": error},
    )


# Filtering the queue's lists ------------------------------------------------------------------------------


class QueueFilterForm(GovForm):
    """A list's filters and order. Each list names its orders in SORTS: the first (key "") is its default,
    and is what the select's empty option says."""

    SORTS = {"": ("Oldest first", ("pk",))}
    REGION = "incident__notifying_la__region"
    REFERENCE = "incident__reference"

    reference = forms.CharField(
        label="Case reference",
        required=False,
        max_length=REFERENCE_MAX_LENGTH,
        error_messages={"max_length": f"Case reference must be {REFERENCE_MAX_LENGTH} characters or fewer"},
    )
    region = _select("Region", [], error="Select a region from the list")
    sort = _select("Sort by", [], error="Select an order from the list")

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "All regions")] + [(str(r.pk), r.name) for r in regions]
        self.fields["sort"].choices = [(key, label) for key, (label, _order) in self.SORTS.items()]

    def extra_fields(self):
        """The list's own filters, after the reference and region."""
        return [self[name] for name in self.fields if name not in ("reference", "region", "sort")]

    def narrowed(self, queryset, data, *, today):
        """The list's own filters applied: each list adds its own."""
        return queryset

    def filtered(self, queryset, *, today):
        """The rows the filters choose, in the order asked for; none if the filters are not valid."""
        if not self.is_bound:
            return queryset.order_by(*self.SORTS[""][1])
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data.get("reference"):
            queryset = queryset.filter(**{f"{self.REFERENCE}__icontains": data["reference"].strip()})
        if data.get("region"):
            queryset = queryset.filter(**{f"{self.REGION}_id": data["region"]})
        queryset = self.narrowed(queryset, data, today=today)
        return queryset.order_by(*self.SORTS[data.get("sort") or ""][1])


class RapidReviewQueueForm(QueueFilterForm):
    SORTS = {
        "": ("Received, oldest first", ("starts_on", "pk")),
        "newest": ("Received, newest first", ("-starts_on", "-pk")),
        "local_authority": ("Local authority", ("incident__notifying_la__name", "starts_on", "pk")),
    }
    overdue = forms.BooleanField(label="Only those past the Panel's service level", required=False)

    def narrowed(self, queryset, data, *, today):
        return queryset.filter(due_on__lt=today) if data.get("overdue") else queryset


class LetterQueueForm(QueueFilterForm):
    SORTS = {
        "": ("Waiting longest first", ("updated_at", "pk")),
        "newest": ("Newest first", ("-updated_at", "-pk")),
        "reference": ("Case reference", ("incident__reference", "pk")),
    }
    kind = _select("Kind of letter", [("", "Any kind")] + Letter.Kind.choices, error="Select a kind of letter")

    def narrowed(self, queryset, data, *, today):
        return queryset.filter(kind=data["kind"]) if data.get("kind") else queryset


RESPONSIBLE_CHOICES = [
    ("", "Anyone"),
    (Organisation.Kind.LOCAL_AUTHORITY, "A local authority"),
    (Organisation.Kind.PARTNERSHIP, "A safeguarding partnership"),
    (Organisation.Kind.PANEL, "The Panel"),
]


class OverdueQueueForm(QueueFilterForm):
    SORTS = {
        "": ("Most overdue first", ("due_on", "pk")),
        "least": ("Least overdue first", ("-due_on", "-pk")),
        "kind": ("Kind of deadline", ("kind", "due_on", "pk")),
    }
    kind = _select("Kind of deadline", [("", "Any kind")] + Deadline.Kind.choices, error="Select a kind of deadline")
    responsible = _select("Who must act", RESPONSIBLE_CHOICES, error="Select who must act from the list")

    def narrowed(self, queryset, data, *, today):
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("responsible"):
            queryset = queryset.filter(responsible__kind=data["responsible"])
        return queryset


class ChaserQueueForm(QueueFilterForm):
    SORTS = {
        "": ("Waiting longest first", ("starts_on", "pk")),
        "newest": ("Newest first", ("-starts_on", "-pk")),
        "due": ("Due date", ("due_on", "pk")),
    }
    kind = _select(
        "Kind of request",
        [("", "Any kind")] + [(k.value, k.label) for k in CHASED_KINDS],
        error="Select a kind of request",
    )

    def narrowed(self, queryset, data, *, today):
        return queryset.filter(kind=data["kind"]) if data.get("kind") else queryset


class FailedNoticeQueueForm(QueueFilterForm):
    SORTS = {
        "": ("Last tried, newest first", ("-claimed_at", "-pk")),
        "oldest": ("Last tried, oldest first", ("claimed_at", "pk")),
        "reference": ("Case reference", ("incident__reference", "pk")),
    }
    what = _select(
        "What it was",
        [("", "Reminders and messages"), ("reminder", "Reminders"), ("message", "Messages")],
        error="Select reminders or messages",
    )

    def narrowed(self, queryset, data, *, today):
        if data.get("what") == "reminder":
            return queryset.filter(deadline__isnull=False)
        if data.get("what") == "message":
            return queryset.filter(event__isnull=False)
        return queryset


class RegionViewForm(GovForm):
    region = _select("Region", [], error="Select a region from the list")
    sort = _select("Sort by", [], error="Select an order from the list")

    def __init__(self, *args, regions, sorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "All regions")] + [(str(r.pk), r.name) for r in regions]
        self.fields["sort"].choices = list(sorts.items())


# Keying an offline notification ---------------------------------------------------------------------------


class OfflineLocalAuthorityForm(GovForm):
    local_authority = _select(
        "Which local authority sent the notification?",
        [],
        required=True,
        error="Select the local authority that sent the notification",
    )

    def __init__(self, *args, local_authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = [("", "Choose a local authority")] + [
            (la.code, la.name) for la in local_authorities
        ]


class OfflineReceivedForm(GovForm):
    offline_method = radio_field(
        "How did the notification reach the Panel?",
        choices=OfflineMethod.choices,
        error="Select how the notification reached the Panel",
        help_text="You attach the original email or letter before you key the notification.",
    )
    offline_received_on = GovDateField(
        label="Date the Panel received it",
        help_text="For example, 27 3 2025. The notification counts as made on this date.",
        error_messages={"required": "Enter the date the Panel received the notification"},
    )


class OfflineDatesForm(DatesForm):
    """The authority's own dates page, said of the authority rather than to it."""

    la_aware_date = GovDateField(
        label="Date the local authority became aware of it",
        help_text="The local authority should notify the Panel within 5 working days of this date.",
        error_messages={"required": "Enter the date the local authority became aware of the incident"},
    )


class OfflineIncidentForm(IncidentForm):
    reason = radio_field(
        "Why did the local authority notify the Panel?",
        choices=Reason.choices,
        error="Select why the local authority notified the Panel",
    )
    case_outline = text_field(
        "Outline of the case (optional)",
        required=False,
        long=True,
        rows=8,
        help_text="What the notification says happened, and what the local authority has done so far.",
    )


class OfflineChildForm(GovForm):
    """The index child, as far as the notification says: the local authority confirms the rest later."""

    first_name = text_field("First name (optional)", required=False, max_length=NAME_MAX_LENGTH)
    last_name = text_field("Last name (optional)", required=False, max_length=NAME_MAX_LENGTH)
    date_of_birth = GovDateField(label="Date of birth (optional)", required=False, help_text="For example, 27 3 2019.")
    age_years = age_field(
        "Age at the time of the incident, in whole years (optional)",
        help_text="If the date of birth is not known. Under 1 year old is 0.",
    )
    sex = radio_field("Sex", choices=Sex.choices, error="Select the child's sex, or Not recorded")

    def values(self):
        return {**self.cleaned_data, "is_index": True}


OFFLINE_DOCUMENT_TYPES = "a PDF, Word or OpenDocument file, or a JPEG or PNG scan"
FILE_NOT_KEPT = "Choose the file again: a file cannot be kept when another answer has a problem"


class OfflineKeyForm(GovForm):
    """The check-your-answers page: the original is attached here, with the button that keys the
    notification, so the file is checked and stored in the same request (never held between pages)."""

    # Named as the service names it, so a refused file's message (413, 415) lands on this field.
    offline_document = forms.FileField(
        label="Attach the original notification",
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
        help_text=f"Needed for a notification that came by email or post: the email saved as a file, or the "
        f"letter scanned. Upload {OFFLINE_DOCUMENT_TYPES}.",
        error_messages={
            "empty": "The selected file is empty",
            "max_length": f"The file's name must be {SHORT_TEXT_MAX_LENGTH} characters or fewer",
        },
    )

    # Where the error summary sends a person for what the service says of an earlier page's answers: the
    # section of this page that shows it, with its Change link.
    ANCHORS = {
        "offline_method": "#received",
        "offline_received_on": "#received",
        "incident_date": "#dates",
        "la_aware_date": "#dates",
        "reason": "#incident",
        "abuse_or_neglect": "#incident",
        "looked_after_child_death": "#incident",
        "case_outline": "#incident",
        "children": "#child",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.anchors = {}

    def errors_from(self, error):
        messages = getattr(error, "message_dict", None) or {None: error.messages}
        for name, texts in messages.items():
            for text in texts if isinstance(texts, list) else [texts]:
                if name == "offline_document":
                    self.add_error("offline_document", text)
                else:
                    self.anchors[text] = self.ANCHORS.get(name, "#authority")
                    self.add_error(None, text)
        return self

    def file_not_kept(self):
        """A chosen file cannot be put back into the file input: ask for it again, on the field."""
        if self.files.get("offline_document") and not self["offline_document"].errors:
            self.add_error("offline_document", FILE_NOT_KEPT)

    def error_list(self):
        items = [{"text": str(text), "href": self.anchors.get(str(text))} for text in self.non_field_errors()]
        if self["offline_document"].errors:
            items.append({"text": str(self["offline_document"].errors[0]), "href": "#id_offline_document"})
        return items


# Returning a rapid review ---------------------------------------------------------------------------------


class RapidReviewReturnForm(GovForm):
    reason = text_field(
        "What more does the Panel need?",
        long=True,
        rows=8,
        help_text="The partnership sees this on the case and its rapid review, and sends the review again.",
        error="Enter what more the Panel needs",
    )
    resubmit_by = GovDateField(label="Date the Panel wants it by (optional)", required=False, not_future=False)

    def __init__(self, *args, default_date, working_days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resubmit_by"].help_text = (
            f"Leave this blank for {working_days} working days from today: {default_date:%-d %B %Y}. "
            f"For example, {default_date:%-d %-m %Y}."
        )
