"""`xinyong demo-campaigns`: the demo's campaign work (run after `demo-data`).

Tasks of the 19 campaigns with progress reports, complaints at every step (the
acceptance example: a wage-arrears complaint about a company in 曲靖市), the integrity
column's articles and rectification items. All through the real services; a second run
adds nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinyong.campaigns import demo as campaign_demo
from xinyong.complaints import demo as complaint_demo
from xinyong.core import audit
from xinyong.core.errors import XinyongError
from xinyong.publicity import demo as publicity_demo
from xinyong.supervision import demo as supervision_demo


class Command(BaseCommand):
    help = "Load the demo's campaign tasks, complaints, articles and rectifications (演示)."

    def handle(self, *args: Any, **options: Any) -> None:
        actor = audit.Actor.cli()
        try:
            tasks = campaign_demo.load_tasks(actor)
            complaints = complaint_demo.load_complaints(actor)
            articles = publicity_demo.load_articles(actor)
            items = supervision_demo.load_rectifications(actor)
        except XinyongError as exc:
            raise CommandError(exc.bilingual()) from None
        self.stdout.write(
            f"工作任务 / tasks: {tasks}; 举报投诉 / complaints: {complaints}; "
            f"宣传 / articles: {articles}; 整改事项 / rectifications: {items} 新增 new"
        )
