from tortoise import migrations
from tortoise.migrations import operations as ops
from models.access import AccessLevel
from models.identity import AuthMethod
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linehub', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Credential',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('linehub.User', source_field='user_id', db_constraint=True, to_field='id', related_name='credential', on_delete=OnDelete.CASCADE)),
                ('password_hash', fields.CharField(null=True, max_length=255)),
                ('failed_attempts', fields.IntField(default=0)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('permanent_disabled', fields.BooleanField(default=False)),
                ('password_changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'credential', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'The permanent password (argon2id) of a person and the lockout state of password login.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EmailConfirmation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('linehub.User', source_field='user_id', db_constraint=True, to_field='id', related_name='email_confirmations', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(max_length=254)),
                ('code_hash', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'email_confirmation', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'A recovery e-mail waiting for its code, it counts only once confirmed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('linehub.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('auth_method', fields.CharEnumField(description='PASSWORD: PASSWORD\nTEMPORARY_PASSWORD: TEMPORARY_PASSWORD\nMOBILE_NETWORK: MOBILE_NETWORK\nSOCIAL: SOCIAL', enum_type=AuthMethod, max_length=20)),
                ('access_cap', fields.CharEnumField(default=AccessLevel.FULL, description='FULL: FULL\nLIMITED: LIMITED', enum_type=AccessLevel, max_length=8)),
                ('must_set_password', fields.BooleanField(default=False)),
                ('network_msisdn', fields.CharField(null=True, max_length=10)),
                ('user_agent', fields.CharField(default='', max_length=300)),
                ('client_ip', fields.CharField(null=True, max_length=45)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_seen_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoke_reason', fields.CharField(null=True, max_length=40)),
            ],
            options={'table': 'session', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'One login on one client. Access tokens name it, and it is checked on every request.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RefreshToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('linehub.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='refresh_tokens', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'refresh_token', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'An opaque rotating refresh token: SHA-256 of 256 random bits (no slow hash needed).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TemporaryPassword',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('linehub.User', source_field='user_id', db_constraint=True, to_field='id', related_name='temporary_passwords', on_delete=OnDelete.CASCADE)),
                ('password_hash', fields.CharField(max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('voided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'temporary_password', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'A one-time password sent by SMS: argon2id hash, 15 minutes, 3 tries, single use.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ThrottleCounter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(max_length=200)),
                ('window_start', fields.BigIntField()),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'throttle_counter', 'app': 'linehub', 'unique_together': (('key', 'window_start'),), 'pk_attr': 'id', 'table_description': 'A fixed-window counter shared by all workers when Redis is not configured.'},
            bases=['Model'],
        ),
    ]
