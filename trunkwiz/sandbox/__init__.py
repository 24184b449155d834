"""A PortSIP-compatible PBX for the demo and the tests (no Textual)."""
