"""Timeline pipeline: news article text in, dated and tagged events out."""

# The one version string: pyproject.toml reads it, and a Dask cluster's scheduler and workers must
# report the same one before an ingest sends them any article (pipeline.cluster).
__version__ = "0.1.0"
