"""The engine's shortcuts for the standard routing policy change no decision.

With ``StandardPolicy`` itself the engine skips ``admits`` for pairs no rule applies to, calls
each pair's rules bound once (``StandardPolicy.tests``), reads constant ranks from a table and
does not re-ask after routing a contact that heads its queue. A subclass (even an empty one) may
override any method, so the engine asks it ``admits`` and ``rank`` at every decision: its
records are the reference.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import cccsim
from cccsim.engine import run
from cccsim.engine.policy import StandardPolicy, load_policy
from cccsim.model import build_model
from cccsim.records import CONTACT_FIELDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("insurer_blended", {}),
        # without blending, email ranks by its ageing alone (here fast: it overtakes voice)
        ("insurer_blended", {"routing_policy.blending": {}, "routing_policy.ageing.email": "1min"}),
        ("telecom_offshore", {}),
    ],
)
def test_asking_the_policy_every_time_gives_the_same_records(
    name: str, changes: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Conditions on the queue and on the expected wait, reservation, blending caps and
    minimums, priorities and ageing (the insurer and the telecom): same records either way."""
    (tmp_path / "asked_policy.py").write_text(
        "from cccsim.engine.policy import StandardPolicy, load_policy\n\n\n"
        "class Asked(StandardPolicy):\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    path = ROOT / "scenarios" / f"{name}.yaml"
    changes = {"horizon": "1d", **changes}
    fast = build_model(cccsim.load_scenario(path, overrides=changes))
    asked = build_model(
        cccsim.load_scenario(
            path, overrides={**changes, "routing_policy.policy": "asked_policy:Asked"}
        )
    )
    assert type(load_policy(fast)) is StandardPolicy
    assert type(load_policy(asked)) is not StandardPolicy  # the engine asks it every time
    for seed in (1, 2):
        a, b = run(fast, seed), run(asked, seed)
        for field in CONTACT_FIELDS:
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
        assert a.n_events == b.n_events
