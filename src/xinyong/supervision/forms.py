"""Forms of the supervision pages: ordering, reporting on and closing rectification items."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xinyong.campaigns.models import Campaign
from xinyong.subjects.models import Unit
from xinyong.supervision.models import Rectification


class OrderForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("整改单位"),
        queryset=Unit.objects.filter(active=True).order_by("code"),
        to_field_name="code",
    )
    campaign = forms.ModelChoiceField(
        label=_("专项治理"),
        queryset=Campaign.objects.order_by("number"),
        to_field_name="code",
        required=False,
    )
    kind = forms.ChoiceField(label=_("方式"), choices=Rectification.Kind.choices)
    reason = forms.CharField(
        label=_("问题和要求"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))


class ReportForm(forms.Form):
    progress = forms.CharField(
        label=_("整改情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    pass


class QuarterForm(forms.Form):
    quarter = forms.CharField(label=_("季度"), max_length=6, required=False)
