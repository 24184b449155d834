"""Async client for the PortSIP PBX REST API v22 (no Textual)."""
