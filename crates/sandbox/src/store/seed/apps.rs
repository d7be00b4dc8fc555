//! The seeded OAuth connections stand for apps the demo tenant already connected. The fake
//! providers keep their tokens in memory, so on every start they issue these connections fresh
//! ones: deliveries to them then go through the providers' real API like any other.

use crate::AppState;
use crate::meshes::api::catalog::integration;
use meshes_protocol::api::AuthType;
use rusqlite::params;
use serde_json::{Map, Value, json};

/// Give every active seeded OAuth connection live tokens. Returns how many.
pub fn connect_seeded_apps(state: &AppState) -> rusqlite::Result<usize> {
    let conn = state.db.conn();
    let seeded: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT id, type, secrets FROM connections WHERE created_by = 'seed' AND active = 1 \
             AND deleted_at IS NULL",
        )?
        .query_map([], |r| {
            Ok((r.get("id")?, r.get("type")?, r.get("secrets")?))
        })?
        .collect::<Result<_, _>>()?;
    let mut n = 0;
    for (id, kind, secrets) in seeded {
        if !integration(&kind).is_some_and(|i| i.authentication.kind == AuthType::Oauth) {
            continue;
        }
        let (access, refresh) = state.provider.issue(&kind, &format!("acme-{kind}"));
        let mut secrets: Map<String, Value> = serde_json::from_str(&secrets).unwrap_or_default();
        secrets.insert(
            "oauth".into(),
            json!({"access_token": access, "refresh_token": refresh}),
        );
        conn.execute(
            "UPDATE connections SET secrets = ?2 WHERE id = ?1",
            params![id, Value::Object(secrets).to_string()],
        )?;
        n += 1;
    }
    Ok(n)
}
