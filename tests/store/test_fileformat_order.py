"""The project file lists each table's records sorted by id, however the ids got there: the
renderer keeps each table's order from one save to the next (adding and removing the ids that
changed) and sorts in pieces, so a save on a thread never holds the interpreter long."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.store import fileformat

ids = st.text(alphabet="0123456789abcdef-", min_size=1, max_size=6)


def _reference(tables: dict[str, dict[str, bytes]]) -> bytes:
    lines = [b"{"]
    names = sorted(tables)
    for n, name in enumerate(names):
        entries = tables[name]
        end = b"," if n < len(names) - 1 else b""
        if not entries:
            lines.append(b"  " + f'"{name}"'.encode() + b": {}" + end)
            continue
        lines.append(b"  " + f'"{name}"'.encode() + b": {")
        lines.append(b",\n".join(entries[rid] for rid in sorted(entries)))
        lines.append(b"  }" + end)
    return b"\n".join(lines) + b"\n}\n"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(ids, max_size=40), min_size=1, max_size=6))
def test_every_save_lists_the_ids_in_order(states: list[set[str]]) -> None:
    for state in states:  # one table through a series of saves
        tables = {"codings": {rid: f"    {rid}".encode() for rid in state}, "meta": {}}
        assert fileformat.render(tables) == _reference(tables)


def test_a_large_table_is_sorted_in_pieces_and_kept(monkeypatch) -> None:
    monkeypatch.setattr(fileformat, "PART_SIZE", 7)
    entries = {f"{n * 7919 % 1000:04d}": f"    {n}".encode() for n in range(1000)}
    assert fileformat.render({"codes": entries}) == _reference({"codes": entries})
    entries.pop("0000")
    entries["0000a"] = b"    new"
    assert fileformat.render({"codes": entries}) == _reference({"codes": entries})
