"""The copy-on-write layer's table keeps its hard-link index equal to a scan of its entries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.model.entries import Entry, Kind
from simulator.model.upper_table import UpperTable

PATHS = ["/a", "/b", "/c", "/d/e"]
ENTRIES = st.one_of(
    st.sampled_from(PATHS).map(Entry.hardlink),
    st.just(Entry.file(b"x")),
    st.just(Entry.directory()),
    st.just(Entry.whiteout()),
)
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.sampled_from(PATHS), ENTRIES),
        st.tuples(st.just("del"), st.sampled_from(PATHS), st.none()),
        st.tuples(st.just("pop"), st.sampled_from(PATHS), st.none()),
        st.tuples(st.just("update"), st.sampled_from(PATHS), ENTRIES),
        st.tuples(st.just("setdefault"), st.sampled_from(PATHS), ENTRIES),
        st.tuples(st.just("clear"), st.none(), st.none()),
    ),
    max_size=30,
)


def scanned(table: dict[str, Entry], path: str) -> set[str]:
    return {p for p, e in table.items() if e.kind is Kind.HARDLINK and e.target == path}


@given(OPS)
def test_links_to_is_what_a_scan_finds(ops: list[tuple[str, str | None, Entry | None]]) -> None:
    table, plain = UpperTable(), dict[str, Entry]()
    for op, path, entry in ops:
        if op == "clear":
            table.clear()
            plain.clear()
        elif op in ("del", "pop"):
            assert path is not None
            if path in plain:
                del plain[path]
                if op == "del":
                    del table[path]
                else:
                    table.pop(path)
        else:
            assert path is not None and entry is not None
            if op == "set":
                table[path] = plain[path] = entry
            elif op == "update":
                table.update({path: entry})
                plain.update({path: entry})
            else:
                table.setdefault(path, entry)
                plain.setdefault(path, entry)
        assert dict(table) == plain
        for target in PATHS:
            assert table.links_to(target) == scanned(plain, target)
    assert table.copy().links_to("/a") == scanned(plain, "/a")
