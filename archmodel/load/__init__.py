"""Reading model files: YAML/JSON parsing, includes, schema checks, source positions."""

from archmodel.load.loader import POLICY_RULES, Loaded, ModelNotFound, Origin, find_root, load

__all__ = ["POLICY_RULES", "Loaded", "ModelNotFound", "Origin", "find_root", "load"]
