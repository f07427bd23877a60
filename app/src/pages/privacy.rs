//! `/privacy`: the privacy centre. Each right of the policy with where to use it, and the
//! register of the user's requests with their deadlines. The operator's queue of open requests
//! is on the Settings page (`components::privacy_requests::PrivacyQueue`).

use leptos::prelude::*;

use crate::api::account::Me;
use crate::api::privacy::get_privacy_requests;
use crate::components::loading::Loading;
use crate::components::page::Page;
use crate::components::privacy_requests::RequestsTable;
use crate::i18n::use_messages;
use crate::session::RequireUser;

/// `/privacy`.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! { <RequireUser children=|_me: Me| view! { <PrivacyCentre /> } /> }
}

#[component]
fn PrivacyCentre() -> impl IntoView {
    let t = use_messages();
    let p = &t.privacy;
    let requests = Resource::new(|| (), |_| get_privacy_requests());
    let rights = [
        (
            p.access_heading,
            p.access_text,
            vec![
                ("/account", p.link_account),
                ("/account/security", p.link_security),
                ("/accounts", p.link_accounts),
            ],
        ),
        (p.export_heading, p.export_text, vec![("/accounts", p.link_accounts)]),
        (p.rectify_heading, p.rectify_text, vec![("/account", p.link_account)]),
        (p.erase_heading, p.erase_text, vec![]),
        (p.restrict_heading, p.restrict_text, vec![]),
        (p.object_heading, p.object_text, vec![]),
        (p.withdraw_heading, p.withdraw_text, vec![("/accounts", p.link_accounts)]),
    ];
    view! {
        <Page title=t.shell.nav_privacy lead=p.intro>
            <section class="card" aria-labelledby="rights-heading">
                <h2 id="rights-heading">{p.rights_heading}</h2>
                <dl class="rights">
                    {rights.into_iter().map(|(heading, text, links)| {
                        let ask = links.is_empty().then_some(p.ask_operator);
                        view! {
                            <div>
                                <dt>{heading}</dt>
                                <dd>
                                    <p>{text}</p>
                                    {ask.map(|ask| view! { <p>{ask}</p> })}
                                    {(!links.is_empty()).then(|| view! {
                                        <p class="links">
                                            {links.into_iter().map(|(href, label)| view! { <a href=href>{label}</a>" " }).collect_view()}
                                        </p>
                                    })}
                                </dd>
                            </div>
                        }
                    }).collect_view()}
                </dl>
                <p><a href="/privacy-policy">{p.link_policy}</a></p>
            </section>
            <section class="card" aria-labelledby="requests-heading">
                <h2 id="requests-heading">{p.requests_heading}</h2>
                <p>{p.requests_lead}</p>
                <Loading>
                    {move || Suspend::new(async move {
                        requests.await.map(|requests| view! { <RequestsTable requests /> })
                    })}
                </Loading>
            </section>
        </Page>
    }
}
