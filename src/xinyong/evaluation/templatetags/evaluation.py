"""Template helpers of the evaluation pages: `{{ score|plain }}` (17.5, 2, 0.25)."""

from __future__ import annotations

from django import template

from xinyong.evaluation.explain import plain

register = template.Library()
register.filter("plain", plain)
