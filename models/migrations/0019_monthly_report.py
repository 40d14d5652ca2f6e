"""The monthly report by e-mail: who asked for it on a line, and each month sent."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linehub', '0018_service_short_number')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MonthlyReport',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('month', fields.CharField(description='YYYY-MM', max_length=7)),
                ('recipient', fields.ForeignKeyField('linehub.User', source_field='recipient_id', null=True, db_constraint=True, to_field='id', related_name='reports_received', on_delete=OnDelete.SET_NULL)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'monthly_report', 'app': 'linehub', 'unique_together': (('line', 'month'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Line',
            name='monthly_report_to',
            field=fields.ForeignKeyField('linehub.User', source_field='monthly_report_to_id', null=True, db_constraint=True, to_field='id', related_name='monthly_reports', on_delete=OnDelete.SET_NULL),
        ),
    ]
