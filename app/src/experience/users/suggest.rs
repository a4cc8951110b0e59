use leptos::prelude::*;

use super::suggest_tag_keys;
use crate::components::resource::resource;
use crate::components::tag_editor::TagRows;

/// Suggestions for the key being typed: keys other users of the application use, most used
/// first, minus those already on this form. Returns the list and the callback to feed it.
pub fn key_suggestions(app_id: Signal<String>, rows: TagRows) -> (Signal<Vec<String>>, Callback<String>) {
    let prefix = RwSignal::new(String::new());
    let found = resource(move || (app_id.get(), prefix.get()), |(app, p)| suggest_tag_keys(app, p));
    let list = Signal::derive(move || {
        let used: Vec<String> = rows.rows.with(|r| r.iter().map(|row| row.key.clone()).collect());
        found
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|k| !used.contains(k) || prefix.with(|p| p != k))
            .collect()
    });
    (list, Callback::new(move |key: String| prefix.set(key)))
}
