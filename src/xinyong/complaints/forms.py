"""Forms of the complaint pages: the portal's complaint and rating forms, the desk's steps.

Field names match the `field` of the errors `xinyong.complaints.complaints` raises, so a
refusal lands on its field (`add_error`). The subject's code is never written back into
a page (it may be a person's ID number), nor is the complainant's name or contact.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xinyong.campaigns.models import Campaign
from xinyong.complaints.models import Complaint
from xinyong.rights.objection_forms import BlankInput, MultipleFileField, add_error
from xinyong.subjects.models import Region, Unit

__all__ = ["ComplaintForm", "RateForm", "TrackForm", "add_error"]


def region_choices() -> list[tuple[str, Any]]:
    """Prefectures, each followed by its counties, as option groups."""
    regions = list(Region.objects.exclude(level=Region.Level.PROVINCE).order_by("code"))
    counties: dict[str, list[tuple[str, str]]] = {}
    for region in regions:
        if region.level == Region.Level.COUNTY and region.parent_id:
            counties.setdefault(region.parent_id, []).append((region.code, region.name))
    groups: list[tuple[str, Any]] = [("", _("请选择"))]
    for region in regions:
        if region.level == Region.Level.PREFECTURE:
            options = [(region.code, _("%(name)s（全市/州）") % {"name": region.name})]
            groups.append((region.name, options + counties.get(region.code, [])))
    return groups


def _choose(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class ComplaintForm(forms.Form):
    campaign = forms.ChoiceField(label=_("举报投诉领域"))
    subject_name = forms.CharField(label=_("被投诉主体名称"), max_length=200, required=False)
    subject_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        required=False,
        widget=BlankInput(attrs={"autocomplete": "off"}),
        help_text=_("选填：知道的话请填写，便于准确找到被投诉主体"),
    )
    region = forms.ChoiceField(label=_("所在地区"))
    description = forms.CharField(
        label=_("投诉内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请说明时间、地点、经过和您的诉求"),
    )
    attachments = MultipleFileField(
        label=_("证据材料"),
        required=False,
        help_text=_("选填：PDF、PNG 或 JPEG，最多5个，每个不超过10 MB"),
    )
    anonymous = forms.BooleanField(
        label=_("匿名举报（不留姓名和联系方式，将无法收到答复通知）"), required=False
    )
    complainant_name = forms.CharField(label=_("您的姓名"), max_length=100, required=False)
    contact = forms.CharField(
        label=_("联系方式"),
        max_length=100,
        required=False,
        help_text=_("电话或电子邮箱，仅承办单位在办理时可见，不会向被投诉方或公众公开"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaigns = [(c.code, f"{c.number}. {c.name}") for c in Campaign.objects.order_by("number")]
        _choose(self, "campaign", [("", _("请选择")), *campaigns])
        _choose(self, "region", region_choices())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("subject_name") and not data.get("subject_code"):
            raise ValidationError(_("请填写被投诉主体的名称或统一社会信用代码"))
        return data


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("对答复的评价"),
        coerce=int,
        choices=[
            (5, _("非常满意")),
            (4, _("满意")),
            (3, _("基本满意")),
            (2, _("不满意")),
            (1, _("非常不满意")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价意见"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TrackForm(forms.Form):
    ref = forms.CharField(label=_("投诉编号"), max_length=20)


# --- the desk -----------------------------------------------------------------------------
class ReasonsForm(forms.Form):
    reasons = forms.CharField(
        label=_("不予受理的理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TransferForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("转至单位"),
        queryset=Unit.objects.filter(active=True).order_by("code"),
        to_field_name="code",
    )
    reason = forms.CharField(
        label=_("转办理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("办理结果"),
        choices=[c for c in Complaint.Outcome.choices if c[0]],
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(
        label=_("调查处理情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    record = forms.IntegerField(
        label=_("信用记录编号"),
        required=False,
        help_text=_("结果为“记入信用记录”时填写：本单位就被投诉主体报送的记录编号"),
    )
    credit_list = forms.ChoiceField(
        label=_("名单"), required=False, help_text=_("结果为“提出列入名单建议”时选择")
    )

    def __init__(self, lists: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "credit_list", [("", "—"), *lists])


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("答复意见"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("投诉人在查询页看到的答复"),
    )


class RevealForm(forms.Form):
    purpose = forms.CharField(
        label=_("查看用途"),
        max_length=500,
        help_text=_("例如：电话联系投诉人补充证据（将记入审计日志）"),
    )
