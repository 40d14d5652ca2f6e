"""Introspection, "did you mean" suggestions and GraphiQL are switchable, off in production."""

import dataclasses

import pytest

from config import PaymentSettings

INTROSPECTION = "{ __schema { queryType { name } } }"
TYPO = "{ tarifs(first: 1) { totalCount } }"


@pytest.fixture
def production(settings):
    return dataclasses.replace(
        settings,
        env="production",
        graphiql=False,
        introspection=False,
        suggestions=False,
        sms_backend="http",
        sms_http_url="http://127.0.0.1:9/sms",
        email_backend="smtp",
        smtp_url="smtp://127.0.0.1:9",
        payments=PaymentSettings(backend="yookassa", shop_id="1", secret_key="live_key"),
    )


async def test_development_answers_introspection_and_suggests(gql, client) -> None:
    assert (await gql(INTROSPECTION))["data"]["__schema"]["queryType"]["name"] == "Query"
    typo = await gql(TYPO)
    assert "Did you mean" in typo["errors"][0]["message"]
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert "GraphiQL" in page.text


async def test_production_refuses_introspection_and_hides_suggestions(make_gql, production) -> None:
    gql = make_gql(production)
    refused = await gql(INTROSPECTION)
    assert "data" not in refused or refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "introspection" in refused["errors"][0]["message"].lower()
    # no suggestion anywhere graphql-core would make one: fields, arguments, input
    # fields, enum values (literal and variable) and type names
    for query, variables in [
        (TYPO, None),
        ("{ tariffs(frist: 1) { totalCount } }", None),
        ('{ tariffs(filter: {priceMn: "1"}) { totalCount } }', None),
        ("{ viewer { lines(filter: {relation: OWNR}) { totalCount } } }", None),
        ("query($f: TarifFilter) { tariffs(filter: $f) { totalCount } }", None),
        (
            "query($r: LineRelation) { viewer { lines(filter: {relation: $r}) { totalCount } } }",
            {"r": "OWNR"},
        ),
    ]:
        answer = await gql(query, variables)
        messages = " ".join(error["message"] for error in answer["errors"])
        assert "Did you mean" not in messages, messages
    # and no type or field name either: the code and the position only (issue 11)
    for query, variables in [
        ("{ viewer { nme } }", None),
        (
            "query($r: LineRelation) { viewer { lines(filter: {relation: $r}) { totalCount } } }",
            {"r": "NOPE"},
        ),
        ('{ tariffs(first: "x") { totalCount } }', None),
    ]:
        (error,) = (await gql(query, variables, headers={"Accept-Language": "en"}))["errors"]
        assert error["extensions"]["code"] in ("GRAPHQL_VALIDATION_FAILED", "INVALID_INPUT")
        assert error["locations"], error
        for name in ("Viewer", "LineRelation", "Int", "nme", "type"):
            assert name not in error["message"], error
    # the public catalogue still works
    assert "errors" not in await gql("{ tariffs(first: 1) { totalCount } }")


async def test_production_serves_no_graphiql(production) -> None:
    import httpx

    from app import create_app

    app = create_app(production, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert "GraphiQL" not in page.text
