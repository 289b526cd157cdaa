"""Fast, exact point-in-district assignment.

`DistrictLocator` answers "which district polygon has this point in its interior?"
for millions of lon/lat points, with the same answers as
``geopandas.sjoin(points, districts, predicate="within")``.

How it works
------------
A regular grid of small cells (default 0.0025 degrees, about 275 m) covers the
districts' bounding box. In the constructor every polygon ring is rasterised
*conservatively* onto that grid: any cell whose (slightly enlarged) box could
touch a boundary segment is marked "dirty". A clean cell contains no boundary at
all, so it lies wholly inside or wholly outside every polygon, and one exact
point test at its centre labels all of it. Clean cells are grouped into quadtree
nodes (up to 64 x 64 cells) so only one centre test per node is needed. The
labels are painted into a dense int16 lookup table (about 40 MB for Thailand).

`locate` is then a vectorised array gather; only points that fall in dirty cells
are tested exactly with ``shapely.contains_xy`` against that cell's short,
precomputed candidate list.

Overlaps: if several polygons contain a point, the one with the lowest index in
the input order wins.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

# Grid-unit margin added around every cell when deciding whether a boundary can
# touch it. Floating-point error in the coordinate transform is ~1e-12 cells,
# so this is a very wide safety margin (about 2.5e-9 degrees at 0.0025 deg cells).
_MARGIN = 1e-6
# Samples per cell length along each boundary segment (Chebyshev spacing <= 1/4 cell).
_SAMPLES_PER_CELL = 4
# Largest lookup grid (int16 table: 400 MB); Thailand at 0.0025 deg is ~20 M cells.
_MAX_CELLS = 200_000_000
# Boundary samples / centre points processed at once while building (bounds memory).
_CHUNK = 1 << 18
# Lookup-table value of a cell that needs an exact test.
_AMBIGUOUS = -1


@dataclass(frozen=True)
class _Grid:
    """A regular lon/lat grid of `nx` x `ny` cells of `cell` degrees from (x0, y0)."""

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int

    @classmethod
    def covering(cls, bounds: Sequence[float], cell: float, block: int) -> _Grid:
        """Grid covering `bounds` with one cell of padding; sizes are multiples of `block`."""
        xmin, ymin, xmax, ymax = bounds
        x0, y0 = xmin - cell, ymin - cell
        nx = int(np.ceil((xmax + cell - x0) / cell / block)) * block
        ny = int(np.ceil((ymax + cell - y0) / cell / block)) * block
        return cls(float(x0), float(y0), float(cell), nx, ny)

    def to_grid(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Continuous grid coordinates (cell units) of lon/lat arrays."""
        inv = 1.0 / self.cell
        return (lon - self.x0) * inv, (lat - self.y0) * inv

    def centres(self, iy: np.ndarray, ix: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Lon/lat centres of square nodes of `size` cells whose lower-left cell is (iy, ix)."""
        half = size / 2.0
        return self.x0 + (ix + half) * self.cell, self.y0 + (iy + half) * self.cell


class DistrictLocator:
    """Exact point-in-polygon lookup for a fixed set of (district) polygons.

    Results are identical to ``geopandas.sjoin(points, polygons, predicate="within")``:
    a point gets the code of the polygon whose *interior* contains it; points on a
    boundary, outside every polygon, or with NaN coordinates get None. If several
    polygons contain a point, the lowest input index wins.
    """

    def __init__(
        self,
        codes: Sequence[str],
        geoms: Sequence,
        cell_deg: float = 0.0025,
        max_block: int = 64,
    ) -> None:
        """Build the lookup grid.

        `codes` and `geoms` are parallel sequences; geometries are WGS84 lon/lat
        Polygons or MultiPolygons, assumed valid. `cell_deg` is the finest cell size
        in degrees; `max_block` (a power of two) is the largest quadtree node in cells.
        """
        self._geoms = np.asarray(geoms, dtype=object)
        if len(codes) != len(self._geoms):
            raise ValueError("codes and geoms must have the same length")
        if max_block < 1 or max_block & (max_block - 1):
            raise ValueError("max_block must be a power of two")
        n = len(self._geoms)
        if not 0 < n < np.iinfo(np.int32).max // 2:
            raise ValueError(f"need between 1 and 2**30 polygons, got {n}")
        shapely.prepare(self._geoms)
        self._n = n
        # codes with a trailing None: index n means "no district"
        self._codes = np.empty(n + 1, dtype=object)
        self._codes[:n] = list(codes)
        self._grid = _Grid.covering(shapely.total_bounds(self._geoms), cell_deg, max_block)
        if self._grid.nx * self._grid.ny > _MAX_CELLS:
            raise ValueError(f"{self._grid.nx} x {self._grid.ny} cells is too many; use a larger cell_deg")

        cell_ids, cell_polys = _boundary_cells(self._geoms, self._grid)
        self._tree = shapely.STRtree(self._geoms)  # only needed while building
        self._build_table(cell_ids, cell_polys, max_block)
        del self._tree

    @classmethod
    def from_connection(cls, con) -> DistrictLocator:
        """Build from the `districts` table (code, GEOMETRY geom) of a DuckDB connection."""
        rows = con.execute("SELECT code, ST_AsWKB(geom) FROM districts ORDER BY code").fetchall()
        return cls([r[0] for r in rows], [shapely.from_wkb(bytes(r[1])) for r in rows])

    # ------------------------------------------------------------------ build

    def _build_table(self, cell_ids: np.ndarray, cell_polys: np.ndarray, max_block: int) -> None:
        """Label every grid cell and keep candidate lists for the dirty ones."""
        g, n = self._grid, self._n
        dirty_ids = np.unique(cell_ids)
        dirty = np.zeros(g.ny * g.nx, dtype=bool)
        dirty[dirty_ids] = True
        dirty = dirty.reshape(g.ny, g.nx)

        # one extra slot at the end for points outside the grid / NaN
        dtype = np.int16 if n < np.iinfo(np.int16).max else np.int32
        table = np.full(g.ny * g.nx + 1, n, dtype=dtype)
        grid_table = table[:-1].reshape(g.ny, g.nx)
        for size, iy, ix in _clean_nodes(dirty, max_block):
            labels = self._min_containing(*g.centres(iy, ix, size))
            blocks = grid_table.reshape(g.ny // size, size, g.nx // size, size)
            blocks[iy // size, :, ix // size, :] = labels[:, None, None]
        del dirty, grid_table

        labels, cstart, ccount, cflat = self._dirty_candidates(dirty_ids, cell_ids, cell_polys)
        # dirty cells that still need a test are -1; the others get their fixed label
        amb = ccount > 0
        table[dirty_ids] = np.where(amb, _AMBIGUOUS, labels)
        self._table = table
        self._amb_rank = _Rank(dirty_ids[amb], len(table))
        self._cstart = cstart[amb]
        self._ccount = ccount[amb].astype(np.int32)
        self._cflat = cflat

    def _min_containing(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Lowest index of a polygon containing each point (n where none), as int32."""
        out = np.full(len(lon), self._n, dtype=np.int32)
        pi, gi = self._containing_pairs(lon, lat)
        np.minimum.at(out, pi, gi.astype(np.int32))
        return out

    def _containing_pairs(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(point index, polygon index) pairs with the point in the polygon's interior."""
        pairs = [(np.empty(0, np.intp), np.empty(0, np.intp))]
        for lo in range(0, len(lon), _CHUNK):  # chunks bound the memory of GEOS points
            pi, gi = self._tree.query(shapely.points(lon[lo : lo + _CHUNK], lat[lo : lo + _CHUNK]))
            pi += lo
            hit = shapely.contains_xy(self._geoms[gi], lon[pi], lat[pi])
            pairs.append((pi[hit], gi[hit]))
        return tuple(np.concatenate(p) for p in zip(*pairs))

    def _dirty_candidates(self, dirty_ids, cell_ids, cell_polys):
        """Per dirty cell: a fixed label (or n) and a sorted candidate list (CSR).

        Candidates are the polygons whose boundary may touch the cell, plus the lowest
        polygon that contains the whole cell (found by a centre test); polygons after
        that one can never win and are dropped. If that whole-cell polygon comes before
        every boundary polygon, the cell needs no test at all.
        """
        g, n = self._grid, self._n
        iy, ix = np.divmod(dirty_ids, g.nx)
        lon, lat = g.centres(iy, ix, 1)
        pi, gi = self._containing_pairs(lon, lat)
        # drop centre hits whose boundary touches the cell (already candidates)
        keys = cell_ids * (n + 1) + cell_polys  # sorted, since pairs are unique-sorted
        hit_keys = dirty_ids[pi] * (n + 1) + gi
        pos = np.minimum(np.searchsorted(keys, hit_keys), len(keys) - 1)
        whole = keys[pos] != hit_keys
        full = np.full(len(dirty_ids), n, dtype=np.int64)
        np.minimum.at(full, pi[whole], gi[whole])

        # boundary candidates, per dirty cell in order; keep those before `full`
        owner = np.searchsorted(dirty_ids, cell_ids)
        keep = cell_polys < full[owner]
        b_owner, b_poly = owner[keep], cell_polys[keep]
        has_full = full < n
        f_owner = np.flatnonzero(has_full)
        # merge: boundary candidates then the whole-cell polygon (largest, so last)
        all_owner = np.concatenate([b_owner, f_owner])
        all_poly = np.concatenate([b_poly, full[f_owner]])
        order = np.lexsort((all_poly, all_owner))
        all_owner, cflat = all_owner[order], all_poly[order].astype(np.int32)
        count = np.bincount(all_owner, minlength=len(dirty_ids))
        start = np.concatenate([[0], np.cumsum(count)[:-1]])

        # only the whole-cell polygon left -> fixed label, no candidates
        only_full = has_full & (count == 1) & (cflat[np.minimum(start, len(cflat) - 1)] == full)
        labels = np.where(only_full, full, n)
        count = np.where(only_full, 0, count)
        return labels, start, count, cflat

    # ----------------------------------------------------------------- query

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Code of the district whose interior contains each point, or None.

        `lon` and `lat` are same-shape float arrays (WGS84 degrees). Returns an object
        array of codes, same shape; None for points outside every district, exactly on a boundary,
        or with NaN coordinates. Overlaps resolve to the lowest input index.
        """
        return self._codes[self.locate_index(lon, lat)]

    def locate_index(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Like `locate` but returns input indices (intp); len(codes) means none."""
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        if lon.shape != lat.shape:
            raise ValueError("lon and lat must have the same shape")
        shape = lon.shape
        lon, lat = lon.ravel(), lat.ravel()
        cells = self._cells(lon, lat)
        labels = self._table[cells]
        amb = np.flatnonzero(labels == _AMBIGUOUS)
        labels = labels.astype(np.intp)
        if len(amb):
            amb_ids = self._amb_rank(cells[amb])
            labels[amb] = self._resolve(amb_ids, lon[amb], lat[amb])
        return labels.reshape(shape)

    def _cells(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Flat cell index of each point; the extra last slot for points off the grid."""
        g = self._grid
        fx, fy = g.to_grid(lon, lat)
        off = ~((fx >= 0) & (fx < g.nx) & (fy >= 0) & (fy < g.ny))  # NaN -> off
        fx[off] = 0
        fy[off] = 0
        flat = fy.astype(np.intp)  # truncation == floor, as fx, fy >= 0
        flat *= g.nx
        flat += fx.astype(np.intp)
        flat[off] = g.nx * g.ny
        return flat

    def _resolve(self, amb_ids: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Exact test of points in dirty cells against their cells' candidates, in order."""
        out = np.full(len(amb_ids), self._n, dtype=np.int32)
        start, count = self._cstart[amb_ids], self._ccount[amb_ids]
        active = np.arange(len(amb_ids))
        j = 0
        while len(active):
            active = active[count[active] > j]
            cand = self._cflat[start[active] + j]
            hit = shapely.contains_xy(self._geoms[cand], lon[active], lat[active])
            out[active[hit]] = cand[hit]
            active = active[~hit]
            j += 1
        return out

    def __len__(self) -> int:
        """Number of districts."""
        return self._n

    @property
    def nbytes(self) -> int:
        """Approximate memory of the lookup structures in bytes (not the geometries)."""
        arrays = (self._table, self._cstart, self._ccount, self._cflat)
        return sum(a.nbytes for a in arrays) + self._amb_rank.nbytes


class _Rank:
    """Position of a cell among a sorted set of cells, via a bitmask and per-word counts.

    Much faster than `np.searchsorted` on random queries: one word gather plus a popcount.
    """

    def __init__(self, members: np.ndarray, size: int) -> None:
        mask = np.zeros(-(-size // 64) * 64, dtype=bool)
        mask[members] = True
        self._words = np.packbits(mask, bitorder="little").view(np.uint64)
        counts = np.bitwise_count(self._words).astype(np.int64)
        self._before = (np.cumsum(counts) - counts).astype(np.int32)

    def __call__(self, cells: np.ndarray) -> np.ndarray:
        """Rank of each cell (all must be members)."""
        word = cells >> 6
        below = (np.uint64(1) << (cells & 63).astype(np.uint64)) - np.uint64(1)
        return self._before[word] + np.bitwise_count(self._words[word] & below)

    @property
    def nbytes(self) -> int:
        """Memory of the bitmask and counts in bytes."""
        return self._words.nbytes + self._before.nbytes


def _boundary_cells(geoms: np.ndarray, grid: _Grid) -> tuple[np.ndarray, np.ndarray]:
    """Unique, sorted (cell id, polygon index) pairs where a ring of the polygon may touch the cell.

    Conservative: each segment is sampled at most 1/4 cell apart (Chebyshev), so every
    segment point is within 1/8 cell of a sample; each sample marks every cell meeting
    the square of half-size 1/8 + margin around it. Done in chunks to bound memory.
    """
    u0, v0, du, dv, poly = _segments(geoms, grid)
    steps = np.maximum(np.ceil(np.maximum(np.abs(du), np.abs(dv)) * _SAMPLES_PER_CELL), 1)
    steps = steps.astype(np.intp)
    n1 = len(geoms) + 1
    ends = np.cumsum(steps + 1)
    cuts = np.searchsorted(ends, np.arange(_CHUNK, ends[-1], _CHUNK))
    keys = []
    for sl in map(slice, np.r_[0, cuts], np.r_[cuts, len(steps)]):
        ids = _sample_cells(u0[sl], v0[sl], du[sl], dv[sl], steps[sl], grid.nx)
        keys.append(np.unique(ids[0] * n1 + poly[sl][ids[1]]))
    keys = np.unique(np.concatenate(keys))
    return keys // n1, keys % n1


def _segments(geoms: np.ndarray, grid: _Grid):
    """All ring segments in grid units: start (u0, v0), delta (du, dv) and polygon index."""
    parts, part_poly = shapely.get_parts(geoms, return_index=True)
    if not np.all(shapely.get_type_id(parts) == shapely.GeometryType.POLYGON):
        raise ValueError("geometries must be Polygons or MultiPolygons")
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    u, v = grid.to_grid(xy[:, 0], xy[:, 1])
    seg = np.flatnonzero(ring[:-1] == ring[1:])  # segment k joins vertices k and k+1
    poly = part_poly[ring_part[ring[seg]]]
    return u[seg], v[seg], u[seg + 1] - u[seg], v[seg + 1] - v[seg], poly


def _sample_cells(u0, v0, du, dv, steps, nx: int) -> tuple[np.ndarray, np.ndarray]:
    """(cell id, segment position) of every cell near samples t = k/steps, k = 0..steps."""
    per = steps + 1
    s = np.repeat(np.arange(len(steps)), per)
    t = (np.arange(len(s)) - np.repeat(np.cumsum(per) - per, per)) / steps[s]
    su, sv = u0[s] + t * du[s], v0[s] + t * dv[s]
    half = 0.5 / _SAMPLES_PER_CELL + _MARGIN
    lx, hx = np.floor(su - half).astype(np.int64), np.floor(su + half).astype(np.int64)
    ly, hy = np.floor(sv - half).astype(np.int64), np.floor(sv + half).astype(np.int64)
    # the square spans one cell, or two in x and/or y: add the extra corners only there
    ex, ey = hx != lx, hy != ly
    both = ex & ey
    cy = np.concatenate([ly, ly[ex], hy[ey], hy[both]])
    cx = np.concatenate([lx, hx[ex], lx[ey], hx[both]])
    return cy * nx + cx, np.concatenate([s, s[ex], s[ey], s[both]])


def _clean_nodes(dirty: np.ndarray, max_block: int):
    """Yield (size, iy, ix) for maximal clean quadtree nodes, by node size.

    A node is a leaf if it has no dirty cell and is either a top-level node or the
    child of a dirty node. (iy, ix) are the node's lower-left cell indices.
    """
    masks = [dirty]  # masks[l]: node of size 2**l contains a dirty cell
    size = 1
    while size < max_block:
        m = masks[-1]
        masks.append(m[0::2, 0::2] | m[1::2, 0::2] | m[0::2, 1::2] | m[1::2, 1::2])
        size *= 2
    for level in range(len(masks) - 1, -1, -1):
        size = 2**level
        clean = ~masks[level]
        if level < len(masks) - 1:
            parent = masks[level + 1]
            clean &= np.repeat(np.repeat(parent, 2, axis=0), 2, axis=1)
        iy, ix = np.nonzero(clean)
        yield size, iy * size, ix * size
