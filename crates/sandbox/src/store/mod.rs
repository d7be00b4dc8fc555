//! Storage and what moves in it: the SQLite database (`db`), the demo data (`seed`), and the
//! delivery engine that moves scheduled deliveries (`delivery`).

pub mod db;
pub mod delivery;
pub mod rows;
pub mod seed;
