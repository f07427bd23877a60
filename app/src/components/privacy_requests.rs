//! The privacy requests register as tables: the user's own requests, and the operator's queue
//! of open ones with its forms (complete, refuse, extend, record one received by email).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::privacy::{
    CloseRequest, ExtendRequest, QueueItem, RecordRequest, RequestChannel, RequestState, RequestView, Right,
    get_privacy_queue,
};
use crate::components::form::{Field, FormAlert, action_error};
use crate::components::loading::Loading;
use crate::i18n::{Messages, use_messages};

fn state_label(t: &'static Messages, state: RequestState) -> &'static str {
    match state {
        RequestState::Open => t.privacy.status_open,
        RequestState::Completed => t.privacy.status_completed,
        RequestState::Refused => t.privacy.status_refused,
        RequestState::Cancelled => t.privacy.status_cancelled,
    }
}

fn channel_label(t: &'static Messages, channel: RequestChannel) -> &'static str {
    match channel {
        RequestChannel::Platform => t.privacy.channel_platform,
        RequestChannel::Email => t.privacy.channel_email,
    }
}

/// The right's name, and what the request was about.
fn subject(t: &'static Messages, request: &RequestView) -> String {
    let kind = t.privacy.kind(request.right.name()).to_owned();
    match &request.detail {
        Some(detail) => format!("{kind}: {}", t.privacy.detail(detail)),
        None => kind,
    }
}

/// The deadline, with the extension's reason when there is one.
fn due(t: &'static Messages, request: &RequestView) -> String {
    match &request.extension_reason {
        Some(reason) => {
            translations::fill(t.privacy.extended_note, &[("day", &request.due_on), ("reason", reason)])
        }
        None => request.due_on.clone(),
    }
}

/// The user's requests, newest first.
#[component]
pub fn RequestsTable(requests: Vec<RequestView>) -> impl IntoView {
    let t = use_messages();
    let p = &t.privacy;
    if requests.is_empty() {
        return view! { <p>{p.requests_empty}</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="requests">
                <thead>
                    <tr>
                        <th scope="col">{p.col_kind}</th>
                        <th scope="col">{p.col_channel}</th>
                        <th scope="col">{p.col_received}</th>
                        <th scope="col">{p.col_due}</th>
                        <th scope="col">{p.col_status}</th>
                        <th scope="col">{p.col_outcome}</th>
                    </tr>
                </thead>
                <tbody>
                    {requests.into_iter().map(|request| view! {
                        <tr>
                            <th scope="row">{subject(t, &request)}</th>
                            <td>{channel_label(t, request.channel)}</td>
                            <td>{request.received.clone()}</td>
                            <td>{due(t, &request)}</td>
                            <td>{state_label(t, request.state)}{request.closed.clone().map(|at| format!(" · {at}"))}</td>
                            <td>{request.outcome.clone().unwrap_or_else(|| crate::format::MISSING.to_owned())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The operator's queue of open requests, and the form to record one received by email.
#[component]
pub fn PrivacyQueue() -> impl IntoView {
    let t = use_messages();
    let p = &t.privacy;
    let location = use_location();
    let queue = Resource::new(move || location.search.get(), |_| get_privacy_queue());
    let record = ServerAction::<RecordRequest>::new();
    let record_error = action_error(record);
    view! {
        <section class="card" id="privacy-requests" aria-labelledby="queue-heading">
            <h2 id="queue-heading">{p.queue_open_heading}</h2>
            <Loading>
                {move || Suspend::new(async move { queue.await.map(|items| view! { <QueueTable items /> }) })}
            </Loading>
            <h3>{p.record_heading}</h3>
            <FormAlert error=record_error fields=&["email", "detail"] />
            <ActionForm action=record>
                <Field label=p.record_email name="email" kind="email" required=true error=record_error />
                <div class="field">
                    <label for="right">{p.record_kind}</label>
                    <select id="right" name="right">
                        {Right::ALL.map(|right| view! { <option value=right.name()>{p.kind(right.name())}</option> })}
                    </select>
                </div>
                <div class="field">
                    <label for="detail">{p.record_detail}</label>
                    <textarea id="detail" name="detail" rows="3" maxlength="2000"></textarea>
                </div>
                <button type="submit" class="button">{p.record_submit}</button>
            </ActionForm>
        </section>
    }
}

fn time_left(t: &'static Messages, days: i64) -> String {
    match days {
        0 => t.privacy.due_today.to_owned(),
        d if d > 0 => t.privacy.days_left.replace("{n}", &d.to_string()),
        d => t.privacy.overdue.replace("{n}", &(-d).to_string()),
    }
}

#[component]
fn QueueTable(items: Vec<QueueItem>) -> impl IntoView {
    let t = use_messages();
    let p = &t.privacy;
    let close = ServerAction::<CloseRequest>::new();
    let close_error = action_error(close);
    let extend = ServerAction::<ExtendRequest>::new();
    let extend_error = action_error(extend);
    if items.is_empty() {
        return view! { <p>{p.queue_empty}</p> }.into_any();
    }
    view! {
        <FormAlert error=close_error fields=&["outcome"] />
        <FormAlert error=extend_error fields=&["months", "reason"] />
        <ul class="queue">
            {items.into_iter().map(|item| {
                let id = item.request.id;
                let overdue = item.days_left < 0;
                let outcome_id = format!("outcome-{id}");
                let months_id = format!("months-{id}");
                let reason_id = format!("reason-{id}");
                view! {
                    <li class="card card--inner">
                        <p>
                            <strong>{subject(t, &item.request)}</strong>" · "{item.email.clone()}" · "
                            {p.col_received}" "{item.request.received.clone()}
                        </p>
                        <p>
                            {p.col_due}" "{due(t, &item.request)}" · "
                            <span class:warning=overdue>{time_left(t, item.days_left)}</span>
                        </p>
                        <ActionForm action=close>
                            <input type="hidden" name="id" value=id />
                            <div class="field">
                                <label for=outcome_id.clone()>{p.outcome_label}</label>
                                <textarea id=outcome_id name="outcome" rows="2" maxlength="2000"></textarea>
                            </div>
                            <button type="submit" class="button" name="decision" value="completed">{p.complete_submit}</button>" "
                            <button type="submit" class="button button--quiet" name="decision" value="refused">{p.refuse_submit}</button>
                        </ActionForm>
                        {item.request.extension_reason.is_none().then(|| view! {
                            <ActionForm action=extend>
                                <input type="hidden" name="id" value=id />
                                <div class="field">
                                    <label for=months_id.clone()>{p.extend_months}</label>
                                    <select id=months_id name="months">
                                        <option value="1">"+1"</option>
                                        <option value="2">"+2"</option>
                                    </select>
                                </div>
                                <div class="field">
                                    <label for=reason_id.clone()>{p.extend_reason}</label>
                                    <textarea id=reason_id name="reason" rows="2" maxlength="2000" required=true></textarea>
                                </div>
                                <button type="submit" class="button button--quiet">{p.extend_submit}</button>
                            </ActionForm>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
