"""What every threat rule reads: the graph plus the indexes threat analysis needs.

Computed once per run (effective controls, handled data, exposure, adjacency), so that each
rule is a short loop and the whole catalog stays linear in the size of the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from archmodel.graph import ArchGraph
from archmodel.load import Origin
from archmodel.model import (
    AUTH_CONTROLS,
    DATA_STORES,
    NOT_ON_PATH,
    PASS_THROUGH,
    Classification,
    Component,
    DataAsset,
    Environment,
    Flow,
    Kind,
    Layer,
    Policies,
    Protocol,
    Stage,
    Trust,
    Zone,
)
from archmodel.project import Project


@dataclass
class ThreatContext:
    loaded: Project
    graph: ArchGraph
    policy: Policies

    @property
    def analysed_environments(self) -> tuple[Environment, ...]:
        """Production when the model has one, else every environment (see ``ArchGraph``)."""
        return self.graph.analysed_environments

    @cached_property
    def environment_controls(self) -> frozenset[str]:
        """Controls of the analysed environments: they apply to every component (SPEC §2)."""
        return frozenset(c for e in self.analysed_environments for c in e.controls)

    @cached_property
    def _controls(self) -> dict[str, frozenset[str]]:
        envs = self.analysed_environments
        return {c: self.graph.effective_controls(c, envs) for c in self.graph.components}

    def local_controls(self, component_id: str) -> frozenset[str]:
        """Own, zone and kind-implied controls: everything but the environment's."""
        return self.graph.effective_controls(component_id)

    def controls(self, component_id: str) -> frozenset[str]:
        """Own, zone (with ancestors), kind-implied and analysed environments' controls."""
        return self._controls.get(component_id, frozenset())

    @staticmethod
    def flow_auth(f: Flow) -> frozenset[str]:
        """A flow's controls, plus ``authentication`` when its ``authentication`` names a
        way of proving the caller (password, API key, token, client certificate…)."""
        return frozenset(f.controls) | ({"authentication"} if f.authenticated else frozenset())

    def auth_controls(self, component_id: str) -> frozenset[str]:
        """Controls by which a component knows its callers. ``iam`` counts only when set on a
        data store itself (IAM database/bucket auth), never from an environment, where it
        means operator access."""
        found = self._auth.get(component_id)
        if found is None:
            found = self.controls(component_id) & AUTH_CONTROLS
            c = self.graph.components.get(component_id)
            if c is not None and c.kind in DATA_STORES and "iam" in self.local_controls(component_id):
                found |= {"iam"}
            self._auth[component_id] = found
        return found

    @cached_property
    def _auth(self) -> dict[str, frozenset[str]]:
        return {}

    def layers(self, controls: Iterable[str]) -> set[Layer]:
        """The layers of ``controls`` that act on a way to data (``PATH_CONTROLS``): a
        backup or a secrets vault is of the data layer but protects nothing travelling
        the way. The attack paths and the defence-in-depth rules count these alike."""
        layer_of = self.graph.layer_of
        return {layer_of[c] for c in controls if c in layer_of and c not in NOT_ON_PATH}

    def local_layers(self, component_id: str) -> frozenset[Layer]:
        """``layers`` of a component's local controls (``local_controls``)."""
        return self._local_layers.get(component_id, frozenset())

    @cached_property
    def _local_layers(self) -> dict[str, frozenset[Layer]]:
        # Components mostly share a few sets of controls: each set is mapped once.
        by_set: dict[frozenset[str], frozenset[Layer]] = {}
        out: dict[str, frozenset[Layer]] = {}
        for c in self.graph.components:
            controls = self.local_controls(c)
            found = by_set.get(controls)
            if found is None:
                found = by_set[controls] = frozenset(self.layers(controls))
            out[c] = found
        return out

    def transit_controls(self, f: Flow, held: bool = False) -> frozenset[str]:
        """A flow's controls as the attack paths count them (``flow_auth``): with
        ``authentication`` when it proves the caller and ``tls`` when its protocol
        encrypts (https, grpcs…). ``held``: the attacker already holds a login to the
        target, so the ways of proving the caller are none of its obstacles (mTLS still
        encrypts: ``tls`` stays)."""
        controls = self.flow_auth(f) | ({"tls"} if f.encrypted else frozenset())
        return controls - AUTH_CONTROLS if held else controls

    def transit_layers(self, f: Flow, held: bool = False) -> frozenset[Layer]:
        """``layers`` of ``transit_controls``."""
        # Set by the controls, the protocol and the authentication: flows share a handful.
        key = (tuple(f.controls), f.protocol, f.authenticated, held)
        found = self._transit_layers.get(key)
        if found is None:
            found = self._transit_layers[key] = frozenset(self.layers(self.transit_controls(f, held)))
        return found

    @cached_property
    def _transit_layers(
        self,
    ) -> dict[tuple[tuple[str, ...], Protocol | None, bool | None, bool], frozenset[Layer]]:
        return {}

    def entered_controls(self, component_id: str) -> frozenset[str]:
        """``local_controls`` less those by which it knows its callers (``auth_controls``):
        what still stands against an attacker who logs in with a credential it holds."""
        return self.local_controls(component_id) - self.auth_controls(component_id)

    def lacking(self, layer: Layer) -> set[str]:
        """Components none of whose local controls of ``layer`` acts on a way to data."""
        return {c for c, layers in self._local_layers.items() if layer not in layers}

    @cached_property
    def open_layers(self) -> dict[tuple[str, str], frozenset[Layer]]:
        """Per (source, target) pair, the layers some flow between them carries no control
        of that acts on a way to data: the defence-in-depth rules walk each layer's open
        edges."""
        every = frozenset(Layer)
        lacking: dict[frozenset[Layer], frozenset[Layer]] = {}

        def open_of(f: Flow) -> frozenset[Layer]:
            carried = self.transit_layers(f)
            found = lacking.get(carried)
            if found is None:
                found = lacking[carried] = every - carried
            return found

        return {
            pair: open_of(flows[0]) if len(flows) == 1 else frozenset().union(*map(open_of, flows))
            for pair, flows in self.graph.flows_between.items()
        }

    # -- components -------------------------------------------------------------------

    def components(self, *kinds: Kind) -> Iterator[Component]:
        """In-scope components (``out_of_scope`` ones are never analysed), optionally by kind."""
        if not kinds:
            return iter(self._in_scope)
        found = self._by_kinds.get(kinds)
        if found is None:  # each rule asks for the same few kinds: each list is made once
            found = self._by_kinds[kinds] = [c for c in self._in_scope if c.kind in kinds]
        return iter(found)

    @cached_property
    def _by_kinds(self) -> dict[tuple[Kind, ...], list[Component]]:
        return {}

    @cached_property
    def _in_scope(self) -> list[Component]:
        """Listed once: dozens of rules walk the in-scope components."""
        return [c for c in self.graph.components.values() if c.out_of_scope is None]

    def in_scope(self, component_id: str) -> bool:
        c = self.graph.components.get(component_id)
        return c is not None and c.out_of_scope is None

    @cached_property
    def _handled(self) -> dict[str, set[str]]:
        handled = {c.id: {*c.stores, *c.processes} for c in self.graph.components.values()}
        for f in self.graph.flows.values():
            for end in (f.source, f.target):
                if end in handled:
                    handled[end].update(f.data, f.returns)
        return handled

    @cached_property
    def _rank(self) -> dict[str, int]:
        return {d: a.classification.rank for d, a in self.graph.data.items()}

    def data_rank(self, data_ids: Iterable[str]) -> int:
        """Highest classification rank (public 0 … restricted 3) among data ids; -1 if none."""
        # A plain loop: asked hundreds of thousands of times on lists of one or two ids,
        # where a generator and max() cost more than the comparisons.
        rank = self._rank
        best = -1
        for d in data_ids:
            r = rank.get(d, -1)
            if r > best:
                best = r
        return best

    def rank_of(self, data_id: str) -> int:
        """Classification rank of one data id; -1 for an unknown one."""
        return self._rank.get(data_id, -1)

    def sensitive(
        self, data_ids: Iterable[str], at_least: Classification = Classification.confidential
    ) -> list[str]:
        """Data ids classified at least ``at_least`` (confidential by default), sorted."""
        key = (tuple(data_ids), at_least)  # flows carry the same few lists of data
        found = self._sensitive.get(key)
        if found is None:
            rank, floor = self._rank, at_least.rank
            found = self._sensitive[key] = tuple(sorted({d for d in key[0] if rank.get(d, -1) >= floor}))
        return list(found)

    @cached_property
    def _sensitive(self) -> dict[tuple[tuple[str, ...], Classification], tuple[str, ...]]:
        return {}

    def stake(self, c: Component, stored_only: bool = False) -> int:
        """What is at stake on a component: its most sensitive data or its criticality."""
        stakes = self._stored_stakes if stored_only else self._stakes
        found = stakes.get(c.id)
        if found is None:
            data = c.stores if stored_only else self._handled.get(c.id, ())
            found = stakes[c.id] = max(self.data_rank(data), c.criticality.rank)
        return found

    @cached_property
    def _stakes(self) -> dict[str, int]:
        return {}

    @cached_property
    def _stored_stakes(self) -> dict[str, int]:
        return {}

    def foreign(self, data_ids: Iterable[str], receiver: str) -> list[str]:
        """Data ids that are not the receiver's own: data returned to the party it belongs
        to (a data asset's ``owner``) is no disclosure to that party."""
        data = self.graph.data
        return [d for d in data_ids if d not in data or receiver not in data[d].owners]

    def handled(self, component_id: str) -> set[str]:
        return self._handled.get(component_id, set())

    def handled_sorted(self, component_id: str) -> tuple[str, ...]:
        """``handled`` in order, sorted once per component."""
        found = self._handled_sorted.get(component_id)
        if found is None:
            found = self._handled_sorted[component_id] = tuple(sorted(self.handled(component_id)))
        return found

    @cached_property
    def _handled_sorted(self) -> dict[str, tuple[str, ...]]:
        return {}

    @cached_property
    def stake_texts(self) -> dict[tuple[str, ...], str]:
        """Wording of what is at stake per data set named (``checks.common.at_stake``):
        the same few sets are named by thousands of hits."""
        return {}

    @cached_property
    def untrusted(self) -> frozenset[str]:
        """Where attacks start: components in an untrusted zone. A component in no zone is
        on no known side (AMT196 reports it); it is never taken for the internet."""
        return frozenset(
            c.id for c in self.graph.components.values() if self.graph.trust_of(c.id) == Trust.untrusted
        )

    @cached_property
    def _exposed(self) -> frozenset[str]:
        from_untrusted = {t for (s, t) in self.graph.flows_between if s in self.untrusted}
        public = {c.id for c in self.graph.components.values() if c.public}
        facing = (from_untrusted | public) - self.untrusted
        comps = self.graph.components
        # What serves behind an internet-facing front faces the internet as much as it does.
        behind = {n for c in facing if comps[c].kind in PASS_THROUGH for n in self.passed_to(c)}
        return frozenset(facing | (behind - self.untrusted))

    def passed_to(self, front: str) -> frozenset[str]:
        """What a load balancer, CDN or WAF passes requests on to, through any chain of
        them: they forward traffic, filtered or not, to the components beyond. Found once
        per front (exposure and the browser rules both ask)."""
        found = self._passed.get(front)
        if found is None:
            comps, reached, queue = self.graph.components, set(), [front]
            while queue:
                for nxt in self.successors.get(queue.pop(), ()):
                    if nxt != front and nxt not in reached:
                        reached.add(nxt)
                        if comps[nxt].kind in PASS_THROUGH:
                            queue.append(nxt)
            found = self._passed[front] = frozenset(reached)
        return found

    @cached_property
    def _passed(self) -> dict[str, frozenset[str]]:
        return {}

    def exposed(self, component_id: str) -> bool:
        """Internet-facing: marked public, receiving flows straight from the untrusted
        side, or served through a load balancer, CDN or WAF that is."""
        return component_id in self._exposed

    # -- flows and adjacency ----------------------------------------------------------

    def flows(self) -> Iterator[Flow]:
        """Flows whose endpoints exist and whose target is in scope, in model order."""
        return iter(self._flows)

    def flows_from(self, *kinds: Kind) -> Iterator[Flow]:
        """``flows()`` whose source is of one of ``kinds``, in model order."""
        return iter(self._flows_by_kind(0, kinds))

    def flows_to(self, *kinds: Kind) -> Iterator[Flow]:
        """``flows()`` whose target is of one of ``kinds``, in model order."""
        return iter(self._flows_by_kind(1, kinds))

    def _flows_by_kind(self, end: int, kinds: tuple[Kind, ...]) -> list[Flow]:
        # Rules about people, clients or stores look at a few flows out of many: each
        # such list is made once and shared.
        found = self._by_end_kind.get((end, kinds))
        if found is None:
            comps = self.graph.components
            found = [f for f in self._flows if comps[f.target if end else f.source].kind in kinds]
            self._by_end_kind[(end, kinds)] = found
        return found

    @cached_property
    def _by_end_kind(self) -> dict[tuple[int, tuple[Kind, ...]], list[Flow]]:
        return {}

    @cached_property
    def _flows(self) -> list[Flow]:
        comps = self.graph.components
        return [
            f
            for f in self.graph.flows.values()
            if f.source in comps and f.target in comps and comps[f.target].out_of_scope is None
        ]

    def flow_stake(self, f: Flow) -> int:
        return self.data_rank([*f.data, *f.returns])

    @cached_property
    def successors(self) -> dict[str, list[str]]:
        succ: dict[str, list[str]] = {c: [] for c in self.graph.components}
        for s, t in self.graph.flows_between:
            succ[s].append(t)
        return {c: sorted(ts) for c, ts in succ.items()}

    @cached_property
    def predecessors(self) -> dict[str, list[str]]:
        pred: dict[str, list[str]] = {c: [] for c in self.graph.components}
        for s, t in self.graph.flows_between:
            pred[t].append(s)
        return pred

    def inbound(self, component_id: str) -> list[Flow]:
        """Flows into a component, by caller; listed once per component (do not modify)."""
        found = self._inbound.get(component_id)
        if found is None:
            between = self.graph.flows_between
            found = [f for s in self.predecessors.get(component_id, []) for f in between[(s, component_id)]]
            self._inbound[component_id] = found
        return found

    def outbound(self, component_id: str) -> list[Flow]:
        """Flows out of a component, by callee; listed once per component (do not modify)."""
        found = self._outbound.get(component_id)
        if found is None:
            between = self.graph.flows_between
            found = [f for t in self.successors.get(component_id, []) for f in between[(component_id, t)]]
            self._outbound[component_id] = found
        return found

    @cached_property
    def _inbound(self) -> dict[str, list[Flow]]:
        return {}

    @cached_property
    def _outbound(self) -> dict[str, list[Flow]]:
        return {}

    def feeds(self, kind: Kind) -> frozenset[str]:
        """Components with a flow to a component of ``kind`` (to monitoring, to a vault)."""
        found = self._feeds.get(kind)
        if found is None:
            comps = self.graph.components
            found = frozenset(s for (s, t) in self.graph.flows_between if comps[t].kind is kind)
            self._feeds[kind] = found
        return found

    @cached_property
    def _feeds(self) -> dict[Kind, frozenset[str]]:
        return {}

    def trust_rank(self, component_id: str) -> int:
        """Trust of a component's zone (untrusted 0 … restricted 3). A component in no zone
        ranks as internal (2): neither the internet nor restricted; AMT196 reports it."""
        return self._trust_rank.get(component_id, 2)

    @cached_property
    def _trust_rank(self) -> dict[str, int]:
        # Only components in a zone are keyed: one in no zone ranks 2 (see trust_rank).
        trust_of = self.graph.trust_of
        return {c: t.rank for c in self.graph.components if (t := trust_of(c)) is not None}

    # -- locations --------------------------------------------------------------------

    @cached_property
    def _origins(self) -> dict[tuple[str, str], Origin]:
        index: dict[tuple[str, str], Origin] = {}
        model = self.loaded.model
        sections: dict[str, Sequence[Component | DataAsset | Flow | Environment | Stage | Zone]] = {
            "components": model.components,
            "data": model.data,
            "flows": model.flows,
            "environments": model.environments,
            "stages": model.stages,
            "zones": model.zones,
        }
        for section, items in sections.items():
            for item, origin in zip(items, self.loaded.origins.get(section, []), strict=False):
                index.setdefault((section, item.id), origin)
        if self.loaded.system_origin is not None:
            index[("system", model.system.ref_id)] = self.loaded.system_origin
        return index

    def origin(self, section: str, element_id: str) -> Origin | None:
        return self._origins.get((section, element_id))
