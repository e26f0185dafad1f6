"""Fargate task sizes: AWS accepts only certain CPU/memory pairs, and any other pair fails
at apply ("No Fargate configuration exists for given values"). The model's Kubernetes
quantities (``500m``, ``768Mi``) are snapped up to the smallest valid pair that holds
them, so a task never gets less than the model asks for, and the file says so.
"""

from __future__ import annotations

from archmodel.model import Component, Deploy

# CPU units -> the memory sizes (MiB) Fargate offers with it (AWS ECS task size table).
MEMORY_BY_CPU: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
PAIRS: tuple[tuple[int, int], ...] = tuple((c, m) for c, mems in MEMORY_BY_CPU.items() for m in mems)


def snap(cpu: int, memory: int) -> tuple[int, int]:
    """The smallest valid pair with at least ``cpu`` units and ``memory`` MiB; the
    largest pair when nothing on Fargate is that big."""
    return next(((c, m) for c, m in PAIRS if c >= cpu and m >= memory), PAIRS[-1])


def units(text: str | None, default: int, per_unit: int) -> int:
    """Kubernetes-style quantities (``500m``, ``2``, ``512Mi``, ``1Gi``, ``1G``) as ECS
    units: CPU in 1/1024 vCPU, memory in MiB."""
    if not text:
        return default
    value = text.strip()
    scales = {
        "m": per_unit / 1000,
        "Gi": 1024,
        "Mi": 1,
        "G": 1e9 / 2**20,
        "M": 1e6 / 2**20,
        "Ki": 1 / 1024,
        "Ti": 2**20,
    }
    try:
        for suffix, scale in scales.items():
            if value.endswith(suffix):
                return max(1, round(float(value[: -len(suffix)]) * scale))
        return max(1, round(float(value) * per_unit))
    except ValueError:
        return default


def task_size(cpu: str | None, memory: str | None) -> tuple[int, int, str | None]:
    """CPU units and memory MiB for a task, and a note when the model's values were snapped."""
    wanted = (units(cpu, 256, 1024), units(memory, 512, 1024))
    size = snap(*wanted)
    if size == wanted:
        return (*size, None)
    asked = f"cpu {cpu or 'unset'}, memory {memory or 'unset'}"
    return (
        *size,
        f"Fargate task size {size[0]}/{size[1]} (CPU units/MiB) is the nearest valid one at or above {asked}",
    )


def notes(component: Component) -> list[str]:
    """The file comment for a container whose model size is not a Fargate size."""
    note = task_size(*sized(component.deploy))[2]
    return [note] if note else []


def sized(deploy: Deploy | None) -> tuple[str | None, str | None]:
    """The CPU and memory a cloud runtime sizes the container to (``Deploy.size``)."""
    if deploy is None:
        return None, None
    size = deploy.size
    return size.cpu, size.memory


def image(cid: str, deploy: Deploy | None) -> str:
    """The image a cloud runtime pulls (by digest when the model pins it), or the
    component's own name when the model gives none."""
    return (deploy.pulled_image if deploy else None) or f"{cid}:latest"
