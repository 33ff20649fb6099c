//! Read-only views of the world for the UI (the datacenter pane, the instance pane).
