"""Forms of the check pages: a batch check, finding a receipt, the statistics period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinyong.lists.models import Scene

MAX_PURPOSE = 300


class SceneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Scene) -> str:
        return str(obj.name)


class CheckForm(forms.Form):
    scene = SceneChoiceField(
        label=_("应用场景"),
        queryset=Scene.objects.filter(active=True).order_by("position", "code"),
        empty_label=None,
        help_text=_("办理的业务所属场景：只返回在该场景适用的奖惩措施"),
    )
    purpose = forms.CharField(
        label=_("核查用途"),
        max_length=MAX_PURPOSE,
        help_text=_("如：政府采购项目供应商资格审查（项目编号）；记入核查回执"),
    )
    file = forms.FileField(
        label=_("主体名单文件"),
        help_text=_(
            "XLSX（或 CSV）文件，第一行为列名，含“统一社会信用代码”“身份证件号码”"
            "“主体名称”中的一列或几列；每行一个主体，最多 100,000 行"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_purpose(self) -> str:
        purpose: str = self.cleaned_data["purpose"].strip()
        if not purpose:
            raise forms.ValidationError(_("请说明核查用途"))
        return purpose


class ReceiptLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("核查回执号"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "HC…", "autocomplete": "off"}),
    )

    def clean_reference(self) -> str:
        reference: str = self.cleaned_data["reference"]
        return reference.strip().upper()


class StatsForm(forms.Form):
    BY = (("measure", _("按措施")), ("list", _("按名单")), ("unit", _("按核查单位")))

    by = forms.ChoiceField(label=_("统计维度"), choices=BY, required=False)
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("起始日期不能晚于截止日期"))
        return data
