"""Posts in memory. One gunicorn worker holds them, so every thread sees one store.

Each write happens whole under the lock, after the caller validated everything, so a
refused request never leaves half a change behind (INPUT-01, MODEL-01).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping

PRIVATE = ("draft_notes",)


@dataclasses.dataclass(frozen=True)
class Post:
    id: int
    author: str
    title: str
    body: str
    rating: int
    status: str
    draft_notes: str

    def record(self, *, private: bool) -> dict[str, object]:
        shown = dataclasses.asdict(self)
        if not private:
            for name in PRIVATE:
                del shown[name]  # absent, not null: nothing about it is disclosed
        return shown


class PostStore:
    def __init__(self) -> None:
        self._posts: dict[int, Post] = {}
        self._last_id = 0
        self._lock = threading.Lock()

    def get(self, post_id: int) -> Post | None:
        return self._posts.get(post_id)

    def all(self) -> list[Post]:
        with self._lock:
            return sorted(self._posts.values(), key=lambda post: post.id)

    def create(self, values: Mapping[str, object]) -> Post:
        with self._lock:
            # Never reused, even after a delete: an old link must not show a new post.
            self._last_id += 1
            post = Post(id=self._last_id, **values)
            self._posts[post.id] = post
            return post

    def update(self, post_id: int, changes: Mapping[str, object]) -> Post | None:
        """The post with ``changes`` applied, or None if it was deleted meanwhile."""
        with self._lock:
            post = self._posts.get(post_id)
            if post is None:
                return None
            post = dataclasses.replace(post, **changes)
            self._posts[post_id] = post
            return post

    def delete(self, post_id: int) -> bool:
        with self._lock:
            return self._posts.pop(post_id, None) is not None
