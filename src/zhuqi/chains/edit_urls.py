"""The pages that keep a chain (chains/edit_views.py), under /chains/ beside the read pages."""

from django.urls import path

from zhuqi.chains import edit_views as views

app_name = "chain_edit"

urlpatterns = [
    path("new/", views.chain_new, name="new"),
    path("load/", views.chain_load, name="load"),
    path("load/template.xlsx", views.load_workbook, name="load-workbook"),
    path("<int:chain_id>/edit/", views.chain_edit, name="edit"),
    path("<int:chain_id>/segments/", views.segments, name="segments"),
    path("<int:chain_id>/segments/<int:segment_id>/edit/", views.segment_update, name="segment-update"),
    path("<int:chain_id>/segments/<int:segment_id>/delete/", views.segment_delete, name="segment-delete"),
    path("<int:chain_id>/members/", views.members, name="members"),
    path("<int:chain_id>/members/<int:member_id>/edit/", views.member_update, name="member-update"),
    path("<int:chain_id>/members/<int:member_id>/remove/", views.member_remove, name="member-remove"),
    path("<int:chain_id>/links/", views.links, name="links"),
    path("<int:chain_id>/links/<int:link_id>/edit/", views.link_update, name="link-update"),
    path("<int:chain_id>/links/<int:link_id>/remove/", views.link_remove, name="link-remove"),
    path("<int:chain_id>/items/", views.items, name="items"),
    path("<int:chain_id>/items/<int:item_id>/edit/", views.item_update, name="item-update"),
    path("<int:chain_id>/items/<int:item_id>/delete/", views.item_delete, name="item-delete"),
    path("<int:chain_id>/goals/", views.goals, name="goals"),
]
