"""The five boundary files: names, pinned public copies, checksums, and the download.

SHA-256 and URLs come from ../shared/boundaries/SOURCES.md; the copies are byte-identical, so the checksum
verifies a download.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .progress import PoochRichBar

_SOMPOBCH = "https://raw.githubusercontent.com/Sompobch/thailand-geojson-topojson/1f2aca6041f8726a8ae844ef45bdb3449ad9d78c"
_NIPNDRI = "https://raw.githubusercontent.com/nipndri/mapjsfiles/c20978328280b47d926d047c3130443bdaebc197"
_GLOBESCRAPER = "https://raw.githubusercontent.com/weegienamja/Globescraper/49d7730abf5cffbe147b42323c42af36767f5b66/data"


@dataclass(frozen=True)
class BoundaryFile:
    name: str
    url: str
    sha256: str
    fields: tuple[str, ...]
    features: int


BOUNDARY_FILES: dict[str, BoundaryFile] = {
    f.name: f
    for f in [
        BoundaryFile("tha_adm2_districts.geojson", f"{_SOMPOBCH}/thailand_district.geojson",
                     "b3c2749bc486fbfb0d347678809524fe7a493d6615f279e54108a50c63d5fb80",
                     ("ADM1_EN", "ADM1_TH", "ADM2_EN", "ADM2_TH"), 928),
        BoundaryFile("tha_adm1_provinces.geojson", f"{_SOMPOBCH}/thailand_province.geojson",
                     "9451023c0b8cda2d54d87ff731a3f532376e0ca2d883e62566ba796fa369ae98",
                     ("ADM1_EN", "ADM1_TH"), 77),
        BoundaryFile("lao_adm2_districts.geojson", f"{_NIPNDRI}/geoBoundaries.geojson",
                     "aa36986ac915610e51c9319e8df81202f3780dc5cc1aec1327f3b69efc0c00f4",
                     ("shapeName", "shapeID"), 148),
        BoundaryFile("lao_adm1_provinces.geojson", f"{_NIPNDRI}/geoBoundaries-LAO-ADM1_simplified.geojson",
                     "563c5519ead36b95b313478792d625e34ad1bdd3b8f4eb4ced7ac652801dbb2a",
                     ("shapeName", "shapeISO"), 18),
        BoundaryFile("khm_adm2_districts.geojson", f"{_GLOBESCRAPER}/cambodia-adm2-simplified.geojson",
                     "9ab44792fb4a0353f0661794b5bf2111afa1ae2ca36117b61982bbdee8474bba",
                     ("shapeName", "shapeID"), 197),
    ]
}

NO_NETWORK_HELP = (
    "no network: copy the five boundary files listed in ../shared/boundaries/SOURCES.md into {dir} "
    "(or set NTSWATCH_BOUNDARIES_DIR to a folder holding them) and run `ntswatch init` again"
)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def missing_files(folder: Path) -> list[str]:
    """Names of the boundary files not present in `folder`."""
    return [n for n in BOUNDARY_FILES if not (folder / n).is_file()]


def download_boundaries(folder: Path, base_url: str | None = None, progress: bool = True) -> list[Path]:
    """Download the pinned public copies into `folder`, verifying each SHA-256 (pooch).

    `base_url` replaces each URL's directory with one server that serves the files under their
    project names (used by tests with a local HTTP server).
    """
    import pooch
    import requests

    pooch.get_logger().setLevel("WARNING")  # our own progress bar says what is downloading
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for f in BOUNDARY_FILES.values():
        url = f"{base_url.rstrip('/')}/{f.name}" if base_url else f.url
        bar = PoochRichBar(f.name) if progress else False
        try:
            path = pooch.retrieve(url, known_hash=f"sha256:{f.sha256}", fname=f.name, path=folder,
                                  downloader=pooch.HTTPDownloader(progressbar=bar, timeout=60))
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise InputError(NO_NETWORK_HELP.format(dir=folder) + f" ({type(exc).__name__} for {url})") from exc
        except requests.exceptions.HTTPError as exc:
            raise InputError(f"{url}: download failed ({exc}); " + NO_NETWORK_HELP.format(dir=folder)) from exc
        except ValueError as exc:  # pooch: hash mismatch
            raise InputError(f"{url}: {exc}") from exc
        finally:
            if bar:
                bar.close()
        out.append(Path(path))
    return out


def resolve_boundaries_dir(folder: Path, explicit: bool, base_url: str | None = None,
                           progress: bool = True) -> Path:
    """The folder to read boundaries from; downloads into the default folder when it is empty.

    An explicitly named folder (NTSWATCH_BOUNDARIES_DIR) is never downloaded into: missing files are an error.
    """
    missing = missing_files(folder)
    if not missing:
        return folder
    if explicit:
        if not folder.is_dir():
            raise InputError(f"{folder}: boundary folder does not exist (NTSWATCH_BOUNDARIES_DIR); "
                             "it must hold the five files listed in SOURCES.md")
        raise InputError(f"{folder}: boundary files missing: {', '.join(missing)}")
    download_boundaries(folder, base_url=base_url, progress=progress)
    return folder
