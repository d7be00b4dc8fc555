//! What a rule's action must be: one the integration has, with its pickers naming live items
//! and its required inputs filled.

use super::*;

/// The action must exist for the integration, its pickers must name live items, and required
/// typed-in inputs must be filled.
pub(super) fn check_action(kind: &str, metadata: &Map<String, Value>) -> Vec<ParamError> {
    let mut errors = check_rule_metadata(metadata);
    let Some(integration) = integration(kind) else {
        return errors;
    };
    let Some(action_key) = metadata.get("action").and_then(Value::as_str) else {
        return errors;
    };
    let Some(action) = integration.actions.get(action_key) else {
        let known: Vec<&str> = integration.actions.keys().map(String::as_str).collect();
        errors.push(ParamError::new(
            "metadata.action",
            format!(
                "{} has no action {action_key:?}; one of: {}",
                integration.name,
                known.join(", ")
            ),
        ));
        return errors;
    };
    let live = live_action_data(kind);
    for input in &action.data {
        let value = metadata
            .get(input.field())
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty());
        let param = format!("metadata.{}", input.field());
        let Some(v) = value else {
            if input.is_required() {
                errors.push(ParamError::new(
                    param,
                    format!("{} is required", input.label()),
                ));
            }
            continue;
        };
        if let Some(key) = input.data_key() {
            let item = live.get(key).and_then(Value::as_array).and_then(|items| {
                items
                    .iter()
                    .find(|i| i.get("id").and_then(Value::as_str) == Some(v))
            });
            match (item, input.kind) {
                (None, _) => errors.push(ParamError::new(
                    param,
                    format!("{v:?} is not one of this connection's {key}"),
                )),
                (Some(item), InputKind::Advanced) => {
                    let chosen = metadata.get("value").and_then(Value::as_str);
                    let ok = item
                        .get("options")
                        .and_then(Value::as_array)
                        .is_some_and(|opts| {
                            opts.iter()
                                .any(|o| o.get("id").and_then(Value::as_str) == chosen)
                        });
                    if !ok {
                        errors.push(ParamError::new(
                            "metadata.value",
                            "pick one of the item's values",
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    errors
}
