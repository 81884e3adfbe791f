"""The audit log as read by people (the store is filled by service_layer/audit.py)."""
