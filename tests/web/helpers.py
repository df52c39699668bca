"""Checks every page test shares: GOV.UK error summaries that link to inputs on the page."""

import re
from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()
        self.h1 = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "h1":
            self.h1 += 1
        self._in_title = tag == "title" and not self.title

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def page_facts(response):
    parser = _Ids()
    parser.feed(response.content.decode())
    return parser


def error_summary_links(response):
    """The error summary's links, each checked to point at an element on the page; at least one."""
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html, "no GOV.UK error summary on the page"
    summary = html[html.index('class="govuk-error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    links = re.findall(r'<a href="#([^"]+)"', summary)
    assert links, "the error summary links to no field"
    facts = page_facts(response)
    missing = [link for link in links if link not in facts.ids]
    assert not missing, f"error summary links to ids not on the page: {missing}"
    assert facts.title.strip().startswith("Error: "), facts.title
    assert facts.h1 == 1
    return links
