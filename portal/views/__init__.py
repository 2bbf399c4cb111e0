"""The portal's own pages: each role's home, dashboards, the public registry, exports and
the inbox. Thin: reads come from the apps' selectors, work from their services."""
