"""Forms of the credit-repair pages: the portal's application, the desk's decisions.

Field names match the `field` of the errors `xinyong.rights.repairs` raises
(`correction`, `commitment`, `applicant_name`, `contact`, `subject_code`, `attachments`,
`reasons`, `purpose`), so a refusal lands on the field it is about. The subject code
(a person's full ID number) is never written back into a page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from xinyong.rights import attachments
from xinyong.rights.models import RepairApplication

TEXT_LENGTH = 5000
ATTACHMENTS_HELP = _(
    "履行义务、整改完成的证明，PDF、PNG 或 JPEG，最多%(count)s个，每个不超过%(mb)s MB"
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class NeverShownInput(forms.TextInput):
    """Whatever was typed (a full ID number) is not rendered back after an error."""

    def format_value(self, value: Any) -> str | None:
        return None


class ApplicationForm(forms.Form):
    correction = forms.CharField(
        label=_("纠正失信行为情况"),
        max_length=TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("写明履行义务、整改和消除不良影响的情况，如缴清罚款的日期和金额"),
    )
    attachments = MultipleFileField(
        label=_("证明材料"),
        required=False,
        help_text=ATTACHMENTS_HELP,
    )
    commitment = forms.CharField(
        label=_("信用修复承诺"),
        max_length=TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("信用修复型信用承诺，可按实际情况修改；承诺内容将按规定公开"),
    )
    confirm = forms.BooleanField(
        label=_("本人已阅读上述承诺，确认作出该信用修复承诺，并对申请材料的真实性负责"),
        required=False,
    )
    applicant_name = forms.CharField(label=_("申请人"), max_length=100)
    contact = forms.CharField(
        label=_("联系方式"),
        max_length=100,
        help_text=_("电话或电子邮箱，仅用于告知办理结果，加密保存"),
    )
    subject_code = forms.CharField(
        label=_("主体的统一社会信用代码或身份证件号码"),
        max_length=40,
        widget=NeverShownInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "只有信息所涉主体可以申请：请填写该主体的完整代码，用于核对身份，不会显示或保存"
        ),
    )

    def __init__(self, *args: Any, commitment_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commitment_required = commitment_required
        # Formatted per request: the page's language is known only now.
        self.fields["attachments"].help_text = str(ATTACHMENTS_HELP) % {
            "count": attachments.MAX_FILES,
            "mb": attachments.MAX_BYTES // (1024 * 1024),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("confirm"):
            # An unconfirmed commitment is no commitment: the service then refuses it.
            cleaned["commitment"] = ""
            if self.commitment_required:
                self.add_error("confirm", _("请确认作出信用修复承诺"))
        return cleaned


class TrackForm(forms.Form):
    ref = forms.CharField(
        label=_("修复编号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "XF…"}),
    )


# --- the desk -----------------------------------------------------------------------------
class DecideForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("决定"),
        choices=[(APPROVE, _("准予修复")), (REJECT, _("不予修复"))],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("处理意见"),
        max_length=TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("不予修复时必填；处理意见向申请人公开，并推送至作出决定的单位"),
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("说明"),
        max_length=TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("申请人撤回申请的方式和时间"),
    )


class ContactForm(forms.Form):
    purpose = forms.CharField(
        label=_("查看用途"),
        max_length=200,
        help_text=_("查看申请人联系方式将留痕，请说明用途"),
    )


class QueueFilterForm(forms.Form):
    OPEN, ALL = "open", "all"

    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            (OPEN, _("待办理")),
            *RepairApplication.Status.choices,
            (ALL, _("全部")),
        ],
    )

    def statuses(self) -> tuple[str, ...]:
        chosen = getattr(self, "cleaned_data", {}).get("status") or self.OPEN
        if chosen == self.ALL:
            return tuple(RepairApplication.Status.values)
        if chosen == self.OPEN:
            return tuple(RepairApplication.OPEN)
        return (chosen,)
