from django.urls import path

from zhuqi.policies import views

urlpatterns = [
    path("", views.policy_list, name="policy-list"),
    path("new", views.policy_create, name="policy-create"),
    path("mine", views.my_policies, name="my-policies"),
    path("deliveries", views.delivery_list, name="delivery-list"),
    path("deliveries/import", views.delivery_import, name="delivery-import"),
    path("figures", views.policy_figures_page, name="policy-figures"),
    path("deliveries/<int:delivery_id>/step", views.delivery_step, name="delivery-step"),
    path("<int:policy_id>/", views.policy_detail, name="policy-detail"),
    path("<int:policy_id>/edit", views.policy_edit, name="policy-edit"),
    path("<int:policy_id>/attachment", views.policy_attachment, name="policy-attachment"),
    path("<int:policy_id>/rematch", views.policy_rematch, name="policy-rematch"),
    path("<int:policy_id>/notify", views.policy_notify, name="policy-notify"),
    path("<int:policy_id>/complain", views.policy_complain, name="policy-complain"),
]
