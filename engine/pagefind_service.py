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


def index_groups(binary: Path, groups: Iterable[list[tuple[str, str]]],
                 language: str) -> Iterator[dict[str, bytes]]:
    """Index each group of pages ((url, html) pairs) as its own bundle, yielding its files
    (path -> bytes) as soon as it is done. `groups` may be a generator that waits for its
    pages: one Pagefind process serves all."""
    process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        answers = _Answers(process)
        next_id = 1
        for pages in groups:
            index_id = answers.ask(next_id, {"type": "NewIndex",
                                             "config": {"force_language": language}})["index_id"]
            requests = [{"type": "AddFile", "index_id": index_id, "url": url,
                         "file_path": None, "file_contents": html} for url, html in pages]
            writer = threading.Thread(target=_send_all, args=(process, requests, next_id + 1),
                                      daemon=True)
            writer.start()
            for n in range(len(requests)):
                answers.wait(next_id + 1 + n)
            writer.join()
            next_id += 1 + len(requests)
            files = answers.ask(next_id, {"type": "GetFiles", "index_id": index_id})
            # the service keeps every index until told: 10,000 posts held 1.5 GB
            answers.ask(next_id + 1, {"type": "DeleteIndex", "index_id": index_id})
            next_id += 2
            yield {f["path"]: base64.b64decode(f["content"]) for f in files["files"]}
    finally:
        if process.stdin:
            process.stdin.close()
        process.kill()
        process.wait()


def index_pages(binary: Path, pages: list[tuple[str, str]], language: str) -> dict[str, bytes]:
    """Index `pages` ((url, html) pairs) into one bundle: file path -> bytes."""
    return next(index_groups(binary, [pages], language))


def _message(message_id: int, payload: dict) -> bytes:
    text = json.dumps({"message_id": message_id, "payload": payload})
    return base64.b64encode(text.encode("utf-8")) + b","


def _send_all(process: subprocess.Popen, requests: list[dict], first: int) -> None:
    try:
        for n, payload in enumerate(requests):
            process.stdin.write(_message(first + n, payload))
        process.stdin.flush()
    except BrokenPipeError:  # the reader reports what the service said
        pass


class _Answers:
    """Reads answers off the service's stdout, keeping those not asked for yet."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.pending: dict[int, dict] = {}
        self.buffer = b""

    def ask(self, message_id: int, payload: dict) -> dict:
        self.process.stdin.write(_message(message_id, payload))
        self.process.stdin.flush()
        return self.wait(message_id)

    def wait(self, message_id: int) -> dict:
        while message_id not in self.pending:
            self._read_one()
        payload = self.pending.pop(message_id)
        if payload.get("type") == "Error":
            raise PagefindError(payload.get("message", "unknown error"))
        return payload

    def _read_one(self) -> None:
        while b"," not in self.buffer:
            chunk = self.process.stdout.read1(1 << 20)
            if not chunk:
                raise PagefindError("the Pagefind service stopped before answering")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b",", 1)
        answer = json.loads(base64.b64decode(raw))
        if answer is None:
            return
        message_id = answer.get("message_id")
        if message_id is None:  # an answer to a message it could not parse
            original = answer.get("payload", {}).get("original_message")
            message_id = json.loads(original).get("message_id") if original else None
        if message_id is not None:
            self.pending[message_id] = answer["payload"]
