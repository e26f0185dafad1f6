"""Components that keep data: a StatefulSet of fixed size, a volume for each pod.

Pods of a stateless service are interchangeable, so an HPA may add and remove them
behind one Service. Pods of a database, cache, queue or object store are not: a second
PostgreSQL pod is a second, empty database, and the Service would send each write to
either one. So a store runs exactly the replicas the model gives, in every environment,
each pod with a PersistentVolumeClaim of its own that outlives the pod.
"""

from __future__ import annotations

from typing import Any

from archmodel.model import DATA_STORES, Component

CLAIM = "data"  # the volume claim template, and the volume each pod mounts
DEFAULT_SIZE = "1Gi"
# Where well-known images keep their data (matched in the technology, then the image);
# an image nobody recognises keeps it under /data. Both are values the operator may set.
DATA_DIRS = (
    ("postgres", "/var/lib/postgresql/data"),
    ("mysql", "/var/lib/mysql"),
    ("mariadb", "/var/lib/mysql"),
    ("mongo", "/data/db"),
    ("redis", "/data"),
    ("valkey", "/data"),
    ("rabbitmq", "/var/lib/rabbitmq"),
    ("cassandra", "/var/lib/cassandra"),
    ("elasticsearch", "/usr/share/elasticsearch/data"),
)
FALLBACK_DIR = "/data"


def stateful(component: Component) -> bool:
    """Whether the component's kind keeps data (``DATA_STORES``, the model's one list)."""
    return component.kind in DATA_STORES


def data_dir(component: Component) -> str:
    """The directory the claim is mounted at: the technology decides before the image,
    as a custom image (``bank/accounts-db``) often names the database only there."""
    deploy = component.deploy
    for text in (component.technology, deploy.image if deploy else None):
        found = next((path for word, path in DATA_DIRS if text and word in text.lower()), None)
        if found is not None:
            return found
    return FALLBACK_DIR


def storage_values(component: Component) -> dict[str, Any]:
    """``storage`` for a store (the claim's size and where it is mounted); nothing else."""
    if not stateful(component):
        return {}
    return {"storage": {"size": DEFAULT_SIZE, "mountPath": data_dir(component)}}


def data_mount(mount_path: Any) -> dict[str, Any]:
    """The claim in the container, through a subdirectory: the volume's root may hold
    ``lost+found``, which PostgreSQL and MySQL refuse to initialise a data directory in."""
    return {"name": CLAIM, "mountPath": mount_path, "subPath": CLAIM}


def claim_template(size: Any) -> dict[str, Any]:
    """One ReadWriteOnce claim per pod, of the cluster's default storage class. Kept
    minimal: Kubernetes refuses any later change to a StatefulSet's claim templates."""
    return {
        "metadata": {"name": CLAIM},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}},
    }
