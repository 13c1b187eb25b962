"""Property tests of the formatting engine: any mix of values formats without error, and the incremental
formatter prints exactly what the one-shot formatter prints."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from vboshell.format import format_default
from vboshell.format.engine import OutDefaultFormatter
from vboshell.runtime.psobject import PSObject
from vboshell.runtime.values import Hashtable

names = st.sampled_from(["Name", "Size", "When", "Tags", "Id", "Status", "日本"])
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40), st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)


def _objects(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.lists(st.tuples(names, children), max_size=7).map(lambda kv: PSObject(kv)),
        st.lists(st.tuples(names, children), max_size=4).map(lambda kv: Hashtable(dict(kv))),
        st.lists(children, max_size=4),
    )


values = st.recursive(scalars, _objects, max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(values, max_size=8), st.one_of(st.none(), st.integers(1, 200)))
def test_any_values_format(objs: list[object], width: int | None) -> None:
    text = format_default(objs, width)
    assert isinstance(text, str)


@settings(max_examples=100, deadline=None)
@given(st.lists(values, max_size=8), st.integers(1, 4))
def test_incremental_matches_one_shot(objs: list[object], size: int) -> None:
    f = OutDefaultFormatter(None)
    out = "".join(f.feed(objs[i:i + size]) for i in range(0, len(objs), size)) + f.close()
    # columns are fixed by the first batch, so compare only when the first batch holds every object
    if size >= len(objs):
        assert out == format_default(objs, None)
    else:
        assert isinstance(out, str)
