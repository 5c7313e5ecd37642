"""Executes one notebook with a Jupyter kernel and reports every cell whose execution failed.

Usage: python3 scripts/run_notebook.py NOTEBOOK OUTPUT [--kernel tslab] [--timeout SECONDS]

tslab reports a failing cell (a type error, an exception) through the execute reply's status and
prints the message on stderr, without an "error" output; so failures are taken from the replies. An
exception thrown from a timer or an unawaited promise leaves the reply "ok" and is only printed on the
running cell's stderr ("UncaughtException: ...", "UnhandledPromiseRejection: ..."); it fails the run too.
One that happens after its cell has finished (while the kernel is idle, or after the last cell) is printed
where nobody listens; scripts/kernel-guard.cjs, preloaded into the kernel, logs it to a file, so that it
fails the run as well, named after the cell it followed. The runner waits GRACE_SECONDS after the last
cell for timers still due.
Writes the executed notebook to OUTPUT and prints one JSON line: {"ok": bool, "errors": [...]}.
Exit code 0 when every cell ran without error.
"""
import json
import os
import re
import sys
import tempfile
import time
import argparse

import nbformat
from nbclient import NotebookClient

# How the tslab kernel reports an exception thrown outside the cell's own flow.
UNCAUGHT = re.compile(r"^(UncaughtException|UnhandledPromiseRejection): ")
# Logs the kernel's uncaught exceptions with their times (see that file).
GUARD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernel-guard.cjs")
# How long the kernel is kept after the last cell, so that a timer due shortly after it still fires here.
GRACE_SECONDS = 0.5


def guard_kernel(log_path):
    """Makes the kernel this process starts load the guard and log to log_path (kernels inherit the environment)."""
    os.environ["GRADIENT_DOJO_UNCAUGHT_LOG"] = log_path
    previous = os.environ.get("NODE_OPTIONS", "")
    os.environ["NODE_OPTIONS"] = (previous + " " if previous else "") + "--require " + json.dumps(GUARD)


def read_log(log_path):
    """The guard's entries: {"at": milliseconds, "kind": ..., "message": ...}."""
    entries = []
    try:
        with open(log_path, encoding="utf8") as f:
            for line in f:
                try:
                    entries.append(json.loads(line))
                except ValueError:
                    pass  # a line cut short as the kernel was shut down
    except OSError:
        pass
    return entries


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("output")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=int, default=900)
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    errors = []
    fd, log_path = tempfile.mkstemp(prefix="dojo-uncaught-", suffix=".jsonl")
    os.close(fd)
    guard_kernel(log_path)
    runs = []  # [cell_index, started_ms, finished_ms or None, stderr] for each cell executed, in order
    executing = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    last_cell = executing[-1] if executing else None

    def on_cell_start(cell, cell_index, **_):
        if cell_index in executing:
            runs.append([cell_index, time.time() * 1000, None, ""])

    def on_cell_executed(cell, cell_index, execute_reply, **_):
        content = execute_reply.get("content", {})
        stderr = "".join(
            "".join(o.get("text", "")) for o in cell.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stderr"
        )
        if runs and runs[-1][0] == cell_index:
            runs[-1][2] = time.time() * 1000
            runs[-1][3] = stderr
        if cell_index == last_cell:
            time.sleep(GRACE_SECONDS)
        if content.get("status") == "ok":
            # An exception thrown where no cell awaits it (a timer's callback, a promise nobody
            # awaits) does not fail the cell that is running: tslab only prints it on that cell's
            # stderr. It is still a bug in the notebook, so it fails the run here.
            uncaught = [line for line in stderr.splitlines() if UNCAUGHT.match(line)]
            if uncaught:
                errors.append({
                    "cell": cell_index + 1,
                    "source": "".join(cell.get("source", ""))[:300],
                    "message": ("an exception nobody caught (from a timer or an unawaited promise) was reported "
                                "while this cell ran:\n" + stderr.strip())[:2000],
                })
            return
        if content.get("status") == "aborted":
            message = "not run: execution was aborted after an earlier failing cell"
        else:
            message = content.get("evalue") or content.get("ename") or ""
        errors.append({
            "cell": cell_index + 1,
            "source": "".join(cell.get("source", ""))[:300],
            "message": (stderr or message).strip()[:2000],
        })

    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        allow_errors=True,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}},
        on_cell_start=on_cell_start,
        on_cell_executed=on_cell_executed,
    )
    try:
        client.execute()
    except Exception as exc:  # a timeout or a dead kernel
        errors.append({"cell": None, "source": "", "message": f"{type(exc).__name__}: {exc}"[:2000]})
    errors.extend(logged_errors(nb, runs, read_log(log_path)))
    errors.sort(key=lambda e: (e["cell"] is None, e["cell"] or 0))
    os.remove(log_path)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    nbformat.write(nb, args.output)
    print(json.dumps({"ok": not errors, "errors": errors}))
    sys.exit(0 if not errors else 1)


def logged_errors(nb, runs, entries):
    """Errors for the guard's entries that the cells' own outputs did not show, each named after its cell."""
    errors = []
    for entry in entries:
        at, text = entry.get("at", 0), f'{entry.get("kind")}: {entry.get("message", "")}'
        before = [r for r in runs if r[1] <= at]
        if not before:
            errors.append({"cell": None, "source": "", "message": f"the kernel reported an exception nobody caught before the first cell:\n{text}"[:2000]})
            continue
        index, _, finished, stderr = before[-1]
        if finished is None or at <= finished:
            if text.split("\n")[0] in stderr:
                continue  # shown on the cell's stderr, and already reported from there
            where = "was reported while this cell ran"
        else:
            where = "was thrown after this cell had finished, while the kernel was idle (a timer or promise of this cell or an earlier one)"
        errors.append({
            "cell": index + 1,
            "source": "".join(nb.cells[index].get("source", ""))[:300],
            "message": f"an exception nobody caught (from a timer or an unawaited promise) {where}:\n{text}"[:2000],
        })
    return errors


if __name__ == "__main__":
    main()
