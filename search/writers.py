"""The Whoosh writer of an indexing run: in-process for a few articles, else Whoosh's own
multi-process writer, so that pyvi and Whoosh's posting encoding run on every core.

`MpWriter(procs=N, multisegment=True)` hands documents to N sub-writer processes, each of which
analyses them (pyvi included: the analyzers call it) and writes its own segment; the parent
adds the segments to the index at commit. Two guards are added to it:
- a sub-writer that died (an exception, the OOM killer) makes the commit fail, where Whoosh
  would commit without that sub-writer's documents and say nothing;
- a sub-writer exits when its parent is gone (a killed `vnsearch index`), instead of waiting
  for work forever.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import queue
import signal
import threading
import time
from pathlib import Path
from typing import Any

from whoosh.index import Index
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import IndexWriter

from search.analysis.segmenter import PRELOAD_MODULES

# Whoosh's in-memory posting pool, shared out among the sub-writers. A worker's share of a commit
# batch (2,000 articles, ~1.6 M postings) fits in its half, so it never spills runs to disk and
# merges them back (that cost a third of the workers' time at 128 MB each).
WRITER_MB = 1536
PARENT_CHECK_S = 1.0


class WorkerFailed(RuntimeError):
    """A sub-writer process ended without handing back its segment."""


def open_writer(ix: Index, procs: int) -> IndexWriter:
    if procs < 2:
        return ix.writer(limitmb=WRITER_MB)
    return _GuardedMpWriter(ix, procs=procs, multisegment=True, start_method="forkserver", limitmb=WRITER_MB // procs)


def cancel(writer: IndexWriter) -> None:
    """Cancel a run's writer, whatever state an error left it in: a plain writer whose commit
    failed has closed itself (cancelling it again raised "This writer is closed", hiding the
    error, a full disk, behind a traceback); the multi-process one still stops its workers."""
    if isinstance(writer, _GuardedMpWriter) or not writer.is_closed:
        writer.cancel()


def forkserver_context() -> multiprocessing.context.BaseContext:
    """The start method of every indexing process (sub-writers, the hot postings' helper).
    Not a fork of this process: the web app's reindex runs in a threaded server, where a forked
    child could inherit a lock some other thread held. The fork server loads the pyvi model
    once, and every child is a fork of it; whichever process starts it first sets what it
    preloads, so all of them ask for the same."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD_MODULES))
    return context


def ignore_interrupts() -> None:
    """In a child: Ctrl-C reaches the whole process group, and the indexer alone answers it (its
    children print a KeyboardInterrupt traceback each otherwise); it stops them, or they exit
    with it (exit_with)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def exit_with(parent: int) -> None:
    """In a child of the fork server (which outlives a killed indexer): exit when `parent` has."""
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _run_sub_writer(indexer: int, *args: Any) -> None:
    """A sub-writer's process: Whoosh's SubWriterTask loop, ended early if the indexer dies."""
    ignore_interrupts()
    exit_with(indexer)
    SubWriterTask(*args).run()


def _exit_with(indexer: int) -> None:
    while alive(indexer):
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


def alive(pid: int) -> bool:
    """Running: not gone, and not a zombie (killed, its exit status not yet collected)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process has the number now
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc to ask: running as far as we can tell
    return state != "Z"


class _GuardedMpWriter(MpWriter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._mpctx = forkserver_context()

    def _new_task(self) -> Any:
        args = (self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment)
        task = self._mpctx.Process(target=_run_sub_writer, args=(os.getpid(), *args))
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        """Whoosh's cancel only flags its own copy of each task: stop the processes themselves.
        Safe to call twice (a failed commit cancels, then the indexer's error path does).

        Nor wait at exit for the job queues' feeder threads: a Ctrl-C that lands while a queue
        starts its thread (on its first put) leaves the thread without the sentinel that ends
        it, and the interpreter's exit joined it forever, the run printing "interrupted" and
        never ending (1 in ~25 interrupted runs). Whatever they still hold was for the workers
        just stopped."""
        for task in self.tasks:
            task.terminate()
            task.join()
        self.jobqueue.cancel_join_thread()
        self.resultqueue.cancel_join_thread()
        if not self.is_closed:
            super().cancel()

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        """MpWriter._commit for multisegment=True, refusing to lose a sub-writer's documents."""
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        results = self._results()
        for task in self.tasks:
            task.join()
        if len(results) != len(self.tasks):
            codes = [t.exitcode for t in self.tasks]
            self.cancel()
            raise WorkerFailed(f"an indexing worker failed (exit codes {codes}); this batch was not committed")
        finalsegments += [segment for _, _, segment in results]
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def _results(self) -> list[Any]:
        """One (run, fields, segment) per sub-writer; fewer if one died before sending it."""
        results: list[Any] = []
        while len(results) < len(self.tasks):
            # Whether any worker still runs is asked before waiting: a result sent just before a
            # worker's exit is still read, and only a wait after every exit can end the loop.
            all_ended = not any(t.is_alive() for t in self.tasks)
            try:  # read before joining: a child exits only once its result has left the queue
                results.append(self.resultqueue.get(timeout=PARENT_CHECK_S))
            except queue.Empty:
                if all_ended:
                    break
        return results
