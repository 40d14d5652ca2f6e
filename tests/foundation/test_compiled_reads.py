"""Compiled reads (models.compiled): tortoise's SQL built once per shape, the same rows."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from models import Line, Tariff
from models.compiled import Compiled
from tests.querycount import count_queries

BY_IDS = Compiled(Line, lambda ids: Line.filter(id__in=ids).select_related("contract"), list)


def by_number_and_tariff() -> Compiled[Line]:
    return Compiled(
        Line,
        lambda msisdn, tariff_ids: Line.filter(msisdn=msisdn, tariff_id__in=tariff_ids),
        lambda msisdn, tariff_ids: [msisdn, *tariff_ids],
    )


async def test_each_call_reads_its_own_rows_through_one_cached_statement(demo) -> None:
    ids = sorted(await Line.all().values_list("id", flat=True))
    assert len(ids) >= 4
    for chosen in ([ids[0], ids[1]], [ids[2], ids[3]], [ids[1]], [ids[0], ids[3], ids[2]]):
        async with count_queries() as queries:
            rows = await BY_IDS.run(chosen)
        expected = await Line.filter(id__in=chosen).select_related("contract")
        # the same rows, and select_related came along: each contract without a query
        assert {r.id: r.contract.number for r in rows} == {
            r.id: r.contract.number for r in expected
        }
        assert queries.count == 1
    # both calls with two ids ran one text, built once, with their own values
    assert [key[1:] for key in BY_IDS._plans] == [(2,), (1,), (3,)]


async def test_values_listed_out_of_order_fail_the_first_call(demo) -> None:
    wrong = Compiled(
        Line,
        lambda msisdn, tariff_ids: Line.filter(msisdn=msisdn, tariff_id__in=tariff_ids),
        lambda msisdn, tariff_ids: [*tariff_ids, msisdn],
    )
    tariff = await Tariff.get(code="kids")
    with pytest.raises(RuntimeError, match="tortoise binds"):
        await wrong.run("9031234568", [tariff.id])
    right = by_number_and_tariff()
    [masha] = await right.run("9031234568", [tariff.id])
    assert masha.msisdn == "9031234568"


async def test_a_compiled_read_inside_a_transaction_sees_its_writes(demo) -> None:
    line = await Line.get(msisdn="9031234568")
    async with in_transaction():
        await Line.filter(id=line.id).update(label="renamed inside")
        [seen] = await BY_IDS.run([line.id])
        assert seen.label == "renamed inside"
        await Line.filter(id=line.id).update(label=line.label)
