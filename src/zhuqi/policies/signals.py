"""An enterprise's facts changed (its size, industry, a qualification, its place in a chain):
re-match it after the transaction commits, in the background, so the saving request does not
wait for it."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from zhuqi.chains.models import Member
from zhuqi.enterprises.models import Enterprise, Qualification
from zhuqi.policies import tasks

logger = logging.getLogger(__name__)


def enqueue_enterprise(enterprise_id: int) -> None:
    def send() -> None:
        try:
            tasks.rematch_enterprise.enqueue(enterprise_id)
        except Exception:
            logger.exception("could not queue the re-match of enterprise %s", enterprise_id)

    transaction.on_commit(send)


@receiver(post_save, sender=Enterprise, dispatch_uid="policies.enterprise_saved")
def enterprise_saved(sender: Any, instance: Enterprise, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        enqueue_enterprise(instance.pk)


@receiver(post_save, sender=Qualification, dispatch_uid="policies.qualification_saved")
@receiver(post_delete, sender=Qualification, dispatch_uid="policies.qualification_deleted")
def qualification_changed(sender: Any, instance: Qualification, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        enqueue_enterprise(instance.enterprise_id)


@receiver(post_save, sender=Member, dispatch_uid="policies.chain_member_saved")
@receiver(post_delete, sender=Member, dispatch_uid="policies.chain_member_deleted")
def chain_member_changed(sender: Any, instance: Member, raw: bool = False, **kwargs: Any) -> None:
    # Added, its role changed, removed (or its chain deleted): a rule may ask for membership.
    if not raw:
        enqueue_enterprise(instance.enterprise_id)
