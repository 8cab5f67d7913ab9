"""What cases needs to know about campaigns, registered at start (TaskForcesConfig.ready) so
that cases never imports taskforces: how a case is filed from a campaign report's difficulty
(Origin.CAMPAIGN_REPORT)."""

from __future__ import annotations

from zhuqi.cases import origins
from zhuqi.cases.models import Kind
from zhuqi.cases.origins import Filing, NewCase, Origin
from zhuqi.cases.taking import require
from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.directory.models import User
from zhuqi.taskforces.models import CampaignEnterprise
from zhuqi.taskforces.selectors import campaign_queryset


def file_from_campaign_report(actor: User, kind: str, data: NewCase, errors: list[FieldError]) -> Filing:
    """Origin.CAMPAIGN_REPORT: the difficulty an enterprise gave in a campaign's report, filed by
    someone who may report for that enterprise in that campaign: the enterprise's demand."""
    # Imported here for the same reason as in cases: services imports cases' services.
    from zhuqi.taskforces.services import reporting_channel

    campaign = (
        campaign_queryset(user=actor).filter(pk=data.campaign_id).first()
        if data.campaign_id is not None
        else None
    )
    if campaign is None:
        raise ValidationFailed([FieldError("campaign", "专项行动不存在或不在您的权限范围内")])
    enrolment = (
        CampaignEnterprise.objects.filter(campaign=campaign, enterprise_id=data.enterprise_id)
        .select_related("enterprise__region")
        .first()
        if data.enterprise_id is not None
        else None
    )
    if enrolment is None:
        raise ValidationFailed([FieldError("enterprise", "该企业不在本专项行动中")])
    require(reporting_channel(actor, enrolment) is not None, "只有可以为该企业报送的人可以提交其困难和诉求")
    if kind != Kind.DEMAND:
        errors.append(FieldError("kind", "专项行动报送中的困难作为企业的诉求提交"))
    if data.issued_by_id is not None:
        errors.append(FieldError("issued_by", "专项行动报送中的困难不是领导交办事项"))
    return Filing(enterprise=enrolment.enterprise, region=enrolment.enterprise.region)


def register() -> None:
    origins.register_filer(Origin.CAMPAIGN_REPORT, file_from_campaign_report)
