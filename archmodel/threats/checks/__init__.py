"""The built-in threat catalog: importing this package registers every rule.

One module per kind of target; a rule is one decorated function in it (see
``archmodel.threats.registry``).
"""

from archmodel.threats.checks import (  # noqa: F401  (imported for registration)
    completeness,
    environments,
    exposure,
    flows,
    operations,
    paths,
    pipeline,
    services,
    stores,
    zones,
)
