"""archmodel: architecture as code, checked as a graph."""

__version__ = "0.1.0"
