"""Expected volume on days a channel is closed all day: a warning, not an error.

``weekday_factors`` count 1 for the days they do not name, so a scenario of weekdays run over a
longer horizon sends a full weekday's volume on closed weekends: every one of those contacts is
refused, or becomes a voicemail or an offline form, and the centre looks far worse. That can be
intended (weekend callers do leave voicemails), so ``validate`` and ``run`` warn rather than fail,
naming the days and the volume.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cccsim.model.build import Model, TypeModel
from cccsim.scenario.schema import WEEKDAYS, Scenario
from cccsim.units import DAY

MATERIAL = 0.1
"""A closed day's volume is material from this share of the type's mean volume on open days."""


@dataclass(frozen=True)
class ClosedDayVolume:
    """A contact type that expects a material volume on days it is closed all day."""

    contact_type: str
    days: tuple[int, ...]  # days of the horizon, 1 = the first
    weekdays: tuple[str, ...]
    expected: tuple[float, ...]  # contacts expected on each of those days
    open_day_mean: float  # contacts expected on an open day, on average (NaN: no open day)
    unnamed: tuple[str, ...]  # of those weekdays, the ones weekday_factors does not name
    out_of_hours: str

    def message(self) -> str:
        """One line for the user: where, which days, how many contacts, and what to do."""
        shown = ", ".join(str(d) for d in self.days[:8])
        if len(self.days) > 8:
            shown += f", … ({len(self.days)} days)"
        total = sum(self.expected)
        become = {"refuse": "refused", "voicemail": "voicemails", "offline_form": "offline forms"}
        text = (
            f"contact_types.{self.contact_type}: closed all day on day{'s' * (len(self.days) > 1)}"
            f" {shown} ({', '.join(dict.fromkeys(self.weekdays))}) yet expects {total:,.0f} "
            f"contacts then ({total / len(self.days):,.0f} a day"
        )
        if np.isfinite(self.open_day_mean):
            text += f"; an open day: {self.open_day_mean:,.0f}"
        text += f"), all {become[self.out_of_hours]}"
        if self.unnamed:
            text += (
                f"; arrivals.weekday_factors does not name {', '.join(self.unnamed)}, so they "
                f"count 1: give them (e.g. {self.unnamed[0]}: 0) if nobody calls then"
            )
        return text


def _expected_per_interval(sc: Scenario, model: Model, t: TypeModel) -> np.ndarray:
    """Contacts the type expects per interval: its own arrivals and its IVR callers."""
    expected = t.arrivals.expected.copy() if t.has_arrivals else np.zeros(model.n_intervals)
    for entry in model.ivr:
        total = sum(p for _, p in entry.choices)
        for choice, p in entry.choices:
            if choice == t.parent:
                expected = expected + entry.arrivals.expected * (1 - entry.containment) * p / total
    return expected


def _factors_named(sc: Scenario, parent: str) -> set[str]:
    """The weekdays named in the weekday_factors of every arrival spec feeding ``parent``."""
    specs = [sc.contact_types[parent].arrivals]
    specs += [ivr.arrivals for ivr in sc.ivr.values() if parent in ivr.choices]
    named = set(WEEKDAYS)
    for spec in specs:
        if spec is not None and spec.trace is None:
            named &= set(spec.weekday_factors or {})
    return named


def closed_day_volumes(sc: Scenario, model: Model) -> list[ClosedDayVolume]:
    """The contact types that expect a material volume on days they are closed all day."""
    out = []
    first = WEEKDAYS.index(sc.start_weekday)
    n_days = int(np.ceil(model.horizon / DAY - 1e-9))
    for t in model.types:
        if t.segment or (t.calendar is None and not t.closed_days):
            continue
        per_interval = _expected_per_interval(sc, model, t)
        day_of = (np.arange(per_interval.size) * model.interval // DAY).astype(int)
        per_day = np.bincount(day_of, weights=per_interval, minlength=n_days)[:n_days]
        starts = np.arange(n_days) * DAY
        closed = np.isin(np.arange(n_days), list(t.closed_days))
        if t.calendar is not None:
            b = t.calendar.open_seconds_until
            closed |= b(starts + DAY) - b(starts) <= 0
        open_mean = float(per_day[~closed].mean()) if (~closed).any() else float("nan")
        floor = MATERIAL * open_mean if np.isfinite(open_mean) else 0.0
        material = np.flatnonzero(closed & (per_day >= max(floor, 1.0)))
        if material.size == 0:
            continue
        weekdays = tuple(WEEKDAYS[(first + int(d)) % 7] for d in material)
        named = _factors_named(sc, t.parent)
        out.append(
            ClosedDayVolume(
                contact_type=t.parent,
                days=tuple(int(d) + 1 for d in material),
                weekdays=weekdays,
                expected=tuple(float(per_day[d]) for d in material),
                open_day_mean=open_mean,
                unnamed=tuple(dict.fromkeys(w for w in weekdays if w not in named)),
                out_of_hours=t.out_of_hours,
            )
        )
    return out
