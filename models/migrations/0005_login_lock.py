from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linehub', '0004_social')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LoginLock',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=64)),
                ('failed_attempts', fields.IntField(default=0)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'login_lock', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'Failures and lockout of a login that belongs to nobody, counted exactly like a'},
            bases=['Model'],
        ),
    ]
