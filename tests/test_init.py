"""`python build.py init`: a new site that builds with --strict, and the Pages workflow."""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from engine import config
from engine.init import FILES, STARTER, InitRefused, init_site
from plugins.conv import plugin as conv_plugin

BUILD = [sys.executable, str(REPO / "build.py")]
WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """`init` run in a new folder, then built with --strict: (root, output of the build)."""
    root = tmp_path_factory.mktemp("new") / "blog"
    init = subprocess.run([*BUILD, "init", str(root)], capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    build = subprocess.run([*BUILD, "--root", str(root), "--strict"], capture_output=True,
                           text=True)
    assert build.returncode == 0, build.stderr
    return root, init.stdout + build.stdout + build.stderr


def test_init_makes_every_starter_file(started):
    root, output = started
    for target in FILES:
        assert (root / target).is_file(), target
        assert f"created {root / target}" in output
    assert f"python build.py serve --root {root}" in output
    assert (root / ".gitignore").read_text().split("\n")[1:4] == ["/site/", "/.site-*/", "/.cache/"]


def test_the_starter_post_shows_math_a_footnote_and_a_conv_block(started):
    root, output = started
    assert "warnings 0" in output
    post = (root / "site" / "hello" / "index.html").read_text()
    assert post.count("<math") >= 3 and 'display="block"' in post
    assert 'href="#fn1"' in post and 'id="fn1"' in post, "a footnote and its note"
    gifs = [g for g in (root / "site" / "hello").glob("*.gif")  # not the dark/compact variants
            if not re.search(r"-(compact|dark|compact-dark)$", g.stem)]
    assert len(gifs) == 1 and f'src="./{gifs[0].name}"' in post
    source = (root / "content/posts/hello/index.md").read_text()
    assert f"date: {dt.datetime.now(dt.timezone.utc).date().isoformat()}" in source
    assert (root / "site" / "favicon.ico").read_bytes()[:4] == b"\0\0\1\0"
    assert "This page is" in (root / "site" / "about" / "index.html").read_text()


def test_every_setting_is_in_the_starter_and_explained():
    text = (STARTER / "site.toml").read_text()
    settings = tomllib.loads(text)
    assert settings["plugins"] == ["conv"] and set(settings) == config._KEYS | {"conv"}
    assert set(settings["math"]) == config._MATH_KEYS
    assert set(settings["conv"]) == set(conv_plugin.DEFAULTS)
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^\w+ = ", line):
            assert lines[i - 1].startswith("#"), f"`{line}` has no comment above it"


def test_init_never_overwrites(tmp_path):
    (tmp_path / ".gitignore").write_text("mine\n")
    created, kept = init_site(tmp_path, today=dt.date(2024, 5, 6))
    assert kept == [".gitignore"] and (tmp_path / ".gitignore").read_text() == "mine\n"
    assert "date: 2024-05-06" in (tmp_path / "content/posts/hello/index.md").read_text()
    with pytest.raises(InitRefused, match="already a site"):
        init_site(tmp_path)
    again = subprocess.run([*BUILD, "init", "--root", str(tmp_path)], capture_output=True,
                           text=True)
    assert again.returncode == 1 and "already a site" in again.stderr
    (tmp_path / "a-file").write_text("")
    inside_a_file = subprocess.run([*BUILD, "init", str(tmp_path / "a-file" / "blog")],
                                   capture_output=True, text=True)
    assert inside_a_file.returncode == 1 and "cannot write" in inside_a_file.stderr
    assert "internal error" not in inside_a_file.stderr


@pytest.mark.parametrize("command", [[], ["check"], ["serve", "--port", "0"], ["new", "A post"]])
def test_every_command_without_a_site_says_to_run_init(tmp_path, command):
    done = subprocess.run([*BUILD, *command, "--root", str(tmp_path)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "python build.py init" in done.stderr
    assert list(tmp_path.iterdir()) == [], "nothing is written where there is no site"


def test_init_ships_the_repository_workflow():
    assert (STARTER / "pages.yml").read_bytes() == WORKFLOW.read_bytes()


def test_the_workflow_builds_strictly_and_deploys_site():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in on and "workflow_dispatch" in on
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    assert uses[-1] == "actions/upload-pages-artifact"
    assert build["steps"][-1]["with"]["path"] == "site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    runs = [step["run"] for step in build["steps"] if "run" in step]
    readme = (REPO / "README.md").read_text()
    assert runs == ["python -m pip install -r requirements.txt", "python build.py --strict"]
    assert runs[0] in readme, "the workflow installs with the README's command"


def test_the_workflow_build_steps_work_in_a_fresh_clone(tmp_path, shipped):
    """Runs the workflow's `run` steps in a clone of the committed repository (given the
    cache of the session's build of the same sources, so it does not draw every figure)."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    shutil.copytree(shipped / ".cache", clone / ".cache")
    workflow = yaml.safe_load((clone / ".github/workflows/pages.yml").read_text())
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for step in workflow["jobs"]["build"]["steps"]:
        if "run" in step:
            done = subprocess.run(shlex.split(step["run"]), cwd=clone, env=env,
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stdout + done.stderr
    assert (clone / "site" / "index.html").is_file() and (clone / "site" / "404.html").is_file()


def test_the_readme_site_toml_example_is_accepted(tmp_path):
    """Copied from the README as it stands, the documented settings load without a problem
    (a key written twice there once made it invalid TOML)."""
    from engine.config import load_config

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Site settings: `site.toml`"):]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "site.toml").write_text(example, encoding="utf-8")
    config = load_config(tmp_path)
    assert config.title == "My blog" and config.lang == "en" and config.reader.paginate == 10
    assert dict(config.math_macros)["R"] == "\\mathbb{R}"
