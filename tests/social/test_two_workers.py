"""Two server processes on one database: a flow started on one finishes on the other.

State, PKCE verifier, nonce and one-time codes live in the database, not in a worker's
memory, so a load balancer may send each request of a flow to a different worker.
"""

from __future__ import annotations

import httpx

from tests.social.flows import ANNA, Hub, as_user, provider_redirect, to_app


def on(hub: Hub, callback: httpx.URL) -> str:
    """The same callback, delivered to another worker."""
    target = httpx.URL(hub.base)
    return str(callback.copy_with(host=target.host, port=target.port))


async def test_binding_started_on_a_finishes_on_b_and_logs_in_on_a(
    hubs: tuple[Hub, Hub], browser: httpx.AsyncClient, demo
) -> None:
    a, b = hubs
    anna = await a.token(ANNA)
    url = await a.authorization_url(token=anna)
    callback = await provider_redirect(browser, as_user(url, "anna-sub"))
    assert httpx.URL(a.base).port == callback.port  # the provider sends it to A
    code = (await to_app(browser, on(b, callback)))["code"]
    assert (await b.complete(code, token=anna))["errors"] == []
    assert len(await a.identities(anna)) == 1

    url = await b.authorization_url()
    callback = await provider_redirect(browser, as_user(url, "anna-sub"))
    code = (await to_app(browser, str(callback)))["code"]  # at A
    login = await a.complete(code)
    assert login["errors"] == []
    assert login["session"]["authMethod"] == "SOCIAL"


async def test_a_state_spent_on_one_worker_is_spent_on_the_other(
    hubs: tuple[Hub, Hub], browser: httpx.AsyncClient, demo
) -> None:
    a, b = hubs
    anna = await a.token(ANNA)
    url = await a.authorization_url(token=anna)
    callback = await provider_redirect(browser, as_user(url, "anna-sub"))
    assert "code" in await to_app(browser, on(b, callback))
    assert dict(await to_app(browser, on(a, callback))) == {"error": "INVALID_STATE"}
