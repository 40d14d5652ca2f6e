"""The GraphQL schema: every domain's queries and mutations, plus limits and error masking."""

from __future__ import annotations

from functools import partial

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from config import Settings
from schema.access.mutations import AccessMutations
from schema.autopay import AutopayMutations
from schema.block import BlockMutations
from schema.card import CardMutations
from schema.documents import DocumentCache, Documents
from schema.errors import ErrorPresenter
from schema.execution import Execution
from schema.identity import IdentityMutations
from schema.identity.social import SocialMutations, SocialQueries
from schema.job import JobMutations
from schema.limits import NoNulInStrings, OnePasswordCheck, QueryLimitsExtension
from schema.line import LineMutations
from schema.node import NodeQueries
from schema.payment import PaymentMutations
from schema.person.mutations import PersonMutations
from schema.person.viewer import ViewerQueries
from schema.scalars import SCALAR_MAP
from schema.service import ServiceMutations, ServiceQueries
from schema.sms import SmsMutations
from schema.tariff import TariffQueries
from schema.tariff_change import TariffChangeMutations
from schema.trust import TrustMutations
from schema.usage import UsageMutations

Query = merge_types(
    "Query", (ViewerQueries, NodeQueries, TariffQueries, ServiceQueries, SocialQueries)
)
Mutation = merge_types(
    "Mutation",
    (
        IdentityMutations,
        PersonMutations,
        SocialMutations,
        AccessMutations,
        LineMutations,
        TariffChangeMutations,
        ServiceMutations,
        BlockMutations,
        SmsMutations,
        JobMutations,
        PaymentMutations,
        CardMutations,
        AutopayMutations,
        TrustMutations,
        UsageMutations,
    ),
)


class LinehubSchema(strawberry.Schema):
    """Strawberry's schema without its default error logging: ErrorPresenter logs what
    is unexpected, once, with the request id; expected errors are not log noise."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema as configured: introspection and suggestions may be off (production)."""
    # factories, so that every request gets fresh extension instances
    extensions: list = [
        partial(QueryLimitsExtension, limits=settings.limits),
        # after the limits: they are measured on every request, cached document or not
        partial(DocumentCache, documents=Documents()),
        partial(
            ErrorPresenter,
            limits=settings.limits,
            suggestions=settings.suggestions,
            schema_hidden=not settings.introspection,
        ),
    ]
    rules: list = [NoNulInStrings, OnePasswordCheck]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    extensions.append(partial(AddValidationRules, rules))
    return LinehubSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        execution_context_class=Execution,
        config=StrawberryConfig(
            disable_field_suggestions=not settings.suggestions, scalar_map=SCALAR_MAP
        ),
    )


__all__ = ["build_schema"]
