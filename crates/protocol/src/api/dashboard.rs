//! Dashboard metrics. The docs only say "dashboard shell data and dashboard metrics"; this shape
//! is our decision: `GET /api/v1/workspaces/{id}/dashboard?days=N` (1–90, default 14).

use super::{Status, WorkspaceRef};
use serde::{Deserialize, Serialize};

pub const DASHBOARD_DAYS_DEFAULT: u32 = 14;
pub const DASHBOARD_DAYS_MAX: u32 = 90;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardMetrics {
    pub workspace: WorkspaceRef,
    /// Inclusive first day and exclusive end, RFC 3339.
    pub from: String,
    pub to: String,
    /// Events in the window, by event status.
    pub events: StatusCounts,
    /// Rule deliveries in the window, by delivery status.
    pub deliveries: StatusCounts,
    /// One bucket per UTC day, oldest first, every day present.
    pub daily: Vec<DailyBucket>,
    pub connections: ConnectionHealth,
    /// Most recent failed deliveries (at most 10), newest first.
    pub recent_failures: Vec<RecentFailure>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatusCounts {
    pub total: u32,
    pub pending: u32,
    pub processing: u32,
    pub retrying: u32,
    pub completed: u32,
    pub failed: u32,
    pub canceled: u32,
}

impl StatusCounts {
    pub fn add(&mut self, status: Status, n: u32) {
        self.total += n;
        *match status {
            Status::Pending => &mut self.pending,
            Status::Processing => &mut self.processing,
            Status::Retrying => &mut self.retrying,
            Status::Completed => &mut self.completed,
            Status::Failed => &mut self.failed,
            Status::Canceled => &mut self.canceled,
        } += n;
    }

    /// Share of finished deliveries that succeeded, in tenths of a percent, rounded half up
    /// (None when nothing finished). Whole numbers, so showing it needs no float printing.
    pub fn success_permille(&self) -> Option<u32> {
        let done = u64::from(self.completed) + u64::from(self.failed);
        (done > 0).then(|| ((u64::from(self.completed) * 2000 + done) / (2 * done)) as u32)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyBucket {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    pub total: u32,
    pub completed: u32,
    pub failed: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionHealth {
    pub total: u32,
    pub active: u32,
    pub inactive: u32,
    /// Inactive connections with their reason, so the dashboard can say what to fix.
    pub attention: Vec<ConnectionAttention>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionAttention {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub inactive_reason: Option<super::InactiveReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentFailure {
    pub event_id: String,
    pub event: String,
    pub rule_event_id: String,
    pub connection: String,
    /// Empty when the connection is hidden from the caller.
    pub connection_name: String,
    /// Additive (decision 83).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_state: Option<super::ConnectionState>,
    pub integration_type: String,
    pub last_error: Option<String>,
    pub failed_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_is_counted_in_tenths_of_a_percent_rounded_half_up() {
        let rate = |completed, failed| {
            StatusCounts {
                completed,
                failed,
                ..Default::default()
            }
            .success_permille()
        };
        assert_eq!(rate(0, 0), None);
        assert_eq!(rate(5, 0), Some(1000));
        assert_eq!(rate(0, 3), Some(0));
        assert_eq!(rate(2, 1), Some(667)); // 66.66…
        assert_eq!(rate(1, 2), Some(333)); // 33.33…
        assert_eq!(rate(1999, 1), Some(1000)); // 99.95 rounds up
        assert_eq!(rate(u32::MAX, u32::MAX), Some(500)); // no overflow
    }
}
