//! Small shared view pieces, one file per family. Text only — no `inner_html` anywhere, so
//! nothing from the API or a message can become markup.

mod feedback;
mod focus;
mod labels;
mod states;
mod table;
mod time;

pub use feedback::{ConfirmButton, Notice, NoticeView, param_error};
pub use focus::{Focus, focus_lost, focus_within, use_focus};
pub use labels::{
    CopyId, StatusBadge, connection_label, inactive_reason, integration_label, outcome_label,
    page_title, status_label,
};
pub use states::{ErrorState, PageHeader, ReadOnlyNote, Skeleton};
pub use table::Table;
pub use time::{Time, local_input_to_utc, local_time, relative_time, utc_to_local_input};
