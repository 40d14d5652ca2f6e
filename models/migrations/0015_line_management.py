"""Managing a line: its request history, blocks, a user's login switch, and the
service rules (exclusive groups, tariffs that forbid a service)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.access import AuditAction
from models.block import BlockReason
from models.request import LineRequestKind, LineRequestStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linehub', '0014_jobs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LineBlock',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', db_constraint=True, to_field='id', related_name='blocks', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharEnumField(description='LOST: LOST\nVOLUNTARY: VOLUNTARY', enum_type=BlockReason, max_length=10)),
                ('since', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('until', fields.DatetimeField(null=True, description='a voluntary block ends by itself', auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('actor', fields.ForeignKeyField('linehub.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='line_blocks', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'line_block', 'app': 'linehub', 'indexes': [Index(fields=['line_id', 'since'], name='line_block_line_idx'), Index(fields=['until'], name='line_block_until_idx'), Index(fields=['actor_id'], name='line_block_actor_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LineRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', db_constraint=True, to_field='id', related_name='requests', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='TARIFF_CHANGE: TARIFF_CHANGE\nSERVICE_CONNECT: SERVICE_CONNECT\nSERVICE_DISCONNECT: SERVICE_DISCONNECT\nBLOCK: BLOCK\nUNBLOCK: UNBLOCK\nSMS: SMS\nAUTOPAY: AUTOPAY\nTRUST_PAYMENT: TRUST_PAYMENT', enum_type=LineRequestKind, max_length=20)),
                ('status', fields.CharEnumField(description='PENDING: PENDING\nDONE: DONE\nREJECTED: REJECTED\nCANCELLED: CANCELLED', enum_type=LineRequestStatus, max_length=10)),
                ('actor', fields.ForeignKeyField('linehub.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='line_requests', on_delete=OnDelete.SET_NULL)),
                ('summary_key', fields.CharField(max_length=40)),
                ('summary_params', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('price', fields.BigIntField(null=True, description='kopecks charged, if any')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'line_request', 'app': 'linehub', 'indexes': [Index(fields=['line_id', 'created_at', 'id'], name='line_request_line_idx'), Index(fields=['actor_id'], name='line_request_actor_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='AuditEntry',
            name='action',
            field=fields.CharEnumField(description='GRANT: GRANT\nGRANT_ACCEPTED: GRANT_ACCEPTED\nGRANT_DECLINED: GRANT_DECLINED\nLEVEL_CHANGE: LEVEL_CHANGE\nREVOKE: REVOKE\nUSER_LEVEL_CHANGE: USER_LEVEL_CHANGE\nREQUEST_CONFIRMED: REQUEST_CONFIRMED\nREQUEST_APPROVED: REQUEST_APPROVED\nREQUEST_REJECTED: REQUEST_REJECTED\nNETWORK_ACCESS_CHANGE: NETWORK_ACCESS_CHANGE\nLINE_UPDATED: LINE_UPDATED\nTARIFF_CHANGE: TARIFF_CHANGE\nSERVICE_CONNECT: SERVICE_CONNECT\nSERVICE_DISCONNECT: SERVICE_DISCONNECT\nBLOCK: BLOCK\nUNBLOCK: UNBLOCK\nSMS: SMS\nUSER_LOGIN_CHANGE: USER_LOGIN_CHANGE', enum_type=AuditAction, max_length=24),
        ),
        ops.AddField(
            model_name='Line',
            name='user_login_enabled',
            field=fields.BooleanField(default=True, db_default=True),
        ),
        ops.AddField(
            model_name='Service',
            name='exclusive_group',
            field=fields.CharField(null=True, max_length=40),
        ),
        ops.AddField(
            model_name='Service',
            name='forbidden_on',
            field=fields.CharField(null=True, max_length=400),
        ),
        # on SQLite the AlterField of audit_entry.action rebuilds the table, which drops
        # its indexes; PostgreSQL keeps them and skips these
        ops.RunSQL(
            [
                'CREATE INDEX IF NOT EXISTS "audit_line_created_idx" '
                'ON "audit_entry" ("line_id", "created_at", "id")',
                'CREATE INDEX IF NOT EXISTS "audit_actor_idx" ON "audit_entry" ("actor_id")',
            ],
            reverse_sql="SELECT 1",
        ),
    ]
