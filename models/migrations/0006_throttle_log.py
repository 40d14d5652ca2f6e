from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linehub', '0005_login_lock')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ThrottleLog',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=200)),
                ('hits', fields.TextField(default='', description='Microsecond timestamps, oldest first', unique=False)),
                ('last_at', fields.BigIntField(default=0, db_index=True, description='The newest hit')),
            ],
            options={'table': 'throttle_log', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'The recent admitted hits of one throttled key, for the sliding windows of'},
            bases=['Model'],
        ),
        ops.DeleteModel(name='ThrottleCounter'),
    ]
