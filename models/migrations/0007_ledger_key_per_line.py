from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('linehub', '0006_throttle_log')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='LedgerEntry',
            name='idempotency_key',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddConstraint(
            model_name='LedgerEntry',
            constraint=UniqueConstraint(fields=('line', 'idempotency_key'), name=None),
        ),
    ]
