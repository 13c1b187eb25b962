"""Microsoft 365 clouds: login (authority) host, Graph root, `.default` scope and per-cloud capabilities.
A custom cloud carries explicit endpoints and a CA bundle (sovereign/private endpoints, TLS-inspecting proxies)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

__all__ = ["Cloud", "CLOUDS", "REGIONS", "get_cloud", "custom_cloud", "CloudError"]


class CloudError(ValueError):
    """An unknown region or an invalid custom endpoint."""


@dataclass(frozen=True)
class Cloud:
    """Where an app-only tenant lives. `authority_host` is a full https URL without the tenant segment."""

    name: str  # Worldwide | USGovGCCHigh | USGovDoD | China | Custom
    authority_host: str  # https://login.microsoftonline.com
    graph_endpoint: str  # https://graph.microsoft.com (no version suffix)
    ca_bundle: str | None = None  # PEM file trusted in addition to... instead of the system store
    capabilities: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_custom(self) -> bool:
        return self.name == "Custom"

    @property
    def scope(self) -> str:
        return self.graph_endpoint.rstrip("/") + "/.default"

    def authority(self, tenant: str) -> str:
        return f"{self.authority_host.rstrip('/')}/{tenant}"

    def graph_url(self, version: str = "v1.0") -> str:
        return f"{self.graph_endpoint.rstrip('/')}/{version}"

    def supports(self, capability: str) -> bool:
        return capability in self.capabilities

    def with_ca_bundle(self, ca_bundle: str | None) -> Cloud:
        return replace(self, ca_bundle=ca_bundle)


# Capabilities that differ between clouds (graph-wire.md §1 and §3; Veeam KB: Teams export APIs are
# unavailable in China, DoD and GCC High).
_GLOBAL_ONLY = frozenset({"mailboxExportImport", "teamsExport", "reports", "teams", "backupStorage"})
_GOV = frozenset({"reports", "teams"})

CLOUDS: dict[str, Cloud] = {
    "worldwide": Cloud("Worldwide", "https://login.microsoftonline.com", "https://graph.microsoft.com", None, _GLOBAL_ONLY),
    "usgovgcchigh": Cloud("USGovGCCHigh", "https://login.microsoftonline.us", "https://graph.microsoft.us", None, _GOV),
    "usgovdod": Cloud("USGovDoD", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us", None, _GOV),
    "china": Cloud("China", "https://login.partner.microsoftonline.cn", "https://microsoftgraph.chinacloudapi.cn", None,
                   frozenset({"reports", "teams"})),
}
# Veeam's VBOOffice365Region values and common spellings.
_ALIASES = {
    "default": "worldwide", "global": "worldwide", "worldwide": "worldwide",
    "usgovgcchigh": "usgovgcchigh", "gcchigh": "usgovgcchigh", "usgovernment": "usgovgcchigh",
    "usgovdod": "usgovdod", "dod": "usgovdod",
    "china": "china", "chinacloud": "china",
}
REGIONS: tuple[str, ...] = ("Worldwide", "USGovGCCHigh", "USGovDoD", "China", "Custom")


def _check_https(url: str, what: str) -> str:
    url = (url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise CloudError(f"{what} must be an https:// URL with a host name, got '{url}'.")
    if parts.path not in ("", "/"):
        raise CloudError(f"{what} must not contain a path ('{url}'); give only https://host[:port].")
    return url


def custom_cloud(authority_host: str, graph_endpoint: str, ca_bundle: str | None = None) -> Cloud:
    """A cloud with explicit endpoints (both https, host[:port] only); instance discovery is off for it."""
    return Cloud(
        "Custom",
        _check_https(authority_host, "The authority host"),
        _check_https(graph_endpoint, "The Graph endpoint"),
        ca_bundle or None,
        frozenset({"reports", "teams", "teamsExport"}),
    )


def get_cloud(region: str | None = None, authority_host: str | None = None, graph_endpoint: str | None = None,
              ca_bundle: str | None = None) -> Cloud:
    """Resolve a Veeam region name (Worldwide, USGovGCCHigh, USGovDoD, China, Custom). Giving endpoints implies Custom."""
    name = (region or "").replace(" ", "").replace("-", "").lower()
    if name == "custom" or (not name and (authority_host or graph_endpoint)):
        if not authority_host or not graph_endpoint:
            raise CloudError("A custom cloud needs both -AuthorityHost and -GraphEndpoint.")
        return custom_cloud(authority_host, graph_endpoint, ca_bundle)
    key = _ALIASES.get(name or "worldwide")
    if key is None:
        raise CloudError(f"Unknown region '{region}'. Valid values: {', '.join(REGIONS)}.")
    cloud = CLOUDS[key]
    return cloud.with_ca_bundle(ca_bundle) if ca_bundle else cloud
