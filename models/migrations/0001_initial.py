from tortoise import migrations
from tortoise.migrations import operations as ops
from models.access import AccessLevel, MobileNetworkAccess
from models.allowance import AllowanceKind
from models.ledger import EntryKind
from models.contract import ContractKind
from models.line import DeviceKind, LineStatus
from models.service import ChargePeriod, ServiceKind
from models.tariff import TariffKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Service',
            fields=[
                ('search_text', fields.TextField(default='', unique=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=40)),
                ('name', fields.CharField(max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('kind', fields.CharEnumField(description='MOBILE: MOBILE\nHOME_INTERNET: HOME_INTERNET\nTV: TV', enum_type=ServiceKind, max_length=16)),
                ('price', fields.BigIntField(default=0, description='kopecks per period')),
                ('period', fields.CharEnumField(default=ChargePeriod.NONE, description='NONE: NONE\nDAILY: DAILY\nMONTHLY: MONTHLY\nONCE: ONCE', enum_type=ChargePeriod, max_length=8)),
                ('is_subscription', fields.BooleanField(default=False)),
                ('archived', fields.BooleanField(default=False)),
            ],
            options={'table': 'service', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'An option a line can connect: free ones (caller id) and paid subscriptions.'},
            bases=['Searchable', 'Model'],
        ),
        ops.CreateModel(
            name='Tariff',
            fields=[
                ('search_text', fields.TextField(default='', unique=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=40)),
                ('name', fields.CharField(max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('kind', fields.CharEnumField(description='MOBILE: MOBILE\nHOME_INTERNET: HOME_INTERNET\nTV: TV', enum_type=TariffKind, max_length=16)),
                ('monthly_fee', fields.BigIntField(description='kopecks')),
                ('minutes', fields.IntField(null=True)),
                ('sms', fields.IntField(null=True)),
                ('data_mb', fields.IntField(null=True)),
                ('unlimited_data', fields.BooleanField(default=False)),
                ('speed_mbps', fields.IntField(null=True)),
                ('tv_channels', fields.IntField(null=True)),
                ('archived', fields.BooleanField(default=False)),
            ],
            options={'table': 'tariff', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'A price plan. Money is integer kopecks, an allowance left empty is not included.'},
            bases=['Searchable', 'Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('alias', fields.CharField(null=True, unique=True, max_length=32)),
                ('birth_year', fields.IntField(null=True)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('access_requests_allowed', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'person', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'A person with a linehub login. Their number, contract login or alias identifies them.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Contract',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=20)),
                ('kind', fields.CharEnumField(description='MOBILE: MOBILE\nHOME_INTERNET: HOME_INTERNET', enum_type=ContractKind, max_length=16)),
                ('holder', fields.ForeignKeyField('linehub.User', source_field='holder_id', db_constraint=True, to_field='id', related_name='contracts', on_delete=OnDelete.RESTRICT)),
                ('login', fields.CharField(null=True, unique=True, max_length=10)),
                ('signed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'contract', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'The legal agreement: its holder owns every line on it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Line',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('msisdn', fields.CharField(unique=True, max_length=10)),
                ('contract', fields.ForeignKeyField('linehub.Contract', source_field='contract_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('linehub.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='own_lines', on_delete=OnDelete.SET_NULL)),
                ('user_level', fields.CharEnumField(default=AccessLevel.FULL, description='FULL: FULL\nLIMITED: LIMITED', enum_type=AccessLevel, max_length=8)),
                ('device_kind', fields.CharEnumField(description='PHONE: PHONE\nTABLET: TABLET\nUSB_MODEM: USB_MODEM\nROUTER: ROUTER', enum_type=DeviceKind, max_length=10)),
                ('status', fields.CharEnumField(default=LineStatus.ACTIVE, description='ACTIVE: ACTIVE\nBLOCKED: BLOCKED\nSUSPENDED: SUSPENDED\nCLOSED: CLOSED', enum_type=LineStatus, max_length=10)),
                ('label', fields.CharField(null=True, max_length=64)),
                ('tariff', fields.ForeignKeyField('linehub.Tariff', source_field='tariff_id', null=True, db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.RESTRICT)),
                ('balance', fields.BigIntField(default=0, description='kopecks, changed only with a ledger row')),
                ('mobile_network_access', fields.CharEnumField(default=MobileNetworkAccess.LIMITED, description='FULL: FULL\nLIMITED: LIMITED\nDISABLED: DISABLED', enum_type=MobileNetworkAccess, max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'line', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'A number on a contract. The balance is kept in step with the ledger (models.ledger).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Allowance',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', db_constraint=True, to_field='id', related_name='allowances', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='MINUTES: MINUTES\nSMS: SMS\nDATA: DATA', enum_type=AllowanceKind, max_length=8)),
                ('total', fields.BigIntField()),
                ('left', fields.BigIntField()),
                ('unlimited', fields.BooleanField(default=False)),
                ('resets_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'allowance', 'app': 'linehub', 'unique_together': (('line', 'kind'),), 'pk_attr': 'id', 'table_description': 'Remaining minutes, SMS or megabytes, unlimited ones keep left informational.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', db_constraint=True, to_field='id', related_name='ledger', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='TOP_UP: TOP_UP\nCHARGE: CHARGE\nREFUND: REFUND\nADJUSTMENT: ADJUSTMENT', enum_type=EntryKind, max_length=12)),
                ('amount', fields.BigIntField()),
                ('balance_after', fields.BigIntField()),
                ('description', fields.CharField(default='', max_length=200)),
                ('idempotency_key', fields.CharField(null=True, unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'ledger_entry', 'app': 'linehub', 'pk_attr': 'id', 'table_description': 'One movement of money on a line, the amount is signed kopecks.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LineService',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.ForeignKeyField('linehub.Line', source_field='line_id', db_constraint=True, to_field='id', related_name='services', on_delete=OnDelete.CASCADE)),
                ('service', fields.ForeignKeyField('linehub.Service', source_field='service_id', db_constraint=True, to_field='id', related_name='connections', on_delete=OnDelete.RESTRICT)),
                ('price', fields.BigIntField(description='kopecks per period, fixed when connected')),
                ('connected_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'line_service', 'app': 'linehub', 'unique_together': (('line', 'service'),), 'pk_attr': 'id', 'table_description': 'A service connected to a line, with the price it was connected at.'},
            bases=['Model'],
        ),
    ]
