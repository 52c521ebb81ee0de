"""Records streamed to disk during a run: each day's finished contacts are written as they leave
the engine and only their tallies are kept, so memory does not grow with the horizon.

``ContactsStream`` is an engine sink (``engine.columns.Sink``). The contacts file has the columns
of the ``contacts`` frame, one Parquet row group (or CSV block) per simulated day, in the order
contacts finished; ``contact_id`` gives creation order. It is written under a temporary name and
renamed into place when the run ends, so a crash never leaves a half-written file behind.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from types import TracebackType

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cccsim.engine.columns import empty_part
from cccsim.model.build import Model
from cccsim.records import Records
from cccsim.stats.kpis import contact_columns, contacts_frame
from cccsim.stats.tally import Tally, tally


class ContactsStream:
    """Writes each part's contacts to ``path`` (Parquet, or CSV by suffix) and sums its tally."""

    def __init__(self, model: Model, path: str | Path) -> None:
        self.path = Path(path)
        self.csv = self.path.suffix.lower() == ".csv"
        self.tally = Tally.empty(model)
        self.rows = 0
        self._tmp = self.path.with_name(f".{self.path.name}.tmp-{uuid.uuid4().hex}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._schema = pa.Table.from_pandas(
            contacts_frame(empty_part(model)), preserve_index=False
        ).schema
        self._writer: pq.ParquetWriter | None = None
        if not self.csv:
            # dictionary pages only for the categorical columns: times and ids are nearly all
            # distinct, so Arrow's trial dictionary for them was wasted work (and bytes)
            categorical = [f.name for f in self._schema if pa.types.is_dictionary(f.type)]
            self._writer = pq.ParquetWriter(self._tmp, self._schema, use_dictionary=categorical)
        else:
            self._tmp.write_text(",".join(self._schema.names) + "\n", encoding="utf-8")

    def add(self, part: Records) -> None:
        """Tally one part and append its contacts to the file."""
        tally(part, into=self.tally)
        if part.n_contacts == 0:
            return
        self.rows += part.n_contacts
        if self._writer is not None:
            self._writer.write_table(self._table(part))
        else:
            contacts_frame(part).to_csv(self._tmp, mode="a", header=False, index=False)

    def _table(self, part: Records) -> pa.Table:
        """The part's contacts as an Arrow table of the file's schema, straight from the
        columns (as ``pa.Table.from_pandas(contacts_frame(part))`` would give, without pandas)."""
        arrays = []
        for field, value in zip(self._schema, contact_columns(part).values(), strict=True):
            if isinstance(value, tuple):
                codes, names = value
                none = codes < 0
                arrays.append(
                    pa.DictionaryArray.from_arrays(
                        np.where(none, 0, codes).astype(field.type.index_type.to_pandas_dtype()),
                        pa.array(names, type=field.type.value_type),
                        mask=none if none.any() else None,
                    )
                )
            else:
                # from_pandas: NaN is written as null, as pandas would
                arrays.append(pa.array(value, type=field.type, from_pandas=True))
        return pa.Table.from_arrays(arrays, schema=self._schema)

    def close(self, n_events: int) -> Tally:
        """Finish the file (rename it into place) and return the replication's tally."""
        self._close_writer()
        os.replace(self._tmp, self.path)
        self.tally.n_events = n_events
        return self.tally

    def abandon(self) -> None:
        """Drop the unfinished file (the run failed)."""
        self._close_writer()
        self._tmp.unlink(missing_ok=True)

    def _close_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def __enter__(self) -> ContactsStream:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.abandon()
