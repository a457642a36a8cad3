"""Addresses of subject pages."""

from __future__ import annotations

from django.urls import reverse

from xinyong.subjects.models import Subject


def subject_code(subject: Subject) -> str:
    """The code in a subject's address: its USCC, else its opaque public id.

    Never an ID number: persons have no USCC, so they are always addressed by public id.
    """
    if subject.kind != Subject.Kind.PERSON and subject.uscc:
        return subject.uscc
    return subject.public_id


def subject_url(subject: Subject) -> str:
    return reverse("portal:subject", args=[subject_code(subject)])
