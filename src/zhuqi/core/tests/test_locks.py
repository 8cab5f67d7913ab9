"""The lock files: requirements.lock is what `make install` puts in a developer's virtualenv,
requirements-production.lock what docs/deployment.md installs on a server. The production one must
be the same packages at the same versions and hashes, less the development tools, and hold every
package the app needs to run; neither may record where the packages were downloaded from
(DESIGN.md: the lock carries hashes, not addresses)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[4]
LOCKS = ("requirements-pip.lock", "requirements.lock", "requirements-production.lock")
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s\\]+)")
HASH = re.compile(r"--hash=(sha256:[0-9a-f]{64})")


def pins(lock: str) -> dict[str, tuple[str, frozenset[str]]]:
    """name → (version, its hashes), from a lock uv or pip-compile wrote."""
    found: dict[str, tuple[str, frozenset[str]]] = {}
    name = ""
    version = ""
    hashes: set[str] = set()
    for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
        pinned = PIN.match(line)
        if pinned:
            if name:
                found[name] = (version, frozenset(hashes))
            name, version, hashes = canonicalize_name(pinned[1]), pinned[2], set()
        hashes.update(HASH.findall(line))
    if name:
        found[name] = (version, frozenset(hashes))
    return found


def project() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_production_lock_is_the_development_lock_less_its_tools() -> None:
    production, development = pins("requirements-production.lock"), pins("requirements.lock")
    assert production, "requirements-production.lock pins nothing"
    for name, (version, hashes) in production.items():
        assert name in development, f"{name} is in the production lock only"
        assert development[name] == (version, hashes), f"{name}: the two locks differ"
        assert hashes, f"{name} has no hash"
    tools = {canonicalize_name(Requirement(text).name) for text in project()["optional-dependencies"]["dev"]}
    runtime = {canonicalize_name(Requirement(text).name) for text in project()["dependencies"]}
    assert "pytest" in tools and "playwright" in tools
    assert not (tools - runtime) & production.keys(), "a development tool is in the production lock"


def test_every_runtime_dependency_is_in_the_production_lock_at_a_version_it_allows() -> None:
    production = pins("requirements-production.lock")
    for text in project()["dependencies"]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in production, f"{requirement.name} (pyproject.toml) is missing from the production lock"
        assert requirement.specifier.contains(production[name][0], prereleases=True), (
            f"{requirement.name}: locked {production[name][0]}, pyproject.toml asks {requirement.specifier}"
        )


def test_no_lock_records_a_download_address() -> None:
    for lock in LOCKS:
        text = (ROOT / lock).read_text(encoding="utf-8")
        for option in ("--index-url", "--extra-index-url", "--find-links", "-i ", "-f "):
            assert not any(line.lstrip().startswith(option) for line in text.splitlines()), (
                f"{lock}: {option}"
            )
        assert "://" not in text, f"{lock} records an address"
