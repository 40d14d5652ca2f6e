"""Bonuses: a tariff that gives them adds a share of every top-up to a second balance,
which charges spend before money; both balances are ledger rows `ledger verify` checks."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from models import Allowance, Card, LedgerEntry, Line, Tariff
from models.billing import close_period
from models.ledger import charge, verify
from tests.conftest import GQL
from tests.helpers import token_for
from tests.payment.conftest import ANNA, PETYA, card_gid, top_up

BALANCES = """query B($m: String!) { viewer { line(msisdn: $m) {
  balance { amount } bonusBalance { amount } } } }"""


async def no_bonuses_left(msisdn: str) -> Line:
    """Spend what bonuses the demo left on the line (a charge takes bonuses first)."""
    line = await Line.get(msisdn=msisdn)
    if line.bonus_balance:
        async with in_transaction() as conn:
            await charge(conn, line.id, line.bonus_balance, "spent before the test")
    line = await Line.get(id=line.id)
    assert line.bonus_balance == 0
    return line


async def balances(gql: GQL, token: str, msisdn: str) -> tuple[str, str]:
    line = (await gql(BALANCES, {"m": msisdn}, token=token))["data"]["viewer"]["line"]
    return line["balance"]["amount"], line["bonusBalance"]["amount"]


async def test_a_top_up_on_a_bonus_tariff_gives_bonuses_and_charges_spend_them_first(
    gql: GQL, demo, acquirer
) -> None:
    anna = await token_for(gql, ANNA)
    card = await Card.get(mask="5555 55** **** 4477")
    line = await no_bonuses_left(ANNA)
    await top_up(gql, anna, ANNA, "200.00", "b-1", card=card_gid(card))
    line = await Line.get(id=line.id)
    assert line.bonus_balance == 10_00  # 5 % of 200
    money = line.balance
    assert await balances(gql, anna, ANNA) == (f"{money / 100:.2f}", "10.00")
    async with in_transaction() as conn:
        entry = await charge(conn, line.id, 25_00, "a service")
    assert (entry.amount, entry.bonus) == (-15_00, -10_00)
    line = await Line.get(id=line.id)
    assert (line.balance, line.bonus_balance) == (money - 15_00, 0)
    async with in_transaction() as conn:
        small = await charge(conn, line.id, 5_00, "another")
    assert (small.amount, small.bonus) == (-5_00, 0)
    assert await verify() == []


async def test_a_tariff_without_bonuses_gives_none(gql: GQL, demo, acquirer) -> None:
    anna = await token_for(gql, ANNA)
    card = await Card.get(mask="5555 55** **** 4477")
    await top_up(gql, anna, PETYA, "200.00", "b-2", card=card_gid(card))
    assert (await Line.get(msisdn=PETYA)).bonus_balance == 0
    assert not await LedgerEntry.filter(line__msisdn=PETYA, kind="BONUS").exists()


async def test_the_billing_day_spends_bonuses_on_the_fee_once(gql: GQL, demo, acquirer) -> None:
    anna = await token_for(gql, ANNA)
    card = await Card.get(mask="5555 55** **** 4477")
    await no_bonuses_left(ANNA)
    await top_up(gql, anna, ANNA, "1000.00", "b-3", card=card_gid(card))
    line = await Line.get(msisdn=ANNA)
    fee = (await Tariff.get(id=line.tariff_id)).monthly_fee
    assert line.bonus_balance == 50_00
    due = (await Allowance.filter(line_id=line.id).first()).resets_at  # type: ignore[union-attr]
    charged = await close_period(line.id, due)
    assert charged == fee
    assert await close_period(line.id, due) is None  # a rerun charges nothing
    after = await Line.get(id=line.id)
    assert after.bonus_balance == 0
    assert after.balance == line.balance - (fee - 50_00)
    assert await verify() == []
