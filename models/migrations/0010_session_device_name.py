"""Sessions keep the name a person gave the device at login (loginWithMobileNetwork)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linehub', '0009_indexes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Session',
            name='device_name',
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
