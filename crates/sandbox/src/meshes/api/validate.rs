//! Field-by-field validation of raw JSON and query strings, so every error names its param.

use crate::error::{ApiError, ApiResult};
use crate::store::db::decode_cursor;
use crate::store::db::encode_cursor;
use meshes_protocol::api::{DEFAULT_LIMIT, MAX_LIMIT, Page, ParamError};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::str::FromStr;

/// Query string as a map; malformed query strings become a Meshes 400 instead of axum's text.
pub struct QueryMap(pub HashMap<String, String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for QueryMap {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> ApiResult<Self> {
        axum::extract::Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
            .map(|q| QueryMap(q.0))
            .map_err(|e| ApiError::param("query", e.body_text()))
    }
}

/// A request body that must be a JSON object; every failure (too large, not JSON, not an object)
/// is a Meshes error body.
pub struct JsonObject(pub Map<String, Value>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> ApiResult<Self> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
        json_object(&bytes).map(JsonObject)
    }
}

pub fn json_object(body: &[u8]) -> ApiResult<Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::param("body", "must be a JSON object")),
        Err(e) => Err(ApiError::param("body", format!("is not valid JSON: {e}"))),
    }
}

/// Collects param errors while reading fields; `finish` turns any into a 400.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    pub errors: Vec<ParamError>,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>, known: &[&str]) -> Fields<'a> {
        let mut errors = vec![];
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                errors.push(ParamError::new(key.as_str(), "is not a recognised field"));
            }
        }
        Fields { map, errors }
    }

    pub fn fail(&mut self, param: &str, msg: impl Into<String>) {
        self.errors.push(ParamError::new(param, msg));
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn present(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn string(&mut self, key: &str, min: usize, max: usize) -> Option<String> {
        match self.get(key)? {
            Value::String(s) if (min..=max).contains(&s.chars().count()) => Some(s.clone()),
            Value::String(_) => {
                self.fail(key, format!("must be between {min} and {max} characters"));
                None
            }
            _ => {
                self.fail(key, "must be a string");
                None
            }
        }
    }

    pub fn enumeration<T: FromStr>(&mut self, key: &str, allowed: &[&str]) -> Option<T> {
        let v = self.get(key)?;
        match v.as_str().and_then(|s| s.parse().ok()) {
            Some(t) => Some(t),
            None => {
                self.fail(key, format!("must be one of: {}", allowed.join(", ")));
                None
            }
        }
    }

    pub fn int_in(&mut self, key: &str, (lo, hi): (i64, i64)) -> Option<i64> {
        let v = self.get(key)?;
        match v.as_i64() {
            Some(n) if (lo..=hi).contains(&n) => Some(n),
            _ => {
                self.fail(key, format!("must be an integer between {lo} and {hi}"));
                None
            }
        }
    }

    pub fn bool(&mut self, key: &str) -> Option<bool> {
        let v = self.get(key)?;
        let b = v.as_bool();
        if b.is_none() {
            self.fail(key, "must be true or false");
        }
        b
    }

    /// A flag only the management key may set, such as `hidden` (decision 14: hidden items keep
    /// working out of the embed's sight, so an embed session must not be able to hide one).
    pub fn management_bool(
        &mut self,
        key: &str,
        caller: &crate::meshes::api::caller::Caller,
    ) -> Option<bool> {
        if caller.session().is_some() && self.map.contains_key(key) {
            self.fail(
                key,
                "can only be set with the management key, not from an embed session",
            );
            return None;
        }
        self.bool(key)
    }

    pub fn string_array(&mut self, key: &str, max: usize) -> Option<Vec<String>> {
        let v = self.get(key)?;
        let Some(items) = v.as_array() else {
            self.fail(key, "must be an array of strings");
            return None;
        };
        if items.len() > max {
            self.fail(key, format!("must have at most {max} entries"));
            return None;
        }
        let strings: Option<Vec<String>> = items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect();
        if strings.is_none() {
            self.fail(key, "must be an array of strings");
        }
        strings
    }

    pub fn finish(self, message: &str) -> ApiResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::bad_request(message, self.errors))
        }
    }
}

pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The rule `resource_id` alphabet: `^[A-Za-z0-9._:-]{1,64}$`.
pub fn is_resource_token(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// `?resource=&resource_id=` list filters use the rule alphabet.
pub fn check_resource_query(q: &HashMap<String, String>, errors: &mut Vec<ParamError>) {
    for key in ["resource", "resource_id"] {
        if q.get(key).is_some_and(|v| !is_resource_token(v)) {
            errors.push(ParamError::new(key, "must match ^[A-Za-z0-9._:-]{1,64}$"));
        }
    }
}

/// `?limit=&cursor=` for list endpoints.
pub struct PageQuery {
    pub limit: u32,
    /// Return rows with `seq` below this.
    pub before: Option<i64>,
}

impl PageQuery {
    pub fn parse(q: &HashMap<String, String>, errors: &mut Vec<ParamError>) -> PageQuery {
        let limit = match q.get("limit") {
            None => DEFAULT_LIMIT,
            Some(l) => match l.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    errors.push(ParamError::new(
                        "limit",
                        format!("must be an integer between 1 and {MAX_LIMIT}"),
                    ));
                    DEFAULT_LIMIT
                }
            },
        };
        let before = match q.get("cursor") {
            None => None,
            Some(c) => {
                let valid = !c.is_empty()
                    && c.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                match decode_cursor(c).filter(|_| valid) {
                    Some(n) => Some(n),
                    None => {
                        errors.push(ParamError::new(
                            "cursor",
                            "is not a cursor returned by this endpoint",
                        ));
                        None
                    }
                }
            }
        };
        PageQuery { limit, before }
    }

    /// SQL fragment and value for the keyset condition.
    pub fn before_seq(&self) -> i64 {
        self.before.unwrap_or(i64::MAX)
    }
}

impl PageQuery {
    /// Parse `?limit=&cursor=` alone, failing with the Meshes error body.
    pub fn from_query(q: &HashMap<String, String>) -> ApiResult<PageQuery> {
        let mut errors = vec![];
        let page = PageQuery::parse(q, &mut errors);
        if errors.is_empty() {
            Ok(page)
        } else {
            Err(ApiError::bad_request("Invalid query", errors))
        }
    }
}

/// Build a page from up to `limit + 1` rows (the extra row only says another page follows).
pub fn paginate<T>(mut rows: Vec<(T, i64)>, limit: u32) -> Page<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|(_, seq)| encode_cursor(*seq))
    } else {
        None
    };
    let records: Vec<T> = rows.into_iter().map(|(t, _)| t).collect();
    Page {
        count: records.len() as u32,
        limit,
        next_cursor,
        records,
    }
}
