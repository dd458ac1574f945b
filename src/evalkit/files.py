"""What a path given as an input file is, before anything opens it.

A survey, experts or YAML file may turn out to be a folder (``x.xlsx/``), a named pipe (opening one
waits for a writer that never comes), a socket or device, a symbolic link that leads back to itself,
a link to nothing, or a file the user may not read. :func:`file_problem` says which, in English and
Chinese, from ``os.stat`` alone; only a regular file is then opened, and only to see that it can be
read. Readers turn the answer into a located problem instead of a traceback or a hang.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileProblem:
    """Why a path cannot be read as a file: ``kind`` is one of missing, loop, folder, special,
    permission, error."""

    kind: str
    message: str
    message_zh: str
    fix: str
    fix_zh: str


def _special(mode: int) -> tuple[str, str]:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)", "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "a socket", "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device", "设备文件"
    return "not a regular file", "非普通文件"


def file_problem(path: Path | str, *, readable: bool = True) -> FileProblem | None:
    """None when *path* is a regular file (that this process may open, with ``readable``); else
    what it is. A pipe, socket or device is never opened."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            target = os.readlink(path)
            return FileProblem(
                "missing",
                f"is a symbolic link to {target}, which does not exist",
                f"是指向 {target} 的符号链接，而该目标不存在",
                "Point the link at the file, or name the file itself.",
                "让链接指向该文件，或直接给出文件本身。",
            )
        return FileProblem(
            "missing", "file not found", "找不到文件", "Check the path.", "检查路径。"
        )
    except PermissionError:
        return FileProblem(
            "permission",
            "no permission to reach this file (a folder on its path may not be opened)",
            "没有访问该文件的权限（其路径上的某个文件夹不允许打开）",
            "Give your user access to the folders on the path.",
            "给当前用户访问该路径上各文件夹的权限。",
        )
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return FileProblem(
                "loop",
                "is a symbolic link that leads back to itself (a loop), not a file",
                "是指回自身的符号链接（循环），不是文件",
                "Remove the link, or point it at the file.",
                "删除该链接，或让它指向文件本身。",
            )
        return FileProblem(
            "error",
            f"cannot open this file: {exc.strerror}",
            f"无法打开该文件（{exc.strerror}）",
            "Check the path.",
            "检查路径。",
        )
    if stat.S_ISDIR(st.st_mode):
        return FileProblem(
            "folder",
            "is a folder, not a file",
            "是文件夹，不是文件",
            "Name the file itself, or move or rename the folder.",
            "请给出文件本身，或移走、改名该文件夹。",
        )
    if not stat.S_ISREG(st.st_mode):
        what, what_zh = _special(st.st_mode)
        return FileProblem(
            "special",
            f"is {what}, not a regular file; it was not opened",
            f"是{what_zh}，不是普通文件，未打开",
            "Save the data as a file and name that file.",
            "把数据另存为文件，并给出该文件。",
        )
    if readable:
        try:
            os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
        except PermissionError:
            return FileProblem(
                "permission",
                "no permission to read this file",
                "没有读取该文件的权限",
                "Give your user read access to it (or copy it to a folder of yours).",
                "给当前用户该文件的读取权限（或把它复制到自己的文件夹中）。",
            )
        except OSError as exc:
            return FileProblem(
                "error",
                f"cannot open this file: {exc.strerror}",
                f"无法打开该文件（{exc.strerror}）",
                "Check the path.",
                "检查路径。",
            )
    return None


__all__ = ["FileProblem", "file_problem"]
