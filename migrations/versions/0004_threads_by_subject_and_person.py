"""threads by subject and person

Ingest chooses a thread by subject and person together; indexed by subject alone, a
recurring subject ("Re: báo giá") made each look-up read every thread on it. The wider
index serves the subject alone too.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 11:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_threads_user_id_subject_key"))
        batch_op.create_index(
            batch_op.f("ix_threads_user_id_subject_key_sender_email"),
            ["user_id", "subject_key", "sender_email"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_threads_user_id_subject_key_sender_email"))
        batch_op.create_index(
            batch_op.f("ix_threads_user_id_subject_key"), ["user_id", "subject_key"], unique=False
        )
