"""The routing file: the organisation's teams and who handles what, for forwarding.

YAML, for example:

    teams:
      - alias: ketoan
        name: Phòng Kế toán
        email: ketoan@congty.vn
        keywords: [hóa đơn, thanh toán, invoice, payment]
        sender_domains: [nhacungcap.vn]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.core.suggest import Route


class RoutingError(ValueError):
    """The routing file cannot be used; the message names the file and the problem."""


def load_routes(path: Path | None) -> tuple[Route, ...]:
    if path is None:
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise RoutingError(f"routing file {path}: {error}") from None
    except yaml.YAMLError as error:
        raise RoutingError(f"routing file {path}: {_yaml_problem(error)}") from None
    teams = data.get("teams") if isinstance(data, dict) else None
    if not isinstance(teams, list):
        raise RoutingError(f"routing file {path}: expected a list under 'teams:'")
    return tuple(_route(path, i, team) for i, team in enumerate(teams, 1))


def _yaml_problem(error: yaml.YAMLError) -> str:
    """PyYAML's message on one line: what is wrong and where ("line 3, column 9")."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return where + " ".join(str(problem).split())


def _route(path: Path, number: int, team: Any) -> Route:
    if not isinstance(team, dict) or not team.get("email") or not team.get("alias"):
        raise RoutingError(f"routing file {path}: team {number} needs at least alias and email")
    return Route(
        alias=str(team["alias"]),
        name=str(team.get("name") or team["alias"]),
        email=str(team["email"]).lower(),
        keywords=tuple(str(k) for k in team.get("keywords") or ()),
        sender_domains=tuple(str(d).lower() for d in team.get("sender_domains") or ()),
    )
