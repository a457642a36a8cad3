"""The form for entering one record by hand (逐条填报): a field per catalogue field.

The form only shapes the input (a date picker, the choices, several choices joined by
"、"); every rule is the import pipeline's, so a typed record is checked exactly as a
file row is, with the same codes and messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinyong.console.access import submittable_units
from xinyong.console.forms import UnitChoiceField
from xinyong.records.models import RecordType


class RecordEntryForm(forms.Form):
    unit = UnitChoiceField(label=_("报送单位"), queryset=None, empty_label=None)

    def __init__(self, record_type: RecordType, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record_type = record_type
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = submittable_units(user).order_by("region_id", "code")
        if user.unit_id is not None:
            unit_field.initial = user.unit_id
        for spec in record_type.fields:
            self.fields[spec["code"]] = _field(spec)

    def cells(self) -> dict[str, str]:
        """The row as the import takes it: {field code: text}, every field present, so
        that a required field left empty is the row's error (field.required, kept in
        quarantine), not a missing column refusing the whole submission."""
        row = {}
        for spec in self.record_type.fields:
            value = self.cleaned_data.get(spec["code"])
            row[spec["code"]] = "、".join(value) if isinstance(value, list) else (value or "")
        return row


def _field(spec: Mapping[str, Any]) -> forms.Field:
    """A form field for a catalogue field; never required here (the pipeline says so,
    with its own codes), but marked as the catalogue marks it."""
    kind = spec.get("type") or "text"
    label = spec.get("name") or spec["code"]
    required = bool(spec.get("required"))
    help_text = spec.get("note") or ""
    field: forms.Field
    if kind == "choice":
        choices = [("", "—"), *((c, c) for c in spec["choices"])]
        field = forms.ChoiceField(choices=choices, required=False)
    elif kind == "multi_choice":
        field = forms.MultipleChoiceField(
            choices=[(c, c) for c in spec["choices"]],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    elif kind == "date":
        field = forms.CharField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    elif kind in ("amount_wan", "score"):
        field = forms.CharField(
            required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
        )
        if kind == "score":
            help_text = help_text or _("%(minimum)s 至 %(maximum)s") % {
                "minimum": spec["minimum"],
                "maximum": spec["maximum"],
            }
    elif kind in ("uscc", "id_number") or spec.get("role") in ("id_number", "uscc"):
        field = forms.CharField(
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        )
    else:
        # A field with a role is a name, a number or a code; one without is free text
        # (违法事实, 处罚内容 …), typed in a box of its own.
        widget = forms.TextInput() if spec.get("role") else forms.Textarea(attrs={"rows": 3})
        field = forms.CharField(required=False, widget=widget, strip=False)
    field.label = f"{label} *" if required else label
    field.help_text = help_text
    if required:
        field.widget.attrs["aria-required"] = "true"
    return field
