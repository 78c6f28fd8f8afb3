"""Loaders: one module per publisher, each turning raw files into canonical tables."""
