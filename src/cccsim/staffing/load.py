"""The work offered to each searched group per interval, with its lag: the starting point of the
staffing search and the floor below which no interval is staffed.

The offered load of an interval is the mean number of contacts that would be in service at once
if every contact were answered on arrival (the infinite-server system): arrivals of the
interval and of the earlier ones still being handled. Contacts that arrive late in an interval
are mostly handled in the next, so the load lags the arrivals by about a handle time
(Jennings, Mandelbaum, Massey & Whitt 1996; Feldman, Mandelbaum, Massey & Whitt 2008). Before
the horizon the arrival pattern is taken to repeat, so the first intervals carry the load of a
system already running rather than an empty one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cccsim.model.build import Model, TypeModel
from cccsim.model.targets import TargetModel
from cccsim.rng import Streams

_SAMPLES = 4096  # draws of one handle time (a deterministic stream): the lag to within ~1 %
_STEPS = 30  # sub-steps per interval for the convolution


@dataclass(frozen=True)
class OfferedLoad:
    """Per searched (group, interval): the arrival rate and the offered load in agents.

    ``rate``: contacts per second of the real-time types the group answers first; ``load``:
    agents busy at once in the infinite-server system (concurrent slots divided by the group's
    concurrency); ``handle``: the mean busy time per contact (so rate × handle is the load
    without lag).
    """

    rate: np.ndarray  # (groups, intervals)
    load: np.ndarray  # (groups, intervals)
    handle: np.ndarray  # (groups, intervals)

    def floor(self) -> np.ndarray:
        """Fewest agents that keep each interval's queue stable: more than the offered load
        wherever real-time contacts arrive (0 elsewhere: an agent leaving finishes the contact
        in hand, so work still in service needs nobody new)."""
        return np.where(self.rate > 0, np.floor(self.load + 1e-9).astype(np.int64) + 1, 0)


def busy_time(model: Model, t: int, g: int) -> np.ndarray:
    """Draws of the time group ``g``'s agent spends on one contact of type ``t`` (handle time
    with its factors and after-contact work), from a fixed stream, scaled to the exact mean."""
    tm = model.types[t]
    group = model.groups[g]
    factor = tm.handle_factor * (group.proficiency[t] if group.proficiency else 1.0)
    rng = Streams(0).stream(f"staffing/busy/{tm.name}")
    draws = tm.handle.draw(rng, _SAMPLES) * factor
    mean = tm.handle.mean * factor
    if tm.after_contact_work is not None:
        draws = draws + tm.after_contact_work.draw(rng, _SAMPLES)
        mean += tm.after_contact_work.mean
    draws = np.sort(draws)
    return draws * (mean / draws.mean()) if draws.mean() > 0 else draws


def mean_busy(model: Model, t: int, g: int) -> float:
    """Mean time of group ``g``'s agent per contact of type ``t``."""
    tm = model.types[t]
    group = model.groups[g]
    factor = tm.handle_factor * (group.proficiency[t] if group.proficiency else 1.0)
    extra = tm.after_contact_work.mean if tm.after_contact_work is not None else 0.0
    return tm.handle.mean * factor + extra


def lagged_load(expected: np.ndarray, interval: float, busy: np.ndarray) -> np.ndarray:
    """Mean contacts in service per interval in the infinite-server system.

    ``expected``: arrivals per interval (taken to repeat before the horizon); ``busy``: draws of
    the time in service. m(t) = ∫ λ(t − x) P(S > x) dx, evaluated at the midpoints of sub-steps
    of the interval with λ constant per sub-step, then averaged over each interval.
    """
    n = expected.size
    if n == 0 or not expected.any():
        return np.zeros(n)
    step = interval / _STEPS
    lam = np.repeat(expected / interval, _STEPS)  # per sub-step
    longest = float(busy.max()) if busy.size else 0.0
    lags = int(np.ceil(longest / step)) + 2
    # ∫ over the lag window of sub-step l of P(S > x) dx, with H(x) = E[min(S, x)]
    edges = np.concatenate(([0.0], (np.arange(lags) + 0.5) * step))

    def integrated_survival(x: np.ndarray) -> np.ndarray:
        return np.minimum(busy[None, :], x[:, None]).mean(axis=1)

    weights = np.diff(integrated_survival(edges))
    reps = int(np.ceil(lags / lam.size)) + 1
    history = np.concatenate([lam] * reps)  # the pattern repeated before the horizon
    full = np.convolve(history, weights)[: history.size]
    per_step = full[-lam.size :]
    return per_step.reshape(n, _STEPS).mean(axis=1)


def with_repeats(model: Model) -> np.ndarray:
    """Contacts offered per type and interval: the arrivals, plus the repeat contacts of
    customers whose contact was not resolved (a share 1 − first_contact_resolution of each type
    comes back, to the same type or those of ``switch``, and may come back again) — the
    geometric sum of the flows, solved per interval (repeats counted where their first contact
    arrived: a delay of minutes moves little; answered contacts taken to be all offered, which
    errs on the safe side where many abandon)."""
    n = model.n_intervals
    arrivals = np.array([tm.arrivals.expected[:n] for tm in model.types], dtype=float)
    back = np.zeros((len(model.types), len(model.types)))  # back[s, t]: from s to t
    for s, tm in enumerate(model.types):
        if tm.resolution < 1 and tm.repeat_delay is not None:
            moved = 0.0
            for t, share in tm.repeat_switch:
                back[s, t] += (1 - tm.resolution) * share
                moved += share
            back[s, s] += (1 - tm.resolution) * max(1.0 - moved, 0.0)
    if not back.any():
        return arrivals
    return np.linalg.solve(np.eye(len(model.types)) - back.T, arrivals)


def offered_load(model: Model, primary: dict[int, int], real_time: set[int]) -> OfferedLoad:
    """The offered load of each searched group: the real-time types (``real_time``) that it
    answers first (``primary``: type → group), in agents (concurrent slots ÷ concurrency)."""
    n_groups, n_int = len(model.groups), model.n_intervals
    offered = with_repeats(model)
    rate = np.zeros((n_groups, n_int))
    load = np.zeros((n_groups, n_int))
    work = np.zeros((n_groups, n_int))
    for t, g in primary.items():
        if t not in real_time:
            continue
        tm: TypeModel = model.types[t]
        expected = offered[t]
        slots = 1 if tm.exclusive else model.groups[g].max_concurrent
        lam = expected / model.interval
        rate[g] += lam
        work[g] += lam * mean_busy(model, t, g)
        load[g] += lagged_load(expected, model.interval, busy_time(model, t, g)) / slots
    with np.errstate(invalid="ignore", divide="ignore"):
        handle = np.where(rate > 0, work / np.where(rate > 0, rate, 1.0), 0.0)
    return OfferedLoad(rate, load, handle)


@dataclass(frozen=True)
class Spread:
    """Deferred work spread evenly over each contact's open time between arrival and deadline
    (a schedule that meets every deadline): ``amount`` agents in interval ``interval`` for the
    contacts due in interval ``due`` — so the search can scale the work of each deadline."""

    interval: np.ndarray
    due: np.ndarray
    amount: np.ndarray
    n_intervals: int

    def load(self, scale: np.ndarray | None = None) -> np.ndarray:
        """Agents per interval, with the work due in each interval scaled by ``scale``."""
        weights = self.amount if scale is None else self.amount * scale[self.due]
        return np.bincount(self.interval, weights=weights, minlength=self.n_intervals)


def deferred_spread(model: Model, target: TargetModel, group: int) -> Spread:
    """The spread of a deferred type's work for the share of contacts the target wants in time.

    Arrivals are taken at sub-steps of each interval; on the target's clock B (open seconds) a
    contact arriving at t occupies [B(t), B(t) + N] evenly, so interval j gets the part of that
    span between B(start_j) and B(end_j), and the contact is due in the interval holding
    B(t) + N.
    """
    assert target.type_index is not None
    tm = model.types[target.type_index]
    n, width = model.n_intervals, model.interval
    steps = 6
    at = (np.arange(n * steps) + 0.5) * (width / steps)
    work = np.repeat(tm.arrivals.expected[:n] / steps, steps)
    work = work * mean_busy(model, target.type_index, group) / width  # agent-intervals
    if not tm.exclusive:
        work = work / model.groups[group].max_concurrent
    clock = target.calendar.open_seconds_until if target.calendar is not None else (lambda x: x)
    span = max(target.threshold or 0.0, 1e-9)
    begin = np.asarray(clock(at), dtype=float)
    edges = np.asarray(clock(np.minimum(np.arange(n + 1) * width, model.horizon)), dtype=float)
    first = np.clip(np.searchsorted(edges, begin, side="right") - 1, 0, n - 1)
    due = np.clip(np.searchsorted(edges, begin + span, side="left") - 1, 0, n - 1)
    rows_i, rows_d, rows_a = [], [], []
    for offset in range(int((due - first).max(initial=0)) + 1):
        j = first + offset
        live = j <= due
        lo = np.maximum(begin, edges[np.minimum(j, n - 1)])
        hi = np.minimum(begin + span, edges[np.minimum(j + 1, n)])
        part = np.where(live, np.clip(hi - lo, 0.0, None) / span, 0.0)
        keep = part > 0
        rows_i.append(j[keep])
        rows_d.append(due[keep])
        rows_a.append((work * part)[keep])
    share = (
        target.at_least
        if target.kpi == "service_level" and target.at_least is not None
        else 1.0 - (target.at_most or 0.0)
    )
    return Spread(np.concatenate(rows_i), np.concatenate(rows_d), share * np.concatenate(rows_a), n)
