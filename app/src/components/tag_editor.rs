//! Rows of key / value with add and remove, checked while typing by the shared tag rules
//! (a bad key or a key used twice shows at once), and key suggestions from the server.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::domain::{TagError, TagKey, TagValue};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagRow {
    pub id: usize,
    pub key: String,
    pub value: String,
}

/// The editor's state: rows, and each row's problem if it has one.
#[derive(Clone, Copy)]
pub struct TagRows {
    pub rows: RwSignal<Vec<TagRow>>,
    next: StoredValue<usize>,
}

impl TagRows {
    pub fn new(initial: Vec<(String, String)>) -> Self {
        let rows: Vec<TagRow> =
            initial.into_iter().enumerate().map(|(id, (key, value))| TagRow { id, key, value }).collect();
        let next = rows.len();
        Self { rows: RwSignal::new(rows), next: StoredValue::new(next) }
    }

    pub fn add(&self) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.rows.update(|rows| rows.push(TagRow { id, key: String::new(), value: String::new() }));
    }

    /// The message for each row that breaks a rule, by row id.
    pub fn errors(&self) -> HashMap<usize, String> {
        let rows = self.rows.get();
        let mut errors = HashMap::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for row in &rows {
            let problem = match (TagKey::parse(&row.key), TagValue::parse(&row.value)) {
                (Err(e), _) | (_, Err(e)) => Some(e),
                (Ok(key), Ok(_)) if seen.contains_key(key.as_str()) => Some(TagError::DuplicateKey(row.key.clone())),
                _ => None,
            };
            seen.entry(row.key.clone()).or_insert(row.id);
            if let Some(problem) = problem {
                errors.insert(row.id, problem.to_string());
            }
        }
        errors
    }

    /// The rows as the server function takes them (JSON pairs).
    pub fn json(&self) -> String {
        let pairs: Vec<(String, String)> = self.rows.get().into_iter().map(|r| (r.key, r.value)).collect();
        serde_json::to_string(&pairs).unwrap_or_default()
    }
}

/// The editor. `name` is the hidden field carrying the rows; `suggestions` (keys used by other
/// users, most used first) fill the key inputs' datalist.
#[component]
pub fn TagEditor(
    rows: TagRows,
    name: &'static str,
    #[prop(into)] suggestions: Signal<Vec<String>>,
    /// Called with the key being typed, to fetch suggestions for it.
    #[prop(optional)]
    on_key: Option<Callback<String>>,
) -> impl IntoView {
    let errors = Memo::new(move |_| rows.errors());
    view! {
        <fieldset class="tags">
            <legend>"Tags"</legend>
            <input type="hidden" name=name prop:value=move || rows.json()/>
            <datalist id="tag-key-suggestions">
                {move || suggestions.get().into_iter().map(|k| view! { <option value=k></option> }).collect_view()}
            </datalist>
            <Show when=move || rows.rows.with(Vec::is_empty)>
                <p class="muted small">"No tags."</p>
            </Show>
            <For each=move || rows.rows.get() key=|row| row.id let:row>
                {
                    let id = row.id;
                    let key_id = format!("tag-key-{id}");
                    let value_id = format!("tag-value-{id}");
                    let error_id = format!("tag-error-{id}");
                    let set = move |f: &dyn Fn(&mut TagRow)| rows.rows.update(|all| {
                        if let Some(r) = all.iter_mut().find(|r| r.id == id) { f(r) }
                    });
                    view! {
                        <div class="tag-row">
                            <div>
                                <label for=key_id.clone()>"Key"</label>
                                <input id=key_id autocomplete="off" list="tag-key-suggestions" value=row.key.clone()
                                    aria-describedby=error_id.clone()
                                    on:input=move |ev| {
                                        let key = event_target_value(&ev);
                                        set(&|r| r.key = key.clone());
                                        if let Some(cb) = on_key { cb.run(key); }
                                    }/>
                            </div>
                            <div>
                                <label for=value_id.clone()>"Value"</label>
                                <input id=value_id autocomplete="off" value=row.value.clone()
                                    aria-describedby=error_id.clone()
                                    on:input=move |ev| { let value = event_target_value(&ev); set(&|r| r.value = value.clone()); }/>
                            </div>
                            <button type="button" class="secondary" aria-label="Remove tag"
                                on:click=move |_| rows.rows.update(|all| all.retain(|r| r.id != id))>"Remove"</button>
                            <p id=error_id class="field-error" role="alert" aria-live="polite">
                                {move || errors.with(|e| e.get(&id).cloned()).unwrap_or_default()}
                            </p>
                        </div>
                    }
                }
            </For>
            <button type="button" on:click=move |_| rows.add()>"Add tag"</button>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_row_at_fault() {
        let owner = Owner::new();
        owner.with(|| {
            let rows = TagRows::new(vec![
                ("floor".into(), "2".into()),
                ("has space".into(), "x".into()),
                ("floor".into(), "3".into()),
            ]);
            let errors = rows.errors();
            assert_eq!(errors.len(), 2);
            assert!(errors[&1].starts_with("Key may only hold"));
            assert!(errors[&2].contains("used twice"));
            assert_eq!(rows.json(), r#"[["floor","2"],["has space","x"],["floor","3"]]"#);
        });
    }
}
