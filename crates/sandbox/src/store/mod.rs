//! Storage and what moves in it: the SQLite database (`db`), its rows as protocol types
//! (`rows`), what a new workspace starts with (`defaults`), the demo data (`seed`), and the
//! delivery engine that moves scheduled deliveries (`delivery`).

pub mod db;
pub mod defaults;
pub mod delivery;
pub mod rows;
pub mod seed;
