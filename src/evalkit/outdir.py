"""The output folder of a run: the districts' file names, the lock, stale temporary files and the
manifest.

File names (:func:`report_names`): a district keeps its name as its reports' file name when that
name is safe on every common file system and no other file of the run has it, compared as Windows
and macOS compare names (ignoring case and Unicode normalisation). Otherwise the name is escaped
and ends with ``~`` and 8 hex digits of the SHA-256 of the exact name: characters a file name
cannot hold (``< > : " / \\ | ? *``), the escape character ``%`` itself, control characters,
right-to-left and other direction marks and a leading dot or space are written as ``%XX`` (the
UTF-8 bytes, as in a URL), so ``a/b`` becomes ``a%2Fb~c14cddc0``; a name Windows reserves (``CON``,
``NUL``, ``COM1``, ...), a name ending in a dot or space, the name of a file the run writes itself
(``comparison``, ``issues``, ``manifest``), a name ending like a hash, and names differing only in
case (``Ab`` and ``ab``) keep their characters and get the hash (a device name followed by a dot
also has its first letter escaped: ``NUL.txt`` is ``%4EUL.txt~0241e4ee``, since Windows ignores
what follows the dot). Such a stem is reversible: :func:`name_of` drops the hash and undoes the
escapes. A stem longer than :data:`MAX_STEM_BYTES` in UTF-8 is cut before its hash (the name is
then found in ``manifest.json``).

The lock (:class:`OutputLock`): ``.evalkit.lock`` in the output folder, held (an OS file lock,
released by the OS when the process ends, however it ends) while a run writes there; a second run
into the same folder is refused with who holds it.

Stale files (:func:`clean_stale`): temporary files and staging folders that a killed run left in
the output folder, recognised by evalkit's own name patterns, removed by the next run once it
holds the lock.

The manifest (:func:`write_manifest`): ``manifest.json``, which run wrote each file of the folder,
with its SHA-256, and the SHA-256 of every input file (docs/formats.md).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .errors import EvalkitError, Issue, Location
from .fileio import atomic_write_bytes

MAX_STEM_BYTES = 240  # a report's file name stem; with ".xlsx" within the usual 255-byte limit
RESERVED_STEMS = ("comparison", "issues", "manifest")  # files a run writes besides the districts'
MANIFEST = "manifest.json"
LOCK = ".evalkit.lock"
HASH_LEN = 8

_UNSAFE = frozenset('<>:"/\\|?*%')
# direction marks and overrides, the byte order mark, line and paragraph separators
_INVISIBLE = frozenset(
    [0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_DEVICES = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$"]
    + [f"{p}{d}" for p in ("com", "lpt") for d in "123456789\u00b9\u00b2\u00b3"]
)
_HASH_TAIL = re.compile(r"~[0-9a-f]{8,}$")


@dataclass(frozen=True)
class ReportName:
    """A district's file name: ``stem`` + ``.xlsx`` / ``.pdf``; ``reasons`` (keys of
    :data:`REASONS`) say why the stem differs from the name (empty when it does not)."""

    district: str
    stem: str
    reasons: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.stem != self.district


REASONS: dict[str, tuple[str, str]] = {
    # key: (zh, en)
    "characters": (
        "含有文件名中不能使用或不可见的字符",
        "it holds characters a file name cannot hold or that are invisible",
    ),
    "edges": ("以点或空格开头或结尾", "it begins or ends with a dot or a space"),
    "empty": ("名称为空", "it is empty"),
    "device": ("是 Windows 保留的设备名", "it is a device name Windows reserves"),
    "reserved": (
        "与本次运行自身写出的文件 comparison、issues 或 manifest 同名",
        "it is comparison, issues or manifest, the name of a file the run writes itself",
    ),
    "case": (
        "与另一区县的名称只差大小写或 Unicode 写法（在 Windows 和 macOS 上是同一个文件）",
        "another district's name differs from it only in case or Unicode form (the same "
        "file on Windows and macOS)",
    ),
    "hash": ("以类似校验码的 ~ 加十六进制数字结尾", "it ends like a hash (~ and hex digits)"),
    "long": ("超过文件名长度上限", "it is too long for a file name"),
}


def reason_text(reasons: Iterable[str], lang: str) -> str:
    """Why a district's file name differs from its name, in *lang*."""
    k = 0 if lang == "zh" else 1
    return ("；" if lang == "zh" else "; ").join(REASONS[r][k] for r in reasons)


def version() -> str:
    """evalkit's version: the package's ``__version__`` (looked up when needed, since the package
    imports this module), else the installed distribution's."""
    found = getattr(sys.modules.get(__package__ or "evalkit"), "__version__", None)
    if found:
        return str(found)
    try:
        return importlib.metadata.version("evalkit")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _fold(name: str) -> str:
    """A name as a case- and normalisation-insensitive file system compares it."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def _escaped_char(c: str) -> bool:
    cat = unicodedata.category(c)
    return c in _UNSAFE or cat in ("Cc", "Cs") or ord(c) in _INVISIBLE


def _reasons(name: str) -> list[str]:
    """Why *name* cannot be a file name as it is, apart from collisions with other names."""
    out = []
    if not name:
        out.append("empty")
    if any(_escaped_char(c) for c in name):
        out.append("characters")
    if name[:1] in (".", " ") or name[-1:] in (".", " "):
        out.append("edges")
    if _device(name):
        out.append("device")
    if _fold(name) in RESERVED_STEMS:
        out.append("reserved")
    if _HASH_TAIL.search(name):
        out.append("hash")
    if len(name.encode("utf-8", "surrogatepass")) > MAX_STEM_BYTES:
        out.append("long")
    return out


def _device(name: str) -> bool:
    """Windows reserves CON, NUL, COM1, ... also with an extension: NUL.txt is NUL."""
    return name.split(".", 1)[0].rstrip(" ").casefold() in _DEVICES


def _quote(name: str) -> str:
    """*name* with every character a file name must not hold written as %XX (its UTF-8 bytes),
    and a leading dot or space too (a hidden file; a name Windows would trim), and the first
    letter of a Windows device name followed by a dot (NUL.txt -> %4EUL.txt: the hash at the end
    would not keep Windows from reading it as NUL)."""
    out = []
    device = _device(name) and "." in name
    for i, c in enumerate(name):
        if _escaped_char(c) or (i == 0 and (c in ". " or device)):
            out.append("".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass")))
        else:
            out.append(c)
    return "".join(out)


def _escape(name: str, hash_len: int = HASH_LEN) -> str:
    tail = "~" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:hash_len]
    body = _quote(name)
    room = MAX_STEM_BYTES - len(tail)
    if len(body.encode("utf-8")) > room:
        cut = body.encode("utf-8")[:room].decode("utf-8", errors="ignore")
        cut = re.sub(r"%[0-9A-F]?$", "", cut)  # never half an escape
        body = cut
    return body + tail


def name_of(stem: str) -> str:
    """The district name a stem made by :func:`report_names` stands for (the stem itself when it
    was kept; a stem cut for length gives the start of the name only)."""
    m = _HASH_TAIL.search(stem)
    if not m:
        return stem
    return unquote(stem[: m.start()], encoding="utf-8", errors="surrogatepass")


def report_names(districts: Sequence[str]) -> dict[str, ReportName]:
    """A unique, safe file name stem for every district (see the module's docstring)."""
    reasons = {d: _reasons(d) for d in districts}
    taken = Counter(_fold(d) for d in districts)
    out: dict[str, ReportName] = {}
    for d in districts:
        why = list(reasons[d])
        if taken[_fold(d)] > 1:
            why.append("case")
        out[d] = ReportName(d, _escape(d) if why else d, tuple(why))
    # a kept name and an escaped one, or two hashes, could still meet: lengthen the hashes
    hash_len = HASH_LEN
    while True:
        folded = Counter(_fold(r.stem) for r in out.values())
        clash = [d for d, r in out.items() if folded[_fold(r.stem)] > 1]
        if not clash or hash_len >= 64:
            break
        hash_len *= 2
        for d in clash:
            why = out[d].reasons or ("case",)
            out[d] = ReportName(d, _escape(d, hash_len), why)
    return out


def safe_filename(name: str) -> str:
    """The file name stem of a district named *name*, on its own (:func:`report_names` also
    keeps the stems of a run's districts apart)."""
    return report_names([name])[name].stem


def report_files(stem: str, pdf: bool = True, html: bool = True) -> list[str]:
    """A district's report files: ``<stem>.xlsx``, then ``.pdf`` and ``.html`` when written."""
    return [f"{stem}{ext}" for ext, on in ((".xlsx", True), (".pdf", pdf), (".html", html)) if on]


def files_text(files: list[str], lang: str) -> str:
    """File names joined as a sentence says them: "a.xlsx, a.pdf and a.html"."""
    if len(files) < 2:
        return "".join(files)
    if lang == "zh":
        return "、".join(files[:-1]) + " 和 " + files[-1]
    return ", ".join(files[:-1]) + " and " + files[-1]


def renamed_issues(
    names: Mapping[str, ReportName],
    pdf: bool,
    files: Mapping[str, Iterable[str]] | None = None,
    html: bool = False,
) -> list[Issue]:
    """A warning for every district whose reports' file name differs from its name, placed at
    the district column of its first input file (*files*: district -> its input files)."""
    out = []
    for r in names.values():
        if not r.changed:
            continue
        own = sorted((files or {}).get(r.district, ()))
        where = Location(file=own[0], column="district") if own else Location()
        shown = files_text(report_files(r.stem, pdf, html), "en")
        shown_zh = files_text(report_files(r.stem, pdf, html), "zh")
        out.append(
            Issue(
                where,
                f"the reports of district {r.district} are named {shown}: "
                f"{reason_text(r.reasons, 'en')}",
                message_zh=f"区县“{r.district}”的报告文件名为 {shown_zh}："
                f"{reason_text(r.reasons, 'zh')}",
                fix="Nothing has to be done: the sheet Files of comparison.xlsx and manifest.json "
                "list every district's files. For a plain file name, rename the district in its "
                "survey workbook.",
                fix_zh="无需处理：comparison.xlsx 的“报告文件”工作表和 manifest.json 列出了每个区县的"
                "文件。如需更直观的文件名，请在调查工作簿中修改区县名称。",
                severity="warning",
                check="report_files",
                district=r.district,
            )
        )
    return out


# ------------------------------------------------------------------------------ errors


class OutputError(EvalkitError):
    """The output folder cannot be used: not a folder, not writable, full, or in use."""


def output_error(exc: OSError, out_dir: Path, doing: str = "", doing_zh: str = "") -> OutputError:
    """A clear problem, in English and Chinese, for an OSError met while writing into *out_dir*."""
    where = Path(exc.filename) if exc.filename else None
    folder = where.parent if where is not None and where != out_dir else out_dir
    what = f" ({doing})" if doing else ""
    what_zh = f"（{doing_zh or doing}）" if doing else ""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        en = (
            f"the disk holding {folder} is full{what}. Free some space (or set report.output in "
            "evalkit.yaml to a folder on another disk) and run again"
        )
        zh = f"{folder} 所在的磁盘已满{what_zh}。请清理出空间（或在 evalkit.yaml 的 report.output 中指定其他磁盘上的文件夹）后重新运行"
    elif code == errno.EROFS:
        en = (
            f"{folder} is on a read-only file system{what}. Set report.output in evalkit.yaml to "
            "a folder you can write to"
        )
        zh = f"{folder} 位于只读的文件系统上{what_zh}。请在 evalkit.yaml 的 report.output 中指定可写的文件夹"
    elif code in (errno.EACCES, errno.EPERM):
        en = (
            f"no permission to write in {folder}{what}. Make the folder writable, or set "
            "report.output in evalkit.yaml to a folder you can write to"
        )
        zh = f"没有写入 {folder} 的权限{what_zh}。请为该文件夹开放写权限，或在 evalkit.yaml 的 report.output 中指定可写的文件夹"
    elif code in (errno.ENOTDIR, errno.EEXIST) and not out_dir.is_dir():
        bad = next((p for p in (out_dir, *out_dir.parents) if p.exists() and not p.is_dir()), None)
        en = (
            f"the output folder {out_dir} cannot be made: {bad or out_dir} is a file, not a "
            "folder. Move the file away, or set report.output in evalkit.yaml to a folder"
        )
        zh = f"无法创建输出文件夹 {out_dir}：{bad or out_dir} 是一个文件而不是文件夹。请移走该文件，或在 evalkit.yaml 的 report.output 中指定一个文件夹"
    else:
        en = f"cannot write in {folder}{what}: {exc.strerror or exc}"
        zh = f"无法写入 {folder}{what_zh}：{exc.strerror or exc}"
    return OutputError(en, zh=zh)


def os_error(exc: BaseException) -> OSError | None:
    """The OSError behind *exc* (itself, a wrapped one such as xlsxwriter's FileCreateError, or
    its cause), or None."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, OSError) and e.errno is not None:
            return e
        todo += [a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
        todo += [x for x in (e.__cause__, e.__context__) if x is not None]
    return None


# ------------------------------------------------------------------------------ the lock


class OutputLock:
    """``.evalkit.lock`` in the output folder, locked by the OS (``flock`` / ``msvcrt.locking``)
    while a run writes there. The OS releases it when the process ends however it ends, so a
    killed run never leaves a folder locked. The file holds the holder's process id and start
    time, for the message a second run gets. Made and removed by :meth:`acquire` and
    :meth:`release` (or ``with``)."""

    def __init__(self, out_dir: Path) -> None:
        self.out = out_dir
        self.path = out_dir / LOCK
        self._fd: int | None = None

    def acquire(self) -> OutputLock:
        """Create the output folder when needed and lock it; OutputError when it cannot be
        made or written, or when another run holds it."""
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise output_error(exc, self.out, "making the output folder", "创建输出文件夹") from exc
        if not self.out.is_dir():
            raise output_error(OSError(errno.ENOTDIR, "Not a directory"), self.out)
        for _ in range(20):  # the file may be removed by the run that held it in between
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise output_error(exc, self.out, "taking its lock", "加锁") from exc
            if not _try_lock(fd):
                holder = _read_holder(fd)
                os.close(fd)
                raise OutputError(
                    f"another evalkit run{holder[0]} is writing into {self.out}. Wait for it to "
                    "finish, or set report.output in evalkit.yaml to another folder",
                    zh=f"另一个 evalkit 运行{holder[1]}正在写入 {self.out}。请等它结束，或在 "
                    "evalkit.yaml 的 report.output 中指定另一个文件夹",
                )
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except OSError:
                same = False
            if not same:
                os.close(fd)
                continue
            try:
                os.ftruncate(fd, 0)
                os.write(fd, json.dumps({"pid": os.getpid()}).encode())
            except OSError as exc:
                os.close(fd)
                raise output_error(exc, self.out, "taking its lock", "加锁") from exc
            self._fd = fd
            return self
        raise OutputError(f"cannot lock {self.path}", zh=f"无法锁定 {self.path}")

    def release(self) -> None:
        """Remove the lock file and release the lock (closing the file releases it)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if os.name == "nt":  # an open file cannot be removed there; a run that opens it first
            with contextlib.suppress(OSError):  # keeps it, and that is harmless
                os.close(fd)
                os.unlink(self.path)
            return
        # removed while still locked: a run waiting on this file sees it is gone and starts over
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        with contextlib.suppress(OSError):
            os.close(fd)

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


def _read_holder(fd: int) -> tuple[str, str]:
    """' (process 1234)' and '（进程 1234）' from the lock file, or empty strings."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        pid = int(json.loads(os.read(fd, 256).decode() or "{}").get("pid"))
    except (OSError, ValueError, TypeError, AttributeError):
        return "", ""
    return f" (process {pid})", f"（进程 {pid}）"


# ------------------------------------------------------------------------------ stale files

STAGING = re.compile(r"^\.evalkit-[A-Za-z0-9_]{8}$")
_STALE_FILES = (
    re.compile(r"^\.evalkit-[A-Za-z0-9_]{8}\.part$"),  # a workbook or PDF being written
    re.compile(r"^\..+\.(xlsx|pdf)\.\d+\.[0-9a-f]{8}\.part$"),  # workbooks of evalkit < 0.2
    re.compile(r"^\..+\.pdf\.[A-Za-z0-9_]{8}\.tmp$"),  # PDFs of evalkit < 0.2
)
EARLIER = ".earlier-"  # an earlier report moved aside into a staging folder


def clean_stale(out_dir: Path) -> list[Issue]:
    """Remove the temporary files and staging folders earlier runs left in *out_dir* (a run that
    was killed); call with the folder's lock held. A staging folder still holding earlier
    reports (moved aside by a run that could not put them back) is kept, with a warning."""
    out: list[Issue] = []
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return out
    for e in entries:
        try:
            if STAGING.match(e.name) and e.is_dir(follow_symlinks=False):
                kept = sorted(n for n in os.listdir(e.path) if n.startswith(EARLIER))
                if kept:
                    out.append(_kept_issue(out_dir, e.name, kept))
                else:
                    shutil.rmtree(e.path)
            elif any(p.match(e.name) for p in _STALE_FILES) and e.is_file(follow_symlinks=False):
                os.unlink(e.path)
        except OSError:
            continue  # left for the next run; nothing of the user's is at stake
    return out


def _kept_issue(out_dir: Path, folder: str, kept: list[str]) -> Issue:
    where = out_dir / folder
    return Issue(
        Location(file=str(where)),
        f"an earlier run could not put back {len(kept)} earlier report(s), which wait in {where}",
        message_zh=f"之前的一次运行未能放回 {len(kept)} 个原有报告，它们仍在 {where} 中",
        fix="Look at the files in that folder (.earlier-N are earlier reports), keep what you "
        "need and delete the folder.",
        fix_zh="请查看该文件夹中的文件（.earlier-N 是原有报告），保留需要的后删除该文件夹。",
        severity="warning",
        check="report_files",
    )


# ------------------------------------------------------------------------------ the manifest


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _key(path: Path, root: Path) -> str:
    """A path as the manifest names it: relative to the project, with / between folders."""
    p = path if path.is_absolute() else root / path
    try:
        return p.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return p.resolve().as_posix()


def _digests(paths: Iterable[Path], root: Path) -> dict[str, str]:
    out = {}
    for p in paths:
        full = p if p.is_absolute() else root / p
        with contextlib.suppress(OSError):
            out[_key(full, root)] = sha256_file(full)
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class RunInputs:
    """What a run read: every input file's SHA-256 (by its path relative to the project), and
    each district's own input files."""

    files: dict[str, str]
    districts: dict[str, dict[str, str]]
    settings: dict[str, Any]
    project: str = ""  # the project file, relative to the output folder (check_project)

    @property
    def run_id(self) -> str:
        """16 hex digits of the SHA-256 of the inputs and settings: the same inputs and settings
        give the same id, in any folder, at any time, with any number of workers."""
        blob = json.dumps(
            {"evalkit": version(), "files": self.files, "settings": self.settings},
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    @property
    def settings_sha256(self) -> str:
        """The SHA-256 of the effective settings (the project file's, the language, PDF or
        not, the font's contents) and evalkit's version: what a district's reports depend on
        besides the input files."""
        blob = json.dumps(
            {"evalkit": version(), "settings": self.settings}, sort_keys=True, ensure_ascii=False
        )
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def run_inputs(
    spec: Any,
    district_files: Mapping[str, Iterable[str]],
    *,
    lang: str,
    pdf: bool,
    font: Path | None,
) -> RunInputs:
    """The inputs of a run of *spec*: the project file, tree, recommendations, experts, survey
    files, imports with their maps, the font given; *district_files* maps each district to the
    files its rows came from (as the issues name them, relative to the project)."""
    root = Path(spec.root)
    paths: list[Path] = []
    if spec.file:
        paths.append(Path(spec.file))
    paths += [p for p in (spec.tree, spec.recommendations, spec.experts) if p is not None]
    paths += [*spec.surveys, *spec.responses, *spec.stations]
    extra: dict[str, list[Path]] = {}
    for imp in spec.imports:
        paths.append(imp.file)
        with_it = [p for p in (imp.map, imp.labels_from) if isinstance(p, Path)]
        paths += with_it
        extra[_key(Path(imp.file), root)] = with_it
    files = _digests(paths, root)
    districts = {}
    for d, own in district_files.items():
        mine: list[Path] = []
        for f in own:
            mine.append(Path(f))
            mine += extra.get(_key(Path(f), root), [])
        districts[d] = _digests(mine, root)
    settings: dict[str, Any] = {
        "lang": lang,
        "pdf": pdf,
        "font": sha256_file(font) if font is not None and font.is_file() else None,
    }
    for f in dataclasses.fields(spec):  # every setting of the project file, files aside
        if f.name in _FILE_FIELDS:
            continue
        value = getattr(spec, f.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = dataclasses.asdict(value)
        if f.name == "report":  # where the files go and the font's path are not what they hold
            value = {k: v for k, v in value.items() if k not in ("output", "font")}
        settings[f.name] = json.loads(json.dumps(value, default=str, ensure_ascii=False))
    return RunInputs(files, dict(sorted(districts.items())), settings, _project_key(spec))


def _project_key(spec: Any) -> str:
    """The project file as seen from the output folder (``../evalkit.yaml`` for ``reports/``
    in the project): the same for every copy of a project with its folder."""
    if not getattr(spec, "file", None):
        return ""
    try:
        rel = os.path.relpath(Path(spec.file).resolve(), Path(spec.output_dir).resolve())
    except ValueError:  # another drive (Windows)
        return Path(spec.file).resolve().as_posix()
    return Path(rel).as_posix()


# RunSpec fields naming files: the files' contents count (their SHA-256), not their paths
_FILE_FIELDS = frozenset(
    ("root", "tree", "recommendations", "surveys", "responses", "imports", "stations", "experts")
) | {"file"}


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest in *out_dir*, or {} when there is none or it cannot be read."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == "evalkit-manifest" else {}


def manifest(
    inputs: RunInputs,
    lang: str,
    names: Mapping[str, ReportName],
    files: Sequence[Path],
    left_out: Iterable[str],
    earlier: Mapping[str, Any],
    out_dir: Path,
    removed: Iterable[str] = (),
) -> dict[str, Any]:
    """The manifest of a run that wrote *files* (paths in the staging folder, with their final
    names) into *out_dir* and removes the earlier files named *removed*. Files of earlier runs
    that stay in the folder keep their entries from the *earlier* manifest, when they are
    unchanged since."""
    run_id = inputs.run_id
    district_of = {
        f"{r.stem}{ext}": r.district for r in names.values() for ext in (".xlsx", ".pdf")
    }
    entries: dict[str, dict[str, Any]] = {}
    written = {f.name for f in files}
    gone = set(removed)
    for name, entry in (earlier.get("files") or {}).items():
        path = out_dir / name
        if name in written or name in gone or name == MANIFEST or not isinstance(entry, dict):
            continue
        with contextlib.suppress(OSError):
            if path.is_file() and sha256_file(path) == entry.get("sha256"):
                entries[name] = entry
    for f in files:
        entries[f.name] = {
            "run_id": run_id,
            "evalkit_version": version(),
            "lang": lang,
            "sha256": sha256_file(f),
            "district": district_of.get(f.name),
        }
    kept_districts = {e.get("district") for e in entries.values() if e.get("run_id") != run_id}
    districts: dict[str, Any] = {
        d: v
        for d, v in (earlier.get("districts") or {}).items()
        if d in kept_districts and d not in names and isinstance(v, dict)
    }
    for d, r in names.items():
        districts[d] = {
            "run_id": run_id,
            "status": "done",
            "file_stem": r.stem,
            # written now, or by a resumed run with the same inputs and settings
            "files": sorted(
                n
                for n, e in entries.items()
                if district_of.get(n) == d and e.get("run_id") == run_id
            ),
            "inputs": inputs.districts.get(d, {}),
            "settings": inputs.settings_sha256,
        }
    return {
        "format": "evalkit-manifest",
        "version": 1,
        "status": "complete",
        "project": inputs.project,
        "run_id": run_id,
        "evalkit_version": version(),
        "lang": lang,
        "inputs": inputs.files,
        "settings": inputs.settings,
        "districts": dict(sorted(districts.items())),
        "left_out": {d: {"inputs": inputs.districts.get(d, {})} for d in sorted(set(left_out))},
        "files": dict(sorted(entries.items())),
    }


def check_lang(out_dir: Path, lang: str) -> None:
    """OutputError when *out_dir*'s manifest shows district reports in a language other than
    *lang*: a run in one language never replaces the reports of another (a Chinese set is not
    overwritten by an English one, file by file). The message says how to write both."""
    files = read_manifest(out_dir).get("files") or {}
    held = sorted(
        {
            str(e["lang"])
            for n, e in files.items()
            if isinstance(e, dict)
            and e.get("district")
            and e.get("lang") not in (None, lang)
            and (out_dir / n).is_file()
        }
    )
    if not held:
        return
    words = {"zh": ("Chinese", "中文"), "en": ("English", "英文")}
    theirs_en = " and ".join(words.get(x, (x, x))[0] for x in held)
    theirs_zh = "、".join(words.get(x, (x, x))[1] for x in held)
    mine_en, mine_zh = words.get(lang, (lang, lang))
    both = ",".join(sorted({*held, lang}, key=lambda x: (x != "zh", x)))
    raise OutputError(
        f"{out_dir} holds {theirs_en} reports (its manifest.json says so); a run in {mine_en} "
        f"would replace them. Write the {mine_en} reports into another folder (--out DIR), or "
        f"both languages at once with --lang {both} (each into a folder of its own, zh/ and "
        f"en/), or move the {theirs_en} reports and manifest.json out of {out_dir} first",
        zh=f"{out_dir} 中是{theirs_zh}报告（见其 manifest.json）；以{mine_zh}运行会替换它们。请把"
        f"{mine_zh}报告写入另一个文件夹（--out 文件夹），或用 --lang {both} 同时生成两种语言"
        f"（各自写入 zh/ 和 en/ 子文件夹），或先把{theirs_zh}报告和 manifest.json 移出 {out_dir}",
    )


def check_project(out_dir: Path, project: Path | str | None) -> None:
    """OutputError when *out_dir*'s manifest names another project file that still exists and
    the folder holds its reports: two projects never write into one folder (the second would
    replace some reports of the first and leave the others beside its own)."""
    data = read_manifest(out_dir)
    theirs = data.get("project")
    if not theirs or not project:
        return
    other = out_dir / str(theirs)
    try:
        if not other.is_file() or os.path.samefile(other, project):
            return
    except OSError:
        return
    if not any(
        isinstance(e, dict) and e.get("district") and (out_dir / n).is_file()
        for n, e in (data.get("files") or {}).items()
    ):
        return
    raise OutputError(
        f"{out_dir} holds the reports of another project ({other.resolve()}); this run would "
        f"mix its reports with them. Give this project a folder of its own (--out DIR, or "
        f"report.output in evalkit.yaml)",
        zh=f"{out_dir} 中是另一个项目（{other.resolve()}）的报告；本次运行会把报告与之混在一起。"
        "请为本项目指定单独的文件夹（--out 文件夹，或 evalkit.yaml 中的 report.output）",
    )


def record_stopped(out_dir: Path, name: str, run_id: str, lang: str) -> None:
    """Enter the file *name* that a run which stopped wrote into *out_dir* (its ``issues.xlsx``,
    saying why) in the folder's manifest: the run's id and ``"stopped": true``; the other entries
    stay as the last complete run left them. A folder without a manifest gets none (a run that
    stops writes nothing but its list of problems)."""
    data = dict(read_manifest(out_dir))
    if not data:
        return
    files = dict(data.get("files") or {})
    files[name] = {
        "run_id": run_id,
        "evalkit_version": version(),
        "lang": lang,
        "sha256": sha256_file(out_dir / name),
        "district": None,
        "stopped": True,
    }
    data["files"] = dict(sorted(files.items()))
    atomic_write_bytes(out_dir / MANIFEST, _manifest_bytes(data))


def write_manifest(data: Mapping[str, Any], path: Path) -> Path:
    """Write *data* as JSON (indented, UTF-8, one trailing newline), atomically."""
    return atomic_write_bytes(path, _manifest_bytes(data))


def _manifest_bytes(data: Mapping[str, Any]) -> bytes:
    try:
        blob = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in a name: \u escapes are still valid JSON
        blob = json.dumps(data, ensure_ascii=True, indent=2).encode("ascii")
    return blob + b"\n"


__all__ = [
    "LOCK",
    "MANIFEST",
    "MAX_STEM_BYTES",
    "OutputError",
    "OutputLock",
    "ReportName",
    "check_lang",
    "check_project",
    "clean_stale",
    "files_text",
    "manifest",
    "name_of",
    "os_error",
    "output_error",
    "read_manifest",
    "record_stopped",
    "renamed_issues",
    "report_files",
    "report_names",
    "run_inputs",
    "safe_filename",
    "write_manifest",
]
