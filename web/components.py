"""GOV.UK Frontend components for Django forms, rendered by the Design System's own macros as
govuk-frontend-django ships them (govuk-frontend-jinja, the Jinja port of GOV.UK Frontend's Nunjucks).

`field_component` turns a bound field into the component its widget calls for (input, textarea,
radios, checkboxes, select, date input, file upload) with its label, hint and error message;
`error_summary` lists a form's errors, each linked to the input that the browser should focus.
"""

from functools import cache

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from jinja2 import Environment, PackageLoader, PrefixLoader, select_autoescape

from .forms import GovDateWidget

MACROS = {
    "back-link": "govukBackLink",
    "button": "govukButton",
    "details": "govukDetails",
    "footer": "govukFooter",
    "header": "govukHeader",
    "inset-text": "govukInsetText",
    "phase-banner": "govukPhaseBanner",
    "service-navigation": "govukServiceNavigation",
    "skip-link": "govukSkipLink",
    "table": "govukTable",
    "character-count": "govukCharacterCount",
    "checkboxes": "govukCheckboxes",
    "date-input": "govukDateInput",
    "error-summary": "govukErrorSummary",
    "file-upload": "govukFileUpload",
    "input": "govukInput",
    "notification-banner": "govukNotificationBanner",
    "pagination": "govukPagination",
    "panel": "govukPanel",
    "radios": "govukRadios",
    "select": "govukSelect",
    "summary-list": "govukSummaryList",
    "tag": "govukTag",
    "task-list": "govukTaskList",
    "textarea": "govukTextarea",
    "warning-text": "govukWarningText",
}


@cache
def _environment():
    """govuk-frontend-jinja's macros, loaded once per process (the integration loads them on every render)."""
    return Environment(
        loader=PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        autoescape=select_autoescape(),
    )


@cache
def _template(name):
    path = f"govuk_frontend_jinja/components/{name}/macro.html"
    return _environment().from_string(f"{{%- from '{path}' import {MACROS[name]} -%}}{{{{ {MACROS[name]}(data) }}}}")


def _without_none(value):
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def component(name, params):
    """The HTML of a GOV.UK component from its Nunjucks parameters (the Design System's documentation)."""
    return mark_safe(_template(name).render(data=_without_none(params)))  # noqa: S308  rendered by the macros


def _label(field, heading):
    label = {"text": str(field.label)}
    if heading:
        label.update(isPageHeading=True, classes="govuk-label--l")
    return label


def _legend(field, heading):
    legend = {"text": str(field.label)}
    legend["classes"] = "govuk-fieldset__legend--l" if heading else "govuk-fieldset__legend--m"
    if heading:
        legend["isPageHeading"] = True
    return {"legend": legend}


def _common(field):
    params = {}
    if field.help_text:
        params["hint"] = {"text": str(field.help_text)}
    if field.errors:
        params["errorMessage"] = {"text": str(field.errors[0])}
    return params


def _choices(field):
    return [(str(value), str(label)) for value, label in field.field.choices if str(value) != ""]


def field_component(field, heading=False, classes=None):
    """The GOV.UK component for a bound field. `heading`: the field's label is the page's h1."""
    widget = field.field.widget
    if field.is_hidden:
        return str(field)  # a value the page carries (a record's version), not a question
    params = _common(field)
    value = field.value()
    if isinstance(widget, GovDateWidget):
        parts = value if isinstance(value, dict) else widget.parts(value)
        names = (("day", "Day", "govuk-input--width-2"), ("month", "Month", "govuk-input--width-2"))
        names += (("year", "Year", "govuk-input--width-4"),)
        bad = set(getattr(field.field, "bad_parts", ())) if field.errors else set()
        items = [
            {
                "name": name,
                "label": label,
                "value": parts.get(name, ""),
                "classes": f"{width}{' govuk-input--error' if field.errors and (not bad or name in bad) else ''}",
            }
            for name, label, width in names
        ]
        return component(
            "date-input",
            {"id": field.auto_id, "namePrefix": field.html_name, "items": items, "fieldset": _legend(field, heading)}
            | params,
        )
    if isinstance(widget, forms.RadioSelect):
        items = [{"value": v, "text": label, "checked": str(value) == v} for v, label in _choices(field)]
        return component(
            "radios",
            {"name": field.html_name, "idPrefix": field.auto_id, "items": items, "fieldset": _legend(field, heading)}
            | ({"classes": classes} if classes else {})
            | params,
        )
    if isinstance(widget, forms.CheckboxSelectMultiple):
        chosen = {str(v) for v in (value or [])}
        items = [{"value": v, "text": label, "checked": v in chosen} for v, label in _choices(field)]
        return component(
            "checkboxes",
            {"name": field.html_name, "idPrefix": field.auto_id, "items": items, "fieldset": _legend(field, heading)}
            | params,
        )
    if isinstance(widget, forms.CheckboxInput):
        item = {"value": "on", "text": str(field.label), "checked": bool(value)}
        if field.help_text:
            item["hint"] = params.pop("hint")
        return component(
            "checkboxes",
            {"name": field.html_name, "idPrefix": field.auto_id, "items": [item], "classes": "govuk-checkboxes--small"}
            | params,
        )
    if isinstance(widget, forms.Select):
        empty = next((str(label) for v, label in field.field.choices if str(v) == ""), "Choose")
        items = [{"value": "", "text": empty}] + [
            {"value": v, "text": label, "selected": str(value) == v} for v, label in _choices(field)
        ]
        return component(
            "select",
            {"id": field.auto_id, "name": field.html_name, "items": items, "label": _label(field, heading)} | params,
        )
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return component(
            "file-upload", {"id": field.auto_id, "name": field.html_name, "label": _label(field, heading)} | params
        )
    common = {"id": field.auto_id, "name": field.html_name, "label": _label(field, heading)}
    common["value"] = "" if value is None else str(value)
    if isinstance(widget, forms.Textarea):
        max_length = getattr(field.field, "max_length", None)
        rows = widget.attrs.get("rows", 5)
        if max_length and max_length <= 2000:
            return component("character-count", common | {"maxlength": max_length, "rows": rows} | params)
        return component("textarea", common | {"rows": rows} | params)
    input_params = {"type": getattr(widget, "input_type", "text"), "spellcheck": False}
    for attr in ("autocomplete", "inputmode"):
        if attr in widget.attrs:
            input_params[attr] = widget.attrs[attr]
    if classes or widget.attrs.get("class"):
        input_params["classes"] = classes or widget.attrs["class"]
    return component("input", common | input_params | params)


def field_anchor(field):
    """Where the error summary links to for a field: the first input a person fixes."""
    widget = field.field.widget
    if isinstance(widget, GovDateWidget):
        bad = list(getattr(field.field, "bad_parts", ())) or ["day"]
        return f"#{field.auto_id}-{bad[0]}"
    return f"#{field.auto_id}"


def error_summary(form):
    """The form's errors at the top of the page, each linked to its field; non-field errors first."""
    forms_ = form if isinstance(form, list | tuple) else [form]
    items = []
    for each in forms_:
        if each is None or not each.errors:
            continue
        items += [{"text": str(error)} for error in each.non_field_errors()]
        for bound in each:
            if bound.errors:
                items.append({"text": str(bound.errors[0]), "href": field_anchor(bound)})
    if not items:
        return ""
    return component("error-summary", {"titleText": "There is a problem", "errorList": items})


def tag(text, colour=None):
    return component("tag", {"text": str(text)} | ({"classes": f"govuk-tag--{colour}"} if colour else {}))


def escape(value):
    return conditional_escape(value)
