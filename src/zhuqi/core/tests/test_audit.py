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
