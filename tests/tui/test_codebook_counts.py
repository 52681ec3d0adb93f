"""The codebook's counts after a change: recounting only the touched codes gives the same
totals as counting everything again (the TUI relabels a few nodes instead of redrawing)."""

from __future__ import annotations

import random

import pytest

from workbench.core.project import Project
from workbench.tui.widgets.codebook_counts import CodeCounts


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("coder", [None, "ann"])
def test_recounting_touched_codes_equals_counting_all(tmp_path, apply_random_op, seed, coder):
    rng = random.Random(seed)
    project = Project.create(tmp_path / f"p{seed}")
    for _ in range(6):
        apply_random_op(project, rng)
    counts = CodeCounts(project, coder=coder)
    project.take_touched_codes()
    tables = project.state.tables
    drawn = (dict(tables["codes"]), dict(tables["documents"]))
    for _ in range(40):
        apply_random_op(project, rng)
        now = (tables["codes"], tables["documents"])
        if any(
            len(table) != len(seen) or any(table.get(k) is not v for k, v in seen.items())
            for table, seen in zip(now, drawn, strict=True)
        ):
            # the codebook or the documents changed: the pane draws the tree anew
            counts = CodeCounts(project, coder=coder)
            project.take_touched_codes()
            drawn = (dict(tables["codes"]), dict(tables["documents"]))
            continue
        before = dict(counts.totals)
        changed = counts.recount(project.take_touched_codes())
        expected = CodeCounts(project, coder=coder).totals
        assert counts.totals == expected
        assert changed == {k for k in expected if expected[k] != before.get(k)}
    project.close()
