"""Executes notebooks headless with the course's tslab kernel, one cell at a time.

Usage: python3 scripts/execute_notebooks.py OUT_DIR RESULTS_JSON NOTEBOOK...

Writes each executed notebook to OUT_DIR and a summary to RESULTS_JSON. A cell that fails stops its
notebook; the report names the notebook, the cell (1-based, as Jupyter counts cells) and the error text,
which tslab writes only to the cell's stderr stream.
"""
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

CELL_TIMEOUT = int(os.environ.get("NOTEBOOK_CELL_TIMEOUT", "900"))


def cell_error_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append("%s: %s" % (out.get("ename", ""), out.get("evalue", "")))
    return "".join(parts).strip()


def run_one(path, out_dir, cwd):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="tslab", timeout=CELL_TIMEOUT, allow_errors=False,
                            resources={"metadata": {"path": cwd}})
    started = time.time()
    result = {"notebook": path, "ok": True, "cells": len(nb.cells), "seconds": 0.0}
    code_index = 0
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                code_index += 1
                try:
                    # The cell keeps its count (In [1], In [2], …) in the executed copy and its HTML export:
                    # tslab reports none of its own, so the count is the code cell's position in the run.
                    client.execute_cell(cell, index, execution_count=code_index)
                except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
                    detail = cell_error_text(cell) or str(err).strip()
                    if isinstance(err, CellTimeoutError):
                        detail = "timed out after %d s. %s" % (CELL_TIMEOUT, detail)
                    if isinstance(err, DeadKernelError):
                        detail = "the kernel died. %s" % detail
                    result.update(ok=False, cell=index + 1, code_cell=code_index,
                                  source=cell.source[:400], error=detail[-4000:])
                    break
    except Exception as err:  # kernel failed to start, etc.
        result.update(ok=False, cell=None, error="could not run: %s" % err)
    result["seconds"] = round(time.time() - started, 1)
    os.makedirs(out_dir, exist_ok=True)
    nbformat.write(nb, os.path.join(out_dir, os.path.basename(path)))
    return result


def main():
    out_dir, results_path, notebooks = sys.argv[1], sys.argv[2], sys.argv[3:]
    cwd = os.getcwd()
    results = []
    for path in notebooks:
        print("[notebooks] running %s …" % path, flush=True)
        r = run_one(path, out_dir, cwd)
        results.append(r)
        if r["ok"]:
            print("[notebooks] PASS %s (%d cells, %.1f s)" % (path, r["cells"], r["seconds"]), flush=True)
        else:
            where = "cell %s" % r["cell"] if r.get("cell") else "before any cell"
            print("[notebooks] FAIL %s, %s (code cell %s):\n%s\n--- cell source ---\n%s\n---" % (
                path, where, r.get("code_cell", "?"), r["error"], r.get("source", "")), flush=True)
    with open(results_path, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
