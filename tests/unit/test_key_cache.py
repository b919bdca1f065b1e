"""The key cache: hits, TTL, eviction, and no stale entry from a lookup that raced a revocation."""

from __future__ import annotations

from gql_server.auth import Principal
from gql_server.services.access.key_cache import KeyCache


def _who(key_id: str) -> Principal:
    return Principal(identity=f"key:{key_id}", is_admin=False, key_id=key_id)


def test_a_cached_key_is_served_until_its_ttl() -> None:
    now = [0.0]
    cache = KeyCache(ttl_s=10, clock=lambda: now[0])
    cache.put("h1", _who("k1"), cache.generation)
    assert cache.get("h1") == _who("k1")
    now[0] = 9.9
    assert cache.get("h1") == _who("k1")
    now[0] = 10.0
    assert cache.get("h1") is None


def test_evicting_a_key_drops_every_entry_for_it() -> None:
    cache = KeyCache()
    cache.put("h1", _who("k1"), cache.generation)
    cache.put("h2", _who("k2"), cache.generation)
    cache.evict_key("k1")
    assert cache.get("h1") is None
    assert cache.get("h2") == _who("k2")


def test_a_lookup_that_raced_a_revocation_is_not_stored() -> None:
    cache = KeyCache()
    seen = cache.generation  # the lookup starts reading the database ...
    cache.evict_key("k1")  # ... the revocation event arrives meanwhile ...
    cache.put("h1", _who("k1"), seen)  # ... and the (stale) answer comes back
    assert cache.get("h1") is None
    cache.put("h1", _who("k1"), cache.generation)
    assert cache.get("h1") == _who("k1")


def test_the_cache_never_grows_past_its_bound() -> None:
    cache = KeyCache(max_entries=3)
    for n in range(10):
        cache.put(f"h{n}", _who(f"k{n}"), cache.generation)
    assert len(cache) <= 3
