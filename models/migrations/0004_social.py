from tortoise import migrations
from tortoise.migrations import operations as ops
from models.social import SocialPurpose
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linehub', '0003_access')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SocialAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('state_hash', fields.CharField(unique=True, max_length=64)),
                ('provider', fields.CharField(max_length=32)),
                ('purpose', fields.CharEnumField(description='LOGIN: LOGIN\nBIND: BIND', enum_type=SocialPurpose, max_length=8)),
                ('user', fields.ForeignKeyField('linehub.User', source_field='user_id', null=True, description='who binds', db_constraint=True, to_field='id', related_name='social_attempts', on_delete=OnDelete.CASCADE)),
                ('code_verifier', fields.CharField(max_length=128)),
                ('nonce', fields.CharField(null=True, max_length=128)),
                ('callback_uri', fields.CharField(description='the hub callback sent', max_length=500)),
                ('redirect_uri', fields.CharField(description='the app URI to return to', max_length=500)),
                ('app_state', fields.CharField(null=True, description='echoed to the app', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'social_attempt', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'One authorization request at a provider. Lives 10 minutes and is spent once.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SocialIdentity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('linehub.User', source_field='user_id', db_constraint=True, to_field='id', related_name='social_identities', on_delete=OnDelete.CASCADE)),
                ('provider', fields.CharField(description='configured provider id at binding', max_length=32)),
                ('issuer', fields.CharField(max_length=255)),
                ('subject', fields.CharField(max_length=255)),
                ('display_name', fields.CharField(null=True, max_length=200)),
                ('bound_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'social_identity', 'app': 'linehub', 'unique_together': (('issuer', 'subject'),), 'pk_attr': 'id', 'table_description': 'A provider account bound to a person, keyed by issuer and subject.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SocialLoginCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('purpose', fields.CharEnumField(description='LOGIN: LOGIN\nBIND: BIND', enum_type=SocialPurpose, max_length=8)),
                ('user', fields.ForeignKeyField('linehub.User', source_field='user_id', db_constraint=True, to_field='id', related_name='social_login_codes', on_delete=OnDelete.CASCADE)),
                ('provider', fields.CharField(max_length=32)),
                ('issuer', fields.CharField(max_length=255)),
                ('subject', fields.CharField(max_length=255)),
                ('display_name', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'social_login_code', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'The one-time code an app exchanges with completeSocialLogin. Stored as SHA-256.'},
            bases=['Model'],
        ),
    ]
