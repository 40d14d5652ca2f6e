"""Index every foreign key and the columns the hot queries filter and sort by.

Plain CREATE INDEX statements (AddIndex), never AlterField: on SQLite an altered field
rebuilds the whole table, and tortoise 1.1 does not create a field's db_index there.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linehub', '0008_refresh_search_texts')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='AccessRequest',
            index=Index(fields=['line_id'], name='access_request_line_idx'),
        ),
        ops.AddIndex(
            model_name='AccessRequest',
            index=Index(fields=['requester_id'], name='access_request_requester_idx'),
        ),
        ops.AddIndex(
            model_name='AuditEntry',
            index=Index(fields=['line_id', 'created_at', 'id'], name='audit_line_created_idx'),
        ),
        ops.AddIndex(
            model_name='AuditEntry',
            index=Index(fields=['actor_id'], name='audit_actor_idx'),
        ),
        ops.AddIndex(
            model_name='Contract',
            index=Index(fields=['holder_id'], name='contract_holder_idx'),
        ),
        ops.AddIndex(
            model_name='EmailConfirmation',
            index=Index(fields=['user_id'], name='email_confirmation_user_idx'),
        ),
        ops.AddIndex(
            model_name='Grant',
            index=Index(fields=['grantee_id'], name='grant_grantee_idx'),
        ),
        ops.AddIndex(
            model_name='Grant',
            index=Index(fields=['line_id'], name='grant_line_idx'),
        ),
        ops.AddIndex(
            model_name='Grant',
            index=Index(fields=['granted_by_id'], name='grant_granted_by_idx'),
        ),
        ops.AddIndex(
            model_name='LedgerEntry',
            index=Index(fields=['line_id', 'created_at', 'id'], name='ledger_line_created_idx'),
        ),
        ops.AddIndex(
            model_name='Line',
            index=Index(fields=['contract_id'], name='line_contract_idx'),
        ),
        ops.AddIndex(
            model_name='Line',
            index=Index(fields=['user_id'], name='line_user_idx'),
        ),
        ops.AddIndex(
            model_name='Line',
            index=Index(fields=['tariff_id'], name='line_tariff_idx'),
        ),
        ops.AddIndex(
            model_name='LineService',
            index=Index(fields=['service_id'], name='line_service_service_idx'),
        ),
        ops.AddIndex(
            model_name='LoginLock',
            index=Index(fields=['updated_at'], name='login_lock_updated_idx'),
        ),
        ops.AddIndex(
            model_name='PrimaryLine',
            index=Index(fields=['line_id'], name='primary_line_line_idx'),
        ),
        ops.AddIndex(
            model_name='RefreshToken',
            index=Index(fields=['session_id'], name='refresh_token_session_idx'),
        ),
        ops.AddIndex(
            model_name='Session',
            index=Index(fields=['user_id', 'created_at'], name='session_user_created_idx'),
        ),
        ops.AddIndex(
            model_name='Session',
            index=Index(fields=['network_msisdn'], name='session_network_msisdn_idx'),
        ),
        ops.AddIndex(
            model_name='SocialAttempt',
            index=Index(fields=['expires_at'], name='social_attempt_expires_idx'),
        ),
        ops.AddIndex(
            model_name='SocialAttempt',
            index=Index(fields=['user_id'], name='social_attempt_user_idx'),
        ),
        ops.AddIndex(
            model_name='SocialIdentity',
            index=Index(fields=['user_id'], name='social_identity_user_idx'),
        ),
        ops.AddIndex(
            model_name='SocialLoginCode',
            index=Index(fields=['expires_at'], name='social_login_code_expires_idx'),
        ),
        ops.AddIndex(
            model_name='SocialLoginCode',
            index=Index(fields=['user_id'], name='social_login_code_user_idx'),
        ),
        ops.AddIndex(
            model_name='TemporaryPassword',
            index=Index(fields=['user_id', 'created_at'], name='temporary_password_user_idx'),
        ),
    ]
