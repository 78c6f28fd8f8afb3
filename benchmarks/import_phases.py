"""Where an import's CPU goes: each phase of one file's import timed on its own.

    python benchmarks/import_phases.py FILE [--kind electricity]

The phases are the import's own functions run in order in one process (the staged batch is
written to a temporary folder; nothing is stored); prints CPU seconds per phase and the
process's peak resident memory after each, as JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--kind", default="electricity")
    args = parser.parse_args()

    from carbonledger.app.data import IMPORT_MEMORY, _months, records_sha256
    from carbonledger.ingest import open_table
    from carbonledger.schema import get_schema
    from carbonledger.validate import BlockValidator, _writer

    schema = get_schema(args.kind)
    spent: dict[str, float] = {}
    peak: dict[str, float] = {}

    def timed(name: str, job, *arguments):  # type: ignore[no-untyped-def]
        start = time.process_time()
        result = job(*arguments)
        spent[name] = spent.get(name, 0.0) + time.process_time() - start
        peak[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        return result

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "records.parquet"
        source = timed("hash and check the bytes", open_table, args.file)
        validator = BlockValidator(source.meta, schema)
        blocks, writer = source.blocks(), None
        while (frame := timed("parse blocks", next, blocks, None)) is not None:
            typed = timed("validate and type", validator.block, frame)
            writer = writer or _writer(out, typed.schema, schema)
            timed("write the staged file", writer.write_table, typed)
        if writer is not None:
            writer.close()
        timed("keys once (DuckDB)", validator.finish, out, IMPORT_MEMORY)
        timed("records hash (DuckDB)", records_sha256, args.kind, out)
        timed("months (DuckDB)", _months, out)
    print(json.dumps({"rows": validator.report.rows, "cpu_seconds": spent, "peak_rss_gib": peak}))


if __name__ == "__main__":
    main()
