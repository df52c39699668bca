"""Writes to organisations and people: reference data, users, memberships, API tokens and second factors."""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from .models import Membership, Organisation, Region, Role, User, role_mismatch_message
from .reference_data import REGIONS, local_authority_rows


@dataclass
class LoadCounts:
    """How many rows a load created and updated; everything else was already as shipped."""

    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)

    def add(self, kind, outcome):
        bucket = self.created if outcome == "created" else self.updated if outcome == "updated" else None
        if bucket is not None:
            bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed_anything(self):
        return bool(self.created or self.updated)


def _sync(model, lookup, values):
    """Create the row, or update it only where it differs, so that a reload writes nothing."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        model.objects.create(**lookup, **values)
        return "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    return "updated"


def partnership_code(name):
    return slugify(name)[:100]


@transaction.atomic
def reference_data_load(*, rows=None):
    """Load the regions, the Panel, the local authorities and their partnerships; idempotent."""
    rows = local_authority_rows() if rows is None else rows
    counts = LoadCounts()

    for name, gss_code in REGIONS.items():
        counts.add("regions", _sync(Region, {"gss_code": gss_code}, {"name": name}))
    regions = {region.name: region for region in Region.objects.all()}

    counts.add(
        "panel",
        _sync(
            Organisation,
            {"kind": Organisation.Kind.PANEL},
            {"name": "Child Safeguarding Practice Review Panel", "code": "panel"},
        ),
    )

    mailboxes = {row.partnership: row.partnership_mailbox for row in rows if row.partnership_mailbox}
    for partnership_name in sorted({row.partnership for row in rows}):
        values = {"kind": Organisation.Kind.PARTNERSHIP, "name": partnership_name}
        if partnership_name in mailboxes:
            values["team_mailbox"] = mailboxes[partnership_name]
        counts.add("partnerships", _sync(Organisation, {"code": partnership_code(partnership_name)}, values))
    partnerships = {org.name: org for org in Organisation.objects.filter(kind=Organisation.Kind.PARTNERSHIP)}

    for row in rows:
        if row.region not in regions:
            raise ValidationError(f"{row.name}: unknown region {row.region!r}")
        counts.add(
            "local_authorities",
            _sync(
                Organisation,
                {"code": row.gss_code},
                {
                    "kind": Organisation.Kind.LOCAL_AUTHORITY,
                    "name": row.name,
                    "region": regions[row.region],
                    "partnership": partnerships[row.partnership],
                    **({"team_mailbox": row.team_mailbox} if row.team_mailbox else {}),
                },
            ),
        )
    return counts


@transaction.atomic
def user_create(*, email, organisation, role, full_name="", password=None):
    """Create a person with one role in one organisation, or add the role to an existing person."""
    role = Role(role)
    message = role_mismatch_message(role, organisation)
    if message:
        raise ValidationError({"role": message})
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    return user


def api_token_create(*, user):
    """Issue an API token. Only its digest is stored; the returned key is shown once and never again."""
    _instance, key = AuthToken.objects.create(user=user)
    return key


def api_token_revoke(*, user, token_key):
    """Revoke one of the person's own tokens (by the first characters knox keeps): gone at once.

    Another person's token is not found, as if it did not exist.
    """
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    if not deleted:
        raise AuthToken.DoesNotExist("No such token.")


def expired_tokens_delete(*, before):
    """Delete the API tokens that expired before `before`; returns how many.

    Signing in with a token looks at that token alone (organisations.authentication): an expired one is
    refused, and deleted, when it is presented. The rest of a person's expired tokens are swept here, by
    `manage.py purge` (casefile.retention), not on every request.
    """
    deleted, _ = AuthToken.objects.filter(expiry__lt=before).delete()
    return deleted


def user_preferences_update(*, user, wants_case_messages):
    """A person chooses whether to be emailed about what happens on their cases (never about deadlines)."""
    user.wants_case_messages = wants_case_messages
    user.save(update_fields=["wants_case_messages"])
    return user


# Second factors (django-otp) -----------------------------------------------------------------------

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


def authenticator_start(*, user):
    """The authenticator app a person is setting up: the same one until they confirm it, so reloading the
    set-up page shows the same key rather than one their phone never saw."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


@dataclass(frozen=True)
class CodeCheck:
    """What a code proved: the device it came from, or why it was refused (wrong, or too many wrong codes)."""

    device: object = None
    wait_until: datetime.datetime | None = None
    recovery_codes_left: int | None = None


def _normalised(code):
    """A code as a person might type it: spaces, hyphens and capitals are not part of it."""
    return re.sub(r"[\s-]", "", code or "").lower()


def _checked(user, device, code):
    """Check `code` against one device, under django-otp's throttling: after n wrong codes in a row the
    device checks nothing for 2^(n-1) seconds (OTP_TOTP_THROTTLE_FACTOR, OTP_STATIC_THROTTLE_FACTOR)."""
    allowed, why = device.verify_is_allowed()
    if not allowed:
        return False, why.get("locked_until")
    # verify_token locks the device's row, so two requests cannot both use one code.
    return verify_token(user, device.persistent_id, code) is not None, None


@transaction.atomic
def authenticator_confirm(*, user, code):
    """Confirm the app being set up with a code from it. It replaces any earlier app, and the person gets new
    recovery codes (shown once). Returns the CodeCheck and, when the code was right, the recovery codes."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        return CodeCheck(), None
    accepted, wait_until = _checked(user, device, _normalised(code))
    if not accepted:
        return CodeCheck(wait_until=wait_until), None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return CodeCheck(device=device), recovery_codes_replace(user=user)


def second_factor_check(*, user, code):
    """A code at sign-in: six digits from the person's authenticator app, or one of their recovery codes,
    which is then used up."""
    code = _normalised(code)
    if re.fullmatch(r"\d{6}", code):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return CodeCheck()
    accepted, wait_until = _checked(user, device, code)
    if not accepted:
        return CodeCheck(wait_until=wait_until)
    left = StaticToken.objects.filter(device=device).count() if isinstance(device, StaticDevice) else None
    return CodeCheck(device=device, recovery_codes_left=left)


@transaction.atomic
def recovery_codes_replace(*, user):
    """Ten new single-use recovery codes, for when the phone is not to hand; the old ones stop working.
    The page shows them once; the service never shows them again."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_factor_reset(*, user):
    """An administrator removes a person's authenticator app and recovery codes (a lost phone). A person who
    needs a second factor sets up a new app at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
