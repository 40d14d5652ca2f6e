"""A content service's own short number (using it is a call or message to it)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linehub', '0017_usage')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Service',
            name='short_number',
            field=fields.CharField(null=True, max_length=8),
        ),
    ]
