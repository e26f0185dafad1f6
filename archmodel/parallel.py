"""Running independent generators side by side, one forked process per core.

A large model spends most of ``generate`` inside generators that do not depend on each
other (Helm, Terraform, the threat register, the docs site); on a machine with several
cores they run at once. Workers are forked after the project is loaded, so each sees
the loaded model without reading or pickling it, and work several generators share (the
threat analysis) is done once before the fork (``Generator.prepare``). Files come back
as (path, bytes) pairs; the result is the same, byte for byte, as a run in one process.

Only where ``fork`` exists (Linux, the platform CI runs) and only for models large
enough to repay a worker's start; ``ARCHMODEL_JOBS`` sets the number of workers (1: none).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import TYPE_CHECKING, Any

from archmodel import cores
from archmodel.files import FileMap, Files, by_text

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from archmodel.project import Project

# The runner's one-generator call: (project, generator, its options, the files it needs).
RunOne = Callable[["Project", Any, object, Mapping[str, Files]], Files]
# What a generator's files become in the worker that made them (by generator name).
Finish = Mapping[str, Callable[[dict[str, bytes]], object]]

JOBS_VARIABLE = cores.JOBS_VARIABLE
MIN_ELEMENTS = 400  # components and flows below which a worker's start costs more than it saves

# What forked workers inherit: set by ``run_side_by_side`` just before the pool starts.
_STATE: dict[str, Any] = {}


def workers(project: Project, generators: int) -> int:
    """How many processes to use: ``ARCHMODEL_JOBS`` if set, else one per available
    core for a large model (never more than there are generators), else 1."""
    model = project.model
    return cores.jobs(generators, len(model.components) + len(model.flows), MIN_ELEMENTS)


def run_side_by_side(
    project: Project,
    generators: Mapping[str, Any],
    names: Sequence[str],
    options: Mapping[str, object],
    jobs: int,
    run_one: RunOne,
    finish: Finish | None = None,
) -> tuple[dict[str, dict[str, bytes]], dict[str, object]]:
    """The files of every generator in ``names`` (in need order), run by ``jobs``
    processes with the runner's ``run_one``; a generator starts once the generators it
    needs have finished.

    With ``finish`` (by generator name), the worker that ran a generator also passes its
    files to that function and sends back what it returns: its files travel back only
    when another generator needs them. Returns the files sent back, and what ``finish``
    made of each generator's.

    Generators that share no prepared work (nor need one that does) start at once in a
    worker of their own, while this process prepares the shared work (the threat
    analysis); the others run in workers forked after it, which inherit it. A generator
    that shares none waits for the first free worker of either kind."""
    prepared = _prepared(generators, names)
    needed = {need for name in names for need in generators[name].needs}
    _STATE.update(project=project, generators=generators, options=options, run_one=run_one)
    _STATE.update(finish=finish or {}, keep=needed if finish else set(names))
    done: dict[str, dict[str, bytes] | None] = {}
    finished: dict[str, object] = {}
    running: dict[Future[Outcome], str] = {}
    lanes: dict[Future[Outcome], object] = {}  # the pool each running generator is in
    waiting = list(names)

    def submit(pool: ProcessPoolExecutor, limit: int, shared: bool) -> None:
        candidates = [name for name in waiting if (name in prepared) == shared]
        _submit(pool, limit, candidates, waiting, done, running, lanes, generators)

    try:
        with cores.fork_pool(1) as early:
            # One generator running and the next queued: the worker never waits for this
            # process, busy preparing; the others may yet go to a free worker of the pool
            # forked after it.
            submit(early, 2, shared=False)
            for name in names:
                prepare = generators[name].prepare
                if prepare is not None:
                    prepare(project)  # memoised on the project, inherited by later workers
            with cores.fork_pool(jobs) as late:
                while waiting or running:
                    submit(late, jobs, shared=True)  # first: the chain the others wait for
                    submit(early, 1, shared=False)
                    submit(late, jobs, shared=False)
                    ended, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in ended:
                        name = running.pop(future)
                        lanes.pop(future)
                        done[name], finished[name] = _result(future)
    finally:
        _STATE.clear()
    return {name: files for name, files in done.items() if files is not None}, finished


def _prepared(generators: Mapping[str, Any], names: Sequence[str]) -> set[str]:
    """Generators with shared work to prepare, and those needing them (names in need order)."""
    found: set[str] = set()
    for name in names:
        gen = generators[name]
        if gen.prepare is not None or any(need in found for need in gen.needs):
            found.add(name)
    return found


def _submit(
    pool: ProcessPoolExecutor,
    limit: int,
    candidates: list[str],
    waiting: list[str],
    done: Mapping[str, dict[str, bytes] | None],
    running: dict[Future[Outcome], str],
    lanes: dict[Future[Outcome], object],
    generators: Mapping[str, Any],
) -> None:
    """Hand ``pool`` candidates whose needs have finished, while it has fewer than
    ``limit`` generators in hand."""
    free = limit - sum(1 for lane in lanes.values() if lane is pool)
    for name in _ready(candidates, done, generators)[: max(free, 0)]:
        waiting.remove(name)
        received = {need: _paths(done[need] or {}) for need in generators[name].needs}
        future = pool.submit(_in_worker, name, received)
        running[future], lanes[future] = name, pool


def _ready(waiting: list[str], done: Mapping[str, object], generators: Mapping[str, Any]) -> list[str]:
    return [name for name in waiting if all(need in done for need in generators[name].needs)]


def _result(future: Future[Outcome]) -> tuple[dict[str, bytes] | None, object]:
    """A worker's files by path text (if sent) and what ``finish`` made of them, or its
    exception raised here as if the generator ran here."""
    pairs, finished, error = future.result()
    if error is not None:
        raise error
    return (dict(pairs) if pairs is not None else None), pickle.loads(finished)


def _paths(files: dict[str, bytes]) -> Files:
    """Files as a generator that needs them receives them."""
    return FileMap(files)


# (path, bytes) pairs (None: not sent), what ``finish`` made of them (pickled), or the error.
Outcome = tuple["list[tuple[str, bytes]] | None", bytes, "BaseException | None"]


def _in_worker(name: str, received: Mapping[str, Files]) -> Outcome:
    """Run one generator in a worker, and its ``finish`` if it has one. An exception
    travels back as a value (one that cannot be pickled as a RuntimeError with its
    message), so the caller sees the same error a run in one process would raise."""
    state = _STATE
    try:
        files = state["run_one"](
            state["project"], state["generators"][name], state["options"].get(name), received
        )
        texts = by_text(files)
        finish = state["finish"].get(name)
        # Pickled here, as one string of bytes: the pool's thread in the parent then moves
        # bytes while the parent prepares (100,000 small records would each need its
        # turn at the parent's interpreter), and the parent unpickles once it waits.
        finished = pickle.dumps(finish(texts) if finish is not None else None, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # every generator error is the caller's to report
        return None, b"", _portable(exc)
    return (list(texts.items()) if name in state["keep"] else None), finished, None


def _portable(exc: Exception) -> BaseException:
    try:
        return pickle.loads(pickle.dumps(exc))  # type: ignore[no-any-return]
    except Exception:  # any failure to travel means: send the message
        return RuntimeError(f"{type(exc).__name__}: {exc}")
