"""The shipped reference data: 153 authorities in 9 regions, their partnerships, and reloads that change nothing."""

import json
import re

import pytest
from django.core.management import call_command

from organisations.models import Organisation, Region
from organisations.reference_data import REGIONS, local_authority_rows

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(
        Organisation.objects.values_list("pk", "kind", "name", "code", "region__name", "partnership__name")
    ), sorted(Region.objects.values_list("pk", "name", "gss_code"))


def test_it_ships_153_authorities_each_with_a_gss_code_and_a_region():
    rows = local_authority_rows()
    assert len(rows) == 153
    assert len({row.gss_code for row in rows}) == 153
    assert len({row.name for row in rows}) == 153
    assert all(re.fullmatch(r"E(06|08|09|10)\d{6}", row.gss_code) for row in rows)
    assert {row.region for row in rows} == set(REGIONS)


def test_it_loads_the_authorities_from_april_2023(capsys):
    call_command("load_reference_data")

    authorities = Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY)
    assert authorities.count() == 153
    assert Region.objects.count() == 9
    assert not authorities.filter(region__isnull=True).exists()
    assert not authorities.filter(partnership__isnull=True).exists()
    assert authorities.get(code="E06000063").name == "Cumberland"
    assert authorities.get(code="E06000064").name == "Westmorland and Furness"
    assert not authorities.filter(name="Cumbria").exists()
    leeds = authorities.get(name="Leeds")
    assert (leeds.code, leeds.region.name) == ("E08000035", "Yorkshire and The Humber")
    assert Organisation.objects.filter(kind=Organisation.Kind.PANEL).count() == 1
    assert "Created 153 local authorities" in capsys.readouterr().out


def test_it_shares_a_partnership_where_authorities_do():
    call_command("load_reference_data")
    hackney = Organisation.objects.get(name="Hackney")
    city = Organisation.objects.get(name="City of London")
    assert hackney.partnership == city.partnership
    assert hackney.partnership.local_authorities.count() == 2


def test_reloading_changes_nothing(capsys):
    call_command("load_reference_data")
    before = snapshot()
    capsys.readouterr()

    call_command("load_reference_data")

    assert snapshot() == before
    assert "Reference data already up to date" in capsys.readouterr().out


def test_reloading_restores_a_changed_authority():
    call_command("load_reference_data")
    Organisation.objects.filter(code="E08000035").update(name="Leeds (renamed)")
    call_command("load_reference_data")
    assert Organisation.objects.get(code="E08000035").name == "Leeds"


def test_it_lists_organisations_as_json(capsys):
    call_command("load_reference_data")
    capsys.readouterr()

    call_command("list_organisations", "--format", "json")

    records = json.loads(capsys.readouterr().out)
    assert len(records) == 153 + Organisation.objects.filter(kind="partnership").count() + 1
    leeds = next(r for r in records if r["name"] == "Leeds")
    assert leeds == {
        "kind": "local_authority",
        "name": "Leeds",
        "code": "E08000035",
        "region": "Yorkshire and The Humber",
        "partnership": "Leeds Safeguarding Children Partnership",
    }
    assert {r["kind"] for r in records} == {"local_authority", "partnership", "panel"}


def test_team_mailboxes_come_from_the_reference_data_and_an_empty_cell_keeps_the_admins(db):
    import dataclasses

    from organisations.reference_data import local_authority_rows
    from organisations.services import reference_data_load

    rows = local_authority_rows()
    leeds = next(row for row in rows if row.gss_code == "E08000035")
    with_mailboxes = dataclasses.replace(
        leeds, team_mailbox="childrens.duty@leeds.example.org", partnership_mailbox="lscp@leeds.example.org"
    )
    reference_data_load(rows=[with_mailboxes if row is leeds else row for row in rows])
    authority = Organisation.objects.get(code="E08000035")
    assert authority.team_mailbox == "childrens.duty@leeds.example.org"
    assert authority.partnership.team_mailbox == "lscp@leeds.example.org"

    Organisation.objects.filter(code="E08000032").update(team_mailbox="set.in.admin@bradford.example.org")
    reference_data_load(rows=rows)  # cells empty: nothing an administrator set is lost
    assert Organisation.objects.get(code="E08000035").team_mailbox == "childrens.duty@leeds.example.org"
    assert Organisation.objects.get(code="E08000032").team_mailbox == "set.in.admin@bradford.example.org"
