"""Forms of the list-entry pages: the queue's filter, a proposal, and one form per step.

Field names match the `field` of the errors `xinyong.lists.entries` raises (`reasons`,
`defence`, `note`, `ends_on`, `reason`), so a refusal lands on the field it is about.
A subject's ID number typed into the proposal is never written back into the page: the
code field shows it masked when the form comes back with an error.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xinyong.console.access import is_operator, submittable_units
from xinyong.core import pii
from xinyong.core.errors import XinyongError
from xinyong.lists.models import CreditList, ListEntry
from xinyong.records.models import CreditRecord
from xinyong.subjects import identifiers
from xinyong.subjects.models import Subject, Unit
from xinyong.subjects.services import find_subject

WAITING = "waiting"
ALL = "all"
# What "waiting" means in the queue: someone has to act on these.
WAITING_STATUSES = (ListEntry.Status.PROPOSED, ListEntry.Status.NOTIFIED)
MAX_EVIDENCE = 50  # document numbers on one proposal


def error_text(exc: XinyongError) -> str:
    """A domain error as a form shows it: in the page's language, with its stable code."""
    return f"{exc.message_in(get_language() or 'zh-hans')} ({exc.code})"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_in_future(value: date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天"), code="future")


def entry_label(name: str) -> Any:
    """The entry field's own (lazy) name, so the form says what the history says."""
    field = ListEntry._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.verbose_name


class ListChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CreditList) -> str:
        return obj.name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.short_name or obj.name


# --- the queue --------------------------------------------------------------------------
class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False)
    credit_list = ListChoiceField(
        label=_("名单"), queryset=CreditList.objects.none(), required=False, empty_label=_("全部")
    )
    unit = UnitChoiceField(
        label=_("认定单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部")
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [
            (WAITING, _("待处理（拟列入、已告知）")),
            *ListEntry.Status.choices,
            (ALL, _("全部")),
        ]
        lists = CreditList.objects.filter(active=True).select_related("owner")
        units = Unit.objects.filter(credit_lists__active=True).distinct().order_by("code")
        if not is_operator(user):
            # Unit staff see their own unit's entries only: no unit to choose, and only
            # the lists their unit decides.
            del self.fields["unit"]
            lists = lists.filter(owner_id=user.unit_id)
        else:
            unit = self.fields["unit"]
            assert isinstance(unit, forms.ModelChoiceField)
            unit.queryset = units
        credit_list = self.fields["credit_list"]
        assert isinstance(credit_list, forms.ModelChoiceField)
        credit_list.queryset = lists

    def statuses(self) -> tuple[str, ...]:
        chosen = getattr(self, "cleaned_data", {}).get("status") or WAITING
        if chosen == ALL:
            return tuple(ListEntry.Status.values)
        if chosen == WAITING:
            return WAITING_STATUSES
        return (chosen,)


# --- a proposal -------------------------------------------------------------------------
class SubjectCodeInput(forms.TextInput):
    """Shows a USCC as typed and anything else (an ID number) masked."""

    def format_value(self, value: Any) -> str | None:
        text = super().format_value(value)
        if not text:
            return text
        code = identifiers.normalize(text)
        if len(code) == 18 and not code[:17].isdigit():
            return code
        return pii.mask(code)


class ProposeForm(forms.Form):
    credit_list = ListChoiceField(
        label=entry_label("credit_list"),
        queryset=CreditList.objects.none(),
        empty_label=None,
    )
    subject_code = forms.CharField(
        label=_("统一社会信用代码或身份证件号码"),
        max_length=40,
        widget=SubjectCodeInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("主体须已在平台中（已有报送的信用信息）；自然人的证件号码不会在页面上显示"),
    )
    ground = forms.CharField(
        label=entry_label("ground"),
        max_length=200,
        required=False,
        help_text=_("选填：符合名单认定标准中的哪一种情形"),
    )
    reasons = forms.CharField(
        label=entry_label("reasons"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    evidence = forms.CharField(
        label=_("依据记录的决定文书号"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选填，每行一个；须为该主体已报送的信用记录"),
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject: Subject | None = None
        self.records: list[CreditRecord] = []
        field = self.fields["credit_list"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = proposable_lists(user)

    def clean_subject_code(self) -> str:
        code = self.cleaned_data["subject_code"]
        try:
            subject = find_subject(code)
        except XinyongError as exc:
            raise ValidationError(error_text(exc), code=exc.code) from None
        if subject is None:
            raise ValidationError(
                _("平台中没有这个主体：请核对代码，或先报送该主体的信用信息"), code="unknown"
            )
        self.subject = subject
        return str(code)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        numbers = list(
            dict.fromkeys(
                line.strip()
                for line in (cleaned.get("evidence") or "").splitlines()
                if line.strip()
            )
        )
        if len(numbers) > MAX_EVIDENCE:
            self.add_error(
                "evidence",
                _("一次最多填写 %(count)s 个文书号") % {"count": MAX_EVIDENCE},
            )
        elif numbers and self.subject is not None:
            self.records = list(
                CreditRecord.objects.filter(subject=self.subject, document_number__in=numbers)
            )
            found = {record.document_number for record in self.records}
            missing = [number for number in numbers if number not in found]
            if missing:
                self.add_error(
                    "evidence",
                    _("该主体没有文书号为 %(numbers)s 的信用记录")
                    % {"numbers": "、".join(missing)},
                )
        return cleaned


def proposable_lists(user: Any) -> Any:
    """Lists this user may propose entries to: an operator any list, a unit's clerk the
    lists their unit decides (the entry goes to the list's owner, whose staff see it)."""
    return (
        CreditList.objects.filter(active=True, owner__in=submittable_units(user))
        .select_related("owner")
        .order_by("position", "code")
    )


# --- the steps --------------------------------------------------------------------------
class NotifyForm(forms.Form):
    notified_on = forms.DateField(
        label=entry_label("notified_on"),
        required=False,
        widget=_date_input(),
        validators=[_not_in_future],
        help_text=_("告知书送达当事人的日期；留空为今天。陈述申辩期限自该日起算"),
    )


class DefenceForm(forms.Form):
    defence = forms.CharField(
        label=entry_label("defence"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("当事人提出的陈述和申辩，照录要点；可多次记录"),
    )


class DecideForm(forms.Form):
    LIST, DECLINE = "list", "decline"

    outcome = forms.ChoiceField(
        label=_("决定"),
        choices=[(LIST, _("认定列入")), (DECLINE, _("不予列入"))],
        widget=forms.RadioSelect,
    )
    document_number = forms.CharField(
        label=entry_label("document_number"),
        max_length=200,
        required=False,
        help_text=_("认定列入时必填"),
    )
    ends_on = forms.DateField(
        label=entry_label("ends_on"),
        required=False,
        widget=_date_input(),
        help_text=_("选填：留空时按名单规定的期限计算；名单未规定固定期限的，至符合移出条件时移出"),
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予列入时必填，写明理由"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        outcome = cleaned.get("outcome")
        if outcome == self.LIST and not (cleaned.get("document_number") or "").strip():
            self.add_error("document_number", _("认定列入须填写认定文书号"))
        if outcome == self.DECLINE and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("不予列入须写明理由"))
        return cleaned


class PublishForm(forms.Form):
    """Nothing to fill in: the button is the decision."""


class ExitForm(forms.Form):
    reason = forms.ChoiceField(
        label=entry_label("exit_reason"),
        # Expiry is written by the nightly job (`expire_due`), not by hand.
        choices=[
            (value, label)
            for value, label in ListEntry.ExitReason.choices
            if value != ListEntry.ExitReason.EXPIRED
        ],
    )
    note = forms.CharField(
        label=_("说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明移出的依据，如履行义务的证明、修复决定或撤销文书"),
    )
