"""Cursors name rows, not positions: paging survives inserts and deletes, forgeries fail.

The demo catalogue has 9 live tariffs, cheapest first: 200, 299, 300, 350, 650, ... roubles.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from models import (
    AuditAction,
    EntryKind,
    LedgerEntry,
    Line,
    Service,
    Tariff,
    TariffKind,
    post_entry,
)
from models.access.audit import Actor, record
from models.errors import DomainError
from resolvers.pagination import PageArgs, paginate_list
from tests.conftest import GQL
from tests.helpers import login
from tests.querycount import assert_num_queries, count_queries

TARIFFS = """
query Tariffs($first: Int, $after: String, $last: Int, $before: String) {
  tariffs(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { code } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

SERVICES = """
query Services($after: String) {
  serviceCatalog(first: 2, after: $after) { edges { cursor node { code } } }
}
"""

HISTORY = """
query History($first: Int, $after: String) {
  viewer { line(msisdn: "9031234567") {
    transactions(first: $first, after: $after) {
      totalCount
      edges { cursor node { description } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
    auditLog(first: 1) { edges { cursor } }
  } }
}
"""

AUDIT = """
query Audit($after: String) {
  viewer { line(msisdn: "9031234567") { auditLog(first: 2, after: $after) { totalCount } } }
}
"""


async def tariffs(gql: GQL, **variables: Any) -> dict[str, Any]:
    result = await gql(TARIFFS, variables)
    assert "errors" not in result, result
    return result["data"]["tariffs"]


def codes(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["code"] for edge in page["edges"]]


def flags(page: dict[str, Any]) -> tuple[bool, bool]:
    return page["pageInfo"]["hasPreviousPage"], page["pageInfo"]["hasNextPage"]


def cursor(payload: Any) -> str:
    raw = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


async def add_tariff(code: str, fee_roubles: int) -> Tariff:
    return await Tariff.create(
        code=code, name=code, kind=TariffKind.MOBILE, monthly_fee=fee_roubles * 100
    )


async def test_a_tariff_inserted_between_two_pages_neither_repeats_nor_is_skipped(
    gql: GQL, demo
) -> None:
    everything = codes(await tariffs(gql, first=100))
    first = await tariffs(gql, first=3)
    assert codes(first) == everything[:3]
    await add_tariff("cheapest", 1)  # lands before the page already read
    await add_tariff("middle", 400)  # lands after it, between 350 and 650 roubles
    second = await tariffs(gql, first=3, after=first["pageInfo"]["endCursor"])
    assert codes(second) == [everything[3], "middle", everything[4]]


async def test_a_deleted_tariff_does_not_shift_the_next_page(gql: GQL, demo) -> None:
    gone = await add_tariff("gone", 250)  # second cheapest
    everything = codes(await tariffs(gql, first=100))
    first = await tariffs(gql, first=3)
    assert codes(first) == everything[:3]
    assert "gone" in codes(first)
    await gone.delete()
    second = await tariffs(gql, first=3, after=first["pageInfo"]["endCursor"])
    assert codes(second) == everything[3:6]
    # the cursor of the deleted row itself still says where to go on from
    after_gone = first["edges"][1]["cursor"]
    page = await tariffs(gql, first=2, after=after_gone)
    assert codes(page) == everything[2:4]
    assert flags(page) == (True, True)


async def without_demo_history() -> None:
    """Only the demo's entries of today: two a line, whatever months of history it has."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    await LedgerEntry.filter(created_at__lt=today - timedelta(days=1)).delete()


async def test_a_charge_arriving_between_two_pages_of_history_does_not_repeat(
    gql: GQL, demo
) -> None:
    await without_demo_history()
    token = (await login(gql, "9031234567"))["accessToken"]
    line = await Line.get(msisdn="9031234567")
    for n in range(4):
        await post_entry(line.id, -100, EntryKind.CHARGE, f"old {n}")
    first = (await gql(HISTORY, {"first": 3}, token=token))["data"]["viewer"]["line"]
    seen = [e["node"]["description"] for e in first["transactions"]["edges"]]
    assert seen == ["old 3", "old 2", "old 1"]
    info = first["transactions"]["pageInfo"]
    assert (info["hasPreviousPage"], info["hasNextPage"]) == (False, True)
    await post_entry(line.id, -100, EntryKind.CHARGE, "new")  # newest: goes first
    end = first["transactions"]["pageInfo"]["endCursor"]
    async with count_queries() as counter:
        second = await gql(HISTORY, {"first": 3, "after": end}, token=token)
    # the row of `end` came back with the page: no second look for hasPreviousPage
    reads = [q for q in counter.statements if "ledger_entry" in q and "COUNT(" not in q.upper()]
    assert len(reads) == 1, reads
    page = second["data"]["viewer"]["line"]["transactions"]
    assert page["edges"][0]["node"]["description"] == "old 0"
    assert page["totalCount"] == 7  # two demo entries, four old, one new
    assert (page["pageInfo"]["hasPreviousPage"], page["pageInfo"]["hasNextPage"]) == (True, False)
    # an entry deleted in the part already read does not shift the rest either
    await LedgerEntry.filter(line_id=line.id, description="old 1").delete()
    again = await gql(HISTORY, {"first": 1, "after": end}, token=token)
    edges = again["data"]["viewer"]["line"]["transactions"]["edges"]
    assert [e["node"]["description"] for e in edges] == ["old 0"]


SIZES = """
{ viewer { lines(first: 10) { edges { node { msisdn
  one: transactions(first: 1) { edges { cursor } pageInfo { hasNextPage } }
  two: transactions(first: 2) { edges { cursor } pageInfo { hasNextPage } }
  none: transactions(first: 0) { edges { cursor } pageInfo { hasNextPage } }
  all: transactions(first: 10) { totalCount edges { cursor } pageInfo { hasNextPage } }
} } } } }
"""


LINE_HISTORY_AFTER = """
query($msisdn: String!, $after: String) { viewer { line(msisdn: $msisdn) {
  transactions(first: 5, after: $after) { edges { cursor } } } } }
"""


async def test_first_pages_of_many_lines_and_sizes_are_each_lines_own(gql: GQL, demo) -> None:
    await without_demo_history()
    token = (await login(gql, "9031234567"))["accessToken"]
    line = await Line.get(msisdn="9031234569")
    await post_entry(line.id, -100, EntryKind.CHARGE, "third")
    result = await gql(SIZES, token=token)
    assert "errors" not in result, result
    for edge in result["data"]["viewer"]["lines"]["edges"]:
        node = edge["node"]
        every = [e["cursor"] for e in node["all"]["edges"]]
        assert len(every) == node["all"]["totalCount"]
        assert node["all"]["pageInfo"]["hasNextPage"] is False
        for alias, size in (("one", 1), ("two", 2), ("none", 0)):
            assert [e["cursor"] for e in node[alias]["edges"]] == every[:size]
            assert node[alias]["pageInfo"]["hasNextPage"] is (len(every) > size)
        # today's demo entries (a top-up and the fee; the modem's trust payment too),
        # and one more on Petya's line
        stored = await LedgerEntry.filter(line__msisdn=node["msisdn"]).count()
        assert len(every) == stored
        assert stored == 3 if node["msisdn"] == "9031234569" else stored >= 2
        # and the next page after the first one continues the same line's history
        if len(every) > 1:
            variables = {"msisdn": node["msisdn"], "after": every[0]}
            page = await gql(LINE_HISTORY_AFTER, variables, token=token)
            rest = page["data"]["viewer"]["line"]["transactions"]["edges"]
            assert [e["cursor"] for e in rest] == every[1:]


async def test_first_after_last_before_and_their_combinations(gql: GQL, demo) -> None:
    every = await tariffs(gql, first=100)
    all_codes, cursors = codes(every), [e["cursor"] for e in every["edges"]]
    assert len(all_codes) == 9
    assert flags(every) == (False, False)

    cases: list[tuple[dict[str, Any], slice, tuple[bool, bool]]] = [
        ({"first": 3}, slice(0, 3), (False, True)),
        ({"first": 3, "after": cursors[2]}, slice(3, 6), (True, True)),
        ({"first": 5, "after": cursors[5]}, slice(6, 9), (True, False)),
        ({"first": 3, "after": cursors[8]}, slice(9, 9), (True, False)),
        ({"last": 2}, slice(7, 9), (True, False)),
        # the `before` row exists: there is a next page (Relay leaves this to us)
        ({"last": 3, "before": cursors[7]}, slice(4, 7), (True, True)),
        ({"last": 9, "before": cursors[3]}, slice(0, 3), (False, True)),
        ({"first": 2, "before": cursors[4]}, slice(0, 2), (False, True)),
        ({"first": 9, "before": cursors[4]}, slice(0, 4), (False, True)),
        # the bound row is the list's last (or first): it alone makes the next page
        ({"first": 9, "before": cursors[8]}, slice(0, 8), (False, True)),
        ({"last": 9, "after": cursors[0]}, slice(1, 9), (True, False)),
        ({"last": 2, "after": cursors[2]}, slice(7, 9), (True, False)),
        ({"last": 9, "after": cursors[2]}, slice(3, 9), (True, False)),
        ({"first": 9, "after": cursors[1], "before": cursors[5]}, slice(2, 5), (True, True)),
        ({"last": 2, "after": cursors[1], "before": cursors[5]}, slice(3, 5), (True, True)),
        ({"first": 0}, slice(0, 0), (False, True)),
        ({"last": 0}, slice(9, 9), (True, False)),
        ({"first": 0, "after": cursors[8]}, slice(9, 9), (True, False)),
    ]
    for variables, expected, expected_flags in cases:
        page = await tariffs(gql, **variables)
        assert codes(page) == all_codes[expected], variables
        assert flags(page) == expected_flags, variables
        want = [cursors[i] for i in range(9)][expected]
        assert [e["cursor"] for e in page["edges"]] == want, variables
        assert page["pageInfo"]["startCursor"] == (want[0] if want else None)
        assert page["pageInfo"]["endCursor"] == (want[-1] if want else None)


async def test_a_page_after_a_live_row_is_one_statement(gql: GQL, demo) -> None:
    # the cursor's own row comes back with the page and proves hasPreviousPage;
    # only a cursor whose row is gone costs one EXISTS more
    cursors = [e["cursor"] for e in (await tariffs(gql, first=3))["edges"]]
    async with assert_num_queries(1):
        page = await tariffs(gql, first=3, after=cursors[1])
    assert flags(page) == (True, True)
    async with assert_num_queries(1):
        page = await tariffs(gql, last=3, before=cursors[2])
    assert flags(page) == (False, True)
    await Tariff.filter(code=codes(page)[0]).update(archived=True)
    async with assert_num_queries(2):
        page = await tariffs(gql, first=1, after=cursors[0])
    assert flags(page) == (False, True)


async def test_first_zero_of_an_empty_list_has_no_next_page(gql: GQL) -> None:
    page = await tariffs(gql, first=0)
    assert page["edges"] == []
    assert flags(page) == (False, False)


TARIFF_FORGERIES = [
    "",
    "not-a-cursor",
    cursor("cursor:3"),  # the old offset cursors are gone
    cursor({"v": 1, "l": "tariffs", "k": [30000]}),
    cursor({"v": 2, "l": "tariffs", "k": [30000, 3]}),
    cursor({"v": True, "l": "tariffs", "k": [30000, 3]}),
    cursor({"v": 1, "l": "tariffs", "k": [30000, 3], "x": 1}),
    cursor({"v": 1, "l": "tariffs", "k": [30000.0, 3]}),
    cursor({"v": 1, "l": "tariffs", "k": [30000, True]}),
    cursor({"v": 1, "l": "tariffs", "k": ["30000", 3]}),
    cursor({"v": 1, "l": "tariffs", "k": [30000, "+1"]}),
    cursor({"v": 1, "l": "tariffs", "k": [30000, "1_0"]}),
    cursor({"v": 1, "l": "tariffs", "k": [30000, "٣"]}),
    cursor({"v": 1, "l": "tariffs", "k": [30000, 2**70]}),
    # past the INT4 id column (PostgreSQL would fail on it, not match nothing)
    cursor({"v": 1, "l": "tariffs", "k": [30000, 2**40]}),
    cursor({"v": 1, "l": "tariffs", "k": [30000, -(2**40)]}),
    cursor({"v": 1, "l": "tariffs", "k": [30000, 2**31]}),
    cursor({"v": 1, "l": "tariffs", "k": [30000, None]}),
    cursor({"v": 1, "l": "tariffs", "k": {"0": 1}}),
    cursor('{"v":1,"l":"tariffs","k":[30000,+1]}'),
    cursor('{"v":1,"l":"tariffs","k":[30000,1e2]}'),
    cursor('{"v":1,"l":"tariffs","k":[30000,NaN]}'),
    cursor('{"v": 1, "l": "tariffs", "k": [30000, 3]}'),  # not the spelling we issue
    cursor('{"l":"tariffs","v":1,"k":[30000,3]}'),
    cursor('{"v":1,"l":"tariffs","k":[30000,3]}').rstrip("="),
    cursor('{"v":1,"l":"tariffs","k":[30000,3]}') + "==",
    base64.b64encode(b'{"v":1,"l":"tariffs","k":[30000,3]}\xff').decode(),
    "A" * 5000,
    "%%%",
]


@pytest.mark.parametrize("forged", TARIFF_FORGERIES)
async def test_a_forged_cursor_is_invalid_input_with_its_field(gql: GQL, demo, forged) -> None:
    for name, extra in (("after", {"first": 2}), ("before", {"last": 2})):
        result = await gql(TARIFFS, {name: forged, **extra})
        assert result["data"] is None, (forged, result)
        (error,) = result["errors"]
        assert error["extensions"]["code"] == "INVALID_INPUT", (forged, error)
        assert error["extensions"]["field"] == [name]


async def test_a_well_formed_cursor_of_no_row_still_pages(gql: GQL, demo) -> None:
    # the format is ours to change; today a tariffs cursor is (monthly fee, id)
    everything = codes(await tariffs(gql, first=100))
    made = cursor({"v": 1, "l": "tariffs", "k": [30000, 0]})  # just before 300 roubles
    page = await tariffs(gql, first=100, after=made)
    assert codes(page) == everything[2:]
    assert flags(page) == (True, False)


async def test_a_cursor_of_one_list_is_refused_by_another(gql: GQL, demo) -> None:
    from_tariffs = (await tariffs(gql, first=2))["pageInfo"]["endCursor"]
    refused = await gql(SERVICES, {"after": from_tariffs})
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert refused["errors"][0]["extensions"]["field"] == ["after"]
    from_services = (await gql(SERVICES))["data"]["serviceCatalog"]["edges"][-1]["cursor"]
    assert (await gql(SERVICES, {"after": from_services}))["data"]["serviceCatalog"]["edges"]
    assert (await gql(TARIFFS, {"after": from_services}))["data"] is None

    token = (await login(gql, "9031234567"))["accessToken"]
    anna_line = await Line.get(msisdn="9031234567")
    await record(anna_line.id, Actor(None), AuditAction.LINE_UPDATED)
    line = (await gql(HISTORY, {"first": 1}, token=token))["data"]["viewer"]["line"]
    ledger_cursor = line["transactions"]["edges"][0]["cursor"]
    wrong = await gql(AUDIT, {"after": ledger_cursor}, token=token)
    assert wrong["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert wrong["data"]["viewer"]["line"]["auditLog"] is None
    audit_cursor = line["auditLog"]["edges"][0]["cursor"]
    assert "errors" not in await gql(AUDIT, {"after": audit_cursor}, token=token)


@pytest.mark.parametrize(
    "created_at",
    ["2026-01-01T00:00:00+00:00", "2026-01-01T03:00:00.000000+03:00", "2026-01-01T00:00:00.000000",
     "2026-13-01T00:00:00.000000+00:00", "yesterday", 1767225600],
)  # fmt: skip
async def test_a_history_cursor_needs_an_exact_utc_instant(gql: GQL, demo, created_at) -> None:
    token = (await login(gql, "9031234567"))["accessToken"]
    forged = cursor({"v": 1, "l": "transactions", "k": [created_at, 1]})
    result = await gql(HISTORY, {"first": 1, "after": forged}, token=token)
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["field"] == ["after"]


async def test_a_service_is_found_by_id_after_it_leaves_the_catalogue(gql: GQL, demo) -> None:
    horoscope = await Service.get(code="horoscope")
    gid = base64.b64encode(f"Service:{horoscope.id}".encode()).decode()
    query = "query($id: ID!) { node(id: $id) { ... on Service { code } } }"
    await Service.filter(id=horoscope.id).update(archived=True)
    assert (await gql(query, {"id": gid}))["data"]["node"] == {"code": "horoscope"}
    catalogue = await gql("{ serviceCatalog(first: 100) { edges { node { code } } } }")
    assert "horoscope" not in codes(catalogue["data"]["serviceCatalog"])


def _items(*ids: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(id=i) for i in ids]


def test_a_list_cursor_follows_its_item_when_others_come_and_go() -> None:
    first = paginate_list(_items(1, 2, 3, 4, 5), PageArgs(first=2))
    after = first.cursor(1)  # item 2
    moved = paginate_list(_items(9, 1, 2, 3, 4, 5), PageArgs(first=2, after=after))
    assert [i.id for i in moved.items] == [3, 4]
    assert moved.has_previous
    assert moved.has_next
    before = paginate_list(_items(9, 1, 2, 3, 4, 5), PageArgs(last=5, before=moved.cursor(0)))
    assert [i.id for i in before.items] == [9, 1, 2]
    assert before.has_next
    assert not before.has_previous


def test_a_list_cursor_of_an_item_that_left_goes_on_from_its_place() -> None:
    first = paginate_list(_items(1, 2, 3, 4, 5), PageArgs(first=2))
    after_two = first.cursor(1)
    page = paginate_list(_items(1, 3, 4, 5), PageArgs(first=2, after=after_two))
    assert [i.id for i in page.items] == [3, 4]
    before_two = paginate_list(_items(1, 3, 4, 5), PageArgs(last=2, before=after_two))
    assert [i.id for i in before_two.items] == [1]


def test_list_pages_report_both_sides_and_first_zero() -> None:
    items = _items(1, 2, 3)
    zero = paginate_list(items, PageArgs(first=0))
    assert zero.items == []
    assert zero.has_next
    assert not zero.has_previous
    assert not paginate_list([], PageArgs(first=0)).has_next
    last_before = paginate_list(items, PageArgs(last=1, before=cursor_of(items, 2)))
    assert [i.id for i in last_before.items] == [2]
    assert last_before.has_next


def cursor_of(items: list[SimpleNamespace], index: int) -> str:
    return paginate_list(items, PageArgs(first=100)).cursor(index)


@pytest.mark.parametrize(
    "forged",
    [
        cursor({"v": 1, "l": "lines", "k": [2, -1]}),
        cursor({"v": 1, "l": "lines", "k": [2, 10**9]}),
        cursor({"v": 1, "l": "lines", "k": [2]}),
        cursor({"v": 1, "l": "tariffs", "k": [2, 1]}),
        cursor({"v": 1, "l": "lines", "k": ["2", 1]}),
    ],
)
def test_a_forged_list_cursor_is_invalid_input(forged: str) -> None:
    with pytest.raises(DomainError) as raised:
        paginate_list(_items(1, 2, 3), PageArgs(first=1, after=forged))
    assert raised.value.code.value == "INVALID_INPUT"
