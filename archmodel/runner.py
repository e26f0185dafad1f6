"""The generator contract and the runner that orders generators and collects their files.

A generator is registered under the ``archmodel.generators`` entry point group as a
``Generator``: its name, the frozen dataclass of its options, the generators whose
output it needs, and ``generate(project, options) -> {PurePosixPath: bytes}``.

A generator never imports another one. When it needs another's files, its options type
has a field named after that generator (typed ``Files``); the runner runs the needed
generator first and fills that field in. The runner also refuses a run where two
generators would write the same path, naming both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from archmodel import collector
from archmodel.files import Files as Files  # generators import it from here
from archmodel.files import by_text
from archmodel.manifest import top_names
from archmodel.parallel import Finish, run_side_by_side, workers

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from archmodel.project import Project
    from archmodel.writer import Staged

GROUP = "archmodel.generators"

O = TypeVar("O")  # noqa: E741 - the options type of one generator


@dataclass(frozen=True)
class NoOptions:
    """Options of a generator that has none."""


@dataclass(frozen=True)
class Generator(Generic[O]):
    """What a generator registers: everything the runner needs to call it."""

    name: str
    options: type[O]
    generate: Callable[[Project, O], Files]
    needs: tuple[str, ...] = ()
    # Work this generator shares with others (an analysis memoised on the project, such
    # as the threat report): done once before generators run side by side.
    prepare: Callable[[Project], object] | None = None
    # The directories (or files) at OUT's top it writes below: the part of OUT a run of
    # it answers for (what ``--clean`` may remove, what ``check`` calls extra), also in a
    # run that writes nothing. Left empty, the top of each file it writes that run.
    roots: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        fields = {f.name for f in dataclasses.fields(self.options)}  # type: ignore[arg-type]
        missing = [need for need in self.needs if need not in fields]
        if missing:
            raise TypeError(f"generator '{self.name}' needs {missing} but its options have no such field")


class GeneratorUnavailable(RuntimeError):
    """A registered generator could not be imported, or is not a ``Generator``."""


class GeneratorFailed(RuntimeError):
    """A generator could not make its files here, for a reason the user can act on (a
    tool it runs is missing, or refused its input): the message says what to do, and
    the command reports it as it reports any refusal, never as a crash. Its one argument
    is the message, so it travels back from a worker process unchanged."""


class PathClash(ValueError):
    """Two generators would write the same file."""

    def __init__(self, path: PurePosixPath, first: str, second: str) -> None:
        super().__init__(f"generators '{first}' and '{second}' both write {path}")
        self.path, self.generators = path, (first, second)


class StrayPath(ValueError):
    """A generator wrote below a top-level directory it does not declare (``roots``)."""


class NeedCycle(ValueError):
    """Generators that need each other's output, directly or not."""


def available_generators() -> dict[str, EntryPoint]:
    """Registered generators, not yet imported: a kind that is not asked for costs
    nothing and cannot break a run."""
    from importlib.metadata import entry_points  # 40 ms: only for the commands that generate

    return {ep.name: ep for ep in entry_points(group=GROUP)}


def load_generator(ep: EntryPoint) -> Generator[Any]:
    try:
        loaded = ep.load()
    except (ImportError, AttributeError) as exc:
        raise GeneratorUnavailable(f"generator '{ep.name}' cannot be loaded: {exc}") from exc
    if not isinstance(loaded, Generator):
        raise GeneratorUnavailable(f"generator '{ep.name}' is not an archmodel Generator: {loaded!r}")
    return loaded


def load_all(entries: Mapping[str, EntryPoint], wanted: Iterable[str]) -> dict[str, Generator[Any]]:
    """The wanted generators and everything they need, loaded."""
    loaded: dict[str, Generator[Any]] = {}
    todo = list(wanted)
    while todo:
        name = todo.pop()
        if name in loaded:
            continue
        if name not in entries:
            raise GeneratorUnavailable(f"generator '{name}' is needed but not installed")
        loaded[name] = load_generator(entries[name])
        todo += loaded[name].needs
    return loaded


def order(generators: Mapping[str, Generator[Any]]) -> list[str]:
    """Names in an order where every generator comes after those it needs (by name otherwise)."""
    done: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise NeedCycle(f"generators need each other: {' -> '.join(sorted(visiting))} -> {name}")
        visiting.add(name)
        for need in sorted(generators[name].needs):
            visit(need)
        visiting.discard(name)
        done.append(name)

    for name in sorted(generators):
        visit(name)
    return done


def run(
    project: Project,
    generators: Mapping[str, Generator[Any]],
    selected: Iterable[str],
    options: Mapping[str, object] | None = None,
) -> dict[PurePosixPath, bytes]:
    """The files of the ``selected`` generators, each run once after what it needs.

    ``options`` gives a generator's options by name (its defaults otherwise); a needed
    generator that is not selected runs too, but its own files are not returned.
    """
    return {PurePosixPath(p): b for p, b in run_files(project, generators, selected, options).items()}


def run_files(
    project: Project,
    generators: Mapping[str, Generator[Any]],
    selected: Iterable[str],
    options: Mapping[str, object] | None = None,
) -> dict[str, bytes]:
    """``run`` by posix path text, as the writer takes them: a large output is a hundred
    thousand paths, not worth making objects of only to print them again."""
    wanted = set(selected)
    names, produced, _ = _produce(project, generators, options or {}, {})
    files: dict[str, bytes] = {}
    writer: dict[str, str] = {}
    for name in names:
        if name in wanted:
            _collect(name, generators[name], produced[name], files, writer)
    return dict(sorted(files.items(), key=lambda item: item[0].split("/")))  # as paths sort


def run_staged(
    project: Project,
    generators: Mapping[str, Generator[Any]],
    selected: Iterable[str],
    stage: Callable[[dict[str, bytes]], list[Staged]],
    options: Mapping[str, object] | None = None,
) -> list[Staged]:
    """``run`` for the writer: each selected generator's files are surveyed and staged
    by ``stage`` (``Opened.stage``) in the process that made them, so they need not
    travel back, and the files it writes are hashed and created on every core."""
    wanted = sorted(set(selected))
    names, _, finished = _produce(project, generators, options or {}, {name: stage for name in wanted})
    entries: list[Staged] = []
    writer: dict[str, str] = {}
    for name in names:
        if name in finished:
            staged: list[Staged] = finished[name]  # type: ignore[assignment]
            _claim(name, generators[name].roots, (entry[0] for entry in staged), writer)
            entries += staged
    return entries


def _produce(
    project: Project, generators: Mapping[str, Generator[Any]], given: Mapping[str, object], finish: Finish
) -> tuple[list[str], dict[str, dict[str, bytes]], dict[str, object]]:
    """Every generator in need order, side by side on a large model: their names in
    that order, their files (those ``finish`` does not take), and what ``finish`` made
    of the files of the generators it names."""
    # Generators allocate millions of short-lived, acyclic objects next to a large loaded
    # model; the cyclic collector would rescan the model again and again (it took 80% of
    # the diagrams' time at 10k components). Reference counting frees the garbage.
    with collector.paused():
        names = order(generators)
        jobs = workers(project, len(names))
        if jobs > 1:
            files, finished = run_side_by_side(project, generators, names, given, jobs, run_one, finish)
        else:
            files, finished = _in_turn(project, generators, names, given, finish)
    return names, files, finished


def _in_turn(
    project: Project,
    generators: Mapping[str, Generator[Any]],
    names: list[str],
    given: Mapping[str, object],
    finish: Finish,
) -> tuple[dict[str, dict[str, bytes]], dict[str, object]]:
    """Each generator in need order, in this process."""
    results: dict[str, Files] = {}
    finished: dict[str, object] = {}
    for name in names:
        results[name] = run_one(project, generators[name], given.get(name), results)
        if name in finish:
            finished[name] = finish[name](by_text(results[name]))
    kept = {name: files for name, files in results.items() if name not in finish}
    return {name: by_text(files) for name, files in kept.items()}, finished


def run_one(project: Project, gen: Generator[Any], options: object, results: Mapping[str, Files]) -> Files:
    """Run one generator with its options and the files of the generators it needs."""
    chosen = options or gen.options()
    received = {need: results[need] for need in gen.needs}
    return gen.generate(project, dataclasses.replace(chosen, **received))  # type: ignore[type-var]


def _collect(
    name: str,
    gen: Generator[Any],
    produced: Mapping[str, bytes],
    files: dict[str, bytes],
    writer: dict[str, str],
) -> None:
    _claim(name, gen.roots, produced, writer)
    files.update(produced)


def _claim(name: str, roots: tuple[str, ...], paths: Iterable[str], writer: dict[str, str]) -> None:
    """Record ``name`` as the writer of each path; ``PathClash`` if another already is,
    ``StrayPath`` if the path is not below the directories it declares (``roots``)."""
    for path in paths:
        if path in writer:
            raise PathClash(PurePosixPath(path), writer[path], name)
        if roots and path.partition("/")[0] not in roots:
            raise StrayPath(f"generator '{name}' writes {path}, outside {', '.join(roots)}")
        writer[path] = name


def scope_of(
    generators: Mapping[str, Generator[Any]], kinds: Iterable[str], paths: Iterable[str]
) -> frozenset[str]:
    """The part of OUT a run of ``kinds`` answers for: the directories their generators
    declare (``roots``) and, for one that declares none, the top of each file written
    (``paths``, the run's files)."""
    declared = [generators[kind].roots for kind in kinds]
    found = frozenset(root for roots in declared for root in roots)
    return found | top_names(paths) if not all(declared) else found


def options_key(options: Mapping[str, object]) -> str:
    """A stable text of the options a run uses, for the inputs fingerprint."""
    return "|".join(f"{name}={options[name]!r}" for name in sorted(options))


def run_kinds(
    project: Project, kinds: Iterable[str], options: Mapping[str, object] | None = None
) -> dict[PurePosixPath, bytes]:
    """``run`` over installed generators: the files of ``kinds`` (and nothing else)."""
    wanted = list(kinds)
    return run(project, load_all(available_generators(), wanted), wanted, options)
