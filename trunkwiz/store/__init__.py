"""Profiles, drafts (TOML) and secrets (OS keyring)."""
