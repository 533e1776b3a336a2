"""The reports writer: one thread that commits the reports arriving together in one transaction."""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class GroupCommit:
    """One writer thread that commits the reports arriving together in one transaction.

    With synchronous=FULL every commit waits for the disk (an fsync), which caps one-at-a-time
    commits at the disk's fsync rate (about 270 a second on the development machine). Jobs
    that queue up while one commit is in flight are committed together by the next, so many
    reports share one fsync. Each job runs inside its own SAVEPOINT, so one job's error
    leaves the others in the batch untouched, and each caller's answer is released only
    after the COMMIT has returned: nothing is acknowledged before it is on disk.
    """

    MAX_BATCH = 256

    def __init__(self, connect: Callable[[], Any]) -> None:
        self._connect = connect
        self._queue: queue.SimpleQueue[
            tuple[Callable[[sqlite3.Connection], Any], Future[Any]] | None
        ] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.batches = 0

    def submit(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """Run `job` in the next write transaction; its result once committed."""
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="reports-writer", daemon=True
                    )
                    self._thread.start()
        future: Future[T] = Future()
        self._queue.put((job, future))
        return future.result()

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        conn: sqlite3.Connection = self._connect().conn
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            stop = False
            while len(batch) < self.MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._commit(conn, batch)
            if stop:
                return

    def _commit(
        self,
        conn: sqlite3.Connection,
        batch: list[tuple[Callable[[sqlite3.Connection], Any], Future[Any]]],
    ) -> None:
        outcomes: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for job, future in batch:
                conn.execute("SAVEPOINT job")
                try:
                    outcomes.append((future, job(conn), None))
                except Exception as exc:
                    conn.execute("ROLLBACK TO job")
                    outcomes.append((future, None, exc))
                conn.execute("RELEASE job")
            conn.commit()
        except BaseException as exc:
            if conn.in_transaction:
                conn.rollback()
            for _job, future in batch:
                future.set_exception(exc)
            return
        self.batches += 1
        for future, value, error in outcomes:
            if error is None:
                future.set_result(value)
            else:
                future.set_exception(error)
