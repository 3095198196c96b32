"""The posts' parses and render infos the last build used come back from one cache entry
each (engine/recorded.py), not one row each; anything not recorded comes from its row."""

from __future__ import annotations

from engine import assemble, cache as cache_mod, recorded


def _rows(monkeypatch) -> dict[str, int]:
    """How many keys each build asks of the `source` and `info` namespaces, row by row."""
    asked = {"source": 0, "info": 0}
    real = cache_mod.Cache.get_many

    def get_many(self, ns, keys):
        if ns in asked:
            asked[ns] += len(keys)
        return real(self, ns, keys)

    monkeypatch.setattr(cache_mod.Cache, "get_many", get_many)
    return asked


def _edit(root):
    post = root / "content" / "posts" / "padding" / "index.md"
    post.write_text(post.read_text() + "\nOne more line.\n")


def test_a_rebuild_reads_the_record_not_the_rows(site_copy, monkeypatch):
    root = site_copy("basic")
    first = assemble.build(root)
    asked = _rows(monkeypatch)
    assemble.build(root)
    assert asked == {"source": 0, "info": 0}
    _edit(root)
    edited = assemble.build(root)
    assert edited.written > 0
    assert asked == {"source": 1, "info": 1}  # the edited post only, then recorded
    assemble.build(root)
    assert asked == {"source": 1, "info": 1}
    assert first.posts == edited.posts


def test_a_record_that_cannot_be_used_leaves_the_rows_to_serve(site_copy, monkeypatch):
    root = site_copy("basic")
    assemble.build(root)
    before = {p.relative_to(root / "site"): p.read_bytes()
              for p in (root / "site").rglob("*") if p.is_file()}
    real = cache_mod.Cache.get

    def garbled(self, ns, key):  # a record of another shape, or fields the class refuses
        return {"no such key": [1, 2]} if ns == "recorded" else real(self, ns, key)

    monkeypatch.setattr(cache_mod.Cache, "get", garbled)
    asked = _rows(monkeypatch)
    summary = assemble.build(root)
    published = summary.posts + summary.pages
    assert summary.written == 0
    assert asked == {"source": published + summary.drafts_skipped, "info": published}
    after = {p.relative_to(root / "site"): p.read_bytes()
             for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before


def test_fields_of_another_version_of_the_class_are_not_trusted(tmp_path):
    from engine.errors import Problem

    store = cache_mod.Cache(tmp_path / "c.sqlite")
    store.put_parts("recorded", cache_mod.digest("recorded", "ns", "w"),
                    {"k": ("only", "two", 3, 4, 5)})
    store.put("ns", "k", Problem("from the row"))
    store.flush()
    found = recorded.Recorded(store, "ns", Problem, "w").get_many(["k"])
    assert found == {"k": Problem("from the row")}


def test_parted_values_come_back_and_an_edit_rewrites_only_its_part(tmp_path, monkeypatch):
    path = tmp_path / "c.sqlite"
    store = cache_mod.Cache(path)
    value = {f"content/posts/p{n}/index.md": (n, f"key-{n}") for n in range(1000)}
    store.put_parts("ns", "site", value)
    store.close()
    store = cache_mod.Cache(path)
    found = store.get_parts("ns", "site")
    assert found == value
    written = []
    real = cache_mod.Cache.put_many
    monkeypatch.setattr(cache_mod.Cache, "put_many",
                        lambda self, ns, items: written.extend(items) or real(self, ns, items))
    found = dict(found)
    found["content/posts/p7/index.md"] = (7, "edited")
    store.put_parts("ns", "site", found)
    assert len(written) == 2 and "site" in written  # one part, and the count
    store.close()
    store = cache_mod.Cache(path)
    assert store.get_parts("ns", "site") == found
    # a part lost is no value at all, never a part of one
    store._db.execute("DELETE FROM entries WHERE key = ?", (written[0],))
    store._db.commit()
    assert cache_mod.Cache(path).get_parts("ns", "site") is None
