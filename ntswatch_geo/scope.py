"""Who is looking: the viewer's role and the part of the country they may see.

Every data function takes a Scope and filters by it in SQL, so a governor of Trat cannot read Sa Kaeo's
rows by editing the URL: the sidebar's filters narrow what the scope allows, never widen it.
"""
from __future__ import annotations

from dataclasses import dataclass

ROLES = ("analyst", "governor", "district_officer", "planner", "admin", "public")


@dataclass(frozen=True)
class Scope:
    role: str                          # 'analyst' | 'governor' | 'district_officer' | 'planner' | 'admin' | 'public'
    province_code: str | None = None   # governor: own province; district_officer: derived from the district
    district_code: str | None = None   # district_officer: own district (4-digit DOPA code)
    username: str | None = None

    @property
    def sees_contacts(self) -> bool:
        """Reporter contact details: admins, and district officers for their own district's reports."""
        return self.role in ("admin", "district_officer")

    @property
    def restricted(self) -> bool:
        """Whether the scope limits the rows to one province or district."""
        return bool(self.province_code or self.district_code)

    def sql_params(self) -> dict:
        """Bound parameters every scoped query takes: $scope_province, $scope_district (NULL = no limit)."""
        return {"scope_province": self.province_code, "scope_district": self.district_code}


PUBLIC = Scope(role="public")
