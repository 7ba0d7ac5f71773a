"""A postmortem as a standalone Markdown file: the document plus who, when and the tracked action items."""

from django.utils import timezone

from core.people import display_name


def _person(user):
    return display_name(user, "Unassigned")


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def postmortem_as_markdown(postmortem):
    incident = postmortem.incident
    lines = [
        f"# {postmortem.title}",
        "",
        f"- Incident: {incident.reference} — {incident.title} ({incident.get_severity_display()})",
        f"- Status: {postmortem.get_status_display()}",
    ]
    if postmortem.published_at:
        published = timezone.localtime(postmortem.published_at).strftime("%Y-%m-%d %H:%M %Z")
        lines.append(f"- Published: {published} by {_person(postmortem.published_by)}")
    authors = ", ".join(_person(u) for u in postmortem.authors.all()) or "—"
    reviewers = ", ".join(_person(u) for u in postmortem.reviewers.all()) or "—"
    lines += [f"- Authors: {authors}", f"- Reviewers: {reviewers}", f"- Version: {postmortem.version}", ""]
    lines.append(postmortem.body.strip())
    items = list(postmortem.action_items.all())
    if items:
        lines += [
            "",
            "## Tracked action items",
            "",
            "| Action | Kind | Priority | Owner | Due | Status |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {_cell(item.title)} | {item.get_kind_display()} | {item.get_priority_display()} | "
            f"{_cell(_person(item.owner))} | {item.due_date or '—'} | {item.get_status_display()} |"
            for item in items
        ]
    return "\n".join(lines) + "\n"
