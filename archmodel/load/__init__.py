"""Reading model files: YAML/JSON parsing, includes, schema checks, source positions."""

from archmodel.load.loader import Loaded, ModelNotFound, Origin, find_root, load

__all__ = ["Loaded", "ModelNotFound", "Origin", "find_root", "load"]
