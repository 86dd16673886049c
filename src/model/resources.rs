//! Resource groups, Log Analytics workspaces, role assignments and maintenance configurations,
//! with ARM's JSON names. Read-only fields are `skip_serializing`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A resource group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroup {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub id: Option<String>,
    /// Region.
    pub location: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// The resource managing the group, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<String>,
    /// Read-only state.
    #[serde(default, skip_serializing)]
    pub properties: Option<ResourceGroupProperties>,
}

/// `properties` of a resource group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroupProperties {
    /// `Succeeded`, `Deleting`, ...
    #[serde(default)]
    pub provisioning_state: Option<String>,
}

/// A Log Analytics workspace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub id: Option<String>,
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub etag: Option<String>,
    /// Region.
    pub location: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// Everything else.
    #[serde(default)]
    pub properties: WorkspaceProperties,
}

/// `properties` of a workspace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceProperties {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub provisioning_state: Option<String>,
    /// Read-only: the workspace id agents use.
    #[serde(default, skip_serializing)]
    pub customer_id: Option<String>,
    /// Pricing tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<WorkspaceSku>,
    /// Data retention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<u32>,
    /// Daily ingestion cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_capping: Option<WorkspaceCapping>,
    /// Feature switches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<WorkspaceFeatures>,
    /// `Enabled` or `Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_network_access_for_ingestion: Option<String>,
    /// `Enabled` or `Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_network_access_for_query: Option<String>,
}

/// `sku` of a workspace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSku {
    /// e.g. `PerGB2018`.
    pub name: String,
    /// Capacity reservation level, for `CapacityReservation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_reservation_level: Option<u32>,
}

/// `workspaceCapping`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceCapping {
    /// GB per day; -1 is unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_quota_gb: Option<f64>,
}

/// `features` of a workspace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceFeatures {
    /// Resource-context access only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_log_access_using_only_resource_permissions: Option<bool>,
    /// Local (shared key) authentication off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_local_auth: Option<bool>,
}

/// A role assignment (`{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub id: Option<String>,
    /// Read-only (the GUID comes from the URL).
    #[serde(default, skip_serializing)]
    pub name: Option<String>,
    /// Everything else.
    pub properties: RoleAssignmentProperties,
}

/// `properties` of a role assignment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignmentProperties {
    /// The role definition id.
    pub role_definition_id: String,
    /// The principal's object id.
    pub principal_id: String,
    /// `User`, `Group`, `ServicePrincipal`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_type: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// ABAC condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// `2.0` when a condition is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_version: Option<String>,
    /// Read-only: the scope.
    #[serde(default, skip_serializing)]
    pub scope: Option<String>,
}

/// A maintenance configuration (`.../managedClusters/{c}/maintenanceConfigurations/{name}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceConfiguration {
    /// Read-only.
    #[serde(default, skip_serializing)]
    pub id: Option<String>,
    /// Everything else.
    #[serde(default)]
    pub properties: MaintenanceConfigurationProperties,
}

/// `properties` of a maintenance configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceConfigurationProperties {
    /// The window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_window: Option<MaintenanceWindow>,
}

/// `maintenanceWindow`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceWindow {
    /// Exactly one schedule shape.
    pub schedule: Schedule,
    /// 4-24 hours.
    pub duration_hours: u32,
    /// `HH:mm` in `utcOffset`.
    pub start_time: String,
    /// `+05:30` style.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utc_offset: Option<String>,
    /// `YYYY-MM-DD`; AKS fills today's date when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Dates without maintenance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_allowed_dates: Option<Vec<DateSpan>>,
}

/// `schedule`: exactly one field is set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    /// Every N days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily: Option<Daily>,
    /// Every N weeks on a day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly: Option<Weekly>,
    /// Every N months on a date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absolute_monthly: Option<AbsoluteMonthly>,
    /// Every N months on the Nth weekday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_monthly: Option<RelativeMonthly>,
}

/// `schedule.daily`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Daily {
    /// Interval.
    pub interval_days: u32,
}

/// `schedule.weekly`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Weekly {
    /// Interval.
    pub interval_weeks: u32,
    /// `Monday`...
    pub day_of_week: String,
}

/// `schedule.absoluteMonthly`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AbsoluteMonthly {
    /// Interval.
    pub interval_months: u32,
    /// 1-31.
    pub day_of_month: u32,
}

/// `schedule.relativeMonthly`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelativeMonthly {
    /// Interval.
    pub interval_months: u32,
    /// `First`...`Last`.
    pub week_index: String,
    /// `Monday`...
    pub day_of_week: String,
}

/// A `{start, end}` date span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DateSpan {
    /// First date.
    pub start: String,
    /// Last date.
    pub end: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn role_assignments_send_only_what_they_may() {
        let live = json!({"id": "/x", "name": "g", "type": "Microsoft.Authorization/roleAssignments",
            "properties": {"roleDefinitionId": "/r", "principalId": "p", "principalType": "Group", "scope": "/s", "createdOn": "t"}});
        let ra: RoleAssignment = serde_json::from_value(live).unwrap();
        assert_eq!(ra.properties.scope.as_deref(), Some("/s"));
        assert_eq!(
            serde_json::to_value(&ra).unwrap(),
            json!({"properties": {"roleDefinitionId": "/r", "principalId": "p", "principalType": "Group"}})
        );
    }

    #[test]
    fn maintenance_windows_use_one_schedule_shape() {
        let w = MaintenanceConfiguration {
            id: None,
            properties: MaintenanceConfigurationProperties {
                maintenance_window: Some(MaintenanceWindow {
                    schedule: Schedule {
                        weekly: Some(Weekly {
                            interval_weeks: 1,
                            day_of_week: "Sunday".into(),
                        }),
                        ..Schedule::default()
                    },
                    duration_hours: 4,
                    start_time: "02:00".into(),
                    utc_offset: Some("+00:00".into()),
                    start_date: None,
                    not_allowed_dates: None,
                }),
            },
        };
        assert_eq!(
            serde_json::to_value(&w).unwrap(),
            json!({"properties": {"maintenanceWindow": {"schedule": {"weekly": {"intervalWeeks": 1, "dayOfWeek": "Sunday"}},
                "durationHours": 4, "startTime": "02:00", "utcOffset": "+00:00"}}})
        );
    }
}
