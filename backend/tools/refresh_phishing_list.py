"""Derive app/community/data/phishing_domains.txt.gz from an unpacked `eth-phishing-detect` npm package.

Usage, from backend/ (see app/community/data/PROVENANCE.md):

    cd "$(mktemp -d)" && npm pack eth-phishing-detect && tar xzf eth-phishing-detect-*.tgz
    .venv/bin/python -m tools.refresh_phishing_list /that/temp/dir/package

The package's `src/config.json` has `blacklist` (blocked domains) and `whitelist` (domains never blocked, nor
their subdomains). Each entry is lower-cased and stripped of surrounding dots and whitespace; entries that are
not host names with at least one dot are dropped; the rest are de-duplicated and sorted. The output is one
domain per line: blocked domains plain, allowed domains prefixed with `@@`, after `#` comment lines naming the
source. It is gzipped with mtime 0, so the same package always gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "app" / "community" / "data" / "phishing_domains.txt.gz"
PACKAGE = "eth-phishing-detect"
_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)+")


def clean(entries: list[str]) -> list[str]:
    """The entries that are host names with a dot, normalised, de-duplicated and sorted.

    >>> clean(["Foo.COM.", " foo.com", "localhost", "a_b.example.org", "bad host.com"])
    ['a_b.example.org', 'foo.com']
    """
    domains = {entry.strip().strip(".").lower() for entry in entries}
    return sorted(domain for domain in domains if _HOST.fullmatch(domain))


def derive(package_dir: Path) -> tuple[bytes, int, int, str]:
    """The gzipped list, the numbers of blocked and allowed domains, and the package's version."""
    manifest = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    if manifest.get("name") != PACKAGE:
        raise SystemExit(f"{package_dir} is not the {PACKAGE} package: its name is {manifest.get('name')!r}")
    config = json.loads((package_dir / "src" / "config.json").read_text(encoding="utf-8"))
    blocked, allowed = clean(config["blacklist"]), clean(config["whitelist"])
    version = str(manifest["version"])
    lines = [
        f"# Crypto phishing domains: npm package {PACKAGE} {version}, src/config.json (DBAD license).",
        "# One domain per line; its subdomains match too. A line starting with @@ is an allowed domain",
        "# (the whitelist): it and its subdomains are never flagged. See app/community/data/PROVENANCE.md.",
        *(f"@@{domain}" for domain in allowed),
        *blocked,
    ]
    data = gzip.compress(("\n".join(lines) + "\n").encode("ascii"), compresslevel=9, mtime=0)
    return data, len(blocked), len(allowed), version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "package_dir", type=Path, help="the unpacked npm package (the directory with package.json)"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)
    data, blocked, allowed, version = derive(args.package_dir)
    args.output.write_bytes(data)
    print(f"{PACKAGE} {version}: {blocked} blocked, {allowed} allowed, {len(data)} bytes -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
