"""`python build.py serve`: a preview in its own folder, rebuilt on change, that outlives failures.

One server runs for the module (on a site made by `init`, with `--port 0`); each test puts
back what it changed. The browser test edits the post open in Chromium.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import REPO
from engine import livereload, serve
from engine.errors import BuildError, BuildFailed, Problem
from engine.init import init_site

BUILD = [sys.executable, str(REPO / "build.py")]
LOGS: list = []  # what the running servers printed, shown when a wait fails


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_for(predicate, seconds: float = 60.0):
    """Polls `predicate` until it is true; a deadline only so a broken server fails the test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("the server never got there; it printed:\n" +
                         "\n".join(log.read_text()[-3000:] for log in LOGS))


def next_state(base: str, predicate, seconds: float = 60.0) -> dict:
    """Reads the live-reload event stream until a state satisfies `predicate`."""
    with urllib.request.urlopen(base + livereload.EVENTS.lstrip("/"), timeout=seconds) as stream:
        for line in stream:
            if line.startswith(b"data: "):
                state = json.loads(line[6:])
                if predicate(state):
                    return state
    raise AssertionError("the event stream ended")


def start(root, log) -> tuple[subprocess.Popen, str]:
    """`serve --port 0` on `root`, printing into the file `log`; returns (process, base URL)."""
    with open(log, "w") as out:
        proc = subprocess.Popen([*BUILD, "serve", "--root", str(root), "--port", "0"],
                                stdout=out, stderr=subprocess.STDOUT)
    LOGS.append(log)
    match = wait_for(lambda: re.search(r"http://127\.0\.0\.1:\d+/", log.read_text())
                     or proc.poll() is not None)
    assert proc.poll() is None, log.read_text()
    return proc, match.group(0)


def stop(proc: subprocess.Popen, log) -> str:
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    LOGS.remove(log)
    assert proc.returncode == 0, log.read_text()
    return log.read_text()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A served `init` site: (root, base URL). Stopped with Ctrl+C, which must exit cleanly."""
    root = tmp_path_factory.mktemp("served")
    init_site(root)
    log = root.parent / "serve.log"
    proc, base = start(root, log)
    try:
        wait_for(lambda: get(base)[0] == 200 and next_state(base, lambda s: s["build"] >= 1))
        yield root, base
    finally:
        out = stop(proc, log)
    assert "Traceback" not in out, out


@pytest.fixture
def edit(server):
    """Changes a file of the served site for one test, then puts it back (and waits for that)."""
    root, base = server
    saved = {}

    def change(rel: str, text: str) -> None:
        path = root / rel
        if rel not in saved:
            saved[rel] = path.read_text() if path.exists() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    yield change
    before = next_state(base, lambda s: not s["building"])["attempts"]
    for rel, text in saved.items():
        if text is None:
            (root / rel).unlink()
        else:
            (root / rel).write_text(text)
    if saved:
        next_state(base, lambda s: s["attempts"] > before and not s["errors"])


def test_pages_carry_the_reload_script_but_the_files_do_not(server):
    root, base = server
    status, body = get(base + "hello/")
    assert status == 200 and livereload.EVENTS in body and "Hello, convolution" in body
    on_disk = (root / ".cache" / "preview" / "hello" / "index.html").read_text()
    assert "Hello, convolution" in on_disk and livereload.EVENTS not in on_disk
    assert not (root / "site").exists(), "serve never writes the deploy folder"


def test_missing_pages_and_folders_are_404_with_the_script(server):
    _, base = server
    status, body = get(base + "no/such/page/")
    assert status == 404 and "Page not found" in body and livereload.EVENTS in body
    status, body = get(base + "assets/")  # a folder without index.html is no listing
    assert status == 404 and "Directory listing" not in body


def test_drafts_and_future_posts_are_previewed_and_never_deployed(server, edit):
    root, base = server
    edit("content/posts/wip/index.md", "---\ntitle: Work in progress\ndate: 2024-01-02\n"
                                       "draft: true\n---\n\nNot yet.\n")
    edit("content/posts/later/index.md", "---\ntitle: Scheduled\ndate: 2999-01-01\n---\n\nLater.\n")
    wait_for(lambda: get(base + "wip/")[0] == 200 and get(base + "later/")[0] == 200)
    assert "Work in progress" in get(base)[1] and "Scheduled" in get(base)[1]
    try:
        subprocess.run([*BUILD, "--root", str(root), "-q"], check=True)
        assert (root / "site" / "hello" / "index.html").is_file()
        assert not (root / "site" / "wip").exists() and not (root / "site" / "later").exists()
    finally:
        shutil.rmtree(root / "site", ignore_errors=True)


def test_a_failed_build_is_reported_then_cleared(server, edit):
    root, base = server
    post = (root / "content/posts/hello/index.md").read_text()
    edit("content/posts/hello/index.md",
         post.replace("Display math goes", "Bad $\\frac{a$. Display math goes"))
    state = next_state(base, lambda s: s["errors"])
    [error] = state["errors"]
    line = next(i for i, text in enumerate(post.splitlines(), 1) if "Display math goes" in text)
    assert (error["path"], error["line"]) == ("content/posts/hello/index.md", line)
    assert "\\frac{a" in error["source"] and "bad TeX" in error["message"]
    assert "Hello, convolution" in get(base + "hello/")[1], "the last good site is still served"
    edit("content/posts/hello/index.md",
         post.replace("Display math goes", "Fixed. Display math goes"))
    state = next_state(base, lambda s: not s["errors"])
    assert "Fixed. Display math goes" in get(base + "hello/")[1]


def test_settings_and_new_source_folders_are_watched(server, edit):
    root, base = server
    settings = (root / "site.toml").read_text()
    edit("site.toml", settings.replace('title = "My blog"', 'title = "Renamed while serving"'))
    wait_for(lambda: "Renamed while serving" in get(base)[1])
    # a source folder that appears after the start is watched too
    assert not (root / "themes").exists()
    edit("themes/mine/assets/extra.css", "body { color: teal }\n")
    edit("site.toml", settings.replace('theme = "default"', 'theme = "mine"'))
    wait_for(lambda: get(base + "assets/extra.css")[0] == 200)
    next_state(base, lambda s: not s["building"])  # that build has finished, manifest and all
    edit("themes/mine/assets/extra.css", "body { color: olive }\n")
    wait_for(lambda: "olive" in get(base + "assets/extra.css")[1])


def test_a_busy_port_is_a_clear_message(tmp_path):
    init_site(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([*BUILD, "serve", "--root", str(tmp_path), "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"port {port} is already in use" in done.stderr and "--port 0" in done.stderr


def test_an_exception_in_a_rebuild_is_shown_and_survived(tmp_path, monkeypatch, capsys):
    status = livereload.Status()

    def deleted_mid_build(*args, **kwargs):
        raise FileNotFoundError("content/posts/gone/index.md")

    monkeypatch.setattr(serve.assemble, "build", deleted_mid_build)
    serve._rebuild(tmp_path, tmp_path / "preview", status, quiet=False)
    [problem] = status.errors
    assert "FileNotFoundError" in problem.message and "content/posts/gone" in problem.message
    assert "still serving" in capsys.readouterr().err
    serve._rebuild(tmp_path, tmp_path / "preview", status, quiet=False, debug=True)
    assert "Traceback" in capsys.readouterr().err

    def failed(*args, **kwargs):
        raise BuildFailed([Problem("bad", "content/posts/a/index.md", 3, "date: x")])

    monkeypatch.setattr(serve.assemble, "build", failed)
    serve._rebuild(tmp_path, tmp_path / "preview", status, quiet=False)
    assert json.loads(status.payload())["errors"] == [
        {"path": "content/posts/a/index.md", "line": 3, "source": "date: x", "message": "bad"}]
    assert "content/posts/a/index.md:3: error: bad" in capsys.readouterr().err

    def one_error(*args, **kwargs):
        raise BuildError("worse", "content/posts/b/index.md", 4)

    monkeypatch.setattr(serve.assemble, "build", one_error)
    serve._rebuild(tmp_path, tmp_path / "preview", status, quiet=False)
    assert [(p.path, p.line, p.message) for p in status.errors] == [
        ("content/posts/b/index.md", 4, "worse")]


def test_the_script_goes_before_the_end_of_the_body():
    page = livereload.inject(b"<html><body><p>x</p></BODY></html>", 7)
    assert page.startswith(b"<html><body><p>x</p><script>")
    assert page.endswith(b"</script></BODY></html>")
    assert b"const built = 7," in page
    assert livereload.inject(b"<p>no body", 1).startswith(b"<p>no body<script>")


@pytest.mark.browser
def test_the_open_page_reloads_in_place_and_shows_errors_until_fixed(server, edit, browser,
                                                                      tmp_path):
    root, base = server
    post = (root / "content/posts/hello/index.md").read_text()
    page = browser.new_page(viewport={"width": 900, "height": 500})
    crashes = []
    page.on("pageerror", lambda error: crashes.append(str(error)))
    page.goto(base + "hello/", wait_until="load")
    page.evaluate("scrollTo({top: 700, behavior: 'instant'}); window.notReloaded = true")
    place = page.evaluate("scrollY")
    assert place > 300, "the starter post is taller than the window"

    with page.expect_event("load"):
        edit("content/posts/hello/index.md", post + "\nA sentence added while the page was open.\n")
    assert "added while the page was open" in page.inner_text("article")
    assert page.evaluate("window.notReloaded") is None
    page.wait_for_function(f"scrollY === {place}")
    page.screenshot(path=str(tmp_path / "reloaded.png"))

    broken = post.replace("Display math goes", "Bad $\\frac{a$. Display math goes")
    edit("content/posts/hello/index.md", broken)
    overlay = page.wait_for_selector("serve-error-overlay .error")
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "Bad $" in text)
    assert page.inner_text("serve-error-overlay .where") == f"content/posts/hello/index.md:{line}"
    assert "\\frac{a$" in page.inner_text("serve-error-overlay .source")
    assert "bad TeX" in page.inner_text("serve-error-overlay .message")
    assert overlay.is_visible()
    page.screenshot(path=str(tmp_path / "overlay.png"))

    edit("content/posts/hello/index.md",
         post.replace("Display math goes", "Fixed. Display math goes"))
    page.wait_for_selector("serve-error-overlay", state="detached")
    page.wait_for_function("document.body.textContent.includes('Fixed. Display math goes')")
    page.screenshot(path=str(tmp_path / "fixed.png"))
    assert crashes == []
    page.close()


def test_a_site_broken_from_the_start_is_served_once_fixed(site_copy, tmp_path):
    root = site_copy("broken/bad_tex")
    proc, base = start(root, tmp_path / "serve.log")
    try:
        state = next_state(base, lambda s: s["errors"])
        assert [(e["path"], e["line"]) for e in state["errors"]] == [
            ("content/posts/a/index.md", 6), ("content/posts/a/index.md", 10)]
        status, body = get(base)
        assert status == 404 and "No site yet" in body and livereload.EVENTS in body
        post = root / "content/posts/a/index.md"
        post.write_text(post.read_text().replace("\\frac{a", "\\frac{a}{b}")
                        .replace("\\undefinedmacro", "x"))
        state = next_state(base, lambda s: not s["errors"])
        assert state["build"] == 1 and get(base)[0] == 200
    finally:
        stop(proc, tmp_path / "serve.log")


def test_a_file_saved_while_the_watch_starts_again_is_not_missed(tmp_path):
    """A source folder that appears restarts the recursive watch; what is saved before the
    new watch is up is reported all the same (as one more build)."""
    from engine.watch import RESCAN, Watcher

    (tmp_path / "content").mkdir()
    reports: list[set[str]] = []
    watcher = Watcher(tmp_path, reports.append)
    try:
        time.sleep(1.5)  # both watches are up
        (tmp_path / "themes").mkdir()
        watcher.changed({str(tmp_path / "themes")})  # as serve does for the batch naming it
        (tmp_path / "themes" / "extra.css").write_text("body { color: olive }\n")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
                RESCAN in r or str(tmp_path / "themes" / "extra.css") in r for r in reports):
            time.sleep(0.05)
        assert any(RESCAN in r or str(tmp_path / "themes" / "extra.css") in r for r in reports)
    finally:
        watcher.stop()
