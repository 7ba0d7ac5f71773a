"""Personal API tokens: shown once when created, stored only as a SHA-256 hash, revocable."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "hs_"
# last_used_at is written at most this often per token, so a busy script does not write on every request.
LAST_USED_PRECISION_SECONDS = 60


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_raw_token(self, raw: str):
        """The active token with this secret, with its person, or None."""
        return self.active().select_related("user").filter(token_hash=hash_token(raw)).first()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “deploy pipeline”.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.user})"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        """A new token and its secret: the secret is returned this once and never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, token_hash=hash_token(raw)), raw

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def note_use(self, now=None) -> None:
        now = now or timezone.now()
        stale = (
            self.last_used_at is None
            or (now - self.last_used_at).total_seconds() > LAST_USED_PRECISION_SECONDS
        )
        if stale:
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
