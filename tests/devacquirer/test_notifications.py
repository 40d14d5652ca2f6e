"""Notifications: sent when a payment is decided, retried, and, if asked, doubled and late."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from devacquirer import (
    CARD_DECLINED,
    CARD_SUCCESS,
    AcquirerConfig,
    Behaviour,
    RunningAcquirer,
    run_acquirer,
)
from devprovider.loopback import run_asgi
from tests.devacquirer.flows import Receiver, create, fetch, method_body, pay


async def test_a_decided_payment_notifies_with_the_whole_object(
    api: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    acquirer: RunningAcquirer,
    receiver: Receiver,
) -> None:
    succeeded, canceled, pending = await create(api), await create(api), await create(api)
    await pay(browser, succeeded, CARD_SUCCESS)
    await pay(browser, canceled, CARD_DECLINED)
    acquirer.wait_notifications()

    assert len(receiver.received) == 2
    for notification in receiver.received:
        assert notification["type"] == "notification"
        assert set(notification) == {"type", "event", "object"}
    assert receiver.events_for(succeeded["id"]) == ["payment.succeeded"]
    assert receiver.objects_for(succeeded["id"]) == [await fetch(api, succeeded["id"])]
    assert receiver.events_for(canceled["id"]) == ["payment.canceled"]
    assert receiver.objects_for(canceled["id"])[0]["cancellation_details"]["reason"] == (
        "general_decline"
    )
    # creating a payment is no event
    assert receiver.events_for(pending["id"]) == []


async def test_every_notification_comes_twice_at_a_duplicate_rate_of_one(
    api: httpx.AsyncClient,
    acquirer: RunningAcquirer,
    receiver: Receiver,
) -> None:
    acquirer.behaviour.duplicate_rate = 1.0
    method_id = acquirer.save_method(CARD_SUCCESS, "12", "2030")
    payment = await create(api, method_body(method_id))
    await acquirer.notifications_settled()

    assert receiver.events_for(payment["id"]) == ["payment.succeeded", "payment.succeeded"]
    first, second = receiver.objects_for(payment["id"])
    assert first == second == payment


async def test_no_notifications_when_they_are_switched_off(
    api: httpx.AsyncClient, acquirer: RunningAcquirer, receiver: Receiver
) -> None:
    acquirer.behaviour.notifications = False
    payment = await create(api, method_body(acquirer.save_method(CARD_SUCCESS, "12", "2030")))
    await acquirer.notifications_settled()
    assert payment["status"] == "succeeded"
    assert receiver.attempts == 0


async def test_a_failing_webhook_is_retried_until_it_answers(
    api: httpx.AsyncClient, acquirer: RunningAcquirer, receiver: Receiver
) -> None:
    receiver.fail_next = 2
    payment = await create(api, method_body(acquirer.save_method(CARD_SUCCESS, "12", "2030")))
    await acquirer.notifications_settled()
    assert receiver.attempts == 3
    assert receiver.events_for(payment["id"]) == ["payment.succeeded"]


async def test_a_webhook_that_keeps_failing_is_given_up_on(
    api: httpx.AsyncClient,
    acquirer: RunningAcquirer,
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    receiver.fail_next = 100
    with caplog.at_level(logging.INFO, logger="devacquirer"):
        payment = await create(api, method_body(acquirer.save_method(CARD_SUCCESS, "12", "2030")))
        await acquirer.notifications_settled()
    # the first attempt and one retry per configured delay
    assert receiver.attempts == 1 + len(acquirer.config.retry_delays)
    assert acquirer.notifier.in_flight == 0
    assert f"payment.succeeded {payment['id']} to {receiver.url}: gave up" in caplog.text
    assert CARD_SUCCESS not in caplog.text


async def test_a_late_notification_is_waited_for(
    api: httpx.AsyncClient, acquirer: RunningAcquirer, receiver: Receiver
) -> None:
    acquirer.behaviour.max_delay_seconds = 0.3
    payment = await create(api, method_body(acquirer.save_method(CARD_SUCCESS, "12", "2030")))
    await acquirer.notifications_settled()
    assert receiver.events_for(payment["id"]) == ["payment.succeeded"]


async def test_settling_times_out_while_a_notification_is_still_being_retried(
    api: httpx.AsyncClient, acquirer: RunningAcquirer, receiver: Receiver
) -> None:
    acquirer.behaviour.max_delay_seconds = 0.0
    receiver.fail_next = 100
    await create(api, method_body(acquirer.save_method(CARD_SUCCESS, "12", "2030")))
    with pytest.raises(TimeoutError, match="in flight"):
        await acquirer.notifications_settled(within=0.01)
    with pytest.raises(TimeoutError, match="in flight"):
        acquirer.wait_notifications(timeout=0.01)
    await acquirer.notifications_settled()


@pytest.fixture
def late_acquirer() -> Iterator[tuple[RunningAcquirer, Receiver]]:
    """An acquirer of its own, whose notifications are late by up to half a second."""
    receiver = Receiver()
    with run_asgi(lambda _: receiver.app(), name="late-receiver") as base_url:
        config = AcquirerConfig(
            webhook_url=base_url + "/webhook",
            behaviour=Behaviour(max_delay_seconds=0.5),
            seed=1,
        )
        with run_acquirer(config) as running:
            yield running, receiver
            running.wait_notifications()


async def test_late_notifications_arrive_out_of_order(
    late_acquirer: tuple[RunningAcquirer, Receiver],
) -> None:
    acquirer, receiver = late_acquirer
    method_id = acquirer.save_method(CARD_SUCCESS, "12", "2030")
    async with httpx.AsyncClient(base_url=acquirer.api_url, auth=acquirer.auth) as api:
        made = [(await create(api, method_body(method_id)))["id"] for _ in range(10)]
    await acquirer.notifications_settled()

    arrived = [notification["object"]["id"] for notification in receiver.received]
    assert sorted(arrived) == sorted(made)
    assert arrived != made
