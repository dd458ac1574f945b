"""Resumable runs (``evalkit run --resume``): every district's reports are put in place as soon
as they are written and entered in the output folder's ``manifest.json``, so a run that is killed
(``kill -9``, a power cut) leaves the districts it finished, and the next run with ``--resume``
writes only the others.

What the manifest records for each district (``districts``): ``status`` (``"done"`` once its
files are in place), ``run_id`` (16 hex digits of the SHA-256 of every input file, the settings
and evalkit's version), ``inputs`` (the SHA-256 of each of its own input files), ``settings``
(the SHA-256 of the effective settings) and ``files`` (its reports, each with its SHA-256 under
``files``). While a resumable run writes, the manifest's ``status`` is ``"incomplete"``; the last
write, with comparison.xlsx and issues.xlsx, makes it ``"complete"``.

A district is skipped when all of these hold: its entry says ``done``; its run id is this run's
(so no input file of any district and no setting changed: the objective weights are computed
across all stations, and ranks, province means and the uncertainty analysis across all
districts, and every district's report shows them); its own inputs and settings hashes are this
run's; and each of its report files (the workbook, the PDF unless ``--no-pdf``) is in the folder
with the SHA-256 the manifest gives. Everything else is written again. Hence any change to any
input redoes every district, and an unchanged project whose run was killed redoes only the
districts not finished.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..outdir import (
    MANIFEST,
    ReportName,
    RunInputs,
    output_error,
    read_manifest,
    sha256_file,
    version,
    write_manifest,
)


def _intact(out_dir: Path, files: Mapping[str, Any], name: str, run_id: str) -> bool:
    """Whether the report *name* is in *out_dir*, written by the run *run_id*, with the SHA-256
    its manifest entry gives."""
    entry = files.get(name)
    if not isinstance(entry, dict) or entry.get("run_id") != run_id:
        return False
    try:
        return sha256_file(out_dir / name) == entry.get("sha256")
    except OSError:
        return False


@dataclass
class ResumePlan:
    """One resumable run's plan: which districts are done already (:meth:`todo`), and the
    journal that enters each newly written district in ``manifest.json`` (:meth:`commit`)."""

    out_dir: Path
    inputs: RunInputs
    names: Mapping[str, ReportName]
    lang: str
    pdf: bool
    data: dict[str, Any] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)  # districts skipped, in the run's order
    placed: list[Path] = field(default_factory=list)  # files put in place by this run

    @classmethod
    def make(
        cls,
        *,
        out_dir: Path,
        inputs: RunInputs,
        names: Mapping[str, ReportName],
        lang: str,
        pdf: bool,
    ) -> ResumePlan:
        """The plan of a run into *out_dir* (the factory :func:`evalkit.run.run_project` calls
        once the districts and their inputs are known)."""
        earlier = read_manifest(out_dir)
        return cls(out_dir, inputs, names, lang, pdf, dict(earlier))

    def expected(self, district: str) -> list[str]:
        stem = self.names[district].stem
        return [f"{stem}.xlsx", *([f"{stem}.pdf"] if self.pdf else [])]

    def finished(self, district: str) -> bool:
        """Whether an earlier run left *district*'s reports done, for these very inputs and
        settings, and intact (see the module's docstring)."""
        entry = (self.data.get("districts") or {}).get(district)
        run_id = self.inputs.run_id
        if not isinstance(entry, dict) or entry.get("status") != "done":
            return False
        if entry.get("run_id") != run_id or entry.get("settings") != self.inputs.settings_sha256:
            return False
        if entry.get("inputs") != self.inputs.districts.get(district, {}):
            return False
        files = self.data.get("files") or {}
        wanted = self.expected(district)
        if sorted(entry.get("files") or []) != sorted(wanted):
            return False
        return all(_intact(self.out_dir, files, n, run_id) for n in wanted)

    def todo(self, order: list[str]) -> list[str]:
        """The districts of *order* still to write; the others are kept as they are."""
        self.done = [d for d in order if self.finished(d)]
        kept = set(self.done)
        return [d for d in order if d not in kept]

    def skipped(self, progress: Callable[[str, int, int], None] | None) -> None:
        """Count the districts kept from an earlier run in the progress, first."""
        if progress is None:
            return
        for i, d in enumerate(self.done, start=1):
            progress(d, i, len(self.names))

    def commit(self, district: str, files: list[Path]) -> None:
        """Move *district*'s files (complete, in the staging folder) into the output folder, each
        by one atomic rename, then enter them in ``manifest.json`` (written atomically) with
        status ``done``. A run killed in between leaves a file that is whole but not entered as
        done: the next resumed run writes that district again."""
        entries = dict(self.data.get("files") or {})
        placed = []
        for f in files:
            target = self.out_dir / f.name
            try:
                digest = sha256_file(f)
                os.replace(f, target)
            except OSError as exc:
                raise output_error(exc, self.out_dir, f"writing the reports of {district}") from exc
            placed.append(target.name)
            self.placed.append(target)
            entries[target.name] = {
                "run_id": self.inputs.run_id,
                "evalkit_version": version(),
                "lang": self.lang,
                "sha256": digest,
                "district": district,
            }
        districts = dict(self.data.get("districts") or {})
        districts[district] = {
            "run_id": self.inputs.run_id,
            "status": "done",
            "file_stem": self.names[district].stem,
            "files": sorted(placed),
            "inputs": self.inputs.districts.get(district, {}),
            "settings": self.inputs.settings_sha256,
        }
        self.data.update(
            {
                "format": "evalkit-manifest",
                "version": 1,
                "status": "incomplete",
                "project": self.inputs.project,
                "lang": self.data.get("lang", self.lang),
                "files": dict(sorted(entries.items())),
                "districts": dict(sorted(districts.items())),
            }
        )
        self.data.setdefault("run_id", "")
        try:
            write_manifest(self.data, self.out_dir / MANIFEST)
        except OSError as exc:
            raise output_error(exc, self.out_dir, "writing manifest.json") from exc


__all__ = ["ResumePlan"]
