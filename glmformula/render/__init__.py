"""Renderers: one module per output format, reading result data only."""
