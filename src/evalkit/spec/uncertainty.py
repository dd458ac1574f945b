"""The project file's ``uncertainty:`` section: draws, seed, replicates and the factors varied."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..yamlio import YamlProblems, unknown_keys
from .model import UNCERTAINTY_CHOICES, UNCERTAINTY_FACTORS, UNCERTAINTY_KEYS, UncertaintySpec
from .values import _mapping


def _uncertainty(raw: dict, err: YamlProblems) -> UncertaintySpec:
    """``uncertainty``: absent (the defaults), false (off) or a mapping (its keys and factors'
    keys checked after its values)."""
    u_raw = raw.get("uncertainty")
    if u_raw not in (None, False) and not isinstance(u_raw, dict):
        _mapping(raw, "uncertainty", "{draws: 1000, factors: {...}}", err)  # a problem at its line
        return UncertaintySpec()
    us = _uncertainty_spec(u_raw, err)
    if isinstance(u_raw, dict):
        err.issues.extend(unknown_keys(u_raw, UNCERTAINTY_KEYS, file=err.file, where="uncertainty"))
        err.issues.extend(
            unknown_keys(
                u_raw.get("factors"),
                UNCERTAINTY_FACTORS,
                file=err.file,
                where="uncertainty.factors",
            )
        )
    return us


def _uncertainty_spec(u: Any, err: YamlProblems) -> UncertaintySpec:
    """The ``uncertainty:`` section; every problem through *err* with its line."""
    base = UncertaintySpec()
    if u is None:
        return base
    if u is False:
        return dataclasses.replace(base, draws=0)
    if not isinstance(u, dict):
        err(
            u,
            None,
            "uncertainty must be a mapping",
            "draws: 1000, factors: ...",
            u,
            zh="`uncertainty` 须为映射",
        )
        return base
    values: dict[str, Any] = {}
    for key in ("draws", "seed", "replicates"):
        v = u.get(key, getattr(base, key))
        if isinstance(v, bool) or not isinstance(v, int) or v < (0 if key != "replicates" else 1):
            err(
                u,
                key,
                f"uncertainty.{key} must be a whole number"
                + (" of at least 1" if key == "replicates" else " of at least 0"),
                found=v,
                zh=f"`uncertainty.{key}` 须为非负整数",
            )
            v = getattr(base, key)
        values[key] = v
    f = u.get("factors") or {}
    if not isinstance(f, dict):
        err(
            u,
            "factors",
            "uncertainty.factors must be a mapping",
            found=f,
            zh="`uncertainty.factors` 须为映射",
        )
        f = {}
    for name, choices in UNCERTAINTY_CHOICES.items():
        if name not in f:
            continue
        v = f[name]
        if v in (None, False):
            values[name] = ()
            continue
        v = [v] if isinstance(v, str) else v
        bad = [x for x in v if x not in choices] if isinstance(v, list) else [v]
        if bad:
            err(
                f,
                name,
                f"unknown uncertainty.factors.{name}",
                " | ".join(choices),
                bad,
                zh=f"未知的 `uncertainty.factors.{name}`",
            )
            continue
        values[name] = tuple(v)
    values.update(_uncertainty_ranges(f, err))
    return dataclasses.replace(base, **values)


def _uncertainty_ranges(f: dict, err: YamlProblems) -> dict[str, Any]:
    """The factors of ``uncertainty.factors`` that are a range, a switch or a band: alpha,
    experts, respondents, leave_one_out, goalposts."""
    values: dict[str, Any] = {}
    if "alpha" in f:
        a = f["alpha"]
        if a in (None, False):
            values["alpha"] = None
        elif (
            isinstance(a, list)
            and len(a) == 2
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in a)
            and 0 <= a[0] <= a[1] <= 1
        ):
            values["alpha"] = (float(a[0]), float(a[1]))
        else:
            err(
                f,
                "alpha",
                "uncertainty.factors.alpha must be a range [low, high] in [0, 1]",
                "[0, 1]",
                a,
                zh="`uncertainty.factors.alpha` 须为 [0, 1] 内的区间 [下限, 上限]",
            )
    for name in ("experts", "respondents", "leave_one_out"):
        if name in f:
            if not isinstance(f[name], bool):
                err(
                    f,
                    name,
                    f"uncertainty.factors.{name} must be true or false",
                    "true | false",
                    f[name],
                    zh=f"`uncertainty.factors.{name}` 须为 true 或 false",
                )
            else:
                values[name] = f[name]
    if "goalposts" in f:
        g = f["goalposts"]
        if g in (None, False):
            values["goalposts"] = 0.0
        elif isinstance(g, bool) or not isinstance(g, (int, float)) or not 0 <= g < 0.5:
            err(
                f,
                "goalposts",
                "uncertainty.factors.goalposts must be a band in [0, 0.5)",
                "e.g. 0.1",
                g,
                zh="`uncertainty.factors.goalposts` 须为 [0, 0.5) 内的幅度",
            )
        else:
            values["goalposts"] = float(g)
    return values
