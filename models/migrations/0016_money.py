"""Money: bound cards, payments by card, autopay, trust payments and bonuses."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.autopay import AutopayMode
from models.ledger import EntryKind
from models.payment import PaymentPurpose, PaymentStatus
from models.trust import TrustStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linehub', '0015_line_management')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Card',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('owner', fields.ForeignKeyField('linehub.User', source_field='owner_id', db_constraint=True, to_field='id', related_name='cards', on_delete=OnDelete.CASCADE)),
                ('method_id', fields.CharField(max_length=64)),
                ('mask', fields.CharField(max_length=24)),
                ('brand', fields.CharField(max_length=20)),
                ('expires_on', fields.DateField()),
                ('is_default', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('removed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'card', 'app': 'linehub', 'unique_together': (('owner', 'method_id'),), 'indexes': [Index(fields=['owner_id', 'removed_at'], name='card_owner_idx')], 'pk_attr': 'id', 'table_description': 'A bound card. Removed cards stay (payments name them) but pay for nothing.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Autopay',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', db_constraint=True, to_field='id', related_name='autopays', on_delete=OnDelete.CASCADE)),
                ('owner', fields.ForeignKeyField('linehub.User', source_field='owner_id', db_constraint=True, to_field='id', related_name='autopays', on_delete=OnDelete.CASCADE)),
                ('card', fields.ForeignKeyField('linehub.Card', source_field='card_id', db_constraint=True, to_field='id', related_name='autopays', on_delete=OnDelete.CASCADE)),
                ('mode', fields.CharEnumField(description='THRESHOLD: THRESHOLD\nMONTHLY: MONTHLY', enum_type=AutopayMode, max_length=10)),
                ('amount', fields.BigIntField(description='kopecks a run adds')),
                ('threshold', fields.BigIntField(null=True, description='kopecks')),
                ('day_of_month', fields.IntField(null=True)),
                ('monthly_limit', fields.BigIntField(null=True, description='kopecks a month at most')),
                ('active', fields.BooleanField(default=True)),
                ('armed', fields.BooleanField(default=True)),
                ('runs', fields.IntField(default=0)),
                ('attempt', fields.IntField(default=0, description='tries of the current run so far')),
                ('retry_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('stopped_reason', fields.CharField(null=True, max_length=40)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'autopay', 'app': 'linehub', 'unique_together': (('line', 'owner', 'mode'),), 'indexes': [Index(fields=['active', 'mode'], name='autopay_active_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Payment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('payer', fields.ForeignKeyField('linehub.User', source_field='payer_id', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('purpose', fields.CharEnumField(description='TOP_UP: TOP_UP\nCARD_BINDING: CARD_BINDING', enum_type=PaymentPurpose, max_length=12)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', null=True, db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('card', fields.ForeignKeyField('linehub.Card', source_field='card_id', null=True, db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.SET_NULL)),
                ('amount', fields.BigIntField(description='kopecks')),
                ('status', fields.CharEnumField(default=PaymentStatus.PENDING, description='PENDING: PENDING\nREQUIRES_ACTION: REQUIRES_ACTION\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED\nCANCELLED: CANCELLED\nREFUNDED: REFUNDED', enum_type=PaymentStatus, max_length=16)),
                ('idempotency_key', fields.CharField(max_length=80)),
                ('fingerprint', fields.CharField(max_length=64)),
                ('acquirer_key', fields.CharField(unique=True, max_length=64)),
                ('acquirer_id', fields.CharField(null=True, unique=True, max_length=64)),
                ('return_url', fields.CharField(null=True, max_length=500)),
                ('confirmation_url', fields.CharField(null=True, max_length=1000)),
                ('failure_code', fields.CharField(null=True, max_length=40)),
                ('autopay_id', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payment', 'app': 'linehub', 'unique_together': (('payer', 'idempotency_key'),), 'indexes': [Index(fields=['line_id', 'created_at', 'id'], name='payment_line_idx'), Index(fields=['status', 'created_at'], name='payment_open_idx'), Index(fields=['card_id'], name='payment_card_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrustPayment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', db_constraint=True, to_field='id', related_name='trust_payments', on_delete=OnDelete.RESTRICT)),
                ('open_line_id', fields.IntField(null=True, unique=True)),
                ('taker', fields.ForeignKeyField('linehub.User', source_field='taker_id', null=True, db_constraint=True, to_field='id', related_name='trust_payments', on_delete=OnDelete.SET_NULL)),
                ('amount', fields.BigIntField(description='kopecks lent')),
                ('fee', fields.BigIntField(description='kopecks')),
                ('repaid', fields.BigIntField(default=0, description='kopecks paid back so far')),
                ('status', fields.CharEnumField(default=TrustStatus.ACTIVE, description='ACTIVE: ACTIVE\nOVERDUE: OVERDUE\nREPAID: REPAID', enum_type=TrustStatus, max_length=8)),
                ('idempotency_key', fields.CharField(max_length=64)),
                ('taken_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('repaid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'trust_payment', 'app': 'linehub', 'unique_together': (('line', 'idempotency_key'),), 'indexes': [Index(fields=['status', 'due_at'], name='trust_due_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='LedgerEntry',
            name='kind',
            field=fields.CharEnumField(description='TOP_UP: TOP_UP\nCHARGE: CHARGE\nREFUND: REFUND\nADJUSTMENT: ADJUSTMENT\nTRUST_CREDIT: TRUST_CREDIT\nTRUST_REPAY: TRUST_REPAY\nBONUS: BONUS', enum_type=EntryKind, max_length=12),
        ),
        ops.AddField(
            model_name='LedgerEntry',
            name='bonus',
            field=fields.BigIntField(default=0, description='kopecks of bonuses', db_default=0),
        ),
        ops.AddField(
            model_name='LedgerEntry',
            name='bonus_after',
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Line',
            name='bonus_balance',
            field=fields.BigIntField(default=0, description='kopecks', db_default=0),
        ),
        ops.AddField(
            model_name='Tariff',
            name='bonus_percent',
            field=fields.IntField(null=True),
        ),
        # on SQLite the AlterField of ledger_entry.kind rebuilds the table, which drops
        # its indexes, the unique one of the per-line keys included; PostgreSQL keeps
        # them (under the same names) and skips these
        ops.RunSQL(
            [
                'CREATE INDEX IF NOT EXISTS "ledger_line_created_idx" '
                'ON "ledger_entry" ("line_id", "created_at", "id")',
                'CREATE UNIQUE INDEX IF NOT EXISTS "uid_ledger_entr_line_id_cc248d" '
                'ON "ledger_entry" ("line_id", "idempotency_key")',
            ],
            reverse_sql="SELECT 1",
        ),
    ]
