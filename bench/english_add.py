"""`add` throughput on the first N English ECB+ dev articles (encoder loaded first), to compare two
checkouts: PYTHONPATH=<checkout>/src python bench/english_add.py 600 (docs/benchmarks.md, multilingual)."""
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from storycheck import Article, add
from storycheck.embed import default_backend
from storycheck.store import open_store

n = int(sys.argv[1])
shared = Path(os.environ.get("STORYCHECK_SHARED", "/work/shared"))
lines = (shared / 'benchmarks' / 'ecbplus' / 'dev.jsonl').read_text().splitlines()
rows = [json.loads(line) for line in lines[:n]]
arts = [Article(id=r['id'], text=r['text'], title=r.get('title')) for r in rows]
default_backend().embed(['warm'])
with tempfile.TemporaryDirectory() as tmp:
    st = open_store(Path(tmp) / 's.db')
    t = time.perf_counter()
    add(arts, store=st)
    dt = time.perf_counter() - t
    st.close()
print(json.dumps({"code": os.environ.get("PYTHONPATH"), "articles": n, "seconds": round(dt, 2),
                  "articles_per_s": round(n / dt, 1)}))
