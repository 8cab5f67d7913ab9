from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from zhuqi.core.models import AuditEntry, AuditTrailIsAppendOnly
from zhuqi.directory import services as directory_services
from zhuqi.directory.models import Region
from zhuqi.enterprises import services


def _entry(cast) -> AuditEntry:
    services.enterprise_update(
        actor=cast.coordinator, enterprise_id=cast.home.pk, data={"address": "新地址"}, expected_version=1
    )
    return AuditEntry.objects.filter(
        object_id=str(cast.home.pk), action="update", content_type__model="enterprise"
    ).latest("id")


def test_an_update_records_who_and_the_old_and_new_values(cast) -> None:
    entry = _entry(cast)
    assert entry.actor == cast.coordinator
    assert entry.changes == {"address": ["", "新地址"]}


def test_entries_cannot_be_changed_or_deleted_through_the_orm(cast) -> None:
    entry = _entry(cast)
    entry.changes = {}
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(changes={})
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.parametrize(
    "statement", ["UPDATE core_auditentry SET changes = '{}'", "DELETE FROM core_auditentry"]
)
def test_the_database_refuses_changes_made_behind_the_orm(cast, statement: str) -> None:
    _entry(cast)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.exclude(changes={}).exists()


def test_a_new_account_is_audited_without_its_password(db) -> None:
    user = directory_services.user_create(
        actor=None,
        username="new-leader",
        password="s3cret-pass",
        role="leader",
        region=Region.objects.get(pk="150500"),
    )
    entry = AuditEntry.objects.get(object_id=str(user.pk), content_type__model="user")
    assert entry.actor_name == "system"
    assert "s3cret" not in str(entry.changes) and user.password not in str(entry.changes)
    assert entry.changes["password"][1].startswith("******")


def test_the_admin_cannot_change_the_audit_trail(cast) -> None:
    from django.test import Client

    entry = _entry(cast)
    client = Client()
    client.force_login(cast.admin)
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200  # view only
    client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert client.get("/admin/core/auditentry/add/").status_code == 403


def test_the_admin_cannot_change_or_bulk_delete_entries_by_posting(cast) -> None:
    from django.test import Client

    entry = _entry(cast)
    client = Client()
    client.force_login(cast.admin)
    changed = client.post(
        f"/admin/core/auditentry/{entry.pk}/change/", {"actor_name": "someone", "changes": "{}"}
    )
    assert changed.status_code == 403
    client.post(
        "/admin/core/auditentry/",
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    entry_now = AuditEntry.objects.get(pk=entry.pk)
    assert (entry_now.actor_name, entry_now.changes) == (entry.actor_name, entry.changes)


def test_the_api_offers_no_way_to_write_the_audit_trail() -> None:
    from zhuqi.api import api

    paths = api.get_openapi_schema()["paths"]
    writes = [
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        if "audit" in path or "history" in path
        for method in operations
        if method != "get"
    ]
    assert writes == []


def test_deleting_a_record_through_the_api_keeps_its_history(cast) -> None:
    from zhuqi.testing.api import token_client

    _entry(cast)
    home = str(cast.home.pk)
    history = list(
        AuditEntry.objects.filter(object_id=home, content_type__model="enterprise").values_list(
            "pk", flat=True
        )
    )
    cast.enterprise_user.enterprise = None  # an enterprise with a login cannot be deleted
    cast.enterprise_user.save()
    response = token_client("coordinator").delete(f"/api/v1/enterprises/{home}?version=2")
    assert response.status_code == 204, response.content
    kept = AuditEntry.objects.filter(object_id=home, content_type__model="enterprise")
    assert set(history) < set(kept.values_list("pk", flat=True))
    assert kept.latest("id").action == "delete"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE's own trigger is PostgreSQL's")
def test_postgresql_refuses_to_empty_the_audit_table(cast) -> None:
    _entry(cast)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditentry")
    assert AuditEntry.objects.exists()
