"""Which component a resource realises: its ``archmodel:component`` tag (GCP labels:
``archmodel-component``), else ``<name>-<short word of its type>`` (``aws_elb.web`` ->
``web-elb``), else its name, when the model has a component of that id."""

from __future__ import annotations

from archmodel.tfread.files import Block
from archmodel.tfread.kinds import COMPONENTS
from archmodel.tfread.values import one, slug

COMPONENT_TAG = "archmodel:component"  # the generator writes it (generators/terraform/facts.py)
TAG_KEYS = (COMPONENT_TAG, "archmodel-component", "archmodel_component")


def tagged(block: Block) -> str | None:
    for key in ("tags", "labels"):
        tags = one(block.body.get(key))
        if isinstance(tags, dict):
            value = next((tags[k] for k in TAG_KEYS if isinstance(tags.get(k), str)), None)
            if value is not None:
                return str(value)
    return None


def qualified(block: Block) -> str:
    short = COMPONENTS[block.type][2] if block.type in COMPONENTS else block.type.split("_", 1)[-1]
    return slug(f"{block.name}-{short}")


def component_of(block: Block, components: set[str]) -> str | None:
    found = tagged(block)
    if found is not None:
        return found
    for guess in (qualified(block), slug(block.name), block.name):
        if guess in components:
            return guess
    return None
