"""The console's forms: upload a file, correct a rejected row, discard it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinyong.console.access import submittable_units
from xinyong.core import pii
from xinyong.records.models import RecordType
from xinyong.records.quarantine import MAX_REASON, RowCell
from xinyong.subjects.models import Unit

LONG_CELL = 60  # characters from which a cell is edited in a text area


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name}（{obj.code}）"


class UploadForm(forms.Form):
    record_type = forms.ModelChoiceField(
        label=_("信息类型"),
        queryset=RecordType.objects.filter(active=True).exclude(fields=[]),
        empty_label=None,
    )
    unit = UnitChoiceField(label=_("报送单位"), queryset=Unit.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("CSV（UTF-8 或 GB18030 编码）或 XLSX 文件，第一行为列名"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = submittable_units(user).order_by("region_id", "code")
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        if user.unit_id is not None:
            unit_field.initial = user.unit_id


class CorrectionForm(forms.Form):
    """One text input per cell of the row; ID numbers are shown masked, to be retyped."""

    def __init__(
        self, cells: list[RowCell], *args: Any, faulty: Collection[str] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cells = cells
        for index, cell in enumerate(cells):
            long = len(cell.value) > LONG_CELL
            widget: forms.Widget = forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput()
            field = forms.CharField(
                label=cell.label or _("（无列名）"),
                required=False,
                strip=False,
                initial=cell.shown,
                widget=widget,
            )
            if cell.is_id:
                field.widget.attrs.update(autocomplete="off", spellcheck="false")
            if cell.code in faulty:
                field.widget.attrs["aria-invalid"] = "true"
            if cell.is_id and cell.value:
                field.help_text = _("证件号码已脱敏显示，请重新输入完整号码")
            self.fields[f"c{index}"] = field

    def corrected(self) -> dict[str, str]:
        """The submitted row, `{header: cell}`."""
        return {
            cell.header: self.cleaned_data.get(f"c{index}") or ""
            for index, cell in enumerate(self.cells)
        }

    def masked_again(self, faulty: Collection[str] = ()) -> CorrectionForm:
        """An unbound copy holding what was typed, ID numbers masked again (never echoed)."""
        values = self.corrected()
        copy = CorrectionForm(self.cells, faulty=faulty)
        for index, cell in enumerate(self.cells):
            value = values[cell.header]
            copy.fields[f"c{index}"].initial = pii.mask(value) if cell.is_id and value else value
        return copy


class DiscardForm(forms.Form):
    reason = forms.CharField(
        label=_("放弃原因"),
        required=False,
        max_length=MAX_REASON,
        help_text=_("选填，记入审计日志；请勿填写个人信息"),
    )
