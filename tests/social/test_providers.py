"""Providers from configuration: OpenID Connect by metadata, OAuth 2.0 by explicit endpoints."""

from __future__ import annotations

import httpx
import pytest

from auth.social import OAUTH2, OIDC, SocialProviders
from auth.social.protocol import display_name
from auth.social.providers import UserinfoMapping
from config import ConfigError, Settings
from models import SocialIdentity
from tests.social.flows import ANNA, Hub, as_user, social_login, to_app


def configs(**env: str) -> SocialProviders:
    return SocialProviders.from_configs(Settings.from_env(env, env_file=None).social_providers)


async def test_an_oauth2_only_provider_binds_and_logs_in_through_userinfo(
    hub: Hub, browser: httpx.AsyncClient, provider, demo
) -> None:
    """`plain` has explicit endpoints and no discovery; the subject and the name come
    from the userinfo answer, mapped."""
    anna = await hub.token(ANNA)
    url = await hub.authorization_url("plain", token=anna)
    assert httpx.URL(url).params["code_challenge_method"] == "S256"
    code = (await to_app(browser, as_user(url, "boris-sub")))["code"]
    assert (await hub.complete(code, token=anna))["errors"] == []
    identity = await SocialIdentity.get(provider="plain")
    assert (identity.issuer, identity.subject) == (provider.url("/authorize"), "boris-sub")
    assert identity.display_name == "Boris at IdP"

    login = await social_login(hub, browser, "boris-sub", provider="plain")
    assert login["session"]["authMethod"] == "SOCIAL"
    # the same subject at the OpenID Connect client of that server is another identity
    url = await hub.authorization_url("idp")
    assert dict(await to_app(browser, as_user(url, "boris-sub"))) == {"error": "NOT_BOUND"}


async def test_an_oauth2_provider_outage_is_provider_unavailable(
    hub: Hub, browser: httpx.AsyncClient, provider, demo
) -> None:
    anna = await hub.token(ANNA)
    url = await hub.authorization_url("plain", token=anna)
    provider.behaviour.provider_down = 502
    params = await to_app(browser, as_user(url, "boris-sub"))
    assert dict(params) == {"error": "PROVIDER_UNAVAILABLE"}
    assert await SocialIdentity.filter(provider="plain").count() == 0


def test_well_known_providers_need_only_a_client_id_and_secret() -> None:
    providers = configs(
        **{
            f"SOCIAL_{name}_{part}": "x"
            for name in ("GOOGLE", "VK", "YANDEX", "FACEBOOK")
            for part in ("CLIENT_ID", "CLIENT_SECRET")
        }
    )
    found = {p.id: p for p in providers}
    google, vk, yandex, facebook = (found[k] for k in ("google", "vk", "yandex", "facebook"))
    assert google.kind == OIDC
    assert google.metadata_url == "https://accounts.google.com/.well-known/openid-configuration"
    assert google.scope == "openid profile"
    for explicit in (vk, yandex, facebook):
        assert explicit.kind == OAUTH2
        assert explicit.issuer
        assert explicit.userinfo_url
        assert explicit.client.client_kwargs["code_challenge_method"] == "S256"
    assert (yandex.name("en"), yandex.name("ru")) == ("Yandex ID", "Яндекс ID")
    assert vk.userinfo.subject == "user.user_id"
    assert vk.callback_params == ("device_id", "state")
    assert yandex.userinfo.auth == "oauth"


def test_any_openid_connect_provider_by_metadata_url_with_names() -> None:
    [corp] = configs(
        SOCIAL_CORP_CLIENT_ID="linehub",
        SOCIAL_CORP_METADATA_URL="https://sso.corp.example/.well-known/openid-configuration",
        SOCIAL_CORP_NAME_EN="Corporate login",
        SOCIAL_CORP_NAME_RU="Корпоративный вход",
    )
    assert (corp.kind, corp.scope) == (OIDC, "openid profile")
    assert (corp.name("en"), corp.name("ru")) == ("Corporate login", "Корпоративный вход")


def test_explicit_endpoints_override_a_preset() -> None:
    [google] = configs(
        SOCIAL_GOOGLE_CLIENT_ID="x",
        SOCIAL_GOOGLE_AUTHORIZE_URL="https://proxy.example/authorize?tenant=1",
        SOCIAL_GOOGLE_TOKEN_URL="https://proxy.example/token",
        SOCIAL_GOOGLE_USERINFO_URL="https://proxy.example/me",
    )
    assert google.kind == OAUTH2
    assert google.issuer == "https://proxy.example/authorize"


def test_two_providers_with_one_issuer_are_a_configuration_error() -> None:
    """Identities are keyed by (issuer, subject): tenants of one authorization server told
    apart only by a query would share subjects, and 42 at one would log in as 42 at the
    other. Each must be given its own issuer."""
    tenant = {
        "SOCIAL_CORP_{t}_CLIENT_ID": "x",
        "SOCIAL_CORP_{t}_AUTHORIZE_URL": "https://auth.example/authorize?tenant={t}",
        "SOCIAL_CORP_{t}_TOKEN_URL": "https://auth.example/token?tenant={t}",
        "SOCIAL_CORP_{t}_USERINFO_URL": "https://auth.example/userinfo?tenant={t}",
    }
    both = {k.format(t=t): v.format(t=t) for t in ("A", "B") for k, v in tenant.items()}
    with pytest.raises(ConfigError, match="share the issuer"):
        configs(**both)
    a, b = configs(**both, SOCIAL_CORP_A_ISSUER="https://auth.example/a")
    assert (a.issuer, b.issuer) == ("https://auth.example/a", "https://auth.example/authorize")


@pytest.mark.parametrize(
    "env",
    [
        {"SOCIAL_CUSTOM_CLIENT_ID": "x"},
        {"SOCIAL_CUSTOM_CLIENT_ID": "x", "SOCIAL_CUSTOM_AUTHORIZE_URL": "https://a.example/a"},
        {"SOCIAL_THIS_ID_IS_FAR_TOO_LONG_FOR_THE_COLUMN_CLIENT_ID": "x"},
    ],
)
def test_an_incomplete_provider_is_a_configuration_error(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        configs(**env)


def test_display_names_are_read_from_the_mapping() -> None:
    vk = UserinfoMapping(subject="user.user_id", names=(("user.first_name", "user.last_name"),))
    answer = {"user": {"user_id": 1, "first_name": "Анна", "last_name": "Иванова"}}
    assert display_name(answer, vk) == "Анна Иванова"
    assert display_name({"user": {}}, vk) is None
    assert display_name({"preferred_username": "anna"}, UserinfoMapping()) == "anna"


def test_a_client_without_a_secret_is_public() -> None:
    [public, confidential] = configs(
        SOCIAL_APP_CLIENT_ID="a",
        SOCIAL_APP_METADATA_URL="https://a.example/.well-known/openid-configuration",
        SOCIAL_VK_CLIENT_ID="v",
        SOCIAL_VK_CLIENT_SECRET="s",
    )
    assert public.client.client_kwargs["token_endpoint_auth_method"] == "none"
    assert confidential.client.client_kwargs["token_endpoint_auth_method"] == "client_secret_post"


async def test_a_public_client_binds_and_logs_in_with_pkce_alone(
    hub: Hub, browser: httpx.AsyncClient, demo
) -> None:
    anna = await hub.token(ANNA)
    code = (
        await to_app(browser, as_user(await hub.authorization_url("pub", token=anna), "anna-sub"))
    )["code"]
    assert (await hub.complete(code, token=anna))["errors"] == []
    assert (await social_login(hub, browser, "anna-sub", provider="pub"))["errors"] == []
