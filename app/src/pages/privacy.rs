//! `/privacy`: the privacy centre. Each right of the policy with where to use it, and the
//! register of the user's requests with their deadlines; `/settings/privacy-requests`: the
//! operator's queue of open requests; `/login/deletion`: a sign-in during a deletion's grace
//! period, which may keep the account.

use leptos::prelude::*;

use crate::api::account::Me;
use crate::api::auth::Logout;
use crate::api::privacy::{CancelDeletion, DeleteAccount, get_pending_deletion, get_privacy_requests};
use crate::components::form::{Field, FormAlert, Notice, action_error};
use crate::components::loading::Loading;
use crate::components::page::Page;
use crate::components::privacy_requests::{PrivacyQueue, RequestsTable};
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
        (p.restrict_heading, p.restrict_text, vec![]),
        (p.object_heading, p.object_text, vec![]),
        (p.withdraw_heading, p.withdraw_text, vec![("/accounts", p.link_accounts)]),
    ];
    let cancelled = {
        let query = leptos_router::hooks::use_query_map();
        Memo::new(move |_| query.read().get("deletion_cancelled").is_some())
    };
    view! {
        <Page title=t.shell.nav_privacy lead=p.intro>
            {move || cancelled.get().then(|| view! { <Notice text=p.deletion_cancelled_notice /> })}
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
            <DeleteAccountSection />
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

/// `/settings/privacy-requests`: the operator's queue (members see that it is the operator's).
#[component]
pub fn PrivacyRequestsPage() -> impl IntoView {
    view! { <RequireUser children=|me: Me| view! { <PrivacyRequests operator=me.is_operator /> } /> }
}

#[component]
fn PrivacyRequests(operator: bool) -> impl IntoView {
    let t = use_messages();
    let notices =
        [("recorded", t.privacy.recorded), ("closed", t.privacy.closed), ("extended", t.privacy.extended)];
    let query = leptos_router::hooks::use_query_map();
    view! {
        <Page title=t.privacy.queue_heading lead=t.privacy.queue_lead>
            {notices.into_iter().map(|(name, text)| {
                let shown = Memo::new(move |_| query.read().get(name).is_some());
                move || shown.get().then(|| view! { <Notice text /> })
            }).collect_view()}
            {if operator { view! { <PrivacyQueue /> }.into_any() } else { view! { <p>{t.privacy.queue_operator_only}</p> }.into_any() }}
        </Page>
    }
}

/// Deleting the account: the password, and the second factor when it is on.
#[component]
fn DeleteAccountSection() -> impl IntoView {
    let t = use_messages();
    let p = &t.privacy;
    let action = ServerAction::<DeleteAccount>::new();
    let error = action_error(action);
    view! {
        <section class="card" id="delete-account" aria-labelledby="delete-heading">
            <h2 id="delete-heading">{p.erase_heading}</h2>
            <p>{p.erase_text}</p>
            <FormAlert error fields=&["password", "code"] />
            <ActionForm action>
                <Field label=p.erase_password name="password" kind="password" autocomplete="current-password" required=true error />
                <Field label=p.erase_code name="code" autocomplete="one-time-code" error />
                <button type="submit" class="button button--danger" disabled=move || action.pending().get()>{p.erase_submit}</button>
            </ActionForm>
        </section>
    }
}

/// `/login/deletion`: a sign-in to an account scheduled for deletion, which may keep it.
#[component]
pub fn ErasurePendingPage() -> impl IntoView {
    let t = use_messages();
    let p = &t.privacy;
    let day = Resource::new(|| (), |_| get_pending_deletion());
    let keep = ServerAction::<CancelDeletion>::new();
    let error = action_error(keep);
    let logout = ServerAction::<Logout>::new();
    view! {
        <Page title=p.pending_title>
            <section class="card form-card">
                <Loading>
                    {move || Suspend::new(async move {
                        day.await.map(|day| view! { <p>{translations::fill(p.pending_text, &[("day", &day)])}</p> })
                    })}
                </Loading>
                <p>{p.pending_tiktok}</p>
                <FormAlert error fields=&[] unauthorized=t.errors.unauthorized />
                <ActionForm action=keep>
                    <button type="submit" class="button">{p.cancel_submit}</button>
                </ActionForm>
                <ActionForm action=logout>
                    <button type="submit" class="button button--quiet">{t.auth.log_out}</button>
                </ActionForm>
            </section>
        </Page>
    }
}
