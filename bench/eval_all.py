"""``make eval``: score the taggers and the key dates against ../shared/eval when it is present."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run the evaluation scripts; return 1 if any failed."""
    rc = 0
    for name in ("eval_timex.py", "eval_geo.py", "eval_coref.py", "eval_tls.py"):
        script = HERE / name
        if script.exists():
            print(f"\n== {name}", flush=True)
            rc |= subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode
    return 1 if rc else 0


if __name__ == "__main__":
    sys.exit(main())
