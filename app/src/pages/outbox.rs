//! `/outbox` and `/outbox/:id`: in sandbox mode, the mail Soco would have sent, so a tester can
//! follow verification and reset links without a mail server.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::outbox::{get_outbox_message, list_outbox};
use crate::components::loading::Loading;
use crate::components::page::Page;
use crate::format::utc_minutes;
use crate::i18n::use_messages;

/// The list of messages.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let t = use_messages();
    let messages = Resource::new(|| (), |_| list_outbox());
    view! {
        <Page title=t.outbox.title lead=t.outbox.lead>
            <Loading>
                    {move || Suspend::new(async move {
                        messages.await.map(|messages| {
                            if messages.is_empty() {
                                return view! { <p>{t.outbox.empty}</p> }.into_any();
                            }
                            view! {
                                <ul class="outbox">
                                    {messages.into_iter().map(|m| view! {
                                        <li>
                                            <A href=format!("/outbox/{}", m.id)>{m.subject}</A>
                                            <span class="outbox-meta">{t.outbox.to_label}": "{m.to}" · "{utc_minutes(&m.created_at)}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        })
                    })}
                </Loading>
        </Page>
    }
}

/// One message, with its links made clickable.
#[component]
pub fn OutboxMessagePage() -> impl IntoView {
    let t = use_messages();
    let params = use_params_map();
    let message = Resource::new(move || params.read().get("id").unwrap_or_default(), get_outbox_message);
    view! {
        <Loading>
                {move || Suspend::new(async move {
                    message.await.map(|m| view! {
                        <Page title=m.subject.clone()>
                            <p class="outbox-meta">{t.outbox.to_label}": "{m.to.clone()}" · "{utc_minutes(&m.created_at)}</p>
                            <article class="card mail-body">
                                {m.text.lines().map(|line| view! { <p>{linkify(line)}</p> }).collect_view()}
                            </article>
                            <p><A href="/outbox">{t.outbox.title}</A></p>
                        </Page>
                    })
                })}
            </Loading>
    }
}

/// A line of text with its http(s) URLs turned into links.
fn linkify(line: &str) -> impl IntoView + use<> {
    line.split(' ')
        .map(|word| {
            if word.starts_with("http://") || word.starts_with("https://") {
                view! { <a href=word.to_owned()>{word.to_owned()}</a>" " }.into_any()
            } else {
                view! { {format!("{word} ")} }.into_any()
            }
        })
        .collect_view()
}
