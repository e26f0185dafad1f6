"""Policy problems: codes for risk decisions, ``x-policies`` and rule plugins that need
the user's attention. They are warnings (or errors) about the threat analysis itself,
not threats, and are listed in the catalog with the kind ``policy``."""

from archmodel.catalog import RuleKind, Severity, define

RISK_UNMATCHED = define(
    "AMT001",
    Severity.warning,
    "risk matches no finding",
    "A risk decision in `risks:` names a threat and target that no finding matches: the threat "
    "was fixed or renamed, and the stale decision would silently hide a future finding.",
    RuleKind.policy,
    "Remove the risk, or correct its `threat` and `target` globs.",
)
RISK_EXPIRED = define(
    "AMT002",
    Severity.warning,
    "risk decision expired",
    "A risk decision is past its `expires` date, so the findings it decided are open again.",
    RuleKind.policy,
    "Fix the threat, or review the decision and move `expires` forward.",
)
POLICY_SHADOWED = define(
    "AMT003",
    Severity.warning,
    "policy rule shadowed by a plugin rule",
    "An `x-policies` rule has the id of a rule that a threat rule plugin provides; only the "
    "plugin's rule runs. (A malformed `x-policies` is a validation error of the model, and a "
    "policy rule reusing a built-in id is AM210.)",
    RuleKind.policy,
    "Give the organisation rule an id of its own.",
)
PLUGIN_FAILED = define(
    "AMT004",
    Severity.warning,
    "threat rule plugin failed to load",
    "A module named by an `archmodel.threat_rules` entry point could not be imported or returned "
    "no rules; the built-in rules still ran, without the plugin's.",
    RuleKind.policy,
    "Install the plugin's dependencies, or remove its entry point.",
)
PLUGIN_DEPRECATED = define(
    "AMT005",
    Severity.warning,
    "threat rule plugin in the old entry point group",
    "A plugin registers threat rules under the entry point group `archmodel.rules`, which is "
    "read for compatibility only and will be removed.",
    RuleKind.policy,
    "Rename the group to `archmodel.threat_rules` in the plugin's packaging metadata.",
)

# The policy problems, in code order: the catalog lists these.
PROBLEMS = (RISK_UNMATCHED, RISK_EXPIRED, POLICY_SHADOWED, PLUGIN_FAILED, PLUGIN_DEPRECATED)
