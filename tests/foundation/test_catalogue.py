"""Public queries that need no login: tariffs and serviceCatalog with real filters."""

from tests.conftest import GQL
from tests.helpers import without_cost

TARIFFS = """
query Tariffs($filter: TariffFilter, $first: Int, $after: String, $last: Int, $before: String) {
  tariffs(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id code name kind unlimitedData monthlyFee { amount currency } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

SERVICES = """
query Services($filter: ServiceFilter, $first: Int) {
  serviceCatalog(filter: $filter, first: $first) {
    totalCount
    edges { node { code name isSubscription period price { amount } } }
  }
}
"""


def codes(result: dict, field: str = "tariffs") -> list[str]:
    return [e["node"]["code"] for e in result["data"][field]["edges"]]


async def test_first_five_tariffs_are_a_real_connection_cheapest_first(gql: GQL, demo) -> None:
    result = await gql(TARIFFS, {"first": 5})
    page = result["data"]["tariffs"]
    assert page["totalCount"] == 9  # the archived tariff is not offered
    assert len(page["edges"]) == 5
    fees = [e["node"]["monthlyFee"]["amount"] for e in page["edges"]]
    assert fees == ["200.00", "299.00", "300.00", "350.00", "650.00"]
    assert page["edges"][0]["node"]["monthlyFee"]["currency"] == "RUB"
    assert page["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": page["edges"][0]["cursor"],
        "endCursor": page["edges"][-1]["cursor"],
    }


async def test_paging_forward_and_backward_covers_every_tariff_once(gql: GQL, demo) -> None:
    seen, after = [], None
    while True:
        page = (await gql(TARIFFS, {"first": 4, "after": after}))["data"]["tariffs"]
        seen += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 9

    last = (await gql(TARIFFS, {"last": 2}))["data"]["tariffs"]
    assert [e["node"]["code"] for e in last["edges"]] == seen[-2:]
    assert last["pageInfo"]["hasPreviousPage"] is True
    before = await gql(TARIFFS, {"last": 3, "before": last["edges"][0]["cursor"]})
    assert codes(before) == seen[-5:-2]


async def test_filters_by_price_kind_unlimited_data_and_text(gql: GQL, demo) -> None:
    cheap = await gql(TARIFFS, {"filter": {"priceMin": "250", "priceMax": "350.00"}})
    assert codes(cheap) == ["tv-basic", "tablet", "zero-doubt"]
    home = await gql(TARIFFS, {"filter": {"kind": "HOME_INTERNET"}})
    assert codes(home) == ["home-500", "home-tv-500"]
    unlimited = await gql(TARIFFS, {"filter": {"kind": "MOBILE", "unlimitedData": True}})
    assert codes(unlimited) == ["modem-unlimited", "close-people-4"]
    # Cyrillic, any case: the same on SQLite and PostgreSQL
    family = await gql(TARIFFS, {"filter": {"search": "  БЛИЗКИЕ  люди "}})
    assert codes(family) == ["close-people-2", "close-people-4"]
    nothing = await gql(TARIFFS, {"filter": {"search": "роуминг"}})
    assert nothing["data"]["tariffs"] == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


async def test_service_catalogue_filters(gql: GQL, demo) -> None:
    subs = await gql(SERVICES, {"filter": {"subscription": True, "kind": "MOBILE"}})
    assert codes(subs, "serviceCatalog") == [
        "horoscope",
        "ringback-tune",
        "antivirus",
        "roaming-europe",
    ]
    free = await gql(SERVICES, {"filter": {"free": True}})
    assert {e["node"]["price"]["amount"] for e in free["data"]["serviceCatalog"]["edges"]} == {
        "0.00"
    }
    assert free["data"]["serviceCatalog"]["totalCount"] == 4
    tv = await gql(SERVICES, {"filter": {"search": "кинозал", "priceMax": "399"}})
    assert codes(tv, "serviceCatalog") == ["cinema"]


async def test_page_size_over_one_hundred_is_invalid_input(gql: GQL, demo) -> None:
    for variables, field in [({"first": 100_000}, "first"), ({"last": 101}, "last")]:
        result = await gql(TARIFFS, variables)
        assert result["data"] is None
        (error,) = result["errors"]
        assert error["extensions"]["code"] == "INVALID_INPUT"
        assert error["extensions"]["field"] == [field]
    assert len((await gql(TARIFFS, {"first": 100}))["data"]["tariffs"]["edges"]) == 9


async def test_bad_pagination_and_filter_input_is_invalid_input(gql: GQL, demo) -> None:
    cases = [
        {"first": -1},
        {"first": 1, "last": 1},
        {"after": "not-a-cursor"},
        {"filter": {"priceMin": "10", "priceMax": "1"}},
        {"filter": {"priceMin": "1.001"}},
        {"filter": {"priceMin": "NaN"}},
        {"filter": {"priceMin": "1_000"}},
        {"filter": {"priceMin": "١٢"}},
        {"filter": {"priceMin": " 12.50"}},
        {"filter": {"priceMin": "1e5"}},
        {"filter": {"priceMin": "-1"}},
        {"filter": {"priceMax": 12.5}},
    ]
    for variables in cases:
        result = await gql(TARIFFS, variables)
        codes_seen = {e["extensions"]["code"] for e in result["errors"]}
        assert codes_seen <= {"INVALID_INPUT", "GRAPHQL_VALIDATION_FAILED"}, variables
        assert result["data"] is None


async def test_viewer_is_null_without_login(gql: GQL) -> None:
    assert without_cost(await gql("{ viewer { user { id } } }")) == {"data": {"viewer": None}}


async def test_node_finds_a_tariff_by_global_id_and_null_for_a_guess(gql: GQL, demo) -> None:
    first = (await gql(TARIFFS, {"first": 1}))["data"]["tariffs"]["edges"][0]["node"]
    query = "query($id: ID!) { node(id: $id) { id ... on Tariff { code } } }"
    assert (await gql(query, {"id": first["id"]}))["data"]["node"] == {
        "id": first["id"],
        "code": first["code"],
    }
    import base64

    for guess in ("Tariff:99999", "Nothing:1", "User:1"):
        gid = base64.b64encode(guess.encode()).decode()
        assert (await gql(query, {"id": gid}))["data"] == {"node": None}
    garbage = await gql(query, {"id": "%%%"})
    assert garbage["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    many = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [first["id"], base64.b64encode(b"Tariff:99999").decode()]},
    )
    assert many["data"]["nodes"] == [{"id": first["id"]}, None]


async def test_bad_price_bounds_name_the_filter_field_and_say_what_is_wrong(gql: GQL, demo) -> None:
    cases = [
        ("priceMin", "0.001", "two decimal places", "двух знаков"),
        ("priceMax", "150.555", "two decimal places", "двух знаков"),
        ("priceMin", "99999999999999", "too large", "большая сумма"),
        ("priceMax", "-99999999999999", "too large", "большая сумма"),
    ]
    for query, name in ((TARIFFS, "tariffs"), (SERVICES, "serviceCatalog")):
        for field, value, en, ru in cases:
            for language, expected in (("en", en), ("ru", ru)):
                result = await gql(
                    query, {"filter": {field: value}}, headers={"Accept-Language": language}
                )
                assert result["data"] is None, (name, field, value)
                (error,) = result["errors"]
                assert error["extensions"]["code"] == "INVALID_INPUT"
                assert error["extensions"]["field"] == ["filter", field], (name, value)
                assert expected in error["message"], error["message"]


async def test_negative_and_reversed_ranges_name_the_filter_field_too(gql: GQL, demo) -> None:
    cases = [
        ({"priceMin": "-1"}, ["filter", "priceMin"]),
        ({"priceMax": "-1"}, ["filter", "priceMax"]),
        ({"priceMin": "10", "priceMax": "1"}, ["filter", "priceMin"]),
    ]
    for query in (TARIFFS, SERVICES):
        for bounds, field in cases:
            (error,) = (await gql(query, {"filter": bounds}))["errors"]
            assert error["extensions"]["code"] == "INVALID_INPUT"
            assert error["extensions"]["field"] == field


async def test_the_largest_accepted_price_bound_still_filters(gql: GQL, demo) -> None:
    result = await gql(TARIFFS, {"filter": {"priceMax": "10000000000000"}})
    assert result["data"]["tariffs"]["totalCount"] == 9
