from django.urls import path

from zhuqi.cases import catalogue_views, joint_views, split_views, views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("new", views.case_create, name="case-create"),
    path("ledger.xlsx", views.case_ledger_export, name="case-ledger-export"),
    path("enterprise-options", views.enterprise_options, name="case-enterprise-options"),
    path("routing/", catalogue_views.routing_rules, name="routing-rules"),
    path("routing/categories", catalogue_views.category_save, name="category-save"),
    path("routing/templates", catalogue_views.reply_template_save, name="reply-template-save"),
    path("routing/templates/delete", catalogue_views.reply_template_delete, name="reply-template-delete"),
    path("common-problems/", views.common_problem_list, name="common-problem-list"),
    path("common-problems/split", split_views.common_problem_split, name="common-problem-split"),
    path(
        "common-problems/split/undo", split_views.common_problem_split_undo, name="common-problem-split-undo"
    ),
    path("joint/", joint_views.joint_list, name="joint-list"),
    path("joint/new", joint_views.joint_create, name="joint-create"),
    path("joint/policy-questions/", joint_views.policy_question_list, name="policy-question-list"),
    path("joint/<int:joint_id>/", joint_views.joint_detail, name="joint-detail"),
    path("joint/<int:joint_id>/members/add", joint_views.joint_member_add, name="joint-member-add"),
    path("joint/<int:joint_id>/members/remove", joint_views.joint_member_remove, name="joint-member-remove"),
    path("joint/<int:joint_id>/policy", joint_views.joint_policy, name="joint-policy"),
    path("joint/<int:joint_id>/<str:step>", joint_views.joint_step, name="joint-step"),
    path("figures/", views.case_figures, name="case-figures"),
    path("deadlines", catalogue_views.deadline_policy_save, name="deadline-policy-save"),
    path("bulk-assign", views.case_bulk_assign, name="case-bulk-assign"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="case-attachment"),
    path("<int:case_id>/", views.case_detail, name="case-detail"),
    path("<int:case_id>/reply-template", views.reply_template, name="case-reply-template"),
    path("<int:case_id>/notes", views.case_note, name="case-note"),
    path("<int:case_id>/edit", views.case_edit, name="case-edit"),
    path("<int:case_id>/<str:step>", views.case_step, name="case-step"),
]
