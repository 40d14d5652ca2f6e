"""Every path in the schema to number-scoped data is one the access rules guard.

Line fields carry their capability (the matrix test); the other ways in are listed here
with the rule that guards each. A new field returning number-scoped data anywhere else
fails this test until its guard is written and added to the list.
"""

from graphql import GraphQLObjectType, get_named_type

from config import Settings
from schema import build_schema

SCOPED_TYPES = {
    "Line",
    "LineConnection",
    "LineEdge",
    "LineGrant",
    "AccessRequest",
    "AuditEntry",
    "AuditEntryConnection",
    "AuditEntryEdge",
    "LedgerEntry",
    "LedgerEntryConnection",
    "LedgerEntryEdge",
    "Allowance",
    "LineService",
    "Contract",
    "NotificationSettings",
    "LineRequest",
    "LineRequestConnection",
    "LineRequestEdge",
    "LineBlock",
    "TariffChangePreview",
    "Job",
    "JobConnection",
    "JobEdge",
    "Payment",
    "PaymentConnection",
    "PaymentEdge",
    "Autopay",
    "TrustPaymentOffer",
    "TrustPayment",
    "UsageRecordConnection",
    "UsageRecordEdge",
    "UsageRecord",
    "UsageTotal",
    "ExpenseReport",
    "ForgottenSubscription",
}
GUARDED = {
    # visible lines only: resolvers/access/lines.py
    ("Viewer", "lines"),
    ("Viewer", "line"),
    ("LineConnection", "edges"),
    ("LineEdge", "node"),
    # the viewer's own contracts, FULL sessions only: resolvers/access/viewer.py
    ("Viewer", "contracts"),
    # grants on lines the viewer holds, or given to the viewer
    ("Viewer", "grantsGiven"),
    ("Viewer", "grantsReceived"),
    # requests waiting for the owner's answer
    ("Viewer", "accessRequests"),
    # connection plumbing under guarded Line fields
    ("AuditEntryConnection", "edges"),
    ("AuditEntryEdge", "node"),
    ("LedgerEntryConnection", "edges"),
    ("LedgerEntryEdge", "node"),
    # mutation payloads: each mutation checked its capability before returning
    ("GrantLineAccessPayload", "grant"),
    ("RevokeLineAccessPayload", "grant"),
    # the grantee's own invitation only: models/access/grants.py respond
    ("RespondToGrantPayload", "grant"),
    ("ConfirmLineAccessPayload", "grant"),
    ("SetLineUserAccessPayload", "line"),
    ("RequestLineAccessPayload", "request"),
    ("RespondToAccessRequestPayload", "request"),
    ("UpdateLinePayload", "line"),
    ("SetPrimaryLinePayload", "line"),
    ("SetLineUserLoginPayload", "line"),
    ("ChangeTariffPayload", "line"),
    ("ChangeTariffPayload", "request"),
    ("ConnectServicePayload", "line"),
    ("ConnectServicePayload", "request"),
    ("DisconnectServicePayload", "line"),
    ("DisconnectServicePayload", "request"),
    ("BlockLinePayload", "line"),
    ("BlockLinePayload", "request"),
    ("UnblockLinePayload", "line"),
    ("UnblockLinePayload", "request"),
    ("SendSmsPayload", "request"),
    ("RequestTransactionsExportPayload", "job"),
    ("RequestUsageExportPayload", "job"),
    # connection plumbing under the guarded Line.requests
    ("LineRequestConnection", "edges"),
    ("LineRequestEdge", "node"),
    # the viewer's own jobs only, none for a LIMITED session: resolvers/job.py
    ("Viewer", "jobs"),
    ("JobConnection", "edges"),
    ("JobEdge", "node"),
    # money: the payer's own payment, after the TOP_UP check; the autopay set or stopped
    # after MANAGE_LINE; plumbing under the guarded Line.payments and trustPayment
    ("TopUpPayload", "payment"),
    ("SetAutopayPayload", "autopay"),
    ("RemoveAutopayPayload", "autopay"),
    ("TakeTrustPaymentPayload", "line"),
    ("TakeTrustPaymentPayload", "request"),
    ("PaymentConnection", "edges"),
    ("PaymentEdge", "node"),
    ("TrustPaymentOffer", "current"),
    # plumbing under the guarded Line.usage
    ("UsageRecordConnection", "edges"),
    ("UsageRecordConnection", "totals"),
    ("UsageRecordEdge", "node"),
    # the viewer's lines with VIEW_USAGE only: resolvers/expenses.py
    ("Viewer", "familyExpenses"),
    ("Viewer", "forgottenSubscriptions"),
    ("ExpenseReport", "line"),
    ("ForgottenSubscription", "line"),
}


def test_number_scoped_data_is_reached_only_through_guarded_fields() -> None:
    schema = build_schema(Settings(env="test"))._schema
    unguarded = []
    for type_name, graphql_type in schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, field in graphql_type.fields.items():
            target = get_named_type(field.type).name
            if target not in SCOPED_TYPES or type_name == "Line":
                continue
            if (type_name, field_name) not in GUARDED:
                unguarded.append(f"{type_name}.{field_name} -> {target}")
    assert unguarded == [], "guard these and list them in GUARDED: " + ", ".join(unguarded)
