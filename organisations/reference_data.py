"""England's regions and children's services authorities, as shipped with the service.

The authorities are the 153 upper-tier councils with children's services responsibilities from
1 April 2023 (Cumberland and Westmorland and Furness replaced Cumbria). organisations/data/SOURCES.md
names the published lists they were checked against.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

LOCAL_AUTHORITIES_CSV = Path(__file__).resolve().parent / "data" / "local_authorities.csv"

# ONS codes for England's nine regions (formerly government office regions).
REGIONS = {
    "North East": "E12000001",
    "North West": "E12000002",
    "Yorkshire and The Humber": "E12000003",
    "East Midlands": "E12000004",
    "West Midlands": "E12000005",
    "East of England": "E12000006",
    "London": "E12000007",
    "South East": "E12000008",
    "South West": "E12000009",
}


@dataclass(frozen=True)
class LocalAuthorityRow:
    name: str
    gss_code: str
    region: str
    partnership: str
    # Optional columns: an authority's and its partnership's team mailboxes. Empty leaves the one an
    # administrator set in the admin as it is.
    team_mailbox: str = ""
    partnership_mailbox: str = ""


def local_authority_rows(path=LOCAL_AUTHORITIES_CSV):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return [
            LocalAuthorityRow(
                name=row["name"].strip(),
                gss_code=row["gss_code"].strip(),
                region=row["region"].strip(),
                partnership=row["partnership"].strip(),
                team_mailbox=(row.get("team_mailbox") or "").strip(),
                partnership_mailbox=(row.get("partnership_mailbox") or "").strip(),
            )
            for row in csv.DictReader(f)
        ]
