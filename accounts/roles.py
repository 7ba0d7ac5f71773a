"""The roles people hold in Hindsight, as Django groups with permissions.

viewer: reads everything. responder: declares and runs incidents. editor: also writes postmortems,
action items and runbooks. Admins are Django superusers/staff and manage users in the admin.
Each app lists its permissions here by codename; groups are (re)synchronised after every migrate.
"""

VIEWER = "Viewer"
RESPONDER = "Responder"
EDITOR = "Editor"

_VIEW = [
    "incidents.view_incident",
    "incidents.view_timelineentry",
    "incidents.view_service",
    "incidents.view_category",
    "postmortems.view_postmortem",
    "postmortems.view_actionitem",
    "runbooks.view_runbook",
    "runbooks.view_tag",
    "runbooks.view_runbookusage",
    "notifications.view_team",
    "notifications.view_reviewmeeting",
    "meetings.view_meeting",
    "meetings.view_agendaitem",
    "meetings.view_decision",
    "meetings.view_duedatechange",
    # Viewers take part in reviews: they comment (and resolve threads) but do not edit the postmortem.
    "reviews.view_reviewcomment",
    "reviews.add_reviewcomment",
]
_RESPOND = [
    "incidents.add_incident",
    "incidents.change_incident",
    "incidents.add_timelineentry",
    "incidents.add_statusupdate",
    "runbooks.add_runbookusage",
    "runbooks.change_runbookusage",
]
_EDIT = [
    "incidents.add_service",
    "incidents.change_service",
    "incidents.add_category",
    "incidents.change_category",
    "postmortems.add_postmortem",
    "postmortems.change_postmortem",
    "postmortems.add_actionitem",
    "postmortems.change_actionitem",
    "runbooks.add_runbook",
    "runbooks.change_runbook",
    "runbooks.add_tag",
    "notifications.view_all_notifications",
    "notifications.change_team",
    "notifications.add_chatchannel",
    "notifications.delete_chatchannel",
    "notifications.add_reviewmeeting",
    "notifications.change_reviewmeeting",
    # Running a review meeting changes action items, so it is an editor's job (viewers only read the record).
    "meetings.add_meeting",
    "meetings.change_meeting",
    "meetings.add_decision",
]

ROLE_PERMISSIONS = {
    VIEWER: _VIEW,
    RESPONDER: _VIEW + _RESPOND,
    EDITOR: _VIEW + _RESPOND + _EDIT,
}


def sync_role_groups(**kwargs):
    from django.contrib.auth.models import Group, Permission

    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in perm_names:
            app_label, codename = name.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
