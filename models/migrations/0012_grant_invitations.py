"""An owner's grant becomes an invitation the grantee accepts or declines.

Grants given before this were given without asking and stay in force (ACTIVE); from now
on a new one is PENDING until its grantee answers, and one to an unknown login is a
decoy without a grantee.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.access import AuditAction, GrantStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linehub', '0011_email_link')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='AuditEntry',
            name='action',
            field=fields.CharEnumField(description='GRANT: GRANT\nGRANT_ACCEPTED: GRANT_ACCEPTED\nGRANT_DECLINED: GRANT_DECLINED\nLEVEL_CHANGE: LEVEL_CHANGE\nREVOKE: REVOKE\nUSER_LEVEL_CHANGE: USER_LEVEL_CHANGE\nREQUEST_CONFIRMED: REQUEST_CONFIRMED\nREQUEST_APPROVED: REQUEST_APPROVED\nREQUEST_REJECTED: REQUEST_REJECTED\nNETWORK_ACCESS_CHANGE: NETWORK_ACCESS_CHANGE\nLINE_UPDATED: LINE_UPDATED', enum_type=AuditAction, max_length=24),
        ),
        ops.AlterField(
            model_name='Grant',
            name='grantee',
            field=fields.ForeignKeyField('linehub.User', source_field='grantee_id', null=True, db_constraint=True, to_field='id', related_name='grants_received', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='Grant',
            name='invited_key',
            field=fields.CharField(null=True, description='auth.lookup.login_key', max_length=64),
        ),
        ops.AddField(
            model_name='Grant',
            name='invited_login',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='Grant',
            name='responded_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Grant',
            name='status',
            field=fields.CharEnumField(default=GrantStatus.PENDING, db_default=GrantStatus.PENDING, description='PENDING: PENDING\nACTIVE: ACTIVE\nDECLINED: DECLINED', enum_type=GrantStatus, max_length=8),
        ),
        # grants given before invitations existed were given without asking: in force
        ops.RunSQL(
            "UPDATE line_grant SET status = 'ACTIVE'",
            reverse_sql="SELECT 1",
        ),
        # on SQLite the two AlterFields above rebuild their tables, which drops the
        # tables' indexes (migration 0009's); PostgreSQL keeps them and skips these
        ops.RunSQL(
            [
                'CREATE INDEX IF NOT EXISTS "grant_grantee_idx" ON "line_grant" ("grantee_id")',
                'CREATE INDEX IF NOT EXISTS "grant_line_idx" ON "line_grant" ("line_id")',
                'CREATE INDEX IF NOT EXISTS "grant_granted_by_idx" ON "line_grant" ("granted_by_id")',
                'CREATE INDEX IF NOT EXISTS "audit_line_created_idx" '
                'ON "audit_entry" ("line_id", "created_at", "id")',
                'CREATE INDEX IF NOT EXISTS "audit_actor_idx" ON "audit_entry" ("actor_id")',
            ],
            reverse_sql="SELECT 1",
        ),
    ]
