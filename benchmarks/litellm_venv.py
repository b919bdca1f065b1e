"""Build the LiteLLM proxy venv the production bench compares against.

`python -m benchmarks.litellm_venv DIR` creates DIR (a venv) with `litellm==1.110.2` and its
`proxy` extra's dependencies, read from the installed litellm's METADATA and installed by name,
except `litellm-proxy` (not on the registry: the proxy code ships inside `litellm`), plus
`litellm-enterprise==0.1.83`. Idempotent: a finished venv is left as it is.
"""

from __future__ import annotations

import subprocess
import sys
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement

LITELLM = "litellm==1.110.2"
ENTERPRISE = "litellm-enterprise==0.1.83"
SKIPPED = {"litellm-proxy", "litellm-enterprise"}  # not on the registry | pinned above


def proxy_requirements(metadata: str) -> list[str]:
    """The `proxy` extra's requirements, with the extra taken out of their markers."""
    out: list[str] = []
    for line in Parser().parsestr(metadata).get_all("Requires-Dist") or []:
        req = Requirement(line)
        if req.marker is None or not req.marker.evaluate({"extra": "proxy"}):
            continue
        if req.marker.evaluate({"extra": ""}):
            continue  # a base dependency, already installed with litellm
        if req.name in SKIPPED:
            continue
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        out.append(f"{req.name}{extras}{req.specifier}")
    return out


def _relax(requirement: str) -> str:
    name, sep, _ = requirement.partition("==")
    return name if sep and requirement != ENTERPRISE else requirement


def ensure(venv: Path) -> Path:
    python = venv / "bin" / "python"
    done = venv / ".installed"
    if done.exists():
        return python
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, LITELLM], check=True)
    found = next((venv / "lib").glob("python*/site-packages/litellm-*.dist-info/METADATA"))
    wanted = [*proxy_requirements(found.read_text()), ENTERPRISE]
    if subprocess.run([*pip, *wanted], check=False).returncode != 0:
        # An exact pin the registry lacks (litellm-proxy-extras 0.4.114.post1 is not there):
        # take the registry's nearest release of that name rather than no proxy at all.
        relaxed = [_relax(r) for r in wanted]
        print("some exact pins are not on the registry; installing by name:", file=sys.stderr)
        print("  " + " ".join(r for r, w in zip(relaxed, wanted, strict=True) if r != w))
        subprocess.run([*pip, *relaxed], check=True)
    done.touch()
    return python


if __name__ == "__main__":
    print(ensure(Path(sys.argv[1] if len(sys.argv) > 1 else ".bench/litellm-proxy-venv")))
