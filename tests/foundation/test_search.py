"""Catalogue search: words in any order, any case, "е" for "ё", and never stale text."""

from __future__ import annotations

import pytest

from models import ChargePeriod, Service, ServiceKind, Tariff, TariffKind
from models.search import normalize
from tests.conftest import GQL

TARIFFS = """
query Tariffs($filter: TariffFilter) {
  tariffs(filter: $filter, first: 100) { totalCount edges { node { code name } } }
}
"""

SERVICES = """
query Services($filter: ServiceFilter) {
  serviceCatalog(filter: $filter, first: 100) { edges { node { code } } }
}
"""


async def tariff_codes(gql: GQL, search: str) -> list[str]:
    result = await gql(TARIFFS, {"filter": {"search": search}})
    assert "errors" not in result, result
    return [e["node"]["code"] for e in result["data"]["tariffs"]["edges"]]


async def service_codes(gql: GQL, search: str) -> list[str]:
    result = await gql(SERVICES, {"filter": {"search": search}})
    assert "errors" not in result, result
    return [e["node"]["code"] for e in result["data"]["serviceCatalog"]["edges"]]


def test_normalize_folds_case_yo_spacing_and_decomposed_letters() -> None:
    assert normalize("  Доверительный\tПЛАТЁЖ\n") == "доверительный платеж"
    assert normalize("плате\u0308ж") == "платеж"  # "ё" typed as "е" + combining diaeresis
    assert normalize("Ёлка ЁЖ") == "елка еж"
    assert normalize("ＳＭＳ") == "sms"  # full-width letters


# --- the query side ----------------------------------------------------------------


async def test_words_match_in_any_order(gql: GQL, demo) -> None:
    assert await tariff_codes(gql, "близкие люди") == ["close-people-2", "close-people-4"]
    assert await tariff_codes(gql, "люди близкие") == ["close-people-2", "close-people-4"]
    assert await tariff_codes(gql, "  ЛЮДИ   Близкие ") == ["close-people-2", "close-people-4"]
    # every word must match, not any of them
    assert await tariff_codes(gql, "люди роуминг") == []


async def test_e_and_yo_find_each_other(gql: GQL, demo) -> None:
    for search in ("платеж", "платёж", "ПЛАТЁЖ", "плате\u0308ж", "доверительный платеж"):
        assert await service_codes(gql, search) == ["trust-payment"], search
    await Tariff.create(code="ezh", name="Ежедневный", kind=TariffKind.MOBILE, monthly_fee=1_00)
    assert await tariff_codes(gql, "ёжедневный") == ["ezh"]


async def test_like_wildcards_are_literal(gql: GQL, demo) -> None:
    await Tariff.create(code="pct", name="Скидка 100%", kind=TariffKind.MOBILE, monthly_fee=1_00)
    await Tariff.create(code="under_score", name="Тест", kind=TariffKind.MOBILE, monthly_fee=2_00)
    assert await tariff_codes(gql, "%") == ["pct"]
    assert await tariff_codes(gql, "0%") == ["pct"]
    assert await tariff_codes(gql, "_") == ["under_score"]
    assert await tariff_codes(gql, "r_s") == ["under_score"]  # "_" is not any one letter
    assert await tariff_codes(gql, "\\") == []


@pytest.mark.parametrize(
    ("search", "key_en", "key_ru"),
    [
        ("я" * 101, "at most 100 characters", "не больше 100 символов"),
        ("x" * 50_000, "at most 100 characters", "не больше 100 символов"),
        (" ".join(f"слово{n}" for n in range(11)), "at most 10 words", "не больше 10 слов"),
    ],
)
async def test_unusable_search_text_is_invalid_input_not_internal(
    gql: GQL, demo, search: str, key_en: str, key_ru: str
) -> None:
    for query, name in ((TARIFFS, "tariffs"), (SERVICES, "serviceCatalog")):
        for language, expected in (("en", key_en), ("ru", key_ru)):
            result = await gql(
                query, {"filter": {"search": search}}, headers={"Accept-Language": language}
            )
            assert result["data"] is None, name
            (error,) = result["errors"]
            assert error["extensions"]["code"] == "INVALID_INPUT"
            assert error["extensions"]["field"] == ["filter", "search"]
            assert expected in error["message"], error["message"]


async def test_a_nul_character_in_search_is_invalid_input(gql: GQL, demo) -> None:
    # a NUL in JSON variables is refused by the HTTP layer, one written as a GraphQL
    # escape by validation (schema.limits.NoNulInStrings), before the filter sees it
    for name in ("tariffs", "serviceCatalog"):
        query = f'{{ {name}(filter: {{search: "люди\\u0000"}}) {{ totalCount }} }}'
        for language in ("en", "ru"):
            result = await gql(query, headers={"Accept-Language": language})
            assert result["data"] is None, result
            (error,) = result["errors"]
            assert error["extensions"]["code"] == "INVALID_INPUT"
            assert "NUL" in error["message"]


async def test_search_at_the_limits_still_runs(gql: GQL, demo) -> None:
    assert await tariff_codes(gql, "я" * 100) == []
    assert await tariff_codes(gql, " ".join(["люди"] * 10 + ["близкие"] * 5)) == [
        "close-people-2",
        "close-people-4",
    ]
    assert await tariff_codes(gql, " " * 300) != []  # nothing to search for: everything


# --- the stored side ---------------------------------------------------------------


async def test_renaming_with_update_fields_moves_the_search_text(gql: GQL, demo) -> None:
    tariff = await Tariff.get(code="close-people-2")
    tariff.name = "Семейный Ёжик"
    await tariff.save(update_fields=["name"])
    assert await tariff_codes(gql, "ежик семейный") == ["close-people-2"]
    assert await tariff_codes(gql, "близкие люди") == ["close-people-4"]
    stored = await Tariff.get(code="close-people-2")
    assert "семейный ежик" in stored.search_text


async def test_saving_other_fields_keeps_the_search_text(gql: GQL, demo) -> None:
    tariff = await Tariff.get(code="close-people-2")
    tariff.monthly_fee += 1
    await tariff.save(update_fields=["monthly_fee"])
    assert await tariff_codes(gql, "близкие люди") == ["close-people-2", "close-people-4"]


async def test_bulk_create_and_bulk_update_write_the_search_text(gql: GQL, demo) -> None:
    await Tariff.bulk_create(
        [
            Tariff(code="bulk-1", name="Оптовый Ёж", kind=TariffKind.MOBILE, monthly_fee=1),
            Tariff(code="bulk-2", name="Оптовый кот", kind=TariffKind.MOBILE, monthly_fee=2),
        ]
    )
    assert await tariff_codes(gql, "оптовый") == ["bulk-1", "bulk-2"]
    assert await tariff_codes(gql, "еж") == ["bulk-1"]

    rows = await Tariff.filter(code__startswith="bulk-").order_by("code")
    for row in rows:
        row.name = row.name.replace("Оптовый", "Розничный")
    await Tariff.bulk_update(rows, fields=["name"])
    assert await tariff_codes(gql, "оптовый") == []
    assert await tariff_codes(gql, "розничный") == ["bulk-1", "bulk-2"]


async def test_bulk_create_upsert_updates_the_search_text(gql: GQL, demo) -> None:
    await Service.bulk_create(
        [
            Service(
                code="cinema",
                name="Домашний кинотеатр",
                kind=ServiceKind.TV,
                price=1,
                period=ChargePeriod.MONTHLY,
            )
        ],
        on_conflict=["code"],
        update_fields=["name"],
    )
    assert await service_codes(gql, "домашний кинотеатр") == ["cinema"]


async def test_queryset_update_is_repaired_by_refresh_search_texts(gql: GQL, demo) -> None:
    await Tariff.filter(code="close-people-4").update(name="Большая семья")
    # plain SQL cannot recompute the folded copy: stale until refreshed
    assert await tariff_codes(gql, "большая семья") == []
    assert await Tariff.refresh_search_texts(code="close-people-4") == 1
    assert await tariff_codes(gql, "большая семья") == ["close-people-4"]
    assert await Tariff.refresh_search_texts() == 0  # everything else was current
