"""The architecture validator behind the code quality scans."""

import json
import subprocess
from dataclasses import dataclass, field


@dataclass
class ScanReport:
    violations: list[dict] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"violations": self.violations})


def scan_codebase() -> ScanReport:
    out = subprocess.run(["archrules", "check", "--format", "json"], capture_output=True, check=False)
    return ScanReport(violations=json.loads(out.stdout or b"{}").get("findings", []))
