"""Jobs a person follows (exports): the Job node, and asking for a statement."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo
from strawberry import relay
from strawberry.types import Info

import models
from models import JobStatus
from resolvers import job as job_resolvers
from resolvers.context import Context
from resolvers.ids import db_id
from schema.access.permissions import line_mutation
from schema.mutation import run_payload
from schema.scalars import UserError

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(JobStatus, description="Where a job stands.")


@strawberry.type(description="Work done for you in the background, such as an export.")
class Job(relay.Node):
    id: relay.NodeID[int]
    kind: str = strawberry.field(description="What it does, e.g. `export.transactions`.")
    status: JobStatus = strawberry.field(description="Queued, running, done or failed.")
    progress: float = strawberry.field(description="How far it got, 0 to 1.")
    created_at: datetime = strawberry.field(description="When you asked for it.")
    finished_at: datetime | None = strawberry.field(description="When it ended.")
    expires_at: datetime | None = strawberry.field(
        description="Until when the download link works (24 hours after it finished)."
    )

    @strawberry.field(
        description="The file, once done: a signed link, for you only, valid until expiresAt."
    )
    def download_url(
        self, root: strawberry.Parent[models.Job], info: Info[Context, None]
    ) -> str | None:
        return job_resolvers.download_url(info, root)

    @strawberry.field(description="Why it failed, in your language.")
    def error(self, root: strawberry.Parent[models.Job], info: Info[Context, None]) -> str | None:
        return job_resolvers.error_text(info, root)

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return isinstance(obj, models.Job | cls)

    # rows, not instances of this class (Node.resolve_nodes is typed as returning Self)
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return await job_resolvers.resolve_job_nodes(info, [db_id(i) for i in node_ids])


@strawberry.input
class RequestTransactionsExportInput:
    msisdn: str = strawberry.field(description="The number, any format.")
    from_: datetime = strawberry.field(name="from", description="Start of the period.")
    to: datetime = strawberry.field(description="End of the period (not included); a year at most.")


@strawberry.type
class RequestTransactionsExportPayload:
    job: Job | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class JobMutations:
    @line_mutation(
        job_resolvers.resolve_request_transactions_export,
        "A statement of the number's payments and charges (CSV), made in the background.",
    )
    async def request_transactions_export(
        self, info: Info[Context, None], input: RequestTransactionsExportInput
    ) -> RequestTransactionsExportPayload:
        work = job_resolvers.resolve_request_transactions_export(
            info, input.msisdn, input.from_, input.to
        )
        return await run_payload(info, RequestTransactionsExportPayload, work, "job")
