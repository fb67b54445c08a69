"""Locust users for bench/load_test.py: physicians who sign in once and then browse their
transcript, as they do in the weeks before renewal. Accounts come from LOAD_ACCOUNTS
(a JSON list of [email, password]); each simulated user takes the next one."""

from __future__ import annotations

import itertools
import json
import os
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.html_forms import csrf_token  # noqa: E402

_ACCOUNTS = itertools.cycle(json.loads(os.environ.get("LOAD_ACCOUNTS", "[]")))


class Physician(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        email, password = next(_ACCOUNTS)
        form = self.client.get("/sign-in", name="sign-in form")
        with self.client.post(
            "/sign-in",
            data={"email": email, "password": password, "csrf_token": csrf_token(form.text)},
            name="sign-in",
            catch_response=True,
        ) as response:
            if "/physician" not in response.url:
                response.failure(f"sign-in did not land on the physician pages: {response.url}")

    def _page(self, path: str, name: str) -> None:
        """A page counts as served only if it is the page, not a bounce to sign-in."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if "/sign-in" in response.url:
                response.failure("signed out")

    @task(6)
    def transcript(self) -> None:
        self._page("/physician/transcript", "transcript")

    @task(2)
    def transcript_all_dates(self) -> None:
        self._page("/physician/transcript?cycle=all", "transcript (all dates)")

    @task(1)
    def overview(self) -> None:
        self._page("/physician/", "overview")
