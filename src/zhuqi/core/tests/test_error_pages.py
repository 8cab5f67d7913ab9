"""What a person sees for a missing page: the site's own page in Chinese, not the server's."""

from __future__ import annotations

from django.test import Client


def test_a_missing_page_is_said_in_chinese_inside_the_site(cast) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "回到工作台" in page and "Not Found" not in page


def test_an_anonymous_visitor_gets_the_same_page(db) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
