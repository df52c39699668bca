"""API representations of deadlines."""

from functools import cached_property

from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

from .models import Deadline

# DRF's own formatting of a date and a date-time (REST_FRAMEWORK DATE_FORMAT; the current time zone), for the
# representations built directly below.
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def date_shown(value):
    """A date as DRF's DateField shows it. For the format this API uses, `isoformat` writes the same text as
    `strftime` for any four-digit year, in a tenth of the time (a page of cases shows a thousand dates)."""
    if value and value.year >= 1000 and api_settings.DATE_FORMAT == "%Y-%m-%d":
        return value.isoformat()
    return _DATE.to_representation(value)


def datetime_shown(value):
    return _DATETIME.to_representation(value)


# A read serializer that shows the fields it declares in one step, built from the instance by `represent`,
# rather than field by field through DRF: a page of 50 cases is some 5,000 field calls.
#
# The declared fields stay the API's shape (the schema is read from them). `represent` shows them exactly as DRF
# would (tests/incidents/test_fast_representation.py holds it to the generic representation). Fields a subclass
# adds after them are shown the generic way, so a subclass that only adds fields needs no fast path of its own;
# one that shows a declared field differently overrides `represent` too. (A comment, not a docstring: the schema
# would take a docstring as the description of every serializer using it.)
class DirectRepresentation:
    # The fields `represent` shows, in order: those of the class that defines it.
    represented_fields = ()
    # False shows every field the generic way: the tests compare the two.
    direct = True

    def represent(self, instance):
        raise NotImplementedError

    def to_representation(self, instance):
        if not (self.direct and self._fields_added is not None):
            return super().to_representation(instance)
        data = self.represent(instance)
        for field in self._fields_added:
            # As Serializer.to_representation shows a field.
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            shown = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            data[field.field_name] = None if shown is None else field.to_representation(attribute)
        return data

    @cached_property
    def _fields_added(self):
        """The readable fields after those `represent` shows; None if they are not first, in order."""
        if list(getattr(self.Meta, "fields", ())) == list(self.represented_fields):
            return []  # the class that defines `represent`: no need to build its fields to know
        readable = list(self._readable_fields)
        count = len(self.represented_fields)
        if [field.field_name for field in readable[:count]] != list(self.represented_fields):
            return None
        return readable[count:]


class DeadlineSerializer(DirectRepresentation, serializers.ModelSerializer):
    responsible = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    met_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "kind",
            "subject",
            "responsible",
            "starts_on",
            "due_on",
            "status",
            "met_on",
            "cancelled_on",
            "is_overdue",
            "met_late",
        ]

    represented_fields = tuple(Meta.fields)

    def get_is_overdue(self, deadline) -> bool:
        return deadline.is_overdue(today=self.context["today"])

    def represent(self, deadline):
        return {
            "kind": deadline.kind,
            "subject": deadline.subject,
            "responsible": deadline.responsible.code,
            "starts_on": date_shown(deadline.starts_on),
            "due_on": date_shown(deadline.due_on),
            "status": deadline.status,
            "met_on": date_shown(deadline.met_on),
            "cancelled_on": date_shown(deadline.cancelled_on),
            "is_overdue": self.get_is_overdue(deadline),
            "met_late": bool(deadline.met_late),
        }


class CaseDeadlineSerializer(DeadlineSerializer):
    """A deadline in the deadlines list, with the case it belongs to."""

    incident = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta(DeadlineSerializer.Meta):
        fields = ["incident", *DeadlineSerializer.Meta.fields]

    represented_fields = tuple(Meta.fields)

    def represent(self, deadline):
        return {"incident": deadline.incident.reference, **super().represent(deadline)}
