"""The job queue's own tables and functions (procrastinate's schema), on PostgreSQL.

procrastinate ships its schema as SQL for its pinned release (pyproject.toml); putting
it in this history lets `linehub migrate` set up everything in one step. A later
procrastinate release adds its own delta migrations here, one RunPython each. On SQLite
the queue lives in the server's memory and needs no tables.
"""

from procrastinate.schema import SchemaManager
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.schema_editor.base import BaseSchemaEditor


async def create_queue(apps: object, schema_editor: BaseSchemaEditor) -> None:
    if schema_editor.DIALECT == "postgres":
        await schema_editor.client.execute_script(SchemaManager.get_schema())


class Migration(migrations.Migration):
    dependencies = [("linehub", "0012_grant_invitations")]

    initial = False

    # one way only: the queue's functions and types are procrastinate's to drop
    operations = [ops.RunPython(create_queue)]
