import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
# Chapters run at CI scale unless the caller asks otherwise.
os.environ.setdefault("REPSIM_SCALE", "ci")
os.environ.setdefault("MPLBACKEND", "Agg")
