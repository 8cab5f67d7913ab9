"""The meeting, briefing and economic-figure pages under /dispatch/ (namespace `dispatch:`)."""

from django.urls import URLPattern, path

from zhuqi.dispatch import meeting_views as views

urlpatterns: list[URLPattern] = [
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/attendee-row/", views.meeting_attendee_row, name="meeting-attendee-row"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting-edit"),
    path(
        "meetings/<int:meeting_id>/agenda/rebuild/",
        views.meeting_agenda_rebuild,
        name="meeting-agenda-rebuild",
    ),
    path("meetings/<int:meeting_id>/agenda/add/", views.meeting_agenda_add, name="meeting-agenda-add"),
    path("meetings/<int:meeting_id>/decisions/add/", views.meeting_decision_add, name="meeting-decision-add"),
    path("meetings/<int:meeting_id>/briefing/", views.meeting_briefing, name="meeting-briefing"),
    path("briefings/", views.briefing_list, name="briefing-list"),
    path("briefings/<int:briefing_id>/", views.briefing_detail, name="briefing-detail"),
    path("briefings/<int:briefing_id>/document/", views.briefing_document, name="briefing-document"),
    path("briefings/<int:briefing_id>/workbook/", views.briefing_workbook, name="briefing-workbook"),
    path("economy/", views.economy, name="economy"),
    path("economy/import/", views.economy_import, name="economy-import"),
    path("economy/template/", views.economy_template, name="economy-template"),
]
