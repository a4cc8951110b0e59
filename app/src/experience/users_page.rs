use leptos::prelude::*;
use leptos_meta::Title;

use crate::applications::get_application;
use crate::components::field::FormError;
use crate::components::layout::use_application_id;

/// "Users & Groups" of one application.
#[component]
pub fn UsersPage() -> impl IntoView {
    let app_id = use_application_id();
    let application = Resource::new(move || app_id.get(), get_application);

    view! {
        <Title text="Users & Groups · Experience Users"/>
        <section class="page">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || application.get().map(|result| match result {
                    Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone()))/> }.into_any(),
                    Ok(app) => view! {
                        <header class="page-header">
                            <div>
                                <p class="muted">{app.name}</p>
                                <h1>"Users & Groups"</h1>
                            </div>
                        </header>
                        <div class="empty-state">
                            <h2>"No experience users yet"</h2>
                            <p>"Experience users are the people who sign in to this application's experience."</p>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
