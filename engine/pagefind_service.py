"""A small synchronous client for the Pagefind binary's `--service` mode: pages in, index
files out, all through pipes (nothing written to disk).

The `pagefind` package's own asyncio client polls for each answer every 0.1 s, which takes
minutes for a thousand pages; this one streams every request and reads the answers as they
come. The protocol (pinned with `pagefind==1.5.2`): each message is base64 of a JSON object
followed by a comma; requests carry a `message_id`, answers repeat it.
"""

from __future__ import annotations

import base64
import json
import subprocess
import threading
from pathlib import Path
from typing import Iterable, Iterator


class PagefindError(Exception):
    pass


def index_groups(binary: Path, groups: Iterable[Iterable[tuple[str, str]]],
                 language: str) -> Iterator[dict[str, bytes]]:
    """Index each group of pages ((url, html) pairs) as its own bundle, yielding its files
    (path -> bytes) as soon as it is done. Groups, and the pages in them, may come from
    generators that wait for them: each page goes to Pagefind as soon as it is given, so
    Pagefind reads the pages that are ready while the others are still being made. One
    Pagefind process serves all the groups."""
    process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        answers = _Answers(process)
        next_id = 1
        for pages in groups:
            index_id = answers.ask(next_id, {"type": "NewIndex",
                                             "config": {"force_language": language}})["index_id"]
            next_id += 1
            sent = []
            for url, html in pages:
                answers.send(next_id, {"type": "AddFile", "index_id": index_id, "url": url,
                                       "file_path": None, "file_contents": html})
                sent.append(next_id)
                next_id += 1
            for message_id in sent:
                answers.wait(message_id)
            files = answers.ask(next_id, {"type": "GetFiles", "index_id": index_id})
            # the service keeps every index until told: 10,000 posts held 1.5 GB
            answers.ask(next_id + 1, {"type": "DeleteIndex", "index_id": index_id})
            next_id += 2
            yield {f["path"]: base64.b64decode(f["content"]) for f in files["files"]}
    finally:
        if process.stdin:
            try:
                process.stdin.close()
            except BrokenPipeError:
                pass
        process.kill()
        process.wait()


def index_pages(binary: Path, pages: list[tuple[str, str]], language: str) -> dict[str, bytes]:
    """Index `pages` ((url, html) pairs) into one bundle: file path -> bytes."""
    return next(index_groups(binary, [pages], language))


def _message(message_id: int, payload: dict) -> bytes:
    text = json.dumps({"message_id": message_id, "payload": payload})
    return base64.b64encode(text.encode("utf-8")) + b","


class _Answers:
    """Sends requests, and reads the service's answers in a thread of its own (so neither
    side's pipe fills while the other waits), keeping them until they are asked for."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.pending: dict[int, dict] = {}
        self.ended = False
        self.ready = threading.Condition()
        threading.Thread(target=self._read_all, daemon=True).start()

    def send(self, message_id: int, payload: dict) -> None:
        try:
            self.process.stdin.write(_message(message_id, payload))
            self.process.stdin.flush()
        except BrokenPipeError:  # the service stopped: `wait` says so
            pass

    def ask(self, message_id: int, payload: dict) -> dict:
        self.send(message_id, payload)
        return self.wait(message_id)

    def wait(self, message_id: int) -> dict:
        with self.ready:
            while message_id not in self.pending and not self.ended:
                self.ready.wait()
            if message_id not in self.pending:
                raise PagefindError("the Pagefind service stopped before answering")
            payload = self.pending.pop(message_id)
        if payload.get("type") == "Error":
            raise PagefindError(payload.get("message", "unknown error"))
        return payload

    def _read_all(self) -> None:
        parts: list[bytes] = []  # of the answer being read (index files make it megabytes)
        try:
            while chunk := self.process.stdout.read1(1 << 20):
                if b"," not in chunk:
                    parts.append(chunk)
                    continue
                first, *others, rest = chunk.split(b",")
                for raw in [b"".join(parts) + first, *others]:
                    self._keep(json.loads(base64.b64decode(raw)))
                parts = [rest]
        except (OSError, ValueError):
            pass  # a broken pipe or a garbled answer: whoever waits is told it stopped
        finally:
            with self.ready:
                self.ended = True
                self.ready.notify_all()

    def _keep(self, answer: dict | None) -> None:
        if answer is None:
            return
        message_id = answer.get("message_id")
        if message_id is None:  # an answer to a message it could not parse
            original = answer.get("payload", {}).get("original_message")
            message_id = json.loads(original).get("message_id") if original else None
        if message_id is not None:
            with self.ready:
                self.pending[message_id] = answer["payload"]
                self.ready.notify_all()
