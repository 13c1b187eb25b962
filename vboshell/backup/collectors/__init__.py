"""Per-service collectors (exchange, drives for OneDrive/SharePoint libraries, sharepoint sites and lists, teams).
Each takes a UnitContext (vboshell.backup.collectors.base) and streams items into the repository writer."""
