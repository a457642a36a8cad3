"""Forms of the console's publicity desk.

The fields are optional at the form level and checked by `xinyong.publicity.articles`,
so a refusal comes back with its stable code on the field the service names (`title`,
`body`, `campaign`, `subject`, `reason`, …). The units offered are those the user may
write for: choosing another is refused as an invalid choice.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xinyong.campaigns.models import Campaign
from xinyong.publicity.articles import BODY_MAX, REASON_MAX, SUMMARY_MAX, TITLE_MAX
from xinyong.publicity.models import Article
from xinyong.subjects.models import Unit


def _area(rows: int, limit: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": limit})


class ArticleForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Article.Kind.choices)
    title = forms.CharField(
        label=_("标题"), required=False, widget=forms.TextInput(attrs={"maxlength": TITLE_MAX})
    )
    summary = forms.CharField(
        label=_("摘要"),
        required=False,
        widget=_area(2, SUMMARY_MAX),
        help_text=_("选填：栏目列表中显示的一两句话"),
    )
    body = forms.CharField(
        label=_("正文"),
        required=False,
        widget=_area(14, BODY_MAX),
        help_text=_("纯文本，每行一段；不支持 HTML 标记"),
    )
    unit = forms.ModelChoiceField(
        label=_("发布单位"), queryset=Unit.objects.none(), to_field_name="code", empty_label=None
    )
    campaign = forms.ModelChoiceField(
        label=_("专项治理领域"),
        queryset=Campaign.objects.order_by("number"),
        to_field_name="code",
        required=False,
        help_text=_("典型案例必填"),
    )
    subject = forms.CharField(
        label=_("关联组织的统一社会信用代码"),
        required=False,
        max_length=40,
        help_text=_("选填，诚信之星等可关联：只能关联法人及非法人组织，不能关联自然人"),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = units.order_by("region_id", "code")

    @classmethod
    def of(cls, article: Article, units: QuerySet[Unit]) -> ArticleForm:
        initial = {
            "kind": article.kind,
            "title": article.title,
            "summary": article.summary,
            "body": article.body,
            "unit": article.unit.code,
            "campaign": article.campaign.code if article.campaign else None,
            "subject": article.subject.uscc if article.subject else "",
        }
        return cls(initial=initial, units=units)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回理由"),
        required=False,
        widget=_area(3, REASON_MAX),
        help_text=_("撤回后稿件从门户网站下线，理由记入审计日志"),
    )


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部")), *Article.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *Article.Status.choices]
    )

    def chosen(self) -> dict[str, str]:
        if self.is_bound and self.is_valid():
            return {name: value for name, value in self.cleaned_data.items() if value}
        return {}
