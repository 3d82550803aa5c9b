"""Run the summarize pipeline on Ray: many processes, one machine or many.

:func:`run_with_ray` reads the inputs with Ray Data, sends them through a pool of Ray actors that each
hold one :class:`~summarize.generate.Summarizer` (the model loads once per actor, in its constructor)
and writes the results in input order, in the same output contract as ``summarize run``.

Pointing it at a cluster
------------------------
Every machine needs the same Python environment with ``summarize`` installed (``pip install
'summarize[ray]'``, or the editable checkout at the same path) and the model: a hub id that each node
can load (cached, or with network), or a local folder at the same path on every node. Then::

    ray start --head --port=6379              # on one machine, the head
    ray start --address=HEAD:6379             # on each other machine (HEAD: the head's host or IP)
    summarize run INPUT... --executor ray --ray-address auto -o out.jsonl     # on the head

If the head runs with token authentication (``RAY_AUTH_MODE=token``, Ray's default where a token
exists in ``~/.ray/auth_token``), put the same token on every machine, including the one that runs
``summarize`` (``ray get-auth-token`` prints it; ``RAY_AUTH_TOKEN`` also carries it).

In Python: ``run_with_ray(["batch.jsonl"], Path("out.jsonl"), summarizer_options={"model": ...},
questions=None, address="auto", num_actors=8)``. ``address="auto"`` joins the cluster this machine
belongs to; ``ray://HEAD:10001`` (Ray Client; the head started with ``--ray-client-server-port=10001``)
drives the cluster from a machine outside it. Give ``num_cpus_per_actor`` (and ``num_gpus_per_actor``,
with ``device: "cuda"`` in the options, on GPU nodes) so that Ray places as many actors per node as the
node can hold. Without ``address`` a private local Ray is started for the call and stopped after it;
when this process is already connected to a Ray (``ray.init`` called before), that one is used and
left running, and ``address`` is ignored.

Inputs
------
Everything ``summarize run`` accepts. JSONL (``.jsonl``/``.ndjson``) and Parquet files are read by Ray
read tasks (Ray Data file datasources, one per file: JSONL line by line, Parquet record batch by record
batch, each record numbered as it is read, so that every article keeps its ``path:N`` source and a bad
record fails alone, exactly as in the default executor; ``ray.data.read_json`` would drop the line
numbers and guess column types, ``read_parquet`` cannot number rows). A plain local path is read on
the driver's node (the workers need not see the file); a URI (``s3://``, ``gs://``, ``hdfs://``, ...)
wherever Ray likes, so large batches in object storage are read in parallel. Agency text, feeds, JSON
arrays, CSV and stdin are loaded on the driver with :func:`summarize.ingest.load_articles` and handed
to Ray with ``ray.data.from_arrow``. Under Ray Client local JSONL/Parquet files are loaded on the
driver too (the cluster cannot see them).

Results are identical to the default executor's: the same articles (ids, sources, boilerplate
removed, content-hash ids where none is given), the same Summarizer, written in input order. An
article whose result failed, a bad record and an unreadable input file are not written; each is
returned in :attr:`RayRunStats.failed` as ``(id or source, error)``. A missing input or unsupported
file type stops the call before Ray starts (:class:`~summarize.errors.InputError`). The output is
written to a temporary file beside ``output`` and renamed at the end, so a crash never leaves half a
file.
"""

from __future__ import annotations

import inspect
import io
import json
import logging
import math
import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from summarize.errors import ConfigError, InputError, SummarizeError
from summarize.ingest import JSONL, PARQUET, RecordError, _decode, _from_record, load_articles, resolve_inputs
from summarize.output import FORMATS as TEXT_FORMATS, ResultWriter
from summarize.records import Article

try:
    import ray
    import ray.data
    from ray.data.datasource import FileBasedDatasource
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ConfigError("the ray executor needs Ray: pip install 'summarize[ray]'") from exc

FORMATS = (*TEXT_FORMATS, "parquet")

#: Every input row, whatever it came from: its place in the input (for ordering), where it came from,
#: the cleaned :class:`Article` as JSON, or why the record is unusable.
INPUT_SCHEMA = pa.schema([
    ("input_index", pa.int64()), ("row_index", pa.int64()), ("where", pa.string()),
    ("article", pa.string()), ("error", pa.string()),
])
#: Every output row: its place, the article id, the Result's ``to_dict()`` as JSON, or the error.
OUTPUT_SCHEMA = pa.schema([
    ("input_index", pa.int64()), ("row_index", pa.int64()), ("id", pa.string()),
    ("json", pa.string()), ("error", pa.string()), ("fatal", pa.string()),
])
#: The Parquet output: the fields people filter on, plus the whole contract as JSON.
PARQUET_SCHEMA = pa.schema([
    ("id", pa.string()), ("source", pa.string()), ("title", pa.string()), ("date", pa.string()),
    ("summary", pa.string()), ("engine", pa.string()), ("chunked", pa.bool_()), ("result_json", pa.string()),
])
_REMOTE_KINDS = {".jsonl": JSONL, ".ndjson": JSONL, ".parquet": PARQUET}


@dataclass
class RayRunStats:
    """What a Ray run did: results written, and ``(id or source, error)`` for everything not written."""

    written: int
    failed: list[tuple[str, str]] = field(default_factory=list)


def run_with_ray(
    inputs: list[str],
    output: Path,
    *,
    summarizer_options: dict,
    questions: list[str] | None,
    fmt: str = "jsonl",
    address: str | None = None,
    num_actors: int = 2,
    batch_size: int = 16,
    num_cpus_per_actor: float = 1,
    num_gpus_per_actor: float = 0,
) -> RayRunStats:
    """Summarize ``inputs`` on Ray with ``num_actors`` Summarizers and write ``output`` in input order.

    ``summarizer_options`` are :class:`~summarize.generate.Summarizer` keyword arguments (each actor
    builds its own); ``questions`` replaces the default question set as in ``Summarizer.run``;
    ``fmt`` is ``jsonl`` (the contract, as ``summarize run`` writes it), ``json``, ``markdown`` or
    ``parquet`` (columns id, source, title, date, summary, engine, chunked and ``result_json``, the
    whole contract as JSON). ``address`` joins a running cluster (``auto``, ``ray://HEAD:10001``);
    without it a local Ray with ``max(2, num_actors)`` CPUs (more if ``num_cpus_per_actor`` > 1) runs
    for the call. ``batch_size`` rows go to an actor at a time; ``num_gpus_per_actor`` reserves GPUs
    for each actor (set ``device`` in the options to match).
    """
    from summarize.generate import check_question

    if fmt not in FORMATS:
        raise ConfigError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if num_actors < 1 or batch_size < 1:
        raise ConfigError("num_actors and batch_size must be at least 1")
    asked = [check_question(q) for q in questions] if questions is not None else None
    sources = _resolve(inputs)  # a missing or unsupported input stops here, before Ray starts
    output = Path(output)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        tmp.open("w").close()  # can we write there at all? Find out before any model loads.
    except OSError as exc:
        raise ConfigError(f"{output}: cannot write output: {exc.strerror or exc}") from None

    # A private local Ray gets a CPU per actor (at least two), more when actors ask for more.
    started = _start_ray(address, max(2, num_actors, math.ceil(num_actors * num_cpus_per_actor)))
    restore = _quiet_ray_data()
    try:
        rows = _execute(sources, dict(summarizer_options), asked, num_actors, batch_size,
                        num_cpus_per_actor, num_gpus_per_actor, private=started and address is None)
        for row in rows:
            if row["fatal"] is not None:
                raise _fatal_error(row["fatal"])
        rows.sort(key=lambda r: (r["input_index"], r["row_index"]))
        done = [json.loads(r["json"]) for r in rows if r["error"] is None]
        failed = [(r["id"], r["error"]) for r in rows if r["error"] is not None]
        _write(done, tmp, fmt)
        os.replace(tmp, output)
        return RayRunStats(written=len(done), failed=failed)
    except Exception as exc:
        cause = _summarize_error(exc)
        if cause is not None and cause is not exc:
            raise cause from None
        raise
    finally:
        tmp.unlink(missing_ok=True)
        restore()
        if started:
            ray.shutdown()


# --- inputs ------------------------------------------------------------------------------------------


def _resolve(inputs: Sequence[str]) -> list[tuple[str, str, str]]:
    """``(display name, location to read, kind)`` per input file, folders expanded, in order."""
    resolved: list[tuple[str, str, str]] = []
    for source in inputs:
        source = str(source)
        if _is_uri(source):
            kind = _REMOTE_KINDS.get(Path(source.split("?", 1)[0]).suffix.lower())
            if kind is None:
                raise InputError(source, "only .jsonl, .ndjson and .parquet inputs can be read from a URI")
            resolved.append((source, source, kind))
            continue
        for path, kind in resolve_inputs([source]):
            resolved.append((str(path), str(path), kind))
    if not resolved:
        raise InputError("<inputs>", "no inputs given")
    return resolved


def _is_uri(source: str) -> bool:
    return "://" in source


def _article_row(input_index: int, row_index: int, article: Article) -> dict[str, Any]:
    return {"input_index": input_index, "row_index": row_index, "where": article.source,
            "article": json.dumps(asdict(article), ensure_ascii=False), "error": None}


def _error_row(input_index: int, row_index: int, error: InputError) -> dict[str, Any]:
    return {"input_index": input_index, "row_index": row_index, "where": error.source, "article": None,
            "error": error.problem}


def _table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


class _Records(FileBasedDatasource):
    """One batch file read by a Ray read task into input rows, numbered as :mod:`summarize.ingest`
    numbers them (``path:N``), each record checked alone: a bad one fails alone."""

    def __init__(self, location: str, *, display: str, input_index: int, rows_per_block: int = 1024) -> None:
        super().__init__(location)
        self._display = display
        self._input_index = input_index
        self._rows_per_block = rows_per_block

    def _read_stream(self, f: pa.NativeFile, path: str) -> Iterator[pa.Table]:
        rows: list[dict[str, Any]] = []
        try:
            for number, record in self._records(f):
                where = f"{self._display}:{number}"
                try:
                    if isinstance(record, RecordError):
                        raise RecordError(where, record.problem)
                    rows.append(_article_row(self._input_index, number, _from_record(record, where)))
                except RecordError as exc:
                    rows.append(_error_row(self._input_index, number, exc))
                if len(rows) >= self._rows_per_block:
                    yield _table(rows, INPUT_SCHEMA)
                    rows = []
        except InputError as exc:  # the whole file: reported once, under the file's name
            rows.append(_error_row(self._input_index, 0, exc))
        if rows:
            yield _table(rows, INPUT_SCHEMA)

    def _records(self, f: pa.NativeFile) -> Iterator[tuple[int, Any]]:
        """``(number, record or RecordError)``; raises InputError for an unusable file."""
        raise NotImplementedError


class JsonlRecords(_Records):
    """A JSONL file: line numbers kept (blank lines skipped, not renumbered), as ingest reads it."""

    def _records(self, f: pa.NativeFile) -> Iterator[tuple[int, Any]]:
        data = f.readall()
        if not data.strip():
            raise InputError(self._display, "empty file")
        text = _decode(data, self._display)
        for number, line in enumerate(io.StringIO(text), start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, RecordError("", f"not valid JSON ({exc.msg} at column {exc.colno})")


class ParquetRecords(_Records):
    """A Parquet file, streamed by record batch; row N (from 1) is ``path:N``, as ingest numbers it.

    (``ray.data.read_parquet`` cannot say which row of its file a row was, and zipping row numbers on
    is deprecated in Ray and order-dependent; this reader counts as it reads.)"""

    def _open_input_source(self, filesystem: Any, path: str, **open_args: Any) -> pa.NativeFile:
        return filesystem.open_input_file(path)  # Parquet keeps its footer at the end: random access

    def _records(self, f: pa.NativeFile) -> Iterator[tuple[int, Any]]:
        import pyarrow.parquet as pq

        if f.size() == 0:
            raise InputError(self._display, "empty file")
        try:
            table = pq.ParquetFile(f)
            names = table.schema_arrow.names
        except Exception as exc:  # pyarrow raises many types for a malformed file
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(self._display, f"not a readable PARQUET file: {reason}") from None
        if table.metadata.num_rows == 0:
            raise InputError(self._display, "no rows")
        if "text" not in names:
            raise InputError(self._display, f"no 'text' column (columns: {', '.join(names) or 'none'})")
        number = 0
        for batch in table.iter_batches(batch_size=self._rows_per_block):
            for record in batch.to_pylist():
                number += 1
                yield number, record


def _read_records(reader: type[_Records], display: str, location: str, index: int,
                  batch_size: int) -> ray.data.Dataset:
    """Ray reads a URI wherever it likes; a plain path on this node, the only one sure to have it."""
    options: dict[str, Any] = {}
    if not _is_uri(location):
        location = str(Path(location).resolve())
        if "label_selector" in inspect.signature(ray.data.read_datasource).parameters:
            options["label_selector"] = {"ray.io/node-id": ray.get_runtime_context().get_node_id()}
        else:  # older Ray: the local:// scheme does the same
            location = "local://" + location
    datasource = reader(location, display=display, input_index=index, rows_per_block=max(batch_size, 256))
    return ray.data.read_datasource(datasource, **options)


def _driver_rows(display: str, location: str, index: int) -> list[dict[str, Any]]:
    """Load one input on the driver with the default executor's reader (text, feeds, JSON, CSV, stdin)."""
    rows: list[dict[str, Any]] = []

    def problem(error: InputError) -> None:
        rows.append(_error_row(index, len(rows), error))

    for article in load_articles([location], on_error=problem):
        rows.append(_article_row(index, len(rows), article))
    return rows


def _input_dataset(sources: list[tuple[str, str, str]], batch_size: int) -> ray.data.Dataset | None:
    from ray.util.client import ray as client

    on_client = client.is_connected()  # Ray Client: this machine is no node, its files stay here
    datasets: list[ray.data.Dataset] = []
    driver: list[dict[str, Any]] = []
    for index, (display, location, kind) in enumerate(sources):
        if kind in _READERS and (_is_uri(location) or not on_client):
            datasets.append(_read_records(_READERS[kind], display, location, index, batch_size))
        else:
            driver.extend(_driver_rows(display, location, index))
    if driver:
        chunks = [driver[i:i + batch_size] for i in range(0, len(driver), batch_size)]
        datasets.insert(0, ray.data.from_arrow([_table(chunk, INPUT_SCHEMA) for chunk in chunks]))
    if not datasets:
        return None
    return datasets[0].union(*datasets[1:]) if len(datasets) > 1 else datasets[0]


_READERS: dict[str, type[_Records]] = {JSONL: JsonlRecords, PARQUET: ParquetRecords}


# --- the actors --------------------------------------------------------------------------------------


class SummarizeActor:
    """One Summarizer per actor, built once; each call turns a batch of input rows into output rows."""

    def __init__(self, options: dict[str, Any], questions: list[str] | None) -> None:
        from summarize.generate import Summarizer

        self.questions = questions
        self.error: SummarizeError | None = None
        try:
            self.summarizer = Summarizer(**options)
        except SummarizeError as exc:  # a bad option or model: reported by the first batch
            self.error = exc

    def __call__(self, batch: pa.Table) -> pa.Table:
        # A SummarizeError (bad option, unknown model) is the user's one-line error, not a crash. A Ray
        # task error would lose it (and log a traceback): it travels back as data and the driver
        # raises it.
        try:
            if self.error is not None:
                raise self.error
            return self._call(batch)
        except SummarizeError as exc:
            fatal = json.dumps({"type": type(exc).__name__, "message": str(exc)})
            return _table([{"input_index": -1, "row_index": -1, "id": "", "json": None, "error": str(exc),
                            "fatal": fatal}], OUTPUT_SCHEMA)

    def _call(self, batch: pa.Table) -> pa.Table:
        rows = batch.to_pylist()
        articles = [Article(**json.loads(row["article"])) for row in rows if row["article"] is not None]
        results = iter(self._run(articles))
        out = []
        for row in rows:
            place = {"input_index": row["input_index"], "row_index": row["row_index"]}
            if row["article"] is None:
                out.append({**place, "id": row["where"], "json": None, "error": row["error"], "fatal": None})
            else:
                out.append({**place, **next(results), "fatal": None})
        return _table(out, OUTPUT_SCHEMA)

    def _run(self, articles: list[Article]) -> list[dict[str, Any]]:
        if not articles:
            return []
        try:
            results = list(self.summarizer.run(articles, self.questions))
        except SummarizeError:
            raise
        except Exception as exc:
            if len(articles) > 1:  # keep the failure with the article that caused it
                return [row for article in articles for row in self._run([article])]
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return [{"id": articles[0].id, "json": None, "error": f"{type(exc).__name__}: {reason}"}]
        return [{"id": r.id, "json": json.dumps(r.to_dict(), ensure_ascii=False), "error": r.error}
                for r in results]


def _execute(sources: list[tuple[str, str, str]], options: dict[str, Any], questions: list[str] | None,
             num_actors: int, batch_size: int, num_cpus: float, num_gpus: float,
             private: bool) -> list[dict[str, Any]]:
    dataset = _input_dataset(sources, batch_size)
    if dataset is None:
        return []
    # Read everything and cut it into blocks of one batch first (text is small), so that the actor
    # stage runs alone: the actors may hold every CPU, and a read or repartition task waiting for one
    # behind them would wait forever.
    dataset = dataset.materialize()
    count = dataset.count()
    if count == 0:
        return []
    blocks = max(1, math.ceil(count / batch_size))
    dataset = dataset.repartition(blocks).materialize()
    remote: dict[str, Any] = {"num_cpus": num_cpus}
    if private and _takes_remote_args():
        # Our own one-machine Ray: an actor that died (out of memory, say) would die again; fail
        # instead of restarting it forever (and spare stderr Ray's notice about restartable actors).
        # Elsewhere Ray's default, restart and retry, rides out a lost node.
        remote["max_restarts"] = 0
    if num_gpus:
        remote["num_gpus"] = num_gpus
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*deprecated")
        results = dataset.map_batches(
            SummarizeActor,
            fn_constructor_kwargs={"options": options, "questions": questions},
            compute=ray.data.ActorPoolStrategy(size=min(num_actors, blocks)),
            batch_size=batch_size,
            batch_format="pyarrow",
            **remote,
        )
    rows: list[dict[str, Any]] = []
    for batch in results.iter_batches(batch_format="pyarrow", batch_size=None):
        rows.extend(batch.to_pylist())
    return rows


def _takes_remote_args() -> bool:
    """Whether map_batches still passes extra Ray remote args (deprecated, gone in Ray 2.64)."""
    parameters = inspect.signature(ray.data.Dataset.map_batches).parameters.values()
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


# --- output ------------------------------------------------------------------------------------------


class _Contract:
    """What ResultWriter needs of a Result: its contract dict."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return self.data


def _write(done: list[dict[str, Any]], path: Path, fmt: str) -> None:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        columns = {name: [d.get(name) for d in done] for name in PARQUET_SCHEMA.names if name != "result_json"}
        columns["chunked"] = [bool(d.get("chunked")) for d in done]
        columns["result_json"] = [json.dumps(d, ensure_ascii=False) for d in done]
        pq.write_table(pa.table(columns, schema=PARQUET_SCHEMA), path)
        return
    with ResultWriter(fmt, path) as writer:  # byte for byte what `summarize run` writes
        for data in done:
            writer.write(_Contract(data))  # type: ignore[arg-type]


# --- Ray session -------------------------------------------------------------------------------------


def _start_ray(address: str | None, num_cpus: int) -> bool:
    """Connect to ``address`` or start a quiet local Ray; True when this call did (and must stop it)."""
    if ray.is_initialized():
        return False
    if address and address.startswith("ray://"):
        ray.init(address=address)
    elif address:
        ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
    else:
        # A private Ray for this call: its token-authentication notice is not news to anyone.
        notice = logging.getLogger("ray._private.authentication.authentication_token_setup")
        level = notice.level
        notice.setLevel(logging.ERROR)
        try:
            ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False,
                     logging_level=logging.WARNING)
        finally:
            notice.setLevel(level)
    return True


def _quiet_ray_data() -> Any:
    """No progress bars or execution banners, rows kept in order; returns a function that undoes it."""
    with warnings.catch_warnings():  # Ray's own DataContext warns about its deprecated fields
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ray.data.DataContext.get_current()
    settings = {"enable_progress_bars": False, "enable_operator_progress_bars": False,
                "print_on_execution_start": False, "enable_auto_log_stats": False}
    saved = {name: getattr(context, name) for name in settings if hasattr(context, name)}
    for name in saved:
        setattr(context, name, settings[name])
    saved_order = context.execution_options.preserve_order
    context.execution_options.preserve_order = True
    # Ray Data's info banners, and its warning that the progress bars are off (we turned them off).
    levels = {"ray.data": logging.WARNING, "ray.data._internal.progress": logging.ERROR}
    saved_levels = {name: logging.getLogger(name).level for name in levels}
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)

    def restore() -> None:
        for name, value in saved.items():
            setattr(context, name, value)
        context.execution_options.preserve_order = saved_order
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)

    return restore


def _fatal_error(fatal: str) -> SummarizeError:
    """The SummarizeError an actor reported, rebuilt (its class when that takes just a message)."""
    from summarize import errors

    data = json.loads(fatal)
    kind = getattr(errors, data["type"], None)
    if isinstance(kind, type) and issubclass(kind, SummarizeError) and not issubclass(kind, InputError):
        return kind(data["message"])
    return SummarizeError(data["message"])


def _summarize_error(exc: BaseException) -> SummarizeError | None:
    """The SummarizeError (one line for the user) that a Ray error wraps, if any."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        error = stack.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, SummarizeError) and not isinstance(error, ray.exceptions.RayError):
            return error
        stack.extend([getattr(error, "cause", None), error.__cause__, error.__context__])
    return None
