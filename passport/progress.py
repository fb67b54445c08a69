"""Progress of long jobs (rows done of total, and the stage the job is in), readable while
the job's own transaction is still open: kept in Redis when configured (workers are other
processes), otherwise in this process's memory (the embedded queue runs jobs in threads of
this process)."""

from __future__ import annotations

import os
import threading

_lock = threading.Lock()
_memory: dict[str, tuple[int, int, str]] = {}
_TTL_SECONDS = 24 * 3600


def _redis():
    url = os.environ.get("PASSPORT_REDIS_URL")
    if not url:
        return None
    import redis

    return redis.Redis.from_url(url)


def set_progress(job: str, done: int, total: int, stage: str = "") -> None:
    client = _redis()
    if client is not None:
        client.set(f"passport:progress:{job}", f"{done}:{total}:{stage}", ex=_TTL_SECONDS)
        return
    with _lock:
        _memory[job] = (done, total, stage)


def get_progress(job: str) -> tuple[int, int, str] | None:
    """(done, total, stage), or None when the job is not running."""
    client = _redis()
    if client is not None:
        value = client.get(f"passport:progress:{job}")
        if value is None:
            return None
        done, total, stage = (value.decode().split(":", 2) + [""])[:3]
        return int(done), int(total), stage
    with _lock:
        return _memory.get(job)


def clear_progress(job: str) -> None:
    client = _redis()
    if client is not None:
        client.delete(f"passport:progress:{job}")
        return
    with _lock:
        _memory.pop(job, None)
