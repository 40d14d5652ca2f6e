"""Recompute the catalogue's search text: it now folds ё into е and collapses spaces.

Rows written before that still hold the old text, and a search for "платеж" would miss
"платёж" there. Only data changes: the migration's own models, the current recipe.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def refresh(apps, schema_editor) -> None:
    from models.search import normalize
    from models.service import Service
    from models.tariff import Tariff

    for current in (Tariff, Service):
        model = apps.get_model("linehub", current.__name__)
        client = schema_editor.client
        for row in await model.all().order_by("id").using_db(client):
            text = normalize(" ".join(str(getattr(row, f) or "") for f in current.search_fields))
            if text != row.search_text:
                await model.filter(id=row.id).using_db(client).update(search_text=text)


class Migration(migrations.Migration):
    dependencies = [("linehub", "0007_ledger_key_per_line")]

    initial = False

    operations = [ops.RunPython(refresh, ops.RunPython.noop)]
