"""Template tags for GOV.UK components: `{% field form.x %}`, `{% error_summary form %}`, `{% tag ... %}`."""

from django import template

from .. import components

register = template.Library()


@register.simple_tag
def field(bound_field, heading=False, classes=None):
    """A form field as its GOV.UK component; `heading=True` makes its label the page's h1."""
    return components.field_component(bound_field, heading=heading, classes=classes)


@register.simple_tag
def error_summary(*forms):
    return components.error_summary(list(forms))


@register.simple_tag
def tag(text, colour=None):
    return components.tag(text, colour)


@register.simple_tag
def deadline_tag(deadline, on=None):
    """A deadline's state as a tag: days left, due today, overdue, met or cancelled."""
    text, colour = deadline_state(deadline, on)
    return components.tag(text, colour)


def deadline_state(deadline, on=None):
    from incidents.workflow import today

    on = on or today()
    if deadline.cancelled_on:
        return "Cancelled", "grey"
    if deadline.met_on:
        return ("Met late", "orange") if deadline.met_on > deadline.due_on else ("Met", "green")
    if deadline.due_on is None:
        return "Not yet due", "grey"
    days = (deadline.due_on - on).days
    if days < 0:
        return f"Overdue by {-days} day{'s' if days != -1 else ''}", "red"
    if days == 0:
        return "Due today", "orange"
    return f"{days} day{'s' if days != 1 else ''} left", "yellow" if days <= 2 else "blue"


@register.filter
def gov_date(value):
    """A date as GOV.UK writes it: 4 June 2025."""
    return f"{value:%-d %B %Y}" if value else ""


@register.simple_tag
def button(text, secondary=False, warning=False, href=None, name=None, value=None):
    classes = " ".join(
        c for c in ("govuk-button--secondary" if secondary else "", "govuk-button--warning" if warning else "") if c
    )
    params = {"text": text, "preventDoubleClick": True}
    if classes:
        params["classes"] = classes
    if href:
        params["href"] = href
    if name:
        params["name"] = name
        params["value"] = value or ""
    return components.component("button", params)


@register.simple_tag(takes_context=True)
def service_header(context):
    """GOV.UK header, then the service's name and navigation; sign out is a form (a POST)."""
    from django.middleware.csrf import get_token
    from django.urls import reverse
    from django.utils.html import format_html

    request = context["request"]
    header = components.component("header", {"homepageUrl": reverse("home")})
    params = {"serviceName": context["service_name"], "serviceUrl": reverse("home")}
    if request.user.is_authenticated:
        from organisations.rules import needs_second_factor

        path = request.path
        user = request.user
        links = [("Home", reverse("home"))]
        if user.has_perm("incidents.read_cases"):
            links += [("Cases", reverse("web:case-list")), ("Search", reverse("web:search"))]
        if user.has_perm("letters.view_letter"):  # asked of no letter: the Panel's caseworkers
            links.append(("Letters to approve", reverse("web:letters-awaiting-approval")))
        if user.has_perm("reports.view_statistics"):
            links += [("Statistics", reverse("web:statistics")), ("Regions", reverse("web:regions"))]
        links += [("API tokens", reverse("web:tokens")), ("Two-factor authentication", reverse("two-factor"))]
        if not user.is_verified() and needs_second_factor(user):
            links = []  # nothing but signing out until the second factor is given (organisations.middleware)
        params["navigation"] = [
            {"href": href, "text": text, "active": path == href or (href != "/" and path.startswith(href))}
            for text, href in links
        ]
        params["slots"] = {
            "navigationEnd": format_html(
                '<li class="govuk-service-navigation__item"><form method="post" action="{}" class="app-sign-out">'
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<button type="submit" class="govuk-service-navigation__link app-link-button">Sign out</button>'
                "</form></li>",
                reverse("sign-out"),
                get_token(request),
            )
        }
    return header + components.component("service-navigation", params)


@register.simple_tag(takes_context=True)
def phase_banner(context):
    from django.utils.html import format_html

    html = format_html(
        'This is a new service. Tell us what you think at <a class="govuk-link" href="mailto:{0}">{0}</a>.',
        context["service_contact_email"],
    )
    return components.component("phase-banner", {"tag": {"text": "Beta"}, "html": html})


@register.simple_tag
def service_footer():
    from django.urls import reverse

    links = [("Accessibility statement", reverse("web:accessibility")), ("Privacy notice", reverse("web:privacy"))]
    return components.component("footer", {"meta": {"items": [{"href": href, "text": text} for text, href in links]}})


@register.simple_tag
def pagination(page, query=""):
    """GOV.UK pagination for a Django page: previous, numbered links (with ellipses) and next."""
    if page.paginator.num_pages <= 1:
        return ""
    prefix = f"?{query}&page=" if query else "?page="
    params = {}
    if page.has_previous():
        params["previous"] = {"href": f"{prefix}{page.previous_page_number()}"}
    if page.has_next():
        params["next"] = {"href": f"{prefix}{page.next_page_number()}"}
    items = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": f"{prefix}{number}", "current": number == page.number})
    params["items"] = items
    return components.component("pagination", params)


@register.simple_tag
def overdue(incident, on):
    """True if an open deadline of the case (prefetched) is past its due date."""
    return any(d.status == "open" and d.due_on < on for d in incident.deadlines.all())
