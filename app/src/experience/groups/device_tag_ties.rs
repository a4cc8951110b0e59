//! A group's devices by tag (Losant's `deviceTags`): rows of key and optional value; a device
//! with that key (and that value, when one is given) belongs to the group.

use leptos::prelude::*;

use crate::domain::{TagKey, TagValue};

#[derive(Clone, Copy)]
pub struct TieRows {
    rows: RwSignal<Vec<(usize, String, String)>>,
    next: StoredValue<usize>,
}

impl TieRows {
    pub fn new(initial: Vec<(String, Option<String>)>) -> Self {
        let rows: Vec<_> = initial.into_iter().enumerate().map(|(i, (k, v))| (i, k, v.unwrap_or_default())).collect();
        let next = rows.len();
        Self { rows: RwSignal::new(rows), next: StoredValue::new(next) }
    }

    /// The first problem of any row, if one has one.
    pub fn error(&self) -> Option<String> {
        self.rows.with(|rows| {
            rows.iter().enumerate().find_map(|(n, (_, key, value))| {
                let problem = TagKey::parse(key)
                    .err()
                    .or_else(|| (!value.is_empty()).then(|| TagValue::parse(value).err()).flatten());
                problem.map(|e| format!("Device tag {}: {e}", n + 1))
            })
        })
    }

    /// `[{"key": …, "value": …}]`, value omitted when blank.
    pub fn json(&self) -> String {
        let ties: Vec<serde_json::Value> = self.rows.with(|rows| {
            rows.iter()
                .map(|(_, k, v)| {
                    if v.is_empty() {
                        serde_json::json!({ "key": k })
                    } else {
                        serde_json::json!({ "key": k, "value": v })
                    }
                })
                .collect()
        });
        serde_json::Value::Array(ties).to_string()
    }
}

#[component]
pub fn DeviceTagTies(rows: TieRows, #[prop(into)] server_error: Signal<Option<String>>) -> impl IntoView {
    let error = Memo::new(move |_| rows.error());
    view! {
        <fieldset class="tags">
            <legend>"Devices by tag"</legend>
            <input type="hidden" name="device_tags_json" prop:value=move || rows.json()/>
            <Show when=move || rows.rows.with(Vec::is_empty)>
                <p class="muted small">"No tag rules: only devices tied by id belong to this group."</p>
            </Show>
            <For each=move || rows.rows.get() key=|row| row.0 let:row>
                {
                    let id = row.0;
                    let set = move |key: Option<String>, value: Option<String>| rows.rows.update(|all| {
                        if let Some(r) = all.iter_mut().find(|r| r.0 == id) {
                            if let Some(k) = key { r.1 = k; }
                            if let Some(v) = value { r.2 = v; }
                        }
                    });
                    view! {
                        <div class="tag-row">
                            <div>
                                <label for=format!("tie-key-{id}")>"Tag key"</label>
                                <input id=format!("tie-key-{id}") autocomplete="off" value=row.1.clone()
                                    on:input=move |ev| set(Some(event_target_value(&ev)), None)/>
                            </div>
                            <div>
                                <label for=format!("tie-value-{id}")>"Tag value (optional)"</label>
                                <input id=format!("tie-value-{id}") autocomplete="off" value=row.2.clone()
                                    on:input=move |ev| set(None, Some(event_target_value(&ev)))/>
                            </div>
                            <button type="button" class="secondary" aria-label="Remove tag rule"
                                on:click=move |_| rows.rows.update(|all| all.retain(|r| r.0 != id))>"Remove"</button>
                        </div>
                    }
                }
            </For>
            <p class="field-error" role="alert" aria-live="polite">{move || error.get().or_else(|| server_error.get()).unwrap_or_default()}</p>
            <button type="button" on:click=move |_| {
                let id = rows.next.get_value();
                rows.next.set_value(id + 1);
                rows.rows.update(|all| all.push((id, String::new(), String::new())));
            }>"Add tag rule"</button>
        </fieldset>
    }
}
