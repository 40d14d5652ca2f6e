"""Usage from the network: usage records, tariffs' per-unit prices, data packages in KB."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.usage import Direction, UsageFlag, UsageKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linehub', '0016_money')]

    initial = False

    operations = [
        ops.CreateModel(
            name='UsageRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', db_constraint=True, to_field='id', related_name='usage', on_delete=OnDelete.RESTRICT)),
                ('network_id', fields.CharField(unique=True, max_length=64)),
                ('kind', fields.CharEnumField(description='CALL: CALL\nSMS: SMS\nMMS: MMS\nDATA: DATA', enum_type=UsageKind, max_length=4)),
                ('direction', fields.CharEnumField(description='IN: IN\nOUT: OUT', enum_type=Direction, max_length=3)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('counterpart', fields.CharField(null=True, max_length=20)),
                ('seconds', fields.IntField(null=True)),
                ('bytes', fields.BigIntField(null=True)),
                ('units', fields.IntField(null=True)),
                ('roaming', fields.BooleanField(default=False)),
                ('zone', fields.CharField(null=True, max_length=20)),
                ('offnet', fields.BooleanField(default=False)),
                ('allowance_used', fields.BigIntField(default=0)),
                ('cost', fields.BigIntField(default=0, description='kopecks')),
                ('flag', fields.CharEnumField(null=True, description='BLOCKED: BLOCKED\nSUSPENDED: SUSPENDED\nLATE: LATE', enum_type=UsageFlag, max_length=9)),
                ('ledger_entry_id', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'usage_record', 'app': 'linehub', 'indexes': [Index(fields=['line_id', 'started_at', 'id'], name='usage_line_started_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='Allowance',
            options={'table': 'allowance', 'app': 'linehub', 'unique_together': (('line', 'kind'),), 'pk_attr': 'id', 'table_description': 'Remaining minutes, SMS or kilobytes, unlimited ones keep left informational.'},
        ),
        ops.AddField(
            model_name='Tariff',
            name='mb_price',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Tariff',
            name='minute_price',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Tariff',
            name='mms_price',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Tariff',
            name='offnet_minute_price',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Tariff',
            name='sms_price',
            field=fields.BigIntField(null=True),
        ),
        # data is rated per started kilobyte: data packages are counted in KB from now on
        ops.RunSQL(
            [
                'UPDATE "allowance" SET "total" = "total" * 1024, "left" = "left" * 1024 '
                "WHERE \"kind\" = 'DATA'",
            ],
            reverse_sql=[
                'UPDATE "allowance" SET "total" = "total" / 1024, "left" = "left" / 1024 '
                "WHERE \"kind\" = 'DATA'",
            ],
        ),
    ]
