"""Factor library (stub door filled below)."""
