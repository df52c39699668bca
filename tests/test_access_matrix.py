"""The access matrix: every page and API endpoint of the URL configuration, asked by every role of its own and
another organisation, for a case in every state it applies to (tests/access_matrix.py says what each URL allows).

A URL without an entry in the matrix fails, and so does an entry without a URL. Outside a person's cases is 404,
never 403; a role the URL is not for is 403; analysts never reach a case nor read anything identifying one; the
admin refuses everyone but staff. A person who may not change something sends it POST, PATCH and DELETE with an
empty body, and nothing changes. Nothing answers 5xx. The number of combinations checked is written to the
terminal and to access-matrix.json among the test artefacts.
"""

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.http import StreamingHttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from incidents.models import Child, Incident, TimelineEvent
from letters.models import Letter
from organisations.models import Membership, User
from organisations.services import api_token_create
from reviews.models import Lcspr, LcsprMilestone, RapidReview, RapidReviewVersion, Recommendation
from tests.signin import sign_in

from .access_matrix import (
    ACCESS,
    ANALYST,
    ANONYMOUS,
    CASE,
    CHILD_BORN,
    CHILD_SURNAME,
    DRAFT,
    LA_NOTIFIER,
    LETTER,
    OWN,
    OWN_TOKEN,
    PARTNERSHIP_LEAD,
    POST_ONLY,
    PUBLIC,
    SECRETARIAT,
    STAFF,
    cases_create,
    people_create,
)

pytestmark = pytest.mark.django_db

UNSAFE_METHODS = ("post", "patch", "delete")
# What the admin's own site adds besides each registered model's pages: all of it is for staff, but its sign-in.
ADMIN_SITE_KEYS = {
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
    "admin/(?P<url>.*)$",
}
# A model's admin pages that are not the four the admin gives every model (changelist, add, change, history,
# delete and the redirect from its bare id): each is staff-only like the rest, but named here so a new one is seen.
ADMIN_EXTRA_KEYS = {
    "admin:auth_user_password_change",
    "admin:incidents_incident_transition",
    "admin:letters_letter_transition",
    "admin:otp_totp_totpdevice_config",
    "admin:otp_totp_totpdevice_qrcode",
    "admin:audit_accessevent_csv",
}
ADMIN_MODEL_VIEWS = ("changelist", "add", "change", "history", "delete")
ARTIFACTS = Path(
    os.environ.get("BROWSER_ARTIFACTS")
    or os.environ.get("CI_ARTIFACTS_DIR")
    or Path(settings.BASE_DIR) / "var" / "test-artifacts"
)

# Combinations checked in this run, by kind; written out when the module ends.
CHECKED = Counter()


# The URL configuration ---------------------------------------------------------------------------------------


def url_patterns(resolver=None, prefix="", namespace=None):
    """Every URL pattern of the service, keyed by its name (namespace:name) or, unnamed, its route."""
    resolver = resolver or get_resolver()
    found = {}
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            found |= url_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            found[name or route] = pattern
    return found


def admin_model_keys():
    """What the admin gives each registered model: its named pages, and the redirect from its bare id."""
    keys = set()
    for model in admin.site._registry:
        opts = model._meta
        keys |= {f"admin:{opts.app_label}_{opts.model_name}_{view}" for view in ADMIN_MODEL_VIEWS}
        keys.add(f"admin/{opts.app_label}/{opts.model_name}/<path:object_id>/")
        if isinstance(admin.site._registry[model], SimpleHistoryAdmin):
            keys.add(f"admin:{opts.app_label}_{opts.model_name}_simple_history")
    return keys


def admin_keys():
    return ADMIN_SITE_KEYS | ADMIN_EXTRA_KEYS | admin_model_keys()


# The people, the cases and their clients ----------------------------------------------------------------------


@dataclass
class World:
    people: list
    cases: dict
    token_key: str
    media: Path


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory, request):
    """The people and a Leeds case in every state, made once for the module inside a transaction that is rolled
    back at its end (each test's own transaction is a savepoint within it, as Django's setUpTestData does)."""
    media = tmp_path_factory.mktemp("access-matrix-media")
    overrides = override_settings(
        MEDIA_ROOT=media,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    with django_db_blocker.unblock(), overrides:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            leeds, people = people_create()
            cases = cases_create(leeds, people)
            notifier = next(person.user for person in people if (person.role, person.org) == (LA_NOTIFIER, OWN))
            api_token_create(user=notifier)
            token_key = AuthToken.objects.get(user=notifier).token_key
            yield World(people=people, cases=cases, token_key=token_key, media=media)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
    _report(request.config)


def _report(config):
    """The combinations checked, as an artefact for the security document's figures (the terminal summary in
    tests/conftest.py prints them too)."""
    if not CHECKED:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "access-matrix.json").write_text(json.dumps(dict(sorted(CHECKED.items())), indent=2) + "\n")


@pytest.fixture(autouse=True)
def media_root(settings, world):
    """The module's documents, stored once when its cases were made (in place of each test's own folder)."""
    settings.MEDIA_ROOT = world.media
    settings.PSEUDONYM_KEY = "access-matrix-pseudonym-key-0123456789abcdef"
    return world.media


def clients_for(people):
    clients = {}
    for person in people:
        client = Client()
        if person.role != ANONYMOUS:
            sign_in(client, person.user)
        clients[person] = client
    return clients


# What the rules say --------------------------------------------------------------------------------------------


def sees_case(person, state):
    """incidents.selectors.incident_list, as a table: a draft is its authority's alone; analysts see no case."""
    if person.role == STAFF:
        return True
    if person.role in (ANONYMOUS, ANALYST) or person.org not in (OWN, "england"):
        return False
    if person.role == LA_NOTIFIER:
        return True
    return state != DRAFT


def sees_letter(person, case):
    """letters.view_letter: the Panel sees every letter, the case's LA and partnership an issued one."""
    if not sees_case(person, case.state):
        return False
    return person.role not in (LA_NOTIFIER, PARTNERSHIP_LEAD) or case.letter.status == Letter.Status.ISSUED


def sees_names(person):
    """incidents.see_child_names: the authority, the partnership and the secretariat; not Panel members."""
    return person.role in (LA_NOTIFIER, PARTNERSHIP_LEAD, SECRETARIAT, STAFF)


def in_scope(entry, person, case):
    if entry.kind == CASE:
        return sees_case(person, case.state)
    if entry.kind == LETTER:
        return sees_letter(person, case)
    return True


def is_api(url):
    return url.startswith("/api/")


def to_sign_in(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("sign-in"))


def expected_get(entry, person, case, url):
    """The codes a GET may answer, and why."""
    if person.role == ANONYMOUS and entry.kind != PUBLIC:
        return ({401}, "API without credentials") if is_api(url) else ("sign-in", "a page needs signing in")
    if entry.get == POST_ONLY:
        return (POST_ONLY if in_scope(entry, person, case) else {404, 405}), "takes no GET"
    if not in_scope(entry, person, case):
        return {404}, "outside the person's cases"
    if entry.kind == OWN_TOKEN:
        return entry.get, "a person's own tokens"
    if person.role not in entry.readers:
        return entry.refused, "a role it is not for"
    if case is not None and not entry.applies_in(case.state):
        return entry.otherwise, f"the case is {case.state}"
    return entry.get, "allowed"


def expected_unsafe(entry, person, case, url):
    """What refusing a change looks like: never 2xx, never 409 or 400 before the role is checked. 415 is an empty
    body of a type the URL does not read, refused before anything else is looked at."""
    if entry.kind == PUBLIC:
        return {403, 405}, "a page that changes nothing"
    if person.role == ANONYMOUS:
        return ({401, 403, 405}, "API without credentials") if is_api(url) else ("sign-in", "not signed in")
    codes, why = {403, 405, 415}, "a role that may not change it"
    if not in_scope(entry, person, case):
        codes, why = {404, 405, 415}, "outside the person's cases"
    if entry.kind == OWN_TOKEN:
        codes, why = {404, 405}, "another person's token"
    return codes, why


def may_change(entry, person, case):
    """Whether the person is left out of the refused changes: one who may make them, or, on a page that changes
    nothing, one who may read it (whatever they send reads it; the fingerprint shows nothing changed)."""
    if entry.kind == OWN_TOKEN:
        return (person.role, person.org) == (LA_NOTIFIER, OWN)  # the token is the Leeds notifier's
    if entry.kind == PUBLIC:
        return person.role in entry.may_write
    if person.role == ANONYMOUS:
        return False
    if not in_scope(entry, person, case):
        return False
    return person.role in entry.may_write or (not entry.may_write and person.role in entry.readers)


def unsafe_methods(pattern):
    """The changing methods a URL's view takes (405 for the rest is Django's and DRF's, not ours to test)."""
    actions = getattr(pattern.callback, "actions", None)
    if actions is not None:
        return [method for method in UNSAFE_METHODS if method in actions]
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is not None:
        return [method for method in UNSAFE_METHODS if hasattr(view_class, method)] or ["post"]
    return ["post"]  # a function view: a POST reaches it unless it refuses the method


def matches(expected, response):
    if expected == "sign-in":
        return to_sign_in(response)
    return response.status_code in expected


# What no one outside a case may read -----------------------------------------------------------------------------


def body_of(response):
    streamed = isinstance(response, StreamingHttpResponse)
    content = b"".join(response.streaming_content) if streamed else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return ""
    return content.decode(errors="replace")


def leaks(person, cases, response):
    """What the response shows that the person may not read: another case's reference, a child's name to
    someone who may not see names, anything identifying a child to an analyst."""
    body = body_of(response)
    if not body:
        return []
    found = []
    for case in cases.values():
        if not sees_case(person, case.state):
            found += [word for word in (case.incident.reference, case.surname) if word in body]
    if not sees_names(person) and CHILD_SURNAME in body:
        found.append("a child's name")
    if person.role == ANALYST:
        found += [day for day in (CHILD_BORN.isoformat(), f"{CHILD_BORN:%-d %B %Y}") if day in body]
    return found


def fingerprint():
    """The state of everything a refused request could change."""
    return (
        list(Incident.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        list(Child.objects.order_by("pk").values_list("pk", "first_name", "last_name", "age_years")),
        TimelineEvent.objects.count(),
        list(RapidReview.objects.order_by("pk").values_list("pk", "status")),
        RapidReviewVersion.objects.count(),
        list(Lcspr.objects.order_by("pk").values_list("pk", "status")),
        LcsprMilestone.objects.count(),
        list(Recommendation.objects.order_by("pk").values_list("pk", "status")),
        list(Letter.objects.order_by("pk").values_list("pk", "status", "subject", "body_markdown")),
        AuthToken.objects.count(),
        list(User.objects.order_by("pk").values_list("pk", "is_active", "password")),
        Membership.objects.count(),
    )


# The checks ----------------------------------------------------------------------------------------------------


def urls_of(key, entry, world):
    """The URL for each state the entry is checked in (one, with no case, for a URL not about a case)."""
    pattern = url_patterns()[key]
    defaults = set(pattern.default_args)
    if entry.kind == OWN_TOKEN:
        return [(None, reverse(key, kwargs=entry.kwargs(None, world)))]
    if entry.kwargs is None:
        assert not set(pattern.pattern.regex.groupindex) - defaults, f"{key} takes a case: give its entry kwargs"
        return [(None, reverse(key))]
    return [
        (world.cases[state], reverse(key, kwargs=entry.kwargs(world.cases[state], world))) for state in entry.states
    ]


def test_it_has_an_entry_for_every_url_and_a_url_for_every_entry():
    urls = set(url_patterns())
    admin = {key for key in urls if key.startswith(("admin:", "admin/"))}
    missing = sorted((urls - admin) - set(ACCESS)) + sorted(admin - admin_keys())
    assert not missing, f"add it to the access matrix (tests/access_matrix.py): {missing}"
    gone = sorted(set(ACCESS) - urls) + sorted(key for key in admin_keys() - urls if key not in ADMIN_EXTRA_KEYS)
    gone += sorted(ADMIN_EXTRA_KEYS - urls)
    assert not gone, f"the access matrix names URLs that no longer exist: {gone}"


@pytest.mark.parametrize("key", sorted(ACCESS))
def test_it_answers_each_role_as_the_matrix_says(key, world):
    entry = ACCESS[key]
    CHECKED["URL keys"] += 1
    clients = clients_for(world.people)
    methods = unsafe_methods(url_patterns()[key])
    problems = []
    before = fingerprint()
    for case, url in urls_of(key, entry, world):
        target = f"{url}?{entry.query}" if entry.query else url
        state = getattr(case, "state", None)
        for person, client in clients.items():
            where = f"{person.label}{f', case {state}' if state else ''}: {target}"
            response = client.get(target)
            CHECKED["GET"] += 1
            CHECKED["URL keys x people x states"] += 1
            codes, why = expected_get(entry, person, case, url)
            if response.status_code >= 500 or not matches(codes, response):
                problems.append(f"GET as {where}: {response.status_code}, expected {codes} ({why})")
            elif 200 <= response.status_code < 300 and (shown := leaks(person, world.cases, response)):
                problems.append(f"GET as {where} shows what they may not see: {shown}")
            if may_change(entry, person, case):
                continue
            for method in methods:
                response = getattr(client, method)(url, content_type="application/json")
                CHECKED[method.upper()] += 1
                codes, why = expected_unsafe(entry, person, case, url)
                if response.status_code >= 500 or not matches(codes, response):
                    problems.append(f"{method.upper()} as {where}: {response.status_code}, expected {codes} ({why})")
    assert fingerprint() == before, "a refused request changed something"
    assert not problems, f"{len(problems)} answers differ from the access matrix:\n" + "\n".join(problems)


# The admin -------------------------------------------------------------------------------------------------------

ADMIN_FILL = {
    "object_id": "1",
    "app_label": "incidents",
    "content_type_id": "1",
    "transition_name": "withdraw",
    "pk": "1",
    "id": "1",
    "url": "no-such-page/",
}


def admin_url(key, pattern):
    regex = pattern.pattern.regex
    if key.startswith("admin:"):
        if regex.groups > len(regex.groupindex):  # unnamed groups, as simple_history's page of one version
            return reverse(key, args=["1"] * regex.groups)
        return reverse(key, kwargs={name: ADMIN_FILL[name] for name in regex.groupindex})
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: ADMIN_FILL[match.group(1)], key)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: ADMIN_FILL[match.group(1)], route)
    return "/" + route.rstrip("$")


def test_it_sends_everyone_but_staff_to_the_admins_sign_in(world):
    """Every admin URL: a redirect to the admin's sign-in (or to another admin URL that does), never a page."""
    clients = clients_for([person for person in world.people if person.role != STAFF])
    problems = []
    before = fingerprint()
    for key, pattern in sorted(url_patterns().items()):
        if not key.startswith(("admin:", "admin/")) or key == "admin:login":
            continue
        CHECKED["admin URL keys"] += 1
        url = admin_url(key, pattern)
        for person, client in clients.items():
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                CHECKED[f"admin {method.upper()}"] += 1
                location = response.get("Location", "")
                refused = (response.status_code in (301, 302) and location.startswith("/admin/")) or (
                    key == "admin/(?P<url>.*)$" and response.status_code == 404
                )
                if not refused:
                    problems.append(f"{method.upper()} {url} as {person.label}: {response.status_code} {location}")
    assert fingerprint() == before, "a refused request changed something"
    assert not problems, "the admin let in someone who is not staff:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "model", sorted(admin.site._registry, key=lambda model: model._meta.label), ids=lambda model: model._meta.label
)
def test_it_opens_each_models_admin_pages_to_staff(model, world):
    """Each model's list, add, change and history pages, as its ModelAdmin allows staff (403 where it does not:
    a record nobody adds or changes through the admin)."""
    staff = next(person for person in world.people if person.role == STAFF)
    client = clients_for([staff])[staff]
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = staff.user
    opts = model._meta
    record = model._default_manager.order_by("pk").first()
    pages = [("changelist", [], model_admin.has_view_or_change_permission(request))]
    pages.append(("add", [], model_admin.has_add_permission(request)))
    if record is not None:
        allowed = model_admin.has_view_or_change_permission(request, record)
        pages += [("change", [record.pk], allowed), ("history", [record.pk], allowed)]
    pages_of_site = [reverse("admin:index"), reverse("admin:app_list", kwargs={"app_label": opts.app_label})]
    problems = []
    for url in pages_of_site:
        response = client.get(url)
        CHECKED["admin GET as staff"] += 1
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
    for view, args, allowed in pages:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
        response = client.get(url)
        CHECKED["admin GET as staff"] += 1
        expected = {200, 302} if allowed else {403}
        if response.status_code not in expected:
            problems.append(f"{url}: {response.status_code}, expected {expected}")
    assert not problems, "\n".join(problems)
