"""tree.names: a folder reached twice through links is walked once, whichever way it is
reached first; a missing folder is empty."""

import os

from engine import tree


def _site(tmp_path):
    (tmp_path / "post" / "a").mkdir(parents=True)
    (tmp_path / "post" / "a" / "x.txt").write_text("x")
    (tmp_path / "post" / "z").mkdir()
    (tmp_path / "post" / "z" / "y.txt").write_text("y")
    return tmp_path / "post"


def _names(folder, root):
    problems = []
    found = tree.names(folder, root, root, problems)
    assert problems == []
    return found


def test_plain_folders_are_walked_in_order(tmp_path):
    assert _names(_site(tmp_path), tmp_path) == ["a/x.txt", "z/y.txt"]


def test_a_link_back_up_the_tree_is_not_followed_round(tmp_path):
    post = _site(tmp_path)
    os.symlink(post, post / "a" / "up")
    os.symlink(post / "a", post / "a" / "self")
    assert _names(post, tmp_path) == ["a/x.txt", "z/y.txt"]


def test_a_folder_linked_after_it_was_walked_is_skipped(tmp_path):
    post = _site(tmp_path)
    os.symlink(post / "a", post / "b")
    assert _names(post, tmp_path) == ["a/x.txt", "z/y.txt"]


def test_a_folder_reached_through_a_link_first_is_not_walked_again(tmp_path):
    post = _site(tmp_path)
    os.symlink(post / "z", post / "m")  # `m` sorts before `z`
    assert _names(post, tmp_path) == ["a/x.txt", "m/y.txt"]


def test_a_linked_file_counts_as_a_file(tmp_path):
    post = _site(tmp_path)
    os.symlink(post / "a" / "x.txt", post / "b.txt")
    assert _names(post, tmp_path) == ["a/x.txt", "b.txt", "z/y.txt"]


def test_a_missing_folder_has_no_files_and_a_file_is_not_a_folder(tmp_path):
    assert _names(tmp_path / "nowhere", tmp_path) == []
    (tmp_path / "file").write_text("f")
    assert _names(tmp_path / "file" / "below", tmp_path) == []
    problems = []
    assert tree.names(tmp_path / "file", tmp_path, tmp_path, problems) == []
    assert [(p.path, p.message) for p in problems] == [("file", "cannot read this folder: "
                                                        "Not a directory")]
