"""The dispatch pages under /dispatch/ (namespace `dispatch:`): the cockpit and rankings
(cockpit_urls), meetings, briefings and economic figures (meeting_urls)."""

from zhuqi.dispatch import cockpit_urls, meeting_urls

app_name = "dispatch"
urlpatterns = [*cockpit_urls.urlpatterns, *meeting_urls.urlpatterns]
