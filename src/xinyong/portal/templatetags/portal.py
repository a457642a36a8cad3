"""Template helpers of the public pages: `{{ subject|subject_url }}`."""

from __future__ import annotations

from django import template

from xinyong.portal import links

register = template.Library()
register.filter("subject_url", links.subject_url)
