"""Reusable widgets of the wizard (step indicator, DID pool input, status panel)."""
