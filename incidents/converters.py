"""Case references in URLs: what cannot be a reference is not found, before any query is made.

A path segment is otherwise any text, and PostgreSQL refuses some text outright (a NUL byte), so a
malformed reference would be a server error instead of a 404.
"""

from django.urls import register_converter

# As incidents.services.reference_next makes them: CSPR-2025-00042 (more digits after 99,999 cases a year).
REFERENCE_PATTERN = r"CSPR-[0-9]{4}-[0-9]{5,10}"


class CaseReferenceConverter:
    regex = REFERENCE_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CaseReferenceConverter, "case_reference")
# The case's part of a path, for the apps whose URLs hang off a case (incidents/<reference>/...).
CASE_REFERENCE = "<case_reference:reference>"
