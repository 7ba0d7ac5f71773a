"""What a message says: subject, plain text and HTML, a link to the thing and, for a person, a way out."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class Message:
    subject: str
    lines: list[str]
    link: str = ""
    items: list[tuple[str, str]] = field(default_factory=list)  # (text, link) rows under the lines


def absolute_url(path: str) -> str:
    return f"{settings.HINDSIGHT_BASE_URL}{path}" if path.startswith("/") else path


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user_id, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) from a token; raises signing.BadSignature when it was not ours."""
    data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    return int(data["u"]), str(data["k"])


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    return absolute_url(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=user_id, kind=kind)])
    )


def render_text(message: Message, *, unsubscribe: str = "", kind_label: str = "") -> str:
    parts = ["\n".join(message.lines)]
    if message.items:
        parts.append(
            "\n".join(
                f"- {text}: {absolute_url(link)}" if link else f"- {text}" for text, link in message.items
            )
        )
    if message.link:
        parts.append(f"Open it: {absolute_url(message.link)}")
    if unsubscribe:
        parts.append(
            f"-- \nStop “{kind_label}” messages: {unsubscribe}\n"
            f"All your settings: {absolute_url(reverse('notifications:preferences'))}"
        )
    return "\n\n".join(parts) + "\n"


def render_html(message: Message, *, unsubscribe: str = "", kind_label: str = "") -> str:
    return render_to_string(
        "notifications/email/message.html",
        {
            "message": message,
            "link": absolute_url(message.link) if message.link else "",
            "items": [(text, absolute_url(link) if link else "") for text, link in message.items],
            "unsubscribe": unsubscribe,
            "kind_label": kind_label,
            "preferences": absolute_url(reverse("notifications:preferences")),
        },
    )


def render_chat(message: Message) -> str:
    return render_text(message)
