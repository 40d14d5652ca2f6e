from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.access import AccessLevel, AuditAction, RequestStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linehub', '0002_identity')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AccessRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('requester', fields.ForeignKeyField('linehub.User', source_field='requester_id', db_constraint=True, to_field='id', related_name='access_requests_made', on_delete=OnDelete.CASCADE)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', null=True, db_constraint=True, to_field='id', related_name='access_requests', on_delete=OnDelete.CASCADE)),
                ('level', fields.CharEnumField(description='FULL: FULL\nLIMITED: LIMITED', enum_type=AccessLevel, max_length=8)),
                ('code_hash', fields.CharField(description='salt and SHA-256', max_length=100)),
                ('attempts', fields.IntField(default=0)),
                ('status', fields.CharEnumField(default=RequestStatus.PENDING, description='PENDING: PENDING\nCONFIRMED: CONFIRMED\nAPPROVED: APPROVED\nREJECTED: REJECTED\nEXPIRED: EXPIRED', enum_type=RequestStatus, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'access_request', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'Someone asks for access to a number. A request for a number that does not exist,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('linehub.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.SET_NULL)),
                ('session_id', fields.UUIDField(null=True)),
                ('action', fields.CharEnumField(description='GRANT: GRANT\nLEVEL_CHANGE: LEVEL_CHANGE\nREVOKE: REVOKE\nUSER_LEVEL_CHANGE: USER_LEVEL_CHANGE\nREQUEST_CONFIRMED: REQUEST_CONFIRMED\nREQUEST_APPROVED: REQUEST_APPROVED\nREQUEST_REJECTED: REQUEST_REJECTED\nNETWORK_ACCESS_CHANGE: NETWORK_ACCESS_CHANGE\nLINE_UPDATED: LINE_UPDATED', enum_type=AuditAction, max_length=24)),
                ('details', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'audit_entry', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'Who changed access to a line, what, when and from which session.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Grant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', db_constraint=True, to_field='id', related_name='grants', on_delete=OnDelete.CASCADE)),
                ('grantee', fields.ForeignKeyField('linehub.User', source_field='grantee_id', db_constraint=True, to_field='id', related_name='grants_received', on_delete=OnDelete.CASCADE)),
                ('level', fields.CharEnumField(description='FULL: FULL\nLIMITED: LIMITED', enum_type=AccessLevel, max_length=8)),
                ('granted_by', fields.ForeignKeyField('linehub.User', source_field='granted_by_id', null=True, db_constraint=True, to_field='id', related_name='grants_given', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'line_grant', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'Access to one line given to another person, FULL or LIMITED, until revoked.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PrimaryLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('linehub.User', source_field='user_id', db_constraint=True, to_field='id', related_name='primary_line', on_delete=OnDelete.CASCADE)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', db_constraint=True, to_field='id', related_name='primary_for', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'primary_line', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'The number a person wants shown first.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Line',
            name='low_balance_threshold',
            field=fields.BigIntField(default=10000, description='kopecks'),
        ),
        ops.AddField(
            model_name='Line',
            name='notify_low_balance',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='Line',
            name='notify_usage',
            field=fields.BooleanField(default=True),
        ),
    ]
