"""A page whose total is counted in the page's own query (web.pagination.page_counted), as Paginator would give it."""

import pytest
from django.core.paginator import Paginator
from django.db.models import Count

from organisations.models import Organisation
from tests.factories import LocalAuthorityFactory
from web.pagination import page_counted

pytestmark = pytest.mark.django_db


@pytest.fixture
def authorities():
    LocalAuthorityFactory.create_batch(7)
    return Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY).order_by("pk")


@pytest.mark.parametrize("number", [1, 2, 3, "2", None, "", "two"])
def test_it_gives_the_page_paginator_gives_with_its_count_in_one_query(authorities, number, django_assert_num_queries):
    expected = Paginator(authorities, 3).get_page(number)
    expected_rows = list(expected.object_list)
    with django_assert_num_queries(1):
        page = page_counted(authorities, number, 3)
        rows = list(page.object_list)
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (expected.number, 7, 3)
    assert rows == expected_rows
    assert (page.has_next(), page.has_previous()) == (expected.has_next(), expected.has_previous())


@pytest.mark.parametrize("number", [4, 9, "9", 0, -4])
def test_a_page_out_of_range_is_the_last_page_as_paginator_gives_it(authorities, number):
    expected = Paginator(authorities, 3).get_page(number)
    page = page_counted(authorities, number, 3)
    assert (page.number, page.paginator.count, list(page.object_list)) == (3, 7, list(expected.object_list))
    assert expected.number == 3


def test_no_rows_is_an_empty_first_page(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = page_counted(Organisation.objects.filter(pk=-1), 1, 3)
    assert page.number == 1 and page.paginator.count == 0 and list(page.object_list) == []


def test_a_grouped_query_counts_its_groups_not_the_rows_grouped(authorities):
    grouped = authorities.annotate(people=Count("memberships")).order_by("pk")
    page = page_counted(grouped, 1, 5)
    assert page.paginator.count == 7 and len(page.object_list) == 5
