use leptos::prelude::*;

/// A modal that asks before something destructive. Escape or "Cancel" closes it; Tab and
/// Shift+Tab keep the focus on its two buttons (the page behind it is out of reach); the
/// confirm button shows progress while `pending`.
///
/// The handlers are `Callback`s, not `impl Fn` props: a generic prop would compile the whole
/// dialog again for every closure passed (eight places), each copy in the WASM.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: String,
    #[prop(into)] message: String,
    #[prop(into)] confirm_label: String,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let cancel_ref = NodeRef::<leptos::html::Button>::new();
    let confirm_ref = NodeRef::<leptos::html::Button>::new();
    // Focus starts on the harmless choice.
    Effect::new(move |_| {
        if let Some(button) = cancel_ref.get() {
            let _ = button.focus();
        }
    });
    view! {
        <div class="modal-backdrop" on:click=move |_| on_cancel.run(())>
            <div
                class="modal card"
                role="dialog"
                aria-modal="true"
                aria-labelledby="confirm-title"
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| match ev.key().as_str() {
                    "Escape" => on_cancel.run(()),
                    "Tab" => {
                        // Two stops, either way round: from one button to the other.
                        ev.prevent_default();
                        let (Some(confirm), Some(cancel)) = (confirm_ref.get(), cancel_ref.get()) else { return };
                        let on_cancel_now = document().active_element().is_some_and(|a| a.is_same_node(Some(cancel.as_ref())));
                        let _ = if on_cancel_now && !pending.get_untracked() { confirm.focus() } else { cancel.focus() };
                    }
                    _ => {}
                }
            >
                <h2 id="confirm-title">{title}</h2>
                <p>{message}</p>
                <div class="form-actions">
                    <button type="button" class="danger" node_ref=confirm_ref disabled=move || pending.get()
                        on:click=move |_| on_confirm.run(())>
                        {move || if pending.get() { "Working…".to_owned() } else { confirm_label.clone() }}
                    </button>
                    <button type="button" node_ref=cancel_ref on:click=move |_| on_cancel.run(())>"Cancel"</button>
                </div>
            </div>
        </div>
    }
}
