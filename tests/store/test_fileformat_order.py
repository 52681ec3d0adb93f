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


def _pieces(tables: dict[str, dict[str, bytes]]) -> tuple[list[bytes], list[int]]:
    """The parts of a render, and how many parts there were at each call between pieces."""
    calls: list[int] = []
    parts = fileformat.render_parts(tables, between=lambda: calls.append(len(calls)))
    return parts, calls


@settings(max_examples=40, deadline=None)
@given(st.lists(st.dictionaries(ids, st.binary(max_size=40), max_size=60), min_size=1,
                max_size=4))
def test_the_pause_between_pieces_changes_no_byte(states: list[dict[str, bytes]]) -> None:
    for state in states:  # one table through a series of saves, sorted cold and then kept
        tables = {"codings": {rid: b"    " + body for rid, body in state.items()}, "meta": {}}
        parts, _ = _pieces(tables)
        assert b"".join(parts) == fileformat.render(tables) == _reference(tables)


def test_render_parts_pauses_between_every_piece(monkeypatch) -> None:
    """A save thread waits for keys there: no join of many entries, no sort, no diff of a
    whole table happens without a pause around it."""
    monkeypatch.setattr(fileformat, "PART_SIZE", 10)
    joins: list[int] = []
    calls: list[int] = []
    real_join = bytes.join

    class Separator(bytes):  # counts the joins of entries (the pieces)
        def join(self, items):  # type: ignore[override]
            joins.append(len(calls))
            return real_join(self, items)

    monkeypatch.setattr(fileformat, "_PIECE_SEPARATOR", Separator(b",\n"))
    entries = {f"{n * 7919 % 1000:04d}": f"    {n}".encode() for n in range(1000)}
    for _ in range(2):  # sorted from nothing, then the order kept and checked
        joins.clear()
        calls.clear()
        parts = fileformat.render_parts({"codes": entries}, between=lambda: calls.append(1))
        assert b"".join(parts) == _reference({"codes": entries})
        assert len(joins) == 100  # pieces of PART_SIZE entries
        assert joins == sorted(set(joins))  # a pause after each piece, before the next
        assert len(calls) >= 100 + 1000 // 10  # the ids looked over in pieces too


def test_a_long_entry_is_a_piece_of_its_own_never_copied(monkeypatch) -> None:
    monkeypatch.setattr(fileformat, "PART_BYTES", 1000)
    long_entry = b"    " + b"x" * 5000
    entries = {f"{n:03d}": f"    {n}".encode() * 20 for n in range(100)}
    entries["050a"] = long_entry
    parts, _ = _pieces({"documents": entries})
    assert any(part is long_entry for part in parts)
    joined = [part for part in parts if part is not long_entry]
    assert all(len(part) - 2 * part.count(b",\n") <= 1000 for part in joined)  # entries' bytes
    assert max(part.count(b",\n") for part in joined) > 1  # short ones are still joined
    assert b"".join(parts) == _reference({"documents": entries})
