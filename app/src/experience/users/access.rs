//! "Effective access": a user's groups, the groups above them they inherit, and every device
//! they reach, each with the group that grants it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::field::FormError;
use crate::components::resource::resource;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAccess {
    /// (id, name) of the groups the user is in.
    pub direct: Vec<(String, String)>,
    /// (id, name) of the groups above those, inherited.
    pub inherited: Vec<(String, String)>,
    /// (device id, device name, granting group name), one row per grant.
    pub devices: Vec<(String, String, String)>,
}

#[server(endpoint = "users/access")]
pub async fn get_user_access(application_id: String, user_id: String) -> Result<UserAccess, crate::error::AppError> {
    use crate::server::{context, repo, users_service::user_not_found};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        repo::users::get(&mut conn, &application_id, &user_id).await?.ok_or_else(user_not_found)?;
        let direct: Vec<(String, String)> =
            repo::memberships::groups_of(&mut conn, &user_id).await?.into_iter().map(|g| (g.id, g.name)).collect();
        let inherited = repo::memberships::inherited_groups(&mut conn, &user_id).await?;
        let devices = repo::devices::effective_for_user(&mut conn, &user_id)
            .await?
            .into_iter()
            .map(|g| (g.device_id, g.device_name, g.group_name))
            .collect();
        Ok(UserAccess { direct, inherited, devices })
    })
    .await
}

#[component]
pub fn EffectiveAccess(app_id: String, user_id: String, #[prop(into)] refresh: Signal<usize>) -> impl IntoView {
    let access =
        resource(move || (app_id.clone(), user_id.clone(), refresh.get()), |(app, user, _)| get_user_access(app, user));
    let names = |groups: &[(String, String)]| {
        if groups.is_empty() {
            "None".to_owned()
        } else {
            groups.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join(", ")
        }
    };
    view! {
        <section class="card access" aria-labelledby="access-title">
            <h2 id="access-title">"Effective access"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || access.get().map(|result| match result {
                    Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone()))/> }.into_any(),
                    Ok(access) => view! {
                        <dl class="facts">
                            <dt>"Groups"</dt><dd data-testid="direct-groups">{names(&access.direct)}</dd>
                            <dt>"Inherited from"</dt><dd data-testid="inherited-groups">{names(&access.inherited)}</dd>
                        </dl>
                        {if access.devices.is_empty() {
                            view! { <p class="muted">"No devices: none is tied to these groups or the groups above them."</p> }.into_any()
                        } else {
                            view! {
                                <table class="devices">
                                    <thead><tr><th scope="col">"Device"</th><th scope="col">"Granted by"</th></tr></thead>
                                    <tbody>
                                        {access.devices.into_iter().map(|(_, device, group)| view! {
                                            <tr><td>{device}</td><td>{group}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
