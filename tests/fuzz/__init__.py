"""Coverage-guided fuzz targets (atheris), one per file format the engine reads."""
