"""Districts' reports rendered on Dask distributed (``evalkit run --executor dask``).

The province-level work (reading, weights, scores, ranks, the uncertainty analysis, each
district's report model) is done once, in the process that runs the command. What every
district's report shares, the tables of the weights, experts, tree and levels and the fonts, is
scattered to every worker once (``Client.scatter(..., broadcast=True)``); each district's task
then carries only its own tables. A worker renders into a temporary folder of its own and sends
the files' bytes back, so the workers need no folder shared with the run (a cluster on other
machines works as one on this one); the run writes them into its staging folder, as the local
process pool's reports, and moves them into place together. The same models and fonts go to the
same renderer: the reports are those of the local pool.

A cluster: ``--scheduler tcp://HOST:PORT`` for one already running (its workers need evalkit and
its dependencies installed, the same version); without it a ``distributed.LocalCluster`` of
``--jobs`` worker processes (one per core by default) is started for the run and closed after.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import EvalkitError
from .report.fonts import FontChain
from .report.model import DistrictReport

#: Fields of a district's report model that are the same for every district (province-level):
#: sent to each worker once, not with every district.
SHARED_FIELDS = ("weights", "experts", "group", "levels", "tree", "method")

_FONT_DIR = Path(__file__).resolve().parent / "data" / "fonts"


@dataclasses.dataclass(frozen=True)
class _Shared:
    """What a worker puts back into a model sent without its shared fields."""

    fields: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Fonts:
    """A font chain as a worker can use it: evalkit's bundled fonts by their name in the
    package (found in the worker's own installation), any other font as its bytes."""

    bundled: tuple[str | None, ...]  # name in data/fonts, or None: an outside font
    outside: tuple[bytes | None, ...]

    @classmethod
    def of(cls, chain: FontChain) -> Fonts:
        names: list[str | None] = []
        data: list[bytes | None] = []
        for f in chain.fonts:  # a few fonts at most
            inside = Path(f).resolve().parent == _FONT_DIR
            names.append(Path(f).name if inside else None)
            data.append(None if inside else Path(f).read_bytes())
        return cls(tuple(names), tuple(data))

    def chain(self) -> FontChain:
        """The chain on this worker: outside fonts written once to its temporary folder."""
        paths: list[Path] = []
        for name, data in zip(self.bundled, self.outside, strict=True):
            if name is not None:
                paths.append(_FONT_DIR / name)
                continue
            assert data is not None
            path = Path(tempfile.gettempdir()) / "evalkit-fonts" / hashlib.sha256(data).hexdigest()
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".part")
                tmp.write_bytes(data)
                tmp.replace(path)
            paths.append(path)
        return FontChain(tuple(paths))


def split_shared(
    models: list[DistrictReport],
) -> tuple[dict[str, Any], list[DistrictReport]]:
    """The province-level fields every model holds alike, and the models without them."""
    if not models:
        return {}, []
    first = models[0]
    shared = {}
    for name in SHARED_FIELDS:
        value = getattr(first, name)
        same = [_equal(getattr(m, name), value) for m in models]
        if all(same):
            shared[name] = value
    marker = _Shared(tuple(shared))
    slim = [dataclasses.replace(m, **dict.fromkeys(shared, marker)) for m in models]
    return shared, slim


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
        return a.equals(b) and list(a.columns) == list(b.columns)
    return type(a) is type(b) and a == b


def restore(model: DistrictReport, shared: dict[str, Any]) -> DistrictReport:
    """The model with the shared fields put back."""
    back = {k: v for k, v in shared.items() if isinstance(getattr(model, k), _Shared)}
    return dataclasses.replace(model, **back) if back else model


Render = Callable[[DistrictReport, str, Path, FontChain | None, bool], tuple[list[Path], float]]


def render_remote(
    render: Render,
    model: DistrictReport,
    shared: dict[str, Any],
    fonts: Fonts | None,
    stem: str,
    pdf: bool,
) -> tuple[list[tuple[str, bytes]], float]:
    """On a worker: one district's workbook (and PDF) by *render* (the local pool's renderer),
    as (file name, bytes), and the seconds."""
    with tempfile.TemporaryDirectory(prefix="evalkit-dask-") as tmp:
        chain = fonts.chain() if fonts is not None else None
        paths, seconds = render(restore(model, shared), stem, Path(tmp), chain, pdf)
        return [(p.name, p.read_bytes()) for p in paths], seconds


def client_for(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    """A Client of the cluster at *scheduler*, or of a new LocalCluster of *workers* processes
    (returned too, to be closed after the run)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise EvalkitError(
            "--executor dask needs Dask distributed: pip install 'evalkit[dask]'",
            zh="--executor dask 需要 Dask distributed：pip install 'evalkit[dask]'",
        ) from exc
    if scheduler:
        try:
            return Client(scheduler, timeout="20s"), None
        except OSError as exc:
            raise EvalkitError(
                f"no Dask scheduler answers at {scheduler} ({exc}); start one (dask scheduler) "
                "with workers (dask worker ADDRESS), or leave out --scheduler for a local one",
                zh=f"{scheduler} 处没有应答的 Dask 调度器（{exc}）；请先启动调度器（dask scheduler）"
                "和工作进程（dask worker 地址），或去掉 --scheduler 以使用本机集群",
            ) from exc
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster


def render_on_dask(
    render: Render,
    models: list[DistrictReport],
    stems: dict[str, str],
    folder: Path,
    fonts: FontChain | None,
    pdf: bool,
    *,
    scheduler: str | None,
    workers: int,
    done: Callable[[DistrictReport, int, int, tuple[list[Path], float]], None],
    failed: Callable[[str], None],
) -> None:
    """Render every model on the cluster by *render*; the files land in *folder*; *done* is called per
    district in the order given (as the local pool does), *failed* names the one waited for."""
    client, cluster = client_for(scheduler, workers)
    try:
        shared, slim = split_shared(models)
        shared_f = client.scatter(shared, broadcast=True)
        fonts_f = client.scatter(Fonts.of(fonts) if fonts else None, broadcast=True)
        futures = [
            client.submit(
                render_remote, render, m, shared_f, fonts_f, stems[m.district_id], pdf, pure=False
            )
            for m in slim
        ]
        try:
            for i, (m, fut) in enumerate(zip(models, futures, strict=True), start=1):
                failed(m.district_id)
                files, seconds = fut.result()
                paths = []
                for name, data in files:
                    (folder / name).write_bytes(data)
                    paths.append(folder / name)
                done(m, i, len(models), (paths, seconds))
        finally:
            client.cancel(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
