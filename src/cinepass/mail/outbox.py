"""The Mailer: what services call to send a letter. It queues; delivery sends."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.config import Settings
from cinepass.db.base import new_id, utcnow
from cinepass.key_encryption import KeyEncryption
from cinepass.mail.letters import Letter, Templates
from cinepass.mail.messages import compose, mailbox
from cinepass.mail.models import OutgoingMail


class Mailer:
    """Renders a letter, seals the message and queues it in the caller's transaction: the
    mail exists if and only if the change that caused it commits. Never talks to SMTP."""

    def __init__(self, sender: str, templates: Templates, encryption: KeyEncryption):
        self.sender = sender
        self.templates = templates
        self.encryption = encryption

    @classmethod
    def from_settings(cls, settings: Settings, encryption: KeyEncryption | None = None) -> Mailer:
        return cls(
            settings.mail.sender,
            Templates(settings.web.origin),
            encryption or KeyEncryption.from_settings(settings),
        )

    async def send(self, db: AsyncSession, letter: Letter) -> None:
        """Queue `letter`, due now; ValueError for a letter that cannot be written (a value
        missing, a link off the web origin, an address that is not one)."""
        to = mailbox(letter.to_name, letter.to_email)
        rendered = self.templates.render(letter)
        mail = OutgoingMail(
            id=new_id(),
            kind=letter.kind.value,
            recipient=to.addr_spec,
            subject=rendered.subject,
            attempts=0,
            next_attempt_at=utcnow(),
        )
        # Its links hold live tokens: sealed at rest, bound to this row.
        mail.sealed_message = self.encryption.seal(compose(self.sender, to, rendered), mail.id)
        db.add(mail)
        await db.flush()
