"""The collector is paused while bulk work runs and left as the caller had it, errors or not."""

from __future__ import annotations

import gc

import pytest

from archmodel import collector


@pytest.mark.parametrize("before", [True, False])
def test_the_collector_is_left_as_it_was_found(before: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if before else gc.disable)()
        with collector.paused():
            assert not gc.isenabled()
        assert gc.isenabled() is before
        with pytest.raises(KeyError), collector.paused():
            raise KeyError("bulk work failed")
        assert gc.isenabled() is before
    finally:
        (gc.enable if was else gc.disable)()
