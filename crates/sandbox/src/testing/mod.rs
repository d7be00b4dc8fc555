//! What only tests turn on (`--test-hooks`): the request log and fault injection (`hooks`), and
//! the hand-written baseline page the bench compares the embed with (`baseline`).

pub mod baseline;
pub mod hooks;
