"""Who may do what with campaign tasks (工作任务) in the console.

- Every console user reads every campaign's tasks, reports and history: the work rules
  are shared by the campaign's units and the steering office, and hold no personal
  information.
- Operators (平台运营人员) may take every step, for any unit.
- A lead unit's staff (its clerks and reviewers) add tasks to the campaign, reschedule,
  cancel and reopen them: the work rules are the lead units' (六、2).
- The owner unit's and the participating units' staff report progress, for their unit.
- The owner unit's staff report the task done.
Auditors only look; a unit that is no longer active acts no more. The services in
`xinyong.campaigns.tasks` do not check users: the views ask here first.
"""

from __future__ import annotations

from typing import Any

from xinyong.accounts.roles import Role
from xinyong.campaigns.models import Campaign, CampaignTask, CampaignUnit
from xinyong.console import access
from xinyong.subjects.models import Unit

ACTING_ROLES = (Role.CLERK, Role.REVIEWER)


def acting_unit(user: Any) -> Unit | None:
    """The unit a non-operator acts for: their own, if active and they hold an acting role."""
    unit = getattr(user, "unit", None)
    if unit is None or not unit.active:
        return None
    if not any(user.has_role(role) for role in ACTING_ROLES):
        return None
    return unit


def _leads(campaign: Campaign) -> set[int]:
    return {link.unit_id for link in campaign.links.all() if link.role == CampaignUnit.Role.LEAD}


def may_plan(user: Any, campaign: Campaign) -> bool:
    """Add, reschedule, cancel and reopen the campaign's tasks."""
    if access.is_operator(user):
        return True
    unit = acting_unit(user)
    return unit is not None and unit.pk in _leads(campaign)


def reporting_units(user: Any, task: CampaignTask) -> list[Unit]:
    """The units this user may report progress for on the task."""
    units = [task.owner, *task.participants.order_by("code")]
    if access.is_operator(user):
        return units
    unit = acting_unit(user)
    return [u for u in units if unit is not None and u.pk == unit.pk]


def may_report(user: Any, task: CampaignTask) -> bool:
    return bool(reporting_units(user, task))


def may_complete(user: Any, task: CampaignTask) -> bool:
    if access.is_operator(user):
        return True
    unit = acting_unit(user)
    return unit is not None and unit.pk == task.owner_id
