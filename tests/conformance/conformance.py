#!/usr/bin/env python3
"""Conformance test: Microsoft's own Python management SDKs drive the aksform ARM emulator.

The SDKs are generated from the official REST specs and implement ARM's protocol themselves
(long-running operations, ETags, error envelopes, paging), so a scenario they complete shows that
the emulator speaks ARM, not a dialect of our own. Each step asserts what it got and prints one
line; the first failure prints what went wrong and exits 1.

    python3 conformance.py http://127.0.0.1:PORT [SUBSCRIPTION_ID]

Needs the packages of requirements.txt beside this file (Python 3.9 or newer).
"""

import argparse
import sys
import time
import traceback
import urllib.parse
import uuid

from azure.core import MatchConditions
from azure.core.credentials import AccessToken, AccessTokenInfo
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.mgmt.containerservice import ContainerServiceClient
from azure.mgmt.containerservice import models as aks
from azure.mgmt.loganalytics import LogAnalyticsManagementClient
from azure.mgmt.loganalytics import models as la
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network import models as net
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.resource.resources import models as res

LOCATION = "westeurope"
TOKEN = "conformance-test-token"
# How long one long-running operation may take before the step fails.
LRO_TIMEOUT_S = 120


class Failed(Exception):
    """An assertion of the scenario did not hold."""


class FixedCredential:
    """A TokenCredential (and SupportsTokenInfo) that always returns the same token."""

    def get_token(self, *scopes, claims=None, tenant_id=None, enable_cae=False, **kwargs):
        return AccessToken(TOKEN, int(time.time()) + 3600)

    def get_token_info(self, *scopes, options=None):
        return AccessTokenInfo(TOKEN, int(time.time()) + 3600)


class AllowHttpToEmulator(SansIOHTTPPolicy):
    """Lets the bearer-token policy send the token over plain HTTP, to the emulator only.

    azure-core refuses bearer tokens on non-HTTPS URLs unless a request carries
    `enforce_https=False`. This per-call policy runs first in every pipeline, so it covers every
    call and every poll of a long-running operation without passing the keyword each time.
    """

    def __init__(self, base_url):
        super().__init__()
        self._base = base_url.rstrip("/").lower() + "/"

    def on_request(self, request):
        url = request.http_request.url
        if url.lower().startswith(self._base):
            request.context["enforce_https"] = False
            record_api_version(url)


API_VERSIONS = {}


def record_api_version(url):
    """Remembers which api-version the SDK sent to which provider (for the summary line)."""
    parts = urllib.parse.urlsplit(url)
    version = urllib.parse.parse_qs(parts.query).get("api-version", ["?"])[0]
    segments = parts.path.split("/")
    lower = [s.lower() for s in segments]
    if "providers" in lower:
        provider = segments[len(lower) - 1 - lower[::-1].index("providers") + 1]
    else:
        provider = "Microsoft.Resources"
    API_VERSIONS.setdefault(provider, set()).add(version)


def client(cls, base_url, subscription):
    return cls(
        FixedCredential(),
        subscription,
        base_url=base_url,
        per_call_policies=[AllowHttpToEmulator(base_url)],
        # The SDK waits Retry-After when a response has one, else this (its default is 30 s).
        polling_interval=0.05,
        # Surface every status the emulator sends instead of retrying over it.
        retry_total=0,
    )


# ---------------------------------------------------------------------------------------------
# Assertions and output


def check(cond, message):
    if not cond:
        raise Failed(message)


def ok(step, detail=""):
    print(f"ok    {step}" + (f": {detail}" if detail else ""), flush=True)


def unknown_fields(model, path, out):
    """Reads every field of an SDK model recursively, so that a value the SDK cannot deserialize
    fails here; collects the JSON keys the model does not know (fields the spec does not have)."""
    fields = getattr(type(model), "_attr_to_rest_field", None)
    if fields is None:
        return
    known = set()
    for attr, rf in fields.items():
        known.add(rf._rest_name)
        try:
            value = getattr(model, attr)
        except Exception as e:  # noqa: BLE001 - any failure to read is the finding
            raise Failed(f"the SDK cannot read {path}.{attr}: {type(e).__name__}: {e}") from e
        visit(value, f"{path}.{attr}", out)
    for key in getattr(model, "_data", {}):
        if key not in known:
            out.append(f"{path}: {key}")


def visit(value, path, out):
    if hasattr(type(value), "_attr_to_rest_field"):
        unknown_fields(value, path, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            visit(v, f"{path}[{i}]", out)
    elif isinstance(value, dict):
        for k, v in value.items():
            visit(v, f"{path}[{k}]", out)


EXTRA_FIELDS = []


def read_all(model, name):
    """Every field of `model` deserializes; unknown ones are remembered for the summary."""
    check(model is not None, f"{name}: the SDK returned nothing")
    unknown_fields(model, name, EXTRA_FIELDS)
    return model


def wait(poller, what):
    """The final result of a long-running operation, within LRO_TIMEOUT_S."""
    result = poller.result(timeout=LRO_TIMEOUT_S)
    check(poller.done(), f"{what}: not done after {LRO_TIMEOUT_S} s (status {poller.status()})")
    check(
        poller.status() == "Succeeded",
        f"{what}: the poller ended {poller.status()}, not Succeeded",
    )
    return result


def expect_error(what, status, code, call):
    """Runs `call`, which must fail with an HttpResponseError of `status` and error `code`."""
    try:
        result = call()
    except HttpResponseError as e:
        check(
            e.status_code == status,
            f"{what}: expected HTTP {status}, got {e.status_code}: {e.message}",
        )
        got = e.error.code if e.error else None
        check(
            got == code,
            f"{what}: expected error code {code}, got {got!r} (body {body_of(e)})",
        )
        check(bool(e.error.message), f"{what}: the error has no message (body {body_of(e)})")
        return e
    raise Failed(f"{what}: expected HTTP {status} {code}, but the call succeeded ({result!r})")


def body_of(e):
    try:
        return e.response.text()
    except Exception:  # noqa: BLE001
        return "<unreadable>"


def state(model):
    return getattr(model, "provisioning_state", None)


# ---------------------------------------------------------------------------------------------
# The scenario


def run(base_url, subscription):
    suffix = uuid.uuid4().hex[:6]
    rg = f"conformance-{suffix}"
    vnet_name, subnet_name, nsg_name = "vnet-conformance", "nodes", "nsg-nodes"
    workspace_name = f"law-conformance-{suffix}"
    cluster_name = f"aks-conformance-{suffix}"

    resources = client(ResourceManagementClient, base_url, subscription)
    network = client(NetworkManagementClient, base_url, subscription)
    logs = client(LogAnalyticsManagementClient, base_url, subscription)
    containers = client(ContainerServiceClient, base_url, subscription)
    # Resource group (synchronous PUT, HEAD).
    check(
        not resources.resource_groups.check_existence(rg),
        f"resource group {rg} exists before it was created",
    )
    group = read_all(
        resources.resource_groups.create_or_update(
            rg, res.ResourceGroup(location=LOCATION, tags={"purpose": "conformance"})
        ),
        "ResourceGroup",
    )
    check(group.name == rg, f"resource group name {group.name!r}, expected {rg!r}")
    check(group.location == LOCATION, f"resource group location {group.location!r}")
    check(state(group.properties) == "Succeeded", f"resource group state {state(group.properties)!r}")
    check(group.tags == {"purpose": "conformance"}, f"resource group tags {group.tags!r}")
    check(resources.resource_groups.check_existence(rg), "check_existence is False after create")
    ok("resource_groups.create_or_update", group.id)

    # Virtual network with a subnet (long-running PUT, Azure-AsyncOperation polling).
    vnet = read_all(
        wait(
            network.virtual_networks.begin_create_or_update(
                rg,
                vnet_name,
                net.VirtualNetwork(
                    location=LOCATION,
                    address_space=net.AddressSpace(address_prefixes=["10.10.0.0/16"]),
                    subnets=[net.Subnet(name=subnet_name, address_prefix="10.10.0.0/22")],
                ),
            ),
            "virtual_networks.begin_create_or_update",
        ),
        "VirtualNetwork",
    )
    check(state(vnet) == "Succeeded", f"virtual network state {state(vnet)!r}")
    check(
        vnet.address_space.address_prefixes == ["10.10.0.0/16"],
        f"address space {vnet.address_space.address_prefixes!r}",
    )
    check(
        [s.name for s in vnet.subnets or []] == [subnet_name],
        f"subnets {[s.name for s in vnet.subnets or []]!r}",
    )
    check(bool(vnet.etag), "the virtual network has no etag")
    ok("virtual_networks.begin_create_or_update", f"{vnet.name} {vnet.address_space.address_prefixes[0]}")

    subnet = read_all(network.subnets.get(rg, vnet_name, subnet_name), "Subnet")
    check(subnet.address_prefix == "10.10.0.0/22", f"subnet prefix {subnet.address_prefix!r}")
    check(subnet.id.endswith(f"/subnets/{subnet_name}"), f"subnet id {subnet.id!r}")
    check(state(subnet) == "Succeeded", f"subnet state {state(subnet)!r}")
    ok("subnets.get", subnet.id)

    # Network security group with a rule, then associated with the subnet.
    nsg = read_all(
        wait(
            network.network_security_groups.begin_create_or_update(
                rg,
                nsg_name,
                net.NetworkSecurityGroup(
                    location=LOCATION,
                    security_rules=[
                        net.SecurityRule(
                            name="deny-ssh-from-internet",
                            protocol="Tcp",
                            source_port_range="*",
                            destination_port_range="22",
                            source_address_prefix="Internet",
                            destination_address_prefix="*",
                            access="Deny",
                            priority=100,
                            direction="Inbound",
                        )
                    ],
                ),
            ),
            "network_security_groups.begin_create_or_update",
        ),
        "NetworkSecurityGroup",
    )
    check(state(nsg) == "Succeeded", f"NSG state {state(nsg)!r}")
    check(
        [r.name for r in nsg.security_rules or []] == ["deny-ssh-from-internet"],
        f"security rules {[r.name for r in nsg.security_rules or []]!r}",
    )
    check(nsg.security_rules[0].priority == 100, f"rule priority {nsg.security_rules[0].priority!r}")
    check(len(nsg.default_security_rules or []) == 6, "an NSG has six default rules")
    ok("network_security_groups.begin_create_or_update", f"{nsg.name}, {len(nsg.default_security_rules)} default rules")

    subnet.network_security_group = net.NetworkSecurityGroup(id=nsg.id)
    subnet = read_all(
        wait(
            network.subnets.begin_create_or_update(rg, vnet_name, subnet_name, subnet),
            "subnets.begin_create_or_update",
        ),
        "Subnet",
    )
    check(
        subnet.network_security_group is not None
        and subnet.network_security_group.id.lower() == nsg.id.lower(),
        f"subnet NSG {subnet.network_security_group!r}",
    )
    nsg = read_all(network.network_security_groups.get(rg, nsg_name), "NetworkSecurityGroup")
    check(
        [s.id.lower() for s in nsg.subnets or []] == [subnet.id.lower()],
        f"NSG subnets {[s.id for s in nsg.subnets or []]!r}",
    )
    vnets = [read_all(v, "VirtualNetwork") for v in network.virtual_networks.list(rg)]
    check([v.name for v in vnets] == [vnet_name], f"virtual_networks.list: {[v.name for v in vnets]!r}")
    ok("subnets.begin_create_or_update", "NSG associated; network_security_groups.get and virtual_networks.list agree")

    # Log Analytics workspace (azure-mgmt-loganalytics).
    workspace = read_all(
        wait(
            logs.workspaces.begin_create_or_update(
                rg,
                workspace_name,
                la.Workspace(
                    location=LOCATION,
                    sku=la.WorkspaceSku(name="PerGB2018"),
                    retention_in_days=30,
                ),
            ),
            "workspaces.begin_create_or_update",
        ),
        "Workspace",
    )
    check(state(workspace) == "Succeeded", f"workspace state {state(workspace)!r}")
    check(bool(workspace.customer_id), "the workspace has no customerId")
    check(workspace.sku.name == "PerGB2018", f"workspace SKU {workspace.sku.name!r}")
    check(workspace.retention_in_days == 30, f"retention {workspace.retention_in_days!r}")
    ok("workspaces.begin_create_or_update", f"{workspace.name}, customerId {workspace.customer_id}")

    # The Kubernetes version catalogue.
    catalogue = read_all(containers.managed_clusters.list_kubernetes_versions(LOCATION), "KubernetesVersionListResult")
    versions = {v.version: v for v in catalogue.values_property or []}
    check("1.33" in versions and "1.34" in versions, f"kubernetes versions {sorted(versions)!r}")
    defaults = [v for v, k in versions.items() if k.is_default]
    check(defaults == ["1.34"], f"default version(s) {defaults!r}, expected 1.34")
    ok("managed_clusters.list_kubernetes_versions", ", ".join(sorted(versions)) + " (default 1.34)")

    # A managed cluster on 1.33 with a system pool in the subnet.
    cluster = read_all(
        wait(
            containers.managed_clusters.begin_create_or_update(
                rg,
                cluster_name,
                aks.ManagedCluster(
                    location=LOCATION,
                    dns_prefix=f"conf{suffix}",
                    kubernetes_version="1.33",
                    identity=aks.ManagedClusterIdentity(type="SystemAssigned"),
                    enable_rbac=True,
                    agent_pool_profiles=[
                        aks.ManagedClusterAgentPoolProfile(
                            name="system",
                            mode="System",
                            count=2,
                            vm_size="Standard_D4ds_v5",
                            os_type="Linux",
                            type="VirtualMachineScaleSets",
                            vnet_subnet_id=subnet.id,
                        )
                    ],
                    network_profile=aks.ContainerServiceNetworkProfile(
                        network_plugin="azure",
                        network_plugin_mode="overlay",
                        network_policy="azure",
                        pod_cidr="10.244.0.0/16",
                        service_cidr="10.0.0.0/16",
                        dns_service_ip="10.0.0.10",
                    ),
                    tags={"purpose": "conformance"},
                ),
            ),
            "managed_clusters.begin_create_or_update (create)",
        ),
        "ManagedCluster",
    )
    check(state(cluster) == "Succeeded", f"cluster state {state(cluster)!r}")
    current = cluster.current_kubernetes_version or ""
    check(current.startswith("1.33."), f"currentKubernetesVersion {current!r}, expected 1.33.x")
    check(bool(cluster.e_tag), "the cluster has no eTag")
    check(bool(cluster.fqdn), "the cluster has no fqdn")
    pools = cluster.agent_pool_profiles or []
    check([p.name for p in pools] == ["system"], f"agentPoolProfiles {[p.name for p in pools]!r}")
    check(
        (pools[0].vnet_subnet_id or "").lower() == subnet.id.lower(),
        f"system pool subnet {pools[0].vnet_subnet_id!r}",
    )
    ok("managed_clusters.begin_create_or_update", f"{cluster.name} on {current}, eTag {cluster.e_tag}")

    # A user node pool.
    pool = read_all(
        wait(
            containers.agent_pools.begin_create_or_update(
                rg,
                cluster_name,
                "user",
                aks.AgentPool(
                    mode="User",
                    count=1,
                    vm_size="Standard_D4ds_v5",
                    os_type="Linux",
                    type="VirtualMachineScaleSets",
                    vnet_subnet_id=subnet.id,
                ),
            ),
            "agent_pools.begin_create_or_update",
        ),
        "AgentPool",
    )
    check(state(pool) == "Succeeded", f"pool state {state(pool)!r}")
    check(pool.name == "user", f"pool name {pool.name!r}")
    check(
        (pool.current_orchestrator_version or "").startswith("1.33."),
        f"pool currentOrchestratorVersion {pool.current_orchestrator_version!r}",
    )
    listed = sorted(read_all(p, "AgentPool").name for p in containers.agent_pools.list(rg, cluster_name))
    check(listed == ["system", "user"], f"agent_pools.list: {listed!r}")
    ok("agent_pools.begin_create_or_update", f"pools {', '.join(listed)}")

    # A maintenance window for automatic upgrades.
    window = read_all(
        containers.maintenance_configurations.create_or_update(
            rg,
            cluster_name,
            "aksManagedAutoUpgradeSchedule",
            aks.MaintenanceConfiguration(
                maintenance_window=aks.MaintenanceWindow(
                    schedule=aks.Schedule(weekly=aks.WeeklySchedule(interval_weeks=1, day_of_week="Sunday")),
                    duration_hours=4,
                    start_time="02:00",
                    utc_offset="+00:00",
                )
            ),
        ),
        "MaintenanceConfiguration",
    )
    mw = window.maintenance_window
    check(mw is not None, "the maintenance configuration has no maintenanceWindow")
    check(
        mw.schedule.weekly.day_of_week == "Sunday" and mw.duration_hours == 4 and mw.start_time == "02:00",
        f"maintenance window {mw!r}",
    )
    names = [
        read_all(m, "MaintenanceConfiguration").name
        for m in containers.maintenance_configurations.list_by_managed_cluster(rg, cluster_name)
    ]
    check(names == ["aksManagedAutoUpgradeSchedule"], f"maintenance_configurations.list_by_managed_cluster: {names!r}")
    ok("maintenance_configurations.create_or_update", "aksManagedAutoUpgradeSchedule, weekly on Sunday 02:00 for 4 h")

    # The upgrade profile offers the next minor.
    profile = read_all(containers.managed_clusters.get_upgrade_profile(rg, cluster_name), "ManagedClusterUpgradeProfile")
    cp = profile.control_plane_profile
    check(cp is not None, "the upgrade profile has no controlPlaneProfile")
    check(
        (cp.kubernetes_version or "").startswith("1.33."),
        f"upgrade profile kubernetesVersion {cp.kubernetes_version!r}",
    )
    offered = [u.kubernetes_version for u in cp.upgrades or []]
    check(any(v.startswith("1.34.") for v in offered), f"upgrades offered {offered!r}: no 1.34.x")
    check(not any(v.startswith("1.35.") for v in offered), f"upgrades offered {offered!r} skip a minor")
    ok("managed_clusters.get_upgrade_profile", "upgrades " + ", ".join(offered))

    # Skipping a minor is refused.
    cluster = read_all(containers.managed_clusters.get(rg, cluster_name), "ManagedCluster")
    stale_etag = cluster.e_tag
    cluster.kubernetes_version = "1.35"
    e = expect_error(
        "upgrade 1.33 -> 1.35",
        400,
        "OperationNotAllowed",
        lambda: containers.managed_clusters.begin_create_or_update(rg, cluster_name, cluster),
    )
    check("1.34" in e.error.message, f"the refusal does not list the available upgrades: {e.error.message!r}")
    ok("skip a minor (1.33 -> 1.35)", f"400 OperationNotAllowed: {e.error.message}")

    # Upgrade the control plane by one minor.
    cluster.kubernetes_version = "1.34"
    cluster = read_all(
        wait(
            containers.managed_clusters.begin_create_or_update(rg, cluster_name, cluster),
            "managed_clusters.begin_create_or_update (upgrade)",
        ),
        "ManagedCluster",
    )
    current = cluster.current_kubernetes_version or ""
    check(state(cluster) == "Succeeded", f"cluster state after upgrade {state(cluster)!r}")
    check(current.startswith("1.34."), f"currentKubernetesVersion after upgrade {current!r}")
    check(cluster.e_tag != stale_etag, "the eTag did not change with the upgrade")
    ok("upgrade the control plane 1.33 -> 1.34", f"now {current}, eTag {cluster.e_tag}")

    # The user pool follows: its upgrade profile offers the control plane's minor, then upgrade.
    pool_profile = read_all(
        containers.agent_pools.get_upgrade_profile(rg, cluster_name, "user"), "AgentPoolUpgradeProfile"
    )
    pool_offers = [u.kubernetes_version for u in pool_profile.upgrades or []]
    check(
        (pool_profile.kubernetes_version or "").startswith("1.33."),
        f"pool upgrade profile kubernetesVersion {pool_profile.kubernetes_version!r}",
    )
    check(any(v.startswith("1.34.") for v in pool_offers), f"pool upgrades offered {pool_offers!r}: no 1.34.x")
    pool = read_all(containers.agent_pools.get(rg, cluster_name, "user"), "AgentPool")
    pool.orchestrator_version = "1.34"
    pool = read_all(
        wait(
            containers.agent_pools.begin_create_or_update(rg, cluster_name, "user", pool),
            "agent_pools.begin_create_or_update (upgrade)",
        ),
        "AgentPool",
    )
    check(
        (pool.current_orchestrator_version or "").startswith("1.34."),
        f"user pool currentOrchestratorVersion after upgrade {pool.current_orchestrator_version!r}",
    )
    cluster = read_all(containers.managed_clusters.get(rg, cluster_name), "ManagedCluster")
    ok(
        "agent_pools.get_upgrade_profile + upgrade the user pool",
        f"offers {', '.join(pool_offers)}; now {pool.current_orchestrator_version}",
    )

    # A stale ETag is refused.
    cluster.tags = {"purpose": "conformance", "step": "stale-etag"}
    e = expect_error(
        "update with a stale If-Match",
        412,
        "PreconditionFailed",
        lambda: containers.managed_clusters.begin_create_or_update(
            rg,
            cluster_name,
            cluster,
            etag=stale_etag,
            match_condition=MatchConditions.IfNotModified,
        ),
    )
    ok("update with a stale ETag", f"412 {e.error.code} ({type(e).__name__})")

    # A second operation while one runs is refused; a few tries in case the first one finishes
    # before the second request arrives on a busy machine.
    conflict = None
    for attempt in range(1, 4):
        cluster.tags = {"purpose": "conformance", "attempt": str(attempt)}
        first = containers.managed_clusters.begin_create_or_update(
            rg, cluster_name, cluster, etag=cluster.e_tag, match_condition=MatchConditions.IfNotModified
        )
        errors = []
        for what, call in (
            (
                "a second managed_clusters.begin_create_or_update",
                lambda: containers.managed_clusters.begin_create_or_update(rg, cluster_name, cluster),
            ),
            (
                "agent_pools.begin_create_or_update during the cluster update",
                lambda: containers.agent_pools.begin_create_or_update(
                    rg, cluster_name, "user", aks.AgentPool(mode="User", count=2, vm_size="Standard_D4ds_v5")
                ),
            ),
        ):
            try:
                extra = call()
                wait(extra, what)
                errors.append(None)
            except HttpResponseError as err:
                errors.append((what, err))
        cluster = read_all(wait(first, "the first cluster update"), "ManagedCluster")
        if all(errors):
            conflict = errors
            break
        print(f"note  concurrent operations: attempt {attempt} was not refused (the first one may have finished), retrying", flush=True)
    check(conflict is not None, "a second operation while one runs was accepted three times")
    for what, err in conflict:
        check(err.status_code == 409, f"{what}: expected 409, got {err.status_code}: {body_of(err)}")
        code = err.error.code if err.error else None
        check(code == "OperationNotAllowed", f"{what}: expected OperationNotAllowed, got {code!r} ({body_of(err)})")
    ok("a second operation while one runs", "409 OperationNotAllowed for a cluster PUT and a pool PUT")

    # Tags through PATCH (a long-running operation on AKS).
    cluster = read_all(
        wait(
            containers.managed_clusters.begin_update_tags(
                rg, cluster_name, aks.TagsObject(tags={"purpose": "conformance", "patched": "yes"})
            ),
            "managed_clusters.begin_update_tags",
        ),
        "ManagedCluster",
    )
    check(cluster.tags == {"purpose": "conformance", "patched": "yes"}, f"tags after PATCH {cluster.tags!r}")
    ok("managed_clusters.begin_update_tags", f"tags {cluster.tags}")

    # Lists.
    clusters = [read_all(c, "ManagedCluster").name for c in containers.managed_clusters.list_by_resource_group(rg)]
    check(clusters == [cluster_name], f"managed_clusters.list_by_resource_group: {clusters!r}")
    groups = [g.name for g in resources.resource_groups.list()]
    check(rg in groups, f"resource_groups.list does not contain {rg}: {groups!r}")
    ok("list clusters and resource groups", f"{len(clusters)} cluster, {len(groups)} group(s)")

    # Delete everything.
    wait(containers.agent_pools.begin_delete(rg, cluster_name, "user"), "agent_pools.begin_delete")
    try:
        containers.agent_pools.get(rg, cluster_name, "user")
        raise Failed("the user pool is still there after agent_pools.begin_delete")
    except ResourceNotFoundError:
        pass
    ok("agent_pools.begin_delete", "user pool gone (404)")

    wait(containers.managed_clusters.begin_delete(rg, cluster_name), "managed_clusters.begin_delete")
    try:
        containers.managed_clusters.get(rg, cluster_name)
        raise Failed("the cluster is still there after managed_clusters.begin_delete")
    except ResourceNotFoundError:
        pass
    ok("managed_clusters.begin_delete", "cluster gone (404)")

    wait(resources.resource_groups.begin_delete(rg), "resource_groups.begin_delete")
    try:
        resources.resource_groups.get(rg)
        raise Failed("the resource group is still there after resource_groups.begin_delete")
    except ResourceNotFoundError as e:
        check(e.status_code == 404, f"resource group get: status {e.status_code}")
    check(not resources.resource_groups.check_existence(rg), "check_existence is True after delete")
    try:
        network.virtual_networks.get(rg, vnet_name)
        raise Failed("the virtual network survived its resource group")
    except ResourceNotFoundError:
        pass
    ok("resource_groups.begin_delete", "resource group gone (404), its network with it")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url", help="the emulator's base URL, e.g. http://127.0.0.1:40123")
    parser.add_argument(
        "subscription",
        nargs="?",
        default="00000000-0000-0000-0000-0000000c0f01",
        help="the subscription id to use",
    )
    args = parser.parse_args()
    started = time.monotonic()
    try:
        run(args.base_url.rstrip("/"), args.subscription)
    except Failed as e:
        print(f"FAIL  {e}", flush=True)
        return 1
    except HttpResponseError as e:
        request = getattr(e.response, "request", None)
        where = f"{request.method} {request.url}" if request is not None else "?"
        print(
            f"FAIL  unexpected error, last response HTTP {e.status_code} to {where}: {e.message}\n      body: {body_of(e)}",
            flush=True,
        )
        traceback.print_exc()
        return 1
    except Exception as e:  # noqa: BLE001 - any SDK failure is a conformance failure
        print(f"FAIL  the SDK failed: {type(e).__name__}: {e}", flush=True)
        traceback.print_exc()
        return 1
    print(
        "api-versions sent: "
        + ", ".join(f"{p} {'/'.join(sorted(v))}" for p, v in sorted(API_VERSIONS.items())),
        flush=True,
    )
    if EXTRA_FIELDS:
        print(f"note  {len(EXTRA_FIELDS)} response field(s) the SDK models do not know:", flush=True)
        for f in sorted(set(EXTRA_FIELDS)):
            print(f"note    {f}", flush=True)
    print(f"conformance: all steps passed in {time.monotonic() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
