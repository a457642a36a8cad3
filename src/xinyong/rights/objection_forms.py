"""Forms of the objection pages: the portal's filing and lookup forms, the desk's steps.

Field names match the `field` of the errors `xinyong.rights.objections` raises
(`ground`, `description`, `applicant_name`, `contact`, `subject_code`, `corrections`,
`attachments`, `reasons`, `answer`, `outcome`), so a refusal lands on its field. The
subject's code is never written back into a page: it may be a full ID number.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xinyong.core.errors import XinyongError
from xinyong.rights.attachments import MAX_BYTES, MAX_FILES
from xinyong.rights.models import Objection
from xinyong.rights.objections import FREE_TEXT, FREE_TEXT_LIMIT

Outcome = Objection.Outcome
REJECT = "rejected"


def error_text(exc: XinyongError) -> str:
    """A domain error as a form shows it: in the page's language, with its stable code."""
    return f"{exc.message_in(get_language() or 'zh-hans')} ({exc.code})"


def add_error(form: forms.Form, exc: XinyongError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, error_text(exc))


class BlankInput(forms.TextInput):
    """Never renders a value: what was typed (an ID number) is not sent back."""

    def format_value(self, value: Any) -> str | None:
        return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the attachment rules (kind, size) are the service's."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_FILES:
            raise ValidationError(
                _("附件最多%(count)s个"), code="too_many", params={"count": MAX_FILES}
            )
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def _text(rows: int = 4, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


# --- the portal -------------------------------------------------------------------------
class ObjectionForm(forms.Form):
    ground = forms.ChoiceField(label=_("异议理由"))
    description = forms.CharField(
        label=_("异议说明"),
        max_length=5000,
        widget=_text(5),
        help_text=_("请说明哪项信息有误、遗漏或不应公示，以及理由"),
    )
    corrections = forms.CharField(
        label=_("请求更正的内容"),
        required=False,
        max_length=FREE_TEXT_LIMIT,
        widget=_text(3),
        help_text=_("选填：您认为正确的内容，例如“处罚机关应为……”"),
    )
    applicant_name = forms.CharField(label=_("申请人姓名"), max_length=100)
    contact = forms.CharField(
        label=_("联系电话或电子邮箱"),
        max_length=100,
        help_text=_("仅用于告知处理情况，加密保存，不会公开"),
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    subject_code = forms.CharField(
        label=_("信息主体的统一社会信用代码或身份证件号码"),
        max_length=40,
        widget=BlankInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("用于确认您是信息所涉主体；自然人请填写完整的身份证件号码。不会显示在页面上"),
    )
    attachments = MultipleFileField(
        label=_("证明材料"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    declaration = forms.BooleanField(
        label=_("本人承诺所填信息和所附材料真实、准确，知悉提交虚假材料须承担相应责任。"),
        error_messages={"required": _("请确认承诺后提交")},
    )

    def __init__(self, grounds: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ground = self.fields["ground"]
        assert isinstance(ground, forms.ChoiceField)
        ground.choices = [("", _("请选择")), *grounds]
        self.fields["attachments"].help_text = _(
            "选填：PDF、PNG 或 JPEG 文件，最多%(count)s个，每个不超过%(mb)s MB"
        ) % {"count": MAX_FILES, "mb": MAX_BYTES // (1024 * 1024)}

    def requested(self) -> dict[str, str]:
        text = (self.cleaned_data.get("corrections") or "").strip()
        return {FREE_TEXT: text} if text else {}


class TrackForm(forms.Form):
    ref = forms.CharField(
        label=_("异议编号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("提交异议后页面显示的编号，以 YY 开头"),
    )


# --- the desk -----------------------------------------------------------------------------
class QueueFilterForm(forms.Form):
    OPEN = "open"
    OVERDUE = "overdue"
    ALL = "all"

    status = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [
            (self.OPEN, _("办理中")),
            (self.OVERDUE, _("已超期")),
            *Objection.Status.choices,
            (self.ALL, _("全部")),
        ]

    def chosen(self, default: str) -> str:
        if self.is_bound and self.is_valid():
            return str(self.cleaned_data.get("status") or default)
        return default


def parse_corrections(text: str) -> dict[str, str]:
    """Lines `字段代码=正确内容` → {code: value}; blank lines are skipped."""
    found: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        code, sep, value = line.replace("＝", "=").partition("=")
        if not sep or not code.strip():
            raise ValidationError(
                _("第%(line)s行应写作“字段代码=正确内容”"), code="format", params={"line": number}
            )
        found[code.strip().upper()] = value.strip()
    return found


class CorrectionsField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", _text(3, spellcheck="false"))
        kwargs.setdefault(
            "help_text", _("每行一项，写作“字段代码=正确内容”；可更正的字段见上方记录内容")
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> dict[str, str]:
        return parse_corrections(super().clean(value))


class ReferForm(forms.Form):
    note = forms.CharField(
        label=_("请数据提供单位核查的事项"),
        required=False,
        widget=_text(3),
        help_text=_("仅工作人员可见"),
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        widget=forms.RadioSelect,
        choices=[
            (Outcome.CORRECTED, _("异议成立，更正信息")),
            (Outcome.REVOKED, _("异议成立，撤销信息")),
            (REJECT, _("异议不成立，维持原信息")),
        ],
    )
    corrections = CorrectionsField(label=_("更正内容"))
    reasons = forms.CharField(
        label=_("处理意见"),
        widget=_text(4),
        help_text=_("告知申请人，在查询页面公开"),
    )


class UnitAnswerForm(forms.Form):
    confirms_error = forms.TypedChoiceField(
        label=_("核查结论"),
        widget=forms.RadioSelect,
        choices=[("yes", _("信息确有错误")), ("no", _("信息无误"))],
        coerce=lambda value: value == "yes",
    )
    answer = forms.CharField(label=_("单位核查意见"), widget=_text(4))
    corrections = CorrectionsField(label=_("正确内容"))


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("撤回说明"),
        widget=_text(2),
        help_text=_("例如：申请人于某日电话申请撤回"),
    )


class RevealForm(forms.Form):
    purpose = forms.CharField(
        label=_("查看用途"),
        max_length=200,
        help_text=_("查看申请人联系方式须说明用途，记入审计日志"),
    )
