"""An e-mail confirmation also holds the hash of its link's token (the link confirms)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linehub', '0010_session_device_name')]

    initial = False

    operations = [
        ops.AddField(
            model_name='EmailConfirmation',
            name='link_hash',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
    ]
