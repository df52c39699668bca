"""The forms of the Panel's letter pages and of its members' lists.

They only read what was typed, as letters.services takes it: whether a response names a version of the
rapid review, whether a decision is recorded and stated, and who may approve, are the services' to say,
and their errors come back onto these fields.
"""

from django import forms

from incidents.codes import LcsprDecision, NationalReview, PanelPosition, PracticeTheme, QualityTheme, Reason
from letters.models import BODY_MAX_LENGTH, COMMENT_MAX_LENGTH, Letter
from letters.rendering import long_date

from .forms import SHORT_TEXT_MAX_LENGTH, GovForm, filter_select, radio_field, text_field

SUBJECT_MAX_LENGTH = Letter._meta.get_field("subject").max_length
# A case reference typed to narrow a list: longer than any reference, short enough to be harmless.
REFERENCE_MAX_LENGTH = 30


class LetterTextField(forms.CharField):
    """The letter's Markdown as typed. Browsers send a textarea's new lines as CRLF: they are kept as LF, so
    the text saved unchanged is the text it was (and the limit counts what the person sees)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


# Composing ---------------------------------------------------------------------------------------------


class LetterNewForm(GovForm):
    kind = radio_field("What kind of letter is it?", choices=Letter.Kind.choices, error="Select the kind of letter")
    rapid_review_version = forms.TypedChoiceField(
        label="If it responds to a rapid review: which version does it answer?",
        coerce=int,
        required=False,
        widget=forms.Select,
        error_messages={"invalid_choice": "Select a version of the case's rapid review"},
    )

    def __init__(self, *args, versions=(), answered=frozenset(), **kwargs):
        """`versions`: the case's rapid review versions, oldest first; `answered`: the ids of those that
        already have a response (the service says no to a second)."""
        super().__init__(*args, **kwargs)
        self.versions = {version.number: version for version in versions}
        choices = [
            (
                version.number,
                f"Version {version.number}, sent {long_date(version.sent_on)}"
                + (" (already answered)" if version.pk in answered else ""),
            )
            for version in reversed(list(versions))
        ]
        field = self.fields["rapid_review_version"]
        field.choices = [("", "Choose a version" if choices else "No rapid review has been sent")] + choices
        if choices:
            self.initial.setdefault("rapid_review_version", choices[0][0])

    def chosen_version(self):
        """The version a response answers; any other kind of letter answers none (the question is for
        responses only, as its label says)."""
        if self.cleaned_data["kind"] != Letter.Kind.RAPID_REVIEW_RESPONSE:
            return None
        return self.versions.get(self.cleaned_data.get("rapid_review_version"))


# The letter --------------------------------------------------------------------------------------------


def _themes(label, choices, help_text, error):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"invalid_choice": error},
    )


class LetterForm(GovForm):
    """The decision first (a response to a rapid review only), then the subject and the text."""

    panel_position = radio_field(
        "Does the Panel agree with the partnership's decision on a local review?",
        choices=PanelPosition.choices,
        required=False,
        error="Select whether the Panel agrees",
    )
    national_review = radio_field(
        "What has the Panel decided about a national review?",
        choices=NationalReview.choices,
        required=False,
        error="Select the Panel's decision on a national review",
    )
    quality_themes = _themes(
        "Feedback on the quality of the rapid review",
        QualityTheme.choices,
        "Select all that apply.",
        "Select feedback from the list",
    )
    practice_themes = _themes(
        "Practice themes",
        PracticeTheme.choices,
        "The themes the Panel notes in this case. Select all that apply.",
        "Select practice themes from the list",
    )
    subject = text_field("Subject", max_length=SUBJECT_MAX_LENGTH, error="Enter the letter's subject")
    body_markdown = LetterTextField(
        label="Text of the letter",
        max_length=BODY_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 25}),
        help_text=(
            "Markdown: a blank line between paragraphs, ## before a heading, - before each item of a list. "
            "The letterhead, date, addressee and sign-off are added when the PDF is made."
        ),
        error_messages={
            "required": "Enter the text of the letter",
            "max_length": f"The text of the letter must be {BODY_MAX_LENGTH:,} characters or fewer",
        },
    )

    DECISION = ("panel_position", "national_review", "quality_themes", "practice_themes")

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.letter = letter
        if letter.kind != Letter.Kind.RAPID_REVIEW_RESPONSE:
            for name in self.DECISION:
                del self.fields[name]
        elif letter.rapid_review_version is not None:
            decision = LcsprDecision(letter.rapid_review_version.lcspr_decision).label
            self.fields[
                "panel_position"
            ].label = f"The partnership decided: {decision[0].lower()}{decision[1:]}. Does the Panel agree?"

    @classmethod
    def initial_from(cls, letter):
        """The form as the letter now stands."""
        return {name: getattr(letter, name) for name in ("subject", "body_markdown", *cls.DECISION)}

    def decision_fields(self):
        return [self[name] for name in self.DECISION if name in self.fields]

    def values(self):
        """The changes as letters.services.letter_update takes them. Themes chosen again in another order are
        the same themes: the letter keeps its own order, so saving them unchanged changes nothing."""
        values = {name: value for name, value in self.cleaned_data.items() if name in self.fields}
        for name in ("quality_themes", "practice_themes"):
            if name in values:
                values[name] = list(values[name])
                if set(values[name]) == set(getattr(self.letter, name)):
                    values[name] = list(getattr(self.letter, name))
        return values


class SendBackForm(GovForm):
    comment = text_field(
        "What should change?",
        long=True,
        max_length=COMMENT_MAX_LENGTH,
        help_text="The letter goes back to draft, and its writer sees this on the letter's page.",
        error="Enter what should change in the letter",
    )


class DiscardForm(GovForm):
    confirm = radio_field(
        "Are you sure you want to discard this letter?",
        choices=[("yes", "Yes, discard it"), ("no", "No, keep it")],
        error="Select yes if you want to discard the letter",
        help_text="A discarded letter is kept on the case, but can never be changed or issued.",
    )


class StepForm(GovForm):
    """A step taken with one button (approve, issue): nothing to type, only the service's answer to show."""


# The members' lists ------------------------------------------------------------------------------------


class ListForm(GovForm):
    """A list's filters and order, read from the query string; every one may be left empty.

    SORTS: the orders offered, the list's own first (as "", which the select shows first).
    """

    SORTS = ()

    reference = forms.CharField(
        label="Case reference",
        required=False,
        max_length=REFERENCE_MAX_LENGTH,
        error_messages={"max_length": f"Case reference must be {REFERENCE_MAX_LENGTH} characters or fewer"},
    )
    local_authority = forms.CharField(
        label="Local authority",
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
        help_text="All or part of its name.",
        error_messages={"max_length": f"Local authority must be {SHORT_TEXT_MAX_LENGTH} characters or fewer"},
    )
    sort = forms.ChoiceField(
        label="Sort by", required=False, widget=forms.Select, error_messages={"invalid_choice": "Select an order"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = list(self.SORTS)
        # The sort comes last on the page, after the filters.
        self.order_fields([name for name in self.fields if name != "sort"] + ["sort"])

    def ordering(self):
        """The order chosen: "" (the first offered) is the list's own."""
        return self.cleaned_data.get("sort", "") if self.is_bound else ""


class LettersToApproveForm(ListForm):
    SORTS = (
        ("", "Waiting longest first"),
        ("newest", "Put forward most recently first"),
        ("reference", "Case reference"),
    )

    kind = filter_select("Kind of letter", choices=Letter.Kind.choices, error="Select a kind of letter from the list")


class PracticeThemeForm(ListForm):
    SORTS = (
        ("", "Rapid review received most recently first"),
        ("oldest", "Rapid review received longest ago first"),
        ("reference", "Case reference"),
        ("local_authority", "Local authority"),
    )

    theme = filter_select(
        "Practice theme",
        choices=PracticeTheme.choices,
        any_label="Any theme",
        error="Select a practice theme from the list",
    )
    reason = filter_select("Reason at rapid review", choices=Reason.choices, error="Select a reason from the list")


class NationalReviewForm(ListForm):
    SORTS = (
        ("", "Decided most recently first"),
        ("oldest", "Decided longest ago first"),
        ("reference", "Case reference"),
        ("local_authority", "Local authority"),
    )

    decision = filter_select(
        "Decision", choices=NationalReview.choices, any_label="Any decision", error="Select a decision from the list"
    )
