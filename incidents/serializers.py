"""API representations of cases: what comes in is checked field by field; rules live in the services."""

from functools import cached_property

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deadlines.serializers import DeadlineSerializer, DirectRepresentation, date_shown, datetime_shown
from organisations.serializers import (
    EARLIEST_BIRTH_DATE,
    TEXT_MAX_LENGTH,
    BoundedListSerializer,
    LocalAuthorityField,
    ModelInputSerializer,
    PlausibleDateField,
    RequiredTextField,
    StrictSerializer,
)

from .codes import AbuseOrNeglect, Channel, OfflineMethod, Reason
from .models import Child, Incident, TimelineEvent
from .services import MAX_CHILDREN_PER_CASE

NAME_FIELDS = ("first_name", "last_name")


class VersionField(serializers.IntegerField):
    """The version of a record the client read and now changes (optimistic version check, incidents.workflow).

    Optional: without it (or If-Match) a change is made whatever changed since, as for clients written
    before versions. Reviews and letters use it too.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        kwargs.setdefault(
            "help_text",
            "The version you read (the `version` and ETag of what you were shown). If the record has changed "
            "since, nothing is changed and the answer is 409 with the current version. Optional: without it, "
            "or If-Match, the change is made whatever changed since.",
        )
        super().__init__(**kwargs)


# The children as the schema has always described them: objects whose names some readers are not shown.
@extend_schema_field({"type": "array", "items": {"type": "object", "additionalProperties": {}}})
class ChildListSerializer(serializers.ListSerializer):
    pass


class ChildSerializer(DirectRepresentation, serializers.ModelSerializer):
    age_group = serializers.CharField(read_only=True)

    class Meta:
        model = Child
        fields = ["id", "is_index", *NAME_FIELDS, *Child.CHARACTERISTICS, "age_group"]
        list_serializer_class = ChildListSerializer

    represented_fields = tuple(Meta.fields)

    def represent(self, child):
        return {
            "id": child.id,
            "is_index": child.is_index,
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": date_shown(child.date_of_birth),
            "age_years": child.age_years,
            "sex": child.sex,
            "gender_identity_differs": child.gender_identity_differs,
            "lgbtq": child.lgbtq,
            "ethnicity": child.ethnicity,
            "disability": child.disability,
            "disability_type": child.disability_type,
            "family_known_to_csc": child.family_known_to_csc,
            "child_in_need": child.child_in_need,
            "child_protection_plan": child.child_protection_plan,
            "looked_after": child.looked_after,
            "placement": child.placement,
            "care_order": child.care_order,
            "age_group": str(child.age_group),
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("show_names"):
            for name in NAME_FIELDS:
                data.pop(name, None)
        return data


# A child's details as every input checks them field by field (the services check that they agree): an
# age under 18, and a birth date no earlier than that of a child at an incident on the earliest date.
CHILD_INPUT_KWARGS = {
    "age_years": {"min_value": 0, "max_value": 17},
    "date_of_birth": {"earliest": EARLIEST_BIRTH_DATE},
}


class ChildInputSerializer(ModelInputSerializer):
    id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    class Meta:
        model = Child
        fields = ["id", "is_index", *NAME_FIELDS, *Child.CHARACTERISTICS]
        extra_kwargs = CHILD_INPUT_KWARGS
        list_serializer_class = BoundedListSerializer


class TimelineEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = TimelineEvent
        fields = ["kind", "at", "actor", "summary", "details"]


class IncidentSerializer(DirectRepresentation, serializers.ModelSerializer):
    local_authority = serializers.SlugRelatedField(source="notifying_la", slug_field="code", read_only=True)
    local_authority_name = serializers.CharField(source="notifying_la.name", read_only=True)
    home_local_authority = serializers.SlugRelatedField(
        source="home_la", slug_field="code", read_only=True, allow_null=True
    )
    placing_local_authority = serializers.SlugRelatedField(
        source="placing_la", slug_field="code", read_only=True, allow_null=True
    )
    # Declared once, as a nested field, so a list builds the children's fields once rather than per case;
    # the names are still left out for those who may not see them (ChildSerializer reads `show_names`).
    children = ChildSerializer(many=True, read_only=True)
    deadlines = DeadlineSerializer(many=True, read_only=True)
    notification_due = serializers.DateField(read_only=True, allow_null=True)
    is_late = serializers.BooleanField(read_only=True)
    is_retrospective = serializers.BooleanField(read_only=True)
    has_offline_document = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "reference",
            "status",
            "channel",
            "local_authority",
            "local_authority_name",
            "home_local_authority",
            "placing_local_authority",
            "incident_date",
            "la_aware_date",
            "reason",
            "reason_at_notification",
            "abuse_or_neglect",
            "looked_after_child_death",
            "case_outline",
            "children",
            "notified_on",
            "notification_due",
            "is_late",
            "late_reason",
            "is_retrospective",
            "withdrawn_on",
            "withdrawn_reason",
            "offline_method",
            "offline_received_on",
            "offline_keyed_on",
            "offline_confirmed_on",
            "has_offline_document",
            "deadlines",
            "created_at",
            "updated_at",
            "version",
        ]

    represented_fields = tuple(Meta.fields)

    def get_has_offline_document(self, incident) -> bool:
        return bool(incident.offline_document)

    # What `children` and `deadlines` declare, for `represent`: made once per list, without building every
    # field of the case to reach them.
    @cached_property
    def _child_serializer(self):
        return ChildSerializer(context=self.context)

    @cached_property
    def _deadline_serializer(self):
        return DeadlineSerializer(context=self.context)

    def represent(self, incident):
        show_child = self._child_serializer.to_representation
        show_deadline = self._deadline_serializer.to_representation
        home_la, placing_la = incident.home_la, incident.placing_la
        return {
            "reference": incident.reference,
            "status": incident.status,
            "channel": incident.channel,
            "local_authority": incident.notifying_la.code,
            "local_authority_name": incident.notifying_la.name,
            "home_local_authority": None if home_la is None else home_la.code,
            "placing_local_authority": None if placing_la is None else placing_la.code,
            "incident_date": date_shown(incident.incident_date),
            "la_aware_date": date_shown(incident.la_aware_date),
            "reason": incident.reason,
            "reason_at_notification": incident.reason_at_notification,
            "abuse_or_neglect": incident.abuse_or_neglect,
            "looked_after_child_death": incident.looked_after_child_death,
            "case_outline": incident.case_outline,
            "children": [show_child(child) for child in incident.children.all()],
            "notified_on": date_shown(incident.notified_on),
            "notification_due": date_shown(incident.notification_due),
            "is_late": incident.is_late,
            "late_reason": incident.late_reason,
            "is_retrospective": incident.is_retrospective,
            "withdrawn_on": date_shown(incident.withdrawn_on),
            "withdrawn_reason": incident.withdrawn_reason,
            "offline_method": incident.offline_method,
            "offline_received_on": date_shown(incident.offline_received_on),
            "offline_keyed_on": date_shown(incident.offline_keyed_on),
            "offline_confirmed_on": date_shown(incident.offline_confirmed_on),
            "has_offline_document": self.get_has_offline_document(incident),
            "deadlines": [show_deadline(deadline) for deadline in incident.deadlines.all()],
            "created_at": datetime_shown(incident.created_at),
            "updated_at": datetime_shown(incident.updated_at),
            "version": incident.version,
        }


class IncidentDetailSerializer(IncidentSerializer):
    """One case with its timeline. The case file (casefile.serializers) adds what the apps above know."""

    timeline = serializers.SerializerMethodField()

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "timeline"]

    @staticmethod
    def cases_to_show(cases):
        """The cases (already scoped) with what this serializer shows of each fetched alongside, so showing
        one costs the same queries however much it holds. The case file adds what the apps above know."""
        return cases

    def get_timeline(self, incident) -> list[dict]:
        return TimelineEventSerializer(self.context["timeline"], many=True).data


class IncidentUpdateSerializer(StrictSerializer):
    """A case's details as they may be changed (used with partial=True) or given when it starts."""

    home_local_authority = LocalAuthorityField(required=False, allow_null=True)
    placing_local_authority = LocalAuthorityField(required=False, allow_null=True)
    incident_date = PlausibleDateField()
    la_aware_date = PlausibleDateField()
    reason = serializers.ChoiceField(choices=Reason.choices)
    abuse_or_neglect = serializers.ChoiceField(choices=AbuseOrNeglect.choices, required=False)
    looked_after_child_death = serializers.BooleanField(required=False)
    case_outline = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    children = ChildInputSerializer(many=True, required=False, max_length=MAX_CHILDREN_PER_CASE)
    offline_method = serializers.ChoiceField(choices=OfflineMethod.choices, required=False)
    offline_received_on = PlausibleDateField(required=False)
    version = VersionField()


class IncidentCreateSerializer(IncidentUpdateSerializer):
    """A draft notification (a local authority) or an offline one keyed by the secretariat."""

    version = None  # a new case has no version to check

    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)
    local_authority = LocalAuthorityField(required=False)
    offline_document = serializers.FileField(required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs["channel"] == Channel.OFFLINE:
            missing = {
                name: ["This field is required for an offline notification."]
                for name in ("offline_method", "offline_received_on")
                if name not in attrs
            }
            if missing:
                raise serializers.ValidationError(missing)
        else:
            extra = {
                name: ["Only an offline notification has this field."]
                for name in ("offline_method", "offline_received_on", "offline_document")
                if name in attrs
            }
            if extra:
                raise serializers.ValidationError(extra)
        return attrs


class SubmitSerializer(StrictSerializer):
    late_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)


class WithdrawSerializer(StrictSerializer):
    reason = RequiredTextField(message="Say why the notification is being withdrawn.")


def case_fields(validated):
    """Serializer field names to the model's: the API says local_authority, the model notifying_la."""
    renames = {"home_local_authority": "home_la", "placing_local_authority": "placing_la"}
    return {renames.get(name, name): value for name, value in validated.items()}


def show_names(user):
    return user.has_perm("incidents.see_child_names")
