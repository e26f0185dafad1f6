"""Package discovery: `generators/` is installed as the subpackage `archmodel.generators`.

setuptools' automatic discovery cannot see a subpackage that lives outside its parent's
folder, so the list is computed here; everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

GENERATORS = ["archmodel.generators"] + [f"archmodel.generators.{p}" for p in find_packages("generators")]

setup(packages=find_packages(include=["archmodel", "archmodel.*"]) + GENERATORS)
