"""The cockpit (领导驾驶舱) at /dispatch/ and the rankings (红黑榜) at /dispatch/rankings/."""

from django.urls import URLPattern, path

from zhuqi.dispatch import cockpit_views

urlpatterns: list[URLPattern] = [
    path("", cockpit_views.cockpit_page, name="cockpit"),
    path("rankings/", cockpit_views.rankings_page, name="rankings"),
]
