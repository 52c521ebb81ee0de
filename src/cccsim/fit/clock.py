"""Times of a log: one column of text, numbers or timestamps → seconds since the epoch, local
(for intervals of the day) and absolute (for durations), in the centre's time zone."""

from __future__ import annotations

import zoneinfo

import numpy as np
import pandas as pd

from cccsim.errors import LogError


class Clock:
    """Parses one column of times into (local seconds, absolute seconds) since the epoch."""

    def __init__(
        self, timezone: str | None, log_timezone: str | None, time_format: str | None, name: str
    ) -> None:
        for option, zone in (("timezone", timezone), ("log_timezone", log_timezone)):
            if zone is not None:
                try:
                    zoneinfo.ZoneInfo(zone)
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    raise LogError(
                        f"{option}: unknown time zone {zone!r} (use a name like Europe/Paris or UTC)"
                    ) from None
        self.local = timezone
        self.naive_zone = log_timezone or timezone
        self.format = time_format
        self.name = name
        self.notes: list[str] = []

    def parse(self, raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        values = self._datetimes(raw)
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            utc = values.dt.tz_convert("UTC")
            if self.local is None and not self.notes:
                self.notes.append(
                    "times carry UTC offsets but no time zone was given: intervals of the day "
                    "are counted in UTC (give the centre's time zone)"
                )
        elif self.naive_zone is not None:
            utc = values.dt.tz_localize(
                self.naive_zone, ambiguous="NaT", nonexistent="NaT"
            ).dt.tz_convert("UTC")
        else:
            seconds = _seconds(values)
            return seconds, seconds
        local = utc.dt.tz_convert(self.local or self.naive_zone or "UTC").dt.tz_localize(None)
        return _seconds(local), _seconds(utc.dt.tz_localize(None))

    def _datetimes(self, raw: pd.Series) -> pd.Series:
        if pd.api.types.is_datetime64_any_dtype(raw.dtype):
            return raw
        if pd.api.types.is_numeric_dtype(raw.dtype):
            return pd.to_datetime(raw, unit="s", utc=True, errors="coerce")
        text = raw.astype("string").str.strip()
        text = text.mask(text == "")
        if self.format is not None:
            return self._to_datetime(text, self.format)
        # ISO 8601 in any of its spellings; else one format inferred from the first value
        iso = self._to_datetime(text, "ISO8601")
        if iso.notna().sum() >= 0.5 * text.notna().sum():
            return iso
        inferred = self._to_datetime(text, None)
        return inferred if inferred.notna().sum() > iso.notna().sum() else iso

    def _to_datetime(self, text: pd.Series, fmt: str | None) -> pd.Series:
        try:
            return pd.to_datetime(text, format=fmt, errors="coerce")
        except ValueError:  # offsets differ between rows (a daylight-saving change)
            return pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
        except TypeError as exc:
            raise LogError(f"{self.name}: cannot read times: {exc}") from None


def _seconds(values: pd.Series) -> np.ndarray:
    return ((values - pd.Timestamp(0)) / pd.Timedelta(seconds=1)).to_numpy(
        dtype=float, na_value=np.nan
    )
