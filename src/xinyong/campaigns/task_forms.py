"""Forms of the campaign work pages (工作任务).

The forms only parse: what is required, the limits and the date rules are checked by
`xinyong.campaigns.tasks`, whose refusals come back on the field named by their `field`
(`title`, `owner`, `participants`, `starts_on`, `due_on`, `unit`, `progress`,
`reported_on`, `text`, `done_on`, `note`, `reason`) with their stable code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xinyong.core.errors import XinyongError
from xinyong.subjects.models import Unit


def add_error(form: forms.Form, exc: XinyongError) -> None:
    """A service's refusal on its field, in the page's language, with its code."""
    text = f"{exc.message_in(get_language() or 'zh-hans')} ({exc.code})"
    form.add_error(exc.field if exc.field in form.fields else None, text)


def _day(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def _text(label: Any, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.short_name or obj.name


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("任务名称"),
        required=False,
        help_text=_("一项具体举措，例如“建立非法行医黑名单并按月推送”"),
    )
    detail = _text(_("具体举措"), 4, help_text=_("选填：做法、标准和阶段安排"))
    owner = UnitChoiceField(label=_("责任单位"), queryset=Unit.objects.none())
    participants = UnitsField(
        label=_("参与单位"),
        required=False,
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = _day(_("开始日期"))
    due_on = _day(_("完成期限"))

    def __init__(self, units: QuerySet[Unit], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner", "participants"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = units


class ReportForm(forms.Form):
    unit = UnitChoiceField(label=_("报告单位"), queryset=Unit.objects.none())
    progress = forms.IntegerField(
        label=_("完成进度（%）"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
        help_text=_("整项任务目前的完成进度，0 至 100"),
    )
    reported_on = _day(_("报告日期"), help_text=_("默认为今天"))
    text = _text(_("进展情况"), 4)

    def __init__(self, units: Sequence[Unit], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(units) == 1:
            # One unit to report for (the user's own): no choice to make.
            del self.fields["unit"]
            self.single_unit: Unit | None = units[0]
        else:
            field = self.fields["unit"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("code")
            self.single_unit = None

    def chosen_unit(self) -> Unit:
        unit = self.single_unit or self.cleaned_data["unit"]
        assert isinstance(unit, Unit)
        return unit


class RescheduleForm(forms.Form):
    due_on = _day(_("新的完成期限"))
    reason = _text(_("调整理由"), help_text=_("必填，记入任务的办理经过和审计日志"))


class CompleteForm(forms.Form):
    done_on = _day(_("完成日期"), help_text=_("默认为今天"))
    note = _text(_("完成情况"), help_text=_("选填"))


class CancelForm(forms.Form):
    reason = _text(_("取消理由"), help_text=_("必填"))


class ReopenForm(forms.Form):
    reason = _text(_("重新打开的理由"), help_text=_("必填"))


class QueueFilterForm(forms.Form):
    OPEN = "open"
    OVERDUE = "overdue"
    ALL = "all"

    show = forms.ChoiceField(
        label=_("显示"),
        required=False,
        choices=[(OPEN, _("未完成的任务")), (OVERDUE, _("已超期的任务")), (ALL, _("全部任务"))],
    )
    unit = UnitChoiceField(
        label=_("单位"), required=False, queryset=Unit.objects.none(), to_field_name="code"
    )

    def __init__(self, units: QuerySet[Unit] | None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]  # a unit's staff see their own unit's queue
        else:
            field = self.fields["unit"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = units

    def chosen(self) -> dict[str, Any]:
        if self.is_bound and self.is_valid():
            return {key: value for key, value in self.cleaned_data.items() if value}
        return {}
