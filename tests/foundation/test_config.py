"""Settings are read once from the environment; production refuses unsafe ones."""

import pytest

from config import DEFAULT_SECRET_KEY, ConfigError, Settings

PRODUCTION = {
    "ENV": "production",
    "SECRET_KEY": "s" * 48,
    "SMS_BACKEND": "http",
    "SMS_HTTP_URL": "https://sms.example/send",
    "EMAIL_BACKEND": "smtp",
    "SMTP_URL": "smtp://mail.example:587",
    "PAYMENTS_SHOP_ID": "123456",
    "PAYMENTS_SECRET_KEY": "live_" + "k" * 40,
}


def test_development_defaults_are_usable_out_of_the_box() -> None:
    settings = Settings.from_env({}, env_file=None)
    assert settings.database_url == "sqlite://var/linehub.sqlite3"
    assert settings.graphiql
    assert settings.introspection
    assert settings.sms_backend == "file"
    assert settings.limits.max_depth == 15


@pytest.mark.parametrize("secret", [None, "", DEFAULT_SECRET_KEY, "short"])
def test_production_needs_a_real_secret_key(secret: str | None) -> None:
    environ = {"ENV": "production"}
    if secret is not None:
        environ["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings.from_env(environ, env_file=None)


def test_production_turns_graphiql_introspection_and_suggestions_off() -> None:
    settings = Settings.from_env(PRODUCTION, env_file=None)
    assert (settings.graphiql, settings.introspection, settings.suggestions) == (False,) * 3


@pytest.mark.parametrize(
    "override", [{"SMS_BACKEND": "console"}, {"SMS_BACKEND": "file"}, {"EMAIL_BACKEND": "file"}]
)
def test_production_refuses_backends_that_would_log_secrets(override: dict) -> None:
    with pytest.raises(ConfigError, match="SMS_BACKEND=http"):
        Settings.from_env({**PRODUCTION, **override}, env_file=None)


def test_dotenv_is_read_in_development_only(tmp_path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("MAX_QUERY_DEPTH=7\nSECRET_KEY=" + "d" * 40 + "\n")
    assert Settings.from_env({}, env_file=env_file).limits.max_depth == 7
    production = Settings.from_env(PRODUCTION, env_file=env_file)
    assert production.limits.max_depth == 15


def test_a_dotenv_cannot_switch_production_on(tmp_path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("ENV=production\nMAX_QUERY_DEPTH=99\nSECRET_KEY=" + "s" * 48 + "\n")
    with pytest.raises(ConfigError, match="ENV=production"):
        Settings.from_env({}, env_file=env_file)
    # set in the environment, it works, and the file is not read at all
    settings = Settings.from_env(PRODUCTION, env_file=env_file)
    assert settings.production
    assert settings.limits.max_depth == 15


def test_bad_values_are_configuration_errors() -> None:
    for environ in [
        {"MAX_QUERY_DEPTH": "deep"},
        {"GRAPHIQL": "maybe"},
        {"ENV": "staging"},
        {"TRUSTED_PROXY_CIDRS": "not-a-network"},
        {"SMS_BACKEND": "pigeon"},
    ]:
        with pytest.raises(ConfigError):
            Settings.from_env(environ, env_file=None)


def test_social_providers_are_read_from_their_blocks() -> None:
    settings = Settings.from_env(
        {
            "SOCIAL_GOOGLE_CLIENT_ID": "g-id",
            "SOCIAL_GOOGLE_CLIENT_SECRET": "g-secret",
            "SOCIAL_GOOGLE_METADATA_URL": "https://accounts.example/.well-known/openid-configuration",
            "SOCIAL_VK_CLIENT_ID": "vk-id",
            "SOCIAL_VK_AUTHORIZE_URL": "https://id.vk.example/authorize",
            "SOCIAL_VK_TOKEN_URL": "https://id.vk.example/token",
            "SOCIAL_REDIRECT_URIS": "https://app.example/cb, linehub://cb",
        },
        env_file=None,
    )
    assert [p.id for p in settings.social_providers] == ["google", "vk"]
    assert settings.social_providers[0].scope == "openid profile"
    assert settings.social_redirect_uris == ("https://app.example/cb", "linehub://cb")


def test_the_dev_social_provider_is_refused_in_production() -> None:
    with pytest.raises(ConfigError, match="SOCIAL_DEV_PROVIDER"):
        Settings.from_env({**PRODUCTION, "SOCIAL_DEV_PROVIDER": "1"}, env_file=None)


def test_social_providers_are_read_from_dotenv_too(tmp_path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "SOCIAL_SSO_CLIENT_ID=from-file\nSOCIAL_SSO_METADATA_URL=https://sso.example/x\n"
    )
    settings = Settings.from_env({}, env_file=env_file)
    assert [(p.id, p.client_id) for p in settings.social_providers] == [("sso", "from-file")]
    overridden = Settings.from_env({"SOCIAL_SSO_CLIENT_ID": "from-env"}, env_file=env_file)
    assert overridden.social_providers[0].client_id == "from-env"


def test_production_takes_payments_only_through_a_configured_acquirer() -> None:
    settings = Settings.from_env(PRODUCTION, env_file=None)
    assert settings.payments.backend == "yookassa"
    unconfigured = {k: v for k, v in PRODUCTION.items() if not k.startswith("PAYMENTS_")}
    with pytest.raises(ConfigError, match="PAYMENTS_SHOP_ID"):
        Settings.from_env(unconfigured, env_file=None)
    with pytest.raises(ConfigError, match="PAYMENTS_BACKEND=dev"):
        Settings.from_env({**PRODUCTION, "PAYMENTS_BACKEND": "dev"}, env_file=None)
    with pytest.raises(ConfigError, match="PAYMENT_RETURN_URIS"):
        Settings.from_env({**PRODUCTION, "PAYMENT_RETURN_URIS": "http://app.example"}, None)
