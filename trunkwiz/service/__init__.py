"""Application services: the wizard's use cases without Textual.

The TUI calls these, and so can a command-line twin. Nothing here imports Textual; the
heavy layers (httpx, pydantic models, keyring) are imported inside the functions that use
them so that the wizard paints its first frame before they load.
"""
