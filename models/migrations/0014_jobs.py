"""Jobs a person follows (exports: status, progress, a file) and failed tries of queued jobs."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.job import JobStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linehub', '0013_job_queue')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Job',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('owner', fields.ForeignKeyField('linehub.User', source_field='owner_id', db_constraint=True, to_field='id', related_name='jobs', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=40)),
                ('status', fields.CharEnumField(default=JobStatus.QUEUED, description='QUEUED: QUEUED\nRUNNING: RUNNING\nDONE: DONE\nFAILED: FAILED', enum_type=JobStatus, max_length=8)),
                ('progress', fields.FloatField(default=0.0, description='0..1')),
                ('params', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('error_code', fields.CharField(null=True, max_length=40)),
                ('file_path', fields.CharField(null=True, max_length=200)),
                ('file_name', fields.CharField(null=True, max_length=200)),
                ('content_type', fields.CharField(null=True, max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('queue_job_id', fields.BigIntField(null=True)),
            ],
            options={'table': 'job', 'app': 'linehub', 'indexes': [Index(fields=['owner_id', 'created_at', 'id'], name='job_owner_created_idx'), Index(fields=['expires_at'], name='job_expires_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JobFailure',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('queue_job_id', fields.BigIntField()),
                ('task', fields.CharField(max_length=128)),
                ('attempt', fields.IntField()),
                ('error', fields.TextField(unique=False)),
                ('failed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'job_failure', 'app': 'linehub', 'indexes': [Index(fields=['queue_job_id'], name='job_failure_job_idx')], 'pk_attr': 'id', 'table_description': 'One failed try of a queued job, with its error (for linehub jobs --failed).'},
            bases=['Model'],
        ),
    ]
