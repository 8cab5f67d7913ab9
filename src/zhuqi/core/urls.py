from django.contrib.auth import views as auth_views
from django.urls import path

from zhuqi.core import views

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("calendar/", views.calendar_year, name="calendar-year"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar-year"),
    path("pick/<str:kind>/", views.picker_options, name="picker-options"),
]
