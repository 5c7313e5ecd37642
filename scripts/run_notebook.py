"""Executes one notebook with a Jupyter kernel and reports every cell whose execution failed.

Usage: python3 scripts/run_notebook.py NOTEBOOK OUTPUT [--kernel tslab] [--timeout SECONDS]

tslab reports a failing cell (a type error, an exception) through the execute reply's status and
prints the message on stderr, without an "error" output; so failures are taken from the replies. An
exception thrown from a timer or an unawaited promise leaves the reply "ok" and is only printed on the
running cell's stderr ("UncaughtException: ...", "UnhandledPromiseRejection: ..."); it fails the run too.
Writes the executed notebook to OUTPUT and prints one JSON line: {"ok": bool, "errors": [...]}.
Exit code 0 when every cell ran without error.
"""
import json
import os
import sys
import argparse

import re

import nbformat
from nbclient import NotebookClient

# How the tslab kernel reports an exception thrown outside the cell's own flow.
UNCAUGHT = re.compile(r"^(UncaughtException|UnhandledPromiseRejection): ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("output")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=int, default=900)
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    errors = []

    def on_cell_executed(cell, cell_index, execute_reply, **_):
        content = execute_reply.get("content", {})
        stderr = "".join(
            "".join(o.get("text", "")) for o in cell.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stderr"
        )
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
        on_cell_executed=on_cell_executed,
    )
    try:
        client.execute()
    except Exception as exc:  # a timeout or a dead kernel
        errors.append({"cell": None, "source": "", "message": f"{type(exc).__name__}: {exc}"[:2000]})
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    nbformat.write(nb, args.output)
    print(json.dumps({"ok": not errors, "errors": errors}))
    sys.exit(0 if not errors else 1)


if __name__ == "__main__":
    main()
