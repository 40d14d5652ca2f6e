"""`python -m devacquirer`: the acquirer on a fixed port, for a developer's browser.

The shop's credentials and webhook come from flags or from the environment:

    DEVACQUIRER_SHOP_ID=linehub-dev
    DEVACQUIRER_SECRET_KEY=test_linehub-dev-secret
    DEVACQUIRER_WEBHOOK=http://127.0.0.1:8000/payments/webhook

`--store FILE` keeps payments and saved cards across restarts; `--save-card` saves a test
card for the shop on start (again and again with the same id, so it can stay in a script)
and prints its payment_method_id:

    python -m devacquirer --store var/dev-acquirer.sqlite3 --save-card 5555555555554477:12/30

Notifications arrive late and now and then twice, as a real acquirer's do; `--duplicate-rate
0 --max-delay 0` makes them prompt and single. `--down 503` starts with the API answering
503 to everything (the confirmation pages keep working).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

import uvicorn

from devacquirer.app import create_acquirer_app
from devacquirer.cards import CardError, parse_expiry
from devacquirer.config import DEFAULT_SECRET_KEY, DEFAULT_SHOP_ID, AcquirerConfig, Behaviour
from devacquirer.store import AcquirerStore


def parse_saved_card(spec: str) -> tuple[str, str, str]:
    """`NUMBER:MM/YY` as (number, month, year); the number may hold spaces."""
    number, _, expiry = spec.partition(":")
    try:
        month, year = parse_expiry(expiry)
    except CardError:
        raise ValueError(f"saved card {spec!r}: expected NUMBER:MM/YY") from None
    return number.strip(), month, year


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a probability between 0 and 1")
    return value


def build_config(
    argv: Sequence[str] | None = None,
) -> tuple[AcquirerConfig, list[tuple[str, str, str]], str, int]:
    """Parse the command line (and environment): config, cards to save, host and port."""
    parser = argparse.ArgumentParser(
        prog="python -m devacquirer",
        description="A development payment acquirer speaking a subset of YooKassa API v3.",
        epilog=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    env = os.environ.get
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--base-url", help="default: http://HOST:PORT")
    parser.add_argument("--shop-id", default=env("DEVACQUIRER_SHOP_ID", DEFAULT_SHOP_ID))
    parser.add_argument("--secret-key", default=env("DEVACQUIRER_SECRET_KEY", DEFAULT_SECRET_KEY))
    parser.add_argument(
        "--webhook", default=env("DEVACQUIRER_WEBHOOK"), help="where notifications are POSTed"
    )
    parser.add_argument("--duplicate-rate", type=_rate, default=0.2, metavar="P")
    parser.add_argument("--max-delay", type=float, default=1.0, metavar="SECONDS")
    parser.add_argument("--pending-expiry", type=float, default=900.0, metavar="SECONDS")
    parser.add_argument("--no-notifications", action="store_true")
    parser.add_argument("--down", type=int, metavar="STATUS", help="answer every /v3 call so")
    parser.add_argument("--slow", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--store", metavar="FILE", help="a SQLite file (default: memory)")
    parser.add_argument("--seed", type=int, help="for reproducible duplicates and delays")
    parser.add_argument(
        "--save-card",
        action="append",
        default=[],
        metavar="NUMBER:MM/YY",
        help="save a card for the shop on start (repeatable)",
    )
    args = parser.parse_args(argv)
    try:
        cards = [parse_saved_card(spec) for spec in args.save_card]
    except ValueError as exc:
        parser.error(str(exc))
    behaviour = Behaviour(
        notifications=not args.no_notifications,
        duplicate_rate=args.duplicate_rate,
        max_delay_seconds=args.max_delay,
        pending_expiry_seconds=args.pending_expiry,
        down=args.down,
        slow_seconds=args.slow,
    )
    config = AcquirerConfig(
        shop_id=args.shop_id,
        secret_key=args.secret_key,
        webhook_url=args.webhook or None,
        base_url=args.base_url or f"http://{args.host}:{args.port}",
        behaviour=behaviour,
        store_path=args.store,
        seed=args.seed,
    )
    return config, cards, args.host, args.port


def main(argv: Sequence[str] | None = None) -> None:
    config, cards, host, port = build_config(argv)
    store = AcquirerStore(config.store_path)
    base = (config.base_url or "").rstrip("/")
    print(f"devacquirer: {base}")
    print(f"  API {base}/v3, shop {config.shop_id}, secret key {config.secret_key}")
    print(f"  webhook {config.webhook_url or '(none)'}")
    print(f"  store {config.store_path or '(memory)'}")
    for number, month, year in cards:
        try:
            method_id = store.save_method(number, month, year, shop_id=config.shop_id)
        except ValueError as exc:
            raise SystemExit(f"devacquirer: cannot save card *{number[-4:]}: {exc}") from None
        # The number stays with the acquirer, even on the console.
        print(f"  saved card *{number[-4:]} {month}/{year}: payment_method_id {method_id}")
    print(f"  behaviour: {config.behaviour}")
    uvicorn.run(create_acquirer_app(config, store), host=host, port=port, log_level="info")
