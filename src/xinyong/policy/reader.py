"""Read a policy pack folder into validated models, with every problem reported at once.

1. Parse each known YAML file (unknown files are refused: a misnamed file would
   otherwise be ignored).
2. Validate each against its pydantic model.
3. Check the references between files: sources cited, regions of units, units of
   campaigns and lists, record types of rules, scenes of measures, lists and measures
   of memoranda, unique keys.
Nothing here touches the database; `xinyong.policy.loader` applies a read pack.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ValidationError

from xinyong.core import yamlfile
from xinyong.core.errors import PolicyError
from xinyong.policy import schema

M = TypeVar("M", bound=BaseModel)

FILES: dict[str, type[BaseModel]] = {
    "pack.yaml": schema.Manifest,
    "sources.yaml": schema.SourcesFile,
    "regions.yaml": schema.RegionsFile,
    "units.yaml": schema.UnitsFile,
    "catalogue.yaml": schema.CatalogueFile,
    "rules.yaml": schema.RulesFile,
    "campaigns.yaml": schema.CampaignsFile,
    "lists.yaml": schema.ListsFile,
    "measures.yaml": schema.MeasuresFile,
    "calendar.yaml": schema.CalendarFile,
}


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.where}: {self.message}"
            if self.where
            else f"{self.file}: {self.message}"
        )


class PackInvalid(PolicyError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            "policy.invalid",
            _("政策包有 %(count)d 处问题，未载入任何内容"),
            params={"count": len(problems)},
        )
        self.problems = problems


@dataclass
class Pack:
    path: Path
    digest: str
    manifest: schema.Manifest
    sources: schema.SourcesFile
    regions: schema.RegionsFile
    units: schema.UnitsFile
    catalogue: schema.CatalogueFile
    rules: schema.RulesFile
    campaigns: schema.CampaignsFile
    lists: schema.ListsFile
    measures: schema.MeasuresFile
    calendar: schema.CalendarFile
    expanded_units: list[schema.UnitSpec] = field(default_factory=list)

    def region_codes(self) -> set[str]:
        codes = {self.regions.province.code}
        for prefecture in self.regions.prefectures:
            codes.add(prefecture.code)
            codes.update(county.code for county in prefecture.counties)
        return codes


def _parse(path: Path, model: type[M], problems: list[Problem]) -> M | None:
    try:
        data: Any = yamlfile.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(path.name, "", "file is missing"))
        return None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, "", f"not valid YAML: {exc}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            problems.append(Problem(path.name, where, error["msg"]))
        return None


def _digest(directory: Path) -> str:
    sha = hashlib.sha256()
    for name in sorted(FILES):
        path = directory / name
        if path.exists():
            sha.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def read_pack(directory: str | Path) -> Pack:
    """Parse and validate a pack; raise `PackInvalid` with all problems found."""
    path = Path(directory)
    if not path.is_dir():
        raise PackInvalid([Problem(str(path), "", "not a directory")])
    problems: list[Problem] = [
        Problem(extra.name, "", f"unknown file; a pack holds {', '.join(sorted(FILES))}")
        for extra in sorted(path.glob("*.y*ml"))
        if extra.name not in FILES
    ]
    parsed = {name: _parse(path / name, model, problems) for name, model in FILES.items()}
    if problems:
        raise PackInvalid(problems)
    pack = Pack(path, _digest(path), *parsed.values())  # type: ignore[arg-type]
    pack.expanded_units = expand_units(pack)
    from xinyong.policy.references import check_references

    problems = check_references(pack)
    if problems:
        raise PackInvalid(problems)
    return pack


def expand_units(pack: Pack) -> list[schema.UnitSpec]:
    """The listed units plus one of each `per_prefecture` template for every prefecture."""
    units = list(pack.units.units)
    for template in pack.units.per_prefecture:
        for prefecture in pack.regions.prefectures:
            values = {
                "code": prefecture.code,
                "name": prefecture.name,
                "short_name": prefecture.short_name,
            }
            units.append(
                schema.UnitSpec(
                    code=template.code.format(**values),
                    code_kind="pack",
                    name=template.name.format(**values),
                    short_name=template.short_name.format(**values),
                    aliases=[alias.format(**values) for alias in template.aliases],
                    region=prefecture.code,
                    kind=template.kind,
                )
            )
    return units
