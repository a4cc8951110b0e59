//! The users list's tools: the bulk job's progress, the bulk bar (shown while rows are ticked)
//! and the row menu's confirmations (delete, disable, invalidate tokens). Their code is a chunk
//! of its own, fetched once the list is interactive: together they are the largest part of the
//! list's code, and none of it is needed to read, filter or page the list. The job's progress
//! is therefore not in the server's HTML; it shows a moment after the list does.

use leptos::lazy;
use leptos::prelude::*;

use super::bulk_bar::{BarInputs, BulkBar, BulkJobPanel};
use super::state_box::DisableUserDialog;
use super::tokens::InvalidateUserDialog;
use super::{DeleteUser, InvalidateUserTokens, SetUserDisabled, UserRow};
use crate::components::confirm::ConfirmDialog;

/// What the tools work on, from the list: the job started from the list, the bar's inputs, and
/// for each row action the row asked about (a dialog is open while it is set) and the action
/// the list reads the result of.
#[derive(Clone, Copy)]
pub struct ListTools {
    /// The job started from the list (in the address), if any.
    pub started_job: Signal<Option<String>>,
    /// Called once a job seen running ends.
    pub on_job_finished: Callback<()>,
    pub bar: BarInputs,
    pub delete: ServerAction<DeleteUser>,
    pub to_delete: RwSignal<Option<UserRow>>,
    pub invalidate: ServerAction<InvalidateUserTokens>,
    pub to_invalidate: RwSignal<Option<UserRow>>,
    pub set_disabled: ServerAction<SetUserDisabled>,
    pub to_disable: RwSignal<Option<UserRow>>,
}

#[lazy]
pub fn list_tools(tools: ListTools) -> AnyView {
    view! { <Tools tools/> }.into_any()
}

#[component]
fn Tools(tools: ListTools) -> impl IntoView {
    let ListTools {
        started_job,
        on_job_finished,
        bar,
        delete,
        to_delete,
        invalidate,
        to_invalidate,
        set_disabled,
        to_disable,
    } = tools;
    let app_id = bar.app_id;
    view! {
        <BulkJobPanel app_id started=started_job on_finished=move || on_job_finished.run(())/>
        <BulkBar inputs=bar/>
        {move || to_delete.get().map(|row| {
            let app = app_id.get_untracked();
            let id = row.id.clone();
            view! {
                <ConfirmDialog
                    title="Delete this user?"
                    message=format!("{} will be deleted with their group memberships and tags. Their tokens stop working at once. This cannot be undone.", row.email)
                    confirm_label="Delete"
                    pending=delete.pending()
                    on_confirm=move || { delete.dispatch(DeleteUser { application_id: app.clone(), user_id: id.clone() }); }
                    on_cancel=move || to_delete.set(None)
                />
            }
        })}
        {move || to_disable.get().map(|row| view! {
            <DisableUserDialog action=set_disabled app_id=app_id.get_untracked() user_id=row.id.clone()
                email=row.email.clone() until=String::new() on_close=move || to_disable.set(None)/>
        })}
        {move || to_invalidate.get().map(|row| view! {
            <InvalidateUserDialog
                action=invalidate
                app_id=app_id.get_untracked()
                user_id=row.id.clone()
                email=row.email.clone()
                last_done=row.token_cutoff
                on_close=move || to_invalidate.set(None)
            />
        })}
    }
}
