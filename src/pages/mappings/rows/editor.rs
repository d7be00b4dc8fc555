//! The rows editor: one table row per field, its transforms under it, and the errors the checks
//! found next to what they are about.

use super::{Row, Transform, on_error_label, transform_label};
use crate::i18n::{number, t, tf, tr};
use crate::pages::kit::FormErrors;
use crate::ui::Table;
use leptos::prelude::*;
use meshes_protocol::api::{FieldCatalog, MAX_TRANSFORMS, ON_ERROR, TRANSFORMS};

#[component]
pub fn RowsEditor(
    rows: RwSignal<Vec<Row>>,
    catalog: RwSignal<FieldCatalog>,
    can_edit: bool,
    errors: FormErrors,
) -> impl IntoView {
    let count = move || rows.with(Vec::len);
    view! {
        <Table
            id="mapping-rows"
            columns=&[
                "mappings.col_dest",
                "mappings.col_source",
                "mappings.col_transforms",
                "mappings.col_on_error",
            ]
            actions="common.remove"
        >
            {move || {
                (0..count())
                    .map(|i| view! { <RowView i rows catalog can_edit errors /> })
                    .collect_view()
            }}
        </Table>
        <Show when=move || count() == 0>
            <p class="empty">{tr("mappings.empty")}</p>
        </Show>
    }
}

#[component]
fn RowView(
    i: usize,
    rows: RwSignal<Vec<Row>>,
    catalog: RwSignal<FieldCatalog>,
    can_edit: bool,
    errors: FormErrors,
) -> impl IntoView {
    let get =
        move |f: fn(&Row) -> String| move || rows.with(|r| r.get(i).map(f).unwrap_or_default());
    let set = move |f: fn(&mut Row, String)| {
        move |e: leptos::ev::Event| {
            rows.update(|r| {
                if let Some(row) = r.get_mut(i) {
                    f(row, event_target_value(&e))
                }
            })
        }
    };
    let p = format!("schema.fields[{i}]");
    let (pd, ps, pt) = (
        format!("{p}.dest"),
        format!("{p}.source.value"),
        format!("{p}.transforms"),
    );
    let transforms =
        move || rows.with(|r| r.get(i).map(|r| r.transforms.clone()).unwrap_or_default());
    let is_literal = move || rows.with(|r| r.get(i).is_some_and(|r| r.literal));
    // The row's controls name it by its number.
    let numbered = move |key: &'static str| tf(key, &[("row", number(i + 1).as_str())]);
    view! {
        <tr class="mapping-row">
            <td data-label=tr("mappings.col_dest")>
                <select
                    class="map-dest"
                    aria-label=move || numbered("mappings.dest_label")
                    prop:value=get(|r| r.dest.clone())
                    on:change=set(|r, v| r.dest = v)
                    disabled=!can_edit
                >
                    <option value="">{tr("common.choose")}</option>
                    {move || {
                        catalog
                            .with(|c| c.fields.clone())
                            .into_iter()
                            .map(|f| {
                                let ro = f.is_read_only();
                                let name = format!(
                                    "{}{}",
                                    f.label.clone().unwrap_or_else(|| f.key.clone()),
                                    if f.is_required() { " *" } else { "" },
                                );
                                let label = if ro {
                                    tf("mappings.read_only_field", &[("field", name.as_str())])
                                } else {
                                    name
                                };
                                view! {
                                    <option value=f.key.clone() disabled=ro>
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
                <p class="field-error">{move || errors.of(&pd)}</p>
            </td>
            <td data-label=tr("mappings.col_source")>
                <select
                    class="map-source-kind"
                    aria-label=move || numbered("mappings.source_type_label")
                    prop:value=move || if is_literal() { "literal" } else { "path" }
                    on:change=set(|r, v| r.literal = v == "literal")
                    disabled=!can_edit
                >
                    <option value="path">{tr("mappings.source_path")}</option>
                    <option value="literal">{tr("mappings.source_literal")}</option>
                </select>
                <input
                    class="map-source"
                    aria-label=move || numbered("mappings.source_label")
                    list=move || (!is_literal()).then_some("payload-paths")
                    placeholder=move || {
                        t(
                            if is_literal() {
                                "mappings.literal_placeholder"
                            } else {
                                "mappings.path_placeholder"
                            },
                        )
                    }
                    prop:value=get(|r| r.value.clone())
                    on:input=set(|r, v| r.value = v)
                    disabled=!can_edit
                />
                <p class="field-error">{move || errors.of(&ps)}</p>
            </td>
            <td data-label=tr(
                "mappings.col_transforms",
            )>
                {move || {
                    transforms()
                        .into_iter()
                        .enumerate()
                        .map(|(j, t)| view! { <TransformView i j t rows can_edit errors /> })
                        .collect_view()
                }}
                {can_edit
                    .then(|| {
                        view! {
                            <select
                                class="map-add-transform"
                                aria-label=move || numbered("mappings.add_transform_label")
                                prop:value=""
                                disabled={move || transforms().len() >= MAX_TRANSFORMS}
                                on:change=move |e| {
                                    let k = event_target_value(&e);
                                    if !k.is_empty() {
                                        rows.update(|r| {
                                            if let Some(row) = r.get_mut(i) {
                                                row.transforms
                                                    .push(Transform {
                                                        kind: k,
                                                        ..Default::default()
                                                    });
                                            }
                                        });
                                    }
                                }
                            >
                                <option value="">{tr("mappings.add_transform")}</option>
                                {TRANSFORMS
                                    .map(|t| {
                                        view! {
                                            <option value=t>{move || transform_label(t)}</option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        }
                    })} <p class="field-error">{move || errors.of(&pt)}</p>
            </td>
            <td data-label=tr("mappings.col_on_error")>
                <select
                    class="map-on-error"
                    aria-label=move || numbered("mappings.on_error_label")
                    prop:value=get(|r| r.on_error.clone())
                    on:change=set(|r, v| r.on_error = v)
                    disabled=!can_edit
                >
                    {ON_ERROR
                        .map(|o| view! { <option value=o>{move || on_error_label(o)}</option> })
                        .collect_view()}
                </select>
            </td>
            <td class="actions">
                {can_edit
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn-link remove-row"
                                on:click=move |_| {
                                    rows.update(|r| {
                                        if i < r.len() {
                                            r.remove(i);
                                        }
                                    })
                                }
                            >
                                {tr("common.remove")}
                            </button>
                        }
                    })}
            </td>
        </tr>
    }
}

#[component]
fn TransformView(
    i: usize,
    j: usize,
    t: Transform,
    rows: RwSignal<Vec<Row>>,
    can_edit: bool,
    errors: FormErrors,
) -> impl IntoView {
    let upd = move |f: fn(&mut Transform, String)| {
        move |e: leptos::ev::Event| {
            rows.update(|r| {
                if let Some(t) = r.get_mut(i).and_then(|r| r.transforms.get_mut(j)) {
                    f(t, event_target_value(&e))
                }
            })
        }
    };
    let arg = match t.kind.as_str() {
        "default" => Some("mappings.arg_value"),
        "substring" => Some("mappings.arg_start"),
        "to_date" | "to_datetime" => Some("mappings.arg_timezone"),
        _ => None,
    };
    let tp = format!("schema.fields[{i}].transforms[{j}]");
    let message = move || {
        ["type", "value", "start", "length", "timezone"]
            .iter()
            .find_map(|k| errors.of(&format!("{tp}.{k}")))
    };
    let kind = t.kind.clone();
    let kind_label = move || transform_label(&kind);
    view! {
        <div class="transform">
            <span>{kind_label}</span>
            {arg
                .map(|label| {
                    view! {
                        <input
                            aria-label=tr(label)
                            placeholder=tr(label)
                            prop:value=t.a.clone()
                            on:input=upd(|t, v| t.a = v)
                            disabled=!can_edit
                        />
                    }
                })}
            {(t.kind == "substring")
                .then(|| {
                    view! {
                        <input
                            aria-label=tr("mappings.arg_length")
                            placeholder=tr("mappings.arg_length")
                            prop:value=t.b.clone()
                            on:input=upd(|t, v| t.b = v)
                            disabled=!can_edit
                        />
                    }
                })}
            {can_edit
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="btn-link"
                            aria-label=tr("mappings.remove_transform")
                            on:click=move |_| {
                                rows.update(|r| {
                                    if let Some(row) = r
                                        .get_mut(i)
                                        .filter(|row| j < row.transforms.len())
                                    {
                                        row.transforms.remove(j);
                                    }
                                })
                            }
                        >
                            "×"
                        </button>
                    }
                })}
            <p class="field-error">{message}</p>
        </div>
    }
}
